//! JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>).

use actix_web::HttpResponse;
use serde_json::json;

use super::Channel;

/// The feed as JSON Feed 1.1: `summary` is the excerpt (plain text); readers follow `url`.
pub(super) fn render(channel: Channel) -> HttpResponse {
    let items: Vec<serde_json::Value> = channel
        .items
        .into_iter()
        .map(|item| {
            let mut entry = json!({
                "id": item.id,
                "url": item.url,
                "title": item.title,
                "summary": item.summary,
                "content_text": item.summary,
                "date_modified": item.updated.to_rfc3339(),
                "authors": [{ "name": item.author }],
                "tags": item.tags,
            });
            if let Some(published) = item.published {
                entry["date_published"] = json!(published.to_rfc3339());
            }
            entry
        })
        .collect();
    let feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": channel.self_url,
        "items": items,
    });
    HttpResponse::Ok().content_type("application/feed+json; charset=utf-8").body(feed.to_string())
}

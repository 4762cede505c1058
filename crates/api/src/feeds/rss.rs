//! RSS 2.0, with the entry's tags as categories and a permanent GUID.

use actix_web::HttpResponse;
use rss::{Category, Channel as RssChannel, Guid, Item as RssItem};

use super::{Channel, well_formed};

/// The feed as RSS 2.0 (dates in RFC 2822, as the specification has them).
pub(super) fn render(channel: Channel) -> HttpResponse {
    let items: Vec<RssItem> = channel
        .items
        .into_iter()
        .map(|item| RssItem {
            title: Some(item.title),
            link: Some(item.url),
            description: Some(item.summary),
            // RSS wants an e-mail address here, which feeds never publish: the name goes in Dublin Core.
            dublin_core_ext: Some(rss::extension::dublincore::DublinCoreExtension {
                creators: vec![item.author],
                ..Default::default()
            }),
            guid: Some(Guid { value: item.id, permalink: false }),
            pub_date: item.published.map(|t| t.to_rfc2822()),
            categories: item.tags.into_iter().map(|name| Category { name, domain: None }).collect(),
            ..RssItem::default()
        })
        .collect();
    let atom = rss::extension::atom::AtomExtension {
        links: vec![atom_syndication::Link {
            href: channel.self_url,
            rel: "self".into(),
            mime_type: Some("application/rss+xml".into()),
            ..atom_syndication::Link::default()
        }],
    };
    let feed = RssChannel {
        title: channel.title,
        link: channel.home_url,
        description: "The newest published posts".into(),
        last_build_date: Some(channel.updated.to_rfc2822()),
        items,
        atom_ext: Some(atom),
        ..RssChannel::default()
    };
    HttpResponse::Ok().content_type("application/rss+xml; charset=utf-8").body(well_formed(&feed.to_string()))
}

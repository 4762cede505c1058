//! The public post list answered by the read compiler: one statement selects each post's JSON
//! (author, tags and address included) and the page is those texts joined, so neither a second
//! statement nor a Rust rebuild of the rows stands between the database and the answer.

use colophon_domain::SummaryField;
use colophon_store::{ListShape, PostFilter};

use super::list::{filtered_author, slug_param};
use crate::cache_keys::CacheKey;
use crate::{Caller, Colophon, PostListQuery, ServiceError, ServiceResult};

impl Colophon {
    /// The public list's answer, `{"data":[…],"next_cursor":…}`, each post with only `fields`
    /// (every field when `None`), filtered, sorted and paged as `query` says. One statement;
    /// an author filter whose page is empty looks the author up too (what the answer depends on).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_posts_json(
        &self,
        caller: Caller,
        query: PostListQuery,
        fields: Option<Vec<SummaryField>>,
    ) -> ServiceResult<String> {
        if query.status.is_some() {
            return Err(ServiceError::bad_request("status", "staff lists are not compiled"));
        }
        let sorted = self.listing(&query)?;
        let plain = query.filter.is_none() && sorted.order.is_default();
        let filter = PostFilter { author: slug_param("author", &query.author)?, tag: slug_param("tag", &query.tag)? };
        let fields = fields.unwrap_or_else(|| SummaryField::ALL.to_vec());
        let shows_author = fields.contains(&SummaryField::Author);
        let shape = ListShape { fields, url: self.site_urls().posts.clone(), staff: caller.is_staff() };
        let codec = self.cursors().clone();
        let reads = if plain { Vec::new() } else { sorted.reads() };
        let looked_up = filter.clone();
        let (page, next_cursor, author) = self
            .db(move |conn, now| {
                let page = sorted.json_page(conn, now, &shape)?;
                let next_cursor = page.next.as_ref().map(|at| super::sorted::encode(&codec, &sorted.order, at));
                let author = match plain {
                    true => filtered_author(conn, &looked_up, page.items.first().map(|p| p.author_id))?,
                    false => None,
                };
                Ok((page.items, next_cursor, author))
            })
            .await?;
        for post in &page {
            self.saw_key(CacheKey::Post(post.id));
            if shows_author {
                self.saw_key(CacheKey::Author(post.author_id));
            }
            for slug in &post.tag_slugs {
                self.saw_key(CacheKey::Tag(slug.clone()));
            }
        }
        if plain {
            self.saw_membership(&filter, author);
        }
        for key in reads {
            self.saw_key(key);
        }
        let mut body = String::with_capacity(page.iter().map(|p| p.json.len() + 1).sum::<usize>() + 64);
        body.push_str("{\"data\":[");
        for (i, post) in page.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&post.json);
        }
        // A cursor is URL-safe base64: nothing in it needs escaping.
        match next_cursor {
            Some(cursor) => body.push_str(&format!("],\"next_cursor\":\"{cursor}\"}}")),
            None => body.push_str("],\"next_cursor\":null}"),
        }
        Ok(body)
    }
}

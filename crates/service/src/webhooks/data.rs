//! What an event says about its object: what an anonymous reader would see of it, never a
//! private field (e-mail, address, user agent, role, password), or its id and slug once gone.

use colophon_domain::{Author, Comment, CommentStatus, Post, Product, SidebarId, Slug};
use serde_json::{Value, json};

use super::outbox::rfc3339;

/// A visible post, as its page shows it (without the body: fetch the post for that).
pub(crate) fn post(post: &Post, tags: &[String], custom_fields: &serde_json::Map<String, Value>) -> Value {
    json!({
        "id": post.id.0,
        "slug": post.slug.as_str(),
        "title": post.title,
        "excerpt": post.excerpt,
        "published_at": post.published_at.map(rfc3339),
        "updated_at": rfc3339(post.updated_at),
        "author_id": post.author_id.0,
        "tags": tags,
        "comment_count": post.comment_count,
        "version": post.version,
        "custom_fields": custom_fields,
    })
}

/// A page as the public sees it.
pub(crate) fn page(page: &colophon_domain::SitePage) -> Value {
    json!({
        "id": page.id.0,
        "slug": page.slug.as_str(),
        "title": page.title,
        "excerpt": page.excerpt,
        "published_at": page.published_at.map(rfc3339),
        "updated_at": rfc3339(page.updated_at),
        "author_id": page.author_id.0,
        "version": page.version,
    })
}

/// A post that is no longer visible (unpublished or deleted).
pub(crate) fn post_gone(post: &Post) -> Value {
    json!({ "id": post.id.0, "slug": post.slug.as_str() })
}

/// A comment: its text when approved, its status whatever it is.
pub(crate) fn comment(comment: &Comment) -> Value {
    let visible = comment.status == CommentStatus::Approved;
    json!({
        "id": comment.id.0,
        "post_id": comment.post_id.0,
        "parent_id": comment.parent_id.map(|p| p.0),
        "status": comment.status.as_str(),
        "author_name": visible.then_some(&comment.author_name),
        "body_html": visible.then_some(&comment.body_html),
        "created_at": rfc3339(comment.created_at),
    })
}

/// An author's public profile.
pub(crate) fn author(author: &Author) -> Value {
    json!({
        "id": author.id.0,
        "slug": author.slug.as_str(),
        "name": author.name,
        "bio_html": author.bio_html,
        "avatar_url": author.avatar_url,
        "website_url": author.website_url,
    })
}

pub(crate) fn product(product: &Product) -> Value {
    json!({
        "id": product.id.0,
        "title": product.title,
        "url": product.url,
        "image_url": product.image.as_ref().and_then(|i| i.url.as_deref()),
        "image": product.image,
        "contributor_label": product.contributor_label,
        "contributors": product.contributors,
        "edition": product.edition,
    })
}

pub(crate) fn sidebar(id: SidebarId, slug: &Slug, title: &str) -> Value {
    json!({ "id": id.0, "slug": slug.as_str(), "title": title })
}

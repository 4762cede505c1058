//! The request bodies of posts and pages. What they share is declared once, here: serde's
//! `flatten` cannot be used with `deny_unknown_fields`, so each body is declared by a macro that
//! writes the shared fields around the body's own (after `published_at`, and after `sidebar`),
//! and its shared fields become the service's content input through one conversion.

/// Declares a create body with the shared fields, the body's own `{ after published_at }` and
/// `{ after sidebar }`.
macro_rules! create_body {
    ($(#[$meta:meta])* $name:ident { $($middle:tt)* } { $($end:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            #[schema(schema_with = crate::rest::schemas::text::<300>)]
            pub title: String,
            #[schema(max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
            pub slug: Option<String>,
            pub body_markdown: Option<String>,
            pub body_html: Option<String>,
            #[schema(max_length = 300)]
            pub excerpt: Option<String>,
            /// `draft` when absent; `scheduled` takes a future `published_at`.
            pub status: Option<colophon_domain::PostStatus>,
            pub published_at: Option<chrono::DateTime<chrono::Utc>>,
            $($middle)*
            /// A sidebar's slug.
            #[schema(max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
            pub sidebar: Option<String>,
            $($end)*
            pub seo: Option<crate::rest::post_write::SeoInputBody>,
            /// The site's own fields (`GET /api/v1/fields`), by name.
            #[schema(value_type = Option<Object>)]
            pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
        }

        impl $name {
            /// Splits off the shared fields, as the service takes them; the body's own stay.
            fn content(&mut self) -> colophon_service::ContentInput {
                colophon_service::ContentInput {
                    title: Some(std::mem::take(&mut self.title)),
                    slug: self.slug.take(),
                    body_markdown: self.body_markdown.take(),
                    body_html: self.body_html.take(),
                    excerpt: self.excerpt.take().into(),
                    status: self.status.take(),
                    published_at: self.published_at.take().into(),
                    sidebar: self.sidebar.take().into(),
                    seo: self.seo.take().map(Into::into).unwrap_or_default(),
                    custom_fields: self.custom_fields.take(),
                }
            }
        }
    };
}
pub(crate) use create_body;

/// Declares a partial-update body with the shared fields (absent: unchanged; `null` clears
/// `excerpt`, `published_at` and `sidebar`), the body's own `{ after published_at }` and
/// `{ after sidebar }`.
macro_rules! update_body {
    ($(#[$meta:meta])* $name:ident { $($middle:tt)* } { $($end:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            #[schema(schema_with = crate::rest::schemas::optional_text::<300>)]
            pub title: Option<String>,
            #[schema(max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
            pub slug: Option<String>,
            pub body_markdown: Option<String>,
            pub body_html: Option<String>,
            #[serde(default)]
            #[schema(value_type = Option<String>, max_length = 300)]
            pub excerpt: colophon_domain::Patch<String>,
            pub status: Option<colophon_domain::PostStatus>,
            #[serde(default)]
            #[schema(value_type = Option<chrono::DateTime<chrono::Utc>>)]
            pub published_at: colophon_domain::Patch<chrono::DateTime<chrono::Utc>>,
            $($middle)*
            #[serde(default)]
            #[schema(value_type = Option<String>, max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
            pub sidebar: colophon_domain::Patch<String>,
            $($end)*
            /// Only the fields given change.
            pub seo: Option<crate::rest::post_write::SeoInputBody>,
            /// Only the fields given change; `null` removes one.
            #[schema(value_type = Option<Object>)]
            pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
        }

        impl $name {
            /// Splits off the shared fields, as the service takes them; the body's own stay.
            fn content(&mut self) -> colophon_service::ContentInput {
                colophon_service::ContentInput {
                    title: self.title.take(),
                    slug: self.slug.take(),
                    body_markdown: self.body_markdown.take(),
                    body_html: self.body_html.take(),
                    excerpt: std::mem::take(&mut self.excerpt),
                    status: self.status.take(),
                    published_at: std::mem::take(&mut self.published_at),
                    sidebar: std::mem::take(&mut self.sidebar),
                    seo: self.seo.take().map(Into::into).unwrap_or_default(),
                    custom_fields: self.custom_fields.take(),
                }
            }
        }
    };
}
pub(crate) use update_body;

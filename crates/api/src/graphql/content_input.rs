//! The GraphQL inputs of posts and pages. What they share is declared once, here: each input is
//! declared by a macro that writes the shared fields around the input's own (after
//! `publishedAt`, and after `sidebar`), and its shared fields become the service's content input
//! through one conversion.

use async_graphql::MaybeUndefined;
use colophon_domain::Patch;

/// `undefined` stays unchanged, `null` clears, a value sets.
pub(crate) fn patch<T, U>(value: MaybeUndefined<T>, f: impl FnOnce(T) -> U) -> Patch<U> {
    match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => Patch::Set(f(v)),
    }
}

/// Declares a create input with the shared fields, the input's own `{ after publishedAt }` and
/// `{ after sidebar }`.
macro_rules! create_input {
    ($(#[$meta:meta])* $name:ident for $owner:ty { $($middle:tt)* } { $($end:tt)* }) => {
        $(#[$meta])*
        #[derive(async_graphql::InputObject)]
        pub struct $name {
            title: String,
            slug: Option<String>,
            body_markdown: Option<String>,
            body_html: Option<String>,
            excerpt: Option<String>,
            status: Option<super::types::PostStatusEnum>,
            published_at: Option<super::types::DateTime>,
            $($middle)*
            /// A sidebar's slug.
            sidebar: Option<String>,
            $($end)*
            seo: Option<super::inputs::SeoInputObject>,
            /// The site's own fields: each given one set (null removes it), the others kept.
            custom_fields: Option<super::types::custom_fields::CustomFieldsInput<$owner>>,
        }

        impl $name {
            /// Splits off the shared fields, as the service takes them; the input's own stay.
            fn content(&mut self) -> colophon_service::ContentInput {
                colophon_service::ContentInput {
                    title: Some(std::mem::take(&mut self.title)),
                    slug: self.slug.take(),
                    body_markdown: self.body_markdown.take(),
                    body_html: self.body_html.take(),
                    excerpt: self.excerpt.take().into(),
                    status: self.status.take().map(Into::into),
                    published_at: self.published_at.take().map(|t| t.0).into(),
                    sidebar: self.sidebar.take().into(),
                    seo: self.seo.take().map(Into::into).unwrap_or_default(),
                    // In GraphQL's spelling until the resolver reads them (`custom_values`).
                    custom_fields: self.custom_fields.take().map(|sent| sent.into_sent()),
                }
            }
        }
    };
}
pub(crate) use create_input;

/// Declares a partial-update input with the shared fields (absent: unchanged; `null` clears
/// excerpt, publishedAt and sidebar), the input's own `{ after publishedAt }` and
/// `{ after sidebar }`.
macro_rules! update_input {
    ($(#[$meta:meta])* $name:ident for $owner:ty { $($middle:tt)* } { $($end:tt)* }) => {
        $(#[$meta])*
        #[derive(async_graphql::InputObject)]
        pub struct $name {
            title: Option<String>,
            slug: Option<String>,
            body_markdown: Option<String>,
            body_html: Option<String>,
            excerpt: async_graphql::MaybeUndefined<String>,
            status: Option<super::types::PostStatusEnum>,
            published_at: async_graphql::MaybeUndefined<super::types::DateTime>,
            $($middle)*
            sidebar: async_graphql::MaybeUndefined<String>,
            $($end)*
            seo: Option<super::inputs::SeoInputObject>,
            /// The site's own fields: each given one set (null removes it), the others kept.
            custom_fields: Option<super::types::custom_fields::CustomFieldsInput<$owner>>,
        }

        impl $name {
            /// Splits off the shared fields, as the service takes them; the input's own stay.
            fn content(&mut self) -> colophon_service::ContentInput {
                use super::content_input::patch;
                colophon_service::ContentInput {
                    title: self.title.take(),
                    slug: self.slug.take(),
                    body_markdown: self.body_markdown.take(),
                    body_html: self.body_html.take(),
                    excerpt: patch(std::mem::take(&mut self.excerpt), |e| e),
                    status: self.status.take().map(Into::into),
                    published_at: patch(std::mem::take(&mut self.published_at), |t| t.0),
                    sidebar: patch(std::mem::take(&mut self.sidebar), |s| s),
                    seo: self.seo.take().map(Into::into).unwrap_or_default(),
                    // In GraphQL's spelling until the resolver reads them (`custom_values`).
                    custom_fields: self.custom_fields.take().map(|sent| sent.into_sent()),
                }
            }
        }
    };
}
pub(crate) use update_input;

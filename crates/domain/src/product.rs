use crate::{ProductId, Timestamp};

/// A product card of a sidebar: "The Big Lebowski … starring Jeff Bridges, John Goodman".
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// The product's id, by which sidebar widgets name it.
    pub id: ProductId,
    /// The card's heading.
    pub title: String,
    /// Where the card links to, an absolute http(s) URL, if anywhere.
    pub url: Option<String>,
    /// The picture on the card: an absolute http(s) URL, or a media item with its alt text,
    /// credit and size.
    pub image: Option<crate::FeaturedImage>,
    /// The word before the names: "starring", "by", "with".
    pub contributor_label: Option<String>,
    /// The names after the label, in the order shown.
    pub contributors: Vec<String>,
    /// Which edition or format ("Collector's Edition"), if it matters.
    pub edition: Option<String>,
    /// When the product was added.
    pub created_at: Timestamp,
    /// When the product was last changed.
    pub updated_at: Timestamp,
}

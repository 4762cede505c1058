use crate::{ProductId, Timestamp};

/// A product card of a sidebar: "The Big Lebowski … starring Jeff Bridges, John Goodman".
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub id: ProductId,
    pub title: String,
    pub url: Option<String>,
    pub image_url: Option<String>,
    /// The word before the names: "starring", "by", "with".
    pub contributor_label: Option<String>,
    pub contributors: Vec<String>,
    pub edition: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

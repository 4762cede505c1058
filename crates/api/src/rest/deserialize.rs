//! Serde helpers for request bodies: what JSON allows and serde's defaults do not say.

use serde::{Deserialize, Deserializer};

/// JSON Schema counts `3.0` as an integer; serde does not. For integer fields of request
/// bodies: a whole number in either notation, and nothing else.
pub fn optional_integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    Option::<serde_json::Number>::deserialize(deserializer)?
        .map(|number| {
            whole(&number).ok_or_else(|| serde::de::Error::custom(format!("expected a whole number, got {number}")))
        })
        .transpose()
}

pub fn integers<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<i64>, D::Error> {
    Vec::<serde_json::Number>::deserialize(deserializer)?
        .iter()
        .map(|number| {
            whole(number).ok_or_else(|| serde::de::Error::custom(format!("expected whole numbers, got {number}")))
        })
        .collect()
}

fn whole(number: &serde_json::Number) -> Option<i64> {
    number.as_i64().or_else(|| {
        let float = number.as_f64()?;
        (float.fract() == 0.0 && float >= i64::MIN as f64 && float < i64::MAX as f64).then_some(float as i64)
    })
}

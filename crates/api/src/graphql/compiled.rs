//! Fields the read compiler answers whole: the document's selection below the field is handed
//! to the service as a [`Selection`], and the JSON the database returns is the field's value.
//! When the service does not compile it, the field's resolvers answer as before.

use std::borrow::Cow;

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{Context, ContextSelectionSet, OutputType, Positioned, SelectionField, ServerResult, Value};
use colophon_domain::{FieldName, Picked, Selection};
use colophon_service::{Colophon, Key, ServiceError};

use super::error::GqlResult;
use super::types::PostNode;

/// Request data: the document has no `@` (so no directive can skip or include a part of the
/// selection, which the selection this module reads would not show).
#[derive(Debug, Clone, Copy)]
pub struct PlainDocument;

impl PlainDocument {
    /// Whether `query` is plain: a conservative test of its text.
    pub fn is(query: &str) -> bool {
        !query.contains('@')
    }
}

/// The selection below the current field, when the compiler may be given it.
pub fn selection(ctx: &Context<'_>) -> Option<Selection> {
    ctx.data_opt::<PlainDocument>()?;
    selection_of(&ctx.field())
}

fn selection_of(field: &SelectionField<'_>) -> Option<Selection> {
    let picks = field.selection_set().map(|inner| picked(&inner)).collect::<Option<Vec<_>>>()?;
    Selection::new(picks)
}

/// One field, with `comments`' paging arguments in the oldest-first order (any other argument
/// leaves the selection to the resolvers).
fn picked(field: &SelectionField<'_>) -> Option<Picked> {
    let name = FieldName::parse(field.name())?;
    let key = FieldName::parse(field.alias().unwrap_or(field.name()))?;
    let mut first = None;
    for (argument, value) in field.arguments().ok()? {
        match (name.as_str(), argument.as_str(), value) {
            ("comments", "first", Value::Number(n)) => first = Some(n.as_i64()?),
            ("comments", "order", Value::Enum(order)) if order.as_str() == "OLDEST" => {}
            ("comments", "after", Value::Null) => {}
            _ => return None,
        }
    }
    Some(Picked { key, field: name, first, inside: selection_of(field)? })
}

/// The compiled answer of `post(slug:)`, `None` when the resolvers are to answer. A failure of
/// the compiled statement itself (not of the database: that fails the resolvers too) is logged
/// and left to them, so that the compiler can never cost a client an answer.
pub async fn post(colophon: &Colophon, key: Key, selection: &Selection) -> async_graphql::Result<Option<PostAnswer>> {
    let json = match colophon.post_graph_json(key, selection).await {
        Ok(json) => json,
        Err(error @ ServiceError::Unavailable(_)) => return Err(error).gql(),
        Err(error) => {
            tracing::error!(error = %error, "the compiled post failed; the resolvers answer");
            None
        }
    };
    let Some(json) = json else { return Ok(None) };
    match serde_json::from_str(&json) {
        Ok(value) => Ok(Some(PostAnswer::Compiled(value))),
        Err(error) => {
            tracing::error!(%error, "the compiled post is not JSON; the resolvers answer");
            Ok(None)
        }
    }
}

/// A `Post` answered by its resolvers or by the compiler.
pub enum PostAnswer {
    Resolved(Box<PostNode>),
    Compiled(Value),
}

impl OutputType for PostAnswer {
    fn type_name() -> Cow<'static, str> {
        <PostNode as OutputType>::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <PostNode as OutputType>::create_type_info(registry)
    }

    async fn resolve(&self, ctx: &ContextSelectionSet<'_>, field: &Positioned<Field>) -> ServerResult<Value> {
        match self {
            Self::Resolved(node) => OutputType::resolve(node.as_ref(), ctx, field).await,
            Self::Compiled(value) => Ok(value.clone()),
        }
    }
}

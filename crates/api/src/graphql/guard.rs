//! What a GraphQL request may cost, checked on the parsed document before anything runs:
//! document size, aliases, field selections (repeats included: `id id id …` is 1,330 selections
//! even though it resolves one field), nesting depth, and the complexity of every operation of a
//! batch added up against one budget per HTTP request.
//!
//! Introspection (`__schema`, `__type`) has a depth limit of its own: the standard introspection
//! query that GraphiQL, graphql-codegen and Apollo send nests 15 levels (`ofType` chains), deeper
//! than any ordinary query may go, and it costs what the schema's size costs, not the data's.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Response, ServerError, ServerResult, ValidationResult, Variables};

/// Deepest nesting of ordinary fields.
pub const MAX_DEPTH: usize = 12;
/// Deepest nesting inside `__schema` / `__type` (the standard introspection query needs 15).
pub const MAX_INTROSPECTION_DEPTH: usize = 24;
/// Longest document accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Deepest nesting of brackets (`{`, `[`, `(`) in a document, checked before it is parsed: the
/// parser recurses once per level and argument values (a `where` of nested `not`s) have no other
/// bound, so thousands of levels could exhaust a worker's stack. The deepest allowed query
/// (24 levels of introspection) needs about 30.
pub const MAX_BRACKETS: usize = 64;
/// Most aliased fields one document may hold (aliases multiply work without deepening a query).
pub const MAX_ALIASES: usize = 30;
/// Most field selections one operation may make, counting repeats and expanded fragments.
pub const MAX_SELECTIONS: usize = 600;
/// Complexity (a list counts `first` times its fields) one operation may have, and every
/// operation of one HTTP request (a batch) together.
pub const MAX_COMPLEXITY: usize = 5_000;

/// What the operations of one HTTP request have spent and done; shared by a whole batch.
#[derive(Debug, Default)]
pub struct RequestCost {
    spent: AtomicUsize,
    mutation: AtomicBool,
    executed: AtomicBool,
    private: AtomicBool,
}

impl RequestCost {
    /// Whether any operation of the request was a mutation (or subscription).
    pub fn writes(&self) -> bool {
        self.mutation.load(Ordering::Acquire)
    }

    /// Marks the answer as one no cache may keep (it shows a draft through a preview token).
    pub fn keep_private(&self) {
        self.private.store(true, Ordering::Release);
    }

    /// Whether a field marked the answer private.
    pub fn private(&self) -> bool {
        self.private.load(Ordering::Acquire)
    }

    /// Whether any operation got as far as executing: otherwise the request itself was refused
    /// (it did not parse, validate or fit the limits).
    pub fn executed(&self) -> bool {
        self.executed.load(Ordering::Acquire)
    }
}

/// The extension, registered once on the schema.
pub struct Guard;

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GuardExtension)
    }
}

struct GuardExtension;

/// A refusal as GraphQL errors carry it: a message and `extensions.code`.
pub fn refusal(code: &str, message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

#[async_graphql::async_trait::async_trait]
impl Extension for GuardExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if query.len() > MAX_QUERY_BYTES {
            return Err(refusal(
                "QUERY_TOO_LARGE",
                format!("a GraphQL document may be at most {MAX_QUERY_BYTES} bytes, got {}", query.len()),
            ));
        }
        if bracket_depth(query) > MAX_BRACKETS {
            return Err(refusal(
                "QUERY_TOO_DEEP",
                format!("a GraphQL document may nest brackets at most {MAX_BRACKETS} deep"),
            ));
        }
        let document = next.run(ctx, query, variables).await.map_err(|mut error| {
            let mut extensions = error.extensions.take().unwrap_or_default();
            extensions.set("code", "GRAPHQL_PARSE_FAILED");
            error.extensions = Some(extensions);
            error
        })?;
        check(&document)?;
        if document.operations.iter().any(|(_, op)| op.node.ty != OperationType::Query) {
            if let Some(cost) = ctx.data_opt::<Arc<RequestCost>>() {
                cost.mutation.store(true, Ordering::Release);
            }
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if let Some(cost) = ctx.data_opt::<Arc<RequestCost>>() {
            let total = cost.spent.fetch_add(result.complexity, Ordering::AcqRel) + result.complexity;
            if total > MAX_COMPLEXITY {
                return Err(vec![refusal(
                    "COMPLEXITY_LIMIT",
                    format!(
                        "the operations of one request may have a complexity of {MAX_COMPLEXITY} together; \
                         this one brings the total to {total}"
                    ),
                )]);
            }
        }
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Some(cost) = ctx.data_opt::<Arc<RequestCost>>() {
            cost.executed.store(true, Ordering::Release);
        }
        next.run(ctx, operation_name).await
    }
}

/// How deeply `{`, `[` and `(` nest in a document, outside strings and comments.
fn bracket_depth(query: &str) -> usize {
    let bytes = query.as_bytes();
    let (mut depth, mut deepest, mut at) = (0_usize, 0_usize, 0);
    while at < bytes.len() {
        match bytes[at] {
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            b'"' if bytes[at..].starts_with(b"\"\"\"") => {
                at += 3;
                while at < bytes.len() && !bytes[at..].starts_with(b"\"\"\"") {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                at += 2;
            }
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' && bytes[at] != b'\n' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    deepest
}

/// Aliases, selections and depth of a parsed document, fragments expanded (each fragment is
/// measured once, so a fragment spread a thousand times costs one walk).
pub fn check(document: &ExecutableDocument) -> ServerResult<()> {
    let mut walker = Walker { document, fragments: HashMap::new(), aliases: 0 };
    for (_, operation) in document.operations.iter() {
        let measure = walker.selection_set(&operation.node.selection_set.node, false);
        if measure.selections > MAX_SELECTIONS {
            return Err(refusal(
                "TOO_MANY_SELECTIONS",
                format!(
                    "an operation may select at most {MAX_SELECTIONS} fields (repeats and fragments counted), got {}",
                    measure.selections
                ),
            ));
        }
        if measure.depth > MAX_DEPTH {
            return Err(refusal(
                "DEPTH_LIMIT",
                format!("an operation may nest fields at most {MAX_DEPTH} deep, got {}", measure.depth),
            ));
        }
        if measure.introspection_depth > MAX_INTROSPECTION_DEPTH {
            return Err(refusal(
                "DEPTH_LIMIT",
                format!(
                    "introspection may nest at most {MAX_INTROSPECTION_DEPTH} deep, got {}",
                    measure.introspection_depth
                ),
            ));
        }
    }
    if walker.aliases > MAX_ALIASES {
        return Err(refusal(
            "TOO_MANY_ALIASES",
            format!("a GraphQL document may hold at most {MAX_ALIASES} aliases, got {}", walker.aliases),
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    selections: usize,
    /// Depth of ordinary fields.
    depth: usize,
    /// Depth of the deepest introspection root (`__schema` counts one).
    introspection_depth: usize,
}

struct Walker<'a> {
    document: &'a ExecutableDocument,
    /// Fragments measured so far; `None` while one is being measured (a cycle, which
    /// validation refuses anyway, counts nothing).
    fragments: HashMap<&'a Name, Option<Measure>>,
    aliases: usize,
}

impl<'a> Walker<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet, introspection: bool) -> Measure {
        let mut total = Measure::default();
        for item in &set.items {
            let measure = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    self.aliases += usize::from(field.alias.is_some());
                    let name = field.name.node.as_str();
                    let inside = introspection || name == "__schema" || name == "__type";
                    let child = self.selection_set(&field.selection_set.node, inside);
                    let mut measure = Measure { selections: child.selections.saturating_add(1), ..Measure::default() };
                    if inside {
                        measure.introspection_depth = child.introspection_depth.max(child.depth) + 1;
                    } else {
                        measure.depth = child.depth + 1;
                        measure.introspection_depth = child.introspection_depth;
                    }
                    measure
                }
                Selection::InlineFragment(fragment) => {
                    self.selection_set(&fragment.node.selection_set.node, introspection)
                }
                Selection::FragmentSpread(spread) => self.fragment(&spread.node.fragment_name.node, introspection),
            };
            total.selections = total.selections.saturating_add(measure.selections);
            total.depth = total.depth.max(measure.depth);
            total.introspection_depth = total.introspection_depth.max(measure.introspection_depth);
        }
        total
    }

    fn fragment(&mut self, name: &'a Name, introspection: bool) -> Measure {
        match self.fragments.get(name) {
            Some(Some(measure)) => return retag(*measure, introspection),
            Some(None) => return Measure::default(),
            None => {}
        }
        let Some(fragment) = self.document.fragments.get(name) else { return Measure::default() };
        self.fragments.insert(name, None);
        // Measured as if outside introspection; `retag` moves it inside when spread there.
        let measure = self.selection_set(&fragment.node.selection_set.node, false);
        self.fragments.insert(name, Some(measure));
        retag(measure, introspection)
    }
}

/// A fragment's measure as seen from where it is spread: inside introspection every level of it
/// counts toward the introspection depth.
fn retag(measure: Measure, introspection: bool) -> Measure {
    if introspection {
        Measure {
            selections: measure.selections,
            depth: 0,
            introspection_depth: measure.depth.max(measure.introspection_depth),
        }
    } else {
        measure
    }
}

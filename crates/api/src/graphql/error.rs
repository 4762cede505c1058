//! The one mapping from service errors to GraphQL errors with `extensions.code`.

use async_graphql::{Error, ErrorExtensions};
use colophon_service::ServiceError;

/// Converts a service error; 5xx causes are logged and replaced by a generic message.
pub fn gql_error(error: ServiceError) -> Error {
    use ServiceError as E;
    let (code, message) = match &error {
        E::BadRequest(errors) | E::Invalid(errors) => ("BAD_USER_INPUT", format!("invalid input: {errors}")),
        E::NotFound(what) => ("NOT_FOUND", format!("{what} not found")),
        E::Conflict(what) => ("CONFLICT", what.clone()),
        E::PreconditionFailed => ("PRECONDITION_FAILED", "the resource changed since the version given".into()),
        E::Unauthenticated(why) => ("UNAUTHENTICATED", (*why).to_string()),
        E::Forbidden(why) => ("FORBIDDEN", (*why).to_string()),
        E::TooLarge(why) => ("PAYLOAD_TOO_LARGE", why.clone()),
        E::UnsupportedMediaType(why) => ("UNSUPPORTED_MEDIA_TYPE", why.clone()),
        E::RateLimited { retry_after_secs } => {
            ("RATE_LIMITED", format!("too many requests; retry after {retry_after_secs} s"))
        }
        E::Busy { what, retry_after_secs } => {
            ("UNAVAILABLE", format!("the server is busy {what}; retry after {retry_after_secs} s"))
        }
        E::Unavailable(_) => {
            tracing::warn!(cause = %colophon_service::chain(&error), "database unavailable");
            ("UNAVAILABLE", "the database is unavailable; retry shortly".into())
        }
        E::Internal(_) => {
            tracing::error!(cause = %colophon_service::chain(&error), "internal error");
            ("INTERNAL_SERVER_ERROR", "an internal error occurred; it was logged".into())
        }
    };
    Error::new(message).extend_with(|_, ext| {
        ext.set("code", code);
        match &error {
            E::BadRequest(errors) | E::Invalid(errors) => {
                if let Some(first) = errors.0.first() {
                    ext.set("field", first.field.clone());
                }
                let fields: Vec<async_graphql::Value> = errors
                    .0
                    .iter()
                    .map(|e| {
                        let mut map = async_graphql::indexmap::IndexMap::new();
                        map.insert(async_graphql::Name::new("field"), async_graphql::Value::from(e.field.clone()));
                        map.insert(async_graphql::Name::new("message"), async_graphql::Value::from(e.message.clone()));
                        async_graphql::Value::Object(map)
                    })
                    .collect();
                ext.set("errors", fields);
            }
            E::RateLimited { retry_after_secs } | E::Busy { retry_after_secs, .. } => {
                ext.set("retryAfter", *retry_after_secs);
            }
            _ => {}
        }
    })
}

/// Paging errors name the REST parameters; GraphQL clients know them as `first` and `after`.
pub fn paging_error(error: ServiceError) -> Error {
    let rename = |mut errors: colophon_domain::ValidationErrors| {
        for e in &mut errors.0 {
            e.field = match e.field.as_str() {
                "limit" => "first".into(),
                "cursor" => "after".into(),
                other => other.into(),
            };
        }
        errors
    };
    gql_error(match error {
        ServiceError::BadRequest(errors) => ServiceError::BadRequest(rename(errors)),
        other => other,
    })
}

/// `?` on service results inside resolvers.
pub trait GqlResult<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for Result<T, ServiceError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(gql_error)
    }
}

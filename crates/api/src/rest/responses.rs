//! The problem responses of each kind of route, declared once and named in every operation's
//! `responses(…)`: a route documents the refusals of its kind, every one as problem+json with
//! the same words everywhere. (Any route may also answer 400 for a query string or header block
//! past the limits, so every set has it.)

use crate::problem::{PROBLEM_JSON, Problem};

/// What each status means, on every route.
#[allow(non_upper_case_globals)]
mod description {
    pub const BAD_REQUEST: &str = "Malformed request: JSON syntax, a path id, a query parameter, a cursor, If-Match, or a query string or headers past the limits";
    pub const UNAUTHORIZED: &str = "Not signed in where that is needed, or a bad, expired or revoked token";
    pub const FORBIDDEN: &str = "Signed in, but the caller's role or ownership does not allow this";
    pub const NOT_FOUND: &str = "No such resource, or not visible to the caller";
    pub const CONFLICT: &str =
        "Conflicts with what exists (a taken e-mail, slug or rule; the same comment twice; an author with posts)";
    pub const PRECONDITION_FAILED: &str = "The resource changed since the version in If-Match";
    pub const PAYLOAD_TOO_LARGE: &str = "Body (or uploaded file) too large";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "The body is not JSON (uploads: not multipart/form-data, or a file that is not a JPEG, PNG, WebP, GIF, AVIF or PDF; SVG is refused)";
    pub const UNPROCESSABLE_ENTITY: &str = "A value breaks a rule; `errors` names each field";
    pub const TOO_MANY_REQUESTS: &str = "Too many attempts; retry after Retry-After seconds";
    pub const SERVICE_UNAVAILABLE: &str = "The database (or the media storage) is unavailable";
    pub const RANGE_NOT_SATISFIABLE: &str = "The Range asked for lies outside the file";
}

/// Declares a response set: one problem+json response per status named.
macro_rules! problems {
    ($(#[doc = $doc:literal])* $name:ident: $($status:ident),+ $(,)?) => {
        $(#[doc = $doc])*
        #[derive(utoipa::IntoResponses)]
        #[allow(non_camel_case_types, dead_code, clippy::upper_case_acronyms)]
        pub enum $name {
            $(
                #[response(status = $status, description = description::$status, content_type = PROBLEM_JSON)]
                $status(Problem),
            )+
        }
    };
}

problems!(
    /// Public lists.
    PublicList: BAD_REQUEST
);
problems!(
    /// Public items.
    PublicItem: BAD_REQUEST, NOT_FOUND
);
problems!(
    /// Reads whose answer depends on an optional token (staff see drafts).
    CallerRead: BAD_REQUEST, UNAUTHORIZED, NOT_FOUND
);
problems!(
    /// The caller's own session and record.
    SignedIn: BAD_REQUEST, UNAUTHORIZED
);
problems!(
    /// Reads for editors or admins.
    StaffRead: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN
);
problems!(
    /// Creating a resource from a JSON body.
    Create: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, CONFLICT, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE,
    UNPROCESSABLE_ENTITY
);
problems!(
    /// Changing a resource (or adding to one, as a comment to a post) with a JSON body.
    Update: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, PRECONDITION_FAILED,
    PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, UNPROCESSABLE_ENTITY, TOO_MANY_REQUESTS
);
problems!(
    /// Deleting a resource.
    Delete: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, PRECONDITION_FAILED
);
problems!(
    /// Signing in, refreshing and signing out.
    Session: BAD_REQUEST, UNAUTHORIZED, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, UNPROCESSABLE_ENTITY,
    TOO_MANY_REQUESTS
);
problems!(
    /// Reads of one post's history and links (whoever may edit the post).
    EditorRead: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND
);
problems!(
    /// Acting on a post without a body but `If-Match` (restoring a revision).
    Restore: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, PRECONDITION_FAILED, UNPROCESSABLE_ENTITY
);
problems!(
    /// Uploading a file.
    Upload: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, UNPROCESSABLE_ENTITY,
    SERVICE_UNAVAILABLE
);
problems!(
    /// Serving a file of the library.
    MediaFile: BAD_REQUEST, NOT_FOUND, RANGE_NOT_SATISFIABLE, TOO_MANY_REQUESTS, SERVICE_UNAVAILABLE
);
problems!(
    /// Readiness.
    Readiness: BAD_REQUEST, SERVICE_UNAVAILABLE
);

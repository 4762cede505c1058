//! The audit log: who changed what, when, from which request.

use crate::{ApiKeyId, AuditId, AuthorId, Timestamp};

/// One write, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its id (entries are listed newest first).
    pub id: AuditId,
    /// When the write committed.
    pub at: Timestamp,
    /// The author who made it (a key's owner); `None` for the operator's command line.
    pub author: Option<AuthorId>,
    /// The API key it came with, if any.
    pub api_key: Option<ApiKeyId>,
    /// What was done: `post.update`, `comment.moderate`, `api_key.create`…
    pub action: String,
    /// What it was done to: `post:42`, `settings`…
    pub target: String,
    /// The request's id (`X-Request-Id`), when it came over HTTP.
    pub request_id: Option<String>,
    /// The names of the fields changed; never their values, so never a secret.
    pub fields: Vec<String>,
}

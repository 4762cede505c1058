//! The audit log: every write by staff, an API key or the operator records who did what to
//! which object, when, from which request, and the names of the fields it changed.

use colophon_domain::{ApiKeyId, AuditEntry, AuditId, AuthorId, Page};
use colophon_store::{self as store, AuditFilter};

use crate::{Caller, Colophon, CursorPage, ServiceError, ServiceResult};

const LIST: &str = "audit";

tokio::task_local! {
    /// The id of the HTTP request being served, for the audit log (set by the API's request
    /// span middleware around each request).
    pub static REQUEST_ID: String;
}

/// The request id of the task this runs in, if it serves one.
pub(crate) fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Records a write by the operator's command line (no author, no request).
pub(crate) fn by_operator(
    conn: &mut colophon_store::DbConnection,
    audits: &[crate::write::Audit],
    now: colophon_domain::Timestamp,
) -> ServiceResult<()> {
    let entries: Vec<store::NewAuditEntry> = audits
        .iter()
        .map(|audit| store::NewAuditEntry {
            author: None,
            api_key: None,
            action: audit.action.as_str().to_string(),
            target: audit.target.to_string(),
            request_id: None,
            fields: audit.fields.clone(),
        })
        .collect();
    Ok(store::insert_audit_entries(conn, &entries, now)?)
}

/// Which entries to list (all when empty).
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Entries by this author (in person or through a key).
    pub author: Option<AuthorId>,
    /// Entries made with this API key.
    pub api_key: Option<ApiKeyId>,
    /// An action (`post.update`) or every action on a resource (`post`).
    pub action: Option<String>,
    /// One object (`post:42`).
    pub target: Option<String>,
    /// Entries per page, 1 to 100 (20 when absent).
    pub limit: Option<i64>,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// `post`, `post.update`, `api_key.create`: lowercase words joined by one dot at most.
fn checked_action(action: &str) -> ServiceResult<String> {
    let word = |w: &str| !w.is_empty() && w.len() <= 40 && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    let ok = match action.split_once('.') {
        Some((resource, verb)) => word(resource) && word(verb),
        None => word(action),
    };
    if ok {
        Ok(action.to_string())
    } else {
        Err(ServiceError::bad_request("action", "an action such as post.update, or a resource such as post"))
    }
}

impl Colophon {
    /// The audit log, newest first (admins).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn audit_log(&self, caller: Caller, query: AuditQuery) -> ServiceResult<CursorPage<AuditEntry>> {
        caller.admin()?;
        let action = query.action.as_deref().map(checked_action).transpose()?;
        if query.target.as_ref().is_some_and(|t| t.len() > 200) {
            return Err(ServiceError::bad_request("target", "at most 200 characters"));
        }
        let filter = AuditFilter { author: query.author, api_key: query.api_key, action, target: query.target };
        let (limit, before) = self.id_page_args(LIST, query.limit, query.cursor)?;
        let codec = self.cursors().clone();
        self.db(move |conn, _| {
            let rows = store::list_audit(conn, &filter, before.map(AuditId), limit.probe())?;
            let page = Page::from_probe(rows, limit, |e| e.id.0);
            Ok(CursorPage { items: page.items, next_cursor: page.next.map(|id| codec.encode(LIST, &[id])) })
        })
        .await
    }

    /// Drops audit entries past the retention period; returns how many.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn prune_audit_log(&self) -> ServiceResult<usize> {
        let days = i64::from(self.audit_retention_days());
        self.db(move |conn, now| Ok(store::prune_audit(conn, now - chrono::Duration::days(days))?)).await
    }
}

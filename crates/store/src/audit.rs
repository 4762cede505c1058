//! The audit log.

use colophon_domain::{ApiKeyId, AuditEntry, AuditId, AuthorId, Timestamp};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::schema::audit_log;
use crate::{DbConnection, StoreResult};

/// An entry to write.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub author: Option<AuthorId>,
    pub api_key: Option<ApiKeyId>,
    pub action: String,
    pub target: String,
    pub request_id: Option<String>,
    pub fields: Vec<String>,
}

pub fn insert_audit_entries(conn: &mut DbConnection, entries: &[NewAuditEntry], now: Timestamp) -> StoreResult<()> {
    for entry in entries {
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::at.eq(now),
                audit_log::author_id.eq(entry.author),
                audit_log::api_key_id.eq(entry.api_key),
                audit_log::action.eq(&entry.action),
                audit_log::target.eq(&entry.target),
                audit_log::request_id.eq(&entry.request_id),
                audit_log::fields.eq(entry.fields.join(" ")),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub author: Option<AuthorId>,
    pub api_key: Option<ApiKeyId>,
    /// An action (`post.update`) or a resource (`post`, for every action on posts).
    pub action: Option<String>,
    pub target: Option<String>,
}

type Row = (AuditId, Timestamp, Option<AuthorId>, Option<ApiKeyId>, String, String, Option<String>, String);

/// Entries newest first, before `before`, matching `filter`.
pub fn list_audit(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    before: Option<AuditId>,
    limit: i64,
) -> StoreResult<Vec<AuditEntry>> {
    let mut query = audit_log::table.into_boxed();
    if let Some(author) = filter.author {
        query = query.filter(audit_log::author_id.eq(Some(author)));
    }
    if let Some(key) = filter.api_key {
        query = query.filter(audit_log::api_key_id.eq(Some(key)));
    }
    if let Some(action) = &filter.action {
        query = if action.contains('.') {
            query.filter(audit_log::action.eq(action.clone()))
        } else {
            // `_` is a LIKE wildcard: escaped, so `api_key` matches `api_key.*` only.
            query.filter(audit_log::action.like(format!("{}.%", action.replace('_', "\\_"))).escape('\\'))
        };
    }
    if let Some(target) = &filter.target {
        query = query.filter(audit_log::target.eq(target.clone()));
    }
    if let Some(before) = before {
        query = query.filter(audit_log::id.lt(before.stored()));
    }
    let rows: Vec<Row> = query
        .order(audit_log::id.desc())
        .limit(limit)
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::author_id,
            audit_log::api_key_id,
            audit_log::action,
            audit_log::target,
            audit_log::request_id,
            audit_log::fields,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, at, author, api_key, action, target, request_id, fields)| AuditEntry {
            id,
            at,
            author,
            api_key,
            action,
            target,
            request_id,
            fields: fields.split(' ').filter(|f| !f.is_empty()).map(str::to_string).collect(),
        })
        .collect())
}

/// Drops the entries older than `before` (the retention period); returns how many.
pub fn prune_audit(conn: &mut DbConnection, before: Timestamp) -> StoreResult<usize> {
    Ok(diesel::delete(audit_log::table.filter(audit_log::at.lt(before))).execute(conn)?)
}

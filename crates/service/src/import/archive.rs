//! The Colophon archive: the whole site as JSON lines (`schema/archive.schema.json`), a header line
//! then one line per row, ids included. `colophon export` writes one from a consistent snapshot;
//! `colophon import colophon` restores one into an empty database of either backend, all or nothing.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use colophon_store::{self as store, ArchiveRecord};
use serde::{Deserialize, Serialize};

use super::ImportReport;
use crate::{Colophon, ServiceError, ServiceResult};

/// The archive's format name, in its header.
pub const ARCHIVE_FORMAT: &str = "colophon-archive";
/// The version of the archive's layout; a restore refuses any other.
pub const ARCHIVE_VERSION: u32 = 1;

/// The first line of an archive.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    /// When it was made (RFC 3339).
    exported_at: String,
    /// Whether password hashes were kept (`--include-secrets`).
    secrets: bool,
}

impl Colophon {
    /// Writes the archive to `out`, from one snapshot of the database. Password hashes only with
    /// `include_secrets`; API keys, webhooks, sessions and the audit log never (re-create keys and
    /// subscriptions after a restore). Returns the number of rows written.
    pub fn export_archive(&self, out: &mut dyn Write, include_secrets: bool) -> ServiceResult<u64> {
        let header = Header {
            format: ARCHIVE_FORMAT.into(),
            version: ARCHIVE_VERSION,
            exported_at: self.now().and_utc().to_rfc3339(),
            secrets: include_secrets,
        };
        let io = |e: std::io::Error| ServiceError::internal_while("writing the archive", e);
        let json = |e: serde_json::Error| ServiceError::internal_while("encoding the archive", e);
        serde_json::to_writer(&mut *out, &header).map_err(json)?;
        out.write_all(b"\n").map_err(io)?;
        let mut rows = 0u64;
        let mut failure: Option<ServiceError> = None;
        self.db_blocking(|conn, _| {
            store::read_snapshot(conn, |conn| {
                store::export_archive(conn, &mut |mut record| {
                    if let (ArchiveRecord::Author(author), false) = (&mut record, include_secrets) {
                        author.password_hash = None;
                    }
                    let written = serde_json::to_writer(&mut *out, &record)
                        .map_err(json)
                        .and_then(|()| out.write_all(b"\n").map_err(io));
                    rows += 1;
                    written.map_err(|e| {
                        failure = Some(e);
                        store::StoreError::Corrupt("the archive could not be written".into())
                    })
                })
            })
            .map_err(ServiceError::from)
        })
        .map_err(|e| failure.take().unwrap_or(e))?;
        out.flush().map_err(io)?;
        Ok(rows)
    }

    /// Restores an archive into an empty database, in one transaction: a line that cannot be read
    /// or a row that does not fit stops it with nothing written. Sequences move past the restored
    /// ids, so new rows follow them.
    pub fn import_archive(&self, path: &Path) -> ServiceResult<ImportReport> {
        let file =
            std::fs::File::open(path).map_err(|e| ServiceError::invalid("file", format!("cannot be read: {e}")))?;
        let mut lines = BufReader::new(file).lines();
        let invalid = |line: usize, why: String| ServiceError::invalid("file", format!("line {line}: {why}"));
        let first = lines.next().transpose().map_err(|e| invalid(1, e.to_string()))?.unwrap_or_default();
        let header: Header =
            serde_json::from_str(&first).map_err(|e| invalid(1, format!("not a Colophon archive: {e}")))?;
        if header.format != ARCHIVE_FORMAT || header.version != ARCHIVE_VERSION {
            return Err(invalid(
                1,
                format!(
                    "a {} archive of version {}; this Colophon reads version {ARCHIVE_VERSION}",
                    header.format, header.version
                ),
            ));
        }
        self.write_blocking(move |conn, _| {
            if store::holds_archived_content(conn)? {
                return Err(ServiceError::Conflict(
                    "an archive is restored into an empty database; this one holds authors or posts".into(),
                ));
            }
            let mut report = ImportReport::default();
            for (index, line) in lines.enumerate() {
                let number = index + 2;
                let line = line.map_err(|e| invalid(number, e.to_string()))?;
                if line.trim().is_empty() {
                    continue;
                }
                let record: ArchiveRecord = serde_json::from_str(&line).map_err(|e| invalid(number, e.to_string()))?;
                match &record {
                    ArchiveRecord::Author(_) => report.authors += 1,
                    ArchiveRecord::Post(_) => report.posts += 1,
                    ArchiveRecord::Page(_) => report.pages += 1,
                    ArchiveRecord::Comment(_) => report.comments += 1,
                    _ => {}
                }
                store::restore_record(conn, record)
                    .map_err(|e| invalid(number, format!("the row does not fit: {e}")))?;
            }
            store::after_bulk_load(conn)?;
            Ok(report)
        })
    }
}

//! The Colophon archive: the whole site as JSON lines (`schema/archive.schema.json`), a header line
//! then one line per row, ids included, then the media library's files. `colophon export` writes
//! one from a consistent snapshot; `colophon import colophon` restores one into an empty database
//! of either backend, all or nothing, and its files into the target's media storage.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use colophon_store::{self as store, ArchiveRecord};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ImportReport;
use crate::{Colophon, ServiceError, ServiceResult};

/// The archive's format name, in its header.
pub const ARCHIVE_FORMAT: &str = "colophon-archive";
/// The version of the archive's layout: 2 carries the media files. A restore reads 1 and 2.
pub const ARCHIVE_VERSION: u32 = 2;

/// The first line of an archive.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    /// When it was made (RFC 3339).
    exported_at: String,
    /// Whether password hashes were kept (`--include-secrets`).
    secrets: bool,
    /// Whether the media library's files follow the rows (version 2; `--no-media-files` leaves
    /// them out).
    #[serde(default)]
    media_files: bool,
}

/// What an archive holds beyond the rows every archive has.
#[derive(Debug, Clone, Copy)]
pub struct ArchiveOptions {
    /// Password hashes (so that accounts sign in after a restore).
    pub include_secrets: bool,
    /// The media library's files (originals; variants are made again).
    pub media_files: bool,
}

impl Default for ArchiveOptions {
    fn default() -> Self {
        Self { include_secrets: false, media_files: true }
    }
}

/// A media file's line: after every row, one per item, its bytes in base64.
#[derive(Debug, Serialize, Deserialize)]
struct FileLine<'a> {
    kind: FileKind,
    #[serde(borrow)]
    row: ArchivedFile<'a>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FileKind {
    MediaFile,
}

#[derive(Debug, Serialize, Deserialize)]
struct ArchivedFile<'a> {
    /// `<sha256>.<extension>`, as the library stores and serves it.
    name: String,
    content_type: String,
    /// The file's bytes, base64 (standard alphabet, padded): borrowed from the line.
    #[serde(borrow)]
    data: std::borrow::Cow<'a, str>,
}

impl Colophon {
    /// Writes the archive to `out`, from one snapshot of the database, then the media files its
    /// items name (read from the media storage). Password hashes only when asked; API keys,
    /// webhooks, sessions and the audit log never (re-create keys and subscriptions after a
    /// restore). Returns the number of lines written after the header.
    pub fn export_archive(&self, out: &mut dyn Write, options: ArchiveOptions) -> ServiceResult<u64> {
        let include_secrets = options.include_secrets;
        let header = Header {
            format: ARCHIVE_FORMAT.into(),
            version: ARCHIVE_VERSION,
            exported_at: self.now().and_utc().to_rfc3339(),
            secrets: include_secrets,
            media_files: options.media_files,
        };
        let io = |e: std::io::Error| ServiceError::internal_while("writing the archive", e);
        let json = |e: serde_json::Error| ServiceError::internal_while("encoding the archive", e);
        serde_json::to_writer(&mut *out, &header).map_err(json)?;
        out.write_all(b"\n").map_err(io)?;
        let mut rows = 0u64;
        let mut failure: Option<ServiceError> = None;
        let mut files: Vec<(String, &'static str)> = Vec::new();
        self.db_blocking(|conn, _| {
            store::read_snapshot(conn, |conn| {
                store::export_archive(conn, &mut |mut record| {
                    if let (ArchiveRecord::Author(author), false) = (&mut record, include_secrets) {
                        author.password_hash = None;
                    }
                    if let ArchiveRecord::Media(item) = &record {
                        files.push((
                            format!("{}.{}", item.sha256, item.media_type.extension()),
                            item.media_type.as_str(),
                        ));
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
        if options.media_files && !files.is_empty() {
            let storage = self.media().storage()?;
            for (name, content_type) in files {
                // A file lost from the storage leaves its row without bytes: said, not fatal.
                let Some(blob) = storage.get(&name, None)? else {
                    tracing::warn!(file = %name, "a media item's file is missing from the storage: archived without it");
                    continue;
                };
                let line = FileLine {
                    kind: FileKind::MediaFile,
                    row: ArchivedFile {
                        name,
                        content_type: content_type.into(),
                        data: STANDARD.encode(&blob.bytes).into(),
                    },
                };
                serde_json::to_writer(&mut *out, &line).map_err(json)?;
                out.write_all(b"\n").map_err(io)?;
                rows += 1;
            }
        }
        out.flush().map_err(io)?;
        Ok(rows)
    }

    /// Restores an archive into an empty database, in one transaction: a line that cannot be read
    /// or a row that does not fit stops it with nothing written. The media files are read and
    /// checked first, in a pass of their own, and put into the media storage (by their hash: a
    /// restore that fails later leaves them unused, never a row without its file); the rows then
    /// go in without holding the write lock for the files. Sequences move past the restored ids,
    /// so new rows follow them.
    pub fn import_archive(&self, path: &Path) -> ServiceResult<ImportReport> {
        let open =
            || std::fs::File::open(path).map_err(|e| ServiceError::invalid("file", format!("cannot be read: {e}")));
        let longest = self.media().settings.max_bytes.saturating_mul(4) / 3 + (1 << 20);
        let longest = longest.max(64 << 20);
        let mut lines = Lines::new(open()?, longest);
        let first = lines.next().transpose()?.map(|(_, line)| line).unwrap_or_default();
        let header: Header =
            serde_json::from_str(&first).map_err(|e| invalid(1, format!("not a Colophon archive: {e}")))?;
        if header.format != ARCHIVE_FORMAT || !(1..=ARCHIVE_VERSION).contains(&header.version) {
            return Err(invalid(
                1,
                format!(
                    "a {} archive of version {}; this Colophon reads versions 1 to {ARCHIVE_VERSION}",
                    header.format, header.version
                ),
            ));
        }
        if self.db_blocking(|conn, _| Ok(store::holds_archived_content(conn)?))? {
            return Err(ServiceError::Conflict(
                "an archive is restored into an empty database; this one holds authors or posts".into(),
            ));
        }
        let mut files = 0;
        if header.media_files {
            let storage = self.media().storage()?;
            for line in Lines::new(open()?, longest).skip(1) {
                let (number, line) = line?;
                if !line.starts_with(FILE_LINE_START) {
                    continue;
                }
                let file: FileLine<'_> = serde_json::from_str(&line).map_err(|e| invalid(number, e.to_string()))?;
                restore_file(storage.as_ref(), &file.row).map_err(|why| invalid(number, why))?;
                files += 1;
            }
        }
        self.write_blocking(move |conn, _| {
            if store::holds_archived_content(conn)? {
                return Err(ServiceError::Conflict(
                    "an archive is restored into an empty database; this one holds authors or posts".into(),
                ));
            }
            let mut report = ImportReport { attachments: files, ..ImportReport::default() };
            for line in lines {
                let (number, line) = line?;
                if line.trim().is_empty() || line.starts_with(FILE_LINE_START) {
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

/// How every media file's line begins, as the export writes it.
const FILE_LINE_START: &str = r#"{"kind":"media_file","#;

fn invalid(line: usize, why: String) -> ServiceError {
    ServiceError::invalid("file", format!("line {line}: {why}"))
}

/// An archive's lines, numbered from 1, each at most `longest` bytes (a longer one is refused,
/// not read into memory whole).
struct Lines {
    reader: BufReader<std::fs::File>,
    longest: usize,
    number: usize,
}

impl Lines {
    fn new(file: std::fs::File, longest: usize) -> Self {
        Self { reader: BufReader::new(file), longest, number: 0 }
    }
}

impl Iterator for Lines {
    type Item = ServiceResult<(usize, String)>;

    fn next(&mut self) -> Option<Self::Item> {
        use std::io::Read;
        self.number += 1;
        let mut bytes = Vec::new();
        let limit = u64::try_from(self.longest).unwrap_or(u64::MAX) + 1;
        match (&mut self.reader).take(limit).read_until(b'\n', &mut bytes) {
            Ok(0) => None,
            Err(e) => Some(Err(invalid(self.number, e.to_string()))),
            Ok(_) if bytes.len() > self.longest => {
                Some(Err(invalid(self.number, format!("longer than {} bytes", self.longest))))
            }
            Ok(_) => {
                if bytes.last() == Some(&b'\n') {
                    bytes.pop();
                }
                Some(
                    String::from_utf8(bytes)
                        .map(|line| (self.number, line))
                        .map_err(|e| invalid(self.number, e.to_string())),
                )
            }
        }
    }
}

/// Puts an archived file back into the storage, once its bytes are checked against its name.
fn restore_file(storage: &dyn crate::BlobStore, file: &ArchivedFile<'_>) -> Result<(), String> {
    let bytes = STANDARD.decode(file.data.as_bytes()).map_err(|e| format!("the file's bytes are not base64: {e}"))?;
    let (hash, extension) = file.name.split_once('.').ok_or("a media file's name has no extension")?;
    let media_type =
        colophon_domain::MediaType::from_extension(extension).ok_or("a media file's extension is not the library's")?;
    if format!("{:x}", Sha256::digest(&bytes)) != hash {
        return Err(format!("{} does not hold the bytes its name says", file.name));
    }
    storage.put(&file.name, &bytes, media_type.as_str()).map_err(|e| format!("storing {}: {e}", file.name))
}

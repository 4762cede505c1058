//! Where the media library's files live, behind one trait (`colophon-media` has a directory on
//! local disk, the default, and an S3-compatible bucket). Every call blocks: the service runs
//! them on the blocking pool.

/// Why a file could not be read or written: the cause is logged, the client gets a 503.
#[derive(Debug, thiserror::Error)]
#[error("media storage: {what}")]
pub struct StorageError {
    what: String,
    #[source]
    cause: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StorageError {
    /// What failed, and why.
    pub fn new(what: impl Into<String>, cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self { what: what.into(), cause: Some(cause.into()) }
    }

    /// What failed, without a cause to chain.
    pub fn message(what: impl Into<String>) -> Self {
        Self { what: what.into(), cause: None }
    }
}

/// A stored file, or the part of it asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    /// The bytes (all of them, or the range asked for).
    pub bytes: Vec<u8>,
    /// The whole file's size.
    pub total: u64,
}

/// A store of files by name (`<sha256>.jpg`, `variants/<sha256>-w640.webp`). Names come from
/// [`crate::media`] only: hex digits, a few fixed words and one extension, never a client's text.
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Stores `bytes` under `name` (replacing any file of that name: names are content hashes,
    /// so a replacement holds the same bytes).
    fn put(&self, name: &str, bytes: &[u8], content_type: &str) -> Result<(), StorageError>;
    /// The file, or `range` of it (start, inclusive end; already checked against its size by
    /// [`BlobStore::size`]); `None` when there is no such file.
    fn get(&self, name: &str, range: Option<(u64, u64)>) -> Result<Option<Blob>, StorageError>;
    /// The file's size, `None` when there is no such file.
    fn size(&self, name: &str) -> Result<Option<u64>, StorageError>;
    /// Removes the file; removing a missing file is no error.
    fn delete(&self, name: &str) -> Result<(), StorageError>;
    /// What kind of store it is, for the log and the README's figures.
    fn describe(&self) -> String;
    /// Makes sure the store can be used (at start-up: a wrong bucket or key stops the server
    /// before it takes uploads).
    fn check(&self) -> Result<(), StorageError> {
        Ok(())
    }
}

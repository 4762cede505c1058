//! Where the media library's files live, behind one trait: a directory on local disk (the
//! default, under the data directory) or an S3-compatible bucket. Every call blocks: the
//! service runs them on the blocking pool.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::time::Duration;

/// Why a file could not be read or written: the cause is logged, the client gets a 503.
#[derive(Debug, thiserror::Error)]
#[error("media storage: {what}")]
pub struct StorageError {
    what: String,
    #[source]
    cause: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StorageError {
    fn new(what: impl Into<String>, cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self { what: what.into(), cause: Some(cause.into()) }
    }

    fn message(what: impl Into<String>) -> Self {
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

/// Files in a local directory.
#[derive(Debug, Clone)]
pub struct LocalBlobs {
    root: PathBuf,
}

impl LocalBlobs {
    /// Files under `root`: the directory is made by [`BlobStore::check`] at start-up, or by the
    /// first file put there, never before (a start-up refused for another reason leaves none).
    pub fn new(root: impl Into<PathBuf>) -> Result<Self, StorageError> {
        Ok(Self { root: root.into() })
    }

    fn path(&self, name: &str) -> Result<PathBuf, StorageError> {
        let safe = !name.is_empty()
            && name.split('/').all(|part| {
                !part.is_empty()
                    && part != "."
                    && part != ".."
                    && part.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            });
        if safe { Ok(self.root.join(name)) } else { Err(StorageError::message(format!("refused file name {name:?}"))) }
    }
}

impl BlobStore for LocalBlobs {
    fn check(&self) -> Result<(), StorageError> {
        std::fs::create_dir_all(&self.root)
            .map_err(|e| StorageError::new(format!("creating {}", self.root.display()), e))
    }

    fn put(&self, name: &str, bytes: &[u8], _content_type: &str) -> Result<(), StorageError> {
        let path = self.path(name)?;
        let parent = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(parent).map_err(|e| StorageError::new("creating a directory", e))?;
        // Written beside, then renamed: a reader never sees half a file, and two writers of the
        // same name (the same bytes) both succeed.
        let temporary = parent.join(format!(".{}.{:016x}.part", file_name(&path), rand::random::<u64>()));
        let written = std::fs::File::create(&temporary)
            .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
            .and_then(|()| std::fs::rename(&temporary, &path));
        if let Err(error) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(StorageError::new(format!("writing {name}"), error));
        }
        Ok(())
    }

    fn get(&self, name: &str, range: Option<(u64, u64)>) -> Result<Option<Blob>, StorageError> {
        let path = self.path(name)?;
        let mut file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(StorageError::new(format!("opening {name}"), error)),
        };
        let read = |file: &mut std::fs::File| -> std::io::Result<Blob> {
            let total = file.metadata()?.len();
            let (start, end) = range.unwrap_or((0, total.saturating_sub(1)));
            let length = if total == 0 { 0 } else { end.saturating_sub(start) + 1 };
            file.seek(SeekFrom::Start(start))?;
            let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
            file.take(length).read_to_end(&mut bytes)?;
            Ok(Blob { bytes, total })
        };
        read(&mut file).map(Some).map_err(|e| StorageError::new(format!("reading {name}"), e))
    }

    fn size(&self, name: &str) -> Result<Option<u64>, StorageError> {
        match std::fs::metadata(self.path(name)?) {
            Ok(meta) => Ok(Some(meta.len())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(StorageError::new(format!("reading {name}"), error)),
        }
    }

    fn delete(&self, name: &str) -> Result<(), StorageError> {
        match std::fs::remove_file(self.path(name)?) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(StorageError::new(format!("removing {name}"), error)),
        }
    }

    fn describe(&self) -> String {
        format!("local directory {}", self.root.display())
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Where an S3-compatible bucket is and how to sign for it.
#[derive(Clone)]
pub struct S3Settings {
    /// The service's address (`https://s3.eu-west-1.amazonaws.com`, `http://127.0.0.1:9000`).
    pub endpoint: String,
    /// The bucket.
    pub bucket: String,
    /// The region requests are signed for.
    pub region: String,
    /// The access key id.
    pub access_key: String,
    /// The secret access key.
    pub secret_key: String,
    /// `https://endpoint/bucket/name` (true: MinIO, moto, most self-hosted servers) rather than
    /// `https://bucket.endpoint/name`.
    pub path_style: bool,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key", &self.access_key)
            .field("secret_key", &"[redacted]")
            .field("path_style", &self.path_style)
            .finish()
    }
}

/// Files in an S3-compatible bucket: requests signed with AWS Signature V4 by `rusty-s3`, sent by
/// the HTTP client the webhooks already use (`ureq`, system TLS), with a time limit.
#[derive(Debug)]
pub struct S3Blobs {
    bucket: rusty_s3::Bucket,
    credentials: rusty_s3::Credentials,
    agent: ureq::Agent,
}

/// How long a signed request stays valid: it is sent at once.
const SIGNED_FOR: Duration = Duration::from_secs(60);

impl S3Blobs {
    /// A client of the bucket (nothing is sent yet: see [`S3Blobs::ensure_bucket`]).
    pub fn new(settings: &S3Settings) -> Result<Self, StorageError> {
        let endpoint = settings
            .endpoint
            .parse::<url::Url>()
            .map_err(|e| StorageError::new(format!("S3 endpoint {:?}", settings.endpoint), e))?;
        let style = if settings.path_style { rusty_s3::UrlStyle::Path } else { rusty_s3::UrlStyle::VirtualHost };
        let bucket = rusty_s3::Bucket::new(endpoint, style, settings.bucket.clone(), settings.region.clone())
            .map_err(|e| StorageError::new(format!("S3 bucket {:?}", settings.bucket), e))?;
        let credentials = rusty_s3::Credentials::new(settings.access_key.clone(), settings.secret_key.clone());
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::NativeTls)
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent("Colophon-Media/1")
            .tls_config(tls)
            .build();
        Ok(Self { bucket, credentials, agent: ureq::Agent::new_with_config(config) })
    }

    /// Creates the bucket when it does not exist yet (a fresh MinIO or test server); a bucket
    /// that exists, or one this key may not create but may use, is fine.
    pub fn ensure_bucket(&self) -> Result<(), StorageError> {
        use rusty_s3::S3Action;
        let url = self.bucket.head_bucket(Some(&self.credentials)).sign(SIGNED_FOR);
        let status = self.send(self.agent.head(url.as_str()).call(), "checking the bucket")?.status().as_u16();
        if status == 404 {
            let url = self.bucket.create_bucket(&self.credentials).sign(SIGNED_FOR);
            let answer = self.send(self.agent.put(url.as_str()).send_empty(), "creating the bucket")?;
            let status = answer.status().as_u16();
            if !(200..300).contains(&status) && status != 409 {
                return Err(StorageError::message(format!("creating the bucket answered {status}")));
            }
        }
        Ok(())
    }

    fn send(
        &self,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        what: &str,
    ) -> Result<ureq::http::Response<ureq::Body>, StorageError> {
        result.map_err(|e| StorageError::new(format!("{what} at {}", self.bucket.base_url()), e))
    }

    fn unexpected(what: &str, name: &str, status: u16) -> StorageError {
        StorageError::message(format!("{what} {name}: the bucket answered {status}"))
    }
}

impl BlobStore for S3Blobs {
    fn put(&self, name: &str, bytes: &[u8], content_type: &str) -> Result<(), StorageError> {
        use rusty_s3::S3Action;
        let url = self.bucket.put_object(Some(&self.credentials), name).sign(SIGNED_FOR);
        let mut request = self.agent.put(url.as_str()).header("content-type", content_type);
        if content_type == "application/pdf" {
            // Served straight from the bucket or a CDN in front of it, a PDF is downloaded, as
            // Colophon serves it, never shown inline under another origin.
            request = request.header("content-disposition", "attachment");
        }
        let answer = self.send(request.send(bytes), "writing")?;
        match answer.status().as_u16() {
            200..=299 => Ok(()),
            status => Err(Self::unexpected("writing", name, status)),
        }
    }

    fn get(&self, name: &str, range: Option<(u64, u64)>) -> Result<Option<Blob>, StorageError> {
        use rusty_s3::S3Action;
        let url = self.bucket.get_object(Some(&self.credentials), name).sign(SIGNED_FOR);
        let mut request = self.agent.get(url.as_str());
        if let Some((start, end)) = range {
            request = request.header("range", format!("bytes={start}-{end}"));
        }
        let answer = self.send(request.call(), "reading")?;
        let status = answer.status().as_u16();
        if status == 404 {
            return Ok(None);
        }
        if !(200..300).contains(&status) {
            return Err(Self::unexpected("reading", name, status));
        }
        let total = match answer.headers().get("content-range").and_then(|v| v.to_str().ok()) {
            // `bytes 0-99/1234`
            Some(range) => range.rsplit('/').next().and_then(|t| t.parse().ok()),
            None => answer.headers().get("content-length").and_then(|v| v.to_str().ok()?.parse().ok()),
        };
        let bytes = answer
            .into_body()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .map_err(|e| StorageError::new(format!("reading {name}"), e))?;
        let total = total.unwrap_or(bytes.len() as u64);
        Ok(Some(Blob { bytes, total }))
    }

    fn size(&self, name: &str) -> Result<Option<u64>, StorageError> {
        use rusty_s3::S3Action;
        let url = self.bucket.head_object(Some(&self.credentials), name).sign(SIGNED_FOR);
        let answer = self.send(self.agent.head(url.as_str()).call(), "checking")?;
        match answer.status().as_u16() {
            404 => Ok(None),
            200..=299 => Ok(answer.headers().get("content-length").and_then(|v| v.to_str().ok()?.parse().ok())),
            status => Err(Self::unexpected("checking", name, status)),
        }
    }

    fn delete(&self, name: &str) -> Result<(), StorageError> {
        use rusty_s3::S3Action;
        let url = self.bucket.delete_object(Some(&self.credentials), name).sign(SIGNED_FOR);
        let answer = self.send(self.agent.delete(url.as_str()).call(), "removing")?;
        match answer.status().as_u16() {
            200..=299 | 404 => Ok(()),
            status => Err(Self::unexpected("removing", name, status)),
        }
    }

    fn describe(&self) -> String {
        format!("S3 bucket {}", self.bucket.base_url())
    }

    fn check(&self) -> Result<(), StorageError> {
        self.ensure_bucket()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_files_go_in_and_out_whole_and_in_ranges() {
        let dir = std::env::temp_dir().join(format!("colophon-blobs-{:x}", rand::random::<u64>()));
        let store = LocalBlobs::new(&dir).unwrap();
        assert_eq!(store.get("a.png", None).unwrap(), None);
        assert_eq!(store.size("a.png").unwrap(), None);
        store.put("variants/a-w320.png", b"0123456789", "image/png").unwrap();
        assert_eq!(store.size("variants/a-w320.png").unwrap(), Some(10));
        let part = store.get("variants/a-w320.png", Some((2, 4))).unwrap().unwrap();
        assert_eq!((part.bytes.as_slice(), part.total), (&b"234"[..], 10));
        assert_eq!(store.get("variants/a-w320.png", None).unwrap().unwrap().bytes, b"0123456789");
        store.delete("variants/a-w320.png").unwrap();
        store.delete("variants/a-w320.png").unwrap();
        assert_eq!(store.size("variants/a-w320.png").unwrap(), None);
        for bad in ["../x", "/etc/passwd", "a//b", "", "a/./b", "a b"] {
            assert!(store.put(bad, b"x", "image/png").is_err(), "{bad}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}

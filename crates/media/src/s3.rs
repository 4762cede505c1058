//! Media files in an S3-compatible bucket.

use std::time::Duration;

use colophon_service::{Blob, BlobStore, StorageError};

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

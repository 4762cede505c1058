//! Serving the library's files, whole or in ranges, and their variants (made ahead after an
//! upload, or on first request within bounds: a queue of its own, and a limit per address).

use colophon_domain::{MediaType, Variant};

use super::BlobStore;
use super::variants::variant_name;
use crate::rate_limit::Limit;
use crate::{Colophon, ServiceError, ServiceResult};

/// A byte range as a client asks for it (`Range: bytes=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// `bytes=10-`: from an offset to the end.
    From(u64),
    /// `bytes=10-19`: both ends included.
    FromTo(u64, u64),
    /// `bytes=-100`: the last bytes.
    Last(u64),
}

impl ByteRange {
    /// The first and last byte of a file of `total` bytes, or `None` when none of it is in range.
    pub fn within(self, total: u64) -> Option<(u64, u64)> {
        let last = total.checked_sub(1)?;
        match self {
            ByteRange::From(start) if start <= last => Some((start, last)),
            ByteRange::FromTo(start, end) if start <= end && start <= last => Some((start, end.min(last))),
            ByteRange::Last(n) if n > 0 => Some((total.saturating_sub(n), last)),
            _ => None,
        }
    }
}

/// A file to send.
#[derive(Debug, Clone)]
pub struct MediaFile {
    /// The bytes: the whole file, or the range asked for.
    pub bytes: Vec<u8>,
    /// The whole file's size.
    pub total: u64,
    /// The range the bytes are, when one was asked for.
    pub range: Option<(u64, u64)>,
    /// What the file is.
    pub media_type: MediaType,
    /// Its entity tag (quoted): the content hash, and the variant's name.
    pub etag: String,
}

/// What a request for a file finds.
#[derive(Debug, Clone)]
pub enum MediaRead {
    /// The file (or its range).
    File(MediaFile),
    /// A range outside the file (416), with the file's size.
    Unsatisfiable {
        /// The whole file's size.
        total: u64,
    },
    /// The client holds the file already (304): its entity tag, found without reading it.
    NotModified {
        /// The file's entity tag.
        etag: String,
    },
}

/// The hash and type of a stored file's name (`<64 hex digits>.<extension>`).
fn parse_name(name: &str) -> Option<(&str, MediaType)> {
    let (hash, extension) = name.split_once('.')?;
    let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    Some((hash, MediaType::from_extension(extension)?)).filter(|_| hex)
}

/// A request for a media file, as its URL and headers make it.
#[derive(Debug, Clone)]
pub struct FileRequest {
    /// The file's name, as media URLs name it (`<sha256>.<ext>`).
    pub name: String,
    /// The variant asked for (`?w=`, `?format=`), if any.
    pub variant: Option<Variant>,
    /// The byte range asked for, if any.
    pub range: Option<ByteRange>,
    /// The client's address: a variant not made yet counts against its limit.
    pub client: Option<String>,
}

impl Colophon {
    /// The file `name` (as media URLs name it), or its `variant`, whole or the `range` asked
    /// for; not read at all when `held` says the client holds its entity tag. Files are public:
    /// their names are the hashes of their bytes. A variant not made yet is made for `client`
    /// (its address) within its limit: 429 past it, 503 when the queue is full.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn media_file(
        &self,
        request: FileRequest,
        held: impl Fn(&str) -> bool + Send + 'static,
    ) -> ServiceResult<MediaRead> {
        let FileRequest { name, variant, range, client } = request;
        let (hash, media_type) = parse_name(&name).ok_or(ServiceError::NotFound("media file"))?;
        let storage = self.media().storage()?;
        let (served, served_type, etag) = match variant {
            None => (name.clone(), media_type, format!("\"{hash}\"")),
            Some(variant) => {
                if !media_type.has_variants() {
                    return Err(ServiceError::bad_request("w", format!("no variants are made of {media_type} files")));
                }
                let variant_file = variant_name(hash, media_type, variant);
                self.ensure_variant(&name, &variant_file, media_type, variant, client).await?;
                let tag = variant_file.trim_start_matches("variants/").rsplit_once('.').map_or("", |(t, _)| t);
                (variant_file.clone(), variant.media_type(media_type), format!("\"{tag}\""))
            }
        };
        let read = self
            .compute(move || -> ServiceResult<MediaRead> {
                let total = storage.size(&served)?.ok_or(ServiceError::NotFound("media file"))?;
                // The tag comes from the name: a client holding the file is answered unread.
                if held(&etag) {
                    return Ok(MediaRead::NotModified { etag });
                }
                let bounds = match range {
                    None => None,
                    Some(range) => match range.within(total) {
                        Some(bounds) => Some(bounds),
                        None => return Ok(MediaRead::Unsatisfiable { total }),
                    },
                };
                let blob = storage.get(&served, bounds)?.ok_or(ServiceError::NotFound("media file"))?;
                Ok(MediaRead::File(MediaFile {
                    bytes: blob.bytes,
                    total: blob.total,
                    range: bounds,
                    media_type: served_type,
                    etag,
                }))
            })
            .await??;
        Ok(read)
    }

    /// Makes a variant unless it is there: for a file that exists, counted against the client's
    /// limit, in a bounded queue, one at a time per process (the turn is held by the decoding
    /// work itself), and once (a request that waited finds the file another made).
    async fn ensure_variant(
        &self,
        original: &str,
        variant_file: &str,
        media_type: MediaType,
        variant: Variant,
        client: Option<String>,
    ) -> ServiceResult<()> {
        let storage = self.media().storage()?;
        let exists = |storage: std::sync::Arc<dyn BlobStore>, name: String| async move {
            self.compute(move || storage.size(&name)).await?.map_err(ServiceError::from)
        };
        if exists(storage.clone(), variant_file.to_string()).await?.is_some() {
            return Ok(());
        }
        // Only then the checks that cost: the original must be there, the client within its
        // limit; a refused request never holds a place in the queue.
        if exists(storage.clone(), original.to_string()).await?.is_none() {
            return Err(ServiceError::NotFound("media file"));
        }
        let limit = Limit::per_minute(self.media().settings.variants_per_minute);
        self.limit_check(format!("variants:{}", client_key(client.as_deref())), limit, self.now()).await?;
        let place = self.media().on_demand_place()?;
        let turn = self.media().variant_turn().await?;
        let (original, variant_file) = (original.to_string(), variant_file.to_string());
        let pictures = self.media().pictures()?;
        let made = self
            .compute(move || -> ServiceResult<bool> {
                let (_turn, _place) = (turn, place);
                if storage.size(&variant_file)?.is_some() {
                    return Ok(false);
                }
                let source = storage.get(&original, None)?.ok_or(ServiceError::NotFound("media file"))?;
                let started = std::time::Instant::now();
                // Uploads are decoded once when they come in, so a failure here is a file stored
                // before that check or damaged since: the client is told, not handed a 500.
                let bytes = pictures
                    .variant(&source.bytes, media_type, variant)
                    .map_err(|why| ServiceError::invalid("w", format!("no variant can be made: the file {why}")))?;
                tracing::info!(file = %variant_file, ms = started.elapsed().as_millis(), bytes = bytes.len(), "made a variant");
                storage.put(&variant_file, &bytes, variant.media_type(media_type).as_str())?;
                Ok(true)
            })
            .await??;
        if made {
            self.metrics().media_variants.with_label_values(&["on_demand"]).inc();
        }
        Ok(())
    }

    /// Makes the listed variants of a new upload in the background, in the variant lane, so
    /// that readers find them made; when too many uploads wait already, they are left to be
    /// made on demand. Requests waiting for a variant go first: this waits while any do.
    pub(crate) fn make_variants_ahead(&self, sha256: String, media_type: MediaType) {
        if !media_type.has_variants() || !self.media().settings.variants_ahead {
            return;
        }
        let Some(place) = self.media().made_ahead_place() else {
            tracing::info!(sha256, "too many uploads wait for their variants: these are made on demand");
            return;
        };
        let service = self.clone();
        tokio::spawn(async move {
            let made = async {
                let (storage, pictures) = (service.media().storage()?, service.media().pictures()?);
                let turn = service.media().variant_turn_after_requests().await?;
                let (hash, files) = (sha256.clone(), storage.clone());
                let written = service
                    .compute(move || -> ServiceResult<Vec<String>> {
                        let (_turn, _place) = (turn, place);
                        let original = format!("{hash}.{}", media_type.extension());
                        let Some(source) = files.get(&original, None)? else { return Ok(Vec::new()) };
                        let started = std::time::Instant::now();
                        let variants =
                            pictures.listed_variants(&source.bytes, media_type).map_err(ServiceError::internal)?;
                        let mut written = Vec::new();
                        for (variant, bytes) in &variants {
                            let name = variant_name(&hash, media_type, *variant);
                            // One made on demand meanwhile stays: its bytes are what was served.
                            if files.size(&name)?.is_none() {
                                files.put(&name, bytes, variant.media_type(media_type).as_str())?;
                                written.push(name);
                            }
                        }
                        tracing::info!(sha256 = %hash, ms = started.elapsed().as_millis(), count = written.len(), "made variants ahead");
                        Ok(written)
                    })
                    .await??;
                // Deleted while they were made: its deletion removed the files before these
                // were put, so they go now (a deletion committing after this read removes them
                // itself, after its commit).
                let hash = sha256.clone();
                let gone = service
                    .db_primary(move |conn, _| Ok(colophon_store::find_media_by_hash(conn, &hash)?.is_none()))
                    .await?;
                if gone {
                    let removed = written.clone();
                    service
                        .compute(move || removed.iter().try_for_each(|name| storage.delete(name)))
                        .await?
                        .map_err(ServiceError::from)?;
                    return Ok(0);
                }
                Ok::<_, ServiceError>(written.len())
            };
            match made.await {
                Ok(count) => {
                    service.metrics().media_variants.with_label_values(&["ahead"]).inc_by(count as u64);
                }
                Err(error) => {
                    tracing::warn!(
                        error = %crate::chain(&error),
                        "variants could not be made ahead; they are made on demand"
                    );
                }
            }
        });
    }
}

/// Whom a variant limit counts: the client's address, an IPv6 one by its /64 (one host holds a
/// whole /64, and could rotate through it).
fn client_key(address: Option<&str>) -> String {
    match address.map(str::parse::<std::net::IpAddr>) {
        Some(Ok(std::net::IpAddr::V6(v6))) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(Ok(ip)) => ip.to_canonical().to_string(),
        Some(Err(_)) => address.unwrap_or_default().to_string(),
        None => "unknown".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_cut_to_the_file() {
        assert_eq!(ByteRange::From(2).within(10), Some((2, 9)));
        assert_eq!(ByteRange::From(10).within(10), None);
        assert_eq!(ByteRange::FromTo(5, 100).within(10), Some((5, 9)));
        assert_eq!(ByteRange::FromTo(5, 4).within(10), None);
        assert_eq!(ByteRange::Last(3).within(10), Some((7, 9)));
        assert_eq!(ByteRange::Last(30).within(10), Some((0, 9)));
        assert_eq!(ByteRange::Last(0).within(10), None);
        assert_eq!(ByteRange::From(0).within(0), None);
    }

    #[test]
    fn limits_count_an_ipv6_client_by_its_64() {
        assert_eq!(client_key(Some("2001:db8:1:2:aaaa::1")), client_key(Some("2001:db8:1:2:bbbb::9")));
        assert_eq!(client_key(Some("2001:db8:1:2::1")), "2001:db8:1:2::/64");
        assert_eq!(client_key(Some("::ffff:192.0.2.1")), "192.0.2.1");
        assert_eq!(client_key(Some("192.0.2.1")), "192.0.2.1");
        assert_eq!(client_key(None), "unknown");
    }

    #[test]
    fn only_hash_names_are_files() {
        let hash = "a".repeat(64);
        assert_eq!(parse_name(&format!("{hash}.jpg")), Some((hash.as_str(), MediaType::Jpeg)));
        assert_eq!(parse_name(&format!("{hash}.svg")), None);
        assert_eq!(parse_name(&format!("{}.jpg", "A".repeat(64))), None);
        assert_eq!(parse_name("../x.jpg"), None);
        assert_eq!(parse_name(&format!("{hash}.jpg.png")), None);
    }
}

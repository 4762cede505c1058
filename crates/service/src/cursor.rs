use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use colophon_domain::Timestamp;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ServiceError;

type HmacSha256 = Hmac<Sha256>;

const MAC_LEN: usize = 8;
/// Longer than any cursor we issue; anything longer is refused before it is decoded.
pub const MAX_CURSOR_LEN: usize = 64;

/// Opaque, tamper-evident page cursors: the keyset position as little-endian integers plus
/// a truncated HMAC over the list's name and those integers. A cursor of one list is refused
/// by another, and a changed byte is refused with 400.
#[derive(Clone)]
pub struct CursorCodec {
    key: [u8; 32],
}

impl std::fmt::Debug for CursorCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorCodec(..)")
    }
}

impl CursorCodec {
    /// Derives the cursor key from the server secret, so it differs from the token-signing key.
    #[allow(clippy::expect_used, reason = "HMAC takes keys of any length")]
    pub fn new(secret: &[u8]) -> Self {
        let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
        mac.update(b"colophon cursor key v1");
        Self { key: mac.finalize().into_bytes().into() }
    }

    #[allow(clippy::expect_used, reason = "HMAC takes keys of any length")]
    fn mac(&self, list: &str, payload: &[u8]) -> [u8; MAC_LEN] {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(list.as_bytes());
        mac.update(&[0]);
        mac.update(payload);
        let full = mac.finalize().into_bytes();
        let mut out = [0; MAC_LEN];
        out.copy_from_slice(&full[..MAC_LEN]);
        out
    }

    /// A cursor of `list` holding `fields`, signed so that a client can neither forge it nor use
    /// it on another list.
    pub fn encode(&self, list: &str, fields: &[i64]) -> String {
        let bytes: Vec<u8> = fields.iter().flat_map(|f| f.to_le_bytes()).collect();
        self.encode_bytes(list, bytes)
    }

    /// A cursor of `list` holding any bytes (a sorted list's position), signed the same way.
    pub(crate) fn encode_bytes(&self, list: &str, mut bytes: Vec<u8>) -> String {
        let mac = self.mac(list, &bytes);
        bytes.extend_from_slice(&mac);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The bytes of a cursor of `list` at most `max_len` characters long, if it is one.
    pub(crate) fn decode_bytes(&self, list: &str, cursor: &str, max_len: usize) -> Result<Vec<u8>, ServiceError> {
        let invalid = || ServiceError::bad_request("cursor", "is not a cursor this list issued");
        if cursor.len() > max_len {
            return Err(invalid());
        }
        let mut bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        if bytes.len() < MAC_LEN {
            return Err(invalid());
        }
        let mac = bytes.split_off(bytes.len() - MAC_LEN);
        let expected = self.mac(list, &bytes);
        // Constant-time comparison: the MAC must not be guessable byte by byte.
        if mac.iter().zip(expected.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) != 0 {
            return Err(invalid());
        }
        Ok(bytes)
    }

    /// Decodes a cursor of `list` holding exactly `N` integers.
    pub fn decode<const N: usize>(&self, list: &str, cursor: &str) -> Result<[i64; N], ServiceError> {
        let payload = self.decode_bytes(list, cursor, MAX_CURSOR_LEN)?;
        if payload.len() != N * 8 {
            return Err(ServiceError::bad_request("cursor", "is not a cursor this list issued"));
        }
        let mut out = [0_i64; N];
        for (slot, chunk) in out.iter_mut().zip(payload.chunks_exact(8)) {
            let mut bytes = [0_u8; 8];
            bytes.copy_from_slice(chunk);
            *slot = i64::from_le_bytes(bytes);
        }
        Ok(out)
    }
}

pub(crate) fn timestamp_to_micros(ts: Timestamp) -> i64 {
    ts.and_utc().timestamp_micros()
}

pub(crate) fn micros_to_timestamp(micros: i64) -> Result<Timestamp, ServiceError> {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|dt| dt.naive_utc())
        .ok_or_else(|| ServiceError::bad_request("cursor", "is not a cursor this list issued"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_tampering() {
        let codec = CursorCodec::new(b"a secret of some length, for tests");
        let cursor = codec.encode("posts", &[1_700_000_000_000_000, 42]);
        assert_eq!(codec.decode::<2>("posts", &cursor).unwrap(), [1_700_000_000_000_000, 42]);
        assert!(codec.decode::<2>("comments", &cursor).is_err(), "a cursor of another list");
        assert!(codec.decode::<1>("posts", &cursor).is_err(), "wrong arity");
        let mut bytes = URL_SAFE_NO_PAD.decode(&cursor).unwrap();
        bytes[3] ^= 1;
        assert!(codec.decode::<2>("posts", &URL_SAFE_NO_PAD.encode(bytes)).is_err(), "a flipped bit");
        assert!(codec.decode::<2>("posts", "not base64 !").is_err());
        assert!(codec.decode::<2>("posts", &"A".repeat(500)).is_err());
        let other = CursorCodec::new(b"another secret entirely, for tests");
        assert!(other.decode::<2>("posts", &cursor).is_err(), "a cursor of another server secret");
    }
}

/// The page of a list a client asks for: how many (1 to 100; 20 when absent) and where to go on
/// from (the `next_cursor` of the page before; none or empty for the first page). The list's use
/// case checks both: a limit out of range or a cursor not made for that list is 400.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paging {
    /// How many items, as asked.
    pub limit: Option<i64>,
    /// The opaque cursor, as given.
    pub cursor: Option<String>,
}

impl Paging {
    /// The page after `cursor`, of `limit` items.
    pub fn new(limit: Option<i64>, cursor: Option<String>) -> Self {
        Self { limit, cursor }
    }

    /// The first `limit` items.
    pub fn first(limit: i64) -> Self {
        Self { limit: Some(limit), cursor: None }
    }
}

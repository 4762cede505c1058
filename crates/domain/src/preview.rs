//! Preview links: a draft or scheduled post shown to whoever holds the link, without sign-in.

use crate::{ApiKeyId, AuthorId, PostId, PreviewLinkId, Timestamp};

/// How long a preview link lasts unless asked otherwise, in hours.
pub const PREVIEW_DEFAULT_HOURS: i64 = 24;
/// The longest a preview link may last, in hours (30 days).
pub const PREVIEW_MAX_HOURS: i64 = 30 * 24;

/// A preview link as stored (its token is never stored, only what verifies it).
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewLink {
    /// The link's id (part of its token).
    pub id: PreviewLinkId,
    /// The post it shows.
    pub post_id: PostId,
    /// Who made it; a new `token_version` of theirs (signing out everywhere, a new password)
    /// ends it.
    pub created_by: AuthorId,
    /// The creator's `token_version` when it was made.
    pub token_version: i64,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
    /// The API key it was made with, if it was: revoking, rotating or the expiry of the key
    /// ends it.
    pub api_key: Option<ApiKeyId>,
}

impl PreviewLink {
    /// Whether it still shows its post at `now` (for a creator whose tokens are at
    /// `current_token_version`).
    pub fn is_live(&self, now: Timestamp, current_token_version: i64) -> bool {
        self.revoked_at.is_none() && now < self.expires_at && self.token_version == current_token_version
    }
}

/// A lifetime asked for, in hours: 1 to [`PREVIEW_MAX_HOURS`].
pub fn preview_hours(requested: Option<crate::Hours>) -> Result<i64, String> {
    match requested.map_or(PREVIEW_DEFAULT_HOURS, |h| h.0) {
        hours @ 1..=PREVIEW_MAX_HOURS => Ok(hours),
        _ => Err(format!("must be between 1 and {PREVIEW_MAX_HOURS} hours (30 days)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn lifetimes_are_bounded() {
        assert_eq!(preview_hours(None), Ok(24));
        assert_eq!(preview_hours(Some(crate::Hours(720))), Ok(720));
        assert!(preview_hours(Some(crate::Hours(721))).is_err());
        assert!(preview_hours(Some(crate::Hours(0))).is_err());
        assert!(preview_hours(Some(crate::Hours(-5))).is_err());
    }

    #[test]
    fn a_link_ends_by_expiry_revocation_or_new_tokens() {
        let at = |h| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(h, 0, 0).unwrap();
        let link = PreviewLink {
            id: PreviewLinkId(1),
            post_id: PostId(1),
            created_by: AuthorId(1),
            token_version: 3,
            created_at: at(0),
            expires_at: at(10),
            revoked_at: None,
            api_key: None,
        };
        assert!(link.is_live(at(9), 3));
        assert!(!link.is_live(at(10), 3));
        assert!(!link.is_live(at(9), 4));
        assert!(!PreviewLink { revoked_at: Some(at(1)), ..link }.is_live(at(2), 3));
    }
}

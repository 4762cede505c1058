//! When content is public: the rule posts and pages share.

use crate::{PostStatus, Timestamp, truncate_to_micros};

/// A stored status (`Draft` or `Published`) and the time the content goes (or went) public.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    /// `Draft` or `Published`: `Scheduled` is never stored, it is read from a future time.
    pub status: PostStatus,
    /// When it goes public; a draft may keep a planned time, or have none.
    pub published_at: Option<Timestamp>,
}

impl Publication {
    /// A draft without a planned time.
    pub const DRAFT: Self = Self { status: PostStatus::Draft, published_at: None };

    /// What is stored for a requested status and time: a draft keeps its planned time,
    /// publishing without a time means `now`, scheduling needs a time after `now`.
    pub fn requested(status: PostStatus, published_at: Option<Timestamp>, now: Timestamp) -> Result<Self, String> {
        let published_at = published_at.map(truncate_to_micros);
        match status {
            PostStatus::Draft => Ok(Self { status: PostStatus::Draft, published_at }),
            PostStatus::Published => {
                Ok(Self { status: PostStatus::Published, published_at: Some(published_at.unwrap_or(now)) })
            }
            PostStatus::Scheduled => match published_at {
                Some(at) if at > now => Ok(Self { status: PostStatus::Published, published_at: Some(at) }),
                _ => Err("a scheduled post needs a published_at in the future".into()),
            },
        }
    }

    /// The status a reader sees at `now`.
    pub fn status_at(self, now: Timestamp) -> PostStatus {
        match (self.status, self.published_at) {
            (PostStatus::Draft, _) => PostStatus::Draft,
            (_, Some(at)) if at > now => PostStatus::Scheduled,
            _ => PostStatus::Published,
        }
    }

    /// Whether the public may read it at `now`.
    pub fn is_visible_at(self, now: Timestamp) -> bool {
        self.status_at(now) == PostStatus::Published
    }

    /// Whether it is published for a moment still to come.
    pub fn is_scheduled_at(self, now: Timestamp) -> bool {
        self.status_at(now) == PostStatus::Scheduled
    }

    /// Whether going from `self` to `next` publishes (or moves a publication) or unpublishes:
    /// what only those who may publish may do.
    pub fn publishing_change(self, next: Self) -> bool {
        let goes_live = next.status == PostStatus::Published && self != next;
        let goes_back = next.status == PostStatus::Draft && self.status == PostStatus::Published;
        goes_live || goes_back
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32) -> Timestamp {
        NaiveDate::from_ymd_opt(2026, 1, day).unwrap().and_hms_opt(12, 0, 0).unwrap()
    }

    #[test]
    fn future_publication_is_scheduled_until_it_passes() {
        let scheduled = Publication { status: PostStatus::Published, published_at: Some(at(10)) };
        assert_eq!(scheduled.status_at(at(9)), PostStatus::Scheduled);
        assert!(!scheduled.is_visible_at(at(9)) && scheduled.is_scheduled_at(at(9)));
        assert_eq!(scheduled.status_at(at(10)), PostStatus::Published);
        assert!(scheduled.is_visible_at(at(11)));
        let draft = Publication { status: PostStatus::Draft, published_at: Some(at(1)) };
        assert!(!draft.is_visible_at(at(11)));
    }

    #[test]
    fn requests_become_what_is_stored() {
        let now = at(5);
        let published = Publication::requested(PostStatus::Published, None, now).unwrap();
        assert_eq!(published, Publication { status: PostStatus::Published, published_at: Some(now) });
        let scheduled = Publication::requested(PostStatus::Scheduled, Some(at(6)), now).unwrap();
        assert_eq!(scheduled.status, PostStatus::Published, "scheduled is never stored");
        assert!(Publication::requested(PostStatus::Scheduled, Some(at(4)), now).is_err());
        assert!(Publication::requested(PostStatus::Scheduled, None, now).is_err());
        let draft = Publication::requested(PostStatus::Draft, Some(at(9)), now).unwrap();
        assert_eq!(draft.published_at, Some(at(9)), "a draft keeps its planned time");
        assert!(Publication::DRAFT.publishing_change(published));
        assert!(published.publishing_change(Publication::DRAFT));
        assert!(!published.publishing_change(published));
        assert!(!Publication::DRAFT.publishing_change(draft));
    }
}

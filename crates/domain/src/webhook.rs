//! Webhooks: what an integration subscribes to, and the rules that need no I/O (which events
//! exist, which addresses a delivery may reach, how long to wait before a retry).

use std::net::IpAddr;

use crate::{DeliveryId, EventId, Timestamp, WebhookId};

crate::words::words! {
    /// What happened, as a subscription names it. Events describe what the public sees: a draft
    /// saved or a comment held as spam sends nothing.
    pub enum EventKind {
        /// A post became visible (published now, or a scheduled post's time came).
        PostPublished = "post.published",
        /// A visible post changed.
        PostUpdated = "post.updated",
        /// A visible post went back to draft or to a later date.
        PostUnpublished = "post.unpublished",
        /// A visible post was deleted.
        PostDeleted = "post.deleted",
        /// A comment was submitted (spam excepted), approved or held.
        CommentCreated = "comment.created",
        /// A comment became visible.
        CommentApproved = "comment.approved",
        /// A visible comment was held or marked spam.
        CommentUnapproved = "comment.unapproved",
        /// A comment was deleted.
        CommentDeleted = "comment.deleted",
        /// An author was added.
        AuthorCreated = "author.created",
        /// An author's public profile or role changed.
        AuthorUpdated = "author.updated",
        /// An author was removed.
        AuthorDeleted = "author.deleted",
        /// A product was added.
        ProductCreated = "product.created",
        /// A product changed.
        ProductUpdated = "product.updated",
        /// A product was removed.
        ProductDeleted = "product.deleted",
        /// A sidebar was added.
        SidebarCreated = "sidebar.created",
        /// A sidebar or its widgets changed.
        SidebarUpdated = "sidebar.updated",
        /// A sidebar was removed.
        SidebarDeleted = "sidebar.deleted",
        /// A page became visible.
        PagePublished = "page.published",
        /// A visible page changed.
        PageUpdated = "page.updated",
        /// A visible page went back to draft or to a later date.
        PageUnpublished = "page.unpublished",
        /// A visible page was deleted.
        PageDeleted = "page.deleted",
    }
}

crate::words::words! {
    /// Where a delivery stands.
    pub enum DeliveryState {
        /// Not yet acknowledged: due now or at its next attempt.
        Pending = "pending",
        /// The receiver answered 2xx.
        Delivered = "delivered",
        /// Given up: the retries ran out, or the receiver answered 410 Gone.
        Failed = "failed",
    }
}

/// A subscription: events POSTed to a URL, signed with its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Its id.
    pub id: WebhookId,
    /// Where deliveries go (http or https).
    pub url: String,
    /// The events wanted; empty means every event.
    pub events: Vec<EventKind>,
    /// Whether deliveries are made; a 410 answer switches it off.
    pub active: bool,
    /// Why it was switched off by Colophon, if it was.
    pub disabled_reason: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
}

impl Webhook {
    /// Whether this subscription wants `kind`.
    pub fn wants(&self, kind: EventKind) -> bool {
        self.events.is_empty() || self.events.contains(&kind)
    }
}

/// One event's delivery to one subscription, with its attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Its id.
    pub id: DeliveryId,
    /// The subscription.
    pub webhook: WebhookId,
    /// The event: the same `webhook-id` header on every attempt.
    pub event: EventId,
    /// The event's kind.
    pub kind: EventKind,
    /// Where it stands.
    pub state: DeliveryState,
    /// Attempts made.
    pub attempts: i32,
    /// When it is due (again).
    pub next_attempt_at: Timestamp,
    /// When the event was written.
    pub created_at: Timestamp,
    /// When it was delivered or given up.
    pub finished_at: Option<Timestamp>,
    /// Each attempt, oldest first.
    pub log: Vec<Attempt>,
}

/// One try at a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// When it was made.
    pub attempted_at: Timestamp,
    /// The HTTP status; `None` when no answer came.
    pub status: Option<i32>,
    /// How long it took, in milliseconds.
    pub latency_ms: i64,
    /// The first bytes of the answer, or why there was none.
    pub response: String,
}

/// Seconds to wait before each retry (after the first attempt, the second…): about a day in
/// all, as Standard Webhooks' reference service does; after the last, the delivery fails.
pub const RETRY_SCHEDULE_SECS: [i64; 7] = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];

/// Whether a delivery may connect to `ip`: not loopback, private, link-local (which holds the
/// cloud metadata address 169.254.169.254), shared (CGNAT), unspecified, multicast, broadcast,
/// documentation or benchmarking space, nor an IPv6 form of those.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_address(IpAddr::V4(v4));
            }
            let segments = v6.segments();
            // IPv4-compatible (::a.b.c.d, deprecated) and 6to4 (2002:aabb:ccdd::) carry an IPv4
            // address that routes to it.
            if segments[..6] == [0; 6] {
                return is_public_address(IpAddr::V4(std::net::Ipv4Addr::from(
                    (u32::from(segments[6]) << 16) | u32::from(segments[7]),
                )));
            }
            if segments[0] == 0x2002 {
                let embedded = (u32::from(segments[1]) << 16) | u32::from(segments[2]);
                return is_public_address(IpAddr::V4(std::net::Ipv4Addr::from(embedded)));
            }
            let first = segments[0];
            // IPv4-translated (::ffff:0:a.b.c.d, SIIT) and Teredo (2001::/32) tunnel to an IPv4
            // address the filter cannot see, and are never a webhook receiver's own address.
            let translated = segments[..4] == [0; 4] && segments[4] == 0xffff && segments[5] == 0;
            let teredo = first == 0x2001 && segments[1] == 0;
            !(translated
                || teredo
                || v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && v6.segments()[1] == 0x0db8
                || first == 0x0064 && v6.segments()[1] == 0xff9b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_reachable() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::7f00:1",
            "::127.0.0.1",
            "::a9fe:a9fe",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
            "fec0::1",
            "::ffff:0:7f00:1",
            "::ffff:0:5db8:d822",
            "2001::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        ] {
            assert!(!is_public_address(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2002:5db8:d822::1"] {
            assert!(is_public_address(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn the_retries_last_about_a_day() {
        let total: i64 = RETRY_SCHEDULE_SECS.iter().sum();
        assert!((24 * 3600..30 * 3600).contains(&total), "{total}");
    }
}

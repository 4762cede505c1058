//! How comments are moderated: the site's mode, and the blocklist's rules.

use crate::{BlockRuleId, Timestamp};

crate::words::words! {
    /// How unregistered comments start.
    pub enum ModerationMode {
        /// Held for an editor (the default).
        Pending = "pending",
        /// Published at once.
        Approved = "approved",
        /// Published at once when the same name and e-mail already have an approved comment
        /// (WordPress's "comment author must have a previously approved comment"), else held.
        PreviouslyApproved = "previously_approved",
    }
}

crate::words::words! {
    /// What a blocklist rule matches.
    pub enum BlockRuleKind {
        /// A word in the name, URL or text.
        Word = "word",
        /// The client's IP address.
        Address = "address",
        /// The commenter's e-mail.
        Email = "email",
    }
}

/// A blocklist rule: a comment it matches is marked spam.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRule {
    /// The rule's id, by which an admin removes it.
    pub id: BlockRuleId,
    /// What the rule matches against.
    pub kind: BlockRuleKind,
    /// What it matches: a lowercased word, an IP address in its usual form, or a lowercased e-mail.
    pub value: String,
    /// When an admin added the rule.
    pub created_at: Timestamp,
}

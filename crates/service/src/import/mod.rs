//! Bringing content in from other systems (`colophon-import` reads WXR from WordPress and
//! Squarespace and Ghost's JSON, and writes through the calls here), and the Colophon archive
//! that takes it all out again.

mod archive;
mod entries;
mod meta;
mod write;

pub use archive::{ARCHIVE_FORMAT, ARCHIVE_VERSION, ArchiveOptions};
pub use entries::{ImportedAuthor, ImportedComment, ImportedFrom, ImportedPost, PlannedComment, PlannedEntry};
pub use meta::ImportedMeta;
pub use write::per_item;

/// What an import did (or, on a dry run, would do), item by item.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Authors created.
    pub authors: u64,
    /// Posts created.
    pub posts: u64,
    /// Pages created.
    pub pages: u64,
    /// Comments created.
    pub comments: u64,
    /// Attachments read (their URLs become featured images).
    pub attachments: u64,
    /// Items and comments an earlier run already brought in: left as they are.
    pub unchanged: u64,
    /// Pingbacks, trackbacks, auto-drafts, trashed posts and menu items, nav and other
    /// WordPress internals.
    pub ignored: u64,
    /// Items or comments that could not be imported, and why; each was skipped.
    pub problems: Vec<ImportProblem>,
    /// Items imported with a change, and what changed (a members-only post made a draft, a
    /// featured image or a page's comments left out, a reply whose parent is missing made a
    /// top-level comment): reported, not failures.
    pub notes: Vec<ImportProblem>,
    /// Set when the file is not well-formed XML (or not WXR, or declares entities): where and
    /// why. The whole file is checked before anything is written, so nothing of it was.
    pub stopped: Option<String>,
}

impl ImportReport {
    /// Whether anything at all was (or would be) written or found already there.
    pub fn imported_anything(&self) -> bool {
        self.authors + self.posts + self.pages + self.comments + self.unchanged > 0
    }

    /// Whether everything the file holds came in (or was there, or is ignored on purpose):
    /// no item was skipped and the file was read to its end.
    pub fn complete(&self) -> bool {
        self.problems.is_empty() && self.stopped.is_none()
    }

    /// Items and comments seen so far.
    pub fn seen(&self) -> u64 {
        self.authors
            + self.posts
            + self.pages
            + self.comments
            + self.attachments
            + self.unchanged
            + self.ignored
            + self.problems.len() as u64
    }
}

/// An item that was skipped: which one ("post 12 “Title”", "comment 7 on post 12") and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportProblem {
    /// Which item.
    pub item: String,
    /// Why it was skipped.
    pub reason: String,
}

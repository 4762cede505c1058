//! `colophon import wxr FILE`: a WordPress or Squarespace export, streamed item by item, each item
//! (a post with its tags and comments) written in one transaction with the record of where it came
//! from, so a second run changes nothing and a later export of the same site adds what is new.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use colophon_domain::{AuthorId, FeaturedImage, PostId};
use colophon_service::{
    Colophon, ImportProblem, ImportReport, ImportedAuthor, ImportedComment, ImportedFrom, PlannedEntry, ServiceError,
    ServiceResult, per_item,
};

use crate::wxr_plan::{self, ItemKind};
use crate::wxr_reader::{WxrAuthor, WxrComment, WxrEntry, WxrItem, WxrReader, line_and_column};

/// How to run an import.
#[derive(Debug, Clone, Copy, Default)]
pub struct WxrImportOptions {
    /// Read and check every item as a real run would, and write nothing (the database is not
    /// consulted either: the counts are the file's).
    pub dry_run: bool,
    /// The file passed [`check_wxr_file`] already: it is not read whole a second time.
    pub checked: bool,
    /// Define a text custom field for each public post meta key without one (otherwise such
    /// meta is reported and left out).
    pub create_fields: bool,
}

/// Whether a WXR file can be imported whole: a file (not a pipe), readable, well-formed XML
/// to its end, WXR, without entities declared in a DTD. The refusal says where and why. Reads
/// the file once, streaming, and writes nothing (no database is needed).
pub fn check_wxr_file(path: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!(
            "{} is not a file (it is read twice: checked whole, then imported); save a pipe's output to a file first",
            path.display()
        ));
    }
    let file = File::open(path).map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
    check_whole(path, file).map_or(Ok(()), Err)
}

/// Imports a WXR file. The whole file is read once first: a file that is not well-formed XML
/// (cut short, say), not WXR, or that declares entities is refused there, with the position,
/// and nothing of it is written. Items that cannot be imported are reported in the answer and
/// skipped. `progress` is called after every author and item. Imports send no webhooks (a
/// migration is not a publish) and announce one "everything changed" to caches per item.
pub fn import_wxr(
    colophon: &Colophon,
    path: &Path,
    options: WxrImportOptions,
    progress: &mut dyn FnMut(&ImportReport),
) -> ServiceResult<ImportReport> {
    let open = || File::open(path).map_err(|e| ServiceError::invalid("file", format!("cannot be read: {e}")));
    let regular = std::fs::metadata(path).map_err(|e| ServiceError::invalid("file", format!("cannot be read: {e}")))?;
    if !regular.is_file() {
        return Err(ServiceError::invalid(
            "file",
            "must be a file (it is read twice: checked whole, then imported); save a pipe's output to a file first",
        ));
    }
    if !options.checked {
        if let Some(stopped) = check_whole(path, open()?) {
            return Ok(ImportReport { stopped: Some(stopped), ..ImportReport::default() });
        }
    }
    let mut run = Run {
        colophon,
        dry_run: options.dry_run,
        create_fields: options.create_fields,
        source: String::new(),
        authors: HashMap::new(),
        wp_author_ids: HashMap::new(),
        attachments: HashMap::new(),
        thumbnails: Vec::new(),
        report: ImportReport::default(),
    };
    let fallback_source = format!("wxr:file:{}", path.file_name().unwrap_or_default().to_string_lossy());
    for entry in WxrReader::new(BufReader::new(open()?)) {
        match entry {
            // Checked whole before: the file changed since.
            Err(error) => {
                run.report.stopped =
                    Some(format!("byte {}: {} (the file changed during the import)", error.offset, error.message));
                break;
            }
            Ok(WxrEntry::Site(site)) => {
                let base = site.base_url.trim().trim_end_matches('/');
                run.source = if base.is_empty() { fallback_source.clone() } else { format!("wxr:{base}") };
            }
            Ok(WxrEntry::Author(author)) => run.author(&author)?,
            Ok(WxrEntry::Item(item)) => run.item(&item)?,
        }
        progress(&run.report);
    }
    run.attach_thumbnails()?;
    Ok(run.report)
}

/// Reads the whole file as the import will, writing nothing: where and why it is not a WXR
/// file one can import whole, or `None` when it is.
fn check_whole(path: &Path, file: File) -> Option<String> {
    let error = WxrReader::new(BufReader::new(file)).find_map(Result::err)?;
    let place = match File::open(path) {
        Ok(again) => {
            let (line, column) = line_and_column(again, error.offset);
            format!("line {line}, column {column}")
        }
        Err(_) => format!("byte {}", error.offset),
    };
    Some(format!("{place}: {}", error.message))
}

struct Run<'a> {
    colophon: &'a Colophon,
    dry_run: bool,
    create_fields: bool,
    /// Keys the import records: the exporting site.
    source: String,
    /// Authors by login (`wp:author_login`, or the `dc:creator` of items without one).
    authors: HashMap<String, AuthorId>,
    /// Authors by WordPress user id (what `wp:comment_user_id` names).
    wp_author_ids: HashMap<String, AuthorId>,
    /// Attachments read so far, by WordPress id: the featured images they give.
    attachments: HashMap<String, FeaturedImage>,
    /// Posts whose featured image is an attachment not read yet (they may come later).
    thumbnails: Vec<(PostId, String)>,
    report: ImportReport,
}

fn label(item: &WxrItem) -> String {
    let kind = if item.post_type.trim().is_empty() { "post" } else { item.post_type.trim() };
    format!("{kind} {} “{}”", item.post_id.trim(), item.title.trim())
}

impl Run<'_> {
    fn problem(&mut self, item: String, reason: impl Into<String>) {
        self.report.problems.push(ImportProblem { item, reason: reason.into() });
    }

    /// An item imported with a change.
    fn note(&mut self, item: String, note: impl Into<String>) {
        self.report.notes.push(ImportProblem { item, reason: note.into() });
    }

    fn author(&mut self, author: &WxrAuthor) -> ServiceResult<()> {
        let login = author.login.trim().to_string();
        if login.is_empty() {
            self.problem(format!("author “{}”", author.display_name.trim()), "it has no login");
            return Ok(());
        }
        if self.dry_run {
            self.report.authors += 1;
            return Ok(());
        }
        let name = Some(author.display_name.trim()).filter(|n| !n.is_empty()).unwrap_or(&login).to_string();
        match per_item(self.ensure_author(&login, &name, &author.email))? {
            Ok((id, created)) => {
                if created {
                    self.report.authors += 1;
                } else {
                    self.report.unchanged += 1;
                }
                self.authors.insert(login, id);
                if !author.id.trim().is_empty() {
                    self.wp_author_ids.insert(author.id.trim().to_string(), id);
                }
            }
            Err(reason) => self.problem(format!("author {login}"), reason),
        }
        Ok(())
    }

    fn ensure_author(&self, login: &str, name: &str, email: &str) -> ServiceResult<(AuthorId, bool)> {
        let author = ImportedAuthor { name: name.into(), email: email.into(), ..Default::default() };
        self.colophon.import_author(ImportedFrom::new(&self.source, login), author)
    }

    fn item(&mut self, item: &WxrItem) -> ServiceResult<()> {
        match wxr_plan::kind_of(item) {
            ItemKind::Ignored => self.report.ignored += 1,
            ItemKind::Attachment => {
                self.report.attachments += 1;
                if let Some(image) = wxr_plan::featured_image_of(item) {
                    self.attachments.insert(item.post_id.trim().to_string(), image);
                }
            }
            kind @ (ItemKind::Post | ItemKind::Page) => match wxr_plan::plan_entry(item) {
                Err(reason) => self.problem(label(item), reason),
                Ok(mut entry) if self.create_fields => {
                    entry.meta.create_fields = true;
                    if kind == ItemKind::Page { self.page(item, entry)? } else { self.post(item, entry)? }
                }
                Ok(entry) if kind == ItemKind::Page => self.page(item, entry)?,
                Ok(entry) => self.post(item, entry)?,
            },
        }
        Ok(())
    }

    /// The author an item names (`dc:creator`), made on first sight when no `wp:author` came.
    fn author_of(&mut self, item: &WxrItem) -> ServiceResult<Option<AuthorId>> {
        let login = Some(item.creator.trim()).filter(|c| !c.is_empty()).unwrap_or("imported").to_string();
        if let Some(id) = self.authors.get(&login) {
            return Ok(Some(*id));
        }
        match per_item(self.ensure_author(&login, &login, ""))? {
            Ok((id, created)) => {
                self.report.authors += u64::from(created);
                self.authors.insert(login, id);
                Ok(Some(id))
            }
            Err(reason) => {
                self.problem(label(item), format!("its author: {reason}"));
                Ok(None)
            }
        }
    }

    fn page(&mut self, item: &WxrItem, entry: PlannedEntry) -> ServiceResult<()> {
        let readers_comments = item.comments.iter().filter(|c| wxr_plan::is_readers_comment(c)).count();
        if readers_comments > 0 {
            self.note(label(item), format!("pages take no comments: its {readers_comments} were left out"));
        }
        if self.dry_run {
            self.report.pages += 1;
            return Ok(());
        }
        let Some(author_id) = self.author_of(item)? else { return Ok(()) };
        let from = ImportedFrom::new(&self.source, item.post_id.trim());
        let written = self.colophon.import_page(from, entry, author_id);
        match per_item(written)? {
            Ok(Some((_, notes))) => {
                self.report.pages += 1;
                for note in notes {
                    self.note(label(item), note);
                }
            }
            Ok(None) => self.report.unchanged += 1,
            Err(reason) => self.problem(label(item), reason),
        }
        Ok(())
    }

    fn post(&mut self, item: &WxrItem, entry: PlannedEntry) -> ServiceResult<()> {
        let mut comments: Vec<&WxrComment> = Vec::new();
        for comment in &item.comments {
            if wxr_plan::is_readers_comment(comment) {
                comments.push(comment);
            } else {
                self.report.ignored += 1;
            }
        }
        // Parents before their replies: WordPress ids grow with time.
        comments.sort_by_key(|c| c.id.trim().parse::<i64>().unwrap_or(i64::MAX));
        let mut planned = Vec::new();
        for comment in comments {
            match wxr_plan::plan_comment(comment, entry.published_at) {
                Ok(plan) => planned.push((comment, plan)),
                Err(reason) => self.problem(format!("comment {} on {}", comment.id.trim(), label(item)), reason),
            }
        }
        if self.dry_run {
            self.report.posts += 1;
            self.report.comments += planned.len() as u64;
            return Ok(());
        }
        let Some(author_id) = self.author_of(item)? else { return Ok(()) };
        let image = self.attachments.get(item.thumbnail_id.trim()).cloned();
        let comments = planned
            .into_iter()
            .map(|(comment, planned)| ImportedComment {
                id: comment.id.trim().to_string(),
                parent: comment.parent.trim().to_string(),
                author: self.wp_author_ids.get(comment.user_id.trim()).copied(),
                planned,
            })
            .collect();
        let from = ImportedFrom::new(&self.source, item.post_id.trim());
        match per_item(self.colophon.import_post(from, entry, author_id, image, comments))? {
            Ok(post) => {
                if post.created {
                    self.report.posts += 1;
                    if !item.thumbnail_id.trim().is_empty() && !self.attachments.contains_key(item.thumbnail_id.trim())
                    {
                        self.thumbnails.push((post.id, item.thumbnail_id.trim().to_string()));
                    }
                } else {
                    self.report.unchanged += 1;
                }
                self.report.comments += post.comments;
                self.report.unchanged += post.unchanged;
                for note in post.notes {
                    self.note(label(item), note);
                }
                for orphan in post.orphans {
                    self.note(
                        format!("comment {orphan} on {}", label(item)),
                        "its parent is not in the file: imported as a top-level comment",
                    );
                }
            }
            Err(reason) => self.problem(label(item), reason),
        }
        Ok(())
    }

    /// Featured images of attachments that came after the posts showing them.
    fn attach_thumbnails(&mut self) -> ServiceResult<()> {
        for (post_id, attachment) in std::mem::take(&mut self.thumbnails) {
            let Some(image) = self.attachments.get(&attachment).cloned() else {
                self.note(
                    format!("post {post_id}"),
                    format!("its featured image (attachment {attachment}) is not in the file"),
                );
                continue;
            };
            self.colophon.set_imported_featured_image(post_id, image)?;
        }
        Ok(())
    }
}

//! Whole-site archives (`colophon export` / `colophon import colophon`): every content table read
//! and written row by row, ids included, so that an archive restored into an empty database of
//! either backend exports again byte for byte. Sessions, API keys, webhooks and their queue, the
//! audit log, preview links and caches are operational state, not content, and are not archived;
//! media items are (the service writes their files after the rows).

use colophon_domain::{
    AuthorId, BlockRuleId, BlockRuleKind, CommentId, PageId, PostId, ProductId, SidebarId, Timestamp, WidgetKind,
    search_text,
};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::bulk::{NewAuthorRow, PostTagRow, per_backend};
use crate::columns::{Stored, Write, WriteNullable, written};
use crate::connection::MultiBackend;
use crate::media::MediaRow;
use crate::posts::PostRow;
use crate::rows::{CommentRow, ProductRow, SidebarRow, TagRow};
use crate::schema::{
    authors, blocklist, comments, field_definitions, import_records, media, pages, post_revisions, post_tags, posts,
    products, redirects, settings, sidebar_widgets, sidebars, slug_redirects, tags,
};
use crate::{DbConnection, StoreResult};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = sidebar_widgets)]
pub struct ArchivedWidget {
    pub id: i64,
    #[diesel(serialize_as = Write<SidebarId>)]
    pub sidebar_id: SidebarId,
    pub position: i32,
    #[diesel(serialize_as = Write<WidgetKind>)]
    pub kind: WidgetKind,
    #[diesel(serialize_as = WriteNullable<ProductId>)]
    pub product_id: Option<ProductId>,
    #[diesel(serialize_as = WriteNullable<AuthorId>)]
    pub author_id: Option<AuthorId>,
    pub html: Option<String>,
}

/// A page is archived as it is read.
pub type ArchivedPage = crate::pages::PageRow;

/// An imported item's old address.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = redirects)]
pub struct ArchivedRedirect {
    pub path: String,
    #[diesel(serialize_as = WriteNullable<PostId>)]
    pub post_id: Option<PostId>,
    #[diesel(serialize_as = WriteNullable<PageId>)]
    pub page_id: Option<PageId>,
}

/// A renamed post's old slug, which keeps redirecting.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = slug_redirects)]
pub struct ArchivedSlugRedirect {
    pub id: i64,
    pub old_slug: String,
    #[diesel(serialize_as = Write<PostId>)]
    pub post_id: PostId,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = settings)]
pub struct ArchivedSetting {
    pub key: String,
    pub value: String,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = blocklist)]
pub struct ArchivedBlockRule {
    #[diesel(serialize_as = Write<BlockRuleId>)]
    pub id: BlockRuleId,
    #[diesel(serialize_as = Write<BlockRuleKind>)]
    pub kind: BlockRuleKind,
    pub value: String,
    pub created_at: Timestamp,
}

/// A custom field's definition (its id is the database's own: nothing refers to it).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = field_definitions)]
pub struct ArchivedField {
    pub entity: String,
    pub name: String,
    pub spec: String,
    pub public: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A post's revision; the API key it was made with is left out (keys are not archived).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = post_revisions)]
pub struct ArchivedRevision {
    pub id: i64,
    #[diesel(serialize_as = Write<PostId>)]
    pub post_id: PostId,
    pub number: i64,
    pub created_at: Timestamp,
    #[diesel(serialize_as = WriteNullable<AuthorId>)]
    pub editor_id: Option<AuthorId>,
    pub fields: String,
    pub content: String,
}

/// What an earlier import brought in, so that importing the old site's export again after a
/// restore still changes nothing.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = import_records)]
pub struct ArchivedImportRecord {
    pub source: String,
    pub kind: String,
    pub external_id: String,
    pub local_id: i64,
}

/// One line of an archive: a row of one table (the store's own row types where it has them;
/// an author's password hash is left out unless the archive keeps secrets), in the order a restore inserts them (what a row
/// refers to comes before it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "row", rename_all = "snake_case")]
pub enum ArchiveRecord {
    Author(NewAuthorRow),
    /// A media item's row (its file follows the rows, written by the service).
    Media(MediaRow),
    Product(ProductRow),
    Sidebar(SidebarRow),
    Widget(ArchivedWidget),
    Tag(TagRow),
    Post(PostRow),
    PostTag(PostTagRow),
    Page(ArchivedPage),
    Redirect(ArchivedRedirect),
    Comment(CommentRow),
    Revision(ArchivedRevision),
    SlugRedirect(ArchivedSlugRedirect),
    Setting(ArchivedSetting),
    BlockRule(ArchivedBlockRule),
    ImportRecord(ArchivedImportRecord),
    /// Last: archives written before custom fields end without them.
    Field(ArchivedField),
}

/// Rows read per statement from the tables that grow with the site.
const PAGE: i64 = 1000;

macro_rules! columns {
    ($row:ty) => {
        <$row as Selectable<MultiBackend>>::construct_selection()
    };
}

/// Reads every archived row, table by table in restore order, handing each to `sink`. Posts and
/// comments are read a page at a time (memory stays bounded whatever the site's size).
pub fn export_archive(
    conn: &mut DbConnection,
    sink: &mut dyn FnMut(ArchiveRecord) -> StoreResult<()>,
) -> StoreResult<()> {
    let all = |rows: Vec<ArchiveRecord>, sink: &mut dyn FnMut(ArchiveRecord) -> StoreResult<()>| {
        rows.into_iter().try_for_each(&mut *sink)
    };
    let rows = authors::table.select(columns!(NewAuthorRow)).order(authors::id).load::<NewAuthorRow>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::Author).collect(), sink)?;
    let rows = media::table.select(columns!(MediaRow)).order(media::id).load::<MediaRow>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::Media).collect(), sink)?;
    let rows = products::table.select(columns!(ProductRow)).order(products::id).load::<ProductRow>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::Product).collect(), sink)?;
    let rows = sidebars::table.select(columns!(SidebarRow)).order(sidebars::id).load::<SidebarRow>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::Sidebar).collect(), sink)?;
    let rows = sidebar_widgets::table
        .select(columns!(ArchivedWidget))
        .order(sidebar_widgets::id)
        .load::<ArchivedWidget>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::Widget).collect(), sink)?;
    let rows = tags::table.select(columns!(TagRow)).order(tags::id).load::<TagRow>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::Tag).collect(), sink)?;
    let mut after = PostId(0);
    loop {
        let rows: Vec<PostRow> = posts::table
            .select(columns!(PostRow))
            .filter(posts::id.gt(after.stored()))
            .order(posts::id)
            .limit(PAGE)
            .load(conn)?;
        let Some(last) = rows.last().map(|p| p.id) else { break };
        let ids: Vec<PostId> = rows.iter().map(|p| p.id).collect();
        let links: Vec<PostTagRow> = post_tags::table
            .select(columns!(PostTagRow))
            .filter(post_tags::post_id.eq_any(written(&ids)))
            .order((post_tags::post_id, post_tags::position, post_tags::tag_id))
            .load(conn)?;
        all(rows.into_iter().map(ArchiveRecord::Post).collect(), sink)?;
        all(links.into_iter().map(ArchiveRecord::PostTag).collect(), sink)?;
        after = last;
    }
    let rows = pages::table.select(columns!(ArchivedPage)).order(pages::id).load::<ArchivedPage>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::Page).collect(), sink)?;
    let rows =
        redirects::table.select(columns!(ArchivedRedirect)).order(redirects::path).load::<ArchivedRedirect>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::Redirect).collect(), sink)?;
    let mut after = CommentId(0);
    loop {
        let rows: Vec<CommentRow> = comments::table
            .select(columns!(CommentRow))
            .filter(comments::id.gt(after.stored()))
            .order(comments::id)
            .limit(PAGE)
            .load(conn)?;
        let Some(last) = rows.last().map(|c| c.id) else { break };
        all(rows.into_iter().map(ArchiveRecord::Comment).collect(), sink)?;
        after = last;
    }
    let mut after = 0;
    loop {
        let rows: Vec<ArchivedRevision> = post_revisions::table
            .select(columns!(ArchivedRevision))
            .filter(post_revisions::id.gt(after))
            .order(post_revisions::id)
            .limit(PAGE)
            .load(conn)?;
        let Some(last) = rows.last().map(|r| r.id) else { break };
        all(rows.into_iter().map(ArchiveRecord::Revision).collect(), sink)?;
        after = last;
    }
    let rows = slug_redirects::table
        .select(columns!(ArchivedSlugRedirect))
        .order(slug_redirects::id)
        .load::<ArchivedSlugRedirect>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::SlugRedirect).collect(), sink)?;
    let rows = settings::table.select(columns!(ArchivedSetting)).order(settings::key).load::<ArchivedSetting>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::Setting).collect(), sink)?;
    let rows =
        blocklist::table.select(columns!(ArchivedBlockRule)).order(blocklist::id).load::<ArchivedBlockRule>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::BlockRule).collect(), sink)?;
    let rows = import_records::table
        .select(columns!(ArchivedImportRecord))
        .order((import_records::source, import_records::kind, import_records::external_id))
        .load::<ArchivedImportRecord>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::ImportRecord).collect(), sink)?;
    let rows = field_definitions::table
        .select(columns!(ArchivedField))
        .order((field_definitions::entity, field_definitions::name))
        .load::<ArchivedField>(conn)?;
    all(rows.into_iter().map(ArchiveRecord::Field).collect(), sink)
}

/// Inserts one archived row with its id (restore order: what it refers to is already in).
pub fn restore_record(conn: &mut DbConnection, record: ArchiveRecord) -> StoreResult<()> {
    macro_rules! insert {
        ($table:path, $row:expr) => {{
            let row = $row;
            per_backend!(conn, |c| diesel::insert_into($table).values(row.clone()).execute(c))?;
        }};
    }
    match record {
        ArchiveRecord::Author(row) => insert!(authors::table, row),
        ArchiveRecord::Media(row) => insert!(media::table, row),
        ArchiveRecord::Revision(row) => insert!(post_revisions::table, row),
        ArchiveRecord::Product(row) => insert!(products::table, row),
        ArchiveRecord::Sidebar(row) => insert!(sidebars::table, row),
        ArchiveRecord::Widget(row) => insert!(sidebar_widgets::table, row),
        ArchiveRecord::Tag(row) => insert!(tags::table, row),
        ArchiveRecord::Post(row) => {
            let text = search_text(&row.body_html);
            per_backend!(conn, |c| diesel::insert_into(posts::table)
                .values((row.clone(), posts::body_text.eq(Some(text.clone()))))
                .execute(c))?;
        }
        ArchiveRecord::PostTag(row) => insert!(post_tags::table, row),
        ArchiveRecord::Page(row) => insert!(pages::table, row),
        ArchiveRecord::Redirect(row) => insert!(redirects::table, row),
        ArchiveRecord::Comment(row) => insert!(comments::table, row),
        ArchiveRecord::SlugRedirect(row) => insert!(slug_redirects::table, row),
        ArchiveRecord::Setting(row) => insert!(settings::table, row),
        ArchiveRecord::BlockRule(row) => insert!(blocklist::table, row),
        ArchiveRecord::ImportRecord(row) => insert!(import_records::table, row),
        ArchiveRecord::Field(row) => insert!(field_definitions::table, row),
    }
    Ok(())
}

/// Whether the database holds any content an archive would collide with.
pub fn holds_archived_content(conn: &mut DbConnection) -> StoreResult<bool> {
    let authors: i64 = authors::table.count().get_result(conn)?;
    let posts: i64 = posts::table.count().get_result(conn)?;
    let pages: i64 = pages::table.count().get_result(conn)?;
    Ok(authors + posts + pages > 0)
}

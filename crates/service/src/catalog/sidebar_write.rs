use colophon_domain::{
    AuthorId, BoundedText, EventKind, PostHtml, ProductId, Slug, ValidationErrors, Widget, WidgetKind,
};
use colophon_store::{self as store, DbConnection, NewSidebar};

use super::product_write::curating_writer;
use super::sidebars::resolve_sidebars;
use crate::SlugKey;
use crate::webhooks::data;
use crate::write::{Action, Target, Written};
use crate::{Caller, Colophon, ServiceError, ServiceResult, SidebarView};

type Title = BoundedText<200>;
const MAX_WIDGETS: usize = 50;

/// A whole sidebar as sent (create and replace).
#[derive(Debug, Clone, Default)]
pub struct SidebarInput {
    /// The sidebar's slug: required on create; when replacing, absent keeps the slug in the path.
    pub slug: Option<String>,
    /// The heading shown above the widgets, at most 200 characters; required.
    pub title: Option<String>,
    /// Every widget, in the order shown (at most 50); they replace what the sidebar held.
    pub widgets: Vec<WidgetInput>,
}

/// One widget as sent: its kind, and the one field that kind takes.
#[derive(Debug, Clone)]
pub struct WidgetInput {
    /// What the widget shows; it decides which one of the fields below is set.
    pub kind: WidgetKind,
    /// The product a `product` widget shows; it must exist.
    pub product_id: Option<ProductId>,
    /// The author whose bio an `author_bio` widget shows; they must exist.
    pub author_id: Option<AuthorId>,
    /// The HTML of an `html` widget, sanitized before it is stored.
    pub html: Option<String>,
}

fn parse(input: SidebarInput, slug_from_path: Option<&str>) -> Result<(Slug, String, Vec<Widget>), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let slug = match (input.slug.as_deref(), slug_from_path) {
        (Some(slug), _) | (None, Some(slug)) => errors.check("slug", Slug::parse(slug)),
        (None, None) => {
            errors.push("slug", "is required");
            None
        }
    };
    let title = match input.title {
        Some(t) => errors.check("title", Title::parse(t)),
        None => {
            errors.push("title", "is required");
            None
        }
    };
    if input.widgets.len() > MAX_WIDGETS {
        errors.push("widgets", format!("at most {MAX_WIDGETS} widgets"));
    }
    let mut widgets = Vec::new();
    for (i, w) in input.widgets.into_iter().take(MAX_WIDGETS).enumerate() {
        let field = format!("widgets[{i}]");
        let widget = match (w.kind, w.product_id, w.author_id, w.html) {
            (WidgetKind::Product, Some(id), None, None) => Some(Widget::Product(id)),
            (WidgetKind::AuthorBio, None, Some(id), None) => Some(Widget::AuthorBio(id)),
            (WidgetKind::Html, None, None, Some(html)) => errors
                .check(&format!("{field}.html"), PostHtml::from_html(&html))
                .map(|h| Widget::Html(h.into_string())),
            _ => {
                errors.push(
                    &field,
                    "a product widget takes product_id, author_bio takes author_id, html takes html, and nothing else",
                );
                None
            }
        };
        widgets.extend(widget);
    }
    match (slug, title) {
        (Some(slug), Some(title)) if errors.is_empty() => Ok((slug, title.into_string(), widgets)),
        _ => Err(errors),
    }
}

/// Every product and author a widget names must exist.
fn check_targets(conn: &mut DbConnection, widgets: &[Widget]) -> ServiceResult<()> {
    let mut errors = ValidationErrors::default();
    let products: Vec<_> =
        widgets.iter().filter_map(|w| if let Widget::Product(id) = w { Some(*id) } else { None }).collect();
    let authors: Vec<_> =
        widgets.iter().filter_map(|w| if let Widget::AuthorBio(id) = w { Some(*id) } else { None }).collect();
    let found_products: Vec<_> = store::products_by_ids(conn, &products)?.into_iter().map(|p| p.id).collect();
    let found_authors: Vec<_> = store::authors_by_ids(conn, &authors)?.into_iter().map(|a| a.id).collect();
    for (i, w) in widgets.iter().enumerate() {
        match w {
            Widget::Product(id) if !found_products.contains(id) => {
                errors.push(format!("widgets[{i}].product_id"), "no such product");
            }
            Widget::AuthorBio(id) if !found_authors.contains(id) => {
                errors.push(format!("widgets[{i}].author_id"), "no such author");
            }
            _ => {}
        }
    }
    errors.into_result().map_err(ServiceError::Invalid)
}

impl Colophon {
    /// Creates a sidebar (editors and admins); its slug must be free.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_sidebar(&self, caller: Caller, input: SidebarInput) -> ServiceResult<SidebarView> {
        let writer = curating_writer(caller)?;
        let (slug, title, widgets) = self.compute(move || parse(input, None)).await?.map_err(ServiceError::Invalid)?;
        self.write(writer, move |conn, now, changed| {
            if store::find_sidebar_by_slug(conn, &slug)?.is_some() {
                return Err(ServiceError::Conflict(format!("the sidebar slug {slug} is taken")));
            }
            check_targets(conn, &widgets)?;
            let sidebar = store::insert_sidebar(conn, &NewSidebar { slug, title, widgets, now })?;
            let shown = data::sidebar(sidebar.id, &sidebar.slug, &sidebar.title);
            let target = Target::Sidebar(sidebar.id);
            changed.emit(EventKind::SidebarCreated, &target, shown);
            let view = resolve_sidebars(conn, vec![sidebar])?.pop().ok_or(ServiceError::NotFound("sidebar"))?;
            Ok(Written::new(view, Action::SidebarCreate, target))
        })
        .await
    }

    /// Replaces the sidebar at `slug` (its slug may change), or creates it: `true` when created.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn put_sidebar(
        &self,
        caller: Caller,
        slug: SlugKey,
        input: SidebarInput,
    ) -> ServiceResult<(SidebarView, bool)> {
        let writer = curating_writer(caller)?;
        let from_path = slug.as_str().to_string();
        let (new_slug, title, widgets) =
            self.compute(move || parse(input, Some(&from_path))).await?.map_err(ServiceError::Invalid)?;
        let path_slug = Slug::parse(slug.as_str()).map_err(|m| ServiceError::invalid("slug", m))?;
        self.write(writer, move |conn, now, changed| {
            check_targets(conn, &widgets)?;
            let existing = store::find_sidebar_by_slug(conn, &path_slug)?;
            if new_slug != path_slug && store::find_sidebar_by_slug(conn, &new_slug)?.is_some() {
                return Err(ServiceError::Conflict(format!("the sidebar slug {new_slug} is taken")));
            }
            let new = NewSidebar { slug: new_slug, title, widgets, now };
            let (sidebar, created) = match existing {
                Some(existing) => (store::replace_sidebar(conn, existing.id, &new)?, false),
                None => (store::insert_sidebar(conn, &new)?, true),
            };
            let kind = if created { EventKind::SidebarCreated } else { EventKind::SidebarUpdated };
            let shown = data::sidebar(sidebar.id, &sidebar.slug, &sidebar.title);
            let target = Target::Sidebar(sidebar.id);
            changed.emit(kind, &target, shown);
            let action = if created { Action::SidebarCreate } else { Action::SidebarReplace };
            let view = resolve_sidebars(conn, vec![sidebar])?.pop().ok_or(ServiceError::NotFound("sidebar"))?;
            Ok(Written::new((view, created), action, target).fields(&["slug", "title", "widgets"]))
        })
        .await
    }

    /// Deletes a sidebar; posts that showed it show none.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_sidebar(&self, caller: Caller, slug: SlugKey) -> ServiceResult<()> {
        let writer = curating_writer(caller)?;
        self.write(writer, move |conn, _, changed| {
            let slug = slug.found("sidebar")?;
            let sidebar = store::find_sidebar_by_slug(conn, &slug)?.ok_or(ServiceError::NotFound("sidebar"))?;
            // Posts that showed it name its key on their pages (derived from the target).
            store::delete_sidebar(conn, sidebar.id)?;
            let shown = data::sidebar(sidebar.id, &sidebar.slug, &sidebar.title);
            let target = Target::Sidebar(sidebar.id);
            changed.emit(EventKind::SidebarDeleted, &target, shown);
            Ok(Written::new((), Action::SidebarDelete, target))
        })
        .await
    }
}

use std::collections::HashMap;

use colophon_domain::{Sidebar, SidebarId, Slug, Timestamp, Widget};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::columns::written;
use crate::rows::{SidebarRow, WidgetRow, slug};
use crate::schema::{sidebar_widgets, sidebars};
use crate::{DbConnection, StoreResult};

#[derive(Debug, Clone)]
pub struct NewSidebar {
    pub slug: Slug,
    pub title: String,
    pub widgets: Vec<Widget>,
    pub now: Timestamp,
}

pub fn insert_sidebar(conn: &mut DbConnection, new: &NewSidebar) -> StoreResult<Sidebar> {
    let row: SidebarRow = diesel::insert_into(sidebars::table)
        .values((
            sidebars::slug.eq(new.slug.as_str()),
            sidebars::title.eq(&new.title),
            sidebars::created_at.eq(new.now),
            sidebars::updated_at.eq(new.now),
        ))
        .returning(sidebars::all_columns)
        .get_result(conn)?;
    replace_widgets(conn, row.id, &new.widgets)?;
    Ok(Sidebar {
        id: row.id,
        slug: slug(row.slug)?,
        title: row.title,
        widgets: new.widgets.clone(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Replaces a sidebar's widgets with `widgets`, in order.
pub fn replace_widgets(conn: &mut DbConnection, sidebar: SidebarId, widgets: &[Widget]) -> StoreResult<()> {
    diesel::delete(sidebar_widgets::table.filter(sidebar_widgets::sidebar_id.eq(sidebar.stored()))).execute(conn)?;
    for (position, widget) in widgets.iter().enumerate() {
        let (product_id, author_id, html) = match widget {
            Widget::Product(id) => (Some(*id), None, None),
            Widget::AuthorBio(id) => (None, Some(*id), None),
            Widget::Html(html) => (None, None, Some(html.as_str())),
        };
        diesel::insert_into(sidebar_widgets::table)
            .values((
                sidebar_widgets::sidebar_id.eq(sidebar.stored()),
                sidebar_widgets::position.eq(position as i32),
                sidebar_widgets::kind.eq(widget.kind().stored()),
                sidebar_widgets::product_id.eq(product_id),
                sidebar_widgets::author_id.eq(author_id),
                sidebar_widgets::html.eq(html),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find_sidebar_by_slug(conn: &mut DbConnection, wanted: &Slug) -> StoreResult<Option<Sidebar>> {
    let row: Option<SidebarRow> = sidebars::table.filter(sidebars::slug.eq(wanted.as_str())).first(conn).optional()?;
    Ok(with_widgets(conn, row.into_iter().collect())?.pop())
}

/// The sidebars with these ids and their widgets, in two queries.
pub fn sidebars_by_ids(conn: &mut DbConnection, ids: &[SidebarId]) -> StoreResult<Vec<Sidebar>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = written(ids);
    let rows: Vec<SidebarRow> = sidebars::table.filter(sidebars::id.eq_any(ids)).load(conn)?;
    with_widgets(conn, rows)
}

/// Sidebars ordered by id after the given id, with their widgets, in two queries.
pub fn list_sidebars(conn: &mut DbConnection, after: Option<SidebarId>, limit: i64) -> StoreResult<Vec<Sidebar>> {
    let rows: Vec<SidebarRow> = sidebars::table
        .filter(sidebars::id.gt(after.unwrap_or(SidebarId(0)).stored()))
        .order(sidebars::id.asc())
        .limit(limit)
        .load(conn)?;
    with_widgets(conn, rows)
}

fn with_widgets(conn: &mut DbConnection, rows: Vec<SidebarRow>) -> StoreResult<Vec<Sidebar>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
    let ids = written(&ids);
    let widget_rows: Vec<WidgetRow> = sidebar_widgets::table
        .filter(sidebar_widgets::sidebar_id.eq_any(ids))
        .order((sidebar_widgets::sidebar_id, sidebar_widgets::position))
        .load(conn)?;
    let mut widgets: HashMap<SidebarId, Vec<Widget>> = HashMap::new();
    for row in widget_rows {
        let sidebar_id = row.sidebar_id;
        widgets.entry(sidebar_id).or_default().push(row.into_domain()?);
    }
    rows.into_iter()
        .map(|row| {
            Ok(Sidebar {
                id: row.id,
                slug: slug(row.slug)?,
                title: row.title,
                widgets: widgets.remove(&row.id).unwrap_or_default(),
                created_at: row.created_at,
                updated_at: row.updated_at,
            })
        })
        .collect()
}

/// Replaces a sidebar's slug, title and widgets.
pub fn replace_sidebar(conn: &mut DbConnection, id: SidebarId, new: &NewSidebar) -> StoreResult<Sidebar> {
    let row: SidebarRow = diesel::update(sidebars::table.find(id.stored()))
        .set((sidebars::slug.eq(new.slug.as_str()), sidebars::title.eq(&new.title), sidebars::updated_at.eq(new.now)))
        .returning(sidebars::all_columns)
        .get_result(conn)?;
    replace_widgets(conn, id, &new.widgets)?;
    Ok(Sidebar {
        id,
        slug: slug(row.slug)?,
        title: row.title,
        widgets: new.widgets.clone(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub fn delete_sidebar(conn: &mut DbConnection, id: SidebarId) -> StoreResult<bool> {
    Ok(diesel::delete(sidebars::table.find(id.stored())).execute(conn)? == 1)
}

/// A sidebar, its widgets and the products they show, in one statement (the post page's path).
pub fn sidebar_with_products(
    conn: &mut DbConnection,
    id: SidebarId,
) -> StoreResult<Option<(Sidebar, Vec<colophon_domain::Product>)>> {
    use crate::rows::ProductRow;
    use crate::schema::products;
    let rows: Vec<(SidebarRow, Option<WidgetRow>, Option<ProductRow>)> = sidebars::table
        .left_join(sidebar_widgets::table.on(sidebar_widgets::sidebar_id.eq(sidebars::id)))
        .left_join(products::table.on(sidebar_widgets::product_id.eq(products::id.nullable())))
        .filter(sidebars::id.eq(id.stored()))
        .order(sidebar_widgets::position.asc())
        .select((sidebars::all_columns, sidebar_widgets::all_columns.nullable(), products::all_columns.nullable()))
        .load(conn)?;
    let mut rows = rows.into_iter();
    let Some((head, first_widget, first_product)) = rows.next() else { return Ok(None) };
    let mut widgets = Vec::new();
    let mut products = Vec::new();
    for (widget, product) in std::iter::once((first_widget, first_product)).chain(rows.map(|(_, w, p)| (w, p))) {
        if let Some(widget) = widget {
            widgets.push(widget.into_domain()?);
        }
        if let Some(product) = product {
            products.push(product.into_domain()?);
        }
    }
    let sidebar = Sidebar {
        id: head.id,
        slug: slug(head.slug)?,
        title: head.title,
        widgets,
        created_at: head.created_at,
        updated_at: head.updated_at,
    };
    Ok(Some((sidebar, products)))
}

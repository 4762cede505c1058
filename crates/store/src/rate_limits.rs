//! Rate-limit windows kept in PostgreSQL, shared by every server process: each count is one
//! atomic upsert (a new window starts when the old one has run out).

use colophon_domain::Timestamp;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp as SqlTimestamp};

use crate::{DbConnection, StoreError, StoreResult};

#[derive(QueryableByName)]
struct Window {
    #[diesel(sql_type = Integer)]
    count: i32,
    #[diesel(sql_type = SqlTimestamp)]
    window_start: Timestamp,
}

fn postgres(conn: &mut DbConnection) -> StoreResult<&mut diesel::PgConnection> {
    match conn {
        DbConnection::Pg(c) => Ok(c),
        DbConnection::Sqlite(_) => Err(StoreError::Config("shared rate limits are kept in PostgreSQL only".into())),
    }
}

/// Counts one event for `key` in its window of `window_secs` (starting a new window when the
/// last has run out) and returns the count so far and when the window started.
pub fn count_rate_event(
    conn: &mut DbConnection,
    key: &str,
    window_secs: i64,
    now: Timestamp,
) -> StoreResult<(u32, Timestamp)> {
    let window: Window = diesel::sql_query(
        "INSERT INTO rate_limits AS r (key, window_start, count) VALUES ($1, $2, 1) \
         ON CONFLICT (key) DO UPDATE SET \
           count = CASE WHEN r.window_start + make_interval(secs => $3) <= $2 THEN 1 ELSE r.count + 1 END, \
           window_start = CASE WHEN r.window_start + make_interval(secs => $3) <= $2 THEN $2 ELSE r.window_start END \
         RETURNING count, window_start",
    )
    .bind::<Text, _>(key)
    .bind::<SqlTimestamp, _>(now)
    .bind::<BigInt, _>(window_secs)
    .get_result(postgres(conn)?)?;
    Ok((u32::try_from(window.count).unwrap_or(u32::MAX), window.window_start))
}

/// The events counted for `key` in its current window, and when that window started; `None`
/// when it has none (or its window has run out).
pub fn rate_window(
    conn: &mut DbConnection,
    key: &str,
    window_secs: i64,
    now: Timestamp,
) -> StoreResult<Option<(u32, Timestamp)>> {
    let window: Option<Window> = diesel::sql_query(
        "SELECT count, window_start FROM rate_limits \
         WHERE key = $1 AND window_start + make_interval(secs => $3) > $2",
    )
    .bind::<Text, _>(key)
    .bind::<SqlTimestamp, _>(now)
    .bind::<BigInt, _>(window_secs)
    .get_result(postgres(conn)?)
    .optional()?;
    Ok(window.map(|w| (u32::try_from(w.count).unwrap_or(u32::MAX), w.window_start)))
}

/// Forgets `key`'s window.
pub fn clear_rate_window(conn: &mut DbConnection, key: &str) -> StoreResult<()> {
    diesel::sql_query("DELETE FROM rate_limits WHERE key = $1").bind::<Text, _>(key).execute(postgres(conn)?)?;
    Ok(())
}

/// Claims the once-per-site work `name` when it is due at `now`, moving its next time to `next`:
/// `true` for the one process whose update moved it (the others see it moved and get `false`).
pub fn claim_site_work(conn: &mut DbConnection, name: &str, now: Timestamp, next: Timestamp) -> StoreResult<bool> {
    use crate::schema::site_work;
    crate::bulk::per_backend!(conn, |c| diesel::insert_into(site_work::table)
        .values((site_work::name.eq(name), site_work::next_run_at.eq(now)))
        .on_conflict_do_nothing()
        .execute(c))?;
    let moved =
        diesel::update(site_work::table.filter(site_work::name.eq(name)).filter(site_work::next_run_at.le(now)))
            .set(site_work::next_run_at.eq(next))
            .execute(conn)?;
    Ok(moved == 1)
}

/// Drops windows that started before `before` (every limit's window is shorter).
pub fn prune_rate_windows(conn: &mut DbConnection, before: Timestamp) -> StoreResult<usize> {
    match conn {
        DbConnection::Pg(c) => Ok(diesel::sql_query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind::<SqlTimestamp, _>(before)
            .execute(c)?),
        DbConnection::Sqlite(_) => Ok(0),
    }
}

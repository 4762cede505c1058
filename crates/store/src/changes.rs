//! Hearing about committed changes made by other connections, for cache invalidation.
//!
//! Colophon's own writes announce what they change (an opaque text, the service's cache keys) in
//! the same transaction: PostgreSQL through `NOTIFY colophon_changes`, SQLite by appending to
//! `cache_invalidations`. Writes made behind Colophon's back are heard as "everything": the
//! triggers of PostgreSQL notify with the schema alone, those of SQLite bump a counter that
//! Colophon's own writes put back before they commit.

use colophon_domain::Timestamp;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::columns::Stored;
use crate::schema::posts;
use crate::{DatabaseTarget, DbConnection, StoreResult, connect};

/// PostgreSQL's notification payloads are limited to 8,000 bytes; longer announcements become
/// "everything".
const MAX_PAYLOAD: usize = 7_900;
/// SQLite: announcements are kept this long for other processes to read, then pruned.
const KEEP_SECONDS: i64 = 300;

/// What a listener heard since it last looked.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Heard {
    /// Something changed that no announcement describes.
    pub everything: bool,
    /// The announcements of Colophon's own writes, oldest first.
    pub announcements: Vec<String>,
}

/// A dedicated connection that reports what changed since it last looked.
pub struct ChangeListener {
    conn: DbConnection,
    data_version: i64,
    external: i64,
    last_announcement: i64,
    /// PostgreSQL: the schema whose changes count (notifications from other schemas of the same
    /// database are someone else's).
    schema: String,
}

#[derive(QueryableByName)]
struct CurrentSchema {
    #[diesel(sql_type = Text)]
    schema: String,
}

#[derive(QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = BigInt)]
    data_version: i64,
}

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = BigInt)]
    value: i64,
}

#[derive(QueryableByName)]
struct Announcement {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    keys: String,
}

fn data_version(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(diesel::sql_query("PRAGMA data_version").get_result::<DataVersion>(conn)?.data_version)
}

fn external_writes(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(diesel::sql_query("SELECT external AS value FROM cache_watch WHERE id = 1").get_result::<Counter>(conn)?.value)
}

fn last_announcement(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(diesel::sql_query("SELECT COALESCE(MAX(id), 0) AS value FROM cache_invalidations")
        .get_result::<Counter>(conn)?
        .value)
}

impl ChangeListener {
    pub fn open(target: &DatabaseTarget) -> StoreResult<Self> {
        let mut conn = connect(target)?;
        let (mut data_version, mut external, mut last_announcement, mut schema) = (0, 0, 0, String::new());
        if let DbConnection::Pg(c) = &mut conn {
            c.batch_execute("LISTEN colophon_changes")?;
            schema = diesel::sql_query("SELECT current_schema() AS schema").get_result::<CurrentSchema>(c)?.schema;
        } else {
            data_version = self::data_version(&mut conn)?;
            external = external_writes(&mut conn)?;
            last_announcement = self::last_announcement(&mut conn)?;
        }
        Ok(Self { conn, data_version, external, last_announcement, schema })
    }

    /// What was committed since the last call. Never blocks on the network: PostgreSQL's pending
    /// notifications are read without waiting.
    pub fn poll(&mut self) -> StoreResult<Heard> {
        let mut heard = Heard::default();
        match &mut self.conn {
            DbConnection::Pg(c) => {
                for notification in c.notifications_iter() {
                    let payload = notification?.payload;
                    match payload.split_once('\n') {
                        None if payload == self.schema => heard.everything = true,
                        Some((schema, announcement)) if schema == self.schema => {
                            heard.announcements.push(announcement.to_string());
                        }
                        _ => {}
                    }
                }
            }
            DbConnection::Sqlite(_) => {
                let now = data_version(&mut self.conn)?;
                if now == self.data_version {
                    return Ok(heard);
                }
                self.data_version = now;
                let external = external_writes(&mut self.conn)?;
                heard.everything = external != self.external;
                self.external = external;
                let rows = diesel::sql_query("SELECT id, keys FROM cache_invalidations WHERE id > ? ORDER BY id")
                    .bind::<BigInt, _>(self.last_announcement)
                    .load::<Announcement>(&mut self.conn)?;
                if let Some(last) = rows.last() {
                    self.last_announcement = last.id;
                }
                heard.announcements = rows.into_iter().map(|r| r.keys).collect();
            }
        }
        Ok(heard)
    }

    /// PostgreSQL: the primary's current WAL position, read on the listening connection.
    pub fn current_wal_lsn(&mut self) -> StoreResult<Option<u64>> {
        crate::current_wal_lsn(&mut self.conn)
    }

    /// SQLite: forgets announcements every listener has long read (PostgreSQL keeps none).
    pub fn prune(&mut self, now: Timestamp) -> StoreResult<()> {
        if let DbConnection::Sqlite(c) = &mut self.conn {
            diesel::sql_query("DELETE FROM cache_invalidations WHERE created_at < ?")
                .bind::<diesel::sql_types::Timestamp, _>(now - chrono::Duration::seconds(KEEP_SECONDS))
                .execute(c)?;
        }
        Ok(())
    }

    /// The next moment a scheduled post goes live after `now`, if any.
    pub fn next_publication(&mut self, now: Timestamp) -> StoreResult<Option<Timestamp>> {
        Ok(posts::table
            .filter(posts::status.eq(colophon_domain::PostStatus::Published.stored()))
            .filter(posts::published_at.gt(now))
            .select(diesel::dsl::min(posts::published_at))
            .first::<Option<Timestamp>>(&mut self.conn)?)
    }
}

/// A write transaction that announces its own changes (see the module's documentation).
pub struct KeyedWrite {
    /// SQLite: the triggers' counter before this transaction wrote anything.
    external: i64,
}

/// Starts announcing: call first in a write transaction, before it writes anything.
pub fn begin_keyed_write(conn: &mut DbConnection) -> StoreResult<KeyedWrite> {
    match conn {
        DbConnection::Pg(c) => {
            c.batch_execute("SET LOCAL colophon.keyed_write = 'on'")?;
            Ok(KeyedWrite { external: 0 })
        }
        DbConnection::Sqlite(_) => Ok(KeyedWrite { external: external_writes(conn)? }),
    }
}

/// Ends an announcing write transaction: `announcement` (the keys it changed, as text; empty
/// when it changed nothing readers see) reaches every listener once the transaction commits.
pub fn finish_keyed_write(
    conn: &mut DbConnection,
    write: KeyedWrite,
    announcement: &str,
    everything: &str,
    now: Timestamp,
) -> StoreResult<()> {
    match conn {
        DbConnection::Pg(c) => {
            if announcement.is_empty() {
                return Ok(());
            }
            let schema = diesel::sql_query("SELECT current_schema() AS schema").get_result::<CurrentSchema>(c)?.schema;
            let mut payload = format!("{schema}\n{announcement}");
            if payload.len() > MAX_PAYLOAD {
                payload = format!("{schema}\n{everything}");
            }
            diesel::sql_query("SELECT pg_notify('colophon_changes', $1)").bind::<Text, _>(payload).execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            diesel::sql_query("UPDATE cache_watch SET external = ? WHERE id = 1")
                .bind::<BigInt, _>(write.external)
                .execute(c)?;
            if !announcement.is_empty() {
                diesel::sql_query("INSERT INTO cache_invalidations (keys, created_at) VALUES (?, ?)")
                    .bind::<Text, _>(announcement)
                    .bind::<diesel::sql_types::Timestamp, _>(now)
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

/// How long SQLite keeps announcements: a listener that stalled longer must assume it missed
/// some.
pub const ANNOUNCEMENTS_KEPT_SECONDS: i64 = KEEP_SECONDS;

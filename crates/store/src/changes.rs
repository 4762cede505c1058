//! Hearing about committed changes made by other connections, for cache invalidation:
//! PostgreSQL's `LISTEN colophon_changes` (fed by triggers), SQLite's `PRAGMA data_version`.

use colophon_domain::Timestamp;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::schema::posts;
use crate::{DatabaseTarget, DbConnection, StoreResult, connect};

/// A dedicated connection that reports whether anything changed since it last looked.
pub struct ChangeListener {
    conn: DbConnection,
    data_version: i64,
    /// PostgreSQL: the schema whose changes count (notifications from other schemas of the same
    /// database are someone else's).
    schema: String,
}

#[derive(QueryableByName)]
struct CurrentSchema {
    #[diesel(sql_type = diesel::sql_types::Text)]
    schema: String,
}

#[derive(QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = BigInt)]
    data_version: i64,
}

fn data_version(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(diesel::sql_query("PRAGMA data_version").get_result::<DataVersion>(conn)?.data_version)
}

impl ChangeListener {
    pub fn open(target: &DatabaseTarget) -> StoreResult<Self> {
        let mut conn = connect(target)?;
        let (data_version, schema) = match &mut conn {
            DbConnection::Pg(c) => {
                c.batch_execute("LISTEN colophon_changes")?;
                let schema = diesel::sql_query("SELECT current_schema() AS schema").get_result::<CurrentSchema>(c)?;
                (0, schema.schema)
            }
            DbConnection::Sqlite(_) => (data_version(&mut conn)?, String::new()),
        };
        Ok(Self { conn, data_version, schema })
    }

    /// Whether another connection committed a change since the last call. Never blocks on the
    /// network: PostgreSQL's pending notifications are read without waiting.
    pub fn changed(&mut self) -> StoreResult<bool> {
        match &mut self.conn {
            DbConnection::Pg(c) => {
                let mut changed = false;
                for notification in c.notifications_iter() {
                    changed |= notification?.payload == self.schema;
                }
                Ok(changed)
            }
            DbConnection::Sqlite(_) => {
                let now = data_version(&mut self.conn)?;
                let changed = now != self.data_version;
                self.data_version = now;
                Ok(changed)
            }
        }
    }

    /// The next moment a scheduled post goes live after `now`, if any.
    pub fn next_publication(&mut self, now: Timestamp) -> StoreResult<Option<Timestamp>> {
        Ok(posts::table
            .filter(posts::status.eq("published"))
            .filter(posts::published_at.gt(now))
            .select(diesel::dsl::min(posts::published_at))
            .first::<Option<Timestamp>>(&mut self.conn)?)
    }
}

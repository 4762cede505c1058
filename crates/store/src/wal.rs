//! WAL positions, for routing reads to streaming replicas that have replayed far enough.

use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use crate::{DbConnection, StoreResult};

#[derive(QueryableByName)]
struct Position {
    #[diesel(sql_type = Nullable<Text>)]
    lsn: Option<String>,
}

/// A WAL position (`16/B374D848`) as a number; `None` for anything else.
pub fn parse_lsn(text: &str) -> Option<u64> {
    let (high, low) = text.split_once('/')?;
    Some((u64::from_str_radix(high, 16).ok()? << 32) | u64::from_str_radix(low, 16).ok()?)
}

fn position(conn: &mut DbConnection, query: &str) -> StoreResult<Option<u64>> {
    match conn {
        DbConnection::Pg(c) => {
            let found: Position = diesel::sql_query(query).get_result(c)?;
            Ok(found.lsn.as_deref().and_then(parse_lsn))
        }
        DbConnection::Sqlite(_) => Ok(None),
    }
}

/// The primary's current WAL write position: past the commit record of every transaction it
/// has acknowledged with `synchronous_commit` on (the default, and Colophon's). Not the insert
/// position: on an idle primary that can point past a page header no standby ever replays to.
pub fn current_wal_lsn(conn: &mut DbConnection) -> StoreResult<Option<u64>> {
    position(conn, "SELECT pg_current_wal_lsn()::text AS lsn")
}

/// How far a standby has replayed; `None` on a primary (which is no replica).
pub fn replay_lsn(conn: &mut DbConnection) -> StoreResult<Option<u64>> {
    position(conn, "SELECT pg_last_wal_replay_lsn()::text AS lsn")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wal_positions_read_as_numbers_in_order() {
        assert_eq!(parse_lsn("0/0"), Some(0));
        assert_eq!(parse_lsn("16/B374D848"), Some((0x16 << 32) | 0xB374_D848));
        assert!(parse_lsn("1/0").unwrap() > parse_lsn("0/FFFFFFFF").unwrap());
        assert_eq!(parse_lsn(""), None);
        assert_eq!(parse_lsn("x/1"), None);
    }
}

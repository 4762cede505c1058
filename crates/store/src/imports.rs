//! What imports brought in, so that running one again changes nothing.

use diesel::prelude::*;

use crate::schema::import_records;
use crate::{DbConnection, StoreResult};

/// The row an item of an import became, when it was imported before.
pub fn imported_id(conn: &mut DbConnection, source: &str, kind: &str, external_id: &str) -> StoreResult<Option<i64>> {
    Ok(import_records::table
        .filter(import_records::source.eq(source))
        .filter(import_records::kind.eq(kind))
        .filter(import_records::external_id.eq(external_id))
        .select(import_records::local_id)
        .first(conn)
        .optional()?)
}

/// Records that an item of an import became `local_id` (in the transaction that wrote it).
pub fn record_import(
    conn: &mut DbConnection,
    source: &str,
    kind: &str,
    external_id: &str,
    local_id: i64,
) -> StoreResult<()> {
    diesel::insert_into(import_records::table)
        .values((
            import_records::source.eq(source),
            import_records::kind.eq(kind),
            import_records::external_id.eq(external_id),
            import_records::local_id.eq(local_id),
        ))
        .execute(conn)?;
    Ok(())
}

//! What the live schema looks like, read from each backend's catalogue. Used by the schema tests
//! (both backends must agree; every foreign key must be indexed).

use diesel::sql_types::{Integer, Text};
use diesel::{QueryableByName, RunQueryDsl};

use super::{DbConn, DbError};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, QueryableByName)]
pub struct ColumnInfo {
    #[diesel(sql_type = Text)]
    pub table_name: String,
    #[diesel(sql_type = Text)]
    pub column_name: String,
    #[diesel(sql_type = Integer)]
    pub not_null: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, QueryableByName)]
pub struct IndexInfo {
    #[diesel(sql_type = Text)]
    pub table_name: String,
    #[diesel(sql_type = Text)]
    pub index_name: String,
}

/// Every column of the application's tables, in table name and column position order.
pub fn columns(conn: &mut DbConn) -> Result<Vec<ColumnInfo>, DbError> {
    let query = match conn {
        DbConn::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name, p.\"notnull\" AS not_null \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
               AND m.name <> '__diesel_schema_migrations' \
             ORDER BY m.name, p.cid"
        }
        DbConn::Postgres(_) => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                    CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS not_null \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations' \
             ORDER BY table_name, ordinal_position"
        }
    };
    Ok(diesel::sql_query(query).load(conn)?)
}

/// The explicitly named indexes (`…_idx`), which both migration folders name alike.
pub fn named_indexes(conn: &mut DbConn) -> Result<Vec<IndexInfo>, DbError> {
    let query = match conn {
        DbConn::Sqlite(_) => {
            "SELECT tbl_name AS table_name, name AS index_name FROM sqlite_master \
             WHERE type = 'index' AND name LIKE '%\\_idx' ESCAPE '\\' ORDER BY 1, 2"
        }
        DbConn::Postgres(_) => {
            "SELECT tablename::text AS table_name, indexname::text AS index_name FROM pg_indexes \
             WHERE schemaname = current_schema() AND indexname LIKE '%\\_idx' ESCAPE '\\' \
             ORDER BY 1, 2"
        }
    };
    Ok(diesel::sql_query(query).load(conn)?)
}

/// Foreign-key columns that no index starts with (SQLite's catalogue; the parity test carries
/// the answer over to PostgreSQL). Reported as `ColumnInfo` with `not_null` unused.
pub fn unindexed_foreign_keys(conn: &mut DbConn) -> Result<Vec<ColumnInfo>, DbError> {
    match conn {
        DbConn::Sqlite(_) => Ok(diesel::sql_query(
            "SELECT m.name AS table_name, f.\"from\" AS column_name, 0 AS not_null \
             FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND NOT EXISTS ( \
                 SELECT 1 FROM pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii \
                 WHERE ii.seqno = 0 AND ii.name = f.\"from\") \
             ORDER BY 1, 2",
        )
        .load(conn)?),
        DbConn::Postgres(_) => Err(DbError::Config(
            "unindexed_foreign_keys reads SQLite's catalogue".into(),
        )),
    }
}

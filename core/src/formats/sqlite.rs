//! Reading another app's SQLite database from bytes: deserialized into memory (no copy on
//! disk, where it would hold secrets), read-only, with the defences SQLite offers against a
//! hostile database.
//!
//! A database is code as much as data: a "table" can be a view over any query (a recursive
//! one runs for ever), a generated column computes its values, and a trigger or virtual table
//! runs the module behind it. So only real tables are read (`sqlite_master` type `table`, no
//! virtual table, no generated column), the schema is untrusted (`trusted_schema=OFF`, defensive
//! mode), every statement has a step budget (the progress handler), a row count and a value size
//! limit.

use std::ptr::NonNull;

use rusqlite::{Connection, DatabaseName, OpenFlags, limits::Limit};

/// Most rows read from a table: a hundred times the largest collections people keep (a few
/// hundred accounts); one row more is an error, not a silent cut.
pub const MAX_ROWS: usize = 10_000;

/// Virtual-machine steps per progress-handler call.
const STEPS_PER_CALL: i32 = 1_000;
/// Most progress-handler calls for one database (so 100 million VM steps, a second or two):
/// reading `MAX_ROWS` rows of an app's table takes well under a million. A query that runs
/// longer is not reading a table.
const MAX_CALLS: u32 = 100_000;

/// Largest value SQLite builds (a string or blob, a row): no column of an authenticator's
/// table comes near 1 MiB, and the database cannot build a larger one.
const MAX_VALUE_BYTES: i32 = 1 << 20;

/// SQLite's header: bytes 18 and 19 say whether the file is in WAL mode (2) or not (1). An
/// in-memory database cannot be in WAL mode; a copied file has no WAL beside it anyway.
const WAL_VERSION_BYTES: std::ops::Range<usize> = 18..20;

/// The database, or why it cannot be opened.
fn open(bytes: &[u8]) -> Result<Connection, String> {
    if !bytes.starts_with(b"SQLite format 3\0") || bytes.len() < 100 {
        return Err("not an SQLite database".into());
    }
    let mut conn = Connection::open_in_memory_with_flags(
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("SQLite cannot start ({e})"))?;
    // Untrusted schema: functions with side effects cannot be called from views, triggers or
    // generated columns; defensive mode forbids writing the schema or corrupting the file.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA,
        false,
    )
    .map_err(|e| e.to_string())?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
        .map_err(|e| e.to_string())?;
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES);
    conn.set_limit(Limit::SQLITE_LIMIT_SQL_LENGTH, 64 * 1024);
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0);
    conn.set_limit(Limit::SQLITE_LIMIT_TRIGGER_DEPTH, 0);
    conn.set_limit(Limit::SQLITE_LIMIT_EXPR_DEPTH, 100);
    conn.set_limit(Limit::SQLITE_LIMIT_COMPOUND_SELECT, 8);
    let mut calls = 0u32;
    conn.progress_handler(
        STEPS_PER_CALL,
        Some(move || {
            calls += 1;
            calls > MAX_CALLS
        }),
    );
    conn.deserialize(DatabaseName::Main, copy_for_sqlite(bytes)?, true)
        .map_err(|e| format!("not a readable database ({e})"))?;
    conn.pragma_update(None, "cell_size_check", true)
        .map_err(|e| format!("not a readable database ({e})"))?;
    Ok(conn)
}

/// The bytes in memory SQLite allocated (it frees them when the connection closes), with the
/// header set to the rollback journal (see [`WAL_VERSION_BYTES`]).
fn copy_for_sqlite(bytes: &[u8]) -> Result<rusqlite::serialize::OwnedData, String> {
    let len = u64::try_from(bytes.len()).map_err(|_| "the database is too large")?;
    // SAFETY: sqlite3_malloc64 returns `len` writable bytes or null; the bytes are filled
    // before OwnedData takes them, and OwnedData frees them with sqlite3_free (or hands them
    // to sqlite3_deserialize, which does).
    unsafe {
        let ptr = NonNull::new(rusqlite::ffi::sqlite3_malloc64(len).cast::<u8>())
            .ok_or("out of memory for the database")?;
        let data = std::slice::from_raw_parts_mut(ptr.as_ptr(), bytes.len());
        data.copy_from_slice(bytes);
        data[WAL_VERSION_BYTES].fill(1);
        Ok(rusqlite::serialize::OwnedData::from_raw_nonnull(
            ptr,
            bytes.len(),
        ))
    }
}

/// SQLite's error for an interrupted statement, in words.
fn explain(e: rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::OperationInterrupted) => format!(
            "reading the database took more than {} million steps, far more than any app's \
             table needs (a query hidden in the database?)",
            u64::from(MAX_CALLS) * STEPS_PER_CALL as u64 / 1_000_000
        ),
        Some(rusqlite::ErrorCode::TooBig) => {
            format!("a value is larger than {MAX_VALUE_BYTES} bytes")
        }
        _ => e.to_string(),
    }
}

/// Checks that `table` is a plain table: not a view, a virtual table, or one with generated
/// columns (each of which runs SQL from the file when read).
fn check_table(conn: &Connection, table: &str) -> Result<(), String> {
    let found: Option<(String, String)> = conn
        .query_row(
            "SELECT type, coalesce(sql, '') FROM sqlite_master WHERE name = ?1 COLLATE NOCASE",
            [table],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(explain(other)),
        })?;
    let (kind, sql) = found.ok_or_else(|| format!("the expected table {table} is missing"))?;
    if kind != "table" {
        return Err(format!(
            "{table} is a {kind}, not a table: Ninsho reads only tables (a {kind} runs SQL \
             from the file)"
        ));
    }
    if sql
        .trim_start()
        .get(..14)
        .is_some_and(|s| s.eq_ignore_ascii_case("create virtual"))
    {
        return Err(format!(
            "{table} is a virtual table: Ninsho reads only tables"
        ));
    }
    let generated = conn
        .prepare(&format!("PRAGMA table_xinfo(\"{table}\")"))
        .and_then(|mut stmt| {
            stmt.query_map([], |r| r.get::<_, i64>(6))?
                .collect::<Result<Vec<i64>, _>>()
        })
        .map_err(explain)?
        .into_iter()
        .any(|hidden| hidden == 2 || hidden == 3);
    if generated {
        return Err(format!(
            "{table} has generated columns, computed by SQL from the file: Ninsho reads only \
             stored values"
        ));
    }
    Ok(())
}

/// An importer's detection score for a database: certain (2) when `input` is SQLite with
/// `table` holding all of `columns`, else 0.
pub fn detect(input: &super::Input, table: &str, columns: &[&str]) -> u8 {
    if input.is_sqlite() && has_columns(input.bytes, table, columns) {
        2
    } else {
        0
    }
}

/// Whether `table` exists, is a plain table, and has all of `columns`.
pub fn has_columns(bytes: &[u8], table: &str, columns: &[&str]) -> bool {
    (|| {
        let conn = open(bytes)?;
        check_table(&conn, table)?;
        let mut stmt = conn
            .prepare(&format!("PRAGMA table_info(\"{table}\")"))
            .map_err(explain)?;
        let names: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(1))
            .map_err(explain)?
            .filter_map(Result::ok)
            .collect();
        Ok::<_, String>(columns.iter().all(|c| names.iter().any(|n| n == c)))
    })()
    .unwrap_or(false)
}

/// Why a database's rows were not read: it is not the expected database (or not one at all),
/// or it is, and asks for more than Ninsho does (a bound of this module).
#[derive(Debug)]
pub enum DbError {
    NotThis(String),
    Refused(String),
}

impl DbError {
    pub fn for_format(self, id: super::FormatId) -> super::FormatError {
        match self {
            DbError::NotThis(e) => super::FormatError::NotThisFormat(id, e),
            DbError::Refused(e) => super::FormatError::Unsupported(id, e),
        }
    }
}

/// Every row of `columns` of `table` (a plain table, see [`check_table`]), each as text
/// (NULL as empty); at most [`MAX_ROWS`].
pub fn rows(bytes: &[u8], table: &str, columns: &[&str]) -> Result<Vec<Vec<String>>, DbError> {
    let conn = open(bytes).map_err(DbError::NotThis)?;
    check_table(&conn, table).map_err(|e| {
        if e.starts_with("the expected") {
            DbError::NotThis(e)
        } else {
            DbError::Refused(e)
        }
    })?;
    // Unquoted: SQLite would take a missing "column" in double quotes for a string.
    let list = columns.join(", ");
    query(&conn, &format!("SELECT {list} FROM {table}"), columns.len()).map_err(|e| {
        if e.starts_with("the expected") {
            DbError::NotThis(e)
        } else {
            DbError::Refused(e)
        }
    })
}

/// Every row of `sql`, at most [`MAX_ROWS`], within the step budget.
fn query(conn: &Connection, sql: &str, columns: usize) -> Result<Vec<Vec<String>>, String> {
    let mut stmt = conn
        .prepare(sql)
        .map_err(|e| format!("the expected table is missing ({})", explain(e)))?;
    let mut rows = stmt.query([]).map_err(explain)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(explain)? {
        if out.len() == MAX_ROWS {
            return Err(format!(
                "the table has more than {MAX_ROWS} rows, more accounts than any app holds"
            ));
        }
        let row = (0..columns)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => String::new(),
                    rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                    rusqlite::types::ValueRef::Real(f) => f.to_string(),
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        String::from_utf8_lossy(t).into_owned()
                    }
                })
            })
            .collect::<Result<Vec<String>, rusqlite::Error>>()
            .map_err(explain)?;
        out.push(row);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(sql: &str) -> Vec<u8> {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(sql).unwrap();
        conn.serialize(DatabaseName::Main).unwrap().to_vec()
    }

    #[test]
    fn a_query_that_runs_for_ever_is_stopped_by_the_step_budget() {
        let bytes = database("CREATE TABLE t(x);");
        let conn = open(&bytes).unwrap();
        // Counts to 10^12: hours, without the budget.
        let err = query(
            &conn,
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000000000) \
             SELECT count(*) FROM c",
            1,
        )
        .unwrap_err();
        assert!(err.contains("100 million steps"), "{err}");
    }

    #[test]
    fn a_value_larger_than_the_limit_is_refused() {
        let bytes = database("CREATE TABLE t(x);");
        let conn = open(&bytes).unwrap();
        let err = query(&conn, "SELECT zeroblob(100000000)", 1).unwrap_err();
        assert!(err.contains("larger than"), "{err}");
    }

    #[test]
    fn generated_columns_and_virtual_tables_are_refused() {
        let bytes = database("CREATE TABLE t(x, y AS (x || x));");
        let err = format!("{:?}", rows(&bytes, "t", &["x", "y"]).unwrap_err());
        assert!(err.contains("generated columns"), "{err}");
        let bytes = database("CREATE VIRTUAL TABLE t USING fts5(x);");
        let err = format!("{:?}", rows(&bytes, "t", &["x"]).unwrap_err());
        assert!(err.contains("virtual table"), "{err}");
    }

    #[test]
    fn a_wal_database_reads() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES ('a');")
            .unwrap();
        let mut bytes = conn.serialize(DatabaseName::Main).unwrap().to_vec();
        bytes[18] = 2;
        bytes[19] = 2;
        assert_eq!(
            rows(&bytes, "t", &["x"]).unwrap(),
            vec![vec!["a".to_owned()]]
        );
    }
}

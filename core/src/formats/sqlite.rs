//! Reading another app's SQLite database from bytes: written to a private temporary file
//! (SQLite opens files, not buffers), opened read-only, and removed afterwards.

use std::io::Write;

fn with_db<T>(
    bytes: &[u8],
    f: impl FnOnce(&rusqlite::Connection) -> Result<T, String>,
) -> Result<T, String> {
    let dir = tempfile::Builder::new()
        .prefix("ninsho-import-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let path = dir.path().join("db.sqlite");
    {
        let mut file = std::fs::File::create(&path).map_err(|e| e.to_string())?;
        file.write_all(bytes).map_err(|e| e.to_string())?;
    }
    let conn = rusqlite::Connection::open_with_flags(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("not a readable database ({e})"))?;
    let result = f(&conn);
    drop(conn);
    // The copy holds secrets: overwrite it before it is removed with its folder.
    let _ = std::fs::write(&path, vec![0u8; bytes.len()]);
    result
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

/// Whether `table` exists with all of `columns`.
pub fn has_columns(bytes: &[u8], table: &str, columns: &[&str]) -> bool {
    with_db(bytes, |conn| {
        let mut stmt = conn
            .prepare(&format!("PRAGMA table_info(\"{table}\")"))
            .map_err(|e| e.to_string())?;
        let names: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(1))
            .map_err(|e| e.to_string())?
            .filter_map(Result::ok)
            .collect();
        Ok(columns.iter().all(|c| names.iter().any(|n| n == c)))
    })
    .unwrap_or(false)
}

/// Every row of `query`, each column as text (NULL as empty).
pub fn rows(bytes: &[u8], query: &str, columns: usize) -> Result<Vec<Vec<String>>, String> {
    with_db(bytes, |conn| {
        let mut stmt = conn
            .prepare(query)
            .map_err(|e| format!("the expected table is missing ({e})"))?;
        let rows = stmt
            .query_map([], |r| {
                (0..columns)
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => String::new(),
                            rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                            rusqlite::types::ValueRef::Real(f) => f.to_string(),
                            rusqlite::types::ValueRef::Text(t) => {
                                String::from_utf8_lossy(t).into_owned()
                            }
                            rusqlite::types::ValueRef::Blob(b) => {
                                String::from_utf8_lossy(b).into_owned()
                            }
                        })
                    })
                    .collect::<Result<Vec<String>, rusqlite::Error>>()
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())
    })
}

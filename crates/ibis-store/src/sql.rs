//! Small helpers shared by the queries: text forms of dates and instants, row access.

use sqlx::any::AnyRow;
use sqlx::Row;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::{Result, StoreError};

/// The current instant as stored: RFC 3339 UTC with microseconds (text order is time order).
pub fn now_text() -> String {
    instant_text(OffsetDateTime::now_utc())
}

/// An instant as stored.
pub fn instant_text(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let micros = t.microsecond();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        micros
    )
}

/// Parses a stored instant.
pub fn parse_instant(s: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))
}

/// A date as stored.
pub fn date_text(d: Date) -> String {
    d.to_string()
}

/// Parses a stored date.
pub fn parse_date(s: &str) -> Result<Date> {
    ibis_core::policy::parse_date(s).map_err(|e| StoreError::Db(sqlx::Error::Decode(e.into())))
}

/// Reads a text column.
pub fn text(row: &AnyRow, col: &str) -> Result<String> {
    Ok(row.try_get::<String, _>(col)?)
}

/// Reads a nullable text column.
pub fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

/// Reads an integer column.
pub fn int(row: &AnyRow, col: &str) -> Result<i64> {
    Ok(row.try_get::<i64, _>(col)?)
}

/// Reads a nullable integer column.
pub fn opt_int(row: &AnyRow, col: &str) -> Result<Option<i64>> {
    Ok(row.try_get::<Option<i64>, _>(col)?)
}

/// Reads a boolean column (PostgreSQL `BOOLEAN`; SQLite stores 0/1 in an `INTEGER`).
pub fn boolean(row: &AnyRow, col: &str) -> Result<bool> {
    match row.try_get::<bool, _>(col) {
        Ok(b) => Ok(b),
        Err(_) => Ok(row.try_get::<i64, _>(col)? != 0),
    }
}

/// Whether an error is a unique-constraint violation.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            d.is_unique_violation()
                || d.code().as_deref() == Some("23505")
                || d.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

/// Page of a collection: how many rows and from where.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct PageRequest {
    /// Most rows to return (1-200, default 50).
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            limit: 50,
            offset: 0,
        }
    }
}

impl PageRequest {
    /// A page, with limit clamped to 1-200 and offset to 0 or more.
    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Self {
        PageRequest {
            limit: limit.unwrap_or(50).clamp(1, 200),
            offset: offset.unwrap_or(0).max(0),
        }
    }
}

/// A page of results with the total count.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Rows matching in all.
    pub total: i64,
    /// The limit used.
    pub limit: i64,
    /// The offset used.
    pub offset: i64,
}

/// Reads a JSON column into a type.
pub fn decode<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))
}

/// Writes a value as JSON text for a column.
pub fn encode<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))
}

/// Whether any of these texts holds a NUL character. No stored text holds one (PostgreSQL
/// cannot store it, and every text field refuses control characters), so a search, filter or
/// sign-in name with one matches nothing; the store answers so without sending it to the
/// database, which on PostgreSQL would fail.
pub fn has_nul<'a>(texts: impl IntoIterator<Item = Option<&'a str>>) -> bool {
    texts.into_iter().flatten().any(|t| t.contains('\0'))
}

impl<T> Page<T> {
    /// No rows, for a request that can match nothing.
    pub fn empty(page: PageRequest) -> Self {
        Page {
            items: Vec::new(),
            total: 0,
            limit: page.limit,
            offset: page.offset,
        }
    }
}

/// The `VALUES` list of a multi-row INSERT of `rows` rows of `width` columns, with the
/// placeholders each engine binds fastest: `(?,?),(?,?)` on SQLite, `($1,$2),($3,$4)` on
/// PostgreSQL.
///
/// SQLite resolves a numbered placeholder (`$7`) by a linear search of the statement's
/// parameter names, and sqlx asks for every parameter's name when binding, so a statement of
/// *n* numbered parameters costs *n*² to bind (half the CPU of a population load went there).
/// Plain `?` placeholders have no names and bind in order.
pub fn values_list(engine: crate::Engine, rows: usize, width: usize) -> String {
    let mut sql = String::with_capacity(rows * width * 6);
    let mut p = 1usize;
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..width {
            if c > 0 {
                sql.push(',');
            }
            match engine {
                crate::Engine::Sqlite => sql.push('?'),
                crate::Engine::Postgres => {
                    sql.push('$');
                    sql.push_str(&p.to_string());
                }
            }
            p += 1;
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod values_list_tests {
    use super::values_list;
    use crate::Engine;

    #[test]
    fn sqlite_uses_plain_and_postgres_numbered_placeholders() {
        assert_eq!(values_list(Engine::Sqlite, 2, 2), "(?,?),(?,?)");
        assert_eq!(values_list(Engine::Postgres, 2, 3), "($1,$2,$3),($4,$5,$6)");
        assert_eq!(values_list(Engine::Postgres, 1, 1), "($1)");
    }
}

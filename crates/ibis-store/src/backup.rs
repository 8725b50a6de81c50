//! Engine-neutral backup and restore: every table of the database as versioned JSON lines with
//! the schema version and a SHA-256 checksum, so a file made on SQLite restores on PostgreSQL
//! and the other way round.
//!
//! The file, one JSON value a line:
//!
//! ```text
//! {"ibis_backup":1,"schema_version":5,"source_engine":"sqlite","created_at":"..."}
//! {"table":"municipalities","columns":["code",...],"rows":42}
//! ["ogre","Ogres novads",...]            one array a row, in the column order above
//! ...
//! {"end":true,"tables":27,"rows":1234,"sha256":"<hex of every byte before this line>"}
//! ```
//!
//! Tables come in the order the migrations create them, which is an order foreign keys allow.
//! Booleans are written as `true`/`false` on both engines (SQLite keeps them as 0/1).
//! A backup reads one consistent snapshot. A restore checks the whole file (format, schema
//! version, checksum, row counts) before it writes anything, refuses a target holding anything
//! but the reference data, and writes everything in one transaction: it is restored whole or
//! not at all.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};

use futures_util::TryStreamExt;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::any::{AnyRow, AnyTypeInfoKind};
use sqlx::{Column, Row};

use crate::{audit, now_text, Auditor, Engine, Store, StoreError, WriteTx, MIGRATIONS};

/// The version of the file format written here (not the schema version).
pub const FORMAT_VERSION: i64 = 1;

/// The tables the store fills by itself on opening (reference data): a target holding only
/// these is empty, and a restore replaces their rows with the file's.
const REFERENCE_TABLES: &[&str] = &["municipalities", "service_types"];

/// Everything that stops a backup or a restore, with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reading or writing the file failed.
    #[error("{0}")]
    Io(String),
    /// The file is not a backup this ibis can restore, or it was changed or cut short.
    #[error("{0}")]
    BadFile(String),
    /// The file was made by a newer ibis.
    #[error("the backup was made with database schema version {file}, newer than this ibis knows ({known}); restore it with the ibis version that made it or a newer one")]
    NewerSchema {
        /// The schema version in the file.
        file: i64,
        /// The newest schema version this ibis knows.
        known: i64,
    },
    /// The target already holds data.
    #[error("the target database is not empty (table {table} has {rows} rows); restore into a new, empty database")]
    NotEmpty {
        /// A table with rows.
        table: String,
        /// How many.
        rows: i64,
    },
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> Self {
        BackupError::Store(StoreError::Db(e))
    }
}

type BResult<T> = std::result::Result<T, BackupError>;

/// What a table looks like to backup and restore, read from the migrations themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableShape {
    /// The table's name.
    pub name: String,
    /// Columns declared `{{BOOL}}` (written as JSON booleans).
    pub booleans: BTreeSet<String>,
    /// The identity column declared `{{ID}}`, if any.
    pub identity: Option<String>,
}

/// Every table the migrations create, in creation order (an order foreign keys allow).
pub fn tables() -> Vec<TableShape> {
    let mut out: Vec<TableShape> = Vec::new();
    for m in MIGRATIONS {
        // Comments first (they may hold semicolons), then statement by statement.
        let schema: String = m
            .schema
            .lines()
            .map(|l| l.split("--").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n");
        for statement in schema.split(';') {
            let lines: Vec<&str> = statement
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("--"))
                .collect();
            let Some(first) = lines.first() else { continue };
            let words: Vec<&str> = first.split_whitespace().collect();
            let upper: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
            if upper.len() >= 3 && upper[0] == "CREATE" && upper[1] == "TABLE" {
                let name_at = if upper.get(2).map(String::as_str) == Some("IF") {
                    5
                } else {
                    2
                };
                let Some(name) = words.get(name_at) else {
                    continue;
                };
                let name = name.trim_end_matches('(').to_owned();
                let mut shape = TableShape {
                    name,
                    booleans: BTreeSet::new(),
                    identity: None,
                };
                for l in &lines[1..] {
                    let col = l.split_whitespace().next().unwrap_or_default().to_owned();
                    if l.contains("{{BOOL}}") {
                        shape.booleans.insert(col);
                    } else if l.contains("{{ID}}") {
                        shape.identity = Some(col);
                    }
                }
                out.push(shape);
            } else if upper.len() >= 6
                && upper[0] == "ALTER"
                && upper[1] == "TABLE"
                && upper[3] == "ADD"
                && upper[4] == "COLUMN"
            {
                let table = words[2];
                let col = words[5];
                if let Some(t) = out.iter_mut().find(|t| t.name == table) {
                    if statement.contains("{{BOOL}}") {
                        t.booleans.insert(col.to_owned());
                    }
                    if statement.contains("{{ID}}") {
                        t.identity = Some(col.to_owned());
                    }
                }
            } else if upper.len() >= 6
                && upper[0] == "ALTER"
                && upper[1] == "TABLE"
                && upper[3] == "RENAME"
                && upper[4] == "TO"
            {
                // A table made anew under another name, then given the old one.
                if let Some(t) = out.iter_mut().find(|t| t.name == words[2]) {
                    t.name = words[5].to_owned();
                }
            } else if upper.len() >= 3 && upper[0] == "DROP" && upper[1] == "TABLE" {
                let name = words.last().copied().unwrap_or_default();
                out.retain(|t| t.name != name);
            }
        }
    }
    out
}

/// The newest schema version this ibis knows.
pub fn known_schema_version() -> i64 {
    MIGRATIONS.iter().map(|m| m.version).max().unwrap_or(0)
}

/// The tables actually in the database (without the migration bookkeeping).
async fn database_tables(store: &Store) -> BResult<BTreeSet<String>> {
    let sql = match store.engine() {
        Engine::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        Engine::Postgres => "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    };
    let rows = sqlx::query(sql).fetch_all(store.pool()).await?;
    let mut names = BTreeSet::new();
    for r in rows {
        let n: String = r.try_get(0)?;
        if n != "schema_migrations" {
            names.insert(n);
        }
    }
    Ok(names)
}

/// The known tables, after checking the database holds no table a backup would miss.
async fn checked_tables(store: &Store) -> BResult<Vec<TableShape>> {
    let shapes = tables();
    let known: BTreeSet<&str> = shapes.iter().map(|t| t.name.as_str()).collect();
    for t in database_tables(store).await? {
        if !known.contains(t.as_str()) {
            return Err(BackupError::BadFile(format!(
                "the database has a table \"{t}\" that no migration of this ibis creates; use the ibis version that made the database"
            )));
        }
    }
    Ok(shapes)
}

/// The column kinds of a table in the database, in column order.
async fn columns(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    engine: Engine,
    table: &str,
) -> BResult<Vec<(String, Kind)>> {
    let rows = match engine {
        Engine::Sqlite => {
            sqlx::query("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                .bind(table)
                .fetch_all(&mut **tx)
                .await?
        }
        Engine::Postgres => {
            sqlx::query("SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position")
                .bind(table)
                .fetch_all(&mut **tx)
                .await?
        }
    };
    rows.iter()
        .map(|r| {
            let name: String = r.try_get(0)?;
            let ty: String = r.try_get(1)?;
            Ok((name, Kind::of_declared(&ty)))
        })
        .collect()
}

/// How a column's values are bound on restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Int,
    Float,
    Text,
    Blob,
}

impl Kind {
    fn of_declared(ty: &str) -> Kind {
        let t = ty.to_uppercase();
        if t.contains("BOOL") {
            Kind::Bool
        } else if t.contains("INT") {
            Kind::Int
        } else if t.contains("REAL")
            || t.contains("FLOA")
            || t.contains("DOUB")
            || t.contains("NUMERIC")
        {
            Kind::Float
        } else if t.contains("BLOB") || t.contains("BYTEA") {
            Kind::Blob
        } else {
            Kind::Text
        }
    }
}

/// One column of a row as an engine-neutral JSON value.
fn value(row: &AnyRow, i: usize, boolean: bool) -> BResult<Value> {
    let kind = row.columns()[i].type_info().kind();
    let v = match kind {
        AnyTypeInfoKind::Null => Value::Null,
        AnyTypeInfoKind::Bool => match row.try_get::<Option<bool>, _>(i)? {
            Some(b) => Value::Bool(b),
            None => Value::Null,
        },
        AnyTypeInfoKind::SmallInt | AnyTypeInfoKind::Integer | AnyTypeInfoKind::BigInt => {
            let n = match row.try_get::<Option<i64>, _>(i) {
                Ok(n) => n,
                Err(_) => row.try_get::<Option<i32>, _>(i)?.map(i64::from),
            };
            match n {
                None => Value::Null,
                Some(n) if boolean => Value::Bool(n != 0),
                Some(n) => json!(n),
            }
        }
        AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => {
            match row.try_get::<Option<f64>, _>(i)? {
                Some(f) => json!(f),
                None => Value::Null,
            }
        }
        AnyTypeInfoKind::Text => match row.try_get::<Option<String>, _>(i)? {
            Some(s) => Value::String(s),
            None => Value::Null,
        },
        AnyTypeInfoKind::Blob => match row.try_get::<Option<Vec<u8>>, _>(i)? {
            Some(b) => json!({ "hex": hex::encode(b) }),
            None => Value::Null,
        },
    };
    Ok(v)
}

/// Begins a read transaction that sees one snapshot of the whole database.
async fn snapshot(store: &Store) -> BResult<sqlx::Transaction<'static, sqlx::Any>> {
    let mut tx = store.pool().begin().await?;
    if store.engine() == Engine::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

/// Calls `each` with every row of every table, in table order, from one snapshot: the table's
/// shape and columns with each row's values (or with `None` once before a table's rows, with
/// the table's row count).
async fn walk<F>(store: &Store, mut each: F) -> BResult<()>
where
    F: FnMut(&TableShape, &[String], Option<Vec<Value>>, i64) -> BResult<()>,
{
    let shapes = checked_tables(store).await?;
    let mut tx = snapshot(store).await?;
    for shape in &shapes {
        let cols: Vec<String> = columns(&mut tx, store.engine(), &shape.name)
            .await?
            .into_iter()
            .map(|c| c.0)
            .collect();
        let count: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {}", shape.name))
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        each(shape, &cols, None, count)?;
        let select = format!(
            "SELECT {} FROM {} ORDER BY {}",
            cols.join(", "),
            shape.name,
            (1..=cols.len())
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut rows = sqlx::query(&select).fetch(&mut *tx);
        while let Some(row) = rows.try_next().await? {
            let values = (0..cols.len())
                .map(|i| value(&row, i, shape.booleans.contains(&cols[i])))
                .collect::<BResult<Vec<Value>>>()?;
            each(shape, &cols, Some(values), count)?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Every table's rows as engine-neutral JSON objects (column name to value), each table's rows
/// sorted: two databases with the same contents give the same answer whatever their engines
/// (for tests and checks).
pub async fn contents(store: &Store) -> BResult<BTreeMap<String, Vec<Value>>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    walk(store, |shape, cols, row, _| {
        let rows = out.entry(shape.name.clone()).or_default();
        if let Some(r) = row {
            rows.push(Value::Object(cols.iter().cloned().zip(r).collect()));
        }
        Ok(())
    })
    .await?;
    for rows in out.values_mut() {
        rows.sort_by_key(|r| serde_json::to_string(r).unwrap_or_default());
    }
    Ok(out)
}

/// What a backup or a restore did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Tables written or restored.
    pub tables: usize,
    /// Rows written or restored.
    pub rows: u64,
    /// The schema version of the data.
    pub schema_version: i64,
}

/// Writes lines while hashing them.
struct Hashing<W: Write> {
    out: W,
    hash: Sha256,
}

impl<W: Write> Hashing<W> {
    fn line(&mut self, v: &Value) -> BResult<()> {
        let mut s = v.to_string();
        s.push('\n');
        self.hash.update(s.as_bytes());
        self.out
            .write_all(s.as_bytes())
            .map_err(|e| BackupError::Io(format!("cannot write the backup: {e}")))
    }
}

/// The schema version the database is at.
async fn schema_version(store: &Store) -> BResult<i64> {
    Ok(
        sqlx::query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            .fetch_one(store.pool())
            .await?
            .try_get(0)?,
    )
}

/// Writes a backup of the whole database to `out` (one consistent snapshot). The backup
/// itself is recorded in the audit log first, so the file holds its own record.
pub async fn backup<W: Write>(store: &Store, who: &Auditor, out: W) -> BResult<Summary> {
    let version = schema_version(store).await?;
    let mut tx = store.begin().await?;
    audit::append(
        &mut tx,
        who,
        "backup",
        "database",
        "all",
        None,
        json!({"schema_version": version}),
    )
    .await?;
    tx.commit().await?;
    let mut w = Hashing {
        out,
        hash: Sha256::new(),
    };
    w.line(&json!({
        "ibis_backup": FORMAT_VERSION,
        "schema_version": version,
        "source_engine": match store.engine() { Engine::Sqlite => "sqlite", Engine::Postgres => "postgres" },
        "created_at": now_text(),
    }))?;
    let mut tables = 0usize;
    let mut rows = 0u64;
    walk(store, |shape, cols, row, count| match row {
        None => {
            tables += 1;
            w.line(&json!({"table": shape.name, "columns": cols, "rows": count}))
        }
        Some(r) => {
            rows += 1;
            w.line(&Value::Array(r))
        }
    })
    .await?;
    let digest = hex::encode(w.hash.clone().finalize());
    let trailer = json!({"end": true, "tables": tables, "rows": rows, "sha256": digest});
    let mut out = w.out;
    writeln!(out, "{trailer}")
        .and_then(|_| out.flush())
        .map_err(|e| BackupError::Io(format!("cannot write the backup: {e}")))?;
    Ok(Summary {
        tables,
        rows,
        schema_version: version,
    })
}

/// The parts of a backup file, read and checked.
enum Line {
    Table {
        name: String,
        columns: Vec<String>,
        rows: i64,
    },
    Row(Vec<Value>),
}

fn bad(line: usize, what: impl std::fmt::Display) -> BackupError {
    BackupError::BadFile(format!("the backup file is damaged or not an ibis backup (line {line}: {what}); use an intact copy"))
}

/// Reads a backup file's header and checks the whole file's checksum and structure, without
/// writing anything. Returns the header's schema version.
pub fn check_file<R: BufRead>(input: R) -> BResult<Summary> {
    let mut hash = Sha256::new();
    let mut schema = None;
    let mut trailer: Option<Value> = None;
    let mut tables = 0usize;
    let mut rows = 0u64;
    let mut expected_in_table: Option<(String, i64, i64)> = None;
    for (n, line) in input.split(b'\n').enumerate() {
        let no = n + 1;
        let line = line.map_err(|e| BackupError::Io(format!("cannot read the backup: {e}")))?;
        if trailer.is_some() {
            if line.is_empty() {
                continue;
            }
            return Err(bad(no, "text after the end line"));
        }
        let text = std::str::from_utf8(&line).map_err(|_| bad(no, "not UTF-8"))?;
        let v: Value = serde_json::from_str(text).map_err(|e| bad(no, e))?;
        if no == 1 {
            let format = v
                .get("ibis_backup")
                .and_then(Value::as_i64)
                .ok_or_else(|| bad(no, "no \"ibis_backup\" header"))?;
            if format > FORMAT_VERSION {
                return Err(BackupError::BadFile(format!("the backup file has format version {format}, newer than this ibis reads ({FORMAT_VERSION}); use a newer ibis")));
            }
            let version = v
                .get("schema_version")
                .and_then(Value::as_i64)
                .ok_or_else(|| bad(no, "no schema version"))?;
            if version > known_schema_version() {
                return Err(BackupError::NewerSchema {
                    file: version,
                    known: known_schema_version(),
                });
            }
            schema = Some(version);
        } else if v.get("end").is_some() {
            trailer = Some(v);
            continue;
        } else {
            match parse_line(&v, no)? {
                Line::Table {
                    name, rows: count, ..
                } => {
                    if let Some((t, want, got)) = expected_in_table.take() {
                        if want != got {
                            return Err(bad(
                                no,
                                format!("table {t} should have {want} rows, has {got}"),
                            ));
                        }
                    }
                    tables += 1;
                    expected_in_table = Some((name, count, 0));
                }
                Line::Row(_) => {
                    let Some(t) = expected_in_table.as_mut() else {
                        return Err(bad(no, "a row before any table"));
                    };
                    t.2 += 1;
                    rows += 1;
                }
            }
        }
        hash.update(&line);
        hash.update(b"\n");
    }
    let Some(trailer) = trailer else {
        return Err(BackupError::BadFile(
            "the backup file is cut short (no end line); use an intact copy".into(),
        ));
    };
    if let Some((t, want, got)) = expected_in_table {
        if want != got {
            return Err(BackupError::BadFile(format!("the backup file is damaged: table {t} should have {want} rows, has {got}; use an intact copy")));
        }
    }
    let digest = hex::encode(hash.finalize());
    if trailer.get("sha256").and_then(Value::as_str) != Some(digest.as_str()) {
        return Err(BackupError::BadFile("the backup file's checksum does not match its contents: it was changed or damaged; use an intact copy".into()));
    }
    if trailer.get("rows").and_then(Value::as_u64) != Some(rows)
        || trailer.get("tables").and_then(Value::as_u64) != Some(tables as u64)
    {
        return Err(BackupError::BadFile(
            "the backup file's end line does not match its contents; use an intact copy".into(),
        ));
    }
    Ok(Summary {
        tables,
        rows,
        schema_version: schema.ok_or_else(|| bad(1, "empty file"))?,
    })
}

fn parse_line(v: &Value, no: usize) -> BResult<Line> {
    match v {
        Value::Array(a) => Ok(Line::Row(a.clone())),
        Value::Object(o) => {
            let name = o
                .get("table")
                .and_then(Value::as_str)
                .ok_or_else(|| bad(no, "neither a table nor a row"))?;
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(bad(no, "a table name that is not a plain name"));
            }
            let columns = o
                .get("columns")
                .and_then(Value::as_array)
                .ok_or_else(|| bad(no, "a table without columns"))?
                .iter()
                .map(|c| {
                    c.as_str()
                        .filter(|s| {
                            !s.is_empty()
                                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        })
                        .map(str::to_owned)
                        .ok_or_else(|| bad(no, "a column name that is not a plain name"))
                })
                .collect::<BResult<Vec<_>>>()?;
            let rows = o
                .get("rows")
                .and_then(Value::as_i64)
                .ok_or_else(|| bad(no, "a table without a row count"))?;
            Ok(Line::Table {
                name: name.to_owned(),
                columns,
                rows,
            })
        }
        _ => Err(bad(no, "neither a table nor a row")),
    }
}

/// The first table other than the reference data that has rows, if any.
async fn first_non_empty(
    store: &Store,
    tx: Option<&mut WriteTx>,
) -> BResult<Option<(String, i64)>> {
    let shapes = checked_tables(store).await?;
    let mut tx = tx;
    for shape in shapes
        .iter()
        .filter(|t| !REFERENCE_TABLES.contains(&t.name.as_str()))
    {
        let q = format!("SELECT COUNT(*) FROM {}", shape.name);
        let n: i64 = match tx.as_deref_mut() {
            Some(tx) => sqlx::query(&q).fetch_one(&mut *tx.tx).await?.try_get(0)?,
            None => sqlx::query(&q).fetch_one(store.pool()).await?.try_get(0)?,
        };
        if n > 0 {
            return Ok(Some((shape.name.clone(), n)));
        }
    }
    Ok(None)
}

/// Rows inserted in one statement at most (fewer for wide tables).
const BATCH_VALUES: usize = 2000;

/// Restores a backup into an empty database. `open` is called twice: once to check the whole
/// file before anything is written, once to read it for writing. Everything is written in one
/// transaction.
pub async fn restore<R, F>(store: &Store, mut open: F) -> BResult<Summary>
where
    R: BufRead,
    F: FnMut() -> BResult<R>,
{
    let summary = check_file(open()?)?;
    if let Some((table, rows)) = first_non_empty(store, None).await? {
        return Err(BackupError::NotEmpty { table, rows });
    }
    let shapes = checked_tables(store).await?;
    let mut tx = store.begin().await?;
    if tx.engine() == Engine::Postgres {
        // No other restore, migration or server start writes meanwhile.
        sqlx::query("SELECT pg_advisory_xact_lock(7261001)")
            .execute(&mut *tx.tx)
            .await?;
        sqlx::query("SELECT pg_advisory_xact_lock(7261002)")
            .execute(&mut *tx.tx)
            .await?;
    }
    if let Some((table, rows)) = first_non_empty(store, Some(&mut tx)).await? {
        return Err(BackupError::NotEmpty { table, rows });
    }
    for t in shapes
        .iter()
        .rev()
        .filter(|t| REFERENCE_TABLES.contains(&t.name.as_str()))
    {
        sqlx::query(&format!("DELETE FROM {}", t.name))
            .execute(&mut *tx.tx)
            .await?;
    }
    let mut current: Option<Insert> = None;
    for (n, line) in open()?.split(b'\n').enumerate() {
        let no = n + 1;
        let line = line.map_err(|e| BackupError::Io(format!("cannot read the backup: {e}")))?;
        if no == 1 || line.is_empty() {
            continue;
        }
        let v: Value = serde_json::from_slice(&line).map_err(|e| bad(no, e))?;
        if v.get("end").is_some() {
            break;
        }
        match parse_line(&v, no)? {
            Line::Table {
                name,
                columns: cols,
                ..
            } => {
                if let Some(ins) = current.take() {
                    ins.finish(&mut tx).await?;
                }
                let shape = shapes.iter().find(|s| s.name == name).ok_or_else(|| {
                    BackupError::BadFile(format!("the backup has a table \"{name}\" this ibis does not know; restore it with the ibis version that made it"))
                })?;
                let have = columns(&mut tx.tx, tx.engine, &name).await?;
                let kinds = cols
                    .iter()
                    .map(|c| {
                        have.iter().find(|h| &h.0 == c).map(|h| h.1).ok_or_else(|| {
                            BackupError::BadFile(format!("the backup has a column {name}.{c} this database does not have; restore it with the ibis version that made it"))
                        })
                    })
                    .collect::<BResult<Vec<Kind>>>()?;
                current = Some(Insert {
                    table: name,
                    identity: shape.identity.clone(),
                    columns: cols,
                    kinds,
                    pending: Vec::new(),
                });
            }
            Line::Row(values) => {
                let ins = current
                    .as_mut()
                    .ok_or_else(|| bad(no, "a row before any table"))?;
                if values.len() != ins.columns.len() {
                    return Err(bad(
                        no,
                        format!("{} values for {} columns", values.len(), ins.columns.len()),
                    ));
                }
                ins.pending.push((no, values));
                if ins.pending.len() * ins.columns.len() >= BATCH_VALUES {
                    ins.flush(&mut tx).await?;
                }
            }
        }
    }
    if let Some(ins) = current.take() {
        ins.finish(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(summary)
}

/// Rows of one table waiting to be inserted.
struct Insert {
    table: String,
    identity: Option<String>,
    columns: Vec<String>,
    kinds: Vec<Kind>,
    pending: Vec<(usize, Vec<Value>)>,
}

impl Insert {
    async fn flush(&mut self, tx: &mut WriteTx) -> BResult<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let width = self.columns.len();
        let mut sql = format!("INSERT INTO {} ({})", self.table, self.columns.join(", "));
        if tx.engine() == Engine::Postgres && self.identity.is_some() {
            sql.push_str(" OVERRIDING SYSTEM VALUE");
        }
        sql.push_str(" VALUES ");
        sql.push_str(&crate::sql::values_list(
            tx.engine(),
            self.pending.len(),
            width,
        ));
        let mut q = sqlx::query(&sql);
        for (no, values) in &self.pending {
            for (i, v) in values.iter().enumerate() {
                let kind = self.kinds[i];
                let wrong = || {
                    bad(
                        *no,
                        format!("{}.{} cannot hold {v}", self.table, self.columns[i]),
                    )
                };
                q = match (kind, v) {
                    (Kind::Bool, Value::Null) => q.bind(None::<bool>),
                    (Kind::Int, Value::Null) => q.bind(None::<i64>),
                    (Kind::Float, Value::Null) => q.bind(None::<f64>),
                    (Kind::Text, Value::Null) => q.bind(None::<String>),
                    (Kind::Blob, Value::Null) => q.bind(None::<Vec<u8>>),
                    (Kind::Bool, Value::Bool(b)) => q.bind(*b),
                    (Kind::Bool, Value::Number(n)) => q.bind(n.as_i64().ok_or_else(wrong)? != 0),
                    (Kind::Int, Value::Bool(b)) => q.bind(i64::from(*b)),
                    (Kind::Int, Value::Number(n)) => q.bind(n.as_i64().ok_or_else(wrong)?),
                    (Kind::Float, Value::Number(n)) => q.bind(n.as_f64().ok_or_else(wrong)?),
                    (Kind::Text, Value::String(s)) => q.bind(s.clone()),
                    (Kind::Blob, Value::Object(o)) => {
                        let h = o.get("hex").and_then(Value::as_str).ok_or_else(wrong)?;
                        q.bind(hex::decode(h).map_err(|_| wrong())?)
                    }
                    _ => return Err(wrong()),
                };
            }
        }
        q.execute(&mut *tx.tx).await.map_err(|e| {
            BackupError::BadFile(format!(
                "the backup's rows of table {} (lines {}-{}) could not be restored: {e}; nothing was restored",
                self.table,
                self.pending.first().map(|p| p.0).unwrap_or(0),
                self.pending.last().map(|p| p.0).unwrap_or(0)
            ))
        })?;
        self.pending.clear();
        Ok(())
    }

    /// Inserts what is left and, on PostgreSQL, moves the identity past the restored ids.
    async fn finish(mut self, tx: &mut WriteTx) -> BResult<()> {
        self.flush(tx).await?;
        if let (Engine::Postgres, Some(id)) = (tx.engine(), &self.identity) {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', '{id}'), MAX({id})) FROM {t} HAVING MAX({id}) IS NOT NULL",
                t = self.table
            ))
            .execute(&mut *tx.tx)
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_name_every_table_in_creation_order_with_its_booleans_and_identity() {
        let t = tables();
        let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        for (a, b) in [
            ("municipalities", "providers"),
            ("persons", "agreements"),
            ("claims", "run_items"),
            ("payment_runs", "run_items"),
        ] {
            let (i, j) = (
                names.iter().position(|n| *n == a),
                names.iter().position(|n| *n == b),
            );
            assert!(
                i.is_some() && j.is_some() && i < j,
                "{a} before {b}: {names:?}"
            );
        }
        let claims = t.iter().find(|t| t.name == "claims").unwrap();
        assert!(claims.booleans.contains("accepted") && claims.booleans.contains("needs_review"));
        assert_eq!(claims.identity.as_deref(), Some("id"));
        let audit = t.iter().find(|t| t.name == "audit_log").unwrap();
        assert_eq!(audit.identity, None);
    }
}

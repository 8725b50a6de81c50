//! Persistence for ibis: migrations, queries, transactions and the audit log.
//!
//! One [`Store`] over SQLite (the embedded default: a file, WAL mode) or PostgreSQL (for
//! production and for more than one server), chosen by URL. The same SQL serves both where the
//! dialects agree (`$1` placeholders, `RETURNING`, `ON CONFLICT`); migrations are kept per
//! engine. Every change and every read of a person's record appends to the hash-chained audit
//! log in the same transaction.

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use tokio::sync::{Mutex, OwnedMutexGuard};

pub mod audit;
pub mod auth;
pub mod backup;
pub mod cycle;
pub mod demo;
pub mod generate;
pub mod links;
pub mod monitoring;
pub mod payments;
pub mod providers;
pub mod reference;
pub mod registry;
pub mod run_list;
pub mod simulator;
pub mod spending;
pub mod sql;
pub mod statements;
pub mod sums;

pub use audit::{AuditEntry, Auditor};
pub use sql::{now_text, Page, PageRequest};

/// The database engine behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SQLite, embedded.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Everything that can go wrong in the store, mapped by the web layer to HTTP answers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is not one ibis understands.
    #[error(
        "--db: \"{0}\" is not a database URL; use sqlite://PATH or postgres://USER@HOST:PORT/NAME"
    )]
    BadUrl(String),
    /// The database could not be reached or opened.
    #[error("cannot open the database at {url}: {reason}")]
    Unreachable {
        /// The URL, without its password.
        url: String,
        /// Why.
        reason: String,
    },
    /// The record does not exist or is outside the caller's scope (the two are not told apart).
    #[error("not found")]
    NotFound,
    /// The caller's role may not do this at all.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The input breaks a rule; every field concerned is named.
    #[error("invalid input")]
    Invalid(Vec<ibis_core::field::FieldError>),
    /// The record was changed by someone else since it was read.
    #[error("the record was changed by someone else (version {current}); reload and try again")]
    Conflict {
        /// The current version.
        current: i64,
    },
    /// A database error.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

impl StoreError {
    /// One field error as an `Invalid` error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid(vec![ibis_core::field::FieldError::new(field, message)])
    }
}

/// Shorthand for store results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The store: a connection pool and the engine it speaks to.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// SQLite allows one writer at a time; writers queue here instead of failing busy.
    write_lock: Arc<Mutex<()>>,
    /// The connections monitoring statements may hold at once, across every dashboard being
    /// computed ([`monitoring::READS_AT_ONCE`]): several national dashboards at once queue
    /// here instead of taking the pool from claims and pages.
    report_reads: Arc<tokio::sync::Semaphore>,
}

/// A write transaction. On SQLite it also holds the writer lock until commit or drop.
pub struct WriteTx {
    /// The transaction.
    pub tx: sqlx::Transaction<'static, sqlx::Any>,
    _guard: Option<OwnedMutexGuard<()>>,
    engine: Engine,
}

impl WriteTx {
    /// Commits the transaction.
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// The engine, for the few statements that differ.
    pub fn engine(&self) -> Engine {
        self.engine
    }
}

/// Removes a password from a URL for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &userinfo[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A migration: the schema both engines share (with `{{ID}}` and `{{BOOL}}` filled in per
/// engine) and each engine's guards (the triggers that keep append-only tables append-only).
struct Migration {
    version: i64,
    schema: &'static str,
    sqlite_guards: &'static str,
    postgres_guards: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        schema: include_str!("../migrations/0001_registry.sql"),
        sqlite_guards: include_str!("../migrations/sqlite/0001_guards.sql"),
        postgres_guards: include_str!("../migrations/postgres/0001_guards.sql"),
    },
    Migration {
        version: 2,
        schema: include_str!("../migrations/0002_cycle.sql"),
        sqlite_guards: include_str!("../migrations/sqlite/0002_guards.sql"),
        postgres_guards: include_str!("../migrations/postgres/0002_guards.sql"),
    },
    Migration {
        version: 3,
        schema: include_str!("../migrations/0003_spending.sql"),
        sqlite_guards: include_str!("../migrations/sqlite/0003_guards.sql"),
        postgres_guards: include_str!("../migrations/postgres/0003_guards.sql"),
    },
    Migration {
        version: 4,
        schema: include_str!("../migrations/0004_payments.sql"),
        sqlite_guards: include_str!("../migrations/sqlite/0004_guards.sql"),
        postgres_guards: include_str!("../migrations/postgres/0004_guards.sql"),
    },
    Migration {
        version: 5,
        schema: include_str!("../migrations/0005_payees.sql"),
        sqlite_guards: include_str!("../migrations/sqlite/0005_guards.sql"),
        postgres_guards: include_str!("../migrations/postgres/0005_guards.sql"),
    },
    // The policy simulator: drafts and adoptions.
    Migration {
        version: 6,
        schema: include_str!("../migrations/0006_policy_drafts.sql"),
        sqlite_guards: include_str!("../migrations/sqlite/0006_guards.sql"),
        postgres_guards: include_str!("../migrations/postgres/0006_guards.sql"),
    },
    // Monitoring: claims by person and day of service.
    Migration {
        version: 7,
        schema: include_str!("../migrations/0007_claims_by_person.sql"),
        sqlite_guards: include_str!("../migrations/sqlite/0007_guards.sql"),
        postgres_guards: include_str!("../migrations/postgres/0007_guards.sql"),
    },
    // Monitoring: claims and ledger entries summed by month.
    Migration {
        version: 8,
        schema: include_str!("../migrations/0008_monthly_sums.sql"),
        sqlite_guards: include_str!("../migrations/sqlite/0008_guards.sql"),
        postgres_guards: include_str!("../migrations/postgres/0008_guards.sql"),
    },
    // Monitoring: anomalies of held claims by month, and the plan lines not received.
    Migration {
        version: 9,
        schema: include_str!("../migrations/0009_anomaly_and_gap_sums.sql"),
        sqlite_guards: include_str!("../migrations/sqlite/0009_guards.sql"),
        postgres_guards: include_str!("../migrations/postgres/0009_guards.sql"),
    },
];

impl Migration {
    /// The statements of this migration for an engine.
    fn sql(&self, engine: Engine) -> String {
        let (id, boolean, guards) = match engine {
            Engine::Sqlite => (
                "INTEGER PRIMARY KEY AUTOINCREMENT",
                "INTEGER",
                self.sqlite_guards,
            ),
            Engine::Postgres => (
                "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
                "BOOLEAN",
                self.postgres_guards,
            ),
        };
        format!(
            "{}\n{}",
            self.schema
                .replace("{{ID}}", id)
                .replace("{{BOOL}}", boolean),
            guards
        )
    }
}

impl Store {
    /// Opens the database at `url` (`sqlite://PATH` creates the file and its folder;
    /// `postgres://...`), applies pending migrations and loads the reference data.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (engine, connect_url) = if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::BadUrl(url.into()));
            }
            let p = std::path::Path::new(path.split('?').next().unwrap_or(path));
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Unreachable {
                    url: url.into(),
                    reason: format!("cannot create folder {}: {e}", dir.display()),
                })?;
            }
            let sep = if url.contains('?') { "&" } else { "?" };
            (Engine::Sqlite, format!("{url}{sep}mode=rwc"))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Engine::Postgres, url.to_owned())
        } else {
            return Err(StoreError::BadUrl(redact_url(url)));
        };
        // One direct connection first, so an unreachable server is reported with its cause
        // rather than as a pool timeout.
        let unreachable = |reason: String| StoreError::Unreachable {
            url: redact_url(url),
            reason,
        };
        match tokio::time::timeout(
            Duration::from_secs(10),
            <sqlx::AnyConnection as sqlx::Connection>::connect(&connect_url),
        )
        .await
        {
            Err(_) => return Err(unreachable("no answer within 10 seconds".into())),
            Ok(Err(e)) => return Err(unreachable(e.to_string())),
            Ok(Ok(conn)) => {
                let _ = sqlx::Connection::close(conn).await;
            }
        }
        let mut options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        options = match engine {
            Engine::Sqlite => options.max_connections(8).after_connect(|conn, _| {
                Box::pin(async move {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA busy_timeout = 10000",
                        "PRAGMA foreign_keys = ON",
                    ] {
                        sqlx::Executor::execute(&mut *conn, pragma).await?;
                    }
                    Ok(())
                })
            }),
            Engine::Postgres => options.max_connections(16),
        };
        let pool = options
            .connect(&connect_url)
            .await
            .map_err(|e| StoreError::Unreachable {
                url: redact_url(url),
                reason: e.to_string(),
            })?;
        let store = Store {
            pool,
            engine,
            write_lock: Arc::new(Mutex::new(())),
            report_reads: Arc::new(tokio::sync::Semaphore::new(monitoring::READS_AT_ONCE)),
        };
        store.migrate().await?;
        reference::load(&store).await?;
        Ok(store)
    }

    /// The engine in use.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The pool, for queries that need no transaction.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a write transaction (queued behind other writers on SQLite).
    pub async fn begin(&self) -> Result<WriteTx> {
        let guard = match self.engine {
            Engine::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Engine::Postgres => None,
        };
        let tx = self.pool.begin().await?;
        Ok(WriteTx {
            tx,
            _guard: guard,
            engine: self.engine,
        })
    }

    async fn migrate(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        if self.engine == Engine::Postgres {
            // Two servers starting at once must not both migrate.
            sqlx::query("SELECT pg_advisory_xact_lock(7261001)")
                .execute(&mut *tx.tx)
                .await?;
        }
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
        )
        .execute(&mut *tx.tx)
        .await?;
        let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
            .fetch_all(&mut *tx.tx)
            .await?
            .iter()
            .map(|r: &AnyRow| r.try_get::<i64, _>(0))
            .collect::<std::result::Result<_, _>>()?;
        for m in MIGRATIONS {
            if applied.contains(&m.version) {
                continue;
            }
            tracing::info!(version = m.version, "applying migration");
            sqlx::raw_sql(&m.sql(self.engine))
                .execute(&mut *tx.tx)
                .await?;
            sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(m.version)
                .bind(now_text())
                .execute(&mut *tx.tx)
                .await?;
        }
        tx.commit().await
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

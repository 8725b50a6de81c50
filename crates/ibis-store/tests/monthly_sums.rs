#![allow(clippy::unwrap_used)]
//! Migration 8's backfill, on SQLite and PostgreSQL: a database at migration 7 holding a
//! generated population's claims (accepted, held and approved, held and refused, refused) and
//! ledger is migrated, and the monthly sums it writes equal the sums of the rows and the sums
//! the store keeps in step as it writes.

use ibis_core::generate::{generate, GenerateSpec, VisitVolume};
use ibis_core::policy::PolicySet;
use ibis_store::generate::{load, LoadOptions};
use ibis_store::Store;
use sqlx::Row;
use time::macros::date;

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every row of both monthly sums, as text, in order.
async fn sums(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT person_id, month, agreement_id, provider_id, amount_cents, co_payment_cents, claims FROM monthly_spending \
         ORDER BY person_id, month, agreement_id, provider_id",
        "SELECT budget_line, month, kind, amount_cents, entries FROM monthly_ledger ORDER BY budget_line, month, kind",
    ] {
        for r in sqlx::query(sql).fetch_all(store.pool()).await.unwrap() {
            let cols: Vec<String> = (0..r.len())
                .map(|i| {
                    r.try_get::<i64, _>(i)
                        .map(|v| v.to_string())
                        .or_else(|_| r.try_get::<String, _>(i))
                        .unwrap()
                })
                .collect();
            out.push(cols.join(" "));
        }
    }
    out
}

async fn backfill(postgres: bool) {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ibis-monthly-sums-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let _dir = TempDir(dir.clone());
    let url = if postgres {
        ibis_testkit::shared().fresh_database().unwrap()
    } else {
        format!("sqlite://{}/ibis.db", dir.display())
    };
    let store = Store::open(&url).await.unwrap();
    let policies = PolicySet::builtin().unwrap();
    let spec = GenerateSpec {
        visits: VisitVolume::PerPersonMonth(4),
        ..GenerateSpec::new(8, 120, 7, date!(2026 - 11 - 22))
    };
    let pop = generate(&spec, &policies).unwrap();
    let counts = load(
        &store,
        &pop,
        &policies,
        &LoadOptions {
            people_per_transaction: 7,
            ..LoadOptions::default()
        },
        &mut |_| {},
    )
    .await
    .unwrap();
    assert!(counts.held_approved > 0 && counts.held_refused > 0 && counts.claims_refused > 0);
    // Kept in step by the loader, transaction by transaction.
    assert_eq!(
        store.monthly_sums_drift().await.unwrap(),
        Vec::<String>::new()
    );
    let kept = sums(&store).await;
    assert!(kept.len() > 100, "{} monthly sums", kept.len());

    // Back to migration 7: the rows without their sums.
    sqlx::raw_sql(
        "DROP TABLE monthly_spending; DROP TABLE monthly_ledger; DELETE FROM schema_migrations WHERE version = 8",
    )
    .execute(store.pool())
    .await
    .unwrap();
    store.pool().close().await;
    drop(store);

    // Opening migrates: the backfill writes the same sums.
    let store = Store::open(&url).await.unwrap();
    assert_eq!(
        store.monthly_sums_drift().await.unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(sums(&store).await, kept);
}

#[tokio::test]
async fn migration_8_backfills_the_sums_of_existing_rows_sqlite() {
    backfill(false).await;
}

#[tokio::test]
async fn migration_8_backfills_the_sums_of_existing_rows_postgres() {
    backfill(true).await;
}

#![allow(clippy::unwrap_used)]
//! Migrations 8 and 9's backfills, on SQLite and PostgreSQL: a database at migration 7 holding a
//! generated population's claims (accepted, held and approved, held and refused, refused),
//! ledger and plans is migrated, and the monthly sums, anomaly counts and plan gaps it writes
//! (migration 9 reads them from the JSON texts with each engine's own functions) equal those of
//! the rows and those the store keeps in step as it writes.

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

/// Every row of the monthly sums, the anomaly counts and the plan gaps, as text, in order.
async fn sums(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for (table, sql) in [
        ("spending", "SELECT person_id, month, agreement_id, provider_id, amount_cents, co_payment_cents, claims, service FROM monthly_spending \
         ORDER BY person_id, month, agreement_id, provider_id"),
        ("ledger", "SELECT budget_line, month, kind, amount_cents, entries FROM monthly_ledger ORDER BY budget_line, month, kind"),
        ("anomalies", "SELECT person_id, month, code, anomalies FROM monthly_anomalies ORDER BY person_id, month, code"),
        ("gaps", "SELECT plan_id, version, line_no, service, status, COALESCE(barrier, '-'), period_from, period_to FROM plan_gaps \
         ORDER BY plan_id, version, line_no"),
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
            out.push(format!("{table}: {}", cols.join(" ")));
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
    // Each table has rows: held claims with anomalies, plan lines not received (with and
    // without a barrier), plans with an end.
    for table in ["spending", "ledger", "anomalies", "gaps"] {
        assert!(
            kept.iter().any(|r| r.starts_with(&format!("{table}: "))),
            "no rows of {table}"
        );
    }
    // Every sum carries its agreement's service (filled by migration 9's update).
    assert!(kept
        .iter()
        .filter(|r| r.starts_with("spending: "))
        .all(|r| !r.ends_with(' ')));
    for status in ["needed-not-available", "available-not-received"] {
        assert!(kept.iter().any(|r| r.contains(&format!(" {status} "))));
    }
    // A barrier recorded, and none.
    assert!(kept
        .iter()
        .any(|r| r.starts_with("gaps: ") && !r.contains(" - ")));
    assert!(kept
        .iter()
        .any(|r| r.starts_with("gaps: ") && r.contains(" - ")));

    // Back to migration 7: the rows without their sums.
    sqlx::raw_sql(
        "DROP TABLE monthly_spending; DROP TABLE monthly_ledger; DROP TABLE monthly_anomalies; DROP TABLE plan_gaps; DROP INDEX decisions_in_period; \
         DELETE FROM schema_migrations WHERE version IN (8, 9)",
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
async fn migrations_8_and_9_backfill_the_sums_of_existing_rows_sqlite() {
    backfill(false).await;
}

#[tokio::test]
async fn migrations_8_and_9_backfill_the_sums_of_existing_rows_postgres() {
    backfill(true).await;
}

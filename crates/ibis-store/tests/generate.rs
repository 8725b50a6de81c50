//! Loading a generated population, on SQLite and on PostgreSQL: the rows match the population,
//! the ledger's invariants hold, the audit chain verifies, and the same seed gives the same
//! table contents.

#![allow(clippy::unwrap_used)]

use ibis_core::generate::{generate, GenerateSpec, Population, VisitVolume};
use ibis_core::ledger::check_invariants;
use ibis_core::policy::PolicySet;
use ibis_store::audit::ChainStatus;
use ibis_store::generate::{load, LoadOptions};
use ibis_store::{Store, StoreError};
use sqlx::Row;
use time::macros::date;

struct TempDir(std::path::PathBuf);
impl TempDir {
    fn new() -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "ibis-generate-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn sqlite() -> (Store, TempDir) {
    let dir = TempDir::new();
    let store = Store::open(&format!("sqlite://{}/ibis.db", dir.0.display()))
        .await
        .unwrap();
    (store, dir)
}

async fn postgres() -> (Store, TempDir) {
    let url = ibis_testkit::shared().fresh_database().unwrap();
    (Store::open(&url).await.unwrap(), TempDir::new())
}

fn population(policies: &PolicySet) -> Population {
    let spec = GenerateSpec {
        visits: VisitVolume::PerPersonMonth(3),
        ..GenerateSpec::new(11, 40, 14, date!(2026 - 11 - 22))
    };
    generate(&spec, policies).unwrap()
}

async fn count(store: &Store, table: &str) -> i64 {
    sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

/// Every row of the tables the loader writes, as text, in a stable order.
async fn contents(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for (table, order) in [
        ("providers", "id"),
        ("provider_municipalities", "provider_id, municipality_code"),
        ("provider_services", "id"),
        ("persons", "id"),
        ("assessments", "id"),
        ("budget_decisions", "id"),
        ("plans", "id"),
        ("plan_versions", "plan_id, version"),
        ("plan_signatures", "id"),
        ("goal_reviews", "id"),
        ("agreements", "id"),
        ("provider_clients", "provider_id, person_id"),
        ("visits", "id"),
        ("claims", "id"),
        ("ledger_entries", "id"),
    ] {
        let rows = sqlx::query(&format!("SELECT * FROM {table} ORDER BY {order}"))
            .fetch_all(store.pool())
            .await
            .unwrap();
        for r in rows {
            let mut cells = vec![table.to_owned()];
            for i in 0..r.len() {
                let cell = if let Ok(v) = r.try_get::<Option<i64>, _>(i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<String>, _>(i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<bool>, _>(i) {
                    format!("{v:?}")
                } else {
                    "?".into()
                };
                cells.push(cell);
            }
            out.push(cells.join("|"));
        }
    }
    out
}

async fn loads_consistently(store: Store) {
    let policies = PolicySet::builtin().unwrap();
    let pop = population(&policies);
    let mut calls = 0;
    let counts = load(
        &store,
        &pop,
        &policies,
        &LoadOptions {
            people_per_transaction: 15,
            ..LoadOptions::default()
        },
        &mut |_| calls += 1,
    )
    .await
    .unwrap();
    assert!(calls >= 3, "progress after each transaction");

    let budgets: usize = pop.persons.iter().map(|p| p.budgets.len()).sum();
    let billable: usize = pop
        .persons
        .iter()
        .flat_map(|p| p.budgets.iter())
        .flat_map(|b| b.lines.iter())
        .filter(|l| l.is_billable())
        .count();
    let offers: usize = pop.providers.iter().map(|p| p.offers.len()).sum();
    assert_eq!(counts.persons, pop.persons.len() as u64);
    assert_eq!(count(&store, "persons").await, pop.persons.len() as i64);
    assert_eq!(count(&store, "providers").await, pop.providers.len() as i64);
    assert_eq!(count(&store, "provider_services").await, offers as i64);
    // One assessment per budget, and one per budget renewed at review.
    let renewed: usize = pop
        .persons
        .iter()
        .flat_map(|p| &p.reviews)
        .map(|r| r.budgets.len())
        .sum();
    assert!(renewed > 0, "the population has reviews");
    assert_eq!(
        count(&store, "assessments").await,
        (budgets + renewed) as i64
    );
    assert_eq!(
        counts.reviews,
        pop.persons
            .iter()
            .map(|p| p.reviews.len() as u64)
            .sum::<u64>()
    );
    let goals: usize = pop
        .persons
        .iter()
        .flat_map(|p| &p.reviews)
        .flat_map(|r| &r.goals)
        .map(|(_, g)| g.len())
        .sum();
    assert_eq!(count(&store, "goal_reviews").await, goals as i64);
    assert_eq!(counts.goal_reviews, goals as u64);
    // Held claims reviewed as the generator says (approved or refused).
    let (mut approve, mut refuse) = (0u64, 0u64);
    for v in pop.visits() {
        if let Some(r) = v.review {
            if r.approve {
                approve += 1;
            } else {
                refuse += 1;
            }
        }
    }
    assert!(
        approve > 0 && refuse > 0,
        "{approve} approved, {refuse} refused"
    );
    assert_eq!(
        (counts.held_approved, counts.held_refused),
        (approve, refuse)
    );
    assert_eq!(count(&store, "budget_decisions").await, budgets as i64);
    assert_eq!(count(&store, "plans").await, budgets as i64);
    assert!(count(&store, "plan_versions").await >= 3 * budgets as i64);
    assert_eq!(count(&store, "agreements").await, billable as i64);
    assert_eq!(count(&store, "visits").await, pop.visit_total as i64);
    assert_eq!(count(&store, "claims").await, pop.visit_total as i64);
    assert!(pop.visit_total > 500);
    assert_eq!(
        counts.claims_approved + counts.claims_held + counts.claims_refused,
        pop.visit_total
    );
    assert!(counts.claims_approved > counts.claims_held + counts.claims_refused);
    assert_eq!(
        count(&store, "ledger_entries").await as u64,
        counts.ledger_entries
    );
    // Every budget's ledger: one allocation, one entry per accepted claim, invariants hold.
    let ids: Vec<i64> = sqlx::query("SELECT id FROM budget_decisions ORDER BY id")
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<i64, _>(0).unwrap())
        .collect();
    for id in ids {
        let entries = store.ledger(id).await.unwrap();
        check_invariants(&entries).unwrap();
        assert_eq!(entries[0].kind.code(), "allocation");
    }
    // One audit entry for the whole load, and the chain holds.
    assert_eq!(count(&store, "audit_log").await, 1);
    assert_eq!(
        store.verify_audit().await.unwrap(),
        ChainStatus::Intact { entries: 1 }
    );
    // The budgets as read back through the store match the generated ones.
    let monthly: i64 =
        sqlx::query("SELECT CAST(SUM(monthly_cents) AS BIGINT) FROM budget_decisions")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
    let expected: i64 = pop
        .persons
        .iter()
        .flat_map(|p| p.budgets.iter())
        .map(|b| b.monthly.cents())
        .sum();
    assert_eq!(monthly, expected);

    // Budgets that ended were followed by a reassessment, which superseded the assessment,
    // and their plans were closed.
    let superseded: i64 = sqlx::query(
        "SELECT COUNT(*) FROM assessments WHERE status = 'superseded' AND superseded_by IS NOT NULL",
    )
    .fetch_one(store.pool())
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    assert!(superseded > 0);
    let closed: i64 = sqlx::query("SELECT COUNT(*) FROM plans WHERE state = 'closed'")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert!(closed > 0);

    // A second load into the same (now non-empty) database is refused, writing nothing.
    let again = load(
        &store,
        &pop,
        &policies,
        &LoadOptions::default(),
        &mut |_| {},
    )
    .await;
    assert!(matches!(again, Err(StoreError::Forbidden(_))), "{again:?}");
    assert_eq!(count(&store, "persons").await, pop.persons.len() as i64);
}

async fn same_seed_same_contents(a: Store, b: Store) {
    let policies = PolicySet::builtin().unwrap();
    let pop = population(&policies);
    load(&a, &pop, &policies, &LoadOptions::default(), &mut |_| {})
        .await
        .unwrap();
    load(&b, &pop, &policies, &LoadOptions::default(), &mut |_| {})
        .await
        .unwrap();
    let (ca, cb) = (contents(&a).await, contents(&b).await);
    assert!(ca.len() > 1_000);
    assert_eq!(ca, cb);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loads_consistently_on_sqlite() {
    let (store, _dir) = sqlite().await;
    loads_consistently(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loads_consistently_on_postgres() {
    let (store, _dir) = postgres().await;
    loads_consistently(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_seed_same_contents_on_sqlite() {
    let (a, _da) = sqlite().await;
    let (b, _db) = sqlite().await;
    same_seed_same_contents(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_seed_same_contents_on_postgres() {
    let (a, _da) = postgres().await;
    let (b, _db) = postgres().await;
    same_seed_same_contents(a, b).await;
}

//! `ibis backup` and `ibis restore` round-trip a populated database (the demo data, its claims
//! and a released payment run) on both engines and across them, SQLite to PostgreSQL and back:
//! every table is compared row by row and the audit chain verifies. A restore refuses a target
//! that is not empty, a file from a newer schema and a damaged file, and never leaves part of
//! a file restored.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use ibis_store::Store;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A temporary folder removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp(tag: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("ibis-backup-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

fn ibis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ibis"))
        .args(args)
        .env_remove("IBIS_DB")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The demo data with its demo budget, visits and claims, and a payment run prepared,
/// reviewed and released.
async fn populate(url: &str) {
    let store = Store::open(url).await.unwrap();
    ibis_store::demo::load(&store, ibis_web::today())
        .await
        .unwrap();
    let state = ibis_web::AppState {
        store: store.clone(),
        policies: Arc::new(ibis_core::policy::PolicySet::builtin().unwrap()).into(),
        secure_cookies: false,
    };
    ibis_web::demo_cycle::load(&state).await.unwrap();
    let users = store.users().await.unwrap();
    let who = |name: &str| {
        users
            .iter()
            .find(|u| u.username == name)
            .unwrap()
            .auditor("test")
    };
    let run = store
        .prepare_run(
            &who("approver-ogre"),
            "ogre",
            "Ogres novada pašvaldība",
            "LV80BANK0000435195001",
            ibis_web::today() + time::Duration::days(1),
        )
        .await
        .unwrap();
    assert!(run.items > 0, "the demo claims are payable");
    let now = ibis_web::spending::riga_now();
    use ibis_core::sepa::RunState;
    store
        .move_run(&who("sw-ogre"), "ogre", run.id, RunState::Reviewed, now)
        .await
        .unwrap();
    let run = store
        .move_run(
            &who("approver-ogre"),
            "ogre",
            run.id,
            RunState::Released,
            now,
        )
        .await
        .unwrap();
    assert_eq!(run.state, "released");
}

/// Every table's rows, engine-neutral and sorted.
async fn contents(url: &str) -> std::collections::BTreeMap<String, Vec<Value>> {
    let store = Store::open(url).await.unwrap();
    ibis_store::backup::contents(&store).await.unwrap()
}

/// Whether the database holds nothing but the reference data.
async fn only_reference_data(url: &str) -> bool {
    contents(url)
        .await
        .iter()
        .all(|(t, rows)| rows.is_empty() || t == "municipalities" || t == "service_types")
}

fn backup(url: &str, out: &Path) {
    let o = ibis(&["backup", "--db", url, "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "backup: {}", stderr(&o));
}

fn restore(url: &str, from: &Path) -> Output {
    ibis(&["restore", "--db", url, "--from", from.to_str().unwrap()])
}

/// Backs up `src` and restores it into the empty `dst`: the same rows in every table, and an
/// intact audit chain.
async fn round_trip(src: &str, dst: &str, file: &Path) {
    backup(src, file);
    let o = restore(dst, file);
    assert!(o.status.success(), "restore: {}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("audit chain intact"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let (a, b) = (contents(src).await, contents(dst).await);
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for table in [
        "persons",
        "budget_decisions",
        "plans",
        "agreements",
        "visits",
        "claims",
        "ledger_entries",
        "payment_runs",
        "run_items",
        "audit_log",
    ] {
        assert!(
            !a[table].is_empty(),
            "the populated database has rows in {table}"
        );
    }
    for (table, rows) in &a {
        let other = &b[table];
        assert_eq!(rows.len(), other.len(), "{table}: the same number of rows");
        for (x, y) in rows.iter().zip(other) {
            assert_eq!(x, y, "{table}: the same row");
        }
    }
    let o = ibis(&["audit", "verify", "--db", dst]);
    assert!(o.status.success(), "audit verify: {}", stderr(&o));
    // The restored database goes on: its ids continue after the restored ones.
    let store = Store::open(dst).await.unwrap();
    let users = store.users().await.unwrap();
    let approver = users
        .iter()
        .find(|u| u.username == "approver-ogre")
        .unwrap();
    let err = store
        .prepare_run(
            &approver.auditor("test"),
            "ogre",
            "Ogres novada pašvaldība",
            "LV80BANK0000435195001",
            ibis_web::today() + time::Duration::days(1),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("invalid"),
        "the released run's claims are not paid again: {err}"
    );
    let provider = ibis_store::providers::ProviderInput {
        register_no: "SPSR-9999".into(),
        name: "Jauns sniedzējs".into(),
        kind: "ngo".into(),
        iban: None,
        municipalities: vec!["ogre".into()],
    };
    store
        .create_provider(&ibis_store::Auditor::system("test"), &provider)
        .await
        .unwrap();
    assert!(matches!(
        store.verify_audit().await.unwrap(),
        ibis_store::audit::ChainStatus::Intact { .. }
    ));
}

fn sqlite(dir: &Path, name: &str) -> String {
    format!("sqlite://{}/{name}.db", dir.display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_round_trip_on_and_across_both_engines() {
    let dir = temp("trip");
    let pg = ibis_testkit::shared();
    let src_sqlite = sqlite(&dir.0, "src");
    let src_pg = pg.fresh_database().unwrap();
    populate(&src_sqlite).await;
    populate(&src_pg).await;

    round_trip(&src_sqlite, &sqlite(&dir.0, "a"), &dir.0.join("s.ibis")).await;
    round_trip(
        &src_sqlite,
        &pg.fresh_database().unwrap(),
        &dir.0.join("s2.ibis"),
    )
    .await;
    round_trip(
        &src_pg,
        &pg.fresh_database().unwrap(),
        &dir.0.join("p.ibis"),
    )
    .await;
    round_trip(&src_pg, &sqlite(&dir.0, "b"), &dir.0.join("p2.ibis")).await;
}

/// Writes `text` with its end line's checksum made to match, as a careful forger would.
fn with_checksum(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let end = lines.pop().unwrap();
    let mut body = String::new();
    for l in &lines {
        body.push_str(l);
        body.push('\n');
    }
    let mut trailer: Value = serde_json::from_str(end).unwrap();
    trailer["sha256"] = Value::String(hex::encode(Sha256::digest(body.as_bytes())));
    format!("{body}{trailer}\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_what_it_cannot_restore_whole() {
    let dir = temp("refuse");
    let pg = ibis_testkit::shared();
    let src = sqlite(&dir.0, "src");
    populate(&src).await;
    let file = dir.0.join("good.ibis");
    backup(&src, &file);
    let o = ibis(&["backup", "--db", &src, "--out", file.to_str().unwrap()]);
    assert!(
        !o.status.success() && stderr(&o).contains("already exists"),
        "a backup never overwrites a file: {}",
        stderr(&o)
    );
    let good = std::fs::read_to_string(&file).unwrap();

    // A target that is not empty.
    let o = restore(&src, &file);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));

    let refused = |name: &str, text: String| {
        let f = dir.0.join(name);
        std::fs::write(&f, text).unwrap();
        f
    };
    for engine in ["sqlite", "postgres"] {
        let target = || {
            if engine == "sqlite" {
                sqlite(&dir.0, &format!("t-{}", rand_tag()))
            } else {
                pg.fresh_database().unwrap()
            }
        };
        // A file from a newer schema.
        let newer = good.replacen("\"schema_version\":", "\"schema_version\":9999,\"was\":", 1);
        let t = target();
        let o = restore(&t, &refused("newer.ibis", newer));
        assert!(!o.status.success());
        assert!(stderr(&o).contains("newer"), "{}", stderr(&o));
        // A damaged file: one character changed in a row, the checksum kept.
        let damaged = good.replacen("Ogres novada", "Pgres novada", 1);
        assert_ne!(damaged, good);
        let o = restore(&t, &refused("damaged.ibis", damaged));
        assert!(!o.status.success());
        assert!(stderr(&o).contains("checksum"), "{}", stderr(&o));
        // A file cut short.
        let o = restore(&t, &refused("short.ibis", good[..good.len() / 2].into()));
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("damaged") || stderr(&o).contains("cut short"),
            "{}",
            stderr(&o)
        );
        // A file whose checksum holds but whose last row cannot be stored: nothing of the
        // earlier tables is left behind. (The last tables may be empty, so the last row is
        // the last line that is a JSON array.)
        let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
        let last_row = lines
            .iter()
            .rposition(|l| l.starts_with('['))
            .expect("the backup has rows");
        let mut row: Vec<Value> = serde_json::from_str(&lines[last_row]).unwrap();
        row[0] = serde_json::json!({"not": "a value"});
        lines[last_row] = serde_json::to_string(&row).unwrap();
        let o = restore(
            &t,
            &refused("bad-row.ibis", with_checksum(&(lines.join("\n") + "\n"))),
        );
        assert!(!o.status.success());
        assert!(stderr(&o).contains("cannot hold"), "{}", stderr(&o));
        assert!(
            only_reference_data(&t).await,
            "{engine}: nothing was restored from the refused files"
        );
        // And the good file still restores into it.
        let o = restore(&t, &file);
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

fn rand_tag() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

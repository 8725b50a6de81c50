//! Runs `ibis bench` at a tiny size on both engines so that the command cannot rot: the JSON
//! has every figure, its limit and its ratio, and every rate is positive. (No timing is
//! asserted: timings belong in the benchmark's own results.)

#![allow(clippy::unwrap_used)]

use std::process::Command;

use serde_json::Value;

fn tiny_bench(db: &str) -> Value {
    let out = std::env::temp_dir().join(format!(
        "ibis-bench-smoke-{}-{}.json",
        std::process::id(),
        db.starts_with("postgres")
    ));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ibis"));
    cmd.args([
        "bench",
        "--claims",
        "6",
        "--rounds",
        "2",
        "--bulk-lines",
        "6",
        "--load-rate",
        "20",
        "--load-seconds",
        "0.5",
        "--compute-people",
        "30,60",
        "--budgets",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    cmd.args(["--db", db]);
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let printed: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(written, printed, "the file holds what was printed");
    let _ = std::fs::remove_file(&out);
    written
}

fn positive(v: &Value, path: &str) {
    let x = v.pointer(path).and_then(Value::as_f64);
    assert!(x.is_some_and(|x| x > 0.0), "{path} = {x:?} in {v:#}");
}

fn check(v: &Value, engine: &str) {
    assert_eq!(v["engine"], engine);
    for p in [
        "/claim_intake/claims_per_s",
        "/claim_intake/limit/commits_per_s",
        "/claim_intake/limit/row_bytes",
        "/claim_intake/ratio",
        "/claim_intake/in_process/claims_per_s",
        "/claim_intake/write_set/per_s",
        "/claim_intake/medians/claims_per_s",
        "/claim_intake/medians/commits_per_s",
        "/claim_intake/medians/ratio",
        "/claim_intake/in_process/ratio",
        "/bulk_csv/lines_per_s",
        "/bulk_csv/limit/rows_per_s",
        "/bulk_csv/ratio",
        "/latency/offered_per_s",
        "/latency/achieved_per_s",
        "/latency/p50_ms",
        "/latency/p95_ms",
        "/latency/p99_ms",
    ] {
        positive(v, p);
    }
    // Every claim was decided and accepted: the bench's budgets hold them all.
    assert_eq!(v["claim_intake"]["claims"], 6);
    assert_eq!(v["claim_intake"]["accepted"], 6, "{v:#}");
    assert_eq!(v["bulk_csv"]["imported"], 6, "{v:#}");
    assert_eq!(v["latency"]["sent"], 10);
    assert_eq!(v["latency"]["statuses"]["201"], 10, "{v:#}");
    let p = &v["latency"];
    assert!(p["p50_ms"].as_f64() <= p["p95_ms"].as_f64());
    assert!(p["p95_ms"].as_f64() <= p["p99_ms"].as_f64());
    let compute = v["budget_compute"].as_array().unwrap();
    assert_eq!(compute.len(), 2);
    assert_eq!(compute[1]["people"], 60);
    for c in compute {
        assert_eq!(c["refused"], 0, "every generated outcome has a budget: {c}");
        assert!(c["budgets"].as_u64() >= c["people"].as_u64(), "{c}");
        for k in ["budgets_per_s", "sum_per_s", "ratio", "lines_per_budget"] {
            assert!(c[k].as_f64().unwrap() > 0.0, "{k} in {c}");
        }
    }
    // The database holds every claim the run sent: 20 warm-up, 6 + 6 one at a time, 6 bulk,
    // 10 under load.
    assert_eq!(v["claims_sent"], 48);
    assert_eq!(v["population_at_end"]["claims"], 48);
}

/// On SQLite; and a second run on the same (now full) database is refused.
#[test]
fn bench_runs_on_sqlite_and_refuses_a_database_with_data() {
    let dir = std::env::temp_dir().join(format!("ibis-bench-smoke-{}", std::process::id()));
    let url = format!("sqlite://{}/ibis.db", dir.display());
    check(&tiny_bench(&url), "sqlite");
    let o = Command::new(env!("CARGO_BIN_EXE_ibis"))
        .args(["bench", "--db", &url])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--db") && err.contains("not empty"), "{err}");
}

#[test]
fn bench_runs_on_postgres() {
    if ibis_testkit::skip_without_postgres() {
        return;
    }
    let url = ibis_testkit::shared().fresh_database().unwrap();
    check(&tiny_bench(&url), "postgres");
}

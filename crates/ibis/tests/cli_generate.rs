//! Runs the built `ibis` binary: `ibis generate` into a fresh SQLite database, then again into
//! the same one (refused), then `ibis audit verify`.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

fn ibis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ibis"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

#[test]
fn generate_loads_a_population_and_refuses_a_non_empty_database() {
    let dir = std::env::temp_dir().join(format!("ibis-cli-generate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = format!("sqlite://{}/ibis.db", dir.display());
    let args = [
        "generate",
        "--db",
        &db,
        "--seed",
        "5",
        "--people",
        "30",
        "--months",
        "2",
        "--visits",
        "300",
        "--as-of",
        "2026-11-22",
        "--json",
    ];
    let o = ibis(&args);
    let err = String::from_utf8(o.stderr.clone()).unwrap();
    assert!(o.status.success(), "{err}");
    assert!(err.contains("loaded 30/30 people"), "{err}");
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["loaded"]["persons"], 30);
    assert_eq!(summary["loaded"]["visits"], 300);
    assert_eq!(summary["loaded"]["claims"], 300);

    let again = ibis(&args);
    assert!(!again.status.success());
    let err = String::from_utf8(again.stderr).unwrap();
    assert!(err.contains("already has 30 people"), "{err}");

    let v = ibis(&["audit", "verify", "--db", &db]);
    assert!(v.status.success());
    assert_eq!(
        String::from_utf8(v.stdout).unwrap(),
        "audit chain intact: 1 entries\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

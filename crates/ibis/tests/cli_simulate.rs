//! Runs the built `ibis` binary: `ibis simulate` over a synthetic population.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn ibis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ibis"))
        .args(args)
        .output()
        .unwrap()
}

/// A draft directory holding one file, removed when dropped.
struct Draft(PathBuf);

impl Drop for Draft {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn draft(name: &str, extra: &str) -> Draft {
    let dir = std::env::temp_dir().join(format!("ibis-sim-{}-{name}", std::process::id()));
    std::fs::create_dir_all(dir.join("tariffs")).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
    let text = std::fs::read_to_string(root.join("tariffs/lv-ib.toml")).unwrap() + extra;
    std::fs::write(dir.join("tariffs/lv-ib.toml"), text).unwrap();
    Draft(dir)
}

fn run(d: &Draft, lang: &str, json: bool) -> Output {
    let mut args = vec![
        "simulate",
        "--draft",
        d.0.to_str().unwrap(),
        "--synthetic",
        "--people",
        "200",
        "--seed",
        "5",
        "--on",
        "2026-11-02",
        "--lang",
        lang,
    ];
    if json {
        args.push("--json");
    }
    ibis(&args)
}

#[test]
fn todays_tariffs_as_the_draft_change_nothing() {
    let d = draft("same", "");
    let o = run(&d, "en", true);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let t = &v["simulation"]["totals"];
    assert_eq!(t["current_monthly_eur"], t["draft_monthly_eur"]);
    assert_eq!(t["difference_yearly_eur"], "0.00");
    assert_eq!(t["gainers"], 0);
    assert_eq!(t["losers"], 0);
    assert_eq!(v["changes"]["prices"], serde_json::json!([]));
}

#[test]
fn a_dearer_tariff_lists_who_gains_with_why_in_latvian_by_default() {
    // Consultations 15.46 -> 17.006 a hour: every adult (8 h a month) gains 12.37.
    let d = draft(
        "dearer",
        "\n[[price]]\nservice = \"consultations\"\nunit = \"hour\"\neur = \"17.006\"\nfrom = \"2026-01-01\"\nsource = \"draft\"\n",
    );
    let o = run(&d, "en", true);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let t = &v["simulation"]["totals"];
    let gainers = t["gainers"].as_u64().unwrap();
    assert!(gainers > 0);
    let cents =
        |s: &serde_json::Value| -> i64 { s.as_str().unwrap().replace('.', "").parse().unwrap() };
    assert_eq!(
        cents(&t["difference_monthly_eur"]),
        1237 * i64::try_from(gainers).unwrap()
    );
    let o = ibis(&[
        "simulate",
        "--draft",
        d.0.to_str().unwrap(),
        "--synthetic",
        "--people",
        "200",
        "--seed",
        "5",
        "--on",
        "2026-11-02",
    ]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("Kopā (EUR)") && text.contains("Iegūst"),
        "{text}"
    );
    assert!(text.contains("8 x 15.46 → 8 x 17.006 (+12.37)"), "{text}");
}

#[test]
fn a_population_is_required_and_a_bad_draft_is_named() {
    let d = draft("bad", "\n[[price]]\nservice = \"no-such-service\"\n");
    let o = ibis(&["simulate", "--draft", d.0.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--synthetic"));
    let o = run(&d, "en", false);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--draft") && err.contains("lv-ib.toml"),
        "{err}"
    );
}

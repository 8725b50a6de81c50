//! Runs the built `ibis` binary: `ibis budget` and `ibis policy check`.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

fn ibis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ibis"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn budget_json_has_total_lines_and_policy() {
    let o = ibis(&[
        "budget",
        "--group",
        "adult-grt",
        "--level",
        "III",
        "--living",
        "group-flat",
        "--on",
        "2026-03-01",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["total_eur"], "862.68");
    assert_eq!(v["policy"]["id"], "adult-grt");
    assert_eq!(v["policy"]["version"], "1");
    assert_eq!(v["on"], "2026-03-01");
    let lines = v["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[2]["service"], "group-flat-care");
    assert_eq!(lines[2]["quantity"], "15");
    assert_eq!(lines[2]["unit"], "day");
    assert_eq!(lines[2]["unit_price_eur"], "15.00");
    assert_eq!(lines[2]["amount_eur"], "225.00");
    let sum: rust_decimal::Decimal = lines
        .iter()
        .map(|l| {
            l["amount_eur"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(sum.to_string(), "862.68");
}

#[test]
fn budget_text_is_latvian_by_default_and_english_on_request() {
    let o = ibis(&[
        "budget",
        "--group",
        "support-person",
        "--level",
        "3",
        "--on",
        "2026-03-01",
    ]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.starts_with("Budžets: 185.00 EUR mēnesī"), "{text}");
    assert!(text.contains("ilustratīva politika"), "{text}");
    let o = ibis(&[
        "budget",
        "--group",
        "support-person",
        "--level",
        "3",
        "--on",
        "2026-03-01",
        "--lang",
        "en",
    ]);
    assert!(stdout(&o).starts_with("Budget: 185.00 EUR a month"));
}

#[test]
fn child_budget_from_ratings() {
    let o = ibis(&[
        "budget",
        "--group",
        "child-ft",
        "--physical",
        "4",
        "--intellectual",
        "3",
        "--social",
        "3",
        "--behaviour",
        "3",
        "--on",
        "2026-03-01",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["level"], "4");
    assert_eq!(v["level_basis"]["score"], 13);
    assert_eq!(v["total_eur"], "812.18");
    assert_eq!(v["policy"]["illustrative"], true);
}

#[test]
fn bad_input_names_the_flag_and_exits_non_zero() {
    let cases: &[(&[&str], &str)] = &[
        (&["budget", "--group", "adults", "--level", "I"], "--group: \"adults\" is not allowed; allowed: child-ft, adult-grt, support-person"),
        (&["budget", "--group", "adult-grt", "--level", "V", "--living", "family"], "--level: \"V\" is not a level"),
        (&["budget", "--group", "adult-grt", "--level", "I", "--living", "flat"], "--living: \"flat\" is not allowed; allowed: family, social-home, group-flat, institution"),
        (&["budget", "--group", "adult-grt", "--level", "I", "--living", "group-flat"], "allowed for level I: family, social-home"),
        (&["budget", "--group", "adult-grt", "--level", "I", "--living", "family", "--on", "2010-01-01"], "--on: no adopted adult-grt policy is in force on 2010-01-01"),
        (&["budget", "--group", "adult-grt", "--level", "I", "--living", "family", "--on", "1.1.2026"], "--on: \"1.1.2026\" is not a date; write it as YYYY-MM-DD"),
        (&["budget", "--group", "child-ft", "--physical", "1"], "--intellectual, --social, --behaviour: required for child-ft"),
    ];
    for (args, expected) in cases {
        let o = ibis(args);
        assert!(!o.status.success(), "{args:?} should fail");
        let err = stderr(&o);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "one clear line: {err}");
    }
}

#[test]
fn policy_check_accepts_the_shipped_files_and_names_faults() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies");
    let o = ibis(&[
        "policy",
        "check",
        &format!("{root}/adult-grt/v1.toml"),
        &format!("{root}/child-ft/v1.toml"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("3 policies and 1 tariff tables checked together"));

    let dir = std::env::temp_dir().join(format!("ibis-policy-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("adult.toml");
    let text = std::fs::read_to_string(format!("{root}/adult-grt/v1.toml")).unwrap();
    std::fs::write(&bad, text.replace("\"912.48\"", "\"912.00\"")).unwrap();
    let o = ibis(&["policy", "check", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("package[7] (level IV).expect_total_eur: the lines come to 912.48 EUR, not the stated 912.00 EUR"), "{}", stderr(&o));
    let o = ibis(&[
        "policy",
        "check",
        dir.join("missing.toml").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cannot read"));
    std::fs::remove_dir_all(&dir).unwrap();
}

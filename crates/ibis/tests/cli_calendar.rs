//! Runs the built `ibis` binary: `ibis calendar --month … [--json]`.

#![allow(clippy::unwrap_used)]

use std::process::Command;

fn ibis(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ibis"))
        .args(args)
        .output()
        .expect("the ibis binary runs")
}

#[test]
fn december_2025_as_json() {
    let out = ibis(&["calendar", "--month", "2025-12", "--json"]);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["month"], "2025-12");
    // December 2025: 23 weekdays minus 24, 25, 26 and 31 December = 19.
    assert_eq!(v["working_day_count"], 19);
    let days = v["working_days"].as_array().expect("an array");
    assert_eq!(days.len(), 19);
    assert_eq!(days[0], "2025-12-01");
    assert_eq!(days[18], "2025-12-30");
    let off = v["days_off"].as_array().expect("an array");
    // 8 weekend days + 4 weekday holidays.
    assert_eq!(off.len(), 12);
    let eve = off
        .iter()
        .find(|d| d["date"] == "2025-12-24")
        .expect("24 December is a day off");
    assert_eq!(eve["kind"], "public_holiday");
    assert_eq!(eve["name_en"], "Christmas Eve");
    assert_eq!(eve["name_lv"], "Ziemassvētku vakars");
    assert_eq!(v["calendar_reviewed"], true);
}

#[test]
fn november_2025_shows_moved_days() {
    let out = ibis(&["calendar", "--month", "2025-11", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["working_day_count"], 19);
    let off = v["days_off"].as_array().expect("an array");
    let moved = off
        .iter()
        .find(|d| d["date"] == "2025-11-17")
        .expect("17 November is a day off");
    assert_eq!(moved["kind"], "moved_day_off");
    assert_eq!(moved["working_day"], "2025-11-08");
    assert!(v["working_days"]
        .as_array()
        .expect("an array")
        .contains(&"2025-11-08".into()));
}

#[test]
fn human_output_defaults_to_latvian_names() {
    let out = ibis(&["calendar", "--month", "2025-12"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("2025-12-24  trešdiena"), "{text}");
    assert!(text.contains("Ziemassvētku vakars"), "{text}");
    assert!(
        text.trim_end().ends_with("Darba dienu skaits: 19"),
        "{text}"
    );

    let out = ibis(&["calendar", "--month", "2025-12", "--lang", "en"]);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.trim_end().ends_with("Working days: 19"), "{text}");
    assert!(text.contains("2025-12-24  Wednesday"), "{text}");
    assert!(text.contains("Christmas Eve"), "{text}");
}

#[test]
fn bad_month_fails_with_one_clear_line() {
    for bad in ["2025-13", "abc"] {
        let out = ibis(&["calendar", "--month", bad, "--json"]);
        assert!(!out.status.success(), "{bad} should fail");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8(out.stderr).expect("utf-8");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("--month"), "{err}");
        assert!(err.contains(bad), "{err}");
        assert!(err.contains("YYYY-MM"), "{err}");
    }
}

#[test]
fn year_outside_the_data_warns_but_answers() {
    let out = ibis(&["calendar", "--month", "2030-05", "--json"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning") && err.contains("2018-2026"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["calendar_reviewed"], false);
}

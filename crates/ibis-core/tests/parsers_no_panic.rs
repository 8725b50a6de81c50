//! Hostile input for the three parsers that read untrusted text (the claims CSV, the policy and
//! tariff files, the personal code): any bytes or string give a result or a clear error, never
//! a panic. The stable-toolchain counterpart of the `cargo fuzz` targets in `fuzz/`, so CI
//! covers them without nightly; regressions the fuzzer found are pinned as plain tests below.

#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use ibis_core::catalogue::Catalogue;
use ibis_core::csv_import::{lines_to_import, parse_claims_csv, ImportMode, HEADER};
use ibis_core::personal_code::PersonalCode;
use ibis_core::policy::{file_identity, PolicySet, BUILTIN_FILES};
use proptest::prelude::*;

fn catalogue() -> Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| Catalogue::builtin().unwrap()).clone()
}

/// Checks one CSV text the way the fuzz target does.
fn csv_holds(text: &str) {
    let report = parse_claims_csv(text);
    let good = report.good();
    assert_eq!(
        lines_to_import(&report, ImportMode::GoodLinesOnly).len(),
        good
    );
    let whole = lines_to_import(&report, ImportMode::AllOrNothing);
    assert!(whole.is_empty() || whole.len() == good);
    let _ = report.problems();
}

/// Loads one policy text beside the shipped files, the way the fuzz target does.
fn policy_holds(text: &str) {
    let mut files: Vec<(String, String)> = BUILTIN_FILES
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    files.push(("hostile.toml".into(), text.to_owned()));
    let _ = PolicySet::load(catalogue(), files);
    let _ = file_identity(text);
}

/// Parses one personal code the way the fuzz target does.
fn code_holds(text: &str) {
    if let Ok(code) = PersonalCode::parse(text) {
        let _ = code.birth_date();
        assert_eq!(PersonalCode::parse(&code.to_string()), Ok(code));
        assert_eq!(PersonalCode::parse(&code.compact()), Ok(code));
    }
}

/// A claims CSV made of fragments that reach past the header check: the real header, fields
/// that are almost valid, quotes, separators, line ends, a byte-order mark.
fn csv_like() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just(HEADER.to_owned()),
        Just(",".to_owned()),
        Just("\"".to_owned()),
        Just("\"\"".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("2026-02-30".to_owned()),
        Just("2026-03-01".to_owned()),
        Just("k1,1,2026-03-01,1,5.00,".to_owned()),
        Just("-0.0001".to_owned()),
        Just("99999999999999999999999999999".to_owned()),
        "[0-9.eE+-]{0,12}",
        "\\PC{0,8}",
    ];
    prop::collection::vec(fragment, 0..40).prop_map(|v| v.concat())
}

/// A shipped policy or tariff file with a few characters replaced, inserted or cut.
fn mutated_policy() -> impl Strategy<Value = String> {
    (
        0..BUILTIN_FILES.len(),
        prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, "\\PC{0,3}"), 1..6),
    )
        .prop_map(|(file, edits)| {
            let mut chars: Vec<char> = BUILTIN_FILES[file].1.chars().collect();
            for (at, op, text) in edits {
                let i = at.index(chars.len().max(1)).min(chars.len());
                match op {
                    0 => {
                        chars.splice(i..(i + 1).min(chars.len()), text.chars());
                    }
                    1 => {
                        chars.splice(i..i, text.chars());
                    }
                    _ => {
                        let end = (i + 40).min(chars.len());
                        chars.drain(i..end);
                    }
                }
            }
            chars.into_iter().collect()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn csv_import_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        csv_holds(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn csv_import_never_panics_on_near_csv(text in csv_like()) {
        csv_holds(&text);
    }

    #[test]
    fn personal_code_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        code_holds(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn personal_code_never_panics_on_near_codes(text in "[ 0-9-]{0,16}|\\PC{0,16}") {
        code_holds(&text);
    }
}

proptest! {
    // Loading the whole policy set is slower; fewer cases keep the suite quick.
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn policy_files_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        policy_holds(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn policy_files_never_panic_when_mutated(text in mutated_policy()) {
        policy_holds(&text);
    }
}

//! The policy and tariff file parser: any text, loaded alone or beside the shipped files (so
//! that a policy can name the shipped tariff), is accepted or refused with file errors, never a
//! panic.
#![no_main]

use ibis_core::catalogue::Catalogue;
use ibis_core::policy::{PolicySet, BUILTIN_FILES};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    let catalogue = CATALOGUE
        .get_or_init(|| Catalogue::builtin().expect("the shipped catalogue loads"))
        .clone();
    // Half the inputs are loaded alone (fast: the parser and the file checks), half beside the
    // shipped files (slow: the whole set is checked, so a fuzzed policy meets a real tariff).
    let mut files: Vec<(String, String)> = if data.len() % 2 == 0 {
        Vec::new()
    } else {
        BUILTIN_FILES
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    };
    files.push(("fuzzed.toml".into(), text.to_owned()));
    let _ = PolicySet::load(catalogue, files);
    let _ = ibis_core::policy::file_identity(text);
});

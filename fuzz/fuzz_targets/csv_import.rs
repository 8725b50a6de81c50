//! The claims CSV import: any bytes (read as UTF-8 lossily, as an upload would be refused
//! otherwise) give a report, never a panic, and the lines to import are consistent with it.
#![no_main]

use ibis_core::csv_import::{lines_to_import, parse_claims_csv, ImportMode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let report = parse_claims_csv(&text);
    let good = report.good();
    let all = lines_to_import(&report, ImportMode::GoodLinesOnly);
    assert_eq!(all.len(), good);
    let whole = lines_to_import(&report, ImportMode::AllOrNothing);
    assert!(whole.is_empty() || whole.len() == good);
    let _ = report.problems();
});

//! Bulk upload of claim lines as CSV, with a report of every bad line by number and reason.
//!
//! The file is UTF-8 (a byte-order mark is allowed), comma-separated, with the header exactly
//! [`HEADER`]: `idempotency_key,agreement_id,service_date,quantity,unit_price_eur,visit_id`.
//! A field may be quoted with `"` (a quote inside written `""`), so it may contain commas; a
//! quoted field may not run over the end of its line. Line numbers count every physical line
//! of the file from 1, the header included; blank lines are skipped. `visit_id` may be empty.
//!
//! Each line is checked on its own (the same rules as
//! [`ClaimLineInput::check`](crate::claim::ClaimLineInput::check)) and against
//! the lines before it: a line that repeats an earlier line's idempotency key, or its
//! agreement, service date and visit, is reported with the earlier line's number. A line is
//! imported whole or not at all, never in part; [`lines_to_import`] takes all the lines or
//! none ([`ImportMode::AllOrNothing`]) or just the good ones ([`ImportMode::GoodLinesOnly`]),
//! as the user chooses.
//!
//! Whether the agreements (and so the persons) and visits named exist, and whether a key was
//! used in an earlier upload, is for the caller to check against storage: an unknown agreement
//! is then refused by [`crate::claim::decide`] as `no-agreement`, an earlier key is a replay or
//! `idempotency-key-reused`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::claim::{check_price, check_quantity, ClaimLine, MAX_KEY_CHARS};
use crate::field::FieldError;
use crate::registry::{date_field, required_text};

/// The header the file must start with.
pub const HEADER: &str =
    "idempotency_key,agreement_id,service_date,quantity,unit_price_eur,visit_id";

/// The most data lines one upload may hold.
pub const MAX_LINES: usize = 10_000;

const FIELDS: [&str; 6] = [
    "idempotency_key",
    "agreement_id",
    "service_date",
    "quantity",
    "unit_price_eur",
    "visit_id",
];

/// One data line's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineResult {
    /// Its line number in the file (the header is line 1).
    pub line_no: usize,
    /// The checked line, or every problem with it, each naming its field (`(line)` for the
    /// line as a whole).
    pub outcome: Result<ClaimLine, Vec<FieldError>>,
}

/// The report of an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Every data line, in order.
    pub lines: Vec<LineResult>,
    /// What is wrong with the file as a whole (missing or wrong header, too many lines); when
    /// set, nothing is imported.
    pub header_error: Option<String>,
}

impl ImportReport {
    /// How many lines are good.
    pub fn good(&self) -> usize {
        self.lines.iter().filter(|l| l.outcome.is_ok()).count()
    }

    /// How many lines are bad.
    pub fn bad(&self) -> usize {
        self.lines.iter().filter(|l| l.outcome.is_err()).count()
    }

    /// Whether the file and every line are good.
    pub fn is_clean(&self) -> bool {
        self.header_error.is_none() && self.bad() == 0
    }

    /// Every problem as text, one per line: `line 3: quantity: "-1" must not be negative`.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(h) = &self.header_error {
            out.push(format!("line 1: {h}"));
        }
        for l in &self.lines {
            if let Err(errs) = &l.outcome {
                for e in errs {
                    out.push(format!("line {}: {e}", l.line_no));
                }
            }
        }
        out
    }
}

/// How to import a file with bad lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportMode {
    /// Import every line or, if any line is bad, none.
    AllOrNothing,
    /// Import the good lines and leave out the bad ones.
    GoodLinesOnly,
}

/// The lines to import from a report: none if the file is bad; under
/// [`ImportMode::AllOrNothing`] none if any line is bad; otherwise the good lines in order.
pub fn lines_to_import(report: &ImportReport, mode: ImportMode) -> Vec<ClaimLine> {
    if report.header_error.is_some() {
        return Vec::new();
    }
    if mode == ImportMode::AllOrNothing && report.bad() > 0 {
        return Vec::new();
    }
    report
        .lines
        .iter()
        .filter_map(|l| l.outcome.as_ref().ok().cloned())
        .collect()
}

/// Splits one line into fields: commas separate, `"` quotes (with `""` for a quote inside).
fn split_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut at_start = true;
    loop {
        if at_start && chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err("a quoted field is not closed on its line".into()),
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        cur.push('"');
                    }
                    Some('"') => break,
                    Some(c) => cur.push(c),
                }
            }
            match chars.next() {
                None => {
                    fields.push(std::mem::take(&mut cur));
                    return Ok(fields);
                }
                Some(',') => {
                    fields.push(std::mem::take(&mut cur));
                    at_start = true;
                    continue;
                }
                Some(c) => {
                    return Err(format!(
                    "'{c}' after a closing quote; a quoted field ends with \" followed by a comma"
                ))
                }
            }
        }
        at_start = false;
        match chars.next() {
            None => {
                fields.push(std::mem::take(&mut cur));
                return Ok(fields);
            }
            Some(',') => {
                fields.push(std::mem::take(&mut cur));
                at_start = true;
            }
            Some('"') => {
                return Err("a quote inside an unquoted field; quote the whole field".into())
            }
            Some(c) => cur.push(c),
        }
    }
}

fn check_fields(f: &[String]) -> Result<ClaimLine, Vec<FieldError>> {
    let mut errors = Vec::new();
    let idempotency_key = required_text(FIELDS[0], &f[0], MAX_KEY_CHARS, &mut errors);
    let positive = |name: &str, v: &str, errors: &mut Vec<FieldError>| -> Option<i64> {
        match v.trim().parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.push(FieldError::new(
                    name,
                    if v.trim().is_empty() {
                        "is required".to_owned()
                    } else {
                        format!("\"{v}\" is not an identifier (a positive whole number)")
                    },
                ));
                None
            }
        }
    };
    let agreement_id = positive(FIELDS[1], &f[1], &mut errors);
    let service_date = date_field(FIELDS[2], &f[2], &mut errors);
    let quantity = check_quantity(FIELDS[3], f[3].trim(), &mut errors);
    let unit_price = check_price(FIELDS[4], f[4].trim(), &mut errors);
    let visit_id = if f[5].trim().is_empty() {
        Some(None)
    } else {
        positive(FIELDS[5], &f[5], &mut errors).map(Some)
    };
    match (agreement_id, service_date, quantity, unit_price, visit_id) {
        (
            Some(agreement_id),
            Some(service_date),
            Some(quantity),
            Some(unit_price),
            Some(visit_id),
        ) if errors.is_empty() => Ok(ClaimLine {
            idempotency_key,
            agreement_id,
            service_date,
            quantity,
            unit_price,
            visit_id,
            receipt: None,
        }),
        _ => Err(errors),
    }
}

/// Parses and checks a claims CSV, reporting every bad line by number and reason (see the
/// module documentation). Never fails: a file that cannot be read as claims has a
/// `header_error`.
pub fn parse_claims_csv(text: &str) -> ImportReport {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .map(|(i, l)| (i + 1, l));
    let header = lines.find(|(_, l)| !l.trim().is_empty());
    let header_error = match header {
        None => Some(format!(
            "the file is empty; it must start with the header {HEADER}"
        )),
        Some((1, h)) if split_line(h).is_ok_and(|f| f.iter().map(|s| s.trim()).eq(FIELDS)) => None,
        Some((n, h)) => Some(format!(
            "the header must be the first line and exactly {HEADER}; found \"{}\"{}",
            h.chars().take(200).collect::<String>(),
            if n > 1 {
                format!(" on line {n}")
            } else {
                String::new()
            }
        )),
    };
    if header_error.is_some() {
        return ImportReport {
            lines: Vec::new(),
            header_error,
        };
    }
    let mut results = Vec::new();
    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    let mut triples: BTreeMap<(i64, Date, Option<i64>), usize> = BTreeMap::new();
    for (n, l) in lines {
        if l.trim().is_empty() {
            continue;
        }
        if results.len() == MAX_LINES {
            return ImportReport {
                lines: Vec::new(),
                header_error: Some(format!(
                    "the file has more than {MAX_LINES} lines of claims; split it"
                )),
            };
        }
        let outcome = match split_line(l) {
            Err(m) => Err(vec![FieldError::new("(line)", m)]),
            Ok(f) if f.len() != FIELDS.len() => Err(vec![FieldError::new(
                "(line)",
                format!(
                    "has {} fields; expected {} ({HEADER})",
                    f.len(),
                    FIELDS.len()
                ),
            )]),
            Ok(f) => {
                let key = f[0].trim().to_owned();
                let mut outcome = check_fields(&f);
                let mut repeat = Vec::new();
                if !key.is_empty() {
                    if let Some(first) = keys.get(&key) {
                        repeat.push(FieldError::new(
                            "idempotency_key",
                            format!("\"{key}\" repeats line {first}; each line needs its own key"),
                        ));
                    } else {
                        keys.insert(key, n);
                    }
                }
                if let Ok(c) = &outcome {
                    let t = (c.agreement_id, c.service_date, c.visit_id);
                    if let Some(first) = triples.get(&t) {
                        repeat.push(FieldError::new(
                            "(line)",
                            format!(
                                "repeats line {first}: the same agreement {}, service date {} and {}",
                                t.0,
                                t.1,
                                t.2.map(|v| format!("visit {v}"))
                                    .unwrap_or_else(|| "no visit".into())
                            ),
                        ));
                    } else {
                        triples.insert(t, n);
                    }
                }
                if !repeat.is_empty() {
                    outcome = match outcome {
                        Ok(_) => Err(repeat),
                        Err(mut e) => {
                            e.extend(repeat);
                            Err(e)
                        }
                    };
                }
                outcome
            }
        };
        results.push(LineResult {
            line_no: n,
            outcome,
        });
    }
    ImportReport {
        lines: results,
        header_error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(r: &LineResult) -> Vec<&str> {
        match &r.outcome {
            Ok(_) => vec![],
            Err(e) => e.iter().map(|e| e.field.as_str()).collect(),
        }
    }

    #[test]
    fn good_and_bad_lines_are_reported_by_number() {
        let csv = "\u{feff}idempotency_key,agreement_id,service_date,quantity,unit_price_eur,visit_id\r\n\
k1,11,2026-03-10,0.75,5.00,5\r\n\
\r\n\
\"k,2\",11,2026-03-11,1,\"5.00\",\r\n\
k3,11,2026-02-30,-1,5.00001,x\r\n\
k1,12,2026-03-12,1,5,\r\n\
k5,11,2026-03-10,0.5,5.00,5\r\n\
k6,11,2026-03-13,1\r\n\
k7,0,2026-03-13,1.0001,5,\r\n\
\"k8,11,2026-03-13,1,5,\r\n";
        let r = parse_claims_csv(csv);
        assert_eq!(r.header_error, None);
        let nums: Vec<usize> = r.lines.iter().map(|l| l.line_no).collect();
        assert_eq!(nums, vec![2, 4, 5, 6, 7, 8, 9, 10]);
        assert!(r.lines[0].outcome.is_ok());
        let k2 = r.lines[1].outcome.as_ref().unwrap();
        assert_eq!(k2.idempotency_key, "k,2");
        assert_eq!(k2.visit_id, None);
        assert_eq!(
            fields_of(&r.lines[2]),
            vec!["service_date", "quantity", "unit_price_eur", "visit_id"]
        );
        assert!(
            matches!(&r.lines[2].outcome, Err(e) if e[1].message.contains("must not be negative"))
        );
        assert_eq!(fields_of(&r.lines[3]), vec!["idempotency_key"]);
        assert!(matches!(&r.lines[3].outcome, Err(e) if e[0].message.contains("repeats line 2")));
        assert_eq!(fields_of(&r.lines[4]), vec!["(line)"]);
        assert!(
            matches!(&r.lines[4].outcome, Err(e) if e[0].message.contains("repeats line 2: the same agreement 11, service date 2026-03-10 and visit 5"))
        );
        assert!(matches!(&r.lines[5].outcome, Err(e) if e[0].message.contains("has 4 fields")));
        assert_eq!(fields_of(&r.lines[6]), vec!["agreement_id", "quantity"]);
        assert!(matches!(&r.lines[7].outcome, Err(e) if e[0].message.contains("not closed")));
        assert_eq!((r.good(), r.bad()), (2, 6));
        assert!(lines_to_import(&r, ImportMode::AllOrNothing).is_empty());
        let good = lines_to_import(&r, ImportMode::GoodLinesOnly);
        assert_eq!(good.len(), 2);
        assert!(r
            .problems()
            .iter()
            .any(|p| p.starts_with("line 5: quantity:")));
    }

    #[test]
    fn a_wrong_or_missing_header_imports_nothing() {
        let r =
            parse_claims_csv("key,agreement,date,quantity,price,visit\nk1,11,2026-03-10,1,5,\n");
        assert!(r.header_error.unwrap().contains("exactly idempotency_key,"));
        assert!(r.lines.is_empty());
        assert!(parse_claims_csv("").header_error.unwrap().contains("empty"));
        let r = parse_claims_csv(&format!("\n{HEADER}\nk1,11,2026-03-10,1,5,\n"));
        assert!(r.header_error.unwrap().contains("on line 2"));
        let r = parse_claims_csv(&format!("{HEADER}\nk1,11,2026-03-10,1,5,\n"));
        assert!(r.is_clean());
        assert_eq!(lines_to_import(&r, ImportMode::AllOrNothing).len(), 1);
    }
}

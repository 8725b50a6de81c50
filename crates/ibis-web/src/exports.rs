//! Reports as files for spreadsheets: CSV (the `csv` crate) and XLSX (`rust_xlsxwriter`).
//!
//! - CSV in UTF-8 with a byte-order mark (so spreadsheet programs read Latvian letters), in the
//!   convention of the language: Latvian `;`-separated with a decimal comma, English
//!   `,`-separated with a decimal point. Amounts have exactly two decimals.
//! - XLSX with one worksheet, bold headers, counts as whole numbers and amounts as numbers in
//!   the format `#,##0.00` (never text), so they add up in the spreadsheet.
//!
//! A figure withheld because it rests on fewer than 5 people is written `<5` in both.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::monitoring::{Cell, ColumnKind, Report};
use crate::pages::i18n::Lang;

/// What a withheld figure is written as.
pub const SUPPRESSED: &str = "<5";

/// The CSV field separator of a language.
pub fn csv_delimiter(lang: Lang) -> u8 {
    match lang {
        Lang::Lv => b';',
        Lang::En => b',',
    }
}

/// An amount as CSV text in a language: two decimals, decimal comma in Latvian.
fn csv_money(lang: Lang, m: ibis_core::money::Money) -> String {
    let cents = m.cents();
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let sep = match lang {
        Lang::Lv => ',',
        Lang::En => '.',
    };
    format!("{sign}{}{sep}{:02}", abs / 100, abs % 100)
}

/// A report as CSV bytes.
pub fn csv(report: &Report, lang: Lang) -> Result<Vec<u8>, csv::Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(csv_delimiter(lang))
            .from_writer(&mut out);
        w.write_record(&report.headers)?;
        for row in &report.rows {
            w.write_record(row.iter().map(|c| match c {
                Cell::Text(t) => t.clone(),
                Cell::Count(n) => n.to_string(),
                Cell::Money(m) => csv_money(lang, *m),
                Cell::Suppressed => SUPPRESSED.to_owned(),
                Cell::Empty => String::new(),
            }))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// A worksheet name from a title: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let name: String = clean.trim().chars().take(31).collect();
    if name.is_empty() {
        "ibis".into()
    } else {
        name
    }
}

/// A report as XLSX bytes.
pub fn xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(&report.title))?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let count = Format::new().set_num_format("0");
    for (c, h) in report.headers.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, c, h, &bold)?;
        sheet.set_column_width(
            c,
            match report.kinds.get(usize::from(c)) {
                Some(ColumnKind::Text) => 40.0,
                _ => 14.0,
            },
        )?;
    }
    for (r, row) in report.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(t) => {
                    sheet.write_string(r, c, t)?;
                }
                Cell::Count(n) => {
                    // Counts of people and claims are far below 2^53: exact as f64.
                    sheet.write_number_with_format(r, c, *n as f64, &count)?;
                }
                Cell::Money(m) => {
                    // Cents as a number of euro: the spreadsheet shows and sums two decimals.
                    sheet.write_number_with_format(r, c, m.cents() as f64 / 100.0, &money)?;
                }
                Cell::Suppressed => {
                    sheet.write_string(r, c, SUPPRESSED)?;
                }
                Cell::Empty => {}
            }
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use ibis_core::money::Money;

    #[test]
    fn money_in_both_conventions() {
        assert_eq!(csv_money(Lang::Lv, Money::from_cents(123_456)), "1234,56");
        assert_eq!(csv_money(Lang::En, Money::from_cents(5)), "0.05");
        assert_eq!(csv_money(Lang::En, Money::from_cents(-150)), "-1.50");
        assert_eq!(sheet_name("a/b: c"), "a b  c");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
    }
}

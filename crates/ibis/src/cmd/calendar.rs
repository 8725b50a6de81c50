//! `ibis calendar --month YYYY-MM [--json] [--lang lv|en] [--calendar FILE]`: a month's working
//! days in the Latvian calendar (state and municipal institutions), with the reason for every day
//! off.

use std::path::PathBuf;

use ibis_core::calendar::{Calendar, DayKind};
use ibis_core::Period;
use time::{Date, Month, Weekday};

/// Language of the names in the text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// Latvian.
    Lv,
    /// English.
    En,
}

/// Arguments of `ibis calendar`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The month, as YYYY-MM (for example 2025-11).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Language of weekday and holiday names in the text output (JSON carries both).
    #[arg(long, value_enum, default_value = "lv")]
    pub lang: Lang,
    /// Read this calendar file instead of the built-in calendar/lv.toml.
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> Result<(), String> {
    let (year, month) = parse_month(&args.month)?;
    let owned;
    let calendar = match &args.calendar {
        None => Calendar::latvia(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--calendar: cannot read {}: {e}", path.display()))?;
            owned = Calendar::from_toml(&text)
                .map_err(|e| format!("--calendar: {}: {e}", path.display()))?;
            &owned
        }
    };

    if !calendar.covers_year(year) {
        eprintln!(
            "ibis: warning: the calendar data is reviewed for {}-{} only; moved working days and \
             one-off holidays of {year} may be missing",
            calendar.covered_from(),
            calendar.covered_through()
        );
    }

    let days = calendar.day_kinds(Period::month(year, month));
    let label = format!("{year:04}-{:02}", u8::from(month));
    if args.json {
        println!("{}", json_report(&label, calendar.covers_year(year), &days));
    } else {
        print!("{}", text_report(&label, args.lang, &days));
    }
    Ok(())
}

/// Parses `YYYY-MM`; the error names `--month`, the value and the expected form.
fn parse_month(value: &str) -> Result<(i32, Month), String> {
    let err =
        || format!("--month: {value:?} is not a month; expected YYYY-MM, for example 2025-11");
    let (y, m) = value.split_once('-').ok_or_else(err)?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 4) || !digits(m, 2) {
        return Err(err());
    }
    let year: i32 = y.parse().map_err(|_| err())?;
    let month = m
        .parse::<u8>()
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(err)?;
    Ok((year, month))
}

fn json_report(month: &str, covered: bool, days: &[(Date, DayKind)]) -> serde_json::Value {
    let working: Vec<String> = days
        .iter()
        .filter(|(_, k)| k.is_working())
        .map(|(d, _)| d.to_string())
        .collect();
    let moved_working: Vec<serde_json::Value> = days
        .iter()
        .filter_map(|(d, k)| match k {
            DayKind::MovedWorkingDay { day_off } => Some(serde_json::json!({
                "date": d.to_string(),
                "day_off": day_off.to_string(),
            })),
            _ => None,
        })
        .collect();
    let days_off: Vec<serde_json::Value> = days
        .iter()
        .filter(|(_, k)| !k.is_working())
        .map(|(d, k)| {
            let mut entry = serde_json::json!({
                "date": d.to_string(),
                "weekday": d.weekday().to_string(),
                "kind": kind_tag(k),
                "name_lv": reason(k, Lang::Lv),
                "name_en": reason(k, Lang::En),
            });
            if let (DayKind::MovedDayOff { working_day }, Some(obj)) = (k, entry.as_object_mut()) {
                obj.insert("working_day".into(), working_day.to_string().into());
            }
            entry
        })
        .collect();
    serde_json::json!({
        "month": month,
        "working_days": working,
        "working_day_count": working.len(),
        "days_off": days_off,
        "moved_working_days": moved_working,
        "calendar_reviewed": covered,
    })
}

fn text_report(month: &str, lang: Lang, days: &[(Date, DayKind)]) -> String {
    use std::fmt::Write as _;
    let t = |lv: &'static str, en: &'static str| if lang == Lang::Lv { lv } else { en };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {month}: {}",
        t("Latvijas kalendārs", "Latvian calendar"),
        t(
            "valsts un pašvaldību iestāžu darba dienas",
            "working days of state and municipal institutions"
        )
    );
    let _ = writeln!(out, "{}", t("Darba dienas:", "Working days:"));
    for (d, k) in days.iter().filter(|(_, k)| k.is_working()) {
        let wd = weekday_name(d.weekday(), lang);
        match k {
            DayKind::MovedWorkingDay { .. } => {
                let _ = writeln!(out, "  {d}  {wd:<12}  {}", reason(k, lang));
            }
            _ => {
                let _ = writeln!(out, "  {d}  {wd}");
            }
        }
    }
    let _ = writeln!(out, "{}", t("Brīvdienas:", "Days off:"));
    for (d, k) in days.iter().filter(|(_, k)| !k.is_working()) {
        let wd = weekday_name(d.weekday(), lang);
        let why = match k {
            DayKind::PublicHoliday { .. } => format!(
                "{}: {}",
                t("svētku diena", "public holiday"),
                reason(k, lang)
            ),
            _ => reason(k, lang),
        };
        let _ = writeln!(out, "  {d}  {wd:<12}  {why}");
    }
    let count = days.iter().filter(|(_, k)| k.is_working()).count();
    let _ = writeln!(out, "{} {count}", t("Darba dienu skaits:", "Working days:"));
    out
}

fn kind_tag(kind: &DayKind) -> &'static str {
    match kind {
        DayKind::Working => "working",
        DayKind::Weekend => "weekend",
        DayKind::PublicHoliday { .. } => "public_holiday",
        DayKind::MovedDayOff { .. } => "moved_day_off",
        DayKind::MovedWorkingDay { .. } => "moved_working_day",
    }
}

/// Why a day is (not) worked, in one language.
fn reason(kind: &DayKind, lang: Lang) -> String {
    match (kind, lang) {
        (DayKind::PublicHoliday { name_lv, .. }, Lang::Lv) => name_lv.clone(),
        (DayKind::PublicHoliday { name_en, .. }, Lang::En) => name_en.clone(),
        (DayKind::MovedDayOff { working_day }, Lang::Lv) => {
            format!("Brīvdiena: darba diena pārcelta uz {working_day}")
        }
        (DayKind::MovedDayOff { working_day }, Lang::En) => {
            format!("Moved day off (worked on {working_day})")
        }
        (DayKind::Weekend, Lang::Lv) => "Nedēļas nogale".into(),
        (DayKind::Weekend, Lang::En) => "Weekend".into(),
        (DayKind::MovedWorkingDay { day_off }, Lang::Lv) => {
            format!("Darba diena, pārcelta no {day_off}")
        }
        (DayKind::MovedWorkingDay { day_off }, Lang::En) => {
            format!("Moved working day (instead of {day_off})")
        }
        (DayKind::Working, Lang::Lv) => "Darba diena".into(),
        (DayKind::Working, Lang::En) => "Working day".into(),
    }
}

fn weekday_name(day: Weekday, lang: Lang) -> &'static str {
    match (lang, day) {
        (Lang::Lv, Weekday::Monday) => "pirmdiena",
        (Lang::Lv, Weekday::Tuesday) => "otrdiena",
        (Lang::Lv, Weekday::Wednesday) => "trešdiena",
        (Lang::Lv, Weekday::Thursday) => "ceturtdiena",
        (Lang::Lv, Weekday::Friday) => "piektdiena",
        (Lang::Lv, Weekday::Saturday) => "sestdiena",
        (Lang::Lv, Weekday::Sunday) => "svētdiena",
        (Lang::En, Weekday::Monday) => "Monday",
        (Lang::En, Weekday::Tuesday) => "Tuesday",
        (Lang::En, Weekday::Wednesday) => "Wednesday",
        (Lang::En, Weekday::Thursday) => "Thursday",
        (Lang::En, Weekday::Friday) => "Friday",
        (Lang::En, Weekday::Saturday) => "Saturday",
        (Lang::En, Weekday::Sunday) => "Sunday",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn month_parsing() {
        assert_eq!(parse_month("2025-11"), Ok((2025, Month::November)));
        assert_eq!(parse_month("2026-01"), Ok((2026, Month::January)));
        for bad in [
            "2025-13",
            "2025-00",
            "abc",
            "2025-1",
            "25-11",
            "2025/11",
            "2025-11-01",
            "",
        ] {
            let e = parse_month(bad).unwrap_err();
            assert!(e.contains("--month") && e.contains("YYYY-MM"), "{e}");
            assert!(e.contains(&format!("{bad:?}")), "{e}");
        }
    }

    #[test]
    fn text_report_lists_reasons() {
        let days = Calendar::latvia().day_kinds(Period::month(2025, Month::November));
        let lv = text_report("2025-11", Lang::Lv, &days);
        assert!(lv.contains("2025-11-18  otrdiena"), "{lv}");
        assert!(
            lv.contains("Latvijas Republikas Proklamēšanas diena"),
            "{lv}"
        );
        assert!(
            lv.contains("Brīvdiena: darba diena pārcelta uz 2025-11-08"),
            "{lv}"
        );
        assert!(lv.ends_with("Darba dienu skaits: 19\n"), "{lv}");
        let en = text_report("2025-11", Lang::En, &days);
        assert!(
            en.contains("2025-11-08  Saturday      Moved working day (instead of 2025-11-17)"),
            "{en}"
        );
        assert!(
            en.contains("Proclamation Day of the Republic of Latvia"),
            "{en}"
        );
    }
}

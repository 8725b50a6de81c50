//! The Latvian calendar of working days (darba dienas).
//!
//! Two kinds of fact make a Latvian working day:
//!
//! * **Rules**, computed here for any year: the public holidays (svētku dienas) of the law
//!   "Par svētku, atceres un atzīmējamām dienām", Section 1 (1 January; Good Friday, Easter Sunday
//!   and Easter Monday by the Gregorian computus; 1 May; 4 May; Mother's Day; Whit Sunday; 23 and
//!   24 June; 18 November; 24, 25, 26 and 31 December), and the law's rule that when 4 May, the
//!   closing day of the General Latvian Song and Dance Festival or 18 November falls on a Saturday
//!   or Sunday, the next working day is a day off.
//! * **Data**, read from a TOML file (the built-in one is `calendar/lv.toml` at the repository
//!   root): the festival closing days, one-off holidays made by special law, and the working days
//!   moved by Cabinet order (a Monday or Friday made a day off, a Saturday of the same month worked
//!   instead) for state and municipal institutions with a Monday-to-Friday week.
//!
//! Holidays are computed with the rules in force today (since the amendments of 2014) for every
//! year; moved days are only those in the file, which says which years it has been reviewed for
//! ([`Calendar::covered_from`], [`Calendar::covered_through`]) so callers can warn outside them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize, Serializer};
use time::{Date, Month, Weekday};

use crate::period::Period;

/// The built-in Latvian calendar data, `calendar/lv.toml`.
const LATVIA_TOML: &str = include_str!("../../../calendar/lv.toml");

/// The date of (Western, Gregorian) Easter Sunday in `year`, by the anonymous Gregorian
/// algorithm (Meeus/Jones/Butcher).
///
/// `None` before 1583 (the first full Gregorian year) and for years the `time` crate cannot
/// represent.
pub fn easter_sunday(year: i32) -> Option<Date> {
    if year < 1583 {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    let month = Month::try_from(u8::try_from(n / 31).ok()?).ok()?;
    let day = u8::try_from(n % 31 + 1).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Why a day is a public holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayBasis {
    /// A fixed date of the law (1 January, 1 May, 4 May, 23-24 June, 18 November, 24-26 and
    /// 31 December).
    Fixed,
    /// A movable feast of the law: Good Friday, Easter Sunday, Easter Monday, Whit Sunday, or
    /// Mother's Day (second Sunday of May).
    Movable,
    /// The closing day of the General Latvian Song and Dance Festival (dates from the data file).
    SongFestival,
    /// The next working day after 4 May, 18 November or the festival closing day falling on a
    /// Saturday or Sunday.
    WeekendSubstitute,
    /// A one-off holiday made by a special amendment of the law (from the data file).
    SpecialLaw,
}

/// One public holiday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    /// The day.
    #[serde(serialize_with = "serialize_date")]
    pub date: Date,
    /// Latvian name.
    pub name_lv: String,
    /// English name.
    pub name_en: String,
    /// Which rule or record makes it a holiday.
    pub basis: HolidayBasis,
}

/// What kind of day a date is in the calendar.
///
/// Serialises with a snake_case `kind` tag, e.g. `{"kind":"public_holiday","name_lv":…,"name_en":…}`
/// or `{"kind":"moved_day_off","working_day":"2025-11-08"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayKind {
    /// An ordinary working day, Monday to Friday.
    Working,
    /// Saturday or Sunday.
    Weekend,
    /// A public holiday (possibly on a weekend). Two holidays on one day have their names joined
    /// with "; ".
    PublicHoliday {
        /// Latvian name.
        name_lv: String,
        /// English name.
        name_en: String,
    },
    /// A weekday made a day off by Cabinet order.
    MovedDayOff {
        /// The Saturday worked instead.
        #[serde(serialize_with = "serialize_date")]
        working_day: Date,
    },
    /// A Saturday made a working day by Cabinet order.
    MovedWorkingDay {
        /// The weekday given off instead.
        #[serde(serialize_with = "serialize_date")]
        day_off: Date,
    },
}

impl DayKind {
    /// Whether people work on this kind of day.
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Working | DayKind::MovedWorkingDay { .. })
    }
}

/// A working day moved by Cabinet order: `day_off` (a weekday) is given off and `working_day`
/// (a Saturday of the same month) is worked instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovedDay {
    /// The weekday made a day off.
    #[serde(serialize_with = "serialize_date")]
    pub day_off: Date,
    /// The Saturday made a working day.
    #[serde(serialize_with = "serialize_date")]
    pub working_day: Date,
    /// The order or other source, as written in the data file.
    pub source: String,
}

/// A one-off public holiday made by special law.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecialHoliday {
    /// The day.
    #[serde(serialize_with = "serialize_date")]
    pub date: Date,
    /// Latvian name.
    pub name_lv: String,
    /// English name.
    pub name_en: String,
    /// The law or other source, as written in the data file.
    pub source: String,
}

/// The closing day of one General Latvian Song and Dance Festival.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FestivalClosing {
    /// The closing day itself (the holiday); if it is a weekend day, the next working day is a day
    /// off too.
    #[serde(serialize_with = "serialize_date")]
    pub closing_day: Date,
    /// The source, as written in the data file.
    pub source: String,
}

/// Why a calendar file was refused. Every variant names the field and the value at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Not TOML, or not the expected shape (missing, unknown or mistyped field).
    #[error("calendar file: {message}")]
    Syntax {
        /// What the TOML reader said, with the line.
        message: String,
    },
    /// A date field that is not a date.
    #[error("{field}: {value:?} is not a valid date ({reason}); expected YYYY-MM-DD")]
    BadDate {
        /// The field, e.g. `moved #2 day_off`.
        field: String,
        /// The value given.
        value: String,
        /// Why it is not a date.
        reason: String,
    },
    /// A text field that is empty.
    #[error("{field}: must not be empty")]
    Empty {
        /// The field.
        field: String,
    },
    /// `covered_from` after `covered_through`.
    #[error("covered_from {from} is after covered_through {through}")]
    Coverage {
        /// The `covered_from` given.
        from: i32,
        /// The `covered_through` given.
        through: i32,
    },
    /// A moved working day that is not a Saturday.
    #[error(
        "{field}: {value} is a {weekday}; a moved working day must be a Saturday (Labour Law s. 133(4))"
    )]
    WorkingDayNotSaturday {
        /// The field.
        field: String,
        /// The date given.
        value: String,
        /// Its weekday.
        weekday: String,
    },
    /// A moved day off that is a Saturday or Sunday.
    #[error(
        "{field}: {value} is a {weekday}, already a day off; day_off must be Monday to Friday"
    )]
    DayOffOnWeekend {
        /// The field.
        field: String,
        /// The date given.
        value: String,
        /// Its weekday.
        weekday: String,
    },
    /// A date that is already a public holiday.
    #[error("{field}: {value} is already a public holiday ({holiday})")]
    AlreadyHoliday {
        /// The field.
        field: String,
        /// The date given.
        value: String,
        /// The holiday's English name.
        holiday: String,
    },
    /// A moved working day in another month than its day off.
    #[error(
        "{field}: {value} is not in the same month as day_off {day_off} (Labour Law s. 133(4))"
    )]
    NotSameMonth {
        /// The field.
        field: String,
        /// The date given.
        value: String,
        /// The day off of the same entry.
        day_off: String,
    },
    /// A date given twice.
    #[error("{field}: {value} is already given by {other}")]
    Duplicate {
        /// The field.
        field: String,
        /// The date given.
        value: String,
        /// The other field that gives it.
        other: String,
    },
}

/// The Latvian calendar: holiday rules plus the data of one calendar file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    covered_from: i32,
    covered_through: i32,
    festivals: Vec<FestivalClosing>,
    special: Vec<SpecialHoliday>,
    moved: Vec<MovedDay>,
    /// day_off -> working_day
    by_day_off: BTreeMap<Date, Date>,
    /// working_day -> day_off
    by_working_day: BTreeMap<Date, Date>,
}

impl Calendar {
    /// The built-in Latvian calendar (`calendar/lv.toml`), parsed once.
    ///
    /// # Panics
    ///
    /// Only if the built-in file is invalid, which the test `builtin_calendar_parses` rules out.
    /// Use [`Calendar::builtin`] to get the error instead.
    pub fn latvia() -> &'static Calendar {
        static LATVIA: OnceLock<Calendar> = OnceLock::new();
        LATVIA.get_or_init(|| {
            Calendar::builtin()
                .unwrap_or_else(|e| panic!("the built-in calendar/lv.toml is invalid: {e}"))
        })
    }

    /// Parses the built-in Latvian calendar (`calendar/lv.toml`) afresh.
    pub fn builtin() -> Result<Calendar, CalendarError> {
        Calendar::from_toml(LATVIA_TOML)
    }

    /// Parses and checks a calendar file (the format of `calendar/lv.toml`).
    ///
    /// Refuses, naming the field and value: a bad date; an empty name; a moved `working_day` that
    /// is not a Saturday, is a holiday or lies in another month than its `day_off`; a `day_off`
    /// that is a weekend day or already a holiday; a one-off holiday on a day that is already one;
    /// a date given twice.
    pub fn from_toml(text: &str) -> Result<Calendar, CalendarError> {
        let raw: RawCalendar = toml::from_str(text).map_err(|e| syntax_error(text, &e))?;
        if raw.covered_from > raw.covered_through {
            return Err(CalendarError::Coverage {
                from: raw.covered_from,
                through: raw.covered_through,
            });
        }

        let mut cal = Calendar {
            covered_from: raw.covered_from,
            covered_through: raw.covered_through,
            festivals: Vec::new(),
            special: Vec::new(),
            moved: Vec::new(),
            by_day_off: BTreeMap::new(),
            by_working_day: BTreeMap::new(),
        };

        let mut seen_festival: BTreeMap<Date, String> = BTreeMap::new();
        for (i, f) in raw.song_festival.into_iter().enumerate() {
            let field = format!("song_festival #{} closing_day", i + 1);
            let closing_day = parse_date(&field, &f.closing_day)?;
            if let Some(other) = seen_festival.insert(closing_day, field.clone()) {
                return Err(duplicate(field, closing_day, other));
            }
            cal.festivals.push(FestivalClosing {
                closing_day,
                source: f.source,
            });
        }
        cal.festivals.sort_by_key(|f| f.closing_day);

        let mut seen_special: BTreeMap<Date, String> = BTreeMap::new();
        for (i, h) in raw.extra_holiday.into_iter().enumerate() {
            let n = i + 1;
            let field = format!("extra_holiday #{n} date");
            let date = parse_date(&field, &h.date)?;
            for (name, value) in [("name_lv", &h.name_lv), ("name_en", &h.name_en)] {
                if value.trim().is_empty() {
                    return Err(CalendarError::Empty {
                        field: format!("extra_holiday #{n} {name}"),
                    });
                }
            }
            if let Some(other) = seen_special.insert(date, field.clone()) {
                return Err(duplicate(field, date, other));
            }
            if let Some(existing) = cal.holiday_on(date) {
                return Err(already_holiday(field, date, &existing));
            }
            cal.special.push(SpecialHoliday {
                date,
                name_lv: h.name_lv,
                name_en: h.name_en,
                source: h.source,
            });
        }
        cal.special.sort_by_key(|h| h.date);

        let mut seen_moved: BTreeMap<Date, String> = BTreeMap::new();
        for (i, m) in raw.moved.into_iter().enumerate() {
            let n = i + 1;
            let off_field = format!("moved #{n} day_off");
            let work_field = format!("moved #{n} working_day");
            let day_off = parse_date(&off_field, &m.day_off)?;
            let working_day = parse_date(&work_field, &m.working_day)?;

            if is_weekend(day_off) {
                return Err(CalendarError::DayOffOnWeekend {
                    field: off_field,
                    value: day_off.to_string(),
                    weekday: day_off.weekday().to_string(),
                });
            }
            if let Some(existing) = cal.holiday_on(day_off) {
                return Err(already_holiday(off_field, day_off, &existing));
            }
            if working_day.weekday() != Weekday::Saturday {
                return Err(CalendarError::WorkingDayNotSaturday {
                    field: work_field,
                    value: working_day.to_string(),
                    weekday: working_day.weekday().to_string(),
                });
            }
            if let Some(existing) = cal.holiday_on(working_day) {
                return Err(already_holiday(work_field, working_day, &existing));
            }
            if (working_day.year(), working_day.month()) != (day_off.year(), day_off.month()) {
                return Err(CalendarError::NotSameMonth {
                    field: work_field,
                    value: working_day.to_string(),
                    day_off: day_off.to_string(),
                });
            }
            for (field, date) in [(&off_field, day_off), (&work_field, working_day)] {
                if let Some(other) = seen_moved.insert(date, field.clone()) {
                    return Err(duplicate(field.clone(), date, other));
                }
            }
            cal.by_day_off.insert(day_off, working_day);
            cal.by_working_day.insert(working_day, day_off);
            cal.moved.push(MovedDay {
                day_off,
                working_day,
                source: m.source,
            });
        }
        cal.moved.sort_by_key(|m| m.day_off);

        Ok(cal)
    }

    /// First year the data file has been reviewed for.
    pub fn covered_from(&self) -> i32 {
        self.covered_from
    }

    /// Last year the data file has been reviewed for: moved days and one-off holidays after it are
    /// not known yet (holidays by rule still are), so callers should warn.
    pub fn covered_through(&self) -> i32 {
        self.covered_through
    }

    /// Whether the data file has been reviewed for `year`.
    pub fn covers_year(&self, year: i32) -> bool {
        (self.covered_from..=self.covered_through).contains(&year)
    }

    /// The moved working days of the data file, in order of the day off.
    pub fn moved_days(&self) -> &[MovedDay] {
        &self.moved
    }

    /// The one-off holidays of the data file, in date order.
    pub fn special_holidays(&self) -> &[SpecialHoliday] {
        &self.special
    }

    /// The Song and Dance Festival closing days of the data file, in date order.
    pub fn festival_closings(&self) -> &[FestivalClosing] {
        &self.festivals
    }

    /// All public holidays of `year`, in date order: those of the law (computed), festival closing
    /// days and one-off holidays (from the data), and the weekday off after 4 May, 18 November or
    /// a festival closing day that falls on a weekend. Two holidays may share a date (Mother's Day
    /// and Whit Sunday do in some years).
    pub fn holidays(&self, year: i32) -> Vec<Holiday> {
        let mut list = Vec::new();
        // (holiday, whether a weekend occurrence gives the next working day off)
        let mut base: Vec<(Holiday, bool)> = statutory_holidays(year);
        for f in self
            .festivals
            .iter()
            .filter(|f| f.closing_day.year() == year)
        {
            base.push((
                Holiday {
                    date: f.closing_day,
                    name_lv: "Vispārējo latviešu Dziesmu un deju svētku noslēguma diena".into(),
                    name_en: "Closing day of the General Latvian Song and Dance Festival".into(),
                    basis: HolidayBasis::SongFestival,
                },
                true,
            ));
        }
        for s in self.special.iter().filter(|s| s.date.year() == year) {
            base.push((
                Holiday {
                    date: s.date,
                    name_lv: s.name_lv.clone(),
                    name_en: s.name_en.clone(),
                    basis: HolidayBasis::SpecialLaw,
                },
                false,
            ));
        }
        base.sort_by_key(|(h, _)| h.date);

        let mut substitutes: Vec<Holiday> = Vec::new();
        for (h, substitute) in &base {
            if !*substitute || !is_weekend(h.date) {
                continue;
            }
            let taken = |d: Date| {
                base.iter().any(|(b, _)| b.date == d) || substitutes.iter().any(|s| s.date == d)
            };
            let mut next = h.date.next_day();
            while let Some(d) = next {
                if !is_weekend(d) && !taken(d) {
                    break;
                }
                next = d.next_day();
            }
            if let Some(date) = next {
                substitutes.push(Holiday {
                    date,
                    name_lv: format!(
                        "Brīvdiena, jo svētku diena iekrīt nedēļas nogalē: {}",
                        h.name_lv
                    ),
                    name_en: format!("Day off as the holiday falls on a weekend: {}", h.name_en),
                    basis: HolidayBasis::WeekendSubstitute,
                });
            }
        }

        list.extend(base.into_iter().map(|(h, _)| h));
        list.extend(substitutes);
        list.sort_by_key(|h| h.date);
        list
    }

    /// What kind of day `date` is.
    pub fn day_kind(&self, date: Date) -> DayKind {
        let mut cache = YearCache::default();
        self.day_kind_cached(date, &mut cache)
    }

    /// Whether `date` is a working day (an ordinary weekday or a moved working Saturday).
    pub fn is_working_day(&self, date: Date) -> bool {
        self.day_kind(date).is_working()
    }

    /// Every day of a bounded period with its kind, in order. An open period gives nothing.
    pub fn day_kinds(&self, period: Period) -> Vec<(Date, DayKind)> {
        let mut cache = YearCache::default();
        period
            .iter_days()
            .map(|d| (d, self.day_kind_cached(d, &mut cache)))
            .collect()
    }

    /// The working days of a bounded period, in order. An open period gives nothing.
    pub fn working_days(&self, period: Period) -> Vec<Date> {
        self.day_kinds(period)
            .into_iter()
            .filter(|(_, k)| k.is_working())
            .map(|(d, _)| d)
            .collect()
    }

    /// The number of working days in a bounded period; 0 for an open one.
    pub fn working_day_count(&self, period: Period) -> u32 {
        let n = self.working_days(period).len();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The holiday on `date`, names joined when two fall together.
    fn holiday_on(&self, date: Date) -> Option<Holiday> {
        merge_holidays(date, &self.holidays(date.year()))
    }

    fn day_kind_cached(&self, date: Date, cache: &mut YearCache) -> DayKind {
        if let Some(&day_off) = self.by_working_day.get(&date) {
            return DayKind::MovedWorkingDay { day_off };
        }
        let year_list = cache.get(self, date.year());
        if let Some(h) = merge_holidays(date, year_list) {
            return DayKind::PublicHoliday {
                name_lv: h.name_lv,
                name_en: h.name_en,
            };
        }
        if let Some(&working_day) = self.by_day_off.get(&date) {
            return DayKind::MovedDayOff { working_day };
        }
        if is_weekend(date) {
            DayKind::Weekend
        } else {
            DayKind::Working
        }
    }
}

/// The holidays of the last year asked for, so that walking a period computes each year once.
#[derive(Default)]
struct YearCache {
    year: Option<i32>,
    list: Vec<Holiday>,
}

impl YearCache {
    fn get(&mut self, cal: &Calendar, year: i32) -> &[Holiday] {
        if self.year != Some(year) {
            self.list = cal.holidays(year);
            self.year = Some(year);
        }
        &self.list
    }
}

fn merge_holidays(date: Date, list: &[Holiday]) -> Option<Holiday> {
    let mut on_day = list.iter().filter(|h| h.date == date);
    let mut merged = on_day.next()?.clone();
    for h in on_day {
        merged.name_lv = format!("{}; {}", merged.name_lv, h.name_lv);
        merged.name_en = format!("{}; {}", merged.name_en, h.name_en);
    }
    Some(merged)
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The holidays of the law for `year`, each with whether a weekend occurrence gives the next
/// working day off (4 May and 18 November).
fn statutory_holidays(year: i32) -> Vec<(Holiday, bool)> {
    const FIXED: [(Month, u8, &str, &str, bool); 10] = [
        (Month::January, 1, "Jaungada diena", "New Year's Day", false),
        (
            Month::May,
            1,
            "Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena",
            "Labour Day; Convocation of the Constituent Assembly of the Republic of Latvia",
            false,
        ),
        (
            Month::May,
            4,
            "Latvijas Republikas Neatkarības atjaunošanas diena",
            "Restoration of Independence Day of the Republic of Latvia",
            true,
        ),
        (
            Month::June,
            23,
            "Līgo diena",
            "Midsummer Eve (Līgo Day)",
            false,
        ),
        (Month::June, 24, "Jāņu diena", "Midsummer Day (Jāņi)", false),
        (
            Month::November,
            18,
            "Latvijas Republikas Proklamēšanas diena",
            "Proclamation Day of the Republic of Latvia",
            true,
        ),
        (
            Month::December,
            24,
            "Ziemassvētku vakars",
            "Christmas Eve",
            false,
        ),
        (
            Month::December,
            25,
            "Pirmie Ziemassvētki",
            "Christmas Day",
            false,
        ),
        (
            Month::December,
            26,
            "Otrie Ziemassvētki",
            "Second Day of Christmas",
            false,
        ),
        (
            Month::December,
            31,
            "Vecgada diena",
            "New Year's Eve",
            false,
        ),
    ];

    let mut out = Vec::new();
    let mut push = |date: Option<Date>, lv: &str, en: &str, basis, substitute| {
        if let Some(date) = date {
            out.push((
                Holiday {
                    date,
                    name_lv: lv.into(),
                    name_en: en.into(),
                    basis,
                },
                substitute,
            ));
        }
    };

    for (month, day, lv, en, substitute) in FIXED {
        let date = Date::from_calendar_date(year, month, day).ok();
        push(date, lv, en, HolidayBasis::Fixed, substitute);
    }

    if let Some(easter) = easter_sunday(year) {
        let shift = |days: i64| easter.checked_add(time::Duration::days(days));
        let m = HolidayBasis::Movable;
        push(shift(-2), "Lielā Piektdiena", "Good Friday", m, false);
        push(Some(easter), "Pirmās Lieldienas", "Easter Sunday", m, false);
        push(shift(1), "Otrās Lieldienas", "Easter Monday", m, false);
        push(
            shift(49),
            "Vasarsvētki",
            "Whit Sunday (Pentecost)",
            m,
            false,
        );
    }

    // Mother's Day: the second Sunday of May.
    let mothers_day = Date::from_calendar_date(year, Month::May, 1)
        .ok()
        .and_then(|may1| {
            let to_sunday = (7 - i64::from(may1.weekday().number_days_from_sunday())) % 7;
            may1.checked_add(time::Duration::days(to_sunday + 7))
        });
    push(
        mothers_day,
        "Mātes diena",
        "Mother's Day",
        HolidayBasis::Movable,
        false,
    );

    out.sort_by_key(|(h, _)| h.date);
    out
}

fn serialize_date<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}

// ----- the data file --------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    covered_from: i32,
    covered_through: i32,
    #[serde(default)]
    song_festival: Vec<RawFestival>,
    #[serde(default)]
    extra_holiday: Vec<RawSpecial>,
    #[serde(default)]
    moved: Vec<RawMoved>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFestival {
    closing_day: toml::Value,
    #[serde(default)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpecial {
    date: toml::Value,
    name_lv: String,
    name_en: String,
    #[serde(default)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMoved {
    day_off: toml::Value,
    working_day: toml::Value,
    #[serde(default)]
    source: String,
}

fn syntax_error(text: &str, e: &toml::de::Error) -> CalendarError {
    let message = match e.span() {
        Some(span) => {
            let line = text
                .get(..span.start)
                .map_or(0, |before| before.matches('\n').count())
                + 1;
            format!("line {line}: {}", e.message())
        }
        None => e.message().to_string(),
    };
    CalendarError::Syntax { message }
}

/// Accepts `"2025-05-02"` (a string) or `2025-05-02` (a TOML local date).
fn parse_date(field: &str, value: &toml::Value) -> Result<Date, CalendarError> {
    let bad = |value: String, reason: String| CalendarError::BadDate {
        field: field.to_string(),
        value,
        reason,
    };
    match value {
        toml::Value::String(s) => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            Date::parse(s.trim(), format).map_err(|e| bad(s.clone(), e.to_string()))
        }
        toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => Month::try_from(d.month)
                .map_err(|e| e.to_string())
                .and_then(|month| {
                    Date::from_calendar_date(i32::from(d.year), month, d.day)
                        .map_err(|e| e.to_string())
                })
                .map_err(|reason| bad(dt.to_string(), reason)),
            _ => Err(bad(dt.to_string(), "a date and time, not a date".into())),
        },
        other => Err(bad(describe(other), "not a date".into())),
    }
}

fn describe(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(dt) => dt.to_string(),
        toml::Value::Array(_) => "an array".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

fn duplicate(field: String, date: Date, other: String) -> CalendarError {
    CalendarError::Duplicate {
        field,
        value: date.to_string(),
        other,
    }
}

fn already_holiday(field: String, date: Date, existing: &Holiday) -> CalendarError {
    CalendarError::AlreadyHoliday {
        field,
        value: date.to_string(),
        holiday: existing.name_en.clone(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn lv() -> &'static Calendar {
        Calendar::latvia()
    }

    fn month(year: i32, m: Month) -> Period {
        Period::month(year, m)
    }

    fn holiday_dates(year: i32) -> Vec<Date> {
        lv().holidays(year).into_iter().map(|h| h.date).collect()
    }

    // A minimal valid file for the error tests.
    const HEAD: &str = "covered_from = 2025\ncovered_through = 2025\n";

    fn parse_err(body: &str) -> CalendarError {
        match Calendar::from_toml(&format!("{HEAD}{body}")) {
            Ok(_) => panic!("expected an error for:\n{body}"),
            Err(e) => e,
        }
    }

    #[test]
    fn builtin_calendar_parses() {
        let cal = Calendar::builtin().unwrap();
        assert_eq!(cal.covered_from(), 2018);
        assert_eq!(cal.covered_through(), 2026);
        assert!(cal.covers_year(2025) && !cal.covers_year(2027) && !cal.covers_year(2017));
        assert_eq!(&cal, Calendar::latvia());
    }

    #[test]
    fn every_builtin_entry_names_its_source() {
        let cal = lv();
        assert!(cal.moved_days().iter().all(|m| !m.source.trim().is_empty()));
        assert!(cal
            .special_holidays()
            .iter()
            .all(|h| !h.source.trim().is_empty()));
        assert!(cal
            .festival_closings()
            .iter()
            .all(|f| !f.source.trim().is_empty()));
    }

    #[test]
    fn easter_by_computus() {
        let known = [
            date!(2000 - 04 - 23),
            date!(2008 - 03 - 23),
            date!(2011 - 04 - 24),
            date!(2018 - 04 - 01),
            date!(2019 - 04 - 21),
            date!(2020 - 04 - 12),
            date!(2021 - 04 - 04),
            date!(2022 - 04 - 17),
            date!(2023 - 04 - 09),
            date!(2024 - 03 - 31),
            date!(2025 - 04 - 20),
            date!(2026 - 04 - 05),
            date!(2027 - 03 - 28),
            date!(2038 - 04 - 25),
            date!(2285 - 03 - 22),
        ];
        for d in known {
            assert_eq!(easter_sunday(d.year()), Some(d), "Easter {}", d.year());
        }
        assert_eq!(easter_sunday(1582), None);
        for year in 1583..=3000 {
            let e = easter_sunday(year).unwrap();
            assert_eq!(e.weekday(), Weekday::Sunday);
            assert!(e >= Date::from_calendar_date(year, Month::March, 22).unwrap());
            assert!(e <= Date::from_calendar_date(year, Month::April, 25).unwrap());
        }
    }

    #[test]
    fn holidays_2024() {
        assert_eq!(
            holiday_dates(2024),
            vec![
                date!(2024 - 01 - 01),
                date!(2024 - 03 - 29), // Good Friday
                date!(2024 - 03 - 31), // Easter Sunday
                date!(2024 - 04 - 01), // Easter Monday
                date!(2024 - 05 - 01),
                date!(2024 - 05 - 04), // Saturday…
                date!(2024 - 05 - 06), // …so Monday off
                date!(2024 - 05 - 12), // Mother's Day
                date!(2024 - 05 - 19), // Whit Sunday
                date!(2024 - 06 - 23),
                date!(2024 - 06 - 24),
                date!(2024 - 11 - 18),
                date!(2024 - 12 - 24),
                date!(2024 - 12 - 25),
                date!(2024 - 12 - 26),
                date!(2024 - 12 - 31),
            ]
        );
        let h = lv().holidays(2024);
        assert_eq!(h[6].basis, HolidayBasis::WeekendSubstitute);
        assert!(h[6].name_en.contains("Restoration of Independence"));
    }

    #[test]
    fn holidays_2025() {
        assert_eq!(
            holiday_dates(2025),
            vec![
                date!(2025 - 01 - 01),
                date!(2025 - 04 - 18),
                date!(2025 - 04 - 20),
                date!(2025 - 04 - 21),
                date!(2025 - 05 - 01),
                date!(2025 - 05 - 04), // Sunday…
                date!(2025 - 05 - 05), // …so Monday off
                date!(2025 - 05 - 11),
                date!(2025 - 06 - 08),
                date!(2025 - 06 - 23),
                date!(2025 - 06 - 24),
                date!(2025 - 11 - 18),
                date!(2025 - 12 - 24),
                date!(2025 - 12 - 25),
                date!(2025 - 12 - 26),
                date!(2025 - 12 - 31),
            ]
        );
    }

    #[test]
    fn holidays_2026() {
        assert_eq!(
            holiday_dates(2026),
            vec![
                date!(2026 - 01 - 01),
                date!(2026 - 04 - 03),
                date!(2026 - 04 - 05),
                date!(2026 - 04 - 06),
                date!(2026 - 05 - 01),
                date!(2026 - 05 - 04), // Monday: no substitute
                date!(2026 - 05 - 10),
                date!(2026 - 05 - 24),
                date!(2026 - 06 - 23),
                date!(2026 - 06 - 24),
                date!(2026 - 11 - 18),
                date!(2026 - 12 - 24),
                date!(2026 - 12 - 25),
                date!(2026 - 12 - 26),
                date!(2026 - 12 - 31),
            ]
        );
    }

    #[test]
    fn weekend_holiday_gives_next_monday_off() {
        // 18 Nov 2023 was a Saturday: Monday 20 Nov 2023 off.
        assert_eq!(date!(2023 - 11 - 18).weekday(), Weekday::Saturday);
        assert!(matches!(
            lv().day_kind(date!(2023 - 11 - 20)),
            DayKind::PublicHoliday { .. }
        ));
        assert!(lv().is_working_day(date!(2023 - 11 - 21)));
        // 4 May 2024 was a Saturday: Monday 6 May 2024 off.
        assert_eq!(date!(2024 - 05 - 04).weekday(), Weekday::Saturday);
        assert!(!lv().is_working_day(date!(2024 - 05 - 06)));
        // 18 Nov 2018 was a Sunday: Monday 19 Nov 2018 off.
        assert!(!lv().is_working_day(date!(2018 - 11 - 19)));
        // A weekday 4 May gives nothing extra.
        assert!(lv().is_working_day(date!(2026 - 05 - 05)));
    }

    #[test]
    fn song_festival_and_one_off_holidays() {
        // Closing days were Sundays; the Mondays after were days off.
        for (closing, monday) in [
            (date!(2018 - 07 - 08), date!(2018 - 07 - 09)),
            (date!(2023 - 07 - 09), date!(2023 - 07 - 10)),
        ] {
            let DayKind::PublicHoliday { name_en, .. } = lv().day_kind(closing) else {
                panic!("{closing} should be a holiday");
            };
            assert!(name_en.contains("Song and Dance Festival"));
            let DayKind::PublicHoliday { name_en, .. } = lv().day_kind(monday) else {
                panic!("{monday} should be a holiday");
            };
            assert!(name_en.contains("weekend") && name_en.contains("Song and Dance"));
        }
        // Not a festival year.
        assert!(lv().is_working_day(date!(2024 - 07 - 08)));
        assert!(!lv().is_working_day(date!(2018 - 09 - 24)));
        assert!(!lv().is_working_day(date!(2023 - 05 - 29)));
        assert!(lv().is_working_day(date!(2024 - 05 - 29)));
    }

    #[test]
    fn moved_days_take_effect() {
        assert_eq!(
            lv().day_kind(date!(2025 - 05 - 02)),
            DayKind::MovedDayOff {
                working_day: date!(2025 - 05 - 10)
            }
        );
        assert_eq!(
            lv().day_kind(date!(2025 - 05 - 10)),
            DayKind::MovedWorkingDay {
                day_off: date!(2025 - 05 - 02)
            }
        );
        for m in lv().moved_days() {
            assert!(!lv().is_working_day(m.day_off), "{}", m.day_off);
            assert!(lv().is_working_day(m.working_day), "{}", m.working_day);
        }
        // Another Saturday stays a weekend day.
        assert_eq!(lv().day_kind(date!(2025 - 05 - 17)), DayKind::Weekend);
    }

    #[test]
    fn may_2024_has_21_working_days() {
        // May 2024 starts on a Wednesday. Off: 1 (Wed, holiday), 4-5 (weekend, 4 May on Saturday),
        // 6 (Mon, substitute for 4 May), 11-12, 18-19, 25-26 (weekends). No moved days.
        // Working: 2 3 | 7 8 9 10 | 13 14 15 16 17 | 20 21 22 23 24 | 27 28 29 30 31
        //          = 2 + 4 + 5 + 5 + 5 = 21
        let expected: Vec<Date> = [2, 3, 7, 8, 9, 10, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24]
            .into_iter()
            .chain(27..=31)
            .map(|d| Date::from_calendar_date(2024, Month::May, d).unwrap())
            .collect();
        assert_eq!(lv().working_days(month(2024, Month::May)), expected);
        assert_eq!(lv().working_day_count(month(2024, Month::May)), 21);
    }

    #[test]
    fn may_2025_has_20_working_days() {
        // May 2025 starts on a Thursday. Off: 1 (Thu, holiday), 2 (Fri, moved day off),
        // 3-4 (weekend; 4 May on Sunday), 5 (Mon, substitute for 4 May), 11, 17-18, 24-25, 31.
        // Saturday 10 May is worked instead of 2 May.
        // Working: 6 7 8 9 10(Sat) | 12-16 | 19-23 | 26-30 = 5 + 5 + 5 + 5 = 20
        let count = lv().working_day_count(month(2025, Month::May));
        assert_eq!(count, 20);
        let days = lv().working_days(month(2025, Month::May));
        assert_eq!(days.first(), Some(&date!(2025 - 05 - 06)));
        assert!(days.contains(&date!(2025 - 05 - 10)));
        assert!(!days.contains(&date!(2025 - 05 - 02)));
    }

    #[test]
    fn november_2025_has_19_working_days() {
        // November 2025 starts on a Saturday. Weekdays: 3-7, 10-14, 17-21, 24-28 = 20.
        // Off among them: 17 (Mon, moved day off), 18 (Tue, Proclamation Day) -> 18.
        // Saturday 8 November is worked instead of 17 November -> 19.
        // (jauns.lv, autumn 2025: "2025. gada novembrī ... 19 darba dienas".)
        assert_eq!(lv().working_day_count(month(2025, Month::November)), 19);
        assert!(lv().is_working_day(date!(2025 - 11 - 08)));
    }

    #[test]
    fn december_2025_has_19_working_days() {
        // December 2025 starts on a Monday. Weekdays: 1-5, 8-12, 15-19, 22-26, 29-31 = 23.
        // Off among them: 24, 25, 26 (Wed-Fri, Christmas), 31 (Wed, New Year's Eve) -> 19.
        // No moved days. (jauns.lv 2025-12-09 also gives 19.)
        let days = lv().working_days(month(2025, Month::December));
        assert_eq!(days.len(), 19);
        assert_eq!(days.last(), Some(&date!(2025 - 12 - 30)));
    }

    #[test]
    fn january_2026_has_21_working_days() {
        // January 2026 starts on a Thursday. Weekdays: 1, 2, 5-9, 12-16, 19-23, 26-30 = 22.
        // Off: 1 (Thu, New Year), 2 (Fri, moved day off) -> 20; Saturday 17 worked -> 21.
        // (jauns.lv 2025-12-09 also gives 21.)
        assert_eq!(lv().working_day_count(month(2026, Month::January)), 21);
        assert_eq!(
            lv().working_days(month(2026, Month::January)).first(),
            Some(&date!(2026 - 01 - 05))
        );
    }

    #[test]
    fn year_2026_has_250_working_days() {
        // press.lv (2026-01-20): "В 2026 году - 250 рабочих дней". 261 weekdays, minus the 11
        // weekday holidays (1 Jan, 3 Apr, 6 Apr, 1 May, 4 May, 23-24 Jun, 18 Nov, 24-25 and
        // 31 Dec) = 250; the two moves cancel out.
        assert_eq!(lv().working_day_count(Period::year(2026)), 250);
    }

    #[test]
    fn moves_never_change_a_months_count() {
        // Each moved pair lies in one month, so a month's count is the same with or without them.
        let rules_only = Calendar::from_toml(
            &LATVIA_TOML
                .lines()
                .take_while(|l| !l.starts_with("[[moved]]"))
                .collect::<Vec<_>>()
                .join("\n"),
        )
        .unwrap();
        assert!(rules_only.moved_days().is_empty());
        for year in 2018..=2026 {
            for m in 1..=12u8 {
                let p = month(year, Month::try_from(m).unwrap());
                assert_eq!(
                    lv().working_day_count(p),
                    rules_only.working_day_count(p),
                    "{year}-{m:02}"
                );
            }
        }
    }

    #[test]
    fn open_period_has_no_working_days() {
        let open = Period::starting(date!(2025 - 01 - 01));
        assert!(lv().working_days(open).is_empty());
        assert_eq!(lv().working_day_count(open), 0);
    }

    #[test]
    fn day_kind_serialises_with_snake_case_tags() {
        let j = serde_json::to_value(lv().day_kind(date!(2025 - 11 - 17))).unwrap();
        assert_eq!(
            j,
            serde_json::json!({"kind": "moved_day_off", "working_day": "2025-11-08"})
        );
        let j = serde_json::to_value(lv().day_kind(date!(2025 - 11 - 18))).unwrap();
        assert_eq!(j["kind"], "public_holiday");
        assert_eq!(j["name_lv"], "Latvijas Republikas Proklamēšanas diena");
        let j = serde_json::to_value(lv().day_kind(date!(2025 - 11 - 15))).unwrap();
        assert_eq!(j, serde_json::json!({"kind": "weekend"}));
        let h = serde_json::to_value(&lv().holidays(2025)[0]).unwrap();
        assert_eq!(h["date"], "2025-01-01");
        assert_eq!(h["basis"], "fixed");
    }

    #[test]
    fn accepts_toml_dates_unquoted() {
        let cal = Calendar::from_toml(&format!(
            "{HEAD}[[moved]]\nday_off = 2025-05-02\nworking_day = 2025-05-10\n"
        ))
        .unwrap();
        assert_eq!(cal.moved_days()[0].working_day, date!(2025 - 05 - 10));
    }

    #[test]
    fn malformed_files_give_named_errors() {
        let e = parse_err("[[moved]]\nday_off = \"2025-02-30\"\nworking_day = \"2025-02-22\"\n");
        assert!(matches!(&e, CalendarError::BadDate { field, value, .. }
            if field == "moved #1 day_off" && value == "2025-02-30"));
        assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");

        let e = parse_err("[[moved]]\nday_off = \"2025-05-02\"\nworking_day = \"2025-05-11\"\n");
        assert!(
            matches!(&e, CalendarError::WorkingDayNotSaturday { field, value, weekday }
            if field == "moved #1 working_day" && value == "2025-05-11" && weekday == "Sunday")
        );

        let e = parse_err("[[moved]]\nday_off = \"2025-05-02\"\nworking_day = \"2025-05-07\"\n");
        assert!(
            matches!(&e, CalendarError::WorkingDayNotSaturday { weekday, .. }
            if weekday == "Wednesday")
        );

        let e = parse_err("[[moved]]\nday_off = \"2025-11-18\"\nworking_day = \"2025-11-08\"\n");
        assert!(
            matches!(&e, CalendarError::AlreadyHoliday { field, value, holiday }
            if field == "moved #1 day_off" && value == "2025-11-18"
                && holiday.contains("Proclamation"))
        );

        let e = parse_err("[[moved]]\nday_off = \"2025-05-03\"\nworking_day = \"2025-05-10\"\n");
        assert!(matches!(&e, CalendarError::DayOffOnWeekend { field, .. }
            if field == "moved #1 day_off"));

        let e = parse_err("[[moved]]\nday_off = \"2025-05-02\"\nworking_day = \"2025-06-07\"\n");
        assert!(matches!(&e, CalendarError::NotSameMonth { .. }), "{e}");

        // 24 June 2028 is a Saturday and a holiday.
        let e = Calendar::from_toml(
            "covered_from = 2028\ncovered_through = 2028\n\
             [[moved]]\nday_off = \"2028-06-26\"\nworking_day = \"2028-06-24\"\n",
        )
        .unwrap_err();
        assert!(matches!(&e, CalendarError::AlreadyHoliday { field, .. }
            if field == "moved #1 working_day"));

        let body = "[[moved]]\nday_off = \"2025-05-02\"\nworking_day = \"2025-05-10\"\n";
        let e = parse_err(&format!("{body}{body}"));
        assert!(matches!(&e, CalendarError::Duplicate { field, other, .. }
            if field == "moved #2 day_off" && other == "moved #1 day_off"));

        let e = parse_err(
            "[[extra_holiday]]\ndate = \"2025-06-24\"\nname_lv = \"x\"\nname_en = \"y\"\n",
        );
        assert!(matches!(&e, CalendarError::AlreadyHoliday { field, .. }
            if field == "extra_holiday #1 date"));

        let e = parse_err(
            "[[extra_holiday]]\ndate = \"2025-06-25\"\nname_lv = \" \"\nname_en = \"y\"\n",
        );
        assert_eq!(
            e,
            CalendarError::Empty {
                field: "extra_holiday #1 name_lv".into()
            }
        );

        let e = parse_err("[[song_festival]]\nclosing_day = 20250706\n");
        assert!(matches!(&e, CalendarError::BadDate { field, value, .. }
            if field == "song_festival #1 closing_day" && value == "20250706"));

        let e = parse_err("[[moved]]\nday_off = \"2025-05-02\"\nworking_date = \"2025-05-10\"\n");
        assert!(
            matches!(&e, CalendarError::Syntax { message } if message.contains("working_date")
            && message.starts_with("line ")),
            "{e}"
        );

        let e = Calendar::from_toml("covered_from = 2025\n").unwrap_err();
        assert!(
            matches!(&e, CalendarError::Syntax { message }
            if message.contains("covered_through")),
            "{e}"
        );

        let e = Calendar::from_toml("covered_from = 2026\ncovered_through = 2025\n").unwrap_err();
        assert_eq!(
            e,
            CalendarError::Coverage {
                from: 2026,
                through: 2025
            }
        );
    }

    #[test]
    fn a_user_file_adds_its_own_days() {
        let cal = Calendar::from_toml(
            "covered_from = 2030\ncovered_through = 2030\n\
             [[extra_holiday]]\ndate = \"2030-09-02\"\nname_lv = \"Tests\"\nname_en = \"Test\"\n\
             [[song_festival]]\nclosing_day = \"2030-07-06\"\n",
        )
        .unwrap();
        assert!(!cal.is_working_day(date!(2030 - 09 - 02)));
        // 6 July 2030 is a Saturday: Monday 8 July off.
        assert!(!cal.is_working_day(date!(2030 - 07 - 08)));
        assert!(cal.is_working_day(date!(2030 - 07 - 09)));
        // The built-in calendar knows neither.
        assert!(lv().is_working_day(date!(2030 - 09 - 02)));
        assert!(lv().is_working_day(date!(2030 - 07 - 08)));
    }

    #[test]
    fn mothers_day_and_whit_sunday_can_coincide() {
        // 2008: Easter 23 March, Whit Sunday 11 May = second Sunday of May.
        let DayKind::PublicHoliday { name_en, .. } = lv().day_kind(date!(2008 - 05 - 11)) else {
            panic!("holiday expected");
        };
        assert!(name_en.contains("Mother's Day") && name_en.contains("Whit Sunday"));
    }

    fn any_period() -> impl Strategy<Value = Period> {
        (0i64..(366 * 16), 1i64..800).prop_map(|(start, len)| {
            let from = date!(2014 - 01 - 01) + time::Duration::days(start);
            Period::new(from, from + time::Duration::days(len)).unwrap()
        })
    }

    proptest! {
        #[test]
        fn count_agrees_with_is_working_day(p in any_period()) {
            let by_day = p.iter_days().filter(|d| lv().is_working_day(*d)).count();
            prop_assert_eq!(lv().working_day_count(p) as usize, by_day);
            let days = lv().working_days(p);
            prop_assert!(days.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(days.iter().all(|d| p.contains(*d)));
        }

        #[test]
        fn weekend_works_only_when_moved(p in any_period()) {
            for (d, kind) in lv().day_kinds(p) {
                if is_weekend(d) && kind.is_working() {
                    let is_moved = matches!(kind, DayKind::MovedWorkingDay { .. });
                    prop_assert!(is_moved, "{} {:?}", d, kind);
                }
                prop_assert_eq!(kind.is_working(), lv().is_working_day(d));
            }
        }
    }
}

//! Half-open date periods `[from, to)`.

use serde::{Deserialize, Serialize};
use time::Date;

/// A half-open period of days, `[from, to)`: `from` is the first day inside, `to` the first day
/// after. An open end (`to == None`) runs for ever, as a lifelong determination or a tariff that
/// has not yet been superseded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    /// First day inside the period.
    pub from: Date,
    /// First day after the period; `None` means open-ended.
    pub to: Option<Date>,
}

/// Why a period could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("period end {to} must be after its start {from}")]
pub struct PeriodError {
    /// The start that was given.
    pub from: Date,
    /// The end that was given.
    pub to: Date,
}

impl Period {
    /// A bounded period `[from, to)`; `to` must be after `from`.
    pub fn new(from: Date, to: Date) -> Result<Self, PeriodError> {
        if to <= from {
            return Err(PeriodError { from, to });
        }
        Ok(Self { from, to: Some(to) })
    }

    /// An open-ended period starting on `from`.
    pub fn starting(from: Date) -> Self {
        Self { from, to: None }
    }

    /// The calendar month `year-month` as `[1st, 1st of next month)`.
    pub fn month(year: i32, month: time::Month) -> Self {
        let from = Date::from_calendar_date(year, month, 1).expect("day 1 exists in every month");
        let (ny, nm) = if month == time::Month::December {
            (year + 1, time::Month::January)
        } else {
            (year, month.next())
        };
        let to = Date::from_calendar_date(ny, nm, 1).expect("day 1 exists in every month");
        Self { from, to: Some(to) }
    }

    /// The calendar year `[1 January, 1 January next year)`.
    pub fn year(year: i32) -> Self {
        let from = Date::from_calendar_date(year, time::Month::January, 1).expect("valid date");
        let to = Date::from_calendar_date(year + 1, time::Month::January, 1).expect("valid date");
        Self { from, to: Some(to) }
    }

    /// Whether `day` falls inside the period.
    pub fn contains(&self, day: Date) -> bool {
        day >= self.from && self.to.is_none_or(|to| day < to)
    }

    /// Whether the two periods share at least one day.
    pub fn overlaps(&self, other: &Period) -> bool {
        let a_before_b_ends = other.to.is_none_or(|to| self.from < to);
        let b_before_a_ends = self.to.is_none_or(|to| other.from < to);
        a_before_b_ends && b_before_a_ends
    }

    /// Whether `other` lies wholly inside this period.
    pub fn covers(&self, other: &Period) -> bool {
        other.from >= self.from
            && match (self.to, other.to) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) => b <= a,
            }
    }

    /// Number of days in a bounded period; `None` for an open one.
    pub fn days(&self) -> Option<i64> {
        self.to.map(|to| (to - self.from).whole_days())
    }

    /// Every day of a bounded period, in order; an open period yields nothing.
    pub fn iter_days(&self) -> impl Iterator<Item = Date> + '_ {
        let end = self.to;
        std::iter::successors(Some(self.from), |d| d.next_day())
            .take_while(move |d| end.is_some_and(|to| *d < to))
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to {
            Some(to) => write!(f, "[{}, {})", self.from, to),
            None => write!(f, "[{}, …)", self.from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn half_open_contains_start_not_end() {
        let p = Period::new(date!(2026 - 01 - 01), date!(2026 - 02 - 01)).unwrap();
        assert!(p.contains(date!(2026 - 01 - 01)));
        assert!(p.contains(date!(2026 - 01 - 31)));
        assert!(!p.contains(date!(2026 - 02 - 01)));
        assert_eq!(p.days(), Some(31));
        assert_eq!(p.iter_days().count(), 31);
    }

    #[test]
    fn adjacent_periods_do_not_overlap() {
        let a = Period::new(date!(2026 - 01 - 01), date!(2026 - 02 - 01)).unwrap();
        let b = Period::starting(date!(2026 - 02 - 01));
        assert!(!a.overlaps(&b));
        assert!(!b.overlaps(&a));
        let c = Period::starting(date!(2026 - 01 - 31));
        assert!(a.overlaps(&c) && c.overlaps(&a));
    }

    #[test]
    fn empty_or_reversed_period_is_refused() {
        assert!(Period::new(date!(2026 - 01 - 01), date!(2026 - 01 - 01)).is_err());
        assert!(Period::new(date!(2026 - 01 - 02), date!(2026 - 01 - 01)).is_err());
    }

    #[test]
    fn month_handles_december_and_february() {
        assert_eq!(Period::month(2025, time::Month::December).days(), Some(31));
        assert_eq!(Period::month(2024, time::Month::February).days(), Some(29));
        assert!(Period::year(2026).covers(&Period::month(2026, time::Month::June)));
        assert!(!Period::month(2026, time::Month::June).covers(&Period::year(2026)));
    }
}

/// The local date and time in Riga (Europe/Riga) at an instant: UTC+2, or UTC+3 in EU summer time (from 01:00
/// UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October).
pub fn riga_datetime(now: time::OffsetDateTime) -> time::PrimitiveDateTime {
    let utc = now.to_offset(time::UtcOffset::UTC);
    let year = utc.year();
    let last_sunday = |month: time::Month| {
        let last = Date::from_calendar_date(year, month, month.length(year))
            .expect("the last day of a month exists");
        last - time::Duration::days(i64::from(last.weekday().number_days_from_sunday()))
    };
    let starts = last_sunday(time::Month::March)
        .with_hms(1, 0, 0)
        .expect("valid time")
        .assume_utc();
    let ends = last_sunday(time::Month::October)
        .with_hms(1, 0, 0)
        .expect("valid time")
        .assume_utc();
    let hours = if utc >= starts && utc < ends { 3 } else { 2 };
    let local = utc + time::Duration::hours(hours);
    time::PrimitiveDateTime::new(local.date(), local.time())
}

/// The date in Riga (Europe/Riga) at an instant.
pub fn riga_date(now: time::OffsetDateTime) -> Date {
    riga_datetime(now).date()
}

#[cfg(test)]
mod riga_tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn riga_date_follows_summer_time() {
        // Winter: 22:30 UTC is 00:30 next day in Riga (UTC+2).
        assert_eq!(
            riga_date(datetime!(2026-01-10 22:30 UTC)),
            time::macros::date!(2026 - 01 - 11)
        );
        assert_eq!(
            riga_date(datetime!(2026-01-10 21:30 UTC)),
            time::macros::date!(2026 - 01 - 10)
        );
        // Summer: 21:30 UTC is 00:30 next day (UTC+3).
        assert_eq!(
            riga_date(datetime!(2026-07-10 21:30 UTC)),
            time::macros::date!(2026 - 07 - 11)
        );
        // 2026 summer time starts 29 March 01:00 UTC, ends 25 October 01:00 UTC.
        assert_eq!(
            riga_date(datetime!(2026-03-28 21:30 UTC)),
            time::macros::date!(2026 - 03 - 28)
        );
        assert_eq!(
            riga_date(datetime!(2026-10-24 21:30 UTC)),
            time::macros::date!(2026 - 10 - 25)
        );
    }
}

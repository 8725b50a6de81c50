//! Monthly grants to municipalities for adult clients (seed 001, Table 3): the full amount of
//! the client's decided budget for the month, halved when community-based services were given
//! on fewer than half of the month's working days (L6128-6132, L6191), paid for the clients
//! actually served (L4202-4218).
//!
//! **Counting days.** The rule compares the days services were given with the month's working
//! days, so only distinct *working days* of the month with at least one service count. A
//! service on a Saturday, Sunday or public holiday does not count toward the share: counting
//! it would let weekend days stand in for the working days the rule is about, and could make
//! the share exceed one. Working days come from the Latvian calendar
//! ([`Calendar::latvia`](crate::calendar::Calendar::latvia)), including moved working
//! Saturdays. A client with no service day at all in the month (not even on a weekend) was
//! not served that month and is due nothing.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::Serialize;
use time::Date;

use crate::budget::{monthly_grant, MonthlyGrant};
use crate::calendar::Calendar;
use crate::money::Money;
use crate::period::Period;

/// The working days of `month` on which services were given: distinct days of
/// `service_days` that fall in `month` and are working days of `calendar`.
pub fn service_working_days(service_days: &[Date], month: Period, calendar: &Calendar) -> u32 {
    let days: BTreeSet<Date> = service_days
        .iter()
        .copied()
        .filter(|d| month.contains(*d) && calendar.is_working_day(*d))
        .collect();
    u32::try_from(days.len()).unwrap_or(u32::MAX)
}

/// The month's grant for one client: `full` (the decided monthly budget), halved when the
/// working days with services ([`service_working_days`]) are fewer than `halve_below_share`
/// (0.5 in the adult policy) of the month's working days. Reuses
/// [`crate::budget::monthly_grant`]; `month` is normally [`Period::month`] (an open period
/// has no working days and so is never halved).
pub fn grant_for_month(
    full: Money,
    service_days: &[Date],
    month: Period,
    calendar: &Calendar,
    halve_below_share: Decimal,
) -> MonthlyGrant {
    monthly_grant(
        full,
        service_working_days(service_days, month, calendar),
        calendar.working_day_count(month),
        halve_below_share,
    )
}

/// One adult client's month, as the caller gathers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientMonth {
    /// The client (the person's identifier or reference).
    pub client: String,
    /// The care level the budget was decided at (`I`-`IV`).
    pub care_level: String,
    /// The full monthly amount of the decided budget (Table 3).
    pub full: Money,
    /// The days in the month on which the client received community-based services.
    pub service_days: Vec<Date>,
}

/// One client's line in a municipality's monthly grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantLine {
    /// The client.
    pub client: String,
    /// The care level.
    pub care_level: String,
    /// Whether the client was served in the month (had any service day).
    pub served: bool,
    /// The grant (amount zero when not served).
    pub grant: MonthlyGrant,
}

/// A municipality's grant for a month: every client's line and the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MunicipalGrant {
    /// The month.
    pub month: Period,
    /// Working days in the month.
    pub working_days: u32,
    /// One line per client, in the order given.
    pub lines: Vec<GrantLine>,
    /// The sum of the lines.
    pub total: Money,
    /// How many clients were served.
    pub served: u32,
    /// How many of them had their grant halved.
    pub halved: u32,
    /// Totals by care level: `(level, clients served, amount)`, in level order.
    pub by_level: Vec<(String, u32, Money)>,
}

/// A municipality's grant for `month` over its adult clients: each client's
/// [`grant_for_month`], nothing for a client not served in the month, and the totals.
pub fn municipality_grant(
    clients: &[ClientMonth],
    month: Period,
    calendar: &Calendar,
    halve_below_share: Decimal,
) -> MunicipalGrant {
    let working_days = calendar.working_day_count(month);
    let mut lines = Vec::with_capacity(clients.len());
    let mut by_level: std::collections::BTreeMap<String, (u32, Money)> = Default::default();
    for c in clients {
        let served = c.service_days.iter().any(|d| month.contains(*d));
        let grant = if served {
            grant_for_month(c.full, &c.service_days, month, calendar, halve_below_share)
        } else {
            MonthlyGrant {
                amount_eur: Money::ZERO,
                halved: false,
                service_days: 0,
                working_days,
            }
        };
        if served {
            let e = by_level.entry(c.care_level.clone()).or_default();
            e.0 += 1;
            e.1 += grant.amount_eur;
        }
        lines.push(GrantLine {
            client: c.client.clone(),
            care_level: c.care_level.clone(),
            served,
            grant,
        });
    }
    MunicipalGrant {
        month,
        working_days,
        total: lines.iter().map(|l| l.grant.amount_eur).sum(),
        served: u32::try_from(lines.iter().filter(|l| l.served).count()).unwrap_or(u32::MAX),
        halved: u32::try_from(lines.iter().filter(|l| l.grant.halved).count()).unwrap_or(u32::MAX),
        lines,
        by_level: by_level.into_iter().map(|(l, (n, m))| (l, n, m)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use time::Month;

    fn half() -> Decimal {
        Decimal::new(5, 1)
    }

    fn weekdays_from(first: Date, n: usize, cal: &Calendar) -> Vec<Date> {
        std::iter::successors(Some(first), |d| d.next_day())
            .filter(|d| cal.is_working_day(*d))
            .take(n)
            .collect()
    }

    #[test]
    fn november_2025_has_19_working_days_and_9_service_days_halve() {
        let cal = Calendar::latvia();
        let nov = Period::month(2025, Month::November);
        assert_eq!(cal.working_day_count(nov), 19);
        let full = Money::from_cents(62306);
        let nine = weekdays_from(date!(2025 - 11 - 03), 9, cal);
        let g = grant_for_month(full, &nine, nov, cal, half());
        assert!(g.halved);
        assert_eq!(g.amount_eur.to_string(), "311.53");
        assert_eq!((g.service_days, g.working_days), (9, 19));
        let ten = weekdays_from(date!(2025 - 11 - 03), 10, cal);
        let g = grant_for_month(full, &ten, nov, cal, half());
        assert!(!g.halved);
        assert_eq!(g.amount_eur, full);
    }

    #[test]
    fn weekends_holidays_repeats_and_other_months_do_not_count() {
        let cal = Calendar::latvia();
        let nov = Period::month(2025, Month::November);
        let mut days = weekdays_from(date!(2025 - 11 - 03), 9, cal);
        // Two services on one day, a Saturday, Proclamation Day (18 November, a Tuesday) and a
        // day in December.
        days.push(days[0]);
        days.push(date!(2025 - 11 - 08));
        days.push(date!(2025 - 11 - 18));
        days.push(date!(2025 - 12 - 01));
        assert_eq!(service_working_days(&days, nov, cal), 9);
        assert!(grant_for_month(Money::from_cents(10000), &days, nov, cal, half()).halved);
    }

    #[test]
    fn a_municipality_month() {
        let cal = Calendar::latvia();
        let nov = Period::month(2025, Month::November);
        let clients = vec![
            ClientMonth {
                client: "p1".into(),
                care_level: "III".into(),
                full: Money::from_cents(62306),
                service_days: weekdays_from(date!(2025 - 11 - 03), 15, cal),
            },
            ClientMonth {
                client: "p2".into(),
                care_level: "I".into(),
                full: Money::from_cents(37188),
                service_days: weekdays_from(date!(2025 - 11 - 03), 3, cal),
            },
            ClientMonth {
                client: "p3".into(),
                care_level: "I".into(),
                full: Money::from_cents(37188),
                service_days: vec![date!(2025 - 10 - 31)],
            },
        ];
        let g = municipality_grant(&clients, nov, cal, half());
        assert_eq!(g.working_days, 19);
        assert_eq!((g.served, g.halved), (2, 1));
        assert_eq!(g.total.to_string(), "809.00"); // 623.06 + 185.94
        assert!(!g.lines[2].served);
        assert_eq!(
            g.by_level,
            vec![
                ("I".into(), 1, Money::from_cents(18594)),
                ("III".into(), 1, Money::from_cents(62306))
            ]
        );
    }
}

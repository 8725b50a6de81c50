//! Monitoring (capability 8): the indicators of a municipality, a planning region or the whole
//! country over a half-open period, shaped from per-person facts the store reads, with the one
//! rule on small numbers and the service-gap map.
//!
//! The store reads, for the people served in the area and period, one [`PersonFacts`] each
//! (their budgets, ledger sums, spending, reviews, anomalies and plan lines that are not
//! received); [`dashboard`] folds them into the figures and [`rows_behind`] gives the people
//! behind any one figure, so the figures and their rows agree by construction.
//!
//! **Who is served.** A person is *served* in a period when one of their budget decisions has a
//! period that overlaps it. Every figure about people counts people served.
//!
//! **Small numbers.** Callers who may not read the people's records (analysts, the ministry,
//! case managers looking outside their municipality) see aggregates only: any figure that rests
//! on fewer than [`SMALL_COUNT`] people (but more than none) is withheld, its count and its
//! amounts alike ([`Disclosure::shows`]).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::access::{Action, Role, Scope};
use crate::field::FieldError;
use crate::money::{round_half_up, Money};
use crate::municipality::PlanningRegion;
use crate::outcome::{BudgetGroup, LivingSituation, TargetGroup};
use crate::plan::LineStatus;
use crate::registry::age_on;
use crate::review::GoalAttainment;
use crate::Period;

/// Figures resting on fewer people than this (and more than none) are withheld from callers who
/// see aggregates only.
pub const SMALL_COUNT: u64 = 5;

/// The area a dashboard covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "code", rename_all = "kebab-case")]
pub enum Area {
    /// The whole country.
    Country,
    /// One planning region.
    Region(PlanningRegion),
    /// One municipality, by code.
    Municipality(String),
}

impl Area {
    /// Reads an area as written in a query: `country`, `region:<code>` (e.g. `region:vidzeme`)
    /// or a municipality's code (e.g. `ogre`). The municipality's existence is checked by the
    /// caller against the registry.
    pub fn parse(raw: &str) -> Result<Area, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() || raw == "country" {
            return Ok(Area::Country);
        }
        if let Some(r) = raw.strip_prefix("region:") {
            return r.parse().map(Area::Region).map_err(|_| {
                FieldError::new(
                    "area",
                    format!(
                        "\"{r}\" is not a planning region; use one of {}",
                        PlanningRegion::ALL.map(PlanningRegion::code).join(", ")
                    ),
                )
            });
        }
        if raw.len() > 64
            || !raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(FieldError::new(
                "area",
                format!("\"{raw}\" is not an area; write country, region:<code> or a municipality code such as ogre"),
            ));
        }
        Ok(Area::Municipality(raw.to_owned()))
    }

    /// The area as written in a query (the inverse of [`Area::parse`]).
    pub fn code(&self) -> String {
        match self {
            Area::Country => "country".into(),
            Area::Region(r) => format!("region:{}", r.code()),
            Area::Municipality(m) => m.clone(),
        }
    }
}

/// How much of a dashboard a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disclosure {
    /// Every figure, and the rows behind it: the caller may read the records of everyone in
    /// the area.
    Rows,
    /// Aggregates only, figures on fewer than [`SMALL_COUNT`] people withheld.
    AggregatesOnly,
}

impl Disclosure {
    /// What a caller sees of an area: the rows when their role reads people's records and
    /// their scope is exactly that municipality; aggregates only otherwise. `None` when the
    /// role sees no monitoring at all.
    pub fn for_caller(role: Role, scope: &Scope, area: &Area) -> Option<Disclosure> {
        if !role.may(Action::ReadAggregates) {
            return None;
        }
        Some(match (scope, area) {
            (Scope::Municipality(mine), Area::Municipality(m))
                if mine == m && role.may(Action::ReadPerson) =>
            {
                Disclosure::Rows
            }
            _ => Disclosure::AggregatesOnly,
        })
    }

    /// Whether a figure resting on `people` people may be shown: always with rows; with
    /// aggregates only, when no one or at least [`SMALL_COUNT`] people.
    pub fn shows(self, people: u64) -> bool {
        self == Disclosure::Rows || people == 0 || people >= SMALL_COUNT
    }
}

crate::coded_enum!(
    /// Age groups of the people served: the children's assessment groups (seed 000), the
    /// transition years, and adult bands.
    AgeGroup, "age_group", {
        /// Under 1.
        Under1 = "0",
        /// 1 to 3.
        From1To3 = "1-3",
        /// 4 to 6.
        From4To6 = "4-6",
        /// 7 to 11.
        From7To11 = "7-11",
        /// 12 to 15.
        From12To15 = "12-15",
        /// 16 and 17: support changes at 18.
        From16To17 = "16-17",
        /// 18 to 29.
        From18To29 = "18-29",
        /// 30 to 49.
        From30To49 = "30-49",
        /// 50 to 64.
        From50To64 = "50-64",
        /// 65 and over.
        From65 = "65+",
    }
);

impl AgeGroup {
    /// The group of someone born on `birth`, on the day `on`.
    pub fn of(birth: Date, on: Date) -> AgeGroup {
        match age_on(birth, on) {
            i32::MIN..=0 => AgeGroup::Under1,
            1..=3 => AgeGroup::From1To3,
            4..=6 => AgeGroup::From4To6,
            7..=11 => AgeGroup::From7To11,
            12..=15 => AgeGroup::From12To15,
            16..=17 => AgeGroup::From16To17,
            18..=29 => AgeGroup::From18To29,
            30..=49 => AgeGroup::From30To49,
            50..=64 => AgeGroup::From50To64,
            _ => AgeGroup::From65,
        }
    }
}

/// Whether someone born on `birth` needs a transition plan on `on`: aged 16, 17 or 18 (support
/// changes at 18; the worklist's rule).
pub fn needs_transition_plan(birth: Date, on: Date) -> bool {
    birth <= on && (16..=18).contains(&age_on(birth, on))
}

/// The five services seed 000 says every municipality should have (L3917: physiotherapist,
/// occupational therapist, psychologist, speech therapist, transport), each with the catalogue
/// codes that provide it.
pub const ESSENTIAL_SERVICES: &[(&str, &[&str])] = &[
    (
        "physiotherapy",
        &["di-2-20", "di-2-21", "di-2-22", "di-2-23"],
    ),
    (
        "occupational-therapy",
        &["di-2-15", "di-2-16", "di-2-17", "di-2-18"],
    ),
    ("psychology", &["di-2-48", "di-2-49", "di-2-47"]),
    ("speech-therapy", &["di-2-33", "di-2-34", "di-2-61"]),
    ("transport", &["di-5-07", "di-5-05", "di-5-04", "di-5-01"]),
];

/// The essential service (seed 000) a catalogue code provides, if any.
pub fn essential_of(service: &str) -> Option<&'static str> {
    ESSENTIAL_SERVICES
        .iter()
        .find(|(_, codes)| codes.contains(&service))
        .map(|(k, _)| *k)
}

/// One budget decision of a person, as far as monitoring needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetFacts {
    /// The decision.
    pub decision_id: i64,
    /// The budget scheme.
    pub group: BudgetGroup,
    /// The level decided (care level, intensity, support-person level).
    pub level: String,
    /// The budget's period.
    pub period: Period,
}

/// Ledger sums of a person's budgets, entries booked in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LedgerSums {
    /// Allocations.
    pub allocated: Money,
    /// Approved claims (spent).
    pub spent: Money,
    /// Held for review: reservations less releases.
    pub reserved: Money,
    /// Returned at period close.
    pub returned: Money,
}

/// What a person's approved claims for one service from one provider came to in the period
/// (claims by day of service; held claims only once approved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpendingFacts {
    /// Service type code.
    pub service: String,
    /// Its category.
    pub category: String,
    /// The provider.
    pub provider_id: i64,
    /// Paid from the individual budget.
    pub amount: Money,
    /// Paid by the person (co-payment above the tariff).
    pub co_payment: Money,
    /// Number of claims.
    pub claims: u64,
}

/// A plan line that is not received, with what stands in the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapFacts {
    /// Service type code.
    pub service: String,
    /// `available-not-received` or `needed-not-available`.
    pub status: LineStatus,
    /// The barrier, where one was recorded.
    pub barrier: Option<String>,
}

/// Everything monitoring needs about one person served in the area and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFacts {
    /// The person.
    pub person_id: i64,
    /// Their municipality.
    pub municipality: String,
    /// Their target group.
    pub target_group: TargetGroup,
    /// Where they live.
    pub living: LivingSituation,
    /// Date of birth.
    pub birth_date: Date,
    /// Their budgets whose period overlaps the period.
    pub budgets: Vec<BudgetFacts>,
    /// Ledger sums of those budgets, entries booked in the period.
    pub ledger: LedgerSums,
    /// Approved claims by service and provider.
    pub spending: Vec<SpendingFacts>,
    /// The next review date of their last signed assessment, if that date is before the day
    /// the dashboard is as of (the review is overdue).
    pub overdue_since: Option<Date>,
    /// Goal attainment scores recorded at review in the period, -2..=2.
    pub goal_scores: Vec<i8>,
    /// The anomalies of their claims held for review, claims by day of service in the
    /// period: how many of each anomaly code (one per anomaly a claim lists).
    pub anomalies_raised: BTreeMap<String, u64>,
    /// Holds on their claims ended by the case manager's review in the period.
    pub anomalies_resolved: u64,
    /// Their plan lines not received, in plans whose budget overlaps the period.
    pub gaps: Vec<GapFacts>,
}

/// One row of a breakdown: a key, how many people, what they cost, each withheld when the
/// number of people is small and the caller sees aggregates only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figure {
    /// What the row is (a code: a target group, a service, a provider id ...).
    pub key: String,
    /// People; `None` when withheld.
    pub people: Option<u64>,
    /// Euro, where the figure is an amount; `None` when withheld or not an amount.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub amount: Option<Money>,
    /// A second amount where the figure has one (the co-payment); `None` otherwise.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub extra: Option<Money>,
    /// Things counted that are not people (claims, goals, anomalies, lines); `None` when
    /// withheld or not counted.
    pub count: Option<u64>,
    /// Whether the figure is withheld because it rests on fewer than 5 people.
    pub suppressed: bool,
}

/// A figure as the caller may see it.
fn figure(
    disclosure: Disclosure,
    key: impl Into<String>,
    people: u64,
    amount: Option<Money>,
    extra: Option<Money>,
    count: Option<u64>,
) -> Figure {
    let shown = disclosure.shows(people);
    Figure {
        key: key.into(),
        people: shown.then_some(people),
        amount: amount.filter(|_| shown),
        extra: extra.filter(|_| shown),
        count: count.filter(|_| shown),
        suppressed: !shown,
    }
}

/// Providers offering a service in a municipality (read by the store from the register).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    /// Municipality code.
    pub municipality: String,
    /// Service type code.
    pub service: String,
    /// Number of providers with a price for it valid in the period that serve the municipality.
    pub providers: u64,
}

/// A row of the service-gap map: one service in one municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapRow {
    /// Municipality code.
    pub municipality: String,
    /// Service type code.
    pub service: String,
    /// The essential service (seed 000) it provides, if any.
    pub essential: Option<String>,
    /// People with the service needed but not available; `None` when withheld.
    pub needed_not_available: Option<u64>,
    /// People with the service available but not received; `None` when withheld.
    pub available_not_received: Option<u64>,
    /// Providers of the service serving the municipality.
    pub providers: u64,
    /// The barriers recorded and how often (only for callers who see the rows).
    pub barriers: Vec<(String, u64)>,
    /// Whether a count is withheld because it rests on fewer than 5 people.
    pub suppressed: bool,
}

/// The service-gap map of an area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapMap {
    /// Every service and municipality with a gap, most people needing it first.
    pub rows: Vec<GapRow>,
    /// Services ranked by people for whom they are needed but not available (area-wide).
    pub ranked: Vec<Figure>,
    /// The essential services (seed 000) with no provider, per municipality of the area:
    /// `(municipality, essential service)`.
    pub essential_missing: Vec<(String, String)>,
    /// Providers of each essential service (in the order of [`ESSENTIAL_SERVICES`]) per
    /// municipality of the area: a map of where they are missing.
    pub essential_coverage: Vec<(String, Vec<u64>)>,
}

/// The indicators of an area and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// The period's first day.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub from: Date,
    /// The first day after the period.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub to: Date,
    /// The day reviews and ages are counted on: the period's last day, or today if earlier.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub as_of: Date,
    /// What the caller sees.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub disclosure: Disclosure,
    /// People served.
    pub served: Figure,
    /// People served by target group.
    pub by_target_group: Vec<Figure>,
    /// People served by budget scheme and level (`group/level`); a person whose level changed
    /// in the period counts under each.
    pub by_level: Vec<Figure>,
    /// People served by age group on `as_of`.
    pub by_age_group: Vec<Figure>,
    /// People served by living situation.
    pub by_living: Vec<Figure>,
    /// Ledger entries booked in the period: `allocated`, `spent`, `reserved`, `returned`.
    pub budgets: Vec<Figure>,
    /// Approved claims by service (amount from the budget, co-payment in `extra`).
    pub by_service: Vec<Figure>,
    /// Approved claims by category.
    pub by_category: Vec<Figure>,
    /// Approved claims by provider (key: provider id).
    pub by_provider: Vec<Figure>,
    /// Approved claims by funding source: `individual-budget` and `family` (co-payments).
    pub by_funding: Vec<Figure>,
    /// Spending from the budgets per person served per month of the period.
    pub cost_per_person_month: Figure,
    /// People whose reassessment was overdue on `as_of`.
    pub overdue_reviews: Figure,
    /// Goals reviewed in the period by attainment score (`-2` .. `2`; count = goals).
    pub goal_attainment: Vec<Figure>,
    /// Anomalies raised by code (count = anomalies) on claims by day of service in the period.
    pub anomalies_raised: Vec<Figure>,
    /// Holds ended by review in the period (count = claims).
    pub anomalies_resolved: Figure,
    /// People aged 16-18 on `as_of` who need a transition plan.
    pub transition: Figure,
    /// Providers per service per municipality (not about people: never withheld).
    pub providers: Vec<Coverage>,
}

/// Calendar months the period touches (at least 1), used for cost per person per month.
pub fn months_in(period: &Period) -> u32 {
    let Some(to) = period.to else { return 1 };
    let last = to.previous_day().unwrap_or(to);
    let months = (i64::from(last.year()) - i64::from(period.from.year())) * 12
        + i64::from(last.month() as u8)
        - i64::from(period.from.month() as u8)
        + 1;
    u32::try_from(months.max(1)).unwrap_or(u32::MAX)
}

/// `amount / (people * months)`, rounded half up to the cent; zero without people.
pub fn per_person_month(amount: Money, people: u64, months: u32) -> Money {
    let d = Decimal::from(people) * Decimal::from(months);
    if d.is_zero() {
        return Money::ZERO;
    }
    round_half_up(amount.as_decimal() / d)
}

/// A figure a person contributes to: its key, and which person keys it by.
#[derive(Default)]
struct Tally {
    people: BTreeSet<i64>,
    amount: Money,
    extra: Money,
    count: u64,
}

fn fold(
    map: BTreeMap<String, Tally>,
    disclosure: Disclosure,
    amounts: bool,
    counts: bool,
) -> Vec<Figure> {
    map.into_iter()
        .map(|(k, t)| {
            figure(
                disclosure,
                k,
                t.people.len() as u64,
                amounts.then_some(t.amount),
                amounts.then_some(t.extra),
                counts.then_some(t.count),
            )
        })
        .collect()
}

/// The identifier of a figure, for opening it to the rows behind it (`served`,
/// `target-group:child-ft`, `level:adult-grt/II`, `age:16-17`, `living:family`, `budgets`,
/// `service:<code>`, `category:<code>`, `provider:<id>`, `funding:<code>`, `overdue`,
/// `goal:<score>`, `anomaly:<code>`, `resolved`, `transition`, `gap:<status>:<service>`).
pub fn figure_keys(f: &PersonFacts, as_of: Date) -> Vec<String> {
    let mut keys = vec![
        "served".to_owned(),
        format!("target-group:{}", f.target_group.code()),
        format!("age:{}", AgeGroup::of(f.birth_date, as_of).code()),
        format!("living:{}", f.living.code()),
    ];
    for b in &f.budgets {
        keys.push(format!("level:{}/{}", b.group.code(), b.level));
    }
    if f.ledger != LedgerSums::default() {
        keys.push("budgets".into());
    }
    for s in &f.spending {
        keys.push(format!("service:{}", s.service));
        keys.push(format!("category:{}", s.category));
        keys.push(format!("provider:{}", s.provider_id));
        keys.push("funding:individual-budget".into());
        if !s.co_payment.is_zero() {
            keys.push("funding:family".into());
        }
    }
    if f.overdue_since.is_some() {
        keys.push("overdue".into());
    }
    for g in &f.goal_scores {
        keys.push(format!("goal:{g}"));
    }
    for a in f.anomalies_raised.keys() {
        keys.push(format!("anomaly:{a}"));
    }
    if f.anomalies_resolved > 0 {
        keys.push("resolved".into());
    }
    if needs_transition_plan(f.birth_date, as_of) {
        keys.push("transition".into());
    }
    for g in &f.gaps {
        keys.push(format!("gap:{}:{}", g.status.code(), g.service));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The people behind a figure (see [`figure_keys`]), in the order given.
pub fn rows_behind<'a>(facts: &'a [PersonFacts], key: &str, as_of: Date) -> Vec<&'a PersonFacts> {
    facts
        .iter()
        .filter(|f| figure_keys(f, as_of).iter().any(|k| k == key))
        .collect()
}

/// The day a dashboard over `period` is counted on: its last day, or `today` if earlier.
pub fn as_of(period: &Period, today: Date) -> Date {
    let last = period.to.and_then(|t| t.previous_day()).unwrap_or(today);
    last.min(today)
}

/// The indicators from the facts of the people served in an area and period.
pub fn dashboard(
    facts: &[PersonFacts],
    providers: Vec<Coverage>,
    period: &Period,
    today: Date,
    disclosure: Disclosure,
) -> Dashboard {
    let as_of = as_of(period, today);
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    let mut levels: BTreeMap<String, Tally> = BTreeMap::new();
    let mut ages: BTreeMap<String, Tally> = BTreeMap::new();
    let mut living: BTreeMap<String, Tally> = BTreeMap::new();
    let mut budgets: BTreeMap<String, Tally> = BTreeMap::new();
    let mut services: BTreeMap<String, Tally> = BTreeMap::new();
    let mut categories: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_provider: BTreeMap<String, Tally> = BTreeMap::new();
    let mut funding: BTreeMap<String, Tally> = BTreeMap::new();
    let mut goals: BTreeMap<String, Tally> = BTreeMap::new();
    let mut anomalies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut resolved = Tally::default();
    let mut overdue = Tally::default();
    let mut transition = Tally::default();
    let mut served = Tally::default();
    let mut spent = Money::ZERO;
    for f in facts {
        let id = f.person_id;
        served.people.insert(id);
        groups
            .entry(f.target_group.code().into())
            .or_default()
            .people
            .insert(id);
        ages.entry(AgeGroup::of(f.birth_date, as_of).code().into())
            .or_default()
            .people
            .insert(id);
        living
            .entry(f.living.code().into())
            .or_default()
            .people
            .insert(id);
        for b in &f.budgets {
            levels
                .entry(format!("{}/{}", b.group.code(), b.level))
                .or_default()
                .people
                .insert(id);
        }
        for (k, v) in [
            ("allocated", f.ledger.allocated),
            ("spent", f.ledger.spent),
            ("reserved", f.ledger.reserved),
            ("returned", f.ledger.returned),
        ] {
            let t = budgets.entry(k.into()).or_default();
            t.amount += v;
            if f.ledger != LedgerSums::default() {
                t.people.insert(id);
            }
        }
        for s in &f.spending {
            spent += s.amount;
            for (map, key) in [
                (&mut services, s.service.clone()),
                (&mut categories, s.category.clone()),
                (&mut by_provider, s.provider_id.to_string()),
            ] {
                let t = map.entry(key).or_default();
                t.people.insert(id);
                t.amount += s.amount;
                t.extra += s.co_payment;
                t.count += s.claims;
            }
            let t = funding.entry("individual-budget".into()).or_default();
            t.people.insert(id);
            t.amount += s.amount;
            t.count += s.claims;
            if !s.co_payment.is_zero() {
                let t = funding.entry("family".into()).or_default();
                t.people.insert(id);
                t.amount += s.co_payment;
                t.count += s.claims;
            }
        }
        if f.overdue_since.is_some() {
            overdue.people.insert(id);
        }
        for g in &f.goal_scores {
            let t = goals.entry(g.to_string()).or_default();
            t.people.insert(id);
            t.count += 1;
        }
        for (a, n) in &f.anomalies_raised {
            let t = anomalies.entry(a.clone()).or_default();
            t.people.insert(id);
            t.count += n;
        }
        if f.anomalies_resolved > 0 {
            resolved.people.insert(id);
            resolved.count += f.anomalies_resolved;
        }
        if needs_transition_plan(f.birth_date, as_of) {
            transition.people.insert(id);
        }
    }
    // Every score of the scale is shown, even when none was recorded.
    for g in GoalAttainment::ALL {
        goals.entry(g.score().to_string()).or_default();
    }
    let people = served.people.len() as u64;
    let mut goal_attainment = fold(goals, disclosure, false, true);
    goal_attainment.sort_by_key(|f| f.key.parse::<i8>().unwrap_or(0));
    let budgets = ["allocated", "spent", "reserved", "returned"]
        .iter()
        .map(|k| {
            let t = budgets.remove(*k).unwrap_or_default();
            figure(
                disclosure,
                *k,
                t.people.len() as u64,
                Some(t.amount),
                None,
                None,
            )
        })
        .collect();
    let mut by_service = fold(services, disclosure, true, true);
    by_service.sort_by(|a, b| b.amount.cmp(&a.amount).then(a.key.cmp(&b.key)));
    let mut by_provider = fold(by_provider, disclosure, true, true);
    by_provider.sort_by(|a, b| b.amount.cmp(&a.amount).then(a.key.cmp(&b.key)));
    Dashboard {
        from: period.from,
        to: period.to.unwrap_or(as_of),
        as_of,
        disclosure,
        served: figure(disclosure, "served", people, None, None, None),
        by_target_group: fold(groups, disclosure, false, false),
        by_level: fold(levels, disclosure, false, false),
        by_age_group: {
            let mut v = fold(ages, disclosure, false, false);
            v.sort_by_key(|f| {
                AgeGroup::ALL
                    .iter()
                    .position(|a| a.code() == f.key)
                    .unwrap_or(usize::MAX)
            });
            v
        },
        by_living: fold(living, disclosure, false, false),
        budgets,
        by_service,
        by_category: fold(categories, disclosure, true, true),
        by_provider,
        by_funding: fold(funding, disclosure, true, true),
        cost_per_person_month: figure(
            disclosure,
            "cost-per-person-month",
            people,
            Some(per_person_month(spent, people, months_in(period))),
            None,
            None,
        ),
        overdue_reviews: figure(
            disclosure,
            "overdue",
            overdue.people.len() as u64,
            None,
            None,
            None,
        ),
        goal_attainment,
        anomalies_raised: fold(anomalies, disclosure, false, true),
        anomalies_resolved: figure(
            disclosure,
            "resolved",
            resolved.people.len() as u64,
            None,
            None,
            Some(resolved.count),
        ),
        transition: figure(
            disclosure,
            "transition",
            transition.people.len() as u64,
            None,
            None,
            None,
        ),
        providers,
    }
}

/// The service-gap map from the facts of the people served and the providers per service per
/// municipality; `municipalities` are the area's municipalities (for the essential services
/// with no provider).
pub fn gap_map(
    facts: &[PersonFacts],
    coverage: &[Coverage],
    municipalities: &[String],
    disclosure: Disclosure,
) -> GapMap {
    #[derive(Default)]
    struct Cell {
        needed: BTreeSet<i64>,
        available: BTreeSet<i64>,
        barriers: BTreeMap<String, u64>,
    }
    let mut cells: BTreeMap<(String, String), Cell> = BTreeMap::new();
    let mut ranked: BTreeMap<String, Tally> = BTreeMap::new();
    for f in facts {
        for g in &f.gaps {
            let c = cells
                .entry((f.municipality.clone(), g.service.clone()))
                .or_default();
            match g.status {
                LineStatus::NeededNotAvailable => {
                    c.needed.insert(f.person_id);
                    let t = ranked.entry(g.service.clone()).or_default();
                    t.people.insert(f.person_id);
                    t.count += 1;
                }
                LineStatus::AvailableNotReceived => {
                    c.available.insert(f.person_id);
                }
                LineStatus::Received => {}
            }
            if let Some(b) = g
                .barrier
                .as_deref()
                .map(str::trim)
                .filter(|b| !b.is_empty())
            {
                *c.barriers.entry(b.to_owned()).or_default() += 1;
            }
        }
    }
    let providers_of = |m: &str, s: &str| {
        coverage
            .iter()
            .filter(|c| c.municipality == m && c.service == s)
            .map(|c| c.providers)
            .sum::<u64>()
    };
    let mut rows: Vec<GapRow> = cells
        .into_iter()
        .map(|((m, s), c)| {
            let (n, a) = (c.needed.len() as u64, c.available.len() as u64);
            let (show_n, show_a) = (disclosure.shows(n), disclosure.shows(a));
            GapRow {
                providers: providers_of(&m, &s),
                essential: essential_of(&s).map(str::to_owned),
                needed_not_available: show_n.then_some(n),
                available_not_received: show_a.then_some(a),
                barriers: if disclosure == Disclosure::Rows {
                    c.barriers.into_iter().collect()
                } else {
                    Vec::new()
                },
                suppressed: !(show_n && show_a),
                municipality: m,
                service: s,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.needed_not_available
            .unwrap_or(0)
            .cmp(&a.needed_not_available.unwrap_or(0))
            .then(a.municipality.cmp(&b.municipality))
            .then(a.service.cmp(&b.service))
    });
    let mut ranked = fold(ranked, disclosure, false, true);
    ranked.sort_by(|a, b| {
        b.people
            .unwrap_or(0)
            .cmp(&a.people.unwrap_or(0))
            .then(a.key.cmp(&b.key))
    });
    let mut essential_missing = Vec::new();
    let mut essential_coverage = Vec::new();
    for m in municipalities {
        let mut counts = Vec::new();
        for (name, codes) in ESSENTIAL_SERVICES {
            // Providers of any of the service's codes, each counted once per code it offers.
            let n: u64 = codes.iter().map(|s| providers_of(m, s)).sum();
            if n == 0 {
                essential_missing.push((m.clone(), (*name).to_owned()));
            }
            counts.push(n);
        }
        essential_coverage.push((m.clone(), counts));
    }
    GapMap {
        rows,
        ranked,
        essential_missing,
        essential_coverage,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::date;

    fn person(id: i64, m: &str, birth: Date) -> PersonFacts {
        PersonFacts {
            person_id: id,
            municipality: m.into(),
            target_group: TargetGroup::ChildFt,
            living: LivingSituation::Family,
            birth_date: birth,
            budgets: vec![BudgetFacts {
                decision_id: id,
                group: BudgetGroup::ChildFt,
                level: "2".into(),
                period: Period::year(2026),
            }],
            ledger: LedgerSums::default(),
            spending: vec![SpendingFacts {
                service: "di-2-20".into(),
                category: "rehabilitation".into(),
                provider_id: 1,
                amount: Money::from_cents(1000),
                co_payment: Money::ZERO,
                claims: 1,
            }],
            overdue_since: None,
            goal_scores: vec![],
            anomalies_raised: BTreeMap::new(),
            anomalies_resolved: 0,
            gaps: vec![GapFacts {
                service: "di-2-48".into(),
                status: LineStatus::NeededNotAvailable,
                barrier: None,
            }],
        }
    }

    #[test]
    fn small_counts_are_withheld_from_aggregate_readers_only() {
        let a = Disclosure::AggregatesOnly;
        assert!(a.shows(0));
        for n in 1..SMALL_COUNT {
            assert!(!a.shows(n));
            assert!(Disclosure::Rows.shows(n));
        }
        assert!(a.shows(SMALL_COUNT));
        let facts: Vec<_> = (1..=4)
            .map(|i| person(i, "ogre", date!(2015 - 01 - 01)))
            .collect();
        let d = dashboard(
            &facts,
            vec![],
            &Period::year(2026),
            date!(2026 - 06 - 01),
            a,
        );
        assert_eq!(d.served.people, None);
        assert!(d.served.suppressed);
        assert_eq!(d.by_service[0].amount, None);
        assert_eq!(d.cost_per_person_month.amount, None);
        let d = dashboard(
            &facts,
            vec![],
            &Period::year(2026),
            date!(2026 - 06 - 01),
            Disclosure::Rows,
        );
        assert_eq!(d.served.people, Some(4));
        assert_eq!(d.by_service[0].amount, Some(Money::from_cents(4000)));
    }

    #[test]
    fn who_sees_rows() {
        let ogre = Scope::Municipality("ogre".into());
        let area = Area::Municipality("ogre".into());
        assert_eq!(
            Disclosure::for_caller(Role::SocialWorker, &ogre, &area),
            Some(Disclosure::Rows)
        );
        assert_eq!(
            Disclosure::for_caller(Role::SocialWorker, &ogre, &Area::Country),
            Some(Disclosure::AggregatesOnly)
        );
        assert_eq!(
            Disclosure::for_caller(Role::Analyst, &Scope::Nothing, &area),
            Some(Disclosure::AggregatesOnly)
        );
        assert_eq!(
            Disclosure::for_caller(Role::Provider, &Scope::Nothing, &area),
            None
        );
        assert_eq!(
            Disclosure::for_caller(Role::Person, &Scope::Linked(1), &area),
            None
        );
    }

    #[test]
    fn areas_read_and_write_alike() {
        for raw in ["country", "region:vidzeme", "ogre"] {
            assert_eq!(Area::parse(raw).unwrap().code(), raw);
        }
        assert_eq!(Area::parse("").unwrap(), Area::Country);
        assert!(Area::parse("region:pieriga").is_err());
        assert!(Area::parse("Ogre; DROP").is_err());
    }

    #[test]
    fn months_and_cost_per_person_month() {
        assert_eq!(months_in(&Period::year(2026)), 12);
        assert_eq!(months_in(&Period::month(2026, time::Month::March)), 1);
        let p = Period::new(date!(2026 - 01 - 15), date!(2026 - 03 - 02)).unwrap();
        assert_eq!(months_in(&p), 3);
        assert_eq!(
            per_person_month(Money::from_cents(10_000), 3, 1),
            Money::from_cents(3333)
        );
        assert_eq!(
            per_person_month(Money::from_cents(10_000), 0, 1),
            Money::ZERO
        );
    }

    #[test]
    fn age_groups_and_transition() {
        let on = date!(2026 - 06 - 01);
        assert_eq!(AgeGroup::of(date!(2026 - 01 - 01), on), AgeGroup::Under1);
        assert_eq!(
            AgeGroup::of(date!(2010 - 06 - 01), on),
            AgeGroup::From16To17
        );
        assert_eq!(
            AgeGroup::of(date!(2010 - 06 - 02), on),
            AgeGroup::From12To15
        );
        assert!(needs_transition_plan(date!(2010 - 06 - 01), on));
        assert!(needs_transition_plan(date!(2007 - 06 - 02), on));
        assert!(!needs_transition_plan(date!(2007 - 06 - 01), on));
        assert!(!needs_transition_plan(date!(2010 - 06 - 02), on));
    }

    #[test]
    fn rows_behind_match_the_figures() {
        let mut facts: Vec<_> = (1..=6)
            .map(|i| {
                person(
                    i,
                    if i % 2 == 0 { "ogre" } else { "bauska" },
                    date!(2010 - 01 - 01),
                )
            })
            .collect();
        facts[0].overdue_since = Some(date!(2026 - 01 - 01));
        let on = date!(2026 - 06 - 01);
        let d = dashboard(&facts, vec![], &Period::year(2026), on, Disclosure::Rows);
        assert_eq!(d.overdue_reviews.people, Some(1));
        assert_eq!(rows_behind(&facts, "overdue", on).len(), 1);
        assert_eq!(d.transition.people, Some(6));
        assert_eq!(rows_behind(&facts, "transition", on).len(), 6);
        let g = gap_map(
            &facts,
            &[Coverage {
                municipality: "ogre".into(),
                service: "di-2-20".into(),
                providers: 2,
            }],
            &["ogre".into()],
            Disclosure::AggregatesOnly,
        );
        assert_eq!(g.ranked[0].people, Some(6));
        assert_eq!(g.rows.len(), 2);
        assert!(g.rows.iter().all(|r| r.needed_not_available.is_none()));
        assert!(!g
            .essential_missing
            .contains(&("ogre".into(), "physiotherapy".into())));
        assert!(g
            .essential_missing
            .contains(&("ogre".into(), "psychology".into())));
    }
}

#![allow(clippy::unwrap_used)]
//! Monitoring against a generated population, on SQLite and PostgreSQL: every indicator the
//! store and the core compute for a municipality, a planning region and the whole country is
//! compared with the same figure computed here by a plain loop over the population's own data
//! (the generator's people, budgets, plan lines and visits), not over the tables.

use std::collections::{BTreeMap, BTreeSet};

use ibis_core::generate::{generate, ClaimFate, GenPerson, GenerateSpec, Population, VisitVolume};
use ibis_core::money::{line_amount, Money};
use ibis_core::monitoring::{self, AgeGroup, Area, Disclosure, Figure};
use ibis_core::outcome::TargetGroup;
use ibis_core::plan::LineStatus;
use ibis_core::policy::PolicySet;
use ibis_core::Period;
use ibis_store::generate::{load, LoadOptions};
use ibis_store::Store;
use time::macros::date;
use time::Date;

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn open(postgres: bool) -> (Store, TempDir) {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ibis-monitoring-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = if postgres {
        ibis_testkit::shared().fresh_database().unwrap()
    } else {
        format!("sqlite://{}/ibis.db", dir.display())
    };
    (Store::open(&url).await.unwrap(), TempDir(dir))
}

/// A figure's people by key.
fn people(figs: &[Figure]) -> BTreeMap<String, u64> {
    figs.iter()
        .map(|f| (f.key.clone(), f.people.unwrap()))
        .collect()
}

/// A figure's amounts by key.
fn amounts(figs: &[Figure]) -> BTreeMap<String, Money> {
    figs.iter()
        .map(|f| (f.key.clone(), f.amount.unwrap()))
        .collect()
}

/// A figure's counts by key.
fn counts(figs: &[Figure]) -> BTreeMap<String, u64> {
    figs.iter()
        .filter(|f| f.count.unwrap_or(0) > 0)
        .map(|f| (f.key.clone(), f.count.unwrap()))
        .collect()
}

fn inc<K: Ord>(m: &mut BTreeMap<K, BTreeSet<u32>>, k: K, id: u32) {
    m.entry(k).or_default().insert(id);
}

fn sizes(m: BTreeMap<String, BTreeSet<u32>>) -> BTreeMap<String, u64> {
    m.into_iter().map(|(k, v)| (k, v.len() as u64)).collect()
}

/// Checks every indicator of one area and period against plain loops over the population.
#[allow(clippy::too_many_lines)]
async fn check_area(
    store: &Store,
    pop: &Population,
    regions: &BTreeMap<String, String>,
    area: &Area,
    period: &Period,
    service_months: &Period,
) {
    let today = date!(2026 - 11 - 22);
    let as_of = monitoring::as_of(period, today);
    let facts = store.monitoring_facts(area, period, as_of).await.unwrap();
    let coverage = store.coverage(area, period).await.unwrap();
    let d = monitoring::dashboard(&facts, coverage.clone(), period, today, Disclosure::Rows);
    let in_area = |p: &GenPerson| match area {
        Area::Country => true,
        Area::Region(r) => regions[&p.municipality] == r.code(),
        Area::Municipality(m) => &p.municipality == m,
    };
    let served_now =
        |p: &GenPerson| in_area(p) && p.budgets.iter().any(|b| b.period.overlaps(period));

    // People served and their breakdowns.
    let mut groups = BTreeMap::new();
    let mut levels = BTreeMap::new();
    let mut ages = BTreeMap::new();
    let mut living = BTreeMap::new();
    let mut transition = 0;
    let mut allocated = Money::ZERO;
    let mut gaps_needed: BTreeMap<(String, String), BTreeSet<u32>> = BTreeMap::new();
    let mut gaps_available: BTreeMap<(String, String), BTreeSet<u32>> = BTreeMap::new();
    let mut served = 0u64;
    for p in pop.persons.iter().filter(|p| served_now(p)) {
        served += 1;
        inc(&mut groups, p.target_group.code().to_owned(), p.id);
        inc(
            &mut ages,
            AgeGroup::of(p.birth_date, as_of).code().to_owned(),
            p.id,
        );
        inc(&mut living, p.living.code().to_owned(), p.id);
        if monitoring::needs_transition_plan(p.birth_date, as_of) {
            transition += 1;
        }
        for b in p.budgets.iter().filter(|b| b.period.overlaps(period)) {
            inc(
                &mut levels,
                format!("{}/{}", b.outcome.group.code(), b.level),
                p.id,
            );
            allocated += ibis_core::decision::period_total(b.monthly, &b.period).total;
            for l in &b.lines {
                let key = (p.municipality.clone(), l.service.clone());
                match l.status {
                    LineStatus::NeededNotAvailable => {
                        gaps_needed.entry(key).or_default().insert(p.id);
                    }
                    LineStatus::AvailableNotReceived => {
                        gaps_available.entry(key).or_default().insert(p.id);
                    }
                    LineStatus::Received => {}
                }
            }
        }
    }
    assert_eq!(d.served.people, Some(served), "{area:?}: served");
    assert!(served > 0, "{area:?}: the test needs people");
    assert_eq!(
        people(&d.by_target_group),
        sizes(groups),
        "{area:?}: target groups"
    );
    assert_eq!(people(&d.by_level), sizes(levels), "{area:?}: levels");
    assert_eq!(people(&d.by_age_group), sizes(ages), "{area:?}: age groups");
    assert_eq!(people(&d.by_living), sizes(living), "{area:?}: living");
    assert_eq!(
        d.transition.people,
        Some(transition),
        "{area:?}: transition"
    );

    // Spending and anomalies, claims by day of service in the period.
    let mut by_service: BTreeMap<String, Money> = BTreeMap::new();
    let mut by_provider: BTreeMap<u32, Money> = BTreeMap::new();
    let mut approved_total = Money::ZERO;
    let mut anomalies: BTreeMap<String, u64> = BTreeMap::new();
    let mut approved_claims = 0u64;
    for v in pop.visits() {
        let p = &pop.persons[(v.person - 1) as usize];
        if !served_now(p) || !period.contains(v.service_date) {
            continue;
        }
        let line = &p.budgets[v.budget].lines[v.line];
        // A held claim approved at review counts as spent on its day of service.
        let approved_at_review = v.review.is_some_and(|r| r.approve);
        match v.fate {
            ClaimFate::Held(code) if approved_at_review => {
                let amount = line_amount(v.unit_price, v.quantity);
                *by_service.entry(line.service.clone()).or_default() += amount;
                *by_provider.entry(v.provider).or_default() += amount;
                approved_total += amount;
                approved_claims += 1;
                let code = serde_json::to_value(code).unwrap();
                *anomalies
                    .entry(code.as_str().unwrap().to_owned())
                    .or_default() += 1;
            }
            ClaimFate::Approved => {
                let amount = line_amount(v.unit_price, v.quantity);
                *by_service.entry(line.service.clone()).or_default() += amount;
                *by_provider.entry(v.provider).or_default() += amount;
                approved_total += amount;
                approved_claims += 1;
            }
            ClaimFate::Held(code) => {
                let code = serde_json::to_value(code).unwrap();
                *anomalies
                    .entry(code.as_str().unwrap().to_owned())
                    .or_default() += 1;
            }
            ClaimFate::Refused(_) => {}
        }
    }
    let paid_by_service: BTreeMap<String, Money> = d
        .by_service
        .iter()
        .map(|f| (f.key.clone(), f.amount.unwrap() + f.extra.unwrap()))
        .collect();
    assert_eq!(paid_by_service, by_service, "{area:?}: spending by service");
    assert_eq!(
        d.by_provider.len(),
        by_provider.len(),
        "{area:?}: providers paid"
    );
    let total: Money = d.by_funding.iter().map(|f| f.amount.unwrap()).sum();
    assert_eq!(total, approved_total, "{area:?}: budget plus co-payments");
    assert_eq!(
        d.by_category
            .iter()
            .map(|f| f.amount.unwrap() + f.extra.unwrap())
            .sum::<Money>(),
        approved_total,
        "{area:?}: categories add up"
    );
    assert_eq!(
        d.by_service.iter().map(|f| f.count.unwrap()).sum::<u64>(),
        approved_claims,
        "{area:?}: approved claims"
    );
    assert_eq!(
        counts(&d.anomalies_raised),
        anomalies,
        "{area:?}: anomalies raised"
    );
    assert_eq!(
        d.cost_per_person_month.amount,
        Some(monitoring::per_person_month(
            d.by_service.iter().map(|f| f.amount.unwrap()).sum(),
            served,
            monitoring::months_in(period)
        )),
        "{area:?}: cost per person per month"
    );

    check_reviews(&d, pop, &served_now, period, as_of, area);

    // The service-gap map.
    let municipalities: Vec<String> = store.area_municipalities(area).await.unwrap();
    let g = monitoring::gap_map(&facts, &coverage, &municipalities, Disclosure::Rows);
    let got_needed: BTreeMap<(String, String), u64> = g
        .rows
        .iter()
        .filter(|r| r.needed_not_available.unwrap() > 0)
        .map(|r| {
            (
                (r.municipality.clone(), r.service.clone()),
                r.needed_not_available.unwrap(),
            )
        })
        .collect();
    let want_needed: BTreeMap<(String, String), u64> = gaps_needed
        .into_iter()
        .map(|(k, v)| (k, v.len() as u64))
        .collect();
    assert_eq!(
        got_needed, want_needed,
        "{area:?}: needed but not available"
    );
    let got_available: BTreeMap<(String, String), u64> = g
        .rows
        .iter()
        .filter(|r| r.available_not_received.unwrap() > 0)
        .map(|r| {
            (
                (r.municipality.clone(), r.service.clone()),
                r.available_not_received.unwrap(),
            )
        })
        .collect();
    let want_available: BTreeMap<(String, String), u64> = gaps_available
        .into_iter()
        .map(|(k, v)| (k, v.len() as u64))
        .collect();
    assert_eq!(
        got_available, want_available,
        "{area:?}: available but not received"
    );

    // Providers per service per municipality: offers of generated providers that serve it.
    let mut want_cov: BTreeMap<(String, String), u64> = BTreeMap::new();
    for pr in &pop.providers {
        if !municipalities.contains(&pr.municipality) {
            continue;
        }
        for s in pr.offers.keys() {
            *want_cov
                .entry((pr.municipality.clone(), s.clone()))
                .or_default() += 1;
        }
    }
    let got_cov: BTreeMap<(String, String), u64> = coverage
        .iter()
        .map(|c| ((c.municipality.clone(), c.service.clone()), c.providers))
        .collect();
    assert_eq!(got_cov, want_cov, "{area:?}: providers per service");

    // The rows behind a figure are the people counted in it.
    assert_eq!(
        monitoring::rows_behind(&facts, "served", as_of).len() as u64,
        served
    );

    // Over a period holding every entry, the ledger's allocations are the budgets' totals.
    let all = Period::new(date!(2000 - 01 - 01), date!(2100 - 01 - 01)).unwrap();
    let facts_all = store.monitoring_facts(area, &all, as_of).await.unwrap();
    let d_all = monitoring::dashboard(&facts_all, Vec::new(), &all, today, Disclosure::Rows);
    let mut allocated_all = Money::ZERO;
    let mut held_all = Money::ZERO;
    for p in pop.persons.iter().filter(|p| in_area(p)) {
        for b in &p.budgets {
            allocated_all += ibis_core::decision::period_total(b.monthly, &b.period).total;
        }
    }
    for v in pop.visits() {
        let p = &pop.persons[(v.person - 1) as usize];
        // The generator's service months; a visit outside them (if any) is decided by the
        // loader against its own clock, not by the fate the generator gave it.
        if !in_area(p) || !service_months.contains(v.service_date) {
            continue;
        }
        match v.fate {
            ClaimFate::Approved => {}
            // Still held: never reviewed.
            ClaimFate::Held(_) if v.review.is_none() => {
                held_all += line_amount(v.unit_price, v.quantity)
            }
            ClaimFate::Held(_) => {}
            ClaimFate::Refused(_) => {}
        }
    }
    let ledger = amounts(&d_all.budgets);
    assert_eq!(ledger["allocated"], allocated_all, "{area:?}: allocated");
    // The ledger's approved claims are the budgets' part of the approved claims (the
    // co-payment above a tariff is the person's): with it they are the visits' amounts.
    let budget_part: Money = d_all.by_service.iter().map(|f| f.amount.unwrap()).sum();
    assert_eq!(ledger["spent"], budget_part, "{area:?}: spent");

    // Held claims are reserved for their budget's part.
    assert!(ledger["reserved"] <= held_all, "{area:?}: reserved");
    assert_eq!(
        ledger["reserved"].is_zero(),
        held_all.is_zero(),
        "{area:?}: reserved"
    );
    let _ = allocated;
}

/// `d` plus `n` calendar months, for the first day of a month (every assessment and review
/// the generator makes is on one).
fn plus_months(d: Date, n: u32) -> Date {
    assert_eq!(d.day(), 1, "{d}");
    let index = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + n as i32;
    Date::from_calendar_date(
        index.div_euclid(12),
        time::Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap(),
        1,
    )
    .unwrap()
}

/// Overdue reviews, goal attainment at review and anomalies resolved, counted here from the
/// population's own assessments, reviews and held-claim reviews.
fn check_reviews(
    d: &monitoring::Dashboard,
    pop: &Population,
    served_now: &dyn Fn(&GenPerson) -> bool,
    period: &Period,
    as_of: Date,
    area: &Area,
) {
    // Overdue on `as_of`: the last assessment on or before it (a budget's, or one renewed at
    // review) set a review date (6 months on for a child, 12 for an adult) before it.
    let mut overdue = 0u64;
    for p in pop.persons.iter().filter(|p| served_now(p)) {
        let months = match p.target_group {
            TargetGroup::ChildFt => 6,
            TargetGroup::AdultGrt => 12,
        };
        let last = p
            .budgets
            .iter()
            .map(|b| b.assessed_on)
            .chain(p.reviews.iter().map(|r| r.on))
            .filter(|on| *on <= as_of)
            .max();
        if last.is_some_and(|l| plus_months(l, months) < as_of) {
            overdue += 1;
        }
    }
    assert_eq!(
        d.overdue_reviews.people,
        Some(overdue),
        "{area:?} {period:?}: overdue reviews"
    );

    // Goals scored at reviews in the period: goals by score, people by score.
    let mut goals: BTreeMap<String, u64> = BTreeMap::new();
    let mut goal_people: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for p in pop.persons.iter().filter(|p| served_now(p)) {
        for r in p.reviews.iter().filter(|r| period.contains(r.on)) {
            for (_, scores) in &r.goals {
                for g in scores {
                    let k = g.score().to_string();
                    *goals.entry(k.clone()).or_default() += 1;
                    inc(&mut goal_people, k, p.id);
                }
            }
        }
    }
    assert_eq!(
        counts(&d.goal_attainment),
        goals,
        "{area:?} {period:?}: goals by attainment"
    );
    assert_eq!(
        people(&d.goal_attainment)
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .collect::<BTreeMap<_, _>>(),
        sizes(goal_people),
        "{area:?} {period:?}: people by goal attainment"
    );
    assert_eq!(
        d.goal_attainment.len(),
        5,
        "every score of the scale is shown"
    );

    // Holds ended by review in the period (approved or refused), on budgets that overlap it.
    let mut resolved = 0u64;
    let mut resolved_people = BTreeSet::new();
    for v in pop.visits() {
        let p = &pop.persons[(v.person - 1) as usize];
        let Some(r) = v.review else { continue };
        if served_now(p) && period.contains(r.on) && p.budgets[v.budget].period.overlaps(period) {
            resolved += 1;
            resolved_people.insert(p.id);
        }
    }
    assert_eq!(
        (d.anomalies_resolved.people, d.anomalies_resolved.count),
        (Some(resolved_people.len() as u64), Some(resolved)),
        "{area:?} {period:?}: anomalies resolved"
    );
}

async fn against_a_generated_population(postgres: bool, spec: GenerateSpec) {
    let (store, _dir) = open(postgres).await;
    let policies = PolicySet::builtin().unwrap();
    let pop = generate(&spec, &policies).unwrap();
    load(
        &store,
        &pop,
        &policies,
        &LoadOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();
    // The monthly sums the loader wrote are the sums of the rows it wrote.
    assert_eq!(
        store.monthly_sums_drift().await.unwrap(),
        Vec::<String>::new()
    );
    let regions: BTreeMap<String, String> = store
        .municipalities()
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.code, m.region))
        .collect();
    // The municipality with the most people, its region, and the country.
    let mut by_m: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &pop.persons {
        *by_m.entry(p.municipality.as_str()).or_default() += 1;
    }
    let (m, _) = by_m.iter().max_by_key(|(_, n)| **n).unwrap();
    let region: ibis_core::municipality::PlanningRegion = regions[*m].parse().unwrap();
    // Three months near the start, one month and three months in the middle, all of them, and
    // the last month to the end of `as_of`'s month (so reviews are counted on `as_of` itself).
    let months = &pop.months;
    let n = months.len();
    let whole = Period::new(months[0].from, months[n - 1].to.unwrap()).unwrap();
    let periods = [
        Period::new(months[1].from, months[3].to.unwrap()).unwrap(),
        months[n / 2],
        Period::new(months[n / 2 - 1].from, months[n / 2 + 1].to.unwrap()).unwrap(),
        whole,
        Period::new(months[n - 1].from, date!(2026 - 12 - 01)).unwrap(),
        // Mid-month edges around whole months (the whole months read from the monthly sums,
        // the edges from the rows), a piece of one month, and a period with no end.
        Period::new(
            months[1].from + time::Duration::days(9),
            months[n - 2].from + time::Duration::days(14),
        )
        .unwrap(),
        Period::new(
            months[2].from + time::Duration::days(3),
            months[2].from + time::Duration::days(20),
        )
        .unwrap(),
        Period {
            from: months[n / 2].from + time::Duration::days(5),
            to: None,
        },
    ];
    for area in [
        Area::Municipality((*m).to_owned()),
        Area::Region(region),
        Area::Country,
    ] {
        for period in &periods {
            check_area(&store, &pop, &regions, &area, period, &whole).await;
        }
    }
    // The figures checked are not empty: the country has overdue reviews on `as_of`, goals
    // scored and holds resolved over the whole window.
    let today = date!(2026 - 11 - 22);
    let recent = &periods[4];
    let facts = store
        .monitoring_facts(&Area::Country, recent, monitoring::as_of(recent, today))
        .await
        .unwrap();
    let d = monitoring::dashboard(&facts, Vec::new(), recent, today, Disclosure::Rows);
    assert_eq!(d.as_of, today);
    assert!(d.overdue_reviews.people.unwrap() > 0, "overdue on as_of");
    let facts = store
        .monitoring_facts(&Area::Country, &whole, monitoring::as_of(&whole, today))
        .await
        .unwrap();
    let d = monitoring::dashboard(&facts, Vec::new(), &whole, today, Disclosure::Rows);
    assert!(
        d.overdue_reviews.people.unwrap() > 0,
        "overdue at the window's end"
    );
    assert!(
        counts(&d.goal_attainment).len() >= 3,
        "goals scored: {:?}",
        d.goal_attainment
    );
    assert!(d.anomalies_resolved.count.unwrap() > 0, "holds resolved");

    // Several dashboards at once (more statements than the store lets run at once) give the
    // same facts as one at a time: they queue for the store's permits, none fails.
    let day = monitoring::as_of(&whole, today);
    let at_once = futures_util::future::join_all((0..4).map(|i| {
        let (store, area) = (
            &store,
            if i % 2 == 0 {
                Area::Country
            } else {
                Area::Region(region)
            },
        );
        async move {
            (
                area.clone(),
                store.monitoring_facts(&area, &whole, day).await.unwrap(),
            )
        }
    }))
    .await;
    for (area, got) in at_once {
        let alone = store.monitoring_facts(&area, &whole, day).await.unwrap();
        assert!(!alone.is_empty());
        assert_eq!(got, alone, "{area:?}");
    }
}

/// Six months of services, 300 people, the default visit rate.
fn six_months() -> GenerateSpec {
    GenerateSpec::new(2026, 300, 6, date!(2026 - 11 - 22))
}

/// Fourteen months (reassessments for new budgets, so assessments are superseded), 200
/// people, few visits.
fn fourteen_months() -> GenerateSpec {
    GenerateSpec {
        visits: VisitVolume::PerPersonMonth(3),
        ..GenerateSpec::new(77, 200, 14, date!(2026 - 11 - 22))
    }
}

#[tokio::test]
async fn indicators_match_a_generated_population_sqlite() {
    against_a_generated_population(false, six_months()).await;
}

#[tokio::test]
async fn indicators_match_a_generated_population_postgres() {
    against_a_generated_population(true, six_months()).await;
}

#[tokio::test]
async fn indicators_match_a_generated_population_over_fourteen_months_sqlite() {
    against_a_generated_population(false, fourteen_months()).await;
}

#[tokio::test]
async fn indicators_match_a_generated_population_over_fourteen_months_postgres() {
    against_a_generated_population(true, fourteen_months()).await;
}

//! The synthetic population generator: determinism, the documents' proportions, valid codes
//! and budgets, visits within the plans.

use std::collections::BTreeMap;

use ibis_core::generate::{
    generate, per_10k, ClaimFate, GenPerson, GenVisit, GenerateSpec, Population, Proportions,
    VisitVolume, PER_10K, PLAN_GOALS,
};
use ibis_core::municipality::{builtin_municipalities, PlanningRegion};
use ibis_core::outcome::{BudgetGroup, TargetGroup};
use ibis_core::personal_code::PersonalCode;
use ibis_core::plan::{FundingSource, LineStatus};
use ibis_core::policy::PolicySet;
use ibis_core::review::add_months;
use proptest::prelude::*;
use time::macros::date;

fn policies() -> PolicySet {
    PolicySet::builtin().expect("builtin policies")
}

fn spec(seed: u64, people: u32, months: u32) -> GenerateSpec {
    GenerateSpec::new(seed, people, months, date!(2026 - 11 - 22))
}

fn population(seed: u64, people: u32, months: u32) -> Population {
    generate(&spec(seed, people, months), &policies()).expect("generated")
}

#[test]
fn same_seed_same_population_and_visits_other_seed_differs() {
    let a = population(7, 300, 3);
    let b = population(7, 300, 3);
    assert_eq!(a, b);
    assert!(a.visits().eq(b.visits()));
    let c = population(8, 300, 3);
    assert_ne!(a.persons, c.persons);
    assert!(!a.visits().eq(c.visits()));
}

#[test]
fn service_months_end_before_as_of_month() {
    let s = spec(1, 1, 12);
    let m = s.service_months();
    assert_eq!(m.len(), 12);
    assert_eq!(m[0].from, date!(2025 - 11 - 01));
    assert_eq!(m[11].to, Some(date!(2026 - 11 - 01)));
}

/// At 10,000 people the shares are within 1.5 percentage points (150 parts per 10,000) of the
/// proportions asked for (the sampling error of a share at n = 10,000 is at most 0.5 points).
#[test]
fn proportions_hold_at_ten_thousand_people() {
    let pop = generate(
        &GenerateSpec {
            visits: VisitVolume::PerPersonMonth(2),
            ..spec(42, 10_000, 2)
        },
        &policies(),
    )
    .expect("generated");
    let p = Proportions::default();
    let tol = 150u64;
    let n = pop.persons.len() as u64;
    let close = |what: &str, got: u64, want: u64| {
        assert!(
            got.abs_diff(want) <= tol,
            "{what}: {got} per 10,000, expected {want} ± {tol}"
        );
    };
    let want_of = |items: &[(String, u32)], key: &str| -> u64 {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let w = items
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, w)| *w)
            .unwrap_or(0);
        u64::from(w) * u64::from(PER_10K) / total
    };

    // Target groups: the pilots' 102 children to 103 adults.
    let children = pop
        .persons
        .iter()
        .filter(|x| x.target_group == TargetGroup::ChildFt)
        .count() as u64;
    close("children", per_10k(children, n), 102 * 10_000 / 205);

    // Planning regions, by the municipalities' population.
    let munis = builtin_municipalities().expect("municipalities");
    let region_of: BTreeMap<&str, PlanningRegion> =
        munis.iter().map(|m| (m.code.as_str(), m.region)).collect();
    let total_pop: u64 = p.municipalities.iter().map(|(_, w)| u64::from(*w)).sum();
    for region in PlanningRegion::ALL {
        let want: u64 = p
            .municipalities
            .iter()
            .filter(|(c, _)| region_of[c.as_str()] == region)
            .map(|(_, w)| u64::from(*w))
            .sum::<u64>()
            * 10_000
            / total_pop;
        let got = pop
            .persons
            .iter()
            .filter(|x| region_of[x.municipality.as_str()] == region)
            .count() as u64;
        close(&format!("region {region}"), per_10k(got, n), want);
    }
    // Rīga alone.
    let riga = pop
        .persons
        .iter()
        .filter(|x| x.municipality == "riga")
        .count() as u64;
    close("riga", per_10k(riga, n), want_of(&p.municipalities, "riga"));

    // Levels, within each group (children's level as the policy derives it from the ratings).
    for (group, mix) in [
        (BudgetGroup::ChildFt, &p.child_levels),
        (BudgetGroup::AdultGrt, &p.adult_levels),
        (BudgetGroup::SupportPerson, &p.support_person_levels),
    ] {
        let budgets: Vec<_> = pop
            .persons
            .iter()
            .flat_map(|x| x.budgets.iter())
            .filter(|b| b.outcome.group == group)
            .collect();
        for (level, _) in mix.iter() {
            let got = budgets.iter().filter(|b| &b.level == level).count() as u64;
            close(
                &format!("{group} level {level}"),
                per_10k(got, budgets.len() as u64),
                want_of(mix, level),
            );
        }
    }

    // Support person among adults.
    let adults: Vec<_> = pop
        .persons
        .iter()
        .filter(|x| x.target_group == TargetGroup::AdultGrt)
        .collect();
    let with_sp = adults.iter().filter(|x| x.budgets.len() == 2).count() as u64;
    close(
        "support person",
        per_10k(with_sp, adults.len() as u64),
        u64::from(p.support_person),
    );

    // Children's extra needs (seed 000's five services).
    let kids: Vec<_> = pop
        .persons
        .iter()
        .filter(|x| x.target_group == TargetGroup::ChildFt)
        .collect();
    for (service, share) in &p.child_extra_needs {
        let got = kids
            .iter()
            .filter(|x| x.budgets[0].lines.iter().any(|l| &l.service == service))
            .count() as u64;
        close(
            &format!("need {service}"),
            per_10k(got, kids.len() as u64),
            u64::from(*share),
        );
    }

    // Service gaps exist for the five services, and every status occurs.
    let lines: Vec<_> = pop
        .persons
        .iter()
        .flat_map(|x| x.budgets.iter().flat_map(|b| b.lines.iter()))
        .collect();
    for status in LineStatus::ALL {
        assert!(
            lines.iter().any(|l| l.status == *status),
            "no line is {status}"
        );
    }
    let gaps = lines
        .iter()
        .filter(|l| l.status == LineStatus::NeededNotAvailable && l.service.starts_with("di-"))
        .count();
    let extra = lines
        .iter()
        .filter(|l| l.service.starts_with("di-"))
        .count();
    assert!(
        gaps * 5 > extra,
        "{gaps} of {extra} extra-service lines are gaps"
    );
}

#[test]
fn every_person_is_valid_and_every_outcome_computes_its_budget() {
    let set = policies();
    let pop = generate(&spec(3, 2_000, 2), &set).expect("generated");
    let mut codes = std::collections::BTreeSet::new();
    for x in &pop.persons {
        let code = PersonalCode::parse(&x.personal_code.compact()).expect("valid code");
        assert!(codes.insert(code), "duplicate code {code}");
        if let Some(b) = code.birth_date() {
            assert_eq!(b, x.birth_date, "{code}");
        } else {
            assert!(x.birth_date > date!(2017 - 06 - 30), "{code}");
        }
        let first = x.budgets[0].assessed_on;
        assert_eq!(first.day(), 1);
        assert!(first < pop.months[x.start_month as usize].from);
        let age = first.year()
            - x.birth_date.year()
            - i32::from((first.month(), first.day()) < (x.birth_date.month(), x.birth_date.day()));
        match x.target_group {
            TargetGroup::ChildFt => assert!((1..=17).contains(&age), "child aged {age}"),
            TargetGroup::AdultGrt => assert!((18..=80).contains(&age), "adult aged {age}"),
        }
        for b in &x.budgets {
            let e = set
                .compute(&b.outcome, b.period.from)
                .expect("outcome computes");
            assert_eq!(e.total_eur, b.monthly);
            assert_eq!(e.level, b.level);
            // The plan's budget-funded lines never cost more than the budget.
            let cost: i64 = b
                .lines
                .iter()
                .filter(|l| l.funding == FundingSource::IndividualBudget)
                .filter_map(|l| {
                    l.unit_price
                        .map(|p| ibis_core::money::line_amount(p, l.quantity_per_month).cents())
                })
                .sum();
            assert!(cost <= b.monthly.cents(), "{cost} > {}", b.monthly);
            for l in &b.lines {
                match l.status {
                    LineStatus::Received => {
                        let id = l.provider.expect("provider");
                        let prov = &pop.providers[(id - 1) as usize];
                        assert_eq!(prov.municipality, x.municipality);
                        assert_eq!(prov.offers.get(&l.service), l.unit_price.as_ref());
                    }
                    LineStatus::AvailableNotReceived => assert!(l.barrier.is_some()),
                    LineStatus::NeededNotAvailable => assert!(l.provider.is_none()),
                }
            }
        }
    }
    for p in &pop.providers {
        ibis_core::sepa::Iban::parse(&p.iban).expect("valid IBAN");
    }
}

#[test]
fn visit_total_is_exact_and_claims_stay_within_the_plan() {
    let pop = generate(
        &GenerateSpec {
            visits: VisitVolume::Total(12_345),
            ..spec(5, 400, 4)
        },
        &policies(),
    )
    .expect("generated");
    assert_eq!(pop.visit_total, 12_345);
    let mut count = 0u64;
    let mut fates: BTreeMap<String, u64> = BTreeMap::new();
    for x in &pop.persons {
        for m in 0..pop.months.len() {
            let visits = pop.visits_of(x, m);
            count += visits.len() as u64;
            let mut billed: BTreeMap<(usize, usize), u64> = BTreeMap::new();
            for v in &visits {
                assert!(pop.months[m].contains(v.service_date));
                assert!(v.start.date() == v.service_date && v.end > v.start);
                assert!(v.service_date < pop.spec.as_of);
                let line = &x.budgets[v.budget].lines[v.line];
                assert!(line.is_billable());
                assert_eq!(Some(v.provider), line.provider);
                *billed.entry((v.budget, v.line)).or_default() += v.quantity.milli();
                *fates
                    .entry(match v.fate {
                        ClaimFate::Approved => "approved".into(),
                        ClaimFate::Held(a) => a.code().into(),
                        ClaimFate::Refused(r) => r.code().into(),
                    })
                    .or_default() += 1;
            }
            for ((b, l), q) in billed {
                assert!(q <= x.budgets[b].lines[l].quantity_per_month.milli());
            }
        }
    }
    assert_eq!(count, 12_345);
    assert_eq!(count, pop.visits().count() as u64);
    assert!(fates["approved"] * 10 > count * 9, "{fates:?}");
    for k in [
        "price-above-agreement",
        "visit-shorter-than-billed",
        "disputed-visit",
    ] {
        assert!(fates.get(k).copied().unwrap_or(0) > 0, "no {k}: {fates:?}");
    }
}

/// Budgets run 6 to 12 months, one after another per scheme; a child stays under 18 at the
/// last reassessment; visits fall in a budget in force.
#[test]
fn budget_periods_follow_each_other_over_a_long_window() {
    let pop = generate(
        &GenerateSpec {
            visits: VisitVolume::PerPersonMonth(3),
            ..spec(9, 300, 30)
        },
        &policies(),
    )
    .expect("generated");
    let mut reassessed = 0;
    for x in &pop.persons {
        let mut by_group: BTreeMap<BudgetGroup, Vec<_>> = BTreeMap::new();
        for b in &x.budgets {
            let to = b.period.to.expect("ends");
            let months = (to.year() - b.period.from.year()) * 12 + i32::from(u8::from(to.month()))
                - i32::from(u8::from(b.period.from.month()));
            assert!((6..=12).contains(&months), "{months} months");
            assert!(b.assessed_on < b.period.from);
            by_group.entry(b.outcome.group).or_default().push(b);
        }
        for list in by_group.values() {
            assert_eq!(list[0].period.from, pop.months[x.start_month as usize].from);
            for w in list.windows(2) {
                assert_eq!(w[0].period.to, Some(w[1].period.from));
                reassessed += 1;
            }
        }
        if x.target_group == TargetGroup::ChildFt {
            let last = x.budgets.last().expect("a budget").assessed_on;
            assert!(ibis_core::registry::age_on(x.birth_date, last) < 18);
        }
        for m in 0..pop.months.len() {
            for v in pop.visits_of(x, m) {
                assert!(x.budgets[v.budget].period.contains(v.service_date));
            }
        }
    }
    assert!(reassessed > 100);
    assert_eq!(pop.visits().count() as u64, pop.visit_total);
}

#[test]
fn bad_specs_name_the_field() {
    let set = policies();
    let e = generate(&spec(1, 0, 1), &set).unwrap_err();
    assert_eq!(e.field, "people");
    let mut s = spec(1, 10, 1);
    s.proportions.municipalities = vec![("atlantis".into(), 1)];
    assert_eq!(
        generate(&s, &set).unwrap_err().field,
        "proportions.municipalities"
    );
    let mut s = spec(1, 10, 1);
    s.proportions.adult_levels = vec![("V".into(), 1)];
    s.proportions.target_groups = vec![(TargetGroup::AdultGrt, 1)];
    assert_eq!(generate(&s, &set).unwrap_err().field, "proportions");
    let s = GenerateSpec {
        visits: VisitVolume::Total(1_000_000),
        ..spec(1, 10, 1)
    };
    assert_eq!(generate(&s, &set).unwrap_err().field, "visits");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any small size: generated, reproducible, every visit within its person's months.
    #[test]
    fn small_populations_are_consistent(seed in any::<u64>(), people in 1u32..40, months in 1u32..5, rate in 0u32..30) {
        let set = policies();
        let s = GenerateSpec { visits: VisitVolume::PerPersonMonth(rate), ..spec(seed, people, months) };
        let pop = generate(&s, &set).expect("generated");
        prop_assert_eq!(pop.persons.len() as u32, people);
        prop_assert_eq!(pop.months.len() as u32, months);
        let visits: Vec<_> = pop.visits().collect();
        prop_assert_eq!(visits.len() as u64, pop.visit_total);
        prop_assert_eq!(pop.visit_total, u64::from(rate) * pop.visit_slots);
        for v in &visits {
            let x = &pop.persons[(v.person - 1) as usize];
            prop_assert!(v.service_date >= pop.months[x.start_month as usize].from);
        }
        let again = generate(&s, &set).expect("generated");
        prop_assert_eq!(&pop, &again);
    }
}

/// Reviews of people and of held claims come from their own streams: with their shares at 0 the
/// people and the visits are the same but for the reviews; with the default shares, the shares
/// hold and every review is where the rules put it.
#[test]
fn reviews_come_from_their_own_streams_in_their_proportions() {
    let base = GenerateSpec {
        visits: VisitVolume::PerPersonMonth(6),
        ..spec(9, 3_000, 14)
    };
    let with = generate(&base, &policies()).expect("generated");
    let mut quiet = base.clone();
    quiet.proportions.reviews_on_time = 0;
    quiet.proportions.held_reviewed = 0;
    let without = generate(&quiet, &policies()).expect("generated");
    for (a, b) in with.persons.iter().zip(&without.persons) {
        assert!(b.reviews.is_empty());
        assert_eq!(
            GenPerson {
                reviews: Vec::new(),
                ..a.clone()
            },
            *b
        );
    }
    assert!(with
        .visits()
        .map(|v| GenVisit { review: None, ..v })
        .eq(without.visits()));

    let p = Proportions::default();
    let as_of = base.as_of;
    // Reviews falling due (before as_of and the next reassessment, while the budgets assessed
    // are in force, a child under 18) and those that took place.
    let (mut due, mut held) = (0u64, 0u64);
    let mut scores: BTreeMap<i8, u64> = BTreeMap::new();
    for x in &with.persons {
        let months = match x.target_group {
            TargetGroup::ChildFt => 6,
            TargetGroup::AdultGrt => 12,
        };
        let mut days: Vec<_> = x.budgets.iter().map(|b| b.assessed_on).collect();
        days.dedup();
        for (k, a) in days.iter().enumerate() {
            let mut last = *a;
            loop {
                let d = add_months(last, months);
                let in_force = x
                    .budgets
                    .iter()
                    .filter(|b| b.assessed_on == *a)
                    .all(|b| b.period.contains(d));
                let adult_then = x.target_group == TargetGroup::ChildFt
                    && ibis_core::registry::age_on(x.birth_date, d) >= 18;
                if d >= as_of || days.get(k + 1).is_some_and(|n| d >= *n) || !in_force || adult_then
                {
                    break;
                }
                due += 1;
                let Some(r) = x.reviews.iter().find(|r| r.on == d) else {
                    break;
                };
                held += 1;
                assert_eq!(r.goals.len(), r.budgets.len());
                for (bi, g) in &r.goals {
                    assert!(x.budgets[*bi].period.contains(d));
                    assert_eq!(g.len(), PLAN_GOALS.len());
                    for s in g {
                        *scores.entry(s.score()).or_default() += 1;
                    }
                }
                last = d;
            }
        }
    }
    let reviews: u64 = with.persons.iter().map(|x| x.reviews.len() as u64).sum();
    assert_eq!(held, reviews, "every review is at a review date");
    assert!(due > 500, "{due} reviews due");
    let tol = 300;
    let close = |what: &str, got: u64, want: u64| {
        assert!(
            got.abs_diff(want) <= tol,
            "{what}: {got} per 10,000, expected {want} ± {tol}"
        );
    };
    close(
        "reviews on time",
        per_10k(held, due),
        u64::from(p.reviews_on_time),
    );
    let goals: u64 = scores.values().sum();
    let total_w: u64 = p.goal_attainment.iter().map(|(_, w)| u64::from(*w)).sum();
    for (g, w) in &p.goal_attainment {
        close(
            &format!("goal attainment {}", g.score()),
            per_10k(scores.get(&g.score()).copied().unwrap_or(0), goals),
            u64::from(*w) * 10_000 / total_w,
        );
    }

    // Held claims whose whole review window is before as_of: reviewed and approved shares.
    let (mut heldc, mut reviewed, mut approved) = (0u64, 0u64, 0u64);
    for v in with.visits() {
        match (v.fate, v.review) {
            (ClaimFate::Held(_), r) => {
                if let Some(r) = r {
                    assert!(r.on > v.service_date && r.on < as_of);
                    assert!((r.on - v.service_date).whole_days() <= i64::from(p.held_review_days));
                }
                if v.service_date + time::Duration::days(i64::from(p.held_review_days)) < as_of {
                    heldc += 1;
                    if let Some(r) = r {
                        reviewed += 1;
                        approved += u64::from(r.approve);
                    }
                }
            }
            (_, r) => assert_eq!(r, None, "only held claims are reviewed"),
        }
    }
    assert!(heldc > 1_000, "{heldc} held claims");
    close(
        "held reviewed",
        per_10k(reviewed, heldc),
        u64::from(p.held_reviewed),
    );
    close(
        "held approved",
        per_10k(approved, reviewed),
        u64::from(p.held_approved),
    );
}

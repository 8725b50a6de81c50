#![allow(clippy::unwrap_used)]
//! The whole cycle with the shipped policies: assessment -> budget decision (with its notice)
//! -> support plan within the budget and the caps -> review and worklist.

use std::collections::BTreeMap;

use ibis_core::assessment::{
    AdultAssessmentInput, AdultDomainsInput, AgeGroup, Assessment, ChildAssessmentInput,
    ChildRatingsInput, ConsultationInput, InstrumentResultInput, PreAssessmentInput, RatingInput,
    SupportAssessmentInput, TeamMemberInput,
};
use ibis_core::budget::ExplainedBudget;
use ibis_core::decision::{
    may_approve, notice, render_text, DecisionInput, DecisionTerms, DEFAULT_CONTEST_DAYS,
};
use ibis_core::field::FieldError;
use ibis_core::lang::Lang;
use ibis_core::money::{Money, UnitPrice};
use ibis_core::outcome::{BudgetGroup, LivingSituation, TargetGroup};
use ibis_core::plan::{
    can_sign, cost, transition, GoalInput, PlanContext, PlanInput, PlanLineInput, PlanState,
    ProviderFacts, TaskInput,
};
use ibis_core::policy::PolicySet;
use ibis_core::review::{
    add_months, budget_change, next_review_due, worklist, CaseFacts, ReviewRules, WorkKind,
};
use proptest::prelude::*;
use time::macros::date;
use time::Date;

const TODAY: Date = date!(2026 - 03 - 10);

fn set() -> PolicySet {
    PolicySet::builtin().unwrap()
}

fn fields(errs: &[FieldError]) -> Vec<&str> {
    errs.iter().map(|e| e.field.as_str()).collect()
}

fn rating(r: u8) -> Option<RatingInput> {
    Some(RatingInput {
        rating: r,
        note: "from the team's observation".into(),
    })
}

fn adult_assessment(level: &str) -> Assessment {
    let i = AdultAssessmentInput {
        assessed_on: "2026-03-02".into(),
        care_level: level.into(),
        domains: AdultDomainsInput {
            health: rating(2),
            self_care: rating(3),
            communication: rating(2),
            daily_living: rating(3),
        },
        rationale: "Needs support every day with meals, medicines and money.".into(),
        next_review_on: None,
    };
    Assessment::Adult(i.check(date!(1985 - 07 - 14), TODAY).unwrap())
}

fn decide(b: &ExplainedBudget) -> DecisionTerms {
    DecisionInput {
        period_from: "2026-04-01".into(),
        period_to: "2027-04-01".into(),
        amount_eur: None,
        override_reason: None,
    }
    .check(b)
    .unwrap()
}

/// A plan context from a decided budget: the catalogue's services, the budget's own prices as
/// the tariff, and one provider.
fn context<'a>(set: &'a PolicySet, b: &ExplainedBudget, terms: &DecisionTerms) -> PlanContext<'a> {
    let policy = set
        .policies
        .iter()
        .find(|p| p.id == b.policy.id && p.version == b.policy.version)
        .unwrap();
    let services = set
        .catalogue
        .iter()
        .map(|t| (t.code.clone(), (t.unit, t.name_en.clone())))
        .collect();
    let tariff_prices: BTreeMap<String, UnitPrice> = b
        .lines
        .iter()
        .map(|l| (l.service.clone(), l.unit_price_eur))
        .collect();
    let mut providers = BTreeMap::new();
    providers.insert(
        41,
        ProviderFacts {
            serves_person_municipality: true,
            offers: tariff_prices.clone(),
        },
    );
    PlanContext {
        budget_period: terms.period,
        monthly_budget: terms.monthly_amount,
        level: b.level.clone(),
        policy,
        services,
        providers,
        tariff_prices,
    }
}

fn plan_from(b: &ExplainedBudget) -> PlanInput {
    PlanInput {
        period_from: "2026-04-01".into(),
        period_to: "2026-10-01".into(),
        goals: vec![
            GoalInput {
                term: "long".into(),
                text: "Dzīvot pašam savā dzīvoklī.".into(),
            },
            GoalInput {
                term: "short".into(),
                text: "Iemācīties gatavot brokastis.".into(),
            },
        ],
        needs: "Daily support with meals and medicines; work in a workshop.".into(),
        lines: b
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| PlanLineInput {
                service: l.service.clone(),
                quantity_per_month: l.quantity.to_string(),
                provider_id: (i % 2 == 0).then_some(41),
                funding: "individual-budget".into(),
                status: "received".into(),
                barrier: None,
            })
            .collect(),
        tasks: vec![TaskInput {
            owner: "municipality".into(),
            text: "Arrange transport to the workshop".into(),
            due_on: "2026-04-15".into(),
        }],
    }
}

#[test]
fn adult_group_flat_plan_at_exactly_the_budget_passes_and_a_cent_more_is_refused() {
    let set = set();
    let a = adult_assessment("III");
    let b = set
        .compute(&a.outcome(Some(LivingSituation::GroupFlat)), TODAY)
        .unwrap();
    assert_eq!(b.total_eur.to_string(), "862.68");
    let terms = decide(&b);
    let ctx = context(&set, &b, &terms);

    let exact = plan_from(&b);
    let plan = exact.check(&ctx).unwrap();
    let c = cost(&plan, &ctx);
    assert_eq!(c.total.to_string(), "862.68");
    assert_eq!(c.overage, None);
    assert_eq!(c.lines.len(), 7);

    // Mentor 8.002 h at 5.00 = 40.01 instead of 40.00: one cent over.
    let mut over = plan_from(&b);
    let mentor = over
        .lines
        .iter()
        .position(|l| l.service == "mentor")
        .unwrap();
    over.lines[mentor].quantity_per_month = "8.002".into();
    let errs = over.check(&ctx).unwrap_err();
    assert_eq!(errs.len(), 8, "{errs:?}");
    assert_eq!(errs[7].field, "lines");
    assert_eq!(
        errs[7].message,
        "the lines cost 862.69 EUR a month, 0.01 EUR more than the budget of 862.68 EUR"
    );
    assert_eq!(
        errs[mentor].field,
        format!("lines[{mentor}].quantity_per_month")
    );
    assert_eq!(errs[mentor].message, "this line costs 40.01 EUR a month");
    let workshop = b
        .lines
        .iter()
        .position(|l| l.service == "workshop")
        .unwrap();
    assert_eq!(errs[workshop].message, "this line costs 134.40 EUR a month");
}

#[test]
fn a_plan_over_budget_reports_each_line_and_the_exact_overage() {
    let set = set();
    let b = set
        .compute(
            &adult_assessment("II").outcome(Some(LivingSituation::Family)),
            TODAY,
        )
        .unwrap();
    assert_eq!(b.total_eur.to_string(), "390.48");
    let terms = decide(&b);
    let ctx = context(&set, &b, &terms);
    // The same services, but 30 mentor hours instead of 20 and two more workshop days.
    let mut i = plan_from(&b);
    for l in &mut i.lines {
        match l.service.as_str() {
            "mentor" => l.quantity_per_month = "30".into(),
            "workshop" => l.quantity_per_month = "12".into(),
            _ => {}
        }
    }
    // A line paid by the family and a service gap cost the budget nothing.
    i.lines.push(PlanLineInput {
        service: "respite".into(),
        quantity_per_month: "1".into(),
        provider_id: None,
        funding: "family".into(),
        status: "received".into(),
        barrier: None,
    });
    i.lines.push(PlanLineInput {
        service: "day-centre".into(),
        quantity_per_month: "4".into(),
        provider_id: None,
        funding: "individual-budget".into(),
        status: "needed-not-available".into(),
        barrier: None,
    });
    let errs = i.check(&ctx).unwrap_err();
    assert_eq!(
        fields(&errs),
        [
            "lines[0].quantity_per_month",
            "lines[1].quantity_per_month",
            "lines[2].quantity_per_month",
            "lines[3].quantity_per_month",
            "lines",
        ]
    );
    let msgs: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "this line costs 161.28 EUR a month",
            "this line costs 32.40 EUR a month",
            "this line costs 123.68 EUR a month",
            "this line costs 150.00 EUR a month",
            // 161.28 + 32.40 + 123.68 + 150.00 = 467.36; 467.36 - 390.48 = 76.88.
            "the lines cost 467.36 EUR a month, 76.88 EUR more than the budget of 390.48 EUR",
        ]
    );
}

#[test]
fn support_person_over_the_level_cap_is_refused() {
    let set = set();
    let a = Assessment::Support(
        SupportAssessmentInput {
            assessed_on: "2026-03-02".into(),
            level: "1".into(),
            rationale: "Support with decisions about money.".into(),
            next_review_on: None,
        }
        .check(date!(1990 - 01 - 01), TODAY)
        .unwrap(),
    );
    let b = set.compute(&a.outcome(None), TODAY).unwrap();
    assert_eq!(b.total_eur.to_string(), "37.50");
    // Even with room in the budget (an override to 100 EUR), 8 hours exceed level 1's 7.5.
    let terms = DecisionInput {
        period_from: "2026-04-01".into(),
        period_to: "2026-10-01".into(),
        amount_eur: Some("100.00".into()),
        override_reason: Some("Testing the cap, not the money".into()),
    }
    .check(&b)
    .unwrap();
    let ctx = context(&set, &b, &terms);
    let mut i = plan_from(&b);
    i.lines[0].quantity_per_month = "8".into();
    let errs = i.check(&ctx).unwrap_err();
    assert_eq!(fields(&errs), ["lines[0].quantity_per_month"]);
    assert!(
        errs[0].message.contains("cap at level 1 of 7.5 a month"),
        "{}",
        errs[0].message
    );
    i.lines[0].quantity_per_month = "7.5".into();
    assert!(i.check(&ctx).is_ok());
}

#[test]
fn child_cycle_from_assessment_to_notice_and_worklist() {
    let set = set();
    let birth = date!(2014 - 09 - 01);
    let i = ChildAssessmentInput {
        assessed_on: "2026-03-02".into(),
        ratings: ChildRatingsInput {
            physical: rating(3),
            intellectual: rating(2),
            social: rating(3),
            behaviour: rating(2),
        },
        instruments: vec![InstrumentResultInput {
            instrument: "woodcock-johnson".into(),
            result: "GIA 71".into(),
        }],
        team: ["social-worker", "psychologist", "occupational-therapist"]
            .iter()
            .map(|r| TeamMemberInput {
                role: (*r).into(),
                name: format!("Specialist {r}"),
            })
            .collect(),
        pre_assessment: PreAssessmentInput {
            impairment_type: "movement".into(),
            technical_aids: "walker".into(),
            education: "school, 5th form".into(),
        },
        place: "home".into(),
        consultations: vec![ConsultationInput {
            topic: "with the parents".into(),
            minutes: 120,
        }],
        next_review_on: None,
    };
    let a = Assessment::Child(i.check(birth, TODAY).unwrap());
    match &a {
        Assessment::Child(c) => assert_eq!(c.age_group, AgeGroup::From7To11),
        _ => unreachable!(),
    }
    assert_eq!(a.next_review_on(), date!(2026 - 09 - 02));
    let b = set
        .compute(&a.outcome(Some(LivingSituation::Family)), TODAY)
        .unwrap();
    assert_eq!(b.level, "3");
    let terms = decide(&b);
    let n = notice("Marta Liepa", TODAY, &b, &terms, DEFAULT_CONTEST_DAYS);
    let lv = render_text(&n, Lang::Lv);
    let en = render_text(&n, Lang::En);
    assert!(lv.contains("četru jomu vērtējumu summa 10"), "{lv}");
    assert!(en.contains("the four domain ratings add up to 10"), "{en}");
    assert!(en.contains("Short-term care"), "{en}");
    assert!(en.contains("(illustrative)"), "{en}");
    assert!(lv.contains("09.04.2026."), "{lv}");
    assert!(en.contains("by 9 April 2026"), "{en}");
    for f in &n.factors {
        assert!(lv.contains(&f.label_lv) && en.contains(&f.label_en));
    }

    // The broker of the child may not approve; the worklist shows the open steps.
    assert_eq!(may_approve(3, &[3]).unwrap_err().field, "approver");
    let facts = CaseFacts {
        person_id: 1,
        target_group: TargetGroup::ChildFt,
        birth_date: birth,
        last_assessed_on: Some(a.assessed_on()),
        next_review_on: Some(a.next_review_on()),
        plan_state: Some(PlanState::Draft),
        plan_signed: false,
        assessment_without_decision: false,
    };
    let w = worklist(
        date!(2026 - 08 - 10),
        std::slice::from_ref(&facts),
        &ReviewRules::default(),
    );
    let kinds: Vec<WorkKind> = w.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, [WorkKind::ReviewDue, WorkKind::AwaitingSignature]);
    // Turning 16 on 2030-09-01 brings the transition alert.
    let w = worklist(
        date!(2030 - 09 - 01),
        &[CaseFacts {
            next_review_on: None,
            last_assessed_on: None,
            plan_state: None,
            ..facts
        }],
        &ReviewRules::default(),
    );
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].kind, WorkKind::Transition);
    assert_eq!(w[0].due_on, Some(date!(2032 - 09 - 01)));
}

#[test]
fn signing_and_states() {
    assert!(can_sign(PlanState::Draft, &[], "Anna").is_ok());
    assert!(transition(PlanState::Draft, PlanState::Agreed).is_ok());
    assert!(can_sign(PlanState::Agreed, &[], "Anna").is_err());
    let e = transition(PlanState::Closed, PlanState::Active).unwrap_err();
    assert!(e.contains("closed") && e.contains("active"));
}

#[test]
fn reassessment_changes_the_budget_only_with_the_level() {
    let set = set();
    let living = Some(LivingSituation::Family);
    let old = set
        .compute(&adult_assessment("II").outcome(living), TODAY)
        .unwrap();
    let same = set
        .compute(&adult_assessment("II").outcome(living), TODAY)
        .unwrap();
    assert!(budget_change(&old, &same, date!(2026 - 06 - 01)).is_none());
    let new = set
        .compute(&adult_assessment("IV").outcome(living), TODAY)
        .unwrap();
    let c = budget_change(&old, &new, date!(2026 - 06 - 01)).unwrap();
    assert_eq!(c.new_monthly.to_string(), "789.86");
    assert_eq!(c.difference, Money::from_cents(78986 - 39048));
    assert_eq!(c.old_group, BudgetGroup::AdultGrt);
    assert_eq!(
        next_review_due(
            TargetGroup::AdultGrt,
            date!(2026 - 08 - 31),
            &ReviewRules::default()
        ),
        date!(2027 - 08 - 31)
    );
}

proptest! {
    #[test]
    fn add_months_is_total_and_clamps(
        y in 1900i32..=2200,
        m in 1u8..=12,
        d in 1u8..=31,
        months in 0u32..=2400,
    ) {
        let month = time::Month::try_from(m).unwrap();
        let day = d.min(month.length(y));
        let date = Date::from_calendar_date(y, month, day).unwrap();
        let r = add_months(date, months);
        prop_assert!(r.day() <= date.day());
        prop_assert!(r >= date);
    }

    #[test]
    fn nothing_ever_leaves_closed(i in 0usize..PlanState::ALL.len()) {
        prop_assert!(transition(PlanState::Closed, PlanState::ALL[i]).is_err());
    }
}

//! Spending the budget: agreements, claims decided by `claim::decide`, the ledger, payment runs
//! and their SEPA file, through the public API; and property tests that the ledger built from
//! any sequence of allocations, claims, reviews, payments, adjustments and closes always keeps
//! its invariants and never overspends.

#![allow(clippy::unwrap_used)]

use ibis_core::agreement::{AgreementContext, AgreementInput};
use ibis_core::catalogue::Unit;
use ibis_core::claim::{
    decide, AgreementTerms, CapUse, CheckInMethod, ClaimContext, ClaimDecision, ClaimLine,
    ClaimOutcome, Confirmation, EarlierClaim, SessionKind, Visit,
};
use ibis_core::ledger::{
    balances, balances_by_line, check_invariants, close_period, entries_for_adjustment,
    entries_for_allocation, entries_for_approval, entries_for_decision, entries_for_payment,
    payables, Entry, EntryKind, UnspentRule,
};
use ibis_core::money::{line_amount, Money, Quantity, UnitPrice};
use ibis_core::outcome::BudgetGroup;
use ibis_core::plan::{FundingSource, LineStatus, PlanLine};
use ibis_core::policy::{Cap, CapSpan, PolicySet};
use ibis_core::sepa::{pain_001_001_03, Payment, PaymentRun};
use ibis_core::Period;
use proptest::prelude::*;
use time::macros::{date, datetime};
use time::Date;

const TODAY: Date = date!(2026 - 04 - 30);
const LINE: &str = "budget:1";

fn decided(o: ClaimOutcome) -> ClaimDecision {
    match o {
        ClaimOutcome::Decided(d) => d,
        ClaimOutcome::Replay { .. } => panic!("unexpected replay"),
    }
}

fn visit(id: i64, start: time::PrimitiveDateTime, minutes: i64) -> Visit {
    Visit {
        id,
        person_id: 1,
        provider_id: 41,
        specialist: "mentor-3".into(),
        start,
        end: Some(start + time::Duration::minutes(minutes)),
        kind: SessionKind::Individual,
        method: CheckInMethod::Card,
        confirmation: Confirmation::Confirmed,
    }
}

/// A support person at level 2 under the shipped policy: an agreement above the illustrative
/// tariff, claims against the 20-hour cap, a held claim, a payment run and its file.
#[test]
fn a_month_of_support_person_hours_from_agreement_to_the_bank_file() {
    let set = PolicySet::builtin().unwrap();
    let policy = set.select(BudgetGroup::SupportPerson, TODAY).unwrap();
    let caps: Vec<Cap> = policy.caps_for("support-person", "2").cloned().collect();
    assert_eq!(caps.len(), 1);
    assert_eq!(caps[0].max.to_string(), "20");
    assert_eq!(caps[0].per, CapSpan::Month);

    let lines = vec![PlanLine {
        service: "support-person".into(),
        service_name: "Atbalsta persona".into(),
        unit: Unit::Hour,
        quantity_per_month: "20".parse().unwrap(),
        provider_id: Some(41),
        funding: FundingSource::IndividualBudget,
        status: LineStatus::Received,
        barrier: None,
    }];
    let plan_period = Period::new(date!(2026 - 04 - 01), date!(2026 - 10 - 01)).unwrap();
    let agreement = AgreementInput {
        payee: None,
        plan_line: 0,
        provider_id: 41,
        service: "support-person".into(),
        unit_price_eur: "6.50".into(),
        period_from: "2026-04-01".into(),
        period_to: "2026-10-01".into(),
        quantity_per_month: "20".into(),
    }
    .check(&AgreementContext {
        plan_period,
        plan_lines: &lines,
        tariff_price: Some("5.00".parse().unwrap()),
        other_agreements: &[],
    })
    .unwrap();
    assert_eq!(agreement.co_payment_per_unit.to_string(), "1.50");
    let terms = AgreementTerms::of(9, 1, Unit::Hour, &agreement);

    let mut ledger =
        entries_for_allocation(&[], LINE, Money::from_cents(20000), "decision:1", TODAY).unwrap();
    let mut earlier: Vec<EarlierClaim> = Vec::new();
    let mut used = Quantity::ZERO;
    let mut visits: Vec<Visit> = Vec::new();
    let mut submit = |line: ClaimLine, v: Option<Visit>, ledger: &mut Vec<Entry>| {
        let ctx = ClaimContext {
            today: TODAY,
            agreement: Some(terms.clone()),
            plan_active: vec![plan_period],
            used_this_month: used,
            caps: caps
                .iter()
                .map(|c| CapUse {
                    cap: c.clone(),
                    used,
                })
                .collect(),
            remaining_balance: balances(ledger).remaining,
            earlier_claims: earlier.clone(),
            visit: v.clone(),
            other_visits_same_specialist: visits.clone(),
        };
        let outcome = decide(&line, &ctx);
        if let ClaimOutcome::Decided(d) = &outcome {
            let key = format!("claim:41:{}", line.idempotency_key);
            ledger.extend(entries_for_decision(ledger, d, LINE, &key, TODAY).unwrap());
            earlier.push(EarlierClaim::of(&line, d.accepted));
            if d.accepted {
                used = used + line.quantity;
            }
        }
        if let Some(v) = v {
            visits.push(v);
        }
        outcome
    };

    // Week by week, 4.5 hours of visits claimed as such.
    let mut keys = Vec::new();
    for (i, day) in [6u8, 13, 20, 27].iter().enumerate() {
        let start = time::PrimitiveDateTime::new(
            Date::from_calendar_date(2026, time::Month::April, *day).unwrap(),
            time::macros::time!(10:00),
        );
        let id = i64::try_from(i).unwrap() + 100;
        let v = visit(id, start, 270);
        let line = ClaimLine {
            receipt: None,
            idempotency_key: format!("apr-{day}"),
            agreement_id: 9,
            service_date: start.date(),
            quantity: v.hours().unwrap(),
            unit_price: "6.50".parse().unwrap(),
            visit_id: Some(id),
        };
        keys.push(line.clone());
        let d = decided(submit(line, Some(v), &mut ledger));
        assert!(d.accepted && !d.needs_review, "{d:?}");
        assert_eq!(d.amount.to_string(), "22.50");
        assert_eq!(d.co_payment.to_string(), "6.75");
    }
    // 18 hours used; 2.5 more would pass the 20-hour cap.
    let over = ClaimLine {
        receipt: None,
        idempotency_key: "apr-28".into(),
        agreement_id: 9,
        service_date: date!(2026 - 04 - 28),
        quantity: "2.5".parse().unwrap(),
        unit_price: "6.50".parse().unwrap(),
        visit_id: None,
    };
    let d = decided(submit(over, None, &mut ledger));
    assert!(!d.accepted);
    let codes: Vec<&str> = d.reasons.iter().map(|r| r.code.code()).collect();
    assert_eq!(codes, vec!["over-plan-quantity", "over-cap"]);
    // The same line sent again under its key is a replay: nothing more is charged.
    let before = ledger.len();
    assert!(matches!(
        submit(keys[0].clone(), None, &mut ledger),
        ClaimOutcome::Replay { .. }
    ));
    assert_eq!(ledger.len(), before);
    // Two hours without a visit: accepted, held for review, then approved.
    let held = ClaimLine {
        receipt: None,
        idempotency_key: "apr-29".into(),
        agreement_id: 9,
        service_date: date!(2026 - 04 - 29),
        quantity: "2".parse().unwrap(),
        unit_price: "5.00".parse().unwrap(),
        visit_id: None,
    };
    let d = decided(submit(held, None, &mut ledger));
    assert!(d.accepted && d.needs_review);
    assert_eq!(d.anomalies[0].code.code(), "no-visit");
    assert_eq!(balances(&ledger).reserved.to_string(), "10.00");
    let approval = entries_for_approval(&ledger, LINE, "claim:41:apr-29", true, TODAY).unwrap();
    ledger.extend(approval);

    let b = balances(&ledger);
    assert_eq!(b.approved.to_string(), "100.00");
    assert_eq!(b.remaining.to_string(), "100.00");
    assert_eq!(b.reserved, Money::ZERO);

    // The payment run pays what is payable, once.
    let due = payables(&ledger, LINE);
    assert_eq!(due.len(), 5);
    let run = PaymentRun {
        msg_id: "OGRE-2026-04".into(),
        created_at: datetime!(2026-04-30 16:00),
        debtor_name: "Ogres novada pašvaldība".into(),
        debtor_iban: "LV80BANK0000435195001".into(),
        debtor_bic: None,
        execution_date: date!(2026 - 05 - 04),
        payments: vec![Payment {
            end_to_end_id: "IB-41-2026-04".into(),
            creditor_name: "Biedrība Atbalsts".into(),
            creditor_iban: "LV80BANK0000435195001".into(),
            amount: due.iter().map(|(_, m)| *m).sum(),
            remittance: "Atbalsta persona, 2026. gada aprīlis".into(),
        }],
    };
    let xml = pain_001_001_03(&run).unwrap();
    assert!(xml.contains("<CtrlSum>100.00</CtrlSum>"));
    ledger.extend(entries_for_payment(&ledger, LINE, date!(2026 - 05 - 04)));
    assert!(entries_for_payment(&ledger, LINE, date!(2026 - 05 - 04)).is_empty());
    ledger.extend(
        close_period(
            &ledger,
            LINE,
            &UnspentRule::default(),
            date!(2026 - 10 - 01),
        )
        .unwrap(),
    );
    let b = balances(&ledger);
    assert_eq!(
        (b.paid.to_string(), b.returned.to_string()),
        ("100.00".into(), "100.00".into())
    );
    assert_eq!(b.remaining, Money::ZERO);
    check_invariants(&ledger).unwrap();
}

// ---- Property tests -------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Allocate(i64),
    Claim {
        milli: u64,
        price_cents: i64,
        with_visit: bool,
    },
    Resend,
    Review {
        pick: usize,
        approve: bool,
    },
    Pay,
    Adjust(i64),
    Close(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0i64..50_000).prop_map(Op::Allocate),
        6 => (1u64..12_000, 0i64..2_000, any::<bool>()).prop_map(|(milli, price_cents, with_visit)| Op::Claim {
            milli,
            price_cents,
            with_visit
        }),
        1 => Just(Op::Resend),
        2 => (0usize..8, any::<bool>()).prop_map(|(pick, approve)| Op::Review { pick, approve }),
        2 => Just(Op::Pay),
        1 => (-20_000i64..20_000).prop_map(Op::Adjust),
        1 => any::<bool>().prop_map(Op::Close),
    ]
}

fn cap() -> Cap {
    Cap {
        services: vec!["consultations".into()],
        level: None,
        per: CapSpan::Month,
        max: "40".parse().unwrap(),
        source: "test".into(),
    }
}

fn terms() -> AgreementTerms {
    AgreementTerms {
        payment_mode: None,
        id: 3,
        person_id: 1,
        provider_id: 41,
        service: "consultations".into(),
        unit: Unit::Hour,
        period: Period::new(date!(2026 - 01 - 01), date!(2027 - 01 - 01)).unwrap(),
        price: "20.00".parse().unwrap(),
        covered_price: "15.46".parse().unwrap(),
        quantity_per_month: "40".parse().unwrap(),
    }
}

/// Every balance recomputed from the entries kind by kind, independently of `balances`.
fn sums(entries: &[Entry], line: &str) -> [Money; 7] {
    let sum = |k: EntryKind| -> Money {
        entries
            .iter()
            .filter(|e| e.budget_line == line && e.kind == k)
            .map(|e| e.amount)
            .sum()
    };
    [
        sum(EntryKind::Allocation),
        sum(EntryKind::Reservation),
        sum(EntryKind::ReservationRelease),
        sum(EntryKind::ApprovedClaim),
        sum(EntryKind::Payment),
        sum(EntryKind::Adjustment),
        sum(EntryKind::PeriodClose),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_ledger_always_balances_and_never_overspends(ops in prop::collection::vec(op(), 1..60)) {
        let mut ledger: Vec<Entry> = Vec::new();
        let mut earlier: Vec<EarlierClaim> = Vec::new();
        let mut last: Option<ClaimLine> = None;
        let mut used = Quantity::ZERO;
        let mut held: Vec<String> = Vec::new();
        let mut closed = false;
        let mut n = 0u32;
        for op in ops {
            match op {
                Op::Allocate(c) => {
                    let r = entries_for_allocation(&ledger, LINE, Money::from_cents(c), "alloc", TODAY);
                    prop_assert_eq!(r.is_err(), closed);
                    if let Ok(e) = r { ledger.extend(e); }
                }
                Op::Claim { milli, price_cents, with_visit } => {
                    n += 1;
                    let line = ClaimLine {
            receipt: None,
                        idempotency_key: format!("k{n}"),
                        agreement_id: 3,
                        service_date: date!(2026 - 04 - 15),
                        quantity: Quantity::from_milli(milli),
                        unit_price: UnitPrice::from_cents(price_cents),
                        visit_id: with_visit.then_some(i64::from(n)),
                    };
                    let remaining = balances(&ledger).remaining;
                    let ctx = ClaimContext {
                        today: TODAY,
                        agreement: Some(terms()),
                        plan_active: vec![Period::year(2026)],
                        used_this_month: used,
                        caps: vec![CapUse { cap: cap(), used }],
                        remaining_balance: remaining,
                        earlier_claims: earlier.clone(),
                        visit: with_visit.then(|| visit(i64::from(n), datetime!(2026-04-15 08:00), 720)),
                        other_visits_same_specialist: vec![],
                    };
                    let d = decided(decide(&line, &ctx));
                    // The budget's part is the covered price times the quantity, rounded once.
                    if d.accepted {
                        let covered = line.unit_price.min(terms().covered_price);
                        prop_assert_eq!(d.amount, line_amount(covered, line.quantity));
                        prop_assert_eq!(d.amount + d.co_payment, line_amount(line.unit_price, line.quantity));
                        prop_assert!(d.amount <= remaining);
                        prop_assert_eq!(d.needs_review, !with_visit);
                    } else {
                        prop_assert_eq!(d.amount, Money::ZERO);
                    }
                    let key = format!("claim:{}", line.idempotency_key);
                    let r = entries_for_decision(&ledger, &d, LINE, &key, TODAY);
                    // What `decide` accepted against the balance from `balances`, the ledger
                    // takes, unless the period is closed.
                    prop_assert_eq!(r.is_err(), closed && d.accepted);
                    if let Ok(e) = r {
                        if d.accepted {
                            used = used + line.quantity;
                            if d.needs_review { held.push(key); }
                        }
                        ledger.extend(e);
                    }
                    earlier.push(EarlierClaim::of(&line, d.accepted));
                    last = Some(line);
                }
                Op::Resend => {
                    if let Some(line) = &last {
                        let ctx = ClaimContext {
                            today: TODAY,
                            agreement: Some(terms()),
                            plan_active: vec![Period::year(2026)],
                            used_this_month: used,
                            caps: vec![],
                            remaining_balance: balances(&ledger).remaining,
                            earlier_claims: earlier.clone(),
                            visit: None,
                            other_visits_same_specialist: vec![],
                        };
                        let is_replay = matches!(decide(line, &ctx), ClaimOutcome::Replay { .. });
                        prop_assert!(is_replay);
                    }
                }
                Op::Review { pick, approve } => {
                    if !held.is_empty() {
                        let key = held.remove(pick % held.len());
                        let e = entries_for_approval(&ledger, LINE, &key, approve, TODAY).unwrap();
                        ledger.extend(e);
                        prop_assert!(entries_for_approval(&ledger, LINE, &key, approve, TODAY).is_err());
                    }
                }
                Op::Pay => {
                    let e = entries_for_payment(&ledger, LINE, TODAY);
                    ledger.extend(e);
                    prop_assert!(entries_for_payment(&ledger, LINE, TODAY).is_empty());
                    prop_assert_eq!(balances(&ledger).payable, Money::ZERO);
                }
                Op::Adjust(c) => {
                    if let Ok(e) = entries_for_adjustment(&ledger, LINE, Money::from_cents(c), "fix", TODAY) {
                        ledger.extend(e);
                    }
                }
                Op::Close(carry) => {
                    let rule = if carry {
                        UnspentRule::CarryOver { to_budget_line: "budget:2".into() }
                    } else {
                        UnspentRule::Return
                    };
                    let r = close_period(&ledger, LINE, &rule, TODAY);
                    prop_assert_eq!(r.is_ok(), !closed && held.is_empty());
                    if let Ok(e) = r {
                        ledger.extend(e);
                        closed = true;
                    }
                }
            }

            // Invariants after every step.
            if let Err(e) = check_invariants(&ledger) {
                return Err(TestCaseError::fail(e));
            }
            let b = balances_by_line(&ledger).get(LINE).copied().unwrap_or_default();
            let [alloc, res, rel, appr, paid, adj, close] = sums(&ledger, LINE);
            prop_assert_eq!(b.allocated, alloc);
            prop_assert_eq!(b.reserved, res - rel);
            prop_assert_eq!(b.approved, appr);
            prop_assert_eq!(b.paid, paid);
            prop_assert_eq!(b.adjusted, adj);
            prop_assert_eq!(b.returned, close);
            let effects: Money = ledger
                .iter()
                .filter(|e| e.budget_line == LINE)
                .map(Entry::effect_on_remaining)
                .sum();
            prop_assert_eq!(b.remaining, effects);
            // It balances, and never more is spent or held than was given.
            prop_assert_eq!(b.allocated + b.adjusted, b.remaining + b.reserved + b.approved + b.returned);
            prop_assert_eq!(b.approved, b.paid + b.payable);
            prop_assert!(!b.remaining.is_negative());
            prop_assert!(b.approved + b.reserved <= b.allocated + b.adjusted);
            prop_assert!(b.paid <= b.approved);
            // The cap is never passed.
            prop_assert!(used <= cap().max);
        }
    }

    #[test]
    fn entries_appended_in_any_order_are_judged_the_same_as_balances(
        amounts in prop::collection::vec((0usize..7, 0i64..10_000), 0..40)
    ) {
        // Whatever the entries, `balances` is the sum of them kind by kind, and a ledger that
        // passes `check_invariants` has nothing negative.
        let entries: Vec<Entry> = amounts
            .iter()
            .enumerate()
            .map(|(i, (k, c))| Entry::new(EntryKind::ALL[*k], TODAY, Money::from_cents(*c), LINE, format!("r{}", i % 3)))
            .collect();
        let b = balances(&entries);
        let [alloc, res, rel, appr, paid, adj, close] = sums(&entries, LINE);
        prop_assert_eq!(b.remaining, alloc + adj + rel - res - appr - close);
        prop_assert_eq!(b.payable, appr - paid);
        if check_invariants(&entries).is_ok() {
            prop_assert!(!b.remaining.is_negative());
            prop_assert!(!b.reserved.is_negative());
            prop_assert!(b.paid <= b.approved);
        }
    }
}

//! The budget ledger (virsgrāmata): append-only entries per budget line from which every
//! balance is derived. Nothing is ever changed or deleted; a correction is a new entry.
//!
//! A *budget line* is whatever the caller keeps one balance for, named by a string: typically
//! one decided budget of one person (`budget:42`), so that a claim is checked against the
//! budget's remaining balance.
//!
//! **Sign convention.** Every entry's `amount` is zero or more, except an `adjustment`, which
//! is signed: more than zero adds money to the budget line (a correction upward, a refund put
//! back), less than zero takes money from it. What each kind does to the balances:
//!
//! | kind | amount | effect on `remaining` | balance it adds to |
//! | --- | --- | --- | --- |
//! | `allocation` | ≥ 0 | + amount | `allocated` |
//! | `adjustment` | ≠ 0, signed | + amount | `adjusted` |
//! | `reservation` | ≥ 0 | − amount | `reserved` |
//! | `reservation-release` | ≥ 0 | + amount | `reserved` (− amount) |
//! | `approved-claim` | ≥ 0 | − amount | `approved` |
//! | `payment` | ≥ 0 | none (moves approved to paid) | `paid` |
//! | `period-close` | ≥ 0 | − amount | `returned` |
//!
//! So `remaining = allocated + adjusted − reserved − approved − returned` is the sum of the
//! entries' effects ([`Entry::effect_on_remaining`]), the ledger always balances
//! (`allocated + adjusted = remaining + reserved + approved + returned`), and
//! `payable = approved − paid`.
//!
//! **References.** A reservation, its release, an approved claim and its payments carry the
//! same `ref_id` (the claim line's reference, e.g. `claim:<provider>:<idempotency key>`), so
//! that each claim is reserved, approved and paid at most once.
//!
//! **Flow.** A claim accepted without anomalies is approved at once; one accepted with
//! anomalies is reserved (held) until the case manager approves or refuses it
//! ([`entries_for_decision`], [`entries_for_approval`]). Payment runs pay what is payable per
//! claim ([`entries_for_payment`]): a second run over the same ledger pays nothing, which is
//! what makes runs idempotent. At the period's end the remaining balance follows the policy
//! ([`close_period`]): returned by default.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::claim::ClaimDecision;
use crate::money::Money;

crate::coded_enum!(
    /// What an entry records.
    EntryKind, "kind", {
        /// Money put on the budget line (the decided budget).
        Allocation = "allocation",
        /// Money held for a claim awaiting review.
        Reservation = "reservation",
        /// A hold ended (the claim approved or refused).
        ReservationRelease = "reservation-release",
        /// A claim approved for payment.
        ApprovedClaim = "approved-claim",
        /// An approved claim paid.
        Payment = "payment",
        /// A correction, signed.
        Adjustment = "adjustment",
        /// The period closed: the remaining balance leaves the line.
        PeriodClose = "period-close",
    }
);

/// One ledger entry. See the module documentation for the sign convention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// What it records.
    pub kind: EntryKind,
    /// The booking day.
    pub on: Date,
    /// The amount: zero or more, except a signed adjustment.
    pub amount: Money,
    /// The budget line it belongs to.
    pub budget_line: String,
    /// What it refers to: the claim line for reservations, releases, approved claims and
    /// payments; the decision, correction or close otherwise.
    pub ref_id: String,
}

impl Entry {
    /// An entry.
    pub fn new(
        kind: EntryKind,
        on: Date,
        amount: Money,
        budget_line: impl Into<String>,
        ref_id: impl Into<String>,
    ) -> Self {
        Entry {
            kind,
            on,
            amount,
            budget_line: budget_line.into(),
            ref_id: ref_id.into(),
        }
    }

    /// What the entry does to the remaining balance (see the module's table).
    pub fn effect_on_remaining(&self) -> Money {
        match self.kind {
            EntryKind::Allocation | EntryKind::Adjustment | EntryKind::ReservationRelease => {
                self.amount
            }
            EntryKind::Reservation | EntryKind::ApprovedClaim | EntryKind::PeriodClose => {
                -self.amount
            }
            EntryKind::Payment => Money::ZERO,
        }
    }
}

/// The balances of a budget line, all derived from its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Balances {
    /// Sum of allocations.
    pub allocated: Money,
    /// Money held for claims under review: reservations less releases.
    pub reserved: Money,
    /// Sum of approved claims.
    pub approved: Money,
    /// Sum of payments.
    pub paid: Money,
    /// Sum of adjustments (signed).
    pub adjusted: Money,
    /// What left the line at the period's close.
    pub returned: Money,
    /// What can still be spent: allocated + adjusted − reserved − approved − returned.
    pub remaining: Money,
    /// Approved but not yet paid: approved − paid.
    pub payable: Money,
}

impl Balances {
    /// Adds one entry.
    pub fn add(&mut self, e: &Entry) {
        match e.kind {
            EntryKind::Allocation => self.allocated += e.amount,
            EntryKind::Reservation => self.reserved += e.amount,
            EntryKind::ReservationRelease => self.reserved -= e.amount,
            EntryKind::ApprovedClaim => self.approved += e.amount,
            EntryKind::Payment => self.paid += e.amount,
            EntryKind::Adjustment => self.adjusted += e.amount,
            EntryKind::PeriodClose => self.returned += e.amount,
        }
        self.remaining += e.effect_on_remaining();
        self.payable = self.approved - self.paid;
    }
}

/// The balances of the given entries (pass the entries of one budget line; over several lines
/// the result is their sum).
pub fn balances(entries: &[Entry]) -> Balances {
    let mut b = Balances::default();
    for e in entries {
        b.add(e);
    }
    b
}

/// The balances of each budget line.
pub fn balances_by_line(entries: &[Entry]) -> BTreeMap<String, Balances> {
    let mut map: BTreeMap<String, Balances> = BTreeMap::new();
    for e in entries {
        map.entry(e.budget_line.clone()).or_default().add(e);
    }
    map
}

/// The entries of one budget line, in order.
pub fn entries_of<'a>(
    entries: &'a [Entry],
    budget_line: &'a str,
) -> impl Iterator<Item = &'a Entry> + 'a {
    entries.iter().filter(move |e| e.budget_line == budget_line)
}

fn line_balances(entries: &[Entry], budget_line: &str) -> Balances {
    let mut b = Balances::default();
    for e in entries_of(entries, budget_line) {
        b.add(e);
    }
    b
}

#[derive(Default)]
struct RefTotals {
    reserved: Money,
    released: Money,
    reservations: u32,
    releases: u32,
    approved: Money,
    approvals: u32,
    paid: Money,
}

/// Checks the ledger's invariants over all its entries, budget line by budget line, in order,
/// and names the first entry (by index in `entries`) that breaks one:
///
/// - amounts follow the sign convention (only an adjustment is negative; it is never zero);
/// - after every entry, the remaining balance is not negative, so never more is approved or
///   held than was allocated plus adjustments;
/// - never more released than reserved, overall and per claim;
/// - never more paid than approved, overall and per claim;
/// - a claim is reserved at most once and approved at most once;
/// - a period close happens at most once, and after it only payments follow (of claims
///   approved before it): it is the last entry that changes the balance.
pub fn check_invariants(entries: &[Entry]) -> Result<(), String> {
    struct LineState {
        b: Balances,
        refs: BTreeMap<String, RefTotals>,
        closed_at: Option<usize>,
    }
    let mut lines: BTreeMap<&str, LineState> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        let at = format!(
            "entry {i} ({} {} on {}, {}, ref {})",
            e.kind, e.amount, e.on, e.budget_line, e.ref_id
        );
        match e.kind {
            EntryKind::Adjustment if e.amount.is_zero() => {
                return Err(format!("{at}: an adjustment of zero changes nothing"));
            }
            EntryKind::Adjustment => {}
            _ if e.amount.is_negative() => {
                return Err(format!(
                    "{at}: a {} is never negative; a correction is a signed adjustment",
                    e.kind
                ));
            }
            _ => {}
        }
        let st = lines.entry(e.budget_line.as_str()).or_insert(LineState {
            b: Balances::default(),
            refs: BTreeMap::new(),
            closed_at: None,
        });
        if let Some(c) = st.closed_at {
            if e.kind != EntryKind::Payment {
                return Err(format!(
                    "{at}: the period closed at entry {c}; after the close only payments of claims approved before it may follow"
                ));
            }
        }
        let r = st.refs.entry(e.ref_id.clone()).or_default();
        match e.kind {
            EntryKind::Reservation => {
                r.reserved += e.amount;
                r.reservations += 1;
                if r.reservations > 1 {
                    return Err(format!("{at}: claim {} is already reserved", e.ref_id));
                }
            }
            EntryKind::ReservationRelease => {
                r.released += e.amount;
                r.releases += 1;
                if r.releases > r.reservations {
                    return Err(format!("{at}: {} has no hold left to release", e.ref_id));
                }
                if r.released > r.reserved {
                    return Err(format!(
                        "{at}: releases {} more than was reserved for {} ({})",
                        r.released, e.ref_id, r.reserved
                    ));
                }
            }
            EntryKind::ApprovedClaim => {
                r.approved += e.amount;
                r.approvals += 1;
                if r.approvals > 1 {
                    return Err(format!(
                        "{at}: claim {} is already approved; a claim is charged once",
                        e.ref_id
                    ));
                }
            }
            EntryKind::Payment => {
                r.paid += e.amount;
                if r.paid > r.approved {
                    return Err(format!(
                        "{at}: pays {} for {} but only {} was approved",
                        r.paid, e.ref_id, r.approved
                    ));
                }
            }
            EntryKind::PeriodClose => {
                st.closed_at = Some(i);
            }
            EntryKind::Allocation | EntryKind::Adjustment => {}
        }
        st.b.add(e);
        let b = st.b;
        if b.approved + b.reserved > b.allocated + b.adjusted {
            return Err(format!(
                "{at}: approved {} and held {} exceed allocated {} plus adjustments {}",
                b.approved, b.reserved, b.allocated, b.adjusted
            ));
        }
        if b.remaining.is_negative() {
            return Err(format!(
                "{at}: the remaining balance would be {}",
                b.remaining
            ));
        }
        if b.reserved.is_negative() {
            return Err(format!(
                "{at}: more released than reserved ({})",
                b.reserved
            ));
        }
        if b.paid > b.approved {
            return Err(format!(
                "{at}: paid {} is more than approved {}",
                b.paid, b.approved
            ));
        }
    }
    Ok(())
}

/// What happens to the unspent balance when a budget period ends.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum UnspentRule {
    /// Returned to the municipality (the default; the Dutch practice, seed 000).
    #[default]
    Return,
    /// Carried over to another budget line (the next period's budget).
    CarryOver {
        /// The budget line that receives it.
        to_budget_line: String,
    },
}

fn closed(entries: &[Entry], budget_line: &str) -> bool {
    entries_of(entries, budget_line).any(|e| e.kind == EntryKind::PeriodClose)
}

fn per_ref(entries: &[Entry], budget_line: &str) -> Vec<(String, RefTotals)> {
    let mut order: Vec<String> = Vec::new();
    let mut map: BTreeMap<String, RefTotals> = BTreeMap::new();
    for e in entries_of(entries, budget_line) {
        if !map.contains_key(&e.ref_id) {
            order.push(e.ref_id.clone());
        }
        let r = map.entry(e.ref_id.clone()).or_default();
        match e.kind {
            EntryKind::Reservation => {
                r.reserved += e.amount;
                r.reservations += 1;
            }
            EntryKind::ReservationRelease => {
                r.released += e.amount;
                r.releases += 1;
            }
            EntryKind::ApprovedClaim => {
                r.approved += e.amount;
                r.approvals += 1;
            }
            EntryKind::Payment => r.paid += e.amount,
            _ => {}
        }
    }
    order
        .into_iter()
        .filter_map(|k| map.remove(&k).map(|v| (k, v)))
        .collect()
}

/// Closes a budget line's period: one `period-close` entry taking the remaining balance off
/// the line. Under [`UnspentRule::Return`] it is returned; under
/// [`UnspentRule::CarryOver`] an `allocation` of the same amount is added to the receiving
/// line (when more than zero), referring to the closed line as `carry-over:<line>`.
///
/// Refused when the line is already closed, or while claims are held for review (they must be
/// approved or refused first, so that the close is the last entry changing the balance).
/// Approved claims not yet paid stay payable after the close.
pub fn close_period(
    entries: &[Entry],
    budget_line: &str,
    rule: &UnspentRule,
    on: Date,
) -> Result<Vec<Entry>, String> {
    if closed(entries, budget_line) {
        return Err(format!("budget line {budget_line} is already closed"));
    }
    let b = line_balances(entries, budget_line);
    let held = per_ref(entries, budget_line)
        .into_iter()
        .filter(|(_, r)| r.reservations > r.releases)
        .count();
    if held > 0 {
        return Err(format!(
            "{held} claim(s) on {budget_line} are held for review ({}); approve or refuse them before the period closes",
            b.reserved
        ));
    }
    let amount = b.remaining;
    match rule {
        UnspentRule::Return => Ok(vec![Entry::new(
            EntryKind::PeriodClose,
            on,
            amount,
            budget_line,
            "period-close:return",
        )]),
        UnspentRule::CarryOver { to_budget_line } => {
            if to_budget_line == budget_line {
                return Err(format!(
                    "a carry-over must go to another budget line than {budget_line}"
                ));
            }
            let mut out = vec![Entry::new(
                EntryKind::PeriodClose,
                on,
                amount,
                budget_line,
                format!("period-close:carry-over:{to_budget_line}"),
            )];
            if !amount.is_zero() {
                out.push(Entry::new(
                    EntryKind::Allocation,
                    on,
                    amount,
                    to_budget_line.clone(),
                    format!("carry-over:{budget_line}"),
                ));
            }
            Ok(out)
        }
    }
}

/// The entries for a claim line just decided (not a replay): an accepted line without
/// anomalies is an `approved-claim`; an accepted line with anomalies is a `reservation` held
/// for review; a refused line writes nothing. `ref_id` identifies the claim line.
///
/// Refused (nothing may be written) when the line is closed, when the claim already has a
/// reservation or approval (charged once), or when the amount is more than the remaining
/// balance now (the balance changed since the decision: decide again).
pub fn entries_for_decision(
    entries: &[Entry],
    decision: &ClaimDecision,
    budget_line: &str,
    ref_id: &str,
    on: Date,
) -> Result<Vec<Entry>, String> {
    if !decision.accepted {
        return Ok(Vec::new());
    }
    if closed(entries, budget_line) {
        return Err(format!(
            "budget line {budget_line} is closed; no claim can be charged to it"
        ));
    }
    if entries_of(entries, budget_line).any(|e| {
        e.ref_id == ref_id && matches!(e.kind, EntryKind::Reservation | EntryKind::ApprovedClaim)
    }) {
        return Err(format!(
            "claim {ref_id} is already charged to {budget_line}; a claim is charged once"
        ));
    }
    let b = line_balances(entries, budget_line);
    if decision.amount > b.remaining {
        return Err(format!(
            "claim {ref_id} needs {} but {} remains on {budget_line}; decide it again",
            decision.amount, b.remaining
        ));
    }
    let kind = if decision.needs_review {
        EntryKind::Reservation
    } else {
        EntryKind::ApprovedClaim
    };
    Ok(vec![Entry::new(
        kind,
        on,
        decision.amount,
        budget_line,
        ref_id,
    )])
}

/// The entries for the case manager's review of a claim held for review: the hold is released
/// and, if approved, the same amount is approved. Refused if the claim has no hold.
pub fn entries_for_approval(
    entries: &[Entry],
    budget_line: &str,
    ref_id: &str,
    approve: bool,
    on: Date,
) -> Result<Vec<Entry>, String> {
    let held = per_ref(entries, budget_line)
        .into_iter()
        .find(|(r, t)| r == ref_id && t.reservations > t.releases)
        .map(|(_, t)| t.reserved - t.released);
    let Some(held) = held else {
        return Err(format!(
            "claim {ref_id} is not held for review on {budget_line}"
        ));
    };
    let mut out = vec![Entry::new(
        EntryKind::ReservationRelease,
        on,
        held,
        budget_line,
        ref_id,
    )];
    if approve {
        out.push(Entry::new(
            EntryKind::ApprovedClaim,
            on,
            held,
            budget_line,
            ref_id,
        ));
    }
    Ok(out)
}

/// What is approved but not yet paid on a budget line, claim by claim in the order the claims
/// first appear: `(ref_id, amount)`.
pub fn payables(entries: &[Entry], budget_line: &str) -> Vec<(String, Money)> {
    per_ref(entries, budget_line)
        .into_iter()
        .filter(|(_, r)| r.approved > r.paid)
        .map(|(k, r)| (k, r.approved - r.paid))
        .collect()
}

/// The payment entries for a payment run on a budget line: one per claim with something
/// payable, for exactly what is payable. Over a ledger that already holds them it gives
/// nothing, so a run repeated is paid once.
pub fn entries_for_payment(entries: &[Entry], budget_line: &str, on: Date) -> Vec<Entry> {
    payables(entries, budget_line)
        .into_iter()
        .map(|(r, amount)| Entry::new(EntryKind::Payment, on, amount, budget_line, r))
        .collect()
}

/// The entry for an adjustment (signed). Refused when zero, when the line is closed, or when a
/// negative adjustment would take more than the remaining balance.
pub fn entries_for_adjustment(
    entries: &[Entry],
    budget_line: &str,
    amount: Money,
    ref_id: &str,
    on: Date,
) -> Result<Vec<Entry>, String> {
    if amount.is_zero() {
        return Err("an adjustment of zero changes nothing".into());
    }
    if closed(entries, budget_line) {
        return Err(format!("budget line {budget_line} is closed"));
    }
    let b = line_balances(entries, budget_line);
    if (b.remaining + amount).is_negative() {
        return Err(format!(
            "an adjustment of {amount} would take more than the {} that remains on {budget_line}",
            b.remaining
        ));
    }
    Ok(vec![Entry::new(
        EntryKind::Adjustment,
        on,
        amount,
        budget_line,
        ref_id,
    )])
}

/// The entry allocating a decided budget's amount to a budget line. Refused when negative or
/// when the line is closed.
pub fn entries_for_allocation(
    entries: &[Entry],
    budget_line: &str,
    amount: Money,
    ref_id: &str,
    on: Date,
) -> Result<Vec<Entry>, String> {
    if amount.is_negative() {
        return Err(format!(
            "an allocation of {amount} is negative; take money off with an adjustment"
        ));
    }
    if closed(entries, budget_line) {
        return Err(format!("budget line {budget_line} is closed"));
    }
    Ok(vec![Entry::new(
        EntryKind::Allocation,
        on,
        amount,
        budget_line,
        ref_id,
    )])
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const ON: Date = date!(2026 - 03 - 31);

    fn m(c: i64) -> Money {
        Money::from_cents(c)
    }

    fn decision(amount: i64, review: bool) -> ClaimDecision {
        ClaimDecision {
            accepted: true,
            reasons: vec![],
            anomalies: vec![],
            needs_review: review,
            amount: m(amount),
            co_payment: Money::ZERO,
            claimed_amount: m(amount),
        }
    }

    #[test]
    fn a_budget_through_its_period() {
        let mut l = entries_for_allocation(&[], "b1", m(10000), "decision:1", ON).unwrap();
        l.extend(entries_for_decision(&l, &decision(30_00, false), "b1", "c1", ON).unwrap());
        l.extend(entries_for_decision(&l, &decision(20_00, true), "b1", "c2", ON).unwrap());
        let b = balances(&l);
        assert_eq!(
            (b.approved, b.reserved, b.remaining),
            (m(3000), m(2000), m(5000))
        );
        // Charged once.
        assert!(entries_for_decision(&l, &decision(30_00, false), "b1", "c1", ON).is_err());
        // The close waits for the review.
        assert!(close_period(&l, "b1", &UnspentRule::Return, ON).is_err());
        l.extend(entries_for_approval(&l, "b1", "c2", true, ON).unwrap());
        assert!(entries_for_approval(&l, "b1", "c2", true, ON).is_err());
        let pay = entries_for_payment(&l, "b1", ON);
        assert_eq!(pay.len(), 2);
        l.extend(pay);
        assert!(entries_for_payment(&l, "b1", ON).is_empty());
        l.extend(close_period(&l, "b1", &UnspentRule::Return, ON).unwrap());
        let b = balances(&l);
        assert_eq!(b.returned, m(5000));
        assert_eq!(b.remaining, Money::ZERO);
        assert_eq!(b.paid, m(5000));
        assert_eq!(b.payable, Money::ZERO);
        check_invariants(&l).unwrap();
        assert!(close_period(&l, "b1", &UnspentRule::Return, ON).is_err());
        assert!(entries_for_decision(&l, &decision(1, false), "b1", "c3", ON).is_err());
    }

    #[test]
    fn carry_over_moves_the_balance() {
        let l = entries_for_allocation(&[], "b1", m(1000), "d", ON).unwrap();
        let rule = UnspentRule::CarryOver {
            to_budget_line: "b2".into(),
        };
        let mut all = l.clone();
        all.extend(close_period(&l, "b1", &rule, ON).unwrap());
        let by = balances_by_line(&all);
        assert_eq!(by["b1"].remaining, Money::ZERO);
        assert_eq!(by["b2"].remaining, m(1000));
        check_invariants(&all).unwrap();
    }

    #[test]
    fn broken_ledgers_are_named() {
        let alloc = Entry::new(EntryKind::Allocation, ON, m(1000), "b", "d");
        let over = Entry::new(EntryKind::ApprovedClaim, ON, m(1001), "b", "c");
        let e = check_invariants(&[alloc.clone(), over]).unwrap_err();
        assert!(e.starts_with("entry 1"), "{e}");
        assert!(e.contains("exceed allocated 10.00"), "{e}");
        let ok = Entry::new(EntryKind::ApprovedClaim, ON, m(500), "b", "c");
        let pay = Entry::new(EntryKind::Payment, ON, m(600), "b", "c");
        assert!(check_invariants(&[alloc.clone(), ok.clone(), pay])
            .unwrap_err()
            .contains("only 5.00 was approved"));
        let twice = check_invariants(&[alloc.clone(), ok.clone(), ok.clone()]).unwrap_err();
        assert!(twice.contains("charged once"), "{twice}");
        let close = Entry::new(EntryKind::PeriodClose, ON, m(500), "b", "x");
        let after = Entry::new(EntryKind::Allocation, ON, m(100), "b", "d2");
        assert!(
            check_invariants(&[alloc.clone(), ok.clone(), close.clone(), after])
                .unwrap_err()
                .contains("only payments")
        );
        let pay = Entry::new(EntryKind::Payment, ON, m(500), "b", "c");
        check_invariants(&[alloc.clone(), ok, close, pay]).unwrap();
        let neg = Entry::new(EntryKind::Payment, ON, m(-1), "b", "c");
        assert!(check_invariants(&[alloc, neg])
            .unwrap_err()
            .contains("never negative"));
    }

    #[test]
    fn adjustments_are_signed_and_bounded() {
        let l = entries_for_allocation(&[], "b", m(1000), "d", ON).unwrap();
        assert!(entries_for_adjustment(&l, "b", m(-1001), "fix", ON).is_err());
        assert!(entries_for_adjustment(&l, "b", Money::ZERO, "fix", ON).is_err());
        let mut l2 = l.clone();
        l2.extend(entries_for_adjustment(&l, "b", m(-400), "fix", ON).unwrap());
        assert_eq!(balances(&l2).remaining, m(600));
        assert_eq!(balances(&l2).adjusted, m(-400));
    }
}

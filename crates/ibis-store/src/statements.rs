//! Monthly statements and the facts behind the monthly municipal grant, read from the claims
//! and the append-only ledger.
//!
//! **Two kinds of date.** A claim belongs to the month of its *service date*; a ledger entry
//! is *booked* on the day it was made (a claim for June decided in July is booked in July). A
//! statement therefore has two parts:
//!
//! - the month's services: the claims whose service date falls in the month, each with its
//!   status as the ledger tells it now (approved, held for review, paid, refused, refused at
//!   review), grouped per service and provider;
//! - the budget's position at the month's end: the balances
//!   ([`ibis_core::ledger::balances`]) of every entry booked up to the month's last day. For the
//!   current month that is the position now.
//!
//! Every query is limited to the caller's scope; the statements of a person are recorded in
//! the audit log as reads (entity `statement`), and so is every person a provider's statement
//! names.

use std::collections::{BTreeMap, BTreeSet};

use ibis_core::access::Scope;
use ibis_core::claim::Visit;
use ibis_core::ledger::{balances, Balances, Entry, EntryKind};
use ibis_core::money::{line_amount, Money, Quantity, UnitPrice};
use ibis_core::Period;
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use time::Date;

use crate::registry::{bind_scope, person_in_scope_tx, scope_sql};
use crate::spending::{budget_line, ledger_tx, AgreementRow};
use crate::sql::{boolean, date_text, decode, int, opt_int, opt_text, parse_date, text};
use crate::{audit, Auditor, Result, Store, StoreError, WriteTx};

/// The month of a period as `YYYY-MM`.
pub fn month_code(month: &Period) -> String {
    format!(
        "{:04}-{:02}",
        month.from.year(),
        u8::from(month.from.month())
    )
}

/// The first day after a month (a month made by [`Period::month`] always has one).
fn month_end(month: &Period) -> Date {
    month.to.unwrap_or(Date::MAX)
}

/// The last day of a month.
fn last_day(month: &Period) -> Date {
    month_end(month).previous_day().unwrap_or(month.from)
}

/// A budget's balances at a moment, as text in euro.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Position {
    /// Allocated.
    pub allocated_eur: String,
    /// Adjustments (signed).
    pub adjusted_eur: String,
    /// Held for claims under review.
    pub reserved_eur: String,
    /// Approved claims.
    pub approved_eur: String,
    /// Paid.
    pub paid_eur: String,
    /// Returned at period close.
    pub returned_eur: String,
    /// What remains to spend.
    pub remaining_eur: String,
    /// Approved, not yet paid.
    pub payable_eur: String,
}

impl Position {
    /// The position of derived balances.
    pub fn of(b: &Balances) -> Self {
        Position {
            allocated_eur: b.allocated.to_string(),
            adjusted_eur: b.adjusted.to_string(),
            reserved_eur: b.reserved.to_string(),
            approved_eur: b.approved.to_string(),
            paid_eur: b.paid.to_string(),
            returned_eur: b.returned.to_string(),
            remaining_eur: b.remaining.to_string(),
            payable_eur: b.payable.to_string(),
        }
    }
}

/// One line of a person's statement: the claims of one service from one provider in the
/// month that were accepted (approved or held for review).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StatementLine {
    /// Service type code.
    pub service: String,
    /// Its unit (`hour`, `day`, ...).
    pub unit: String,
    /// The provider.
    pub provider_id: i64,
    /// The provider's name.
    pub provider_name: String,
    /// Claims counted.
    pub claims: i64,
    /// Units.
    pub quantity: String,
    /// What the budget pays or holds for them.
    pub amount_eur: String,
    /// Of which held for review.
    pub held_eur: String,
    /// The person's co-payment (the agreed price above the tariff).
    pub co_payment_eur: String,
}

/// A person's monthly statement of one budget decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PersonStatement {
    /// The budget decision.
    pub decision_id: i64,
    /// The person.
    pub person_id: i64,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// The scheme of the budget.
    pub group: String,
    /// Its level.
    pub level: String,
    /// The decided amount a month.
    pub monthly_eur: String,
    /// The budget's first day.
    pub period_from: String,
    /// The first day after the budget's period.
    pub period_to: String,
    /// The last day of the month: the position counts entries booked up to it.
    pub as_of: String,
    /// The budget's balances from every ledger entry booked up to the month's end: allocated
    /// to date, reserved, approved, paid, remaining.
    pub position: Position,
    /// Approved for services given in the month.
    pub approved_eur: String,
    /// Held for review, for services given in the month.
    pub held_eur: String,
    /// Paid for services given in the month.
    pub paid_eur: String,
    /// The person's co-payments for the month's accepted claims.
    pub co_payment_eur: String,
    /// Claims for the month that were refused (at once or at review).
    pub refused_claims: i64,
    /// The accepted claims of the month per service and provider.
    pub lines: Vec<StatementLine>,
}

/// A reason a claim was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RefusalReason {
    /// The rule (`over-plan-quantity`, `price-above-agreement`, ..., or `refused-at-review`).
    pub code: String,
    /// What was wrong, with the figures.
    pub message: String,
}

/// A refused claim in a provider's statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RefusedClaim {
    /// The claim.
    pub claim_id: i64,
    /// The day of service.
    pub service_date: String,
    /// The person, when the claim named a known agreement.
    pub person_id: Option<i64>,
    /// The person's name, only when the caller may read the person's record.
    pub person_name: Option<String>,
    /// Whether it was accepted first and refused by the case manager at review.
    pub at_review: bool,
    /// Every reason.
    pub reasons: Vec<RefusalReason>,
}

/// One service in a provider's statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProviderLine {
    /// Service type code (`unknown` for claims on no known agreement).
    pub service: String,
    /// Claims.
    pub claims: i64,
    /// Units claimed.
    pub quantity: String,
    /// Claimed (price asked times quantity).
    pub claimed_eur: String,
    /// Approved.
    pub approved_eur: String,
    /// Held for review.
    pub held_eur: String,
}

/// A provider's monthly statement: what it claimed for services given in the month and what
/// became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProviderStatement {
    /// The provider.
    pub provider_id: i64,
    /// Its name.
    pub provider_name: String,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// When the statement is limited to the people of one municipality (for that
    /// municipality's staff), its code.
    pub municipality: Option<String>,
    /// Claims sent for the month.
    pub claims: i64,
    /// What they asked (price times quantity).
    pub claimed_eur: String,
    /// Claims accepted (approved or held).
    pub accepted: i64,
    /// Approved.
    pub approved_eur: String,
    /// Held for the case manager's review.
    pub held_eur: String,
    /// Paid.
    pub paid_eur: String,
    /// Approved, not yet paid.
    pub payable_eur: String,
    /// The people's co-payments on accepted claims (paid by them, not by the budget).
    pub co_payment_eur: String,
    /// Per service.
    pub lines: Vec<ProviderLine>,
    /// Every refused claim with its reasons.
    pub refused: Vec<RefusedClaim>,
}

/// One adult client's month for the municipal grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantClient {
    /// The person.
    pub person_id: i64,
    /// The decision in force in the month.
    pub decision_id: i64,
    /// The care level decided (`I`-`IV`).
    pub care_level: String,
    /// The decided amount a month.
    pub monthly: Money,
    /// Distinct days in the month with an accepted claim (not refused at review) or a
    /// checked-out visit the person does not dispute, in order.
    pub service_days: Vec<Date>,
}

/// A claim as kept, with what the statements need.
struct ClaimRow {
    id: i64,
    provider_id: i64,
    key: String,
    person_id: Option<i64>,
    budget_line: Option<String>,
    service: Option<String>,
    unit: Option<String>,
    provider_name: String,
    service_date: Date,
    quantity: Quantity,
    unit_price: UnitPrice,
    accepted: bool,
    co_payment: Money,
    decision: serde_json::Value,
}

impl ClaimRow {
    fn of(r: &AnyRow) -> Result<Self> {
        Ok(ClaimRow {
            id: int(r, "id")?,
            provider_id: int(r, "provider_id")?,
            key: text(r, "idempotency_key")?,
            person_id: opt_int(r, "person_id")?,
            budget_line: opt_text(r, "budget_line")?,
            service: opt_text(r, "service")?,
            unit: opt_text(r, "unit")?,
            provider_name: text(r, "provider_name")?,
            service_date: parse_date(&text(r, "service_date")?)?,
            quantity: Quantity::from_milli(u64::try_from(int(r, "quantity_milli")?).unwrap_or(0)),
            unit_price: UnitPrice::from_e4(int(r, "unit_price_e4")?).unwrap_or_default(),
            accepted: boolean(r, "accepted")?,
            co_payment: Money::from_cents(int(r, "co_payment_cents")?),
            decision: decode(&text(r, "decision")?)?,
        })
    }

    /// The reference its ledger entries carry.
    fn ref_id(&self) -> String {
        format!("claim:{}:{}", self.provider_id, self.key)
    }

    /// What was asked: the claimed price times the quantity, rounded once.
    fn claimed(&self) -> Money {
        line_amount(self.unit_price, self.quantity)
    }

    /// The reasons the decision gave.
    fn reasons(&self) -> Vec<RefusalReason> {
        self.decision["reasons"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|r| RefusalReason {
                        code: r["code"].as_str().unwrap_or_default().to_owned(),
                        message: r["message"].as_str().unwrap_or_default().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The claims with their service, unit and provider name, from `claims c` matching `filter`
/// (which uses `$1`-`$3`: the key, the month's first day and the first day after it).
const CLAIMS_SQL: &str = "SELECT c.*, a.service AS service, a.unit AS unit, pr.name AS provider_name \
     FROM claims c JOIN providers pr ON pr.id = c.provider_id LEFT JOIN agreements a ON a.id = c.agreement_id";

/// What the ledger holds for one claim.
#[derive(Debug, Clone, Copy, Default)]
struct ClaimEntries {
    reserved: Money,
    released: Money,
    approved: Money,
    paid: Money,
}

impl ClaimEntries {
    fn held(&self) -> Money {
        let h = self.reserved - self.released;
        if h.is_negative() {
            Money::ZERO
        } else {
            h
        }
    }

    /// Accepted, held, then refused by the case manager.
    fn refused_at_review(&self) -> bool {
        !self.reserved.is_zero() && self.held().is_zero() && self.approved.is_zero()
    }
}

fn by_ref(entries: &[Entry]) -> BTreeMap<String, ClaimEntries> {
    let mut map: BTreeMap<String, ClaimEntries> = BTreeMap::new();
    for e in entries {
        let c = map.entry(e.ref_id.clone()).or_default();
        match e.kind {
            EntryKind::Reservation => c.reserved += e.amount,
            EntryKind::ReservationRelease => c.released += e.amount,
            EntryKind::ApprovedClaim => c.approved += e.amount,
            EntryKind::Payment => c.paid += e.amount,
            _ => {}
        }
    }
    map
}

/// The ledgers of the given budget lines, by claim reference.
async fn claim_entries(
    tx: &mut WriteTx,
    lines: impl IntoIterator<Item = &String>,
) -> Result<BTreeMap<String, ClaimEntries>> {
    let mut all = BTreeMap::new();
    for line in lines.into_iter().collect::<BTreeSet<_>>() {
        all.extend(by_ref(&ledger_tx(tx, line).await?));
    }
    Ok(all)
}

fn quantity_text(q: Quantity) -> String {
    q.to_string()
}

impl Store {
    /// A person's monthly statement of one budget decision: the month's accepted claims per
    /// service and provider, what was approved, held, paid and refused for the month, and the
    /// budget's position at the month's end. `NotFound` when the decision's person is out of
    /// scope. Recorded as a read of the person's record.
    pub async fn person_statement(
        &self,
        who: &Auditor,
        scope: &Scope,
        decision_id: i64,
        month: Period,
    ) -> Result<PersonStatement> {
        let mut tx = self.begin().await?;
        let d = sqlx::query("SELECT * FROM budget_decisions WHERE id = $1")
            .bind(decision_id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let person_id = int(&d, "person_id")?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        let line = budget_line(decision_id);
        let ledger = ledger_tx(&mut tx, &line).await?;
        let end = month_end(&month);
        let booked: Vec<Entry> = ledger.iter().filter(|e| e.on < end).cloned().collect();
        let per_claim = by_ref(&ledger);
        let sql = format!(
            "{CLAIMS_SQL} WHERE c.budget_line = $1 AND c.service_date >= $2 AND c.service_date < $3 ORDER BY c.service_date, c.id"
        );
        let claims: Vec<ClaimRow> = sqlx::query(&sql)
            .bind(&line)
            .bind(date_text(month.from))
            .bind(date_text(end))
            .fetch_all(&mut *tx.tx)
            .await?
            .iter()
            .map(ClaimRow::of)
            .collect::<Result<_>>()?;
        let (mut approved, mut held, mut paid, mut co_payment) =
            (Money::ZERO, Money::ZERO, Money::ZERO, Money::ZERO);
        let mut refused = 0;
        type Key = (String, i64);
        let mut lines: BTreeMap<Key, (StatementLine, Quantity, Money, Money, Money)> =
            BTreeMap::new();
        for c in &claims {
            let e = per_claim.get(&c.ref_id()).copied().unwrap_or_default();
            if !c.accepted || e.refused_at_review() {
                refused += 1;
                continue;
            }
            approved += e.approved;
            held += e.held();
            paid += e.paid;
            co_payment += c.co_payment;
            let service = c.service.clone().unwrap_or_else(|| "unknown".into());
            let l = lines
                .entry((service.clone(), c.provider_id))
                .or_insert_with(|| {
                    (
                        StatementLine {
                            service,
                            unit: c.unit.clone().unwrap_or_default(),
                            provider_id: c.provider_id,
                            provider_name: c.provider_name.clone(),
                            claims: 0,
                            quantity: String::new(),
                            amount_eur: String::new(),
                            held_eur: String::new(),
                            co_payment_eur: String::new(),
                        },
                        Quantity::ZERO,
                        Money::ZERO,
                        Money::ZERO,
                        Money::ZERO,
                    )
                });
            l.0.claims += 1;
            l.1 = l.1 + c.quantity;
            l.2 += e.approved + e.held();
            l.3 += e.held();
            l.4 += c.co_payment;
        }
        let month_text = month_code(&month);
        audit::append(
            &mut tx,
            who,
            "read",
            "statement",
            &decision_id.to_string(),
            Some(person_id),
            json!({"month": month_text}),
        )
        .await?;
        tx.commit().await?;
        Ok(PersonStatement {
            decision_id,
            person_id,
            month: month_text,
            group: text(&d, "budget_group")?,
            level: text(&d, "level")?,
            monthly_eur: Money::from_cents(int(&d, "monthly_cents")?).to_string(),
            period_from: text(&d, "period_from")?,
            period_to: text(&d, "period_to")?,
            as_of: date_text(last_day(&month)),
            position: Position::of(&balances(&booked)),
            approved_eur: approved.to_string(),
            held_eur: held.to_string(),
            paid_eur: paid.to_string(),
            co_payment_eur: co_payment.to_string(),
            refused_claims: refused,
            lines: lines
                .into_values()
                .map(|(mut l, q, amount, held, co)| {
                    l.quantity = quantity_text(q);
                    l.amount_eur = amount.to_string();
                    l.held_eur = held.to_string();
                    l.co_payment_eur = co.to_string();
                    l
                })
                .collect(),
        })
    }

    /// A provider's monthly statement: its claims for services given in the month, what was
    /// claimed, approved, held, paid, and every refused claim with its reasons. With
    /// `municipality`, only the claims for that municipality's people count. A refused claim
    /// names its person only when the person is in `names` (the caller's scope); each person
    /// named is recorded in the audit log as a read.
    pub async fn provider_statement(
        &self,
        who: &Auditor,
        provider_id: i64,
        month: Period,
        municipality: Option<&str>,
        names: &Scope,
    ) -> Result<ProviderStatement> {
        let mut tx = self.begin().await?;
        let provider_name: String = sqlx::query("SELECT name FROM providers WHERE id = $1")
            .bind(provider_id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(|r| text(&r, "name"))?;
        let end = month_end(&month);
        let filter = if municipality.is_some() {
            "AND EXISTS (SELECT 1 FROM persons p WHERE p.id = c.person_id AND p.municipality_code = $4)"
        } else {
            ""
        };
        let sql = format!(
            "{CLAIMS_SQL} WHERE c.provider_id = $1 AND c.service_date >= $2 AND c.service_date < $3 {filter} ORDER BY c.service_date, c.id"
        );
        let mut q = sqlx::query(&sql)
            .bind(provider_id)
            .bind(date_text(month.from))
            .bind(date_text(end));
        if let Some(m) = municipality {
            q = q.bind(m);
        }
        let claims: Vec<ClaimRow> = q
            .fetch_all(&mut *tx.tx)
            .await?
            .iter()
            .map(ClaimRow::of)
            .collect::<Result<_>>()?;
        let per_claim = claim_entries(
            &mut tx,
            claims.iter().filter_map(|c| c.budget_line.as_ref()),
        )
        .await?;
        let (mut claimed, mut approved, mut held, mut paid, mut co_payment) = (
            Money::ZERO,
            Money::ZERO,
            Money::ZERO,
            Money::ZERO,
            Money::ZERO,
        );
        let mut accepted = 0;
        let mut refused = Vec::new();
        let mut lines: BTreeMap<String, (i64, Quantity, Money, Money, Money)> = BTreeMap::new();
        let mut named: BTreeMap<i64, Option<String>> = BTreeMap::new();
        for c in &claims {
            let e = per_claim.get(&c.ref_id()).copied().unwrap_or_default();
            claimed += c.claimed();
            let l = lines
                .entry(c.service.clone().unwrap_or_else(|| "unknown".into()))
                .or_default();
            l.0 += 1;
            l.1 = l.1 + c.quantity;
            l.2 += c.claimed();
            if c.accepted && !e.refused_at_review() {
                accepted += 1;
                approved += e.approved;
                held += e.held();
                paid += e.paid;
                co_payment += c.co_payment;
                l.3 += e.approved;
                l.4 += e.held();
                continue;
            }
            let person_name = match c.person_id {
                Some(p) => match named.get(&p) {
                    Some(n) => n.clone(),
                    None => {
                        let n = name_in_scope(&mut tx, names, p).await?;
                        named.insert(p, n.clone());
                        n
                    }
                },
                None => None,
            };
            let at_review = c.accepted;
            let reasons = if at_review {
                vec![RefusalReason {
                    code: "refused-at-review".into(),
                    message: "accepted with anomalies, held, then refused by the case manager"
                        .into(),
                }]
            } else {
                c.reasons()
            };
            refused.push(RefusedClaim {
                claim_id: c.id,
                service_date: date_text(c.service_date),
                person_id: c.person_id,
                person_name,
                at_review,
                reasons,
            });
        }
        let month_text = month_code(&month);
        for (person, name) in &named {
            if name.is_some() {
                audit::append(
                    &mut tx,
                    who,
                    "read",
                    "statement",
                    &format!("provider-{provider_id}"),
                    Some(*person),
                    json!({"month": month_text, "provider_id": provider_id}),
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(ProviderStatement {
            provider_id,
            provider_name,
            month: month_text,
            municipality: municipality.map(str::to_owned),
            claims: i64::try_from(claims.len()).unwrap_or(i64::MAX),
            claimed_eur: claimed.to_string(),
            accepted,
            approved_eur: approved.to_string(),
            held_eur: held.to_string(),
            paid_eur: paid.to_string(),
            payable_eur: (approved - paid).to_string(),
            co_payment_eur: co_payment.to_string(),
            lines: lines
                .into_iter()
                .map(|(service, (n, q, c, a, h))| ProviderLine {
                    service,
                    claims: n,
                    quantity: quantity_text(q),
                    claimed_eur: c.to_string(),
                    approved_eur: a.to_string(),
                    held_eur: h.to_string(),
                })
                .collect(),
            refused,
        })
    }

    /// The adults of a municipality (target group `adult-grt`) with a budget decision of group
    /// `adult-grt` in force in the month, for the monthly grant: for each, the decision in force
    /// (the latest one whose period overlaps the month), its care level and monthly amount, and
    /// the distinct days in the month with services: accepted claims (not refused at review) and
    /// checked-out visits the person does not dispute. In person order. Recorded in the audit
    /// log as one read of the municipality's grant (no person's record is shown).
    pub async fn grant_clients(
        &self,
        who: &Auditor,
        municipality: &str,
        month: Period,
    ) -> Result<Vec<GrantClient>> {
        let end = month_end(&month);
        let (from_text, end_text) = (date_text(month.from), date_text(end));
        let mut tx = self.begin().await?;
        let rows = sqlx::query(
            "SELECT d.id, d.person_id, d.level, d.monthly_cents FROM budget_decisions d JOIN persons p ON p.id = d.person_id \
             WHERE p.municipality_code = $1 AND p.target_group = 'adult-grt' AND d.budget_group = 'adult-grt' \
             AND d.period_from < $2 AND d.period_to > $3 ORDER BY d.person_id, d.period_from DESC, d.id DESC",
        )
        .bind(municipality)
        .bind(&end_text)
        .bind(&from_text)
        .fetch_all(&mut *tx.tx)
        .await?;
        let mut clients: Vec<GrantClient> = Vec::new();
        for r in &rows {
            let person_id = int(r, "person_id")?;
            if clients.last().is_some_and(|c| c.person_id == person_id) {
                continue;
            }
            clients.push(GrantClient {
                person_id,
                decision_id: int(r, "id")?,
                care_level: text(r, "level")?,
                monthly: Money::from_cents(int(r, "monthly_cents")?),
                service_days: Vec::new(),
            });
        }
        for c in &mut clients {
            let mut days = BTreeSet::new();
            let claims = sqlx::query(
                "SELECT provider_id, idempotency_key, budget_line, service_date FROM claims \
                 WHERE person_id = $1 AND accepted = $2 AND service_date >= $3 AND service_date < $4",
            )
            .bind(c.person_id)
            .bind(true)
            .bind(&from_text)
            .bind(&end_text)
            .fetch_all(&mut *tx.tx)
            .await?;
            let lines: Vec<String> = claims
                .iter()
                .filter_map(|r| opt_text(r, "budget_line").ok().flatten())
                .collect();
            let per_claim = claim_entries(&mut tx, &lines).await?;
            for r in &claims {
                let ref_id = format!(
                    "claim:{}:{}",
                    int(r, "provider_id")?,
                    text(r, "idempotency_key")?
                );
                if per_claim
                    .get(&ref_id)
                    .is_some_and(ClaimEntries::refused_at_review)
                {
                    continue;
                }
                days.insert(parse_date(&text(r, "service_date")?)?);
            }
            let visits = sqlx::query(
                "SELECT start_at FROM visits WHERE person_id = $1 AND end_at IS NOT NULL AND confirmation <> 'disputed' \
                 AND start_at >= $2 AND start_at < $3",
            )
            .bind(c.person_id)
            .bind(&from_text)
            .bind(&end_text)
            .fetch_all(&mut *tx.tx)
            .await?;
            for v in &visits {
                let start = text(v, "start_at")?;
                days.insert(parse_date(start.get(..10).unwrap_or(&start))?);
            }
            c.service_days = days.into_iter().filter(|d| month.contains(*d)).collect();
        }
        audit::append(
            &mut tx,
            who,
            "read",
            "grant",
            &format!("{municipality}:{}", month_code(&month)),
            None,
            json!({"clients": clients.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(clients)
    }
}

/// An agreement of a provider with its client's name and the remaining balance of the
/// budget it spends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ClientAgreement {
    /// The agreement.
    pub agreement: AgreementRow,
    /// The person's name.
    pub person_name: String,
    /// What remains to spend on the budget the agreement's plan spends, now.
    pub remaining_eur: String,
    /// The budget's allocation, now (allocated plus adjustments).
    pub allocated_eur: String,
}

impl Store {
    /// Every agreement of a provider, newest first, with the client's name and what remains
    /// on the budget it spends. Each agreement shown is recorded in the audit log as listed.
    pub async fn provider_agreement_list(
        &self,
        who: &Auditor,
        provider_id: i64,
    ) -> Result<Vec<ClientAgreement>> {
        let mut tx = self.begin().await?;
        let rows = sqlx::query(
            "SELECT a.*, p.given_name, p.family_name FROM agreements a JOIN persons p ON p.id = a.person_id \
             WHERE a.provider_id = $1 ORDER BY a.id DESC LIMIT 500",
        )
        .bind(provider_id)
        .fetch_all(&mut *tx.tx)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut ledgers: BTreeMap<i64, Balances> = BTreeMap::new();
        for r in &rows {
            let agreement = AgreementRow {
                id: int(r, "id")?,
                person_id: int(r, "person_id")?,
                plan_id: int(r, "plan_id")?,
                decision_id: int(r, "decision_id")?,
                provider_id: int(r, "provider_id")?,
                agreement: decode(&text(r, "data")?)?,
                unit: text(r, "unit")?,
            };
            let b = match ledgers.get(&agreement.decision_id) {
                Some(b) => *b,
                None => {
                    let b =
                        balances(&ledger_tx(&mut tx, &budget_line(agreement.decision_id)).await?);
                    ledgers.insert(agreement.decision_id, b);
                    b
                }
            };
            audit::append(
                &mut tx,
                who,
                "list",
                "agreement",
                &agreement.id.to_string(),
                Some(agreement.person_id),
                json!({"provider_id": provider_id}),
            )
            .await?;
            out.push(ClientAgreement {
                person_name: format!("{} {}", text(r, "given_name")?, text(r, "family_name")?),
                remaining_eur: b.remaining.to_string(),
                allocated_eur: (b.allocated + b.adjusted).to_string(),
                agreement,
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    /// A provider's visits not yet checked out, newest first.
    pub async fn provider_open_visits(&self, provider_id: i64) -> Result<Vec<Visit>> {
        sqlx::query(
            "SELECT * FROM visits WHERE provider_id = $1 AND end_at IS NULL ORDER BY start_at DESC, id DESC LIMIT 200",
        )
        .bind(provider_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            let mut v: Visit = decode(&text(r, "data")?)?;
            v.id = int(r, "id")?;
            Ok(v)
        })
        .collect()
    }
}

/// A claim of a provider and the decision it got.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProviderClaim {
    /// The claim.
    pub claim_id: i64,
    /// The agreement it named, if it exists.
    pub agreement_id: Option<i64>,
    /// The day of service.
    pub service_date: String,
    /// Units.
    pub quantity: String,
    /// The decision: accepted, reasons, anomalies, amount, co-payment.
    #[schema(value_type = Object)]
    pub decision: serde_json::Value,
}

impl Store {
    /// One claim of a provider, or `NotFound` (also for another provider's claim).
    pub async fn provider_claim(&self, provider_id: i64, claim_id: i64) -> Result<ProviderClaim> {
        let r = sqlx::query("SELECT * FROM claims WHERE id = $1 AND provider_id = $2")
            .bind(claim_id)
            .bind(provider_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(ProviderClaim {
            claim_id,
            agreement_id: opt_int(&r, "agreement_id")?,
            service_date: text(&r, "service_date")?,
            quantity: Quantity::from_milli(u64::try_from(int(&r, "quantity_milli")?).unwrap_or(0))
                .to_string(),
            decision: decode(&text(&r, "decision")?)?,
        })
    }
}

/// A person's name if the person is in `scope`.
async fn name_in_scope(tx: &mut WriteTx, scope: &Scope, id: i64) -> Result<Option<String>> {
    let sql = format!(
        "SELECT p.given_name, p.family_name FROM persons p WHERE p.id = $1 AND {}",
        scope_sql(scope, 2)
    );
    let row = bind_scope(sqlx::query(&sql).bind(id), scope)
        .fetch_optional(&mut *tx.tx)
        .await?;
    row.map(|r| {
        Ok(format!(
            "{} {}",
            text(&r, "given_name")?,
            text(&r, "family_name")?
        ))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_and_claim_entries() {
        let m = Period::month(2026, time::Month::June);
        assert_eq!(month_code(&m), "2026-06");
        assert_eq!(last_day(&m), date!(2026 - 06 - 30));
        let e = |kind, cents, r: &str| {
            Entry::new(
                kind,
                date!(2026 - 07 - 01),
                Money::from_cents(cents),
                "decision-1",
                r,
            )
        };
        let map = by_ref(&[
            e(EntryKind::Reservation, 500, "a"),
            e(EntryKind::ReservationRelease, 500, "a"),
            e(EntryKind::Reservation, 300, "b"),
            e(EntryKind::ReservationRelease, 300, "b"),
            e(EntryKind::ApprovedClaim, 300, "b"),
            e(EntryKind::Reservation, 200, "c"),
        ]);
        assert!(map["a"].refused_at_review());
        assert!(!map["b"].refused_at_review());
        assert_eq!(map["b"].approved, Money::from_cents(300));
        assert_eq!(map["c"].held(), Money::from_cents(200));
        assert!(!map["c"].refused_at_review());
    }
}

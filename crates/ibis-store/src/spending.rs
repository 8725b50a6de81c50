//! Spending on storage: agreements, visits, claims decided in one transaction with the
//! ledger entries they cause, and balances derived from the append-only ledger.
//!
//! A claim is decided under a lock on its budget line (PostgreSQL: an advisory lock keyed by
//! the decision; SQLite: the single writer), so concurrent claims against one budget are
//! decided one after the other and can never overspend it.

use ibis_core::access::Scope;
use ibis_core::agreement::{Agreement, AgreementContext, AgreementInput};
use ibis_core::catalogue::Unit;
use ibis_core::claim::{
    decide, AgreementTerms, CapUse, ClaimContext, ClaimLine, ClaimOutcome, EarlierClaim, Visit,
};
use ibis_core::ledger::{balances, entries_for_decision, Balances, Entry, EntryKind};
use ibis_core::money::{Money, Quantity, UnitPrice};
use ibis_core::plan::Plan;
use ibis_core::policy::{CapSpan, PolicySet};
use ibis_core::Period;
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::registry::person_in_scope_tx;
use crate::sql::{
    boolean, date_text, decode, encode, int, is_unique_violation, now_text, opt_int, parse_date,
    text,
};
use crate::{audit, Auditor, Engine, Result, Store, StoreError, WriteTx};

/// The ledger account of a budget decision.
pub fn budget_line(decision_id: i64) -> String {
    format!("decision-{decision_id}")
}

/// An agreement as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AgreementRow {
    /// Id.
    pub id: i64,
    /// The person.
    pub person_id: i64,
    /// The plan.
    pub plan_id: i64,
    /// The budget decision the plan spends.
    pub decision_id: i64,
    /// The provider.
    pub provider_id: i64,
    /// The agreement itself: service, period, quantity a month, price, the part the budget
    /// covers (at most the tariff) and the person's co-payment per unit.
    #[schema(value_type = Object)]
    pub agreement: Agreement,
    /// The unit of the service.
    pub unit: String,
}

fn agreement_row(r: &AnyRow) -> Result<AgreementRow> {
    Ok(AgreementRow {
        id: int(r, "id")?,
        person_id: int(r, "person_id")?,
        plan_id: int(r, "plan_id")?,
        decision_id: int(r, "decision_id")?,
        provider_id: int(r, "provider_id")?,
        agreement: decode(&text(r, "data")?)?,
        unit: text(r, "unit")?,
    })
}

/// What a claim got: its id, whether it is a replay of an earlier claim with the same key, and
/// the decision with every reason and anomaly.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClaimResult {
    /// The claim's id.
    pub claim_id: i64,
    /// Whether this answer repeats the one given to the same claim before (nothing charged
    /// again).
    pub replay: bool,
    /// The decision: accepted, reasons, anomalies, amount, co-payment.
    #[schema(value_type = Object)]
    pub decision: serde_json::Value,
}

/// The balances of a budget, derived from its ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BudgetBalances {
    /// The decision.
    pub decision_id: i64,
    /// The ledger account.
    pub budget_line: String,
    /// Allocated.
    pub allocated_eur: String,
    /// Reserved for claims held for review.
    pub reserved_eur: String,
    /// Approved claims.
    pub approved_eur: String,
    /// Paid.
    pub paid_eur: String,
    /// Adjustments.
    pub adjusted_eur: String,
    /// Returned at period close.
    pub returned_eur: String,
    /// What remains to spend.
    pub remaining_eur: String,
    /// Approved but not yet paid.
    pub payable_eur: String,
    /// Number of ledger entries.
    pub entries: usize,
}

impl BudgetBalances {
    fn of(decision_id: i64, b: &Balances, entries: usize) -> Self {
        BudgetBalances {
            decision_id,
            budget_line: budget_line(decision_id),
            allocated_eur: b.allocated.to_string(),
            reserved_eur: b.reserved.to_string(),
            approved_eur: b.approved.to_string(),
            paid_eur: b.paid.to_string(),
            adjusted_eur: b.adjusted.to_string(),
            returned_eur: b.returned.to_string(),
            remaining_eur: b.remaining.to_string(),
            payable_eur: b.payable.to_string(),
            entries,
        }
    }
}

/// Reads a budget line's ledger inside a transaction.
pub(crate) async fn ledger_tx(tx: &mut WriteTx, line: &str) -> Result<Vec<Entry>> {
    let rows = sqlx::query("SELECT * FROM ledger_entries WHERE budget_line = $1 ORDER BY id")
        .bind(line)
        .fetch_all(&mut *tx.tx)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Entry {
                kind: text(r, "kind")?.parse().map_err(
                    |e: ibis_core::catalogue::UnknownCode| {
                        StoreError::Db(sqlx::Error::Decode(e.into()))
                    },
                )?,
                on: parse_date(&text(r, "on_date")?)?,
                amount: Money::from_cents(int(r, "amount_cents")?),
                budget_line: text(r, "budget_line")?,
                ref_id: text(r, "ref_id")?,
            })
        })
        .collect()
}

/// Appends ledger entries inside a transaction.
pub(crate) async fn append_entries(tx: &mut WriteTx, entries: &[Entry]) -> Result<()> {
    for e in entries {
        sqlx::query("INSERT INTO ledger_entries (budget_line, kind, on_date, amount_cents, ref_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&e.budget_line)
            .bind(e.kind.code())
            .bind(date_text(e.on))
            .bind(e.amount.cents())
            .bind(&e.ref_id)
            .bind(now_text())
            .execute(&mut *tx.tx)
            .await?;
    }
    Ok(())
}

/// Takes the lock of a budget line by its ledger account name (`decision-N`).
pub(crate) async fn lock_budget_line(tx: &mut WriteTx, line: &str) -> Result<()> {
    match line.strip_prefix("decision-").and_then(|n| n.parse().ok()) {
        Some(id) => lock_budget(tx, id).await,
        None => Err(StoreError::Db(sqlx::Error::Protocol(format!(
            "\"{line}\" is not a budget line"
        )))),
    }
}

/// Takes the lock of a budget line for the rest of the transaction.
async fn lock_budget(tx: &mut WriteTx, decision_id: i64) -> Result<()> {
    if tx.engine() == Engine::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(7261003, CAST($1 AS INTEGER))")
            .bind(decision_id)
            .execute(&mut *tx.tx)
            .await?;
    }
    Ok(())
}

fn visit_of(r: &AnyRow) -> Result<Visit> {
    let mut v: Visit = decode(&text(r, "data")?)?;
    v.id = int(r, "id")?;
    Ok(v)
}

fn month_of(d: time::Date) -> Period {
    Period::month(d.year(), d.month())
}

impl Store {
    /// Registers an agreement for a plan line in one transaction under the lock of the plan's
    /// budget line (PostgreSQL: the advisory lock claims take; SQLite: the single writer): the
    /// plan must be agreed or active, the other agreements on the line are added up, the core
    /// checks the input against the plan ([`AgreementInput::check`]), and the agreement is
    /// kept with its audit record. Two agreements made at once are checked one after the
    /// other, so together they never exceed the line. The tariff price comes from the policy
    /// the plan's budget was decided under, the unit from the catalogue.
    pub async fn create_agreement(
        &self,
        who: &Auditor,
        scope: &Scope,
        plan_id: i64,
        input: &AgreementInput,
        policies: &PolicySet,
    ) -> Result<AgreementRow> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT person_id, decision_id FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let person_id: i64 = row.try_get(0)?;
        let decision_id: i64 = row.try_get(1)?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        lock_budget(&mut tx, decision_id).await?;
        let plan = sqlx::query("SELECT p.state, v.data FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version WHERE p.id = $1")
            .bind(plan_id)
            .fetch_one(&mut *tx.tx)
            .await?;
        let plan_state = text(&plan, "state")?;
        if plan_state != "active" && plan_state != "agreed" {
            return Err(StoreError::invalid(
                "plan",
                format!(
                    "agreements are made for an agreed or active plan; this one is {plan_state}"
                ),
            ));
        }
        let plan: Plan = decode(&text(&plan, "data")?)?;
        let decision =
            sqlx::query("SELECT policy_id, policy_version FROM budget_decisions WHERE id = $1")
                .bind(decision_id)
                .fetch_one(&mut *tx.tx)
                .await?;
        let (pid, pver) = (
            text(&decision, "policy_id")?,
            text(&decision, "policy_version")?,
        );
        let tariff_price = policies
            .policies
            .iter()
            .find(|p| p.id == pid && p.version == pver)
            .and_then(|p| policies.tariffs.get(&p.tariff_table))
            .and_then(|t| {
                input
                    .start_date()
                    .and_then(|d| t.price_on(&input.service, None, d).ok())
            })
            .map(|e| e.price);
        // Read under the lock: an agreement committed by anyone before us is counted.
        let mut others = Quantity::ZERO;
        for r in sqlx::query(
            "SELECT * FROM agreements WHERE plan_id = $1 AND plan_line = $2 ORDER BY id",
        )
        .bind(plan_id)
        .bind(input.plan_line as i64)
        .fetch_all(&mut *tx.tx)
        .await?
        {
            others = others + agreement_row(&r)?.agreement.quantity_per_month;
        }
        let ctx = AgreementContext {
            plan_period: plan.period,
            plan_lines: &plan.lines,
            tariff_price,
            other_agreements_quantity_per_month: others,
        };
        let a = input.check(&ctx).map_err(StoreError::Invalid)?;
        let unit = policies
            .catalogue
            .get(&a.service)
            .map(|t| t.unit)
            .ok_or_else(|| {
                StoreError::invalid(
                    "service",
                    format!("\"{}\" is not in the catalogue", a.service),
                )
            })?;
        let row = sqlx::query(
            "INSERT INTO agreements (person_id, plan_id, decision_id, plan_line, provider_id, service, unit, period_from, period_to, data, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *",
        )
        .bind(person_id)
        .bind(plan_id)
        .bind(decision_id)
        .bind(a.plan_line as i64)
        .bind(a.provider_id)
        .bind(&a.service)
        .bind(unit.code())
        .bind(date_text(a.period.from))
        .bind(a.period.to.map(date_text).unwrap_or_default())
        .bind(encode(&a)?)
        .bind(&who.actor)
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await?;
        let created = agreement_row(&row)?;
        sqlx::query("INSERT INTO provider_clients (provider_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(a.provider_id)
            .bind(person_id)
            .execute(&mut *tx.tx)
            .await?;
        audit::append(&mut tx, who, "create", "agreement", &created.id.to_string(), Some(person_id), json!({"provider_id": a.provider_id, "service": a.service, "price_eur": a.price.to_string()})).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// One agreement, if its person is in scope, read and audited (`read` of the `agreement`)
    /// in one transaction.
    pub async fn read_agreement(
        &self,
        who: &Auditor,
        scope: &Scope,
        id: i64,
    ) -> Result<AgreementRow> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT * FROM agreements WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let a = agreement_row(&row)?;
        person_in_scope_tx(&mut tx, scope, a.person_id).await?;
        audit::append(
            &mut tx,
            who,
            "read",
            "agreement",
            &id.to_string(),
            Some(a.person_id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(a)
    }

    /// One agreement, if its person is in scope, not audited: for checking a claim against it.
    pub async fn agreement(&self, scope: &Scope, id: i64) -> Result<AgreementRow> {
        let row = sqlx::query("SELECT * FROM agreements WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        let a = agreement_row(&row)?;
        if !self.person_in_scope(scope, a.person_id).await? {
            return Err(StoreError::NotFound);
        }
        Ok(a)
    }

    /// A plan's content and state, for checking an agreement against it.
    pub async fn plan_for_agreement(
        &self,
        scope: &Scope,
        plan_id: i64,
    ) -> Result<(Plan, String, i64)> {
        let row = sqlx::query(
            "SELECT p.person_id, p.state, v.data FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version WHERE p.id = $1",
        )
        .bind(plan_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        let person_id = int(&row, "person_id")?;
        if !self.person_in_scope(scope, person_id).await? {
            return Err(StoreError::NotFound);
        }
        Ok((
            decode(&text(&row, "data")?)?,
            text(&row, "state")?,
            person_id,
        ))
    }

    /// Records a visit (check-in, possibly with check-out).
    pub async fn create_visit(&self, who: &Auditor, scope: &Scope, v: &Visit) -> Result<Visit> {
        let mut tx = self.begin().await?;
        person_in_scope_tx(&mut tx, scope, v.person_id).await?;
        let now = now_text();
        let id: i64 = sqlx::query(
            "INSERT INTO visits (person_id, provider_id, specialist, start_at, end_at, kind, method, confirmation, data, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(v.person_id)
        .bind(v.provider_id)
        .bind(&v.specialist)
        .bind(v.start.to_string())
        .bind(v.end.map(|e| e.to_string()))
        .bind(v.kind.code())
        .bind(v.method.code())
        .bind(v.confirmation.code())
        .bind(encode(v)?)
        .bind(&now)
        .fetch_one(&mut *tx.tx)
        .await?
        .try_get(0)?;
        audit::append(
            &mut tx,
            who,
            "check-in",
            "visit",
            &id.to_string(),
            Some(v.person_id),
            json!({"provider_id": v.provider_id, "method": v.method.code()}),
        )
        .await?;
        tx.commit().await?;
        Ok(Visit { id, ..v.clone() })
    }

    /// A visit, if its person is in scope.
    pub async fn visit(&self, scope: &Scope, id: i64) -> Result<Visit> {
        let row = sqlx::query("SELECT * FROM visits WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        let v = visit_of(&row)?;
        if !self.person_in_scope(scope, v.person_id).await? {
            return Err(StoreError::NotFound);
        }
        Ok(v)
    }

    /// Saves a visit's check-out, confirmation or dispute (the core decided it may change).
    pub async fn update_visit(
        &self,
        who: &Auditor,
        scope: &Scope,
        v: &Visit,
        action: &str,
    ) -> Result<Visit> {
        let mut tx = self.begin().await?;
        person_in_scope_tx(&mut tx, scope, v.person_id).await?;
        sqlx::query("UPDATE visits SET end_at = $1, confirmation = $2, data = $3, updated_at = $4 WHERE id = $5")
            .bind(v.end.map(|e| e.to_string()))
            .bind(v.confirmation.code())
            .bind(encode(v)?)
            .bind(now_text())
            .bind(v.id)
            .execute(&mut *tx.tx)
            .await?;
        audit::append(
            &mut tx,
            who,
            action,
            "visit",
            &v.id.to_string(),
            Some(v.person_id),
            json!({"confirmation": v.confirmation.code()}),
        )
        .await?;
        tx.commit().await?;
        Ok(v.clone())
    }

    /// A person's visits, newest first.
    pub async fn visits_of(&self, scope: &Scope, person_id: i64) -> Result<Vec<Visit>> {
        self.person_rows(
            scope,
            person_id,
            "SELECT * FROM visits WHERE person_id = $1 ORDER BY start_at DESC, id DESC",
            visit_of,
        )
        .await
    }

    /// Decides one claim line of a provider in one transaction: loads what the decision needs
    /// under the budget's lock, lets the core decide, appends the claim, its ledger entries and
    /// the audit record, and commits. The same key sent again gets the same answer and is not
    /// charged again.
    pub async fn decide_claim(
        &self,
        who: &Auditor,
        provider_id: i64,
        line: &ClaimLine,
        policies: &PolicySet,
        today: time::Date,
    ) -> Result<ClaimResult> {
        // The agreement never changes, so it may be read before the lock.
        let agreement = sqlx::query("SELECT * FROM agreements WHERE id = $1 AND provider_id = $2")
            .bind(line.agreement_id)
            .bind(provider_id)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(agreement_row)
            .transpose()?;
        let mut tx = self.begin().await?;
        if let Some(a) = &agreement {
            lock_budget(&mut tx, a.decision_id).await?;
        }
        // A claim on no agreement of this provider is kept without one, so it is compared
        // as such when sent again.
        let mut probe = line.clone();
        if agreement.is_none() {
            probe.agreement_id = -1;
        }
        if let Some(r) = self
            .stored_claim(&mut tx, provider_id, &line.idempotency_key)
            .await?
        {
            if r.1.same_content(&probe) {
                tx.commit().await?;
                return Ok(ClaimResult {
                    claim_id: r.0,
                    replay: true,
                    decision: r.2,
                });
            }
        }
        let ctx = match &agreement {
            None => ClaimContext {
                today,
                agreement: None,
                plan_active: Vec::new(),
                used_this_month: Quantity::ZERO,
                caps: Vec::new(),
                remaining_balance: Money::ZERO,
                earlier_claims: self
                    .earlier_claims(&mut tx, provider_id, line, None)
                    .await?,
                visit: None,
                other_visits_same_specialist: Vec::new(),
            },
            Some(a) => {
                self.claim_context(&mut tx, a, line, policies, today)
                    .await?
            }
        };
        let decision = match decide(line, &ctx) {
            ClaimOutcome::Replay { .. } => {
                // The core recognised an earlier claim with the same key and content.
                let r = self
                    .stored_claim(&mut tx, provider_id, &line.idempotency_key)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                tx.commit().await?;
                return Ok(ClaimResult {
                    claim_id: r.0,
                    replay: true,
                    decision: r.2,
                });
            }
            ClaimOutcome::Decided(d) => d,
        };
        let line_name = agreement.as_ref().map(|a| budget_line(a.decision_id));
        let ref_id = format!("claim:{provider_id}:{}", line.idempotency_key);
        let entries = match &line_name {
            Some(l) => {
                let ledger = ledger_tx(&mut tx, l).await?;
                entries_for_decision(&ledger, &decision, l, &ref_id, today)
                    .map_err(|m| StoreError::invalid("claim", m))?
            }
            None => Vec::new(),
        };
        let decision_json = serde_json::to_value(&decision)
            .map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))?;
        let inserted = sqlx::query(
            "INSERT INTO claims (provider_id, idempotency_key, agreement_id, person_id, budget_line, service_date, quantity_milli, unit_price_e4, visit_id, \
             accepted, needs_review, amount_cents, co_payment_cents, decision, created_at, receipt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        )
        .bind(provider_id)
        .bind(&line.idempotency_key)
        .bind(agreement.as_ref().map(|a| a.id))
        .bind(agreement.as_ref().map(|a| a.person_id))
        .bind(&line_name)
        .bind(date_text(line.service_date))
        .bind(line.quantity.milli() as i64)
        .bind(line.unit_price.to_e4())
        .bind(line.visit_id)
        .bind(decision.accepted)
        .bind(decision.needs_review)
        .bind(decision.amount.cents())
        .bind(decision.co_payment.cents())
        .bind(decision_json.to_string())
        .bind(now_text())
        .bind(&line.receipt)
        .fetch_one(&mut *tx.tx)
        .await;
        let claim_id: i64 = match inserted {
            Ok(r) => r.try_get(0)?,
            Err(e) if is_unique_violation(&e) => {
                // The same key was stored meanwhile by a request that did not share this
                // one's lock (a claim on no known agreement, or another server): the same
                // claim gets the same answer; another claim under the key is refused.
                drop(tx);
                let mut tx = self.begin().await?;
                let stored = self
                    .stored_claim(&mut tx, provider_id, &line.idempotency_key)
                    .await?;
                tx.commit().await?;
                if let Some(r) = stored.filter(|r| r.1.same_content(&probe)) {
                    return Ok(ClaimResult {
                        claim_id: r.0,
                        replay: true,
                        decision: r.2,
                    });
                }
                return Err(StoreError::invalid("idempotency_key", "this key was already used for a different claim; use a new key for a new claim"));
            }
            Err(e) => return Err(e.into()),
        };
        append_entries(&mut tx, &entries).await?;
        audit::append(
            &mut tx,
            who,
            "claim",
            "claim",
            &claim_id.to_string(),
            agreement.as_ref().map(|a| a.person_id),
            json!({"accepted": decision.accepted, "amount_eur": decision.amount.to_string(), "anomalies": decision.anomalies.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(ClaimResult {
            claim_id,
            replay: false,
            decision: decision_json,
        })
    }

    async fn stored_claim(
        &self,
        tx: &mut WriteTx,
        provider_id: i64,
        key: &str,
    ) -> Result<Option<(i64, EarlierClaim, serde_json::Value)>> {
        let row =
            sqlx::query("SELECT * FROM claims WHERE provider_id = $1 AND idempotency_key = $2")
                .bind(provider_id)
                .bind(key)
                .fetch_optional(&mut *tx.tx)
                .await?;
        row.map(|r| {
            Ok((
                int(&r, "id")?,
                earlier(&r)?,
                decode::<serde_json::Value>(&text(&r, "decision")?)?,
            ))
        })
        .transpose()
    }

    async fn earlier_claims(
        &self,
        tx: &mut WriteTx,
        provider_id: i64,
        line: &ClaimLine,
        agreement_id: Option<i64>,
    ) -> Result<Vec<EarlierClaim>> {
        sqlx::query("SELECT * FROM claims WHERE provider_id = $1 AND (agreement_id = $2 OR idempotency_key = $3)")
            .bind(provider_id)
            .bind(agreement_id.unwrap_or(-1))
            .bind(&line.idempotency_key)
            .fetch_all(&mut *tx.tx)
            .await?
            .iter()
            .map(earlier)
            .collect()
    }

    async fn claim_context(
        &self,
        tx: &mut WriteTx,
        a: &AgreementRow,
        line: &ClaimLine,
        policies: &PolicySet,
        today: time::Date,
    ) -> Result<ClaimContext> {
        let unit: Unit = a
            .unit
            .parse()
            .map_err(|e: ibis_core::catalogue::UnknownCode| {
                StoreError::Db(sqlx::Error::Decode(e.into()))
            })?;
        let terms = AgreementTerms::of(a.id, a.person_id, unit, &a.agreement);
        // The plan is active over its period while it is active or in review.
        let plan = sqlx::query("SELECT p.state, v.data FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version WHERE p.id = $1")
            .bind(a.plan_id)
            .fetch_one(&mut *tx.tx)
            .await?;
        let state = text(&plan, "state")?;
        let plan_data: Plan = decode(&text(&plan, "data")?)?;
        let plan_active = if state == "active" || state == "in-review" {
            vec![plan_data.period]
        } else {
            Vec::new()
        };
        let month = month_of(line.service_date);
        let used_this_month = self
            .used(tx, "c.agreement_id = $1", a.id, &[], month)
            .await?;
        let decision = sqlx::query(
            "SELECT level, policy_id, policy_version FROM budget_decisions WHERE id = $1",
        )
        .bind(a.decision_id)
        .fetch_one(&mut *tx.tx)
        .await?;
        let level = text(&decision, "level")?;
        let (pid, pver) = (
            text(&decision, "policy_id")?,
            text(&decision, "policy_version")?,
        );
        let mut caps = Vec::new();
        if let Some(policy) = policies
            .policies
            .iter()
            .find(|p| p.id == pid && p.version == pver)
        {
            for cap in policy.caps_for(&a.agreement.service, &level) {
                let span = match cap.per {
                    CapSpan::Month => month,
                    CapSpan::Year => Period::year(line.service_date.year()),
                };
                let used = self
                    .used(tx, "c.person_id = $1", a.person_id, &cap.services, span)
                    .await?;
                caps.push(CapUse {
                    cap: cap.clone(),
                    used,
                });
            }
        }
        let ledger = ledger_tx(tx, &budget_line(a.decision_id)).await?;
        let visit = match line.visit_id {
            Some(id) => sqlx::query("SELECT * FROM visits WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx.tx)
                .await?
                .as_ref()
                .map(visit_of)
                .transpose()?,
            None => None,
        };
        let other_visits_same_specialist = match &visit {
            Some(v) => sqlx::query("SELECT * FROM visits WHERE provider_id = $1 AND specialist = $2 AND id <> $3 AND start_at >= $4 AND start_at < $5")
                .bind(v.provider_id)
                .bind(&v.specialist)
                .bind(v.id)
                .bind(format!("{}", v.start.date() - time::Duration::days(1)))
                .bind(format!("{}", v.start.date() + time::Duration::days(2)))
                .fetch_all(&mut *tx.tx)
                .await?
                .iter()
                .map(visit_of)
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        Ok(ClaimContext {
            today,
            agreement: Some(terms),
            plan_active,
            used_this_month,
            caps,
            remaining_balance: balances(&ledger).remaining,
            earlier_claims: self
                .earlier_claims(tx, a.provider_id, line, Some(a.id))
                .await?,
            visit,
            other_visits_same_specialist,
        })
    }

    /// Units of accepted claims matching `filter` (on `$1` = `key`) in a span, limited to the
    /// given services when any are named.
    async fn used(
        &self,
        tx: &mut WriteTx,
        filter: &str,
        key: i64,
        services: &[String],
        span: Period,
    ) -> Result<Quantity> {
        let sql = format!(
            "SELECT c.quantity_milli, a.service FROM claims c JOIN agreements a ON a.id = c.agreement_id \
             WHERE {filter} AND c.accepted = $2 AND c.service_date >= $3 AND c.service_date < $4"
        );
        let rows = sqlx::query(&sql)
            .bind(key)
            .bind(true)
            .bind(date_text(span.from))
            .bind(
                span.to
                    .map(date_text)
                    .unwrap_or_else(|| "9999-12-31".into()),
            )
            .fetch_all(&mut *tx.tx)
            .await?;
        let mut total = Quantity::ZERO;
        for r in rows {
            let service = text(&r, "service")?;
            if services.is_empty() || services.contains(&service) {
                total = total
                    + Quantity::from_milli(u64::try_from(int(&r, "quantity_milli")?).unwrap_or(0));
            }
        }
        Ok(total)
    }

    /// The balances of a budget decision, derived from its ledger, read and audited (`read` of
    /// the `budget`: the balances are part of the person's record) in one transaction.
    pub async fn budget_balances(
        &self,
        who: &Auditor,
        scope: &Scope,
        decision_id: i64,
    ) -> Result<BudgetBalances> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT person_id FROM budget_decisions WHERE id = $1")
            .bind(decision_id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let person_id: i64 = row.try_get(0)?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        let entries = ledger_tx(&mut tx, &budget_line(decision_id)).await?;
        audit::append(
            &mut tx,
            who,
            "read",
            "budget",
            &decision_id.to_string(),
            Some(person_id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(BudgetBalances::of(
            decision_id,
            &balances(&entries),
            entries.len(),
        ))
    }

    /// Every ledger entry of a budget line (for tests, statements and verification).
    pub async fn ledger(&self, decision_id: i64) -> Result<Vec<Entry>> {
        let mut tx = self.begin().await?;
        let entries = ledger_tx(&mut tx, &budget_line(decision_id)).await?;
        tx.commit().await?;
        Ok(entries)
    }

    /// Every claim of a budget line with its decision (for tests and statements).
    pub async fn claims_of(
        &self,
        decision_id: i64,
    ) -> Result<Vec<(i64, bool, Money, serde_json::Value)>> {
        sqlx::query("SELECT * FROM claims WHERE budget_line = $1 ORDER BY id")
            .bind(budget_line(decision_id))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    int(r, "id")?,
                    boolean(r, "accepted")?,
                    Money::from_cents(int(r, "amount_cents")?),
                    decode(&text(r, "decision")?)?,
                ))
            })
            .collect()
    }
}

fn earlier(r: &AnyRow) -> Result<EarlierClaim> {
    Ok(EarlierClaim {
        idempotency_key: text(r, "idempotency_key")?,
        agreement_id: opt_int(r, "agreement_id")?.unwrap_or(-1),
        service_date: parse_date(&text(r, "service_date")?)?,
        quantity: Quantity::from_milli(u64::try_from(int(r, "quantity_milli")?).unwrap_or(0)),
        unit_price: UnitPrice::from_e4(int(r, "unit_price_e4")?).unwrap_or_default(),
        visit_id: opt_int(r, "visit_id")?,
        accepted: boolean(r, "accepted")?,
    })
}

/// The allocation entry of a decision: the monthly amount over the decision's period.
pub(crate) fn allocation(
    decision_id: i64,
    monthly: Money,
    period: &Period,
    on: time::Date,
) -> Entry {
    let total = ibis_core::decision::period_total(monthly, period).total;
    Entry::new(
        EntryKind::Allocation,
        on,
        total,
        budget_line(decision_id),
        format!("decision:{decision_id}"),
    )
}

/// A claim flagged for the case manager: its anomalies and whether it is held for review.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FlaggedClaim {
    /// The claim.
    pub claim_id: i64,
    /// The person.
    pub person_id: i64,
    /// The provider.
    pub provider_id: i64,
    /// The decision whose budget it charges.
    pub decision_id: i64,
    /// The day of service.
    pub service_date: String,
    /// The amount charged or held.
    pub amount_eur: String,
    /// The claim's decision, with its anomalies.
    #[schema(value_type = Object)]
    pub decision: serde_json::Value,
    /// Whether it is still held for review.
    pub held: bool,
}

impl Store {
    /// Claims with anomalies for the people in scope, newest first, and whether each is still
    /// held for the case manager's review.
    pub async fn flagged_claims(&self, scope: &Scope) -> Result<Vec<FlaggedClaim>> {
        let sql = format!(
            "SELECT c.* FROM claims c JOIN persons p ON p.id = c.person_id WHERE c.accepted = $2 AND c.decision LIKE '%\"code\"%' AND {} ORDER BY c.id DESC LIMIT 500",
            crate::registry::scope_sql(scope, 1)
        );
        let rows = crate::registry::bind_scope(sqlx::query(&sql), scope)
            .bind(true)
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let decision: serde_json::Value = decode(&text(&r, "decision")?)?;
            if decision["anomalies"]
                .as_array()
                .is_none_or(|a| a.is_empty())
            {
                continue;
            }
            let line = text(&r, "budget_line")?;
            let ref_id = format!(
                "claim:{}:{}",
                int(&r, "provider_id")?,
                text(&r, "idempotency_key")?
            );
            let mut tx = self.begin().await?;
            let ledger = ledger_tx(&mut tx, &line).await?;
            tx.commit().await?;
            let reserved: Money = ledger
                .iter()
                .filter(|e| e.ref_id == ref_id && e.kind == EntryKind::Reservation)
                .map(|e| e.amount)
                .sum();
            let released: Money = ledger
                .iter()
                .filter(|e| e.ref_id == ref_id && e.kind == EntryKind::ReservationRelease)
                .map(|e| e.amount)
                .sum();
            out.push(FlaggedClaim {
                claim_id: int(&r, "id")?,
                person_id: opt_int(&r, "person_id")?.unwrap_or_default(),
                provider_id: int(&r, "provider_id")?,
                decision_id: line
                    .trim_start_matches("decision-")
                    .parse()
                    .unwrap_or_default(),
                service_date: text(&r, "service_date")?,
                amount_eur: Money::from_cents(int(&r, "amount_cents")?).to_string(),
                decision,
                held: reserved > released,
            });
        }
        Ok(out)
    }

    /// The case manager approves or refuses a claim held for review; the ledger records it.
    pub async fn review_claim(
        &self,
        who: &Auditor,
        scope: &Scope,
        claim_id: i64,
        approve: bool,
        note: &str,
        on: time::Date,
    ) -> Result<BudgetBalances> {
        let row = sqlx::query("SELECT * FROM claims WHERE id = $1")
            .bind(claim_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        let person_id = opt_int(&row, "person_id")?.ok_or(StoreError::NotFound)?;
        let line = text(&row, "budget_line")?;
        let decision_id: i64 = line
            .trim_start_matches("decision-")
            .parse()
            .map_err(|_| StoreError::NotFound)?;
        let ref_id = format!(
            "claim:{}:{}",
            int(&row, "provider_id")?,
            text(&row, "idempotency_key")?
        );
        let mut tx = self.begin().await?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        lock_budget(&mut tx, decision_id).await?;
        let ledger = ledger_tx(&mut tx, &line).await?;
        let entries = ibis_core::ledger::entries_for_approval(&ledger, &line, &ref_id, approve, on)
            .map_err(|m| StoreError::invalid("claim", m))?;
        append_entries(&mut tx, &entries).await?;
        audit::append(
            &mut tx,
            who,
            if approve { "approve" } else { "refuse" },
            "claim",
            &claim_id.to_string(),
            Some(person_id),
            json!({"note": note}),
        )
        .await?;
        let all = ledger_tx(&mut tx, &line).await?;
        tx.commit().await?;
        Ok(BudgetBalances::of(decision_id, &balances(&all), all.len()))
    }

    /// Closes a budget's period: unspent funds follow the rule (returned by default).
    pub async fn close_budget(
        &self,
        who: &Auditor,
        scope: &Scope,
        decision_id: i64,
        on: time::Date,
    ) -> Result<BudgetBalances> {
        let row = sqlx::query("SELECT person_id FROM budget_decisions WHERE id = $1")
            .bind(decision_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        let person_id: i64 = row.try_get(0)?;
        let line = budget_line(decision_id);
        let mut tx = self.begin().await?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        lock_budget(&mut tx, decision_id).await?;
        let ledger = ledger_tx(&mut tx, &line).await?;
        let entries = ibis_core::ledger::close_period(
            &ledger,
            &line,
            &ibis_core::ledger::UnspentRule::Return,
            on,
        )
        .map_err(|m| StoreError::invalid("period", m))?;
        append_entries(&mut tx, &entries).await?;
        audit::append(
            &mut tx,
            who,
            "close",
            "budget",
            &decision_id.to_string(),
            Some(person_id),
            json!({"returned_eur": entries.iter().map(|e| e.amount).sum::<Money>().to_string()}),
        )
        .await?;
        let all = ledger_tx(&mut tx, &line).await?;
        tx.commit().await?;
        Ok(BudgetBalances::of(decision_id, &balances(&all), all.len()))
    }

    /// Which of these agreement ids belong to the provider (for checking an upload).
    pub async fn provider_agreements(&self, provider_id: i64) -> Result<Vec<i64>> {
        sqlx::query("SELECT id FROM agreements WHERE provider_id = $1")
            .bind(provider_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok(r.try_get::<i64, _>(0)?))
            .collect()
    }
}

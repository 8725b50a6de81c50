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
        crate::sums::add_entry(tx, e).await?;
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
        sqlx::query(&format!(
            "SELECT pg_advisory_xact_lock({BUDGET_LOCK}, CAST($1 AS INTEGER))"
        ))
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
        // Read under the lock: an agreement committed by anyone before us is counted (the core
        // counts those whose periods overlap this one).
        let mut others = Vec::new();
        for r in sqlx::query(
            "SELECT * FROM agreements WHERE plan_id = $1 AND plan_line = $2 ORDER BY id",
        )
        .bind(plan_id)
        .bind(input.plan_line as i64)
        .fetch_all(&mut *tx.tx)
        .await?
        {
            let a = agreement_row(&r)?.agreement;
            others.push((a.period, a.quantity_per_month));
        }
        let ctx = AgreementContext {
            plan_period: plan.period,
            plan_lines: &plan.lines,
            tariff_price,
            other_agreements: &others,
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
        let (mut tx, agreement) = self.begin_claim(provider_id, line.agreement_id).await?;
        match self
            .decide_line(
                &mut tx,
                provider_id,
                line,
                agreement.as_ref(),
                policies,
                today,
            )
            .await?
        {
            Step::Replay(r) => {
                tx.commit().await?;
                Ok(r)
            }
            Step::New(r, record) => {
                audit::append_all(&mut tx, who, &[record]).await?;
                tx.commit().await?;
                Ok(r)
            }
            Step::KeyTaken(probe) => {
                drop(tx);
                let mut tx = self.begin().await?;
                let r = resolve_taken(&mut tx, provider_id, &probe).await;
                tx.commit().await?;
                r
            }
        }
    }

    /// Decides claim lines of a provider in their order in ONE transaction with one commit.
    /// Each line is decided by the code that decides a single claim ([`Store::decide_claim`]),
    /// and sees the lines before it.
    ///
    /// With `all_or_nothing`, the first line that fails in the store rolls the whole batch back:
    /// it is [`BatchLine::Failed`] and every other line [`BatchLine::NotKept`]. Otherwise each
    /// line is decided inside a savepoint, so a line that fails is rolled back alone (never
    /// half-written) and the others are kept.
    ///
    /// The budget lines the batch may charge are locked first, in the order every writer of
    /// several budgets uses (their names' order, as payment runs do), and the audit entries of
    /// the kept lines are appended together just before the commit. So two batches, or a batch
    /// and a payment run, never wait on each other in a cycle, and the audit chain is held only
    /// at the end. An error of the batch itself (the database gone) keeps nothing of it.
    pub async fn decide_claims(
        &self,
        who: &Auditor,
        provider_id: i64,
        lines: &[ClaimLine],
        all_or_nothing: bool,
        policies: &PolicySet,
        today: time::Date,
    ) -> Result<Vec<BatchLine>> {
        let mut ids: Vec<i64> = lines.iter().map(|l| l.agreement_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let agreements = self.agreements_of_provider(provider_id, &ids).await?;
        let mut tx = self.begin().await?;
        let budget_lines: std::collections::BTreeSet<String> = agreements
            .values()
            .map(|a| budget_line(a.decision_id))
            .collect();
        for l in &budget_lines {
            lock_budget_line(&mut tx, l).await?;
        }
        let mut out = Vec::with_capacity(lines.len());
        let mut records = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let agreement = agreements.get(&line.agreement_id);
            if !all_or_nothing {
                // Never released: the next line's savepoint nests in this one, and a rollback
                // goes to the newest of the name, so each line costs one statement more, not two.
                savepoint(&mut tx, "SAVEPOINT claim_line").await?;
            }
            let step = self
                .decide_line(&mut tx, provider_id, line, agreement, policies, today)
                .await;
            let kept = match step {
                Ok(Step::New(r, record)) => {
                    records.push(record);
                    Ok(r)
                }
                Ok(Step::Replay(r)) => Ok(r),
                Ok(Step::KeyTaken(probe)) => Err(Err(probe)),
                Err(e) => Err(Ok(e)),
            };
            match (kept, all_or_nothing) {
                (Ok(r), _) => out.push(BatchLine::Kept(r)),
                (Err(failure), true) => {
                    drop(tx);
                    let e = failure.unwrap_or_else(|probe| StoreError::invalid(
                        "idempotency_key",
                        format!("key \"{}\" was stored by another request meanwhile; send the file again (lines already kept get the answers they got)", probe.idempotency_key),
                    ));
                    let mut out: Vec<BatchLine> =
                        lines.iter().map(|_| BatchLine::NotKept).collect();
                    out[i] = BatchLine::Failed(e);
                    return Ok(out);
                }
                (Err(failure), false) => {
                    savepoint(&mut tx, "ROLLBACK TO SAVEPOINT claim_line").await?;
                    let answer = match failure {
                        Ok(e) => Err(e),
                        Err(probe) => resolve_taken(&mut tx, provider_id, &probe).await,
                    };
                    out.push(match answer {
                        Ok(r) => BatchLine::Kept(r),
                        Err(e) => BatchLine::Failed(e),
                    });
                }
            }
        }
        audit::append_all(&mut tx, who, &records).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The agreements of a provider among these ids, by id (read in chunks of 100).
    async fn agreements_of_provider(
        &self,
        provider_id: i64,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, AgreementRow>> {
        let mut found = std::collections::HashMap::new();
        for chunk in ids.chunks(100) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT {AGREEMENT_COLUMNS} FROM agreements WHERE provider_id = $1 AND id IN ({})",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(provider_id);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(self.pool()).await? {
                let a = agreement_row(&r)?;
                found.insert(a.id, a);
            }
        }
        Ok(found)
    }

    /// Begins a claim's transaction with the provider's agreement the line names (if it is
    /// one of theirs) read and its budget line locked. On PostgreSQL both are one statement:
    /// an agreement never changes, so it may be read with the statement's snapshot, taken just
    /// before the lock; every later statement's snapshot is taken after the lock is held. On
    /// SQLite the agreement is read before the writer's turn.
    async fn begin_claim(
        &self,
        provider_id: i64,
        agreement_id: i64,
    ) -> Result<(WriteTx, Option<AgreementRow>)> {
        match self.engine() {
            Engine::Sqlite => {
                let a = sqlx::query(&format!(
                    "SELECT {AGREEMENT_COLUMNS} FROM agreements WHERE id = $1 AND provider_id = $2"
                ))
                .bind(agreement_id)
                .bind(provider_id)
                .fetch_optional(self.pool())
                .await?
                .as_ref()
                .map(agreement_row)
                .transpose()?;
                Ok((self.begin().await?, a))
            }
            Engine::Postgres => {
                let mut tx = self.begin().await?;
                let a = sqlx::query(&format!(
                    "SELECT {AGREEMENT_COLUMNS}, CAST(pg_advisory_xact_lock({BUDGET_LOCK}, CAST(decision_id AS INTEGER)) AS TEXT) AS locked \
                     FROM agreements WHERE id = $1 AND provider_id = $2"
                ))
                .bind(agreement_id)
                .bind(provider_id)
                .fetch_optional(&mut *tx.tx)
                .await?
                .as_ref()
                .map(agreement_row)
                .transpose()?;
                Ok((tx, a))
            }
        }
    }

    /// Decides one line inside a transaction that holds its budget line's lock: gathers what
    /// the core needs, lets the core decide, and writes the claim and its ledger entries. The
    /// audit record is returned for the caller to append (with a batch's others).
    async fn decide_line(
        &self,
        tx: &mut WriteTx,
        provider_id: i64,
        line: &ClaimLine,
        agreement: Option<&AgreementRow>,
        policies: &PolicySet,
        today: time::Date,
    ) -> Result<Step> {
        // A claim on no agreement of this provider is kept without one, so it is compared
        // as such when sent again.
        let mut probe = line.clone();
        if agreement.is_none() {
            probe.agreement_id = -1;
        }
        let (ctx, ledger, stored) = match self
            .gather(tx, provider_id, line, &probe, agreement, policies, today)
            .await?
        {
            Gathered::Replay(r) => return Ok(Step::Replay(r)),
            Gathered::Context {
                ctx,
                ledger,
                stored,
            } => (ctx, ledger, stored),
        };
        let decision = match decide(line, &ctx) {
            ClaimOutcome::Replay { .. } => {
                // The core recognised the claim kept before under the same key.
                let (claim_id, _, decision) = stored.ok_or(StoreError::NotFound)?;
                return Ok(Step::Replay(ClaimResult {
                    claim_id,
                    replay: true,
                    decision,
                }));
            }
            ClaimOutcome::Decided(d) => d,
        };
        if stored.is_some() {
            // The key is kept for a different claim (the core refused this one for it), and
            // a key holds one claim: the insert could only fail.
            return Err(key_reused());
        }
        let line_name = agreement.map(|a| budget_line(a.decision_id));
        let ref_id = format!("claim:{provider_id}:{}", line.idempotency_key);
        let entries = match &line_name {
            Some(l) => entries_for_decision(&ledger, &decision, l, &ref_id, today)
                .map_err(|m| StoreError::invalid("claim", m))?,
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
        .bind(agreement.map(|a| a.id))
        .bind(agreement.map(|a| a.person_id))
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
            // The same key was stored meanwhile by a request that did not share this one's
            // lock (a claim on no known agreement, or another server).
            Err(e) if is_unique_violation(&e) => return Ok(Step::KeyTaken(probe)),
            Err(e) => return Err(e.into()),
        };
        append_entries(tx, &entries).await?;
        if let (true, false, Some(a)) = (decision.accepted, decision.needs_review, agreement) {
            crate::sums::add_claim(
                tx,
                &crate::sums::ApprovedClaim {
                    person_id: a.person_id,
                    service_date: line.service_date,
                    agreement_id: a.id,
                    service: &a.agreement.service,
                    provider_id,
                    amount_cents: decision.amount.cents(),
                    co_payment_cents: decision.co_payment.cents(),
                },
            )
            .await?;
        }
        if let Some(a) = agreement {
            crate::sums::add_anomalies(tx, a.person_id, line.service_date, &decision).await?;
        }
        let record = audit::Record {
            action: "claim".into(),
            entity: "claim".into(),
            entity_id: claim_id.to_string(),
            person_id: agreement.map(|a| a.person_id),
            detail: json!({"accepted": decision.accepted, "amount_eur": decision.amount.to_string(), "anomalies": decision.anomalies.len()}),
        };
        Ok(Step::New(
            ClaimResult {
                claim_id,
                replay: false,
                decision: decision_json,
            },
            record,
        ))
    }

    /// Everything a line is decided against, read in as few statements as the rules allow:
    /// the plan and the decision in one, every claim the rules look at in one (the one kept
    /// under the key, the agreement's in the month and for the same visit, and the person's in
    /// the caps' span when a cap applies), the budget line's ledger once, and the visit.
    /// Stops after the claims when the line is the claim kept before under its key.
    #[allow(clippy::too_many_arguments)]
    async fn gather(
        &self,
        tx: &mut WriteTx,
        provider_id: i64,
        line: &ClaimLine,
        probe: &ClaimLine,
        agreement: Option<&AgreementRow>,
        policies: &PolicySet,
        today: time::Date,
    ) -> Result<Gathered> {
        let Some(a) = agreement else {
            let rows = claim_rows(tx, provider_id, line, None).await?;
            let stored = stored_of(&rows, provider_id, line)?;
            if let Some(r) = replay_of(&stored, probe) {
                return Ok(Gathered::Replay(r));
            }
            return Ok(Gathered::Context {
                ctx: Box::new(ClaimContext {
                    today,
                    agreement: None,
                    plan_active: Vec::new(),
                    used_this_month: Quantity::ZERO,
                    caps: Vec::new(),
                    remaining_balance: Money::ZERO,
                    earlier_claims: rows.into_iter().map(|r| r.claim).collect(),
                    visit: None,
                    other_visits_same_specialist: Vec::new(),
                }),
                ledger: Vec::new(),
                stored,
            });
        };
        let unit: Unit = a
            .unit
            .parse()
            .map_err(|e: ibis_core::catalogue::UnknownCode| {
                StoreError::Db(sqlx::Error::Decode(e.into()))
            })?;
        let terms = AgreementTerms::of(a.id, a.person_id, unit, &a.agreement);
        let row = sqlx::query(
            "SELECT p.state, v.data, d.level, d.policy_id, d.policy_version \
             FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version, budget_decisions d \
             WHERE p.id = $1 AND d.id = $2",
        )
        .bind(a.plan_id)
        .bind(a.decision_id)
        .fetch_one(&mut *tx.tx)
        .await?;
        // The plan is active over its period while it is active or in review.
        let state = text(&row, "state")?;
        let plan_data: Plan = decode(&text(&row, "data")?)?;
        let plan_active = if state == "active" || state == "in-review" {
            vec![plan_data.period]
        } else {
            Vec::new()
        };
        let level = text(&row, "level")?;
        let (pid, pver) = (text(&row, "policy_id")?, text(&row, "policy_version")?);
        let month = month_of(line.service_date);
        let year = Period::year(line.service_date.year());
        let caps: Vec<(ibis_core::policy::Cap, Period)> = policies
            .policies
            .iter()
            .find(|p| p.id == pid && p.version == pver)
            .map(|policy| {
                policy
                    .caps_for(&a.agreement.service, &level)
                    .map(|cap| {
                        let span = match cap.per {
                            CapSpan::Month => month,
                            CapSpan::Year => year,
                        };
                        (cap.clone(), span)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let person_span = if caps.is_empty() {
            None
        } else if caps.iter().any(|(c, _)| matches!(c.per, CapSpan::Year)) {
            Some(year)
        } else {
            Some(month)
        };
        let rows = claim_rows(
            tx,
            provider_id,
            line,
            Some(Reach {
                agreement_id: a.id,
                month,
                person: person_span.map(|s| (a.person_id, s)),
            }),
        )
        .await?;
        let stored = stored_of(&rows, provider_id, line)?;
        if let Some(r) = replay_of(&stored, probe) {
            return Ok(Gathered::Replay(r));
        }
        let sum = |keep: &dyn Fn(&ClaimRow) -> bool| {
            rows.iter()
                .filter(|r| r.claim.accepted && keep(r))
                .fold(Quantity::ZERO, |t, r| t + r.claim.quantity)
        };
        let used_this_month =
            sum(&|r| r.claim.agreement_id == a.id && month.contains(r.claim.service_date));
        let caps = caps
            .into_iter()
            .map(|(cap, span)| {
                let used = sum(&|r| {
                    r.person_id == Some(a.person_id)
                        && span.contains(r.claim.service_date)
                        && r.service
                            .as_ref()
                            .is_some_and(|s| cap.services.is_empty() || cap.services.contains(s))
                });
                CapUse { cap, used }
            })
            .collect();
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
        // The earlier claims the rules compare with: the one under the key, and the
        // agreement's (the rules match duplicates within the agreement only).
        let earlier_claims = rows
            .into_iter()
            .filter(|r| r.claim.agreement_id == a.id || r.is_key(provider_id, line))
            .map(|r| r.claim)
            .collect();
        Ok(Gathered::Context {
            ctx: Box::new(ClaimContext {
                today,
                agreement: Some(terms),
                plan_active,
                used_this_month,
                caps,
                remaining_balance: balances(&ledger).remaining,
                earlier_claims,
                visit,
                other_visits_same_specialist,
            }),
            ledger,
            stored,
        })
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

/// The key of the budget lines' advisory locks on PostgreSQL (with the decision's id).
const BUDGET_LOCK: i64 = 7261003;

/// The columns of an agreement row ([`agreement_row`]).
const AGREEMENT_COLUMNS: &str = "id, person_id, plan_id, decision_id, provider_id, data, unit";

/// What became of one line of a batch decided by [`Store::decide_claims`].
#[derive(Debug)]
pub enum BatchLine {
    /// Decided and kept (accepted or refused), or answered as the claim kept before under its
    /// key.
    Kept(ClaimResult),
    /// The store could not keep it (its key holds another claim, its budget line is closed,
    /// ...): nothing of it was kept.
    Failed(StoreError),
    /// Good, but not kept: another line of the all-or-nothing batch failed.
    NotKept,
}

/// A claim kept under a key: its id, what it asked and the decision it got.
type StoredClaim = (i64, EarlierClaim, serde_json::Value);

/// What deciding one line inside a transaction came to.
enum Step {
    /// A new claim, written with its ledger entries; its audit record is still to append.
    New(ClaimResult, audit::Record),
    /// The same claim was kept before under the key: the answer it got then.
    Replay(ClaimResult),
    /// The insert met the key stored meanwhile by a request that did not share this one's
    /// lock (the line as it is compared, see [`resolve_taken`]).
    KeyTaken(ClaimLine),
}

/// What a line is decided against, or the claim kept before under its key.
enum Gathered {
    Replay(ClaimResult),
    Context {
        ctx: Box<ClaimContext>,
        ledger: Vec<Entry>,
        stored: Option<StoredClaim>,
    },
}

/// Which claims besides the one under the key a line's decision reads.
struct Reach {
    /// The agreement: its accepted claims in `month` and for the line's visit.
    agreement_id: i64,
    month: Period,
    /// The person and span whose accepted claims count against the policy caps, if any cap
    /// applies.
    person: Option<(i64, Period)>,
}

/// A claim as the rules read it.
struct ClaimRow {
    id: i64,
    provider_id: i64,
    person_id: Option<i64>,
    claim: EarlierClaim,
    /// The service of its agreement.
    service: Option<String>,
    /// Its decision (JSON), read only for the claim under the line's key.
    decision: String,
}

impl ClaimRow {
    fn is_key(&self, provider_id: i64, line: &ClaimLine) -> bool {
        self.provider_id == provider_id && self.claim.idempotency_key == line.idempotency_key
    }
}

/// The claims a line's decision reads, in one statement, oldest first: the one kept under the
/// line's key, and with `reach` the agreement's accepted claims in the month or for the same
/// visit and the person's accepted claims in the caps' span. Only the columns the rules use
/// are read (the decision only for the claim under the key).
async fn claim_rows(
    tx: &mut WriteTx,
    provider_id: i64,
    line: &ClaimLine,
    reach: Option<Reach>,
) -> Result<Vec<ClaimRow>> {
    let mut sql = String::from(
        "SELECT c.id, c.provider_id, c.person_id, c.idempotency_key, c.agreement_id, c.service_date, c.quantity_milli, \
         c.unit_price_e4, c.visit_id, c.accepted, a.service, \
         CASE WHEN c.provider_id = $1 AND c.idempotency_key = $2 THEN c.decision ELSE '' END AS decision \
         FROM claims c LEFT JOIN agreements a ON a.id = c.agreement_id \
         WHERE (c.provider_id = $1 AND c.idempotency_key = $2)",
    );
    let to = |p: Period| p.to.map(date_text).unwrap_or_else(|| "9999-12-31".into());
    if let Some(r) = &reach {
        sql.push_str(" OR (c.agreement_id = $3 AND c.accepted = $4 AND ((c.service_date >= $5 AND c.service_date < $6)");
        let mut n = 6;
        if line.visit_id.is_some() {
            n += 1;
            sql.push_str(&format!(" OR c.visit_id = ${n}"));
        }
        sql.push_str("))");
        if r.person.is_some() {
            sql.push_str(&format!(
                " OR (c.person_id = ${} AND c.accepted = $4 AND c.service_date >= ${} AND c.service_date < ${})",
                n + 1,
                n + 2,
                n + 3
            ));
        }
    }
    sql.push_str(" ORDER BY c.id");
    let mut q = sqlx::query(&sql)
        .bind(provider_id)
        .bind(&line.idempotency_key);
    if let Some(r) = &reach {
        q = q
            .bind(r.agreement_id)
            .bind(true)
            .bind(date_text(r.month.from))
            .bind(to(r.month));
        if let Some(v) = line.visit_id {
            q = q.bind(v);
        }
        if let Some((person_id, span)) = r.person {
            q = q.bind(person_id).bind(date_text(span.from)).bind(to(span));
        }
    }
    q.fetch_all(&mut *tx.tx)
        .await?
        .iter()
        .map(|r| {
            Ok(ClaimRow {
                id: int(r, "id")?,
                provider_id: int(r, "provider_id")?,
                person_id: opt_int(r, "person_id")?,
                claim: earlier(r)?,
                service: crate::sql::opt_text(r, "service")?,
                decision: text(r, "decision")?,
            })
        })
        .collect()
}

/// The claim kept under the line's key among the rows read.
fn stored_of(rows: &[ClaimRow], provider_id: i64, line: &ClaimLine) -> Result<Option<StoredClaim>> {
    rows.iter()
        .find(|r| r.is_key(provider_id, line))
        .map(|r| Ok((r.id, r.claim.clone(), decode(&r.decision)?)))
        .transpose()
}

/// The answer given before, when the line asks exactly what the claim under its key asked.
fn replay_of(stored: &Option<StoredClaim>, probe: &ClaimLine) -> Option<ClaimResult> {
    stored
        .as_ref()
        .filter(|s| s.1.same_content(probe))
        .map(|(claim_id, _, decision)| ClaimResult {
            claim_id: *claim_id,
            replay: true,
            decision: decision.clone(),
        })
}

fn key_reused() -> StoreError {
    StoreError::invalid(
        "idempotency_key",
        "this key was already used for a different claim; use a new key for a new claim",
    )
}

/// The claim kept under a provider's key.
async fn stored_claim(
    tx: &mut WriteTx,
    provider_id: i64,
    key: &str,
) -> Result<Option<StoredClaim>> {
    let row = sqlx::query(
        "SELECT id, idempotency_key, agreement_id, service_date, quantity_milli, unit_price_e4, visit_id, accepted, decision \
         FROM claims WHERE provider_id = $1 AND idempotency_key = $2",
    )
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

/// The answer to a line whose key another request stored meanwhile: the same claim gets the
/// same answer; another claim under the key is refused.
async fn resolve_taken(
    tx: &mut WriteTx,
    provider_id: i64,
    probe: &ClaimLine,
) -> Result<ClaimResult> {
    let stored = stored_claim(tx, provider_id, &probe.idempotency_key).await?;
    replay_of(&stored, probe).ok_or_else(key_reused)
}

/// Runs a savepoint statement (`SAVEPOINT`, `ROLLBACK TO SAVEPOINT`).
async fn savepoint(tx: &mut WriteTx, sql: &'static str) -> Result<()> {
    sqlx::query(sql).execute(&mut *tx.tx).await?;
    Ok(())
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
        // A held claim approved now (its first `approved-claim` entry) joins its month's
        // spending, as monitoring counts it.
        let approved_before = |l: &[Entry]| {
            l.iter()
                .any(|e| e.kind == EntryKind::ApprovedClaim && e.ref_id == ref_id)
        };
        if boolean(&row, "accepted")?
            && boolean(&row, "needs_review")?
            && !approved_before(&ledger)
            && approved_before(&entries)
        {
            if let Some(agreement_id) = opt_int(&row, "agreement_id")? {
                let service: String = sqlx::query("SELECT service FROM agreements WHERE id = $1")
                    .bind(agreement_id)
                    .fetch_one(&mut *tx.tx)
                    .await?
                    .try_get(0)?;
                crate::sums::add_claim(
                    &mut tx,
                    &crate::sums::ApprovedClaim {
                        person_id,
                        service_date: parse_date(&text(&row, "service_date")?)?,
                        agreement_id,
                        service: &service,
                        provider_id: int(&row, "provider_id")?,
                        amount_cents: int(&row, "amount_cents")?,
                        co_payment_cents: int(&row, "co_payment_cents")?,
                    },
                )
                .await?;
            }
        }
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

//! Payment runs: the municipality pays providers for approved claims. A run collects what is
//! payable, is reviewed by a second person, and on release appends the payment entries and
//! keeps its SEPA credit-transfer file. A claim is in at most one live run, and a released run
//! released again pays nothing more, so running payments twice pays once.

use ibis_core::ledger::{payables, Entry, EntryKind};
use ibis_core::money::Money;
use ibis_core::sepa::{pain_001_001_03, run_transition, Iban, Payment, PaymentRun, RunState};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::spending::{append_entries, ledger_tx, lock_budget_line};
use crate::sql::{date_text, int, now_text, opt_text, text};
use crate::{audit, Auditor, Engine, Result, Store, StoreError, WriteTx};

/// A payment run as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RunRow {
    /// Id.
    pub id: i64,
    /// The paying municipality.
    pub municipality: String,
    /// The SEPA message id.
    pub msg_id: String,
    /// `draft`, `reviewed`, `released` or `cancelled`.
    pub state: String,
    /// Requested execution date.
    pub execution_date: String,
    /// Total.
    pub total_eur: String,
    /// Number of claims paid.
    pub items: i64,
    /// Who prepared it.
    pub prepared_by: String,
    /// Who reviewed it.
    pub reviewed_by: Option<String>,
    /// Who released it.
    pub released_by: Option<String>,
    /// The pain.001.001.03 file, once released.
    pub xml: Option<String>,
}

fn run_row(r: &AnyRow) -> Result<RunRow> {
    Ok(RunRow {
        id: int(r, "id")?,
        municipality: text(r, "municipality_code")?,
        msg_id: text(r, "msg_id")?,
        state: text(r, "state")?,
        execution_date: text(r, "execution_date")?,
        total_eur: Money::from_cents(int(r, "total_cents")?).to_string(),
        items: int(r, "payments_count")?,
        prepared_by: text(r, "prepared_by")?,
        reviewed_by: opt_text(r, "reviewed_by")?,
        released_by: opt_text(r, "released_by")?,
        xml: opt_text(r, "xml")?,
    })
}

async fn lock_runs(tx: &mut WriteTx, municipality: &str) -> Result<()> {
    if tx.engine() == Engine::Postgres {
        // One run operation per municipality at a time, across every server.
        sqlx::query("SELECT pg_advisory_xact_lock(7261004, CAST(hashtext($1) AS INTEGER))")
            .bind(municipality)
            .execute(&mut *tx.tx)
            .await?;
    }
    Ok(())
}

async fn load_run(tx: &mut WriteTx, municipality: &str, id: i64) -> Result<RunRow> {
    let row = sqlx::query("SELECT * FROM payment_runs WHERE id = $1 AND municipality_code = $2")
        .bind(id)
        .bind(municipality)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    run_row(&row)
}

impl Store {
    /// Prepares a run of everything payable for the municipality's people that is not in
    /// another live run. An empty run is refused.
    pub async fn prepare_run(
        &self,
        who: &Auditor,
        municipality: &str,
        debtor_name: &str,
        debtor_iban: &str,
        execution_date: time::Date,
    ) -> Result<RunRow> {
        let iban = Iban::parse(debtor_iban)
            .map_err(|e| StoreError::invalid("debtor_iban", e.to_string()))?;
        let mut tx = self.begin().await?;
        lock_runs(&mut tx, municipality).await?;
        let lines = sqlx::query(
            "SELECT DISTINCT c.budget_line FROM claims c JOIN persons p ON p.id = c.person_id WHERE p.municipality_code = $1 AND c.accepted = $2 AND c.budget_line IS NOT NULL",
        )
        .bind(municipality)
        .bind(true)
        .fetch_all(&mut *tx.tx)
        .await?
        .iter()
        .map(|r| text(r, "budget_line"))
        .collect::<Result<Vec<String>>>()?;
        let mut items = Vec::new();
        let mut payees = Vec::new();
        for line in lines {
            let ledger = ledger_tx(&mut tx, &line).await?;
            for (ref_id, amount) in payables(&ledger, &line) {
                let taken = sqlx::query("SELECT 1 FROM run_items i JOIN payment_runs r ON r.id = i.run_id WHERE i.ref_id = $1 AND r.state <> 'cancelled'")
                    .bind(&ref_id)
                    .fetch_optional(&mut *tx.tx)
                    .await?;
                if taken.is_some() {
                    continue;
                }
                let claim = sqlx::query(
                    "SELECT c.provider_id, a.data FROM claims c JOIN agreements a ON a.id = c.agreement_id \
                     WHERE c.budget_line = $1 AND $2 = 'claim:' || CAST(c.provider_id AS TEXT) || ':' || c.idempotency_key",
                )
                .bind(&line)
                .bind(&ref_id)
                .fetch_one(&mut *tx.tx)
                .await?;
                let provider: i64 = claim.try_get(0)?;
                let agreement: ibis_core::agreement::Agreement =
                    serde_json::from_str(&text(&claim, "data")?)
                        .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?;
                payees.push(agreement.payee);
                items.push((line.clone(), ref_id, provider, amount));
            }
        }
        if items.is_empty() {
            return Err(StoreError::invalid(
                "run",
                "nothing is payable: every approved claim is paid or already in a run",
            ));
        }
        let total: Money = items.iter().map(|i| i.3).sum();
        let providers: std::collections::BTreeSet<i64> = items.iter().map(|i| i.2).collect();
        let seq: i64 = sqlx::query("SELECT COUNT(*) FROM payment_runs")
            .fetch_one(&mut *tx.tx)
            .await?
            .try_get(0)?;
        let msg_id = format!(
            "IBIS-{}-{}-{}",
            municipality
                .to_uppercase()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(12)
                .collect::<String>(),
            execution_date.to_string().replace('-', ""),
            seq + 1
        );
        let id: i64 = sqlx::query(
            "INSERT INTO payment_runs (municipality_code, msg_id, state, execution_date, debtor_name, debtor_iban, total_cents, payments_count, prepared_by, created_at) \
             VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(municipality)
        .bind(&msg_id)
        .bind(date_text(execution_date))
        .bind(debtor_name)
        .bind(iban.as_str())
        .bind(total.cents())
        .bind(items.len() as i64)
        .bind(&who.actor)
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await?
        .try_get(0)?;
        for ((line, ref_id, provider, amount), payee) in items.iter().zip(&payees) {
            sqlx::query(
                "INSERT INTO run_items (run_id, budget_line, ref_id, provider_id, amount_cents, payee_mode, payee_name, payee_iban) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
                .bind(id)
                .bind(line)
                .bind(ref_id)
                .bind(provider)
                .bind(amount.cents())
                .bind(payee.mode.code())
                .bind(&payee.name)
                .bind(&payee.iban)
                .execute(&mut *tx.tx)
                .await?;
        }
        audit::append(&mut tx, who, "prepare", "payment-run", &id.to_string(), None, json!({"total_eur": total.to_string(), "claims": items.len(), "providers": providers.len()})).await?;
        let run = load_run(&mut tx, municipality, id).await?;
        tx.commit().await?;
        Ok(run)
    }

    /// Moves a run: `reviewed` (by someone other than who prepared it), `draft`, `cancelled`
    /// (its claims become payable in a later run), or `released` (the payments are entered in
    /// the ledger and the SEPA file is made). Releasing a released run returns it unchanged.
    pub async fn move_run(
        &self,
        who: &Auditor,
        municipality: &str,
        id: i64,
        to: RunState,
        now: time::PrimitiveDateTime,
    ) -> Result<RunRow> {
        let mut tx = self.begin().await?;
        lock_runs(&mut tx, municipality).await?;
        let run = load_run(&mut tx, municipality, id).await?;
        if to == RunState::Released && run.state == "released" {
            tx.commit().await?;
            return Ok(run);
        }
        let from: RunState =
            run.state
                .parse()
                .map_err(|e: ibis_core::catalogue::UnknownCode| {
                    StoreError::Db(sqlx::Error::Decode(e.into()))
                })?;
        run_transition(from, to, &run.prepared_by, &who.actor)
            .map_err(|m| StoreError::invalid("state", m))?;
        match to {
            RunState::Released => {
                let on = now.date();
                let items = sqlx::query(
                    "SELECT * FROM run_items WHERE run_id = $1 ORDER BY provider_id, ref_id",
                )
                .bind(id)
                .fetch_all(&mut *tx.tx)
                .await?;
                // The budgets paid are locked as claims lock them (in one order, so two
                // releases never wait on each other), so no claim review or period close on
                // any server changes what is payable between the check and the payment.
                let lines: std::collections::BTreeSet<String> = items
                    .iter()
                    .map(|i| text(i, "budget_line"))
                    .collect::<Result<_>>()?;
                for line in &lines {
                    lock_budget_line(&mut tx, line).await?;
                }
                // One transfer per payee: each provider, each person reimbursed directly, each
                // third-party administrator.
                let mut by_payee: std::collections::BTreeMap<(String, String), (String, Money)> =
                    std::collections::BTreeMap::new();
                for item in &items {
                    let line = text(item, "budget_line")?;
                    let ref_id = text(item, "ref_id")?;
                    let amount = Money::from_cents(int(item, "amount_cents")?);
                    let ledger = ledger_tx(&mut tx, &line).await?;
                    let due = payables(&ledger, &line)
                        .into_iter()
                        .find(|(r, _)| r == &ref_id)
                        .map(|(_, a)| a);
                    if due != Some(amount) {
                        return Err(StoreError::invalid(
                            "run",
                            format!("claim {ref_id} is no longer payable as {amount}; cancel the run and prepare a new one"),
                        ));
                    }
                    append_entries(
                        &mut tx,
                        &[Entry::new(EntryKind::Payment, on, amount, &line, &ref_id)],
                    )
                    .await?;
                    let provider_id = int(item, "provider_id")?;
                    let (key, name, iban) = match text(item, "payee_mode")?.as_str() {
                        "provider" => {
                            let p = sqlx::query("SELECT name, iban FROM providers WHERE id = $1")
                                .bind(provider_id)
                                .fetch_one(&mut *tx.tx)
                                .await?;
                            let iban = opt_text(&p, "iban")?.ok_or_else(|| {
                                StoreError::invalid("run", format!("provider {provider_id} has no account (IBAN); add it before release"))
                            })?;
                            (format!("P{provider_id}"), text(&p, "name")?, iban)
                        }
                        mode => {
                            let iban = opt_text(item, "payee_iban")?.unwrap_or_default();
                            let tag = if mode == "person" { "D" } else { "A" };
                            (
                                format!("{tag}{}", &iban[iban.len().saturating_sub(8)..]),
                                opt_text(item, "payee_name")?.unwrap_or_default(),
                                iban,
                            )
                        }
                    };
                    by_payee.entry((key, iban)).or_insert((name, Money::ZERO)).1 += amount;
                }
                let payments = by_payee
                    .into_iter()
                    .map(|((key, iban), (name, amount))| Payment {
                        end_to_end_id: format!("R{id}-{key}"),
                        creditor_name: name,
                        creditor_iban: iban,
                        amount,
                        remittance: format!("ibis {} individual budget services", run.msg_id),
                    })
                    .collect();
                let sepa = PaymentRun {
                    msg_id: run.msg_id.clone(),
                    created_at: now,
                    debtor_name: sqlx::query("SELECT debtor_name FROM payment_runs WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx.tx)
                        .await?
                        .try_get(0)?,
                    debtor_iban: sqlx::query("SELECT debtor_iban FROM payment_runs WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx.tx)
                        .await?
                        .try_get(0)?,
                    debtor_bic: None,
                    execution_date: crate::sql::parse_date(&run.execution_date)?,
                    payments,
                };
                let xml = pain_001_001_03(&sepa).map_err(StoreError::Invalid)?;
                sqlx::query("UPDATE payment_runs SET state = 'released', released_by = $1, released_at = $2, xml = $3 WHERE id = $4")
                    .bind(&who.actor)
                    .bind(now_text())
                    .bind(&xml)
                    .bind(id)
                    .execute(&mut *tx.tx)
                    .await?;
            }
            RunState::Reviewed => {
                sqlx::query(
                    "UPDATE payment_runs SET state = 'reviewed', reviewed_by = $1 WHERE id = $2",
                )
                .bind(&who.actor)
                .bind(id)
                .execute(&mut *tx.tx)
                .await?;
            }
            RunState::Cancelled => {
                sqlx::query("DELETE FROM run_items WHERE run_id = $1")
                    .bind(id)
                    .execute(&mut *tx.tx)
                    .await?;
                sqlx::query("UPDATE payment_runs SET state = 'cancelled' WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx.tx)
                    .await?;
            }
            RunState::Draft => {
                sqlx::query(
                    "UPDATE payment_runs SET state = 'draft', reviewed_by = NULL WHERE id = $1",
                )
                .bind(id)
                .execute(&mut *tx.tx)
                .await?;
            }
        }
        audit::append(
            &mut tx,
            who,
            to.code(),
            "payment-run",
            &id.to_string(),
            None,
            json!({"from": run.state}),
        )
        .await?;
        let run = load_run(&mut tx, municipality, id).await?;
        tx.commit().await?;
        Ok(run)
    }

    /// One run of a municipality.
    pub async fn run(&self, municipality: &str, id: i64) -> Result<RunRow> {
        let row =
            sqlx::query("SELECT * FROM payment_runs WHERE id = $1 AND municipality_code = $2")
                .bind(id)
                .bind(municipality)
                .fetch_optional(self.pool())
                .await?
                .ok_or(StoreError::NotFound)?;
        run_row(&row)
    }
}

//! Monthly sums for monitoring (migration 8): the approved claims by person, month of the day of
//! service, agreement and provider (`monthly_spending`), and the ledger by budget line, month
//! and kind (`monthly_ledger`). They are kept in step in the same transaction as the rows they
//! sum: a claim kept accepted and not held, a held claim approved at review, every ledger entry
//! appended, and every transaction of the population loader. Monitoring reads them for the
//! whole months of a period (`crate::monitoring`).
//!
//! Migration 9 adds two more, kept the same way: the anomalies of claims held for review by
//! person, month and code (`monthly_anomalies`), written when a claim is kept held; and the
//! lines of each plan version not received (`plan_gaps`), written with the version.

use std::collections::BTreeMap;

use ibis_core::claim::ClaimDecision;
use ibis_core::ledger::Entry;
use ibis_core::plan::{LineStatus, Plan};
use sqlx::any::AnyRow;

use crate::sql::{date_text, decode, int, opt_text, parse_date, text};
use crate::{Result, Store, WriteTx};

/// The first day of a day's month, as the `month` column holds it (`YYYY-MM-01`).
pub fn month_text(d: time::Date) -> String {
    date_text(d.replace_day(1).unwrap_or(d))
}

/// The approved claims summed as `monthly_spending` holds them (with their agreement's service,
/// migration 9), for the claims that match `filter` (a condition on `c`): accepted and not
/// held, or held and approved at review.
fn spending_sql(filter: &str) -> String {
    format!(
        "SELECT c.person_id, substr(c.service_date, 1, 7) || '-01' AS month, c.agreement_id, c.provider_id, \
         CAST(SUM(c.amount_cents) AS BIGINT) AS amount_cents, CAST(SUM(c.co_payment_cents) AS BIGINT) AS co_payment_cents, \
         COUNT(*) AS claims, a.service FROM claims c JOIN agreements a ON a.id = c.agreement_id \
         WHERE c.person_id IS NOT NULL AND c.agreement_id IS NOT NULL AND c.accepted = TRUE \
         AND (c.needs_review = FALSE OR EXISTS (SELECT 1 FROM ledger_entries l \
           WHERE l.budget_line = c.budget_line AND l.kind = 'approved-claim' \
           AND l.ref_id = 'claim:' || CAST(c.provider_id AS TEXT) || ':' || c.idempotency_key)) \
         AND {filter} \
         GROUP BY c.person_id, substr(c.service_date, 1, 7), c.agreement_id, c.provider_id, a.service"
    )
}

/// The ledger entries summed as `monthly_ledger` holds them, for the entries that match
/// `filter` (a condition on `l`).
fn ledger_sql(filter: &str) -> String {
    format!(
        "SELECT l.budget_line, substr(l.on_date, 1, 7) || '-01' AS month, l.kind, \
         CAST(SUM(l.amount_cents) AS BIGINT) AS amount_cents, COUNT(*) AS entries \
         FROM ledger_entries l WHERE {filter} \
         GROUP BY l.budget_line, substr(l.on_date, 1, 7), l.kind"
    )
}

/// An approved claim as its month's sum counts it.
pub(crate) struct ApprovedClaim<'a> {
    /// The person.
    pub person_id: i64,
    /// The day of service.
    pub service_date: time::Date,
    /// The agreement.
    pub agreement_id: i64,
    /// The agreement's service.
    pub service: &'a str,
    /// The provider.
    pub provider_id: i64,
    /// What the budget pays.
    pub amount_cents: i64,
    /// The person's co-payment.
    pub co_payment_cents: i64,
}

/// Adds one approved claim to its month's sum, inside the transaction that keeps or approves it.
pub(crate) async fn add_claim(tx: &mut WriteTx, c: &ApprovedClaim<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO monthly_spending (person_id, month, agreement_id, provider_id, amount_cents, co_payment_cents, claims, service) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7) ON CONFLICT (person_id, month, agreement_id, provider_id) DO UPDATE SET \
         amount_cents = monthly_spending.amount_cents + excluded.amount_cents, \
         co_payment_cents = monthly_spending.co_payment_cents + excluded.co_payment_cents, \
         claims = monthly_spending.claims + excluded.claims",
    )
    .bind(c.person_id)
    .bind(month_text(c.service_date))
    .bind(c.agreement_id)
    .bind(c.provider_id)
    .bind(c.amount_cents)
    .bind(c.co_payment_cents)
    .bind(c.service)
    .execute(&mut *tx.tx)
    .await?;
    Ok(())
}

/// Adds one ledger entry to its month's sum, inside the transaction that appends it.
pub(crate) async fn add_entry(tx: &mut WriteTx, e: &Entry) -> Result<()> {
    sqlx::query(
        "INSERT INTO monthly_ledger (budget_line, month, kind, amount_cents, entries) \
         VALUES ($1, $2, $3, $4, 1) ON CONFLICT (budget_line, month, kind) DO UPDATE SET \
         amount_cents = monthly_ledger.amount_cents + excluded.amount_cents, \
         entries = monthly_ledger.entries + excluded.entries",
    )
    .bind(&e.budget_line)
    .bind(month_text(e.on))
    .bind(e.kind.code())
    .bind(e.amount.cents())
    .execute(&mut *tx.tx)
    .await?;
    Ok(())
}

/// Writes the sums of the people with ids in `[first, last]`, who were all written in this
/// transaction and have no sums yet (the population loader's people of one transaction).
pub(crate) async fn sum_new_people(tx: &mut WriteTx, first: i64, last: i64) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO monthly_spending (person_id, month, agreement_id, provider_id, amount_cents, co_payment_cents, claims, service) {}",
        spending_sql("c.person_id >= $1 AND c.person_id <= $2")
    ))
    .bind(first)
    .bind(last)
    .execute(&mut *tx.tx)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO monthly_ledger (budget_line, month, kind, amount_cents, entries) {}",
        ledger_sql(
            "l.budget_line IN (SELECT 'decision-' || CAST(d.id AS TEXT) FROM budget_decisions d \
             WHERE d.person_id >= $1 AND d.person_id <= $2)"
        )
    ))
    .bind(first)
    .bind(last)
    .execute(&mut *tx.tx)
    .await?;
    Ok(())
}

/// The anomalies a claim counts in `monthly_anomalies`, by code: one per anomaly of a claim
/// kept accepted and held for review, none for any other claim.
pub(crate) fn held_anomalies(d: &ClaimDecision) -> BTreeMap<&'static str, i64> {
    let mut out = BTreeMap::new();
    if d.accepted && d.needs_review {
        for a in &d.anomalies {
            *out.entry(a.code.code()).or_insert(0) += 1;
        }
    }
    out
}

/// The anomaly codes of a held claim's stored decision (its JSON text), one per anomaly, as
/// [`held_anomalies`] counted them when it was kept.
pub(crate) fn stored_anomaly_codes(decision: &serde_json::Value) -> Vec<String> {
    decision["anomalies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["code"].as_str().map(str::to_owned))
        .collect()
}

/// Adds a held claim's anomalies to its month's counts, inside the transaction that keeps it.
pub(crate) async fn add_anomalies(
    tx: &mut WriteTx,
    person_id: i64,
    service_date: time::Date,
    decision: &ClaimDecision,
) -> Result<()> {
    for (code, n) in held_anomalies(decision) {
        sqlx::query(
            "INSERT INTO monthly_anomalies (person_id, month, code, anomalies) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (person_id, month, code) DO UPDATE SET anomalies = monthly_anomalies.anomalies + excluded.anomalies",
        )
        .bind(person_id)
        .bind(month_text(service_date))
        .bind(code)
        .bind(n)
        .execute(&mut *tx.tx)
        .await?;
    }
    Ok(())
}

/// One row of `plan_gaps`: a plan line not received, with the plan's period.
pub(crate) struct GapRow {
    /// The line's place in the plan, from 0.
    pub line_no: i64,
    /// Its service type code.
    pub service: String,
    /// Its status code (never `received`).
    pub status: &'static str,
    /// Its barrier, if one was recorded.
    pub barrier: Option<String>,
    /// The plan's first day.
    pub period_from: String,
    /// The plan's end (exclusive), '' when open.
    pub period_to: String,
}

/// The lines of a plan version that `plan_gaps` holds: those not received.
pub(crate) fn gap_rows(plan: &Plan) -> Vec<GapRow> {
    plan.lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.status != LineStatus::Received)
        .map(|(i, l)| GapRow {
            line_no: i64::try_from(i).unwrap_or(i64::MAX),
            service: l.service.clone(),
            status: l.status.code(),
            barrier: l.barrier.clone(),
            period_from: date_text(plan.period.from),
            period_to: plan.period.to.map(date_text).unwrap_or_default(),
        })
        .collect()
}

/// Writes the gaps of a new plan version, inside the transaction that keeps the version.
pub(crate) async fn add_plan_gaps(
    tx: &mut WriteTx,
    plan_id: i64,
    version: i64,
    plan: &Plan,
) -> Result<()> {
    for g in gap_rows(plan) {
        sqlx::query(
            "INSERT INTO plan_gaps (plan_id, version, line_no, service, status, barrier, period_from, period_to) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(plan_id)
        .bind(version)
        .bind(g.line_no)
        .bind(g.service)
        .bind(g.status)
        .bind(g.barrier)
        .bind(g.period_from)
        .bind(g.period_to)
        .execute(&mut *tx.tx)
        .await?;
    }
    Ok(())
}

/// A row of a monthly sum: its key and its sums.
type SumRows = BTreeMap<String, Vec<i64>>;

/// The rows of `sql`, each keyed by `key` and holding its integer columns `sums`.
async fn sum_rows(
    store: &Store,
    sql: &str,
    key: impl Fn(&AnyRow) -> Result<String>,
    sums: &[&str],
) -> Result<SumRows> {
    sqlx::query(sql)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| {
            let values = sums.iter().map(|c| int(r, c)).collect::<Result<_>>()?;
            Ok((key(r)?, values))
        })
        .collect()
}

fn spending_key(r: &AnyRow) -> Result<String> {
    Ok(format!(
        "spending person {} month {} agreement {} ({}) provider {}",
        int(r, "person_id")?,
        text(r, "month")?,
        int(r, "agreement_id")?,
        text(r, "service")?,
        int(r, "provider_id")?
    ))
}

fn ledger_key(r: &AnyRow) -> Result<String> {
    Ok(format!(
        "ledger line {} month {} kind {}",
        text(r, "budget_line")?,
        text(r, "month")?,
        text(r, "kind")?
    ))
}

/// Adds a line to `out` for every key kept with other values than the rows give, kept without
/// rows, or given by rows and not kept.
fn differences<V: PartialEq + std::fmt::Debug>(
    kept: &BTreeMap<String, V>,
    raw: &BTreeMap<String, V>,
    out: &mut Vec<String>,
) {
    for (k, v) in kept {
        match raw.get(k) {
            Some(w) if w == v => {}
            Some(w) => out.push(format!("{k}: kept {v:?}, rows give {w:?}")),
            None => out.push(format!("{k}: kept {v:?}, no rows")),
        }
    }
    for (k, w) in raw {
        if !kept.contains_key(k) {
            out.push(format!("{k}: not kept, rows give {w:?}"));
        }
    }
}

impl Store {
    /// Where the monthly sums, the anomaly counts and the plan gaps differ from the rows they
    /// stand for (empty when they are in step): one line per differing key. For tests and for
    /// checking a database.
    pub async fn monthly_sums_drift(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let spending = ["amount_cents", "co_payment_cents", "claims"];
        let kept = sum_rows(
            self,
            "SELECT person_id, month, agreement_id, provider_id, amount_cents, co_payment_cents, claims, service FROM monthly_spending",
            spending_key,
            &spending,
        )
        .await?;
        let raw = sum_rows(self, &spending_sql("1 = 1"), spending_key, &spending).await?;
        differences(&kept, &raw, &mut out);
        let ledger = ["amount_cents", "entries"];
        let kept = sum_rows(
            self,
            "SELECT budget_line, month, kind, amount_cents, entries FROM monthly_ledger",
            ledger_key,
            &ledger,
        )
        .await?;
        let raw = sum_rows(self, &ledger_sql("1 = 1"), ledger_key, &ledger).await?;
        differences(&kept, &raw, &mut out);

        // The anomalies: kept, and counted from the held claims' decisions.
        let anomalies_key = |person: i64, month: &str, code: &str| {
            format!("anomalies person {person} month {month} code {code}")
        };
        let kept = sum_rows(
            self,
            "SELECT person_id, month, code, anomalies FROM monthly_anomalies",
            |r| {
                Ok(anomalies_key(
                    int(r, "person_id")?,
                    &text(r, "month")?,
                    &text(r, "code")?,
                ))
            },
            &["anomalies"],
        )
        .await?;
        let mut raw = SumRows::new();
        for r in sqlx::query(
            "SELECT person_id, service_date, decision FROM claims \
             WHERE person_id IS NOT NULL AND accepted = $1 AND needs_review = $1",
        )
        .bind(true)
        .fetch_all(self.pool())
        .await?
        {
            let month = month_text(parse_date(&text(&r, "service_date")?)?);
            let decision: serde_json::Value = decode(&text(&r, "decision")?)?;
            for code in stored_anomaly_codes(&decision) {
                let key = anomalies_key(int(&r, "person_id")?, &month, &code);
                raw.entry(key).or_insert_with(|| vec![0])[0] += 1;
            }
        }
        differences(&kept, &raw, &mut out);

        // The plan gaps: kept, and read from every plan version's text.
        let key = |plan: i64, version: i64, line: i64| {
            format!("gap plan {plan} version {version} line {line}")
        };
        let mut kept = BTreeMap::new();
        for r in sqlx::query(
            "SELECT plan_id, version, line_no, service, status, barrier, period_from, period_to FROM plan_gaps",
        )
        .fetch_all(self.pool())
        .await?
        {
            kept.insert(
                key(int(&r, "plan_id")?, int(&r, "version")?, int(&r, "line_no")?),
                (
                    text(&r, "service")?,
                    text(&r, "status")?,
                    opt_text(&r, "barrier")?,
                    text(&r, "period_from")?,
                    text(&r, "period_to")?,
                ),
            );
        }
        let mut raw = BTreeMap::new();
        for r in sqlx::query("SELECT plan_id, version, data FROM plan_versions")
            .fetch_all(self.pool())
            .await?
        {
            let plan: Plan = decode(&text(&r, "data")?)?;
            for g in gap_rows(&plan) {
                raw.insert(
                    key(int(&r, "plan_id")?, int(&r, "version")?, g.line_no),
                    (
                        g.service,
                        g.status.to_owned(),
                        g.barrier,
                        g.period_from,
                        g.period_to,
                    ),
                );
            }
        }
        differences(&kept, &raw, &mut out);
        Ok(out)
    }
}

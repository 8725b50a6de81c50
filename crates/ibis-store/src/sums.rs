//! Monthly sums for monitoring (migration 8): the approved claims by person, month of the day of
//! service, agreement and provider (`monthly_spending`), and the ledger by budget line, month
//! and kind (`monthly_ledger`). They are kept in step in the same transaction as the rows they
//! sum: a claim kept accepted and not held, a held claim approved at review, every ledger entry
//! appended, and every transaction of the population loader. Monitoring reads them for the
//! whole months of a period (`crate::monitoring`).

use std::collections::BTreeMap;

use ibis_core::ledger::Entry;

use crate::sql::{date_text, int, text};
use crate::{Result, Store, WriteTx};

/// The first day of a day's month, as the `month` column holds it (`YYYY-MM-01`).
pub fn month_text(d: time::Date) -> String {
    date_text(d.replace_day(1).unwrap_or(d))
}

/// The approved claims summed as `monthly_spending` holds them, for the claims that match
/// `filter` (a condition on `c`): accepted and not held, or held and approved at review.
fn spending_sql(filter: &str) -> String {
    format!(
        "SELECT c.person_id, substr(c.service_date, 1, 7) || '-01' AS month, c.agreement_id, c.provider_id, \
         CAST(SUM(c.amount_cents) AS BIGINT) AS amount_cents, CAST(SUM(c.co_payment_cents) AS BIGINT) AS co_payment_cents, \
         COUNT(*) AS claims FROM claims c \
         WHERE c.person_id IS NOT NULL AND c.agreement_id IS NOT NULL AND c.accepted = TRUE \
         AND (c.needs_review = FALSE OR EXISTS (SELECT 1 FROM ledger_entries l \
           WHERE l.budget_line = c.budget_line AND l.kind = 'approved-claim' \
           AND l.ref_id = 'claim:' || CAST(c.provider_id AS TEXT) || ':' || c.idempotency_key)) \
         AND {filter} \
         GROUP BY c.person_id, substr(c.service_date, 1, 7), c.agreement_id, c.provider_id"
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

/// Adds one approved claim to its month's sum, inside the transaction that keeps or approves it.
pub(crate) async fn add_claim(
    tx: &mut WriteTx,
    person_id: i64,
    service_date: time::Date,
    agreement_id: i64,
    provider_id: i64,
    amount_cents: i64,
    co_payment_cents: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO monthly_spending (person_id, month, agreement_id, provider_id, amount_cents, co_payment_cents, claims) \
         VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT (person_id, month, agreement_id, provider_id) DO UPDATE SET \
         amount_cents = monthly_spending.amount_cents + excluded.amount_cents, \
         co_payment_cents = monthly_spending.co_payment_cents + excluded.co_payment_cents, \
         claims = monthly_spending.claims + excluded.claims",
    )
    .bind(person_id)
    .bind(month_text(service_date))
    .bind(agreement_id)
    .bind(provider_id)
    .bind(amount_cents)
    .bind(co_payment_cents)
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
        "INSERT INTO monthly_spending (person_id, month, agreement_id, provider_id, amount_cents, co_payment_cents, claims) {}",
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

/// A row of a monthly sum: its key and its sums.
type SumRows = BTreeMap<String, Vec<i64>>;

async fn spending_rows(store: &Store, sql: &str) -> Result<SumRows> {
    sqlx::query(sql)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                format!(
                    "spending person {} month {} agreement {} provider {}",
                    int(r, "person_id")?,
                    text(r, "month")?,
                    int(r, "agreement_id")?,
                    int(r, "provider_id")?
                ),
                vec![
                    int(r, "amount_cents")?,
                    int(r, "co_payment_cents")?,
                    int(r, "claims")?,
                ],
            ))
        })
        .collect()
}

async fn ledger_rows(store: &Store, sql: &str) -> Result<SumRows> {
    sqlx::query(sql)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                format!(
                    "ledger line {} month {} kind {}",
                    text(r, "budget_line")?,
                    text(r, "month")?,
                    text(r, "kind")?
                ),
                vec![int(r, "amount_cents")?, int(r, "entries")?],
            ))
        })
        .collect()
}

fn differences(kept: &SumRows, raw: &SumRows, out: &mut Vec<String>) {
    for (k, v) in kept {
        match raw.get(k) {
            Some(w) if w == v => {}
            Some(w) => out.push(format!("{k}: kept {v:?}, rows sum to {w:?}")),
            None => out.push(format!("{k}: kept {v:?}, no rows")),
        }
    }
    for (k, w) in raw {
        if !kept.contains_key(k) {
            out.push(format!("{k}: not kept, rows sum to {w:?}"));
        }
    }
}

impl Store {
    /// Where the monthly sums differ from the sums of the rows they stand for (empty when they
    /// are in step): one line per differing key. For tests and for checking a database.
    pub async fn monthly_sums_drift(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let kept = spending_rows(
            self,
            "SELECT person_id, month, agreement_id, provider_id, amount_cents, co_payment_cents, claims FROM monthly_spending",
        )
        .await?;
        let raw = spending_rows(self, &spending_sql("1 = 1")).await?;
        differences(&kept, &raw, &mut out);
        let kept = ledger_rows(
            self,
            "SELECT budget_line, month, kind, amount_cents, entries FROM monthly_ledger",
        )
        .await?;
        let raw = ledger_rows(self, &ledger_sql("1 = 1")).await?;
        differences(&kept, &raw, &mut out);
        Ok(out)
    }
}

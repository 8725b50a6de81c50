//! Monitoring on storage, on both engines: the per-person facts of the people served in an area
//! and period (read with a handful of aggregate queries, never one query per person), the
//! providers per service per municipality, and the people behind a figure for callers allowed
//! to read them (every person shown is audited).
//!
//! The figures themselves are folded in `ibis_core::monitoring`, so the dashboard and the rows
//! behind each figure come from the same facts.

use std::collections::BTreeMap;

use futures_util::{stream, StreamExt, TryStreamExt};
use ibis_core::access::Scope;
use ibis_core::catalogue::UnknownCode;
use ibis_core::ledger::EntryKind;
use ibis_core::money::Money;
use ibis_core::monitoring::{
    Area, BudgetFacts, Coverage, GapFacts, LedgerSums, PersonFacts, SpendingFacts,
};
use ibis_core::Period;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::sql::{date_text, decode, int, opt_text, parse_date, text};
use crate::{audit, Auditor, Result, Store, StoreError};

/// The area as a condition on a municipality column, with its one parameter at `$n`, and the
/// value to bind there.
fn area_sql(area: &Area, column: &str, n: usize) -> (String, String) {
    match area {
        Area::Country => (format!("${n} = ''"), String::new()),
        Area::Region(r) => (
            format!("{column} IN (SELECT code FROM municipalities WHERE region = ${n})"),
            r.code().to_owned(),
        ),
        Area::Municipality(m) => (format!("{column} = ${n}"), m.clone()),
    }
}

/// The condition that a budget decision `d` overlaps the period `[$a, $b)`.
fn overlap_sql(a: usize, b: usize) -> String {
    format!("d.period_from < ${b} AND (d.period_to = '' OR d.period_to > ${a})")
}

fn bounds(period: &Period) -> (String, String) {
    (
        date_text(period.from),
        period
            .to
            .map(date_text)
            .unwrap_or_else(|| "9999-12-31".into()),
    )
}

/// The period cut for reading: the whole months inside it, read from the monthly sums
/// (`crate::sums`), and the partial months at its edges, read from the rows. Each piece is
/// `[from, to)` as text, with whether it is the whole months.
fn pieces(period: &Period) -> Vec<(String, String, bool)> {
    let (from, to) = bounds(period);
    let first_whole = if period.from.day() == 1 {
        Some(period.from)
    } else {
        Period::month(period.from.year(), period.from.month()).to
    };
    let first_whole = first_whole.map(date_text).unwrap_or_else(|| to.clone());
    let end_whole = match period.to {
        Some(t) => crate::sums::month_text(t),
        // Open-ended: every month from the first whole one on.
        None => to.clone(),
    };
    if first_whole >= end_whole {
        return vec![(from, to, false)];
    }
    let mut out = Vec::new();
    if from < first_whole {
        out.push((from, first_whole.clone(), false));
    }
    out.push((first_whole, end_whole.clone(), true));
    if end_whole < to && period.to.is_some() {
        out.push((end_whole, to, false));
    }
    out
}

fn decode_err(e: UnknownCode) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(e.into()))
}

/// A sum of a BIGINT column as BIGINT on both engines (PostgreSQL sums BIGINT to NUMERIC).
fn sum(col: &str) -> String {
    format!("CAST(COALESCE(SUM({col}), 0) AS BIGINT)")
}

/// How many monitoring statements run at once, for one dashboard and across all of them (the
/// store holds this many permits): enough to use both cores of a small server and overlap
/// their waits, few enough to leave the pool to claims and pages.
pub const READS_AT_ONCE: usize = 3;

/// Which figures a monitoring statement's rows feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    People,
    Ledger,
    Spending,
    AnomalySums,
    AnomalyClaims,
    Reviews,
    Goals,
    Gaps,
}

/// One monitoring statement and the span it reads.
struct Read {
    part: Part,
    sql: String,
    lo: String,
    hi: String,
}

/// A budget of a person served, from a row of the people statement.
fn budget_facts(r: &AnyRow) -> Result<BudgetFacts> {
    let period_to = text(r, "period_to")?;
    Ok(BudgetFacts {
        decision_id: int(r, "decision_id")?,
        group: text(r, "budget_group")?.parse().map_err(decode_err)?,
        level: text(r, "level")?,
        period: Period {
            from: parse_date(&text(r, "period_from")?)?,
            to: if period_to.is_empty() {
                None
            } else {
                Some(parse_date(&period_to)?)
            },
        },
    })
}

/// A person served, with their first budget, from a row of the people statement.
fn person_facts(r: &AnyRow, id: i64, budget: BudgetFacts) -> Result<PersonFacts> {
    Ok(PersonFacts {
        person_id: id,
        municipality: text(r, "municipality_code")?,
        target_group: text(r, "target_group")?.parse().map_err(decode_err)?,
        living: text(r, "living")?.parse().map_err(decode_err)?,
        birth_date: parse_date(&text(r, "birth_date")?)?,
        budgets: vec![budget],
        ledger: LedgerSums::default(),
        spending: Vec::new(),
        overdue_since: None,
        goal_scores: Vec::new(),
        anomalies_raised: BTreeMap::new(),
        anomalies_resolved: 0,
        gaps: Vec::new(),
    })
}

/// Adds one row of a ledger, spending, anomaly, goal or gap statement to a person's facts.
fn fold_row(f: &mut PersonFacts, part: Part, r: &AnyRow) -> Result<()> {
    match part {
        Part::People | Part::Reviews => {}
        Part::Ledger => {
            let cents = Money::from_cents(int(r, "cents")?);
            let kind: EntryKind = text(r, "kind")?.parse().map_err(decode_err)?;
            match kind {
                EntryKind::Allocation => f.ledger.allocated += cents,
                EntryKind::ApprovedClaim => f.ledger.spent += cents,
                EntryKind::Reservation => f.ledger.reserved += cents,
                EntryKind::ReservationRelease => {
                    f.ledger.reserved -= cents;
                    f.anomalies_resolved += u64::try_from(int(r, "n")?).unwrap_or(0);
                }
                EntryKind::PeriodClose => f.ledger.returned += cents,
                EntryKind::Payment | EntryKind::Adjustment => {}
            }
        }
        Part::Spending => {
            let row = SpendingFacts {
                service: text(r, "service")?,
                category: text(r, "category")?,
                provider_id: int(r, "provider_id")?,
                amount: Money::from_cents(int(r, "amount")?),
                co_payment: Money::from_cents(int(r, "co")?),
                claims: u64::try_from(int(r, "n")?).unwrap_or(0),
            };
            // The rows of the other pieces and statements join the row of the same service
            // and provider.
            match f
                .spending
                .iter_mut()
                .find(|s| s.service == row.service && s.provider_id == row.provider_id)
            {
                Some(s) => {
                    s.amount += row.amount;
                    s.co_payment += row.co_payment;
                    s.claims += row.claims;
                }
                None => f.spending.push(row),
            }
        }
        Part::AnomalySums => {
            *f.anomalies_raised.entry(text(r, "code")?).or_insert(0) +=
                u64::try_from(int(r, "n")?).unwrap_or(0);
        }
        Part::AnomalyClaims => {
            let decision: serde_json::Value = decode(&text(r, "decision")?)?;
            for code in crate::sums::stored_anomaly_codes(&decision) {
                *f.anomalies_raised.entry(code).or_insert(0) += 1;
            }
        }
        Part::Goals => f
            .goal_scores
            .push(i8::try_from(int(r, "attainment")?).unwrap_or(0)),
        Part::Gaps => {
            let decision_id = int(r, "decision_id")?;
            if f.budgets.iter().any(|b| b.decision_id == decision_id) {
                f.gaps.push(GapFacts {
                    service: text(r, "service")?,
                    status: text(r, "status")?.parse().map_err(decode_err)?,
                    barrier: opt_text(r, "barrier")?,
                });
            }
        }
    }
    Ok(())
}

impl Store {
    /// The municipality codes of an area, in code order.
    pub async fn area_municipalities(&self, area: &Area) -> Result<Vec<String>> {
        let (cond, v) = area_sql(area, "code", 1);
        sqlx::query(&format!(
            "SELECT code FROM municipalities WHERE {cond} ORDER BY code"
        ))
        .bind(v)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| Ok(r.try_get::<String, _>(0)?))
        .collect()
    }

    /// The facts of every person served in the area and period (see
    /// `ibis_core::monitoring`), in person order. `as_of` is the day reviews are counted on.
    /// Aggregate reading: nothing here names a person, so nothing is audited; the names behind
    /// a figure are read with [`Store::monitoring_people`].
    ///
    /// The statements are independent and run a few at a time ([`READS_AT_ONCE`]); their rows
    /// are folded in the order the statements are listed.
    pub async fn monitoring_facts(
        &self,
        area: &Area,
        period: &Period,
        as_of: time::Date,
    ) -> Result<Vec<PersonFacts>> {
        let (from, to) = bounds(period);
        let (area_cond, area_v) = area_sql(area, "p.municipality_code", 3);
        let pieces = pieces(period);
        // Every statement binds `$1` and `$2` (its span), `$3` (the area) and, where it uses
        // them, `$4 = TRUE` and `$5 = FALSE`; except the ledger statements, which take the
        // period at `$1`/`$2` and their piece at `$4`/`$5`.
        let mut reads: Vec<Read> = Vec::new();
        let mut read = |part: Part, sql: String, lo: &str, hi: &str| {
            reads.push(Read {
                part,
                sql,
                lo: lo.to_owned(),
                hi: hi.to_owned(),
            })
        };

        // People served and their budgets.
        read(
            Part::People,
            format!(
                "SELECT p.id, p.municipality_code, p.target_group, p.living, p.birth_date, d.id AS decision_id, \
                 d.budget_group, d.level, d.period_from, d.period_to \
                 FROM persons p JOIN budget_decisions d ON d.person_id = p.id \
                 WHERE {} AND {area_cond} AND $4 = $4 AND $5 = $5 ORDER BY p.id, d.id",
                overlap_sql(1, 2)
            ),
            &from,
            &to,
        );

        // Ledger entries booked in the period on the budgets overlapping it, by person and kind:
        // the whole months from `monthly_ledger`, the partial months at the edges from the
        // entries.
        for (lo, hi, whole) in &pieces {
            let sql = if *whole {
                format!(
                    "SELECT d.person_id, l.kind, {} AS cents, {} AS n \
                     FROM budget_decisions d JOIN persons p ON p.id = d.person_id \
                     JOIN monthly_ledger l ON l.budget_line = 'decision-' || CAST(d.id AS TEXT) \
                     WHERE {} AND {area_cond} AND l.month >= $4 AND l.month < $5 \
                     GROUP BY d.person_id, l.kind",
                    sum("l.amount_cents"),
                    sum("l.entries"),
                    overlap_sql(1, 2)
                )
            } else {
                format!(
                    "SELECT d.person_id, l.kind, {} AS cents, COUNT(*) AS n \
                     FROM budget_decisions d JOIN persons p ON p.id = d.person_id \
                     JOIN ledger_entries l ON l.budget_line = 'decision-' || CAST(d.id AS TEXT) \
                     WHERE {} AND {area_cond} AND l.on_date >= $4 AND l.on_date < $5 \
                     GROUP BY d.person_id, l.kind",
                    sum("l.amount_cents"),
                    overlap_sql(1, 2)
                )
            };
            // The ledger statements take the period at $1/$2 and the piece at $4/$5.
            read(Part::Ledger, sql, lo, hi);
        }

        // Approved claims by day of service: accepted without a hold, or held and approved at
        // review. The whole months come from `monthly_spending`, which sums exactly these
        // claims; the partial months at the edges from the claims, in two statements, because
        // the first (nearly every claim) is then answered from the `claims_by_person` index
        // alone, summed by agreement before the agreement's service is looked up; only the
        // second (the held claims) reads claim rows and the ledger. One statement with
        // `needs_review = false OR EXISTS (...)` read every claim row: 68-166 s for Rīga's 3
        // million claims, against seconds (docs/benchmarks.md).
        let held_approved = "c.needs_review = $4 AND EXISTS (SELECT 1 FROM ledger_entries l \
             WHERE l.budget_line = c.budget_line AND l.kind = 'approved-claim' \
             AND l.ref_id = 'claim:' || CAST(c.provider_id AS TEXT) || ':' || c.idempotency_key)";
        let by_service = |inner: String| {
            format!(
                "SELECT g.person_id, a.service, COALESCE(s.category, '') AS category, g.provider_id, \
                 {} AS amount, {} AS co, {} AS n \
                 FROM ({inner}) g \
                 JOIN agreements a ON a.id = g.agreement_id \
                 LEFT JOIN service_types s ON s.code = a.service \
                 GROUP BY g.person_id, a.service, s.category, g.provider_id",
                sum("g.amount"),
                sum("g.co"),
                sum("g.n"),
            )
        };
        for (lo, hi, whole) in &pieces {
            if *whole {
                // By person, service and provider, in the order of the
                // `monthly_spending_by_service` index, so the engine groups as it reads.
                read(
                    Part::Spending,
                    format!(
                        "SELECT g.person_id, g.service, COALESCE(s.category, '') AS category, g.provider_id, \
                         g.amount, g.co, g.n FROM (\
                         SELECT m.person_id, m.service, m.provider_id, {} AS amount, {} AS co, {} AS n \
                         FROM monthly_spending m JOIN persons p ON p.id = m.person_id \
                         WHERE m.month >= $1 AND m.month < $2 AND {area_cond} AND $4 = $4 AND $5 = $5 \
                         GROUP BY m.person_id, m.service, m.provider_id) g \
                         LEFT JOIN service_types s ON s.code = g.service",
                        sum("m.amount_cents"),
                        sum("m.co_payment_cents"),
                        sum("m.claims"),
                    ),
                    lo,
                    hi,
                );
                continue;
            }
            for which in ["c.needs_review = $5", held_approved] {
                read(
                    Part::Spending,
                    by_service(format!(
                        "SELECT c.person_id, c.agreement_id, c.provider_id, SUM(c.amount_cents) AS amount, \
                         SUM(c.co_payment_cents) AS co, COUNT(*) AS n \
                         FROM claims c JOIN persons p ON p.id = c.person_id \
                         WHERE c.service_date >= $1 AND c.service_date < $2 AND {area_cond} AND c.accepted = $4 \
                         AND {which} AND $5 = $5 \
                         GROUP BY c.person_id, c.agreement_id, c.provider_id"
                    )),
                    lo,
                    hi,
                );
            }
        }

        // Anomalies of claims held for review, by day of service: the whole months from
        // `monthly_anomalies`, the partial months from the held claims' decisions.
        for (lo, hi, whole) in &pieces {
            if *whole {
                read(
                    Part::AnomalySums,
                    format!(
                        "SELECT m.person_id, m.code, {} AS n FROM monthly_anomalies m JOIN persons p ON p.id = m.person_id \
                         WHERE m.month >= $1 AND m.month < $2 AND {area_cond} AND $4 = $4 AND $5 = $5 \
                         GROUP BY m.person_id, m.code",
                        sum("m.anomalies")
                    ),
                    lo,
                    hi,
                );
            } else {
                read(
                    Part::AnomalyClaims,
                    format!(
                        "SELECT c.person_id, c.decision FROM claims c JOIN persons p ON p.id = c.person_id \
                         WHERE c.service_date >= $1 AND c.service_date < $2 AND {area_cond} AND c.accepted = $4 \
                         AND c.needs_review = $4 AND $5 = $5 ORDER BY c.id"
                    ),
                    lo,
                    hi,
                );
            }
        }

        // Reviews: the last signed assessment on or before `as_of`, whether or not a later one
        // has superseded it since (on a past day, an assessment superseded after that day was
        // still the one in force: counting only those signed today hid who was overdue then).
        read(
            Part::Reviews,
            format!(
                "SELECT a.person_id, a.assessed_on, a.next_review_on FROM assessments a JOIN persons p ON p.id = a.person_id \
                 WHERE a.status IN ('signed', 'superseded') AND a.assessed_on <= $1 AND {area_cond} \
                 AND $2 = $2 AND $4 = $4 AND $5 = $5 ORDER BY a.person_id, a.assessed_on, a.id"
            ),
            &date_text(as_of),
            "",
        );

        // Goal attainment recorded at review in the period.
        read(
            Part::Goals,
            format!(
                "SELECT pl.person_id, g.attainment FROM goal_reviews g JOIN plans pl ON pl.id = g.plan_id \
                 JOIN persons p ON p.id = pl.person_id WHERE g.reviewed_on >= $1 AND g.reviewed_on < $2 AND {area_cond} \
                 AND $4 = $4 AND $5 = $5 ORDER BY g.id"
            ),
            &from,
            &to,
        );

        // Plan lines not received (`plan_gaps`), in the current version of plans (not drafts)
        // whose own period overlaps the period and whose budget does: the budget is checked
        // when folding, among the person's budgets overlapping the period (reading the
        // decisions' rows here cost a second on SQLite).
        read(
            Part::Gaps,
            format!(
                "SELECT pl.person_id, pl.decision_id, g.service, g.status, g.barrier FROM plans pl \
                 JOIN plan_gaps g ON g.plan_id = pl.id AND g.version = pl.version \
                 JOIN persons p ON p.id = pl.person_id \
                 WHERE pl.state <> 'draft' AND {area_cond} \
                 AND g.period_from < $2 AND (g.period_to = '' OR g.period_to > $1) AND $4 = $4 AND $5 = $5 \
                 ORDER BY pl.id, g.line_no"
            ),
            &from,
            &to,
        );

        let pool = self.pool();
        let permits = &self.report_reads;
        let postgres = self.engine() == crate::Engine::Postgres;
        let results: Vec<(Part, Vec<AnyRow>)> = stream::iter(reads.into_iter().map(|r| {
            let (from, to, area_v) = (&from, &to, &area_v);
            async move {
                // The semaphore is never closed.
                let _permit = permits.acquire().await.ok();
                let mut tx = pool.begin().await?;
                if postgres {
                    // The statements already run side by side ([`READS_AT_ONCE`]); each on
                    // one core. PostgreSQL's parallel plans for the largest (three processes
                    // sorting and hashing what one index walk groups in order) took longer
                    // on two cores than the serial plan (docs/benchmarks.md, Dashboards).
                    sqlx::query("SET LOCAL max_parallel_workers_per_gather = 0")
                        .execute(&mut *tx)
                        .await?;
                }
                // The ledger statements take the period at $1/$2 and their piece at $4/$5.
                let q = sqlx::query(&r.sql);
                let q = if r.part == Part::Ledger {
                    q.bind(from.as_str())
                        .bind(to.as_str())
                        .bind(area_v.as_str())
                        .bind(r.lo.as_str())
                        .bind(r.hi.as_str())
                } else {
                    q.bind(r.lo.as_str())
                        .bind(r.hi.as_str())
                        .bind(area_v.as_str())
                        .bind(true)
                        .bind(false)
                };
                let rows = q.fetch_all(&mut *tx).await?;
                tx.commit().await?;
                Ok::<_, StoreError>((r.part, rows))
            }
        }))
        .buffered(READS_AT_ONCE)
        .try_collect()
        .await?;

        let mut facts: BTreeMap<i64, PersonFacts> = BTreeMap::new();
        let mut last_review: BTreeMap<i64, time::Date> = BTreeMap::new();
        for (part, rows) in &results {
            for r in rows {
                let id = match part {
                    Part::People => int(r, "id")?,
                    _ => int(r, "person_id")?,
                };
                if *part == Part::People {
                    let budget = budget_facts(r)?;
                    match facts.get_mut(&id) {
                        Some(f) => f.budgets.push(budget),
                        None => {
                            facts.insert(id, person_facts(r, id, budget)?);
                        }
                    }
                    continue;
                }
                if *part == Part::Reviews {
                    last_review.insert(id, parse_date(&text(r, "next_review_on")?)?);
                    continue;
                }
                // Rows of people not served in the period (no budget overlapping it) count
                // nowhere.
                let Some(f) = facts.get_mut(&id) else {
                    continue;
                };
                fold_row(f, *part, r)?;
            }
        }
        for (id, next) in last_review {
            if let Some(f) = facts.get_mut(&id) {
                if next < as_of {
                    f.overdue_since = Some(next);
                }
            }
        }
        Ok(facts.into_values().collect())
    }

    /// Providers per service per municipality of the area: providers with a price for the
    /// service valid at some time in the period that serve the municipality.
    pub async fn coverage(&self, area: &Area, period: &Period) -> Result<Vec<Coverage>> {
        let (from, to) = bounds(period);
        let (cond, v) = area_sql(area, "pm.municipality_code", 3);
        let sql = format!(
            "SELECT pm.municipality_code, ps.service_code, COUNT(DISTINCT ps.provider_id) AS n \
             FROM provider_services ps JOIN provider_municipalities pm ON pm.provider_id = ps.provider_id \
             WHERE ps.valid_from < $2 AND (ps.valid_to IS NULL OR ps.valid_to = '' OR ps.valid_to > $1) AND {cond} \
             GROUP BY pm.municipality_code, ps.service_code ORDER BY pm.municipality_code, ps.service_code"
        );
        sqlx::query(&sql)
            .bind(&from)
            .bind(&to)
            .bind(v)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(Coverage {
                    municipality: text(r, "municipality_code")?,
                    service: text(r, "service_code")?,
                    providers: u64::try_from(int(r, "n")?).unwrap_or(0),
                })
            })
            .collect()
    }

    /// Every provider's name by id (for labelling figures).
    pub async fn provider_names(&self) -> Result<BTreeMap<i64, String>> {
        sqlx::query("SELECT id, name FROM providers")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((int(r, "id")?, text(r, "name")?)))
            .collect()
    }

    /// The names of the people behind a figure, for a caller who may read them: only people in
    /// the caller's scope are returned, and each one shown is recorded in the audit log with
    /// the figure it was opened from. `(id, given name, family name)` in the order of `ids`.
    pub async fn monitoring_people(
        &self,
        who: &Auditor,
        scope: &Scope,
        ids: &[i64],
        figure: &str,
    ) -> Result<Vec<(i64, String, String)>> {
        let mut tx = self.begin().await?;
        let mut out = Vec::with_capacity(ids.len());
        let sql = format!(
            "SELECT p.id, p.given_name, p.family_name FROM persons p WHERE p.id = $1 AND {}",
            crate::registry::scope_sql(scope, 2)
        );
        for id in ids {
            let row = crate::registry::bind_scope(sqlx::query(&sql).bind(*id), scope)
                .fetch_optional(&mut *tx.tx)
                .await?;
            let Some(r) = row else { continue };
            audit::append(
                &mut tx,
                who,
                "list",
                "person",
                &id.to_string(),
                Some(*id),
                json!({"monitoring": figure}),
            )
            .await?;
            out.push((*id, text(&r, "given_name")?, text(&r, "family_name")?));
        }
        tx.commit().await?;
        Ok(out)
    }
}

//! Monitoring on storage, on both engines: the per-person facts of the people served in an area
//! and period (read with a handful of aggregate queries, never one query per person), the
//! providers per service per municipality, and the people behind a figure for callers allowed
//! to read them (every person shown is audited).
//!
//! The figures themselves are folded in `ibis_core::monitoring`, so the dashboard and the rows
//! behind each figure come from the same facts.

use std::collections::BTreeMap;

use ibis_core::access::Scope;
use ibis_core::catalogue::UnknownCode;
use ibis_core::ledger::EntryKind;
use ibis_core::money::Money;
use ibis_core::monitoring::{
    Area, BudgetFacts, Coverage, GapFacts, LedgerSums, PersonFacts, SpendingFacts,
};
use ibis_core::plan::{LineStatus, Plan};
use ibis_core::Period;
use serde_json::json;
use sqlx::Row;

use crate::sql::{date_text, decode, int, parse_date, text};
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
    pub async fn monitoring_facts(
        &self,
        area: &Area,
        period: &Period,
        as_of: time::Date,
    ) -> Result<Vec<PersonFacts>> {
        let (from, to) = bounds(period);
        let (area_cond, area_v) = area_sql(area, "p.municipality_code", 3);
        let mut facts: BTreeMap<i64, PersonFacts> = BTreeMap::new();

        // People served and their budgets.
        let sql = format!(
            "SELECT p.id, p.municipality_code, p.target_group, p.living, p.birth_date, d.id AS decision_id, \
             d.budget_group, d.level, d.period_from, d.period_to \
             FROM persons p JOIN budget_decisions d ON d.person_id = p.id \
             WHERE {} AND {area_cond} ORDER BY p.id, d.id",
            overlap_sql(1, 2)
        );
        for r in sqlx::query(&sql)
            .bind(&from)
            .bind(&to)
            .bind(&area_v)
            .fetch_all(self.pool())
            .await?
        {
            let id = int(&r, "id")?;
            let period_to = text(&r, "period_to")?;
            let budget = BudgetFacts {
                decision_id: int(&r, "decision_id")?,
                group: text(&r, "budget_group")?.parse().map_err(decode_err)?,
                level: text(&r, "level")?,
                period: Period {
                    from: parse_date(&text(&r, "period_from")?)?,
                    to: if period_to.is_empty() {
                        None
                    } else {
                        Some(parse_date(&period_to)?)
                    },
                },
            };
            match facts.get_mut(&id) {
                Some(f) => f.budgets.push(budget),
                None => {
                    facts.insert(
                        id,
                        PersonFacts {
                            person_id: id,
                            municipality: text(&r, "municipality_code")?,
                            target_group: text(&r, "target_group")?.parse().map_err(decode_err)?,
                            living: text(&r, "living")?.parse().map_err(decode_err)?,
                            birth_date: parse_date(&text(&r, "birth_date")?)?,
                            budgets: vec![budget],
                            ledger: LedgerSums::default(),
                            spending: Vec::new(),
                            overdue_since: None,
                            goal_scores: Vec::new(),
                            anomalies_raised: Vec::new(),
                            anomalies_resolved: 0,
                            gaps: Vec::new(),
                        },
                    );
                }
            }
        }
        if facts.is_empty() {
            return Ok(Vec::new());
        }

        // Ledger entries booked in the period on those budgets, by person and kind: the whole
        // months from `monthly_ledger`, the partial months at the edges from the entries.
        let pieces = pieces(period);
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
            for r in sqlx::query(&sql)
                .bind(&from)
                .bind(&to)
                .bind(&area_v)
                .bind(lo)
                .bind(hi)
                .fetch_all(self.pool())
                .await?
            {
                let Some(f) = facts.get_mut(&int(&r, "person_id")?) else {
                    continue;
                };
                let cents = Money::from_cents(int(&r, "cents")?);
                let kind: EntryKind = text(&r, "kind")?.parse().map_err(decode_err)?;
                match kind {
                    EntryKind::Allocation => f.ledger.allocated += cents,
                    EntryKind::ApprovedClaim => f.ledger.spent += cents,
                    EntryKind::Reservation => f.ledger.reserved += cents,
                    EntryKind::ReservationRelease => {
                        f.ledger.reserved -= cents;
                        f.anomalies_resolved += u64::try_from(int(&r, "n")?).unwrap_or(0);
                    }
                    EntryKind::PeriodClose => f.ledger.returned += cents,
                    EntryKind::Payment | EntryKind::Adjustment => {}
                }
            }
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
        let mut statements: Vec<(String, &str, &str)> = Vec::new();
        for (lo, hi, whole) in &pieces {
            if *whole {
                statements.push((
                    by_service(format!(
                        "SELECT m.person_id, m.agreement_id, m.provider_id, SUM(m.amount_cents) AS amount, \
                         SUM(m.co_payment_cents) AS co, SUM(m.claims) AS n \
                         FROM monthly_spending m JOIN persons p ON p.id = m.person_id \
                         WHERE m.month >= $1 AND m.month < $2 AND {area_cond} AND $4 = $4 AND $5 = $5 \
                         GROUP BY m.person_id, m.agreement_id, m.provider_id"
                    )),
                    lo,
                    hi,
                ));
                continue;
            }
            for which in ["c.needs_review = $5", held_approved] {
                statements.push((
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
                ));
            }
        }
        for (sql, lo, hi) in &statements {
            for r in sqlx::query(sql)
                .bind(*lo)
                .bind(*hi)
                .bind(&area_v)
                .bind(true)
                .bind(false)
                .fetch_all(self.pool())
                .await?
            {
                let Some(f) = facts.get_mut(&int(&r, "person_id")?) else {
                    continue;
                };
                let row = SpendingFacts {
                    service: text(&r, "service")?,
                    category: text(&r, "category")?,
                    provider_id: int(&r, "provider_id")?,
                    amount: Money::from_cents(int(&r, "amount")?),
                    co_payment: Money::from_cents(int(&r, "co")?),
                    claims: u64::try_from(int(&r, "n")?).unwrap_or(0),
                };
                // The rows of the other pieces and statements join the row of the same
                // service and provider.
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
        }

        // Anomalies of claims held for review, by day of service.
        let sql = format!(
            "SELECT c.person_id, c.decision FROM claims c JOIN persons p ON p.id = c.person_id \
             WHERE c.service_date >= $1 AND c.service_date < $2 AND {area_cond} AND c.accepted = $4 AND c.needs_review = $4 \
             ORDER BY c.id"
        );
        for r in sqlx::query(&sql)
            .bind(&from)
            .bind(&to)
            .bind(&area_v)
            .bind(true)
            .fetch_all(self.pool())
            .await?
        {
            let Some(f) = facts.get_mut(&int(&r, "person_id")?) else {
                continue;
            };
            let decision: serde_json::Value = decode(&text(&r, "decision")?)?;
            for a in decision["anomalies"].as_array().into_iter().flatten() {
                if let Some(code) = a["code"].as_str() {
                    f.anomalies_raised.push(code.to_owned());
                }
            }
        }

        // Reviews: the last signed assessment on or before `as_of`, whether or not a later one
        // has superseded it since (on a past day, an assessment superseded after that day was
        // still the one in force: counting only those signed today hid who was overdue then).
        let sql = format!(
            "SELECT a.person_id, a.assessed_on, a.next_review_on FROM assessments a JOIN persons p ON p.id = a.person_id \
             WHERE a.status IN ('signed', 'superseded') AND a.assessed_on <= $1 AND {} ORDER BY a.person_id, a.assessed_on, a.id",
            area_sql(area, "p.municipality_code", 2).0
        );
        let mut last: BTreeMap<i64, time::Date> = BTreeMap::new();
        for r in sqlx::query(&sql)
            .bind(date_text(as_of))
            .bind(&area_v)
            .fetch_all(self.pool())
            .await?
        {
            last.insert(
                int(&r, "person_id")?,
                parse_date(&text(&r, "next_review_on")?)?,
            );
        }
        for (id, next) in last {
            if let Some(f) = facts.get_mut(&id) {
                if next < as_of {
                    f.overdue_since = Some(next);
                }
            }
        }

        // Goal attainment recorded at review in the period.
        let sql = format!(
            "SELECT pl.person_id, g.attainment FROM goal_reviews g JOIN plans pl ON pl.id = g.plan_id \
             JOIN persons p ON p.id = pl.person_id WHERE g.reviewed_on >= $1 AND g.reviewed_on < $2 AND {area_cond} \
             ORDER BY g.id"
        );
        for r in sqlx::query(&sql)
            .bind(&from)
            .bind(&to)
            .bind(&area_v)
            .fetch_all(self.pool())
            .await?
        {
            if let Some(f) = facts.get_mut(&int(&r, "person_id")?) {
                f.goal_scores
                    .push(i8::try_from(int(&r, "attainment")?).unwrap_or(0));
            }
        }

        // Plan lines not received, in the current version of plans (not drafts) whose budget
        // overlaps the period and whose own period does.
        let sql = format!(
            "SELECT pl.person_id, v.data FROM plans pl JOIN plan_versions v ON v.plan_id = pl.id AND v.version = pl.version \
             JOIN budget_decisions d ON d.id = pl.decision_id JOIN persons p ON p.id = pl.person_id \
             WHERE pl.state <> 'draft' AND {} AND {area_cond} AND v.data LIKE '%-not-%' ORDER BY pl.id",
            overlap_sql(1, 2)
        );
        for r in sqlx::query(&sql)
            .bind(&from)
            .bind(&to)
            .bind(&area_v)
            .fetch_all(self.pool())
            .await?
        {
            let Some(f) = facts.get_mut(&int(&r, "person_id")?) else {
                continue;
            };
            let plan: Plan = decode(&text(&r, "data")?)?;
            if !plan.period.overlaps(period) {
                continue;
            }
            for l in plan.lines {
                if l.status != LineStatus::Received {
                    f.gaps.push(GapFacts {
                        service: l.service,
                        status: l.status,
                        barrier: l.barrier,
                    });
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

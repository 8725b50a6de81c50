//! `ibis bench-dashboards`: measures the monitoring dashboard of a municipality and of the
//! whole country over a generated population, each against the plain SQL aggregates that
//! compute the same main figures, in the same run, and prints a Markdown table.
//!
//! The dashboard is measured as the web layer runs it: the store reads the per-person facts
//! (`Store::monitoring_facts`) and the providers per service (`Store::coverage`), the core
//! folds them (`ibis_core::monitoring::dashboard`). The plain aggregate is one `GROUP BY`
//! query per figure family (people served by target group, by level and by living situation;
//! ledger sums by kind; approved claims by service and provider, with those held and approved
//! at review; anomalies held; overdue reviews), which is what a database can at best do for the
//! same numbers.
//!
//! With `--db` pointing at an empty database the population is generated (deterministic from
//! `--seed`) and loaded first; a database that already has people is measured as it is.

use std::time::{Duration, Instant};

use ibis_core::monitoring::{self, Area, Disclosure};
use ibis_core::Period;
use ibis_store::Store;
use sqlx::Row;

/// Arguments of `ibis bench-dashboards`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Database URL (as for `ibis serve`); an empty one is filled with a generated population.
    #[arg(long, env = "IBIS_DB")]
    pub db: String,
    /// People to generate (into an empty database).
    #[arg(long, default_value_t = 50_000)]
    pub people: u32,
    /// Months of services to generate.
    #[arg(long, default_value_t = 12)]
    pub months: u32,
    /// Visits per person a month (17 gives about 10 million visits for 50,000 people over 12
    /// months).
    #[arg(long, default_value_t = 17)]
    pub visits_per_month: u32,
    /// The generator's seed.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// The day the population is generated up to, YYYY-MM-DD.
    #[arg(long, default_value = "2026-11-22")]
    pub as_of: String,
    /// Runs of each measurement (the median is reported).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// The fastest and the slowest of the runs.
fn spread(v: &[Duration]) -> (Duration, Duration) {
    (
        v.iter().min().copied().unwrap_or_default(),
        v.iter().max().copied().unwrap_or_default(),
    )
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// The area condition on `p.municipality_code` at `$3`, and its value.
fn area_sql(area: &Area) -> (String, String) {
    match area {
        Area::Country => ("$3 = ''".into(), String::new()),
        Area::Region(r) => (
            "p.municipality_code IN (SELECT code FROM municipalities WHERE region = $3)".into(),
            r.code().to_owned(),
        ),
        Area::Municipality(m) => ("p.municipality_code = $3".into(), m.clone()),
    }
}

/// The plain SQL aggregates for the same figures; returns the number of rows read back (so
/// nothing is optimised away) and the people served (to check both agree).
async fn plain(
    store: &Store,
    area: &Area,
    period: &Period,
    as_of: &str,
) -> Result<(usize, i64), String> {
    let (cond, v) = area_sql(area);
    let from = period.from.to_string();
    let to = period
        .to
        .map(|t| t.to_string())
        .unwrap_or_else(|| "9999-12-31".into());
    let overlap = "d.period_from < $2 AND (d.period_to = '' OR d.period_to > $1)";
    let queries = [
        format!("SELECT COUNT(DISTINCT p.id) FROM persons p JOIN budget_decisions d ON d.person_id = p.id WHERE {overlap} AND {cond}"),
        format!("SELECT p.target_group, COUNT(DISTINCT p.id) FROM persons p JOIN budget_decisions d ON d.person_id = p.id WHERE {overlap} AND {cond} GROUP BY p.target_group"),
        format!("SELECT p.living, COUNT(DISTINCT p.id) FROM persons p JOIN budget_decisions d ON d.person_id = p.id WHERE {overlap} AND {cond} GROUP BY p.living"),
        format!("SELECT d.budget_group, d.level, COUNT(DISTINCT p.id) FROM persons p JOIN budget_decisions d ON d.person_id = p.id WHERE {overlap} AND {cond} GROUP BY d.budget_group, d.level"),
        format!("SELECT l.kind, CAST(SUM(l.amount_cents) AS BIGINT) FROM budget_decisions d JOIN persons p ON p.id = d.person_id JOIN ledger_entries l ON l.budget_line = 'decision-' || CAST(d.id AS TEXT) WHERE {overlap} AND {cond} AND l.on_date >= $1 AND l.on_date < $2 GROUP BY l.kind"),
        // Approved claims by service and provider: summed by agreement from the index first,
        // then the claims held and approved at review.
        format!("SELECT a.service, g.provider_id, CAST(SUM(g.amount) AS BIGINT), CAST(SUM(g.n) AS BIGINT) FROM (SELECT c.agreement_id, c.provider_id, SUM(c.amount_cents) AS amount, COUNT(*) AS n FROM claims c JOIN persons p ON p.id = c.person_id WHERE c.service_date >= $1 AND c.service_date < $2 AND {cond} AND c.accepted = $4 AND c.needs_review = $5 GROUP BY c.agreement_id, c.provider_id) g JOIN agreements a ON a.id = g.agreement_id GROUP BY a.service, g.provider_id"),
        format!("SELECT a.service, c.provider_id, CAST(SUM(c.amount_cents) AS BIGINT), COUNT(*) FROM claims c JOIN agreements a ON a.id = c.agreement_id JOIN persons p ON p.id = c.person_id WHERE c.service_date >= $1 AND c.service_date < $2 AND {cond} AND c.accepted = $4 AND c.needs_review = $4 AND EXISTS (SELECT 1 FROM ledger_entries l WHERE l.budget_line = c.budget_line AND l.kind = 'approved-claim' AND l.ref_id = 'claim:' || CAST(c.provider_id AS TEXT) || ':' || c.idempotency_key) GROUP BY a.service, c.provider_id"),
        format!("SELECT COUNT(*) FROM claims c JOIN persons p ON p.id = c.person_id WHERE c.service_date >= $1 AND c.service_date < $2 AND {cond} AND c.accepted = $4 AND c.needs_review = $4"),
        format!("SELECT COUNT(*) FROM persons p WHERE {cond} AND (SELECT a.next_review_on FROM assessments a WHERE a.person_id = p.id AND a.status IN ('signed', 'superseded') AND a.assessed_on <= $1 ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) < $1 AND $2 = $2"),
    ];
    let mut rows = 0;
    let mut served = 0;
    for (i, q) in queries.iter().enumerate() {
        let (a, b) = if i == queries.len() - 1 {
            (as_of.to_owned(), to.clone())
        } else {
            (from.clone(), to.clone())
        };
        let mut query = sqlx::query(q).bind(a).bind(b).bind(&v);
        if q.contains("$4") {
            query = query.bind(true);
        }
        if q.contains("$5") {
            query = query.bind(false);
        }
        let r = query
            .fetch_all(store.pool())
            .await
            .map_err(|e| format!("plain query {i}: {e}"))?;
        if i == 0 {
            served = r
                .first()
                .map(|r| r.try_get::<i64, _>(0))
                .transpose()
                .map_err(|e| e.to_string())?
                .unwrap_or(0);
        }
        rows += r.len();
    }
    Ok((rows, served))
}

/// Runs the benchmark.
pub fn run(args: Args) -> Result<(), String> {
    let as_of = ibis_core::policy::parse_date(&args.as_of).map_err(|_| {
        format!(
            "--as-of: \"{}\" is not a date; write YYYY-MM-DD",
            args.as_of
        )
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    runtime.block_on(async {
        let store = Store::open(&args.db).await.map_err(|e| e.to_string())?;
        let policies = ibis_core::policy::PolicySet::builtin().map_err(|e| e.to_string())?;
        let mut spec = ibis_core::generate::GenerateSpec::new(args.seed, args.people, args.months, as_of);
        spec.visits = ibis_core::generate::VisitVolume::PerPersonMonth(args.visits_per_month);
        let pop = ibis_core::generate::generate(&spec, &policies).map_err(|e| format!("{}: {}", e.field, e.message))?;
        let people: i64 = sqlx::query("SELECT COUNT(*) FROM persons")
            .fetch_one(store.pool())
            .await
            .map_err(|e| e.to_string())?
            .try_get(0)
            .map_err(|e| e.to_string())?;
        if people == 0 {
            eprintln!("loading {} people and about {} visits …", args.people, pop.visit_total);
            let t = Instant::now();
            let counts = ibis_store::generate::load(
                &store,
                &pop,
                &policies,
                &ibis_store::generate::LoadOptions::default(),
                &mut |c| eprint!("\r{} people, {} visits   ", c.persons, c.visits),
            )
            .await
            .map_err(|e| e.to_string())?;
            eprintln!("\nloaded in {:.0} s: {counts:?}", t.elapsed().as_secs_f64());
        }
        let counts: Vec<i64> = {
            let mut v = Vec::new();
            for table in ["persons", "visits", "claims", "ledger_entries"] {
                v.push(
                    sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                        .fetch_one(store.pool())
                        .await
                        .map_err(|e| e.to_string())?
                        .try_get(0)
                        .map_err(|e| e.to_string())?,
                );
            }
            v
        };
        // The municipality with the most people.
        let m: String = sqlx::query("SELECT municipality_code, COUNT(*) AS n FROM persons GROUP BY municipality_code ORDER BY n DESC LIMIT 1")
            .fetch_one(store.pool())
            .await
            .map_err(|e| e.to_string())?
            .try_get(0)
            .map_err(|e| e.to_string())?;
        // The last 12 service months (or all of them).
        let months = &pop.months;
        let period = Period {
            from: months.first().map(|p| p.from).unwrap_or(as_of),
            to: months.last().and_then(|p| p.to),
        };
        let engine = match store.engine() {
            ibis_store::Engine::Sqlite => "SQLite",
            ibis_store::Engine::Postgres => "PostgreSQL",
        };
        let mut out = format!(
            "{engine}: {} people, {} visits, {} claims, {} ledger entries; period {} to {}; median of {} runs\n\n\
             | engine | area | people served | dashboard, ms (min-max) | plain SQL aggregates, ms (min-max) | ratio of medians |\n| --- | --- | --- | --- | --- | --- |\n",
            counts[0], counts[1], counts[2], counts[3], period.from, period.to.map(|t| t.to_string()).unwrap_or_default(), args.runs
        );
        for area in [Area::Municipality(m.clone()), Area::Country] {
            let day = monitoring::as_of(&period, crate::cmd::riga_today());
            // Interleaved, one of each in turn, so both meet the same state of the machine; the
            // order alternates (dashboard first in even runs, plain first in odd ones), so
            // neither always finds the pages the other has just read.
            let mut dash = Vec::new();
            let mut base = Vec::new();
            let mut served = 0;
            let mut plain_served = 0;
            for run in 0..args.runs {
                for turn in 0..2 {
                    if (run + turn) % 2 == 0 {
                        let t = Instant::now();
                        let facts = store.monitoring_facts(&area, &period, day).await.map_err(|e| e.to_string())?;
                        let coverage = store.coverage(&area, &period).await.map_err(|e| e.to_string())?;
                        let d = monitoring::dashboard(&facts, coverage, &period, crate::cmd::riga_today(), Disclosure::AggregatesOnly);
                        dash.push(t.elapsed());
                        served = d.served.people.unwrap_or(0);
                    } else {
                        let t = Instant::now();
                        let (_, s) = plain(&store, &area, &period, &day.to_string()).await?;
                        base.push(t.elapsed());
                        plain_served = s;
                    }
                }
            }
            if i64::try_from(served).unwrap_or(-1) != plain_served {
                return Err(format!("the dashboard counts {served} people served, the plain aggregate {plain_served}"));
            }
            let (lo_d, hi_d) = spread(&dash);
            let (lo_b, hi_b) = spread(&base);
            let (d, b) = (median(dash), median(base));
            out.push_str(&format!(
                "| {engine} | {} | {served} | {} ({}-{}) | {} ({}-{}) | {:.2} |\n",
                area.code(),
                ms(d),
                ms(lo_d),
                ms(hi_d),
                ms(b),
                ms(lo_b),
                ms(hi_b),
                d.as_secs_f64() / b.as_secs_f64().max(1e-9)
            ));
        }
        super::print_out(&out)
    })
}

//! `ibis generate --db URL --seed N --people N --months N [--visits N] [--json]`: generates a
//! synthetic population ([`ibis_core::generate`]) and loads it into a database
//! ([`ibis_store::generate`]). Progress goes to standard error; a summary (text or JSON) to
//! standard output. Refuses a database that already has people unless `--allow-non-empty`.

use std::path::PathBuf;
use std::time::Instant;

use ibis_core::generate::{generate, GenerateSpec, VisitVolume};
use ibis_store::generate::{load, LoadCounts, LoadOptions};
use serde::Serialize;

use super::policies;

/// Arguments of `ibis generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Database URL (as for `ibis serve`).
    #[arg(long, env = "IBIS_DB")]
    db: Option<String>,
    /// Folder of the embedded database when --db is not given.
    #[arg(long, env = "IBIS_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// The seed: the same seed gives the same population.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How many people (pilot size about 200, national size 50000).
    #[arg(long, default_value_t = 200)]
    people: u32,
    /// How many whole months of services, ending with last month.
    #[arg(long, default_value_t = 12)]
    months: u32,
    /// How many visits in all (default: 17 a person-month, about 10 million for 50000 people
    /// over 12 months).
    #[arg(long)]
    visits: Option<u64>,
    /// "Today" (YYYY-MM-DD): every generated date is before it (default: today in Riga).
    #[arg(long)]
    as_of: Option<String>,
    /// Load even into a database that already has people (ids continue after theirs).
    #[arg(long)]
    allow_non_empty: bool,
    /// People per transaction.
    #[arg(long, default_value_t = 500)]
    batch: usize,
    /// Folder of reviewed policy files instead of the shipped ones.
    #[arg(long)]
    policies: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// What `ibis generate` did.
#[derive(Debug, Serialize)]
struct Summary {
    seed: u64,
    people: u32,
    months: u32,
    as_of: String,
    generate_seconds: f64,
    load_seconds: f64,
    loaded: LoadCounts,
}

/// Runs the subcommand.
pub fn run(args: Args) -> Result<(), String> {
    let url = super::serve::db_url(&args.db, &args.data_dir);
    let policies = policies::load(args.policies.as_deref())?;
    let as_of = match &args.as_of {
        None => super::riga_today(),
        Some(s) => ibis_core::policy::parse_date(s).map_err(|m| format!("--as-of: {m}"))?,
    };
    let spec = GenerateSpec {
        visits: match args.visits {
            Some(n) => VisitVolume::Total(n),
            None => VisitVolume::PerPersonMonth(GenerateSpec::DEFAULT_VISITS_PER_PERSON_MONTH),
        },
        ..GenerateSpec::new(args.seed, args.people, args.months, as_of)
    };
    let started = Instant::now();
    let population = generate(&spec, &policies).map_err(|e| format!("--{e}"))?;
    let generate_seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "generated {} people, {} providers, {} visits to come, in {generate_seconds:.1} s",
        population.persons.len(),
        population.providers.len(),
        population.visit_total
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    let total_people = population.persons.len() as u64;
    let total_visits = population.visit_total;
    let loaded = runtime.block_on(async {
        let store = ibis_store::Store::open(&url)
            .await
            .map_err(|e| e.to_string())?;
        let load_started = Instant::now();
        let mut progress = |c: &LoadCounts| {
            eprintln!(
                "loaded {}/{total_people} people, {}/{total_visits} visits, {:.0} s",
                c.persons,
                c.visits,
                load_started.elapsed().as_secs_f64()
            );
        };
        let counts = load(
            &store,
            &population,
            &policies,
            &LoadOptions {
                allow_non_empty: args.allow_non_empty,
                people_per_transaction: args.batch,
            },
            &mut progress,
        )
        .await
        .map_err(|e| match e {
            ibis_store::StoreError::Invalid(errors) => errors
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        })?;
        Ok::<_, String>((counts, load_started.elapsed().as_secs_f64()))
    })?;
    let summary = Summary {
        seed: spec.seed,
        people: spec.people,
        months: spec.months,
        as_of: as_of.to_string(),
        generate_seconds,
        load_seconds: loaded.1,
        loaded: loaded.0,
    };
    if args.json {
        let text = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
        super::print_out(&format!("{text}\n"))
    } else {
        let c = &summary.loaded;
        super::print_out(&format!(
            "seed {} as of {}: {} people, {} providers ({} offers), {} assessments, {} budget decisions, {} plans ({} lines), {} agreements, {} visits, {} claims ({} approved, {} held for review, {} refused), {} ledger entries; generated in {:.1} s, loaded in {:.1} s\n",
            summary.seed,
            summary.as_of,
            c.persons,
            c.providers,
            c.offers,
            c.assessments,
            c.decisions,
            c.plans,
            c.plan_lines,
            c.agreements,
            c.visits,
            c.claims,
            c.claims_approved,
            c.claims_held,
            c.claims_refused,
            c.ledger_entries,
            summary.generate_seconds,
            summary.load_seconds,
        ))
    }
}

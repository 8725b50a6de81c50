//! `ibis bench`: measures claim intake, bulk upload, budget computation and latency under
//! load, each side by side in one run with the limit it is compared to, and writes the figures
//! as JSON (summarised in `docs/benchmarks.md`).
//!
//! The run loads the demo data and its own budgets into a scratch database (a new SQLite file
//! by default, `--temp-postgres` for a throw-away PostgreSQL, or `--db URL` of an empty
//! database), serves the real application on a loopback TCP port, and sends claims to it over
//! HTTP. `ibis bench load` is the load generator it runs as a second process.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::policies;

mod compute;
mod intake;
mod load;
mod setup;

/// Arguments of `ibis bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The load generator (run by `ibis bench` itself).
    #[command(subcommand)]
    pub command: Option<BenchCommand>,
    /// An empty database to run on: sqlite://PATH or postgres://USER@HOST:PORT/NAME. Default: a
    /// new SQLite file in a temporary folder, removed afterwards.
    #[arg(long)]
    pub db: Option<String>,
    /// Start a throw-away PostgreSQL server (the installed one, default settings, fsync on) and
    /// run on it.
    #[arg(long, conflicts_with = "db")]
    pub temp_postgres: bool,
    /// Where to write the JSON results. Default: target/bench/ENGINE.json.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Claims sent one at a time (and as many again in-process, and as many single-row
    /// commits).
    #[arg(long, default_value_t = 1000)]
    pub claims: usize,
    /// Lines of the bulk CSV uploads in all.
    #[arg(long, default_value_t = 2000)]
    pub bulk_lines: usize,
    /// Lines per uploaded file (at most 10,000; a file must be decided within the server's
    /// 30-second request timeout).
    #[arg(long, default_value_t = 250)]
    pub bulk_file_lines: usize,
    /// Offered load of the latency test, claims per second. Default: half the one-at-a-time
    /// rate just measured.
    #[arg(long)]
    pub load_rate: Option<f64>,
    /// Seconds of offered load.
    #[arg(long, default_value_t = 10.0)]
    pub load_seconds: f64,
    /// Population sizes of the budget computation.
    #[arg(long, value_delimiter = ',', default_value = "1000,50000")]
    pub compute_people: Vec<usize>,
    /// Fewest budgets the claims are spread over (more are made when the claims need them).
    #[arg(long, default_value_t = 20)]
    pub budgets: usize,
    /// Alternating rounds of each figure and its limit.
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// Use the policy files in this directory instead of the shipped ones.
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
}

/// Subcommands of `ibis bench`.
#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// The open-loop load generator: sends the claims of a file at a fixed rate and prints
    /// the latencies as JSON.
    Load(load::LoadArgs),
}

/// Runs the subcommand.
pub fn run(args: Args) -> Result<(), String> {
    if let Some(BenchCommand::Load(l)) = args.command {
        return load::run(l);
    }
    if args.claims == 0 || args.bulk_lines == 0 || args.rounds == 0 {
        return Err("--claims, --bulk-lines and --rounds must be at least 1".into());
    }
    if args.bulk_file_lines == 0 || args.bulk_file_lines > ibis_core::csv_import::MAX_LINES {
        return Err(format!(
            "--bulk-file-lines: from 1 to {}",
            ibis_core::csv_import::MAX_LINES
        ));
    }
    let positive = |x: f64| x.is_finite() && x > 0.0;
    if !positive(args.load_seconds) || args.load_rate.is_some_and(|r| !positive(r)) {
        return Err("--load-seconds and --load-rate must be more than 0".into());
    }
    // The database first: a throw-away PostgreSQL lives until the end of the run.
    let mut temp_dir = None;
    let mut _pg = None;
    let url = match (&args.db, args.temp_postgres) {
        (Some(u), _) => u.clone(),
        (None, true) => {
            eprintln!("ibis bench: starting a throw-away PostgreSQL …");
            let pg =
                ibis_testkit::PgServer::start().map_err(|e| format!("--temp-postgres: {e}"))?;
            let url = pg
                .fresh_database()
                .map_err(|e| format!("--temp-postgres: {e}"))?;
            _pg = Some(pg);
            url
        }
        (None, false) => {
            let d = std::env::temp_dir().join(format!("ibis-bench-{}", std::process::id()));
            let url = format!("sqlite://{}/ibis.db", d.display());
            temp_dir = Some(d);
            url
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    let result = runtime.block_on(bench(&args, &url));
    drop(runtime);
    if let Some(d) = temp_dir {
        let _ = std::fs::remove_dir_all(d);
    }
    result
}

fn rate(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64().max(1e-9)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

async fn bench(args: &Args, url: &str) -> Result<(), String> {
    let began = Instant::now();
    let policies = Arc::new(policies::load(args.policies.as_deref())?);
    let store = ibis_store::Store::open(url)
        .await
        .map_err(|e| e.to_string())?;
    if store.user_count().await.map_err(|e| e.to_string())? > 0 {
        return Err(format!(
            "--db: {} is not empty; ibis bench adds its own data and runs only on an empty database",
            ibis_store::redact_url(url)
        ));
    }
    let engine = match store.engine() {
        ibis_store::Engine::Sqlite => "sqlite",
        ibis_store::Engine::Postgres => "postgres",
    };
    eprintln!("ibis bench: {engine}: loading the demo data and the bench budgets …");
    ibis_store::demo::load(&store, ibis_web::today())
        .await
        .map_err(|e| format!("demo data: {e}"))?;
    let state = ibis_web::AppState {
        store: store.clone(),
        policies: policies.clone().into(),
        secure_cookies: false,
    };

    // Every claim of the run gets its own slot (agreement and day); enough budgets for all.
    let rounds = args.rounds;
    let per_round = args.claims.div_ceil(rounds);
    let warmup = 20;
    let load_rate_guess = args.load_rate.unwrap_or(1000.0);
    let load_n_max = (load_rate_guess * args.load_seconds).ceil() as usize;
    let total = warmup + 2 * per_round * rounds + args.bulk_lines + load_n_max;
    let count = args.budgets.max(total.div_ceil(setup::PER_AGREEMENT - 10));
    let t = Instant::now();
    let budgets = setup::budgets(&state, count, 100_000).await?;
    let setup_s = t.elapsed().as_secs_f64();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot listen on loopback: {e}"))?;
    let base = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    tokio::spawn(ibis_web::serve(listener, state.clone()));
    let http = intake::Http::sign_in(base.clone(), "provider-ogre").await?;
    let provider = store
        .users()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|u| u.username == "provider-ogre")
        .map(|u| ibis_web::auth::Caller {
            user: u,
            remote: "127.0.0.1".into(),
        })
        .ok_or("provider-ogre is missing")?;

    // 1. One at a time: claims over HTTP, the same claims in-process, and single-row commits.
    intake::create_probe_table(&store).await?;
    intake::create_write_set_tables(&store).await?;
    let mut next = 0;
    intake::claims_http(&http, &budgets, "w", next, warmup).await?;
    next += warmup;
    let row_bytes = intake::bytes_per_claim(&store).await?;
    let payload = "x".repeat(row_bytes);
    eprintln!(
        "ibis bench: {engine}: claims one at a time ({} rounds of {per_round}, interleaved with the engine's commits) …",
        rounds
    );
    let (mut over_http, mut in_process, mut commits, mut write_sets) = (
        intake::Block::default(),
        intake::Block::default(),
        Duration::ZERO,
        Duration::ZERO,
    );
    // The four are interleaved one operation at a time, so that each meets the same state of
    // a shared machine (other processes' disk and CPU use drift by the second).
    let mut by_round = Vec::new();
    let (mut t_commit, mut t_write, mut t_http, mut t_proc) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in 0..rounds {
        let (mut c, mut h) = (Duration::ZERO, Duration::ZERO);
        let before = next;
        for k in 0..per_round {
            let one = intake::single_commits(&store, 1, &payload).await?;
            c += one;
            t_commit.push(one);
            let one = intake::write_set_commits(&store, r * per_round + k, 1).await?;
            write_sets += one;
            t_write.push(one);
            let one = intake::claims_http(&http, &budgets, "h", next, 1).await?;
            h += one.elapsed;
            t_http.push(one.elapsed);
            over_http.add(one);
            next += 1;
            let one = intake::claims_in_process(&state, &provider, &budgets, "p", next, 1).await?;
            t_proc.push(one.elapsed);
            in_process.add(one);
            next += 1;
        }
        commits += c;
        by_round.push(json!({
            "claims_before": before,
            "claims_per_agreement_before": before / budgets.agreements.len().max(1),
            "claims_per_s": round3(rate(per_round, h)),
            "commits_per_s": round3(rate(per_round, c)),
            "ratio": round3(c.as_secs_f64() / h.as_secs_f64().max(1e-9)),
        }));
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        load::percentile(v, 0.5)
    };
    let medians = [
        median(&mut t_commit),
        median(&mut t_write),
        median(&mut t_proc),
        median(&mut t_http),
    ];
    let per_s = |d: Duration| round3(1.0 / d.as_secs_f64().max(1e-9));
    let median_figures = json!({
        "what": "the same four measured by their median operation (robust to another process's burst on a shared machine)",
        "commit_ms": medians[0].as_secs_f64() * 1e3,
        "write_set_ms": medians[1].as_secs_f64() * 1e3,
        "in_process_ms": medians[2].as_secs_f64() * 1e3,
        "http_ms": medians[3].as_secs_f64() * 1e3,
        "claims_per_s": per_s(medians[3]),
        "commits_per_s": per_s(medians[0]),
        "ratio": round3(medians[0].as_secs_f64() / medians[3].as_secs_f64().max(1e-9)),
        "write_set_ratio": round3(medians[0].as_secs_f64() / medians[1].as_secs_f64().max(1e-9)),
        "in_process_ratio": round3(medians[0].as_secs_f64() / medians[2].as_secs_f64().max(1e-9)),
    });
    let n1 = per_round * rounds;
    let claims_per_s = rate(n1, over_http.elapsed);
    let commits_per_s = rate(n1, commits);
    let in_process_per_s = rate(n1, in_process.elapsed);
    let write_sets_per_s = rate(n1, write_sets);

    // 2. Bulk: CSV uploads against one-transaction inserts of as many rows.
    eprintln!(
        "ibis bench: {engine}: bulk CSV ({} lines) …",
        args.bulk_lines
    );
    let files = args.bulk_lines.div_ceil(args.bulk_file_lines);
    let (mut bulk, mut bulk_limit) = (intake::Block::default(), Duration::ZERO);
    let mut done = 0;
    for f in 0..files {
        let n = (args.bulk_lines - done) / (files - f);
        bulk_limit += intake::bulk_insert(&store, n, &payload).await?;
        bulk.add(intake::claims_csv(&http, &budgets, "c", next, n).await?);
        next += n;
        done += n;
    }
    let lines_per_s = rate(args.bulk_lines, bulk.elapsed);
    let bulk_rows_per_s = rate(args.bulk_lines, bulk_limit);

    // 3. Budget computation.
    eprintln!("ibis bench: {engine}: budget computation …");
    let today = ibis_web::today();
    let mut compute = Vec::new();
    for &n in &args.compute_people {
        let population = compute::outcomes(&policies, n, today)?;
        compute.push(compute::measure(&policies, n, &population, 3));
    }

    // 4. Latency at a steady offered load from a second process.
    let load_rate = args
        .load_rate
        .unwrap_or((claims_per_s / 2.0).max(1.0).round());
    let capacity = budgets.agreements.len() * setup::PER_AGREEMENT;
    let load_n = ((load_rate * args.load_seconds).ceil() as usize)
        .clamp(1, capacity.saturating_sub(next).max(1));
    eprintln!(
        "ibis bench: {engine}: latency at {load_rate} claims/s for {} s …",
        args.load_seconds
    );
    let bodies: Vec<serde_json::Value> = (next..next + load_n)
        .map(|i| budgets.claim_json(&format!("l-{i}"), i))
        .collect();
    next += load_n;
    let load = run_load(&base, &http.token, &bodies, load_rate).await?;

    // What is in the database at the end.
    let counts = population(&store).await?;
    let out = json!({
        "ibis_version": env!("CARGO_PKG_VERSION"),
        "engine": engine,
        "settings": match store.engine() {
            ibis_store::Engine::Sqlite => "WAL, synchronous=FULL, one writer",
            ibis_store::Engine::Postgres => "server defaults (fsync on, synchronous_commit on)",
        },
        "at": ibis_store::now_text(),
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "setup": {"budgets": budgets.agreements.len(), "seconds": round3(setup_s)},
        "claims_sent": next,
        "population_at_end": counts,
        "claim_intake": {
            "claims": n1,
            "rounds": rounds,
            "claims_per_s": round3(claims_per_s),
            "by_round": by_round,
            "medians": median_figures,
            "accepted": over_http.accepted,
            "refused": over_http.refused,
            "limit": {
                "what": "durable single-row commits (BEGIN; INSERT one row; COMMIT) of the bytes one claim writes, same database and settings",
                "row_bytes": row_bytes,
                "commits_per_s": round3(commits_per_s),
            },
            "ratio": round3(claims_per_s / commits_per_s),
            "write_set": {
                "what": "transactions that write only what a claim writes (a claim row, a ledger entry, an audit entry after reading the chain's tail) into scratch copies of those tables with the same indexes, and commit",
                "per_s": round3(write_sets_per_s),
                "ratio": round3(write_sets_per_s / commits_per_s),
            },
            "in_process": {
                "what": "the same claims decided by the same function the API handler calls, without HTTP, JSON or the session lookup",
                "claims_per_s": round3(in_process_per_s),
                "ratio": round3(in_process_per_s / commits_per_s),
            },
        },
        "bulk_csv": {
            "lines": args.bulk_lines,
            "files": files,
            "lines_per_file": args.bulk_lines / files,
            "lines_per_s": round3(lines_per_s),
            "imported": bulk.accepted,
            "not_imported": bulk.refused,
            "limit": {
                "what": "the same number of rows of the same size inserted in one transaction, committed once",
                "row_bytes": row_bytes,
                "rows_per_s": round3(bulk_rows_per_s),
            },
            "ratio": round3(lines_per_s / bulk_rows_per_s),
        },
        "budget_compute": compute,
        "latency": load,
        "seconds": round3(began.elapsed().as_secs_f64()),
    });
    let path = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("target/bench/{engine}.json")));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("--out: cannot create {}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
    std::fs::write(&path, format!("{text}\n"))
        .map_err(|e| format!("--out: cannot write {}: {e}", path.display()))?;
    eprintln!("ibis bench: {engine}: results in {}", path.display());
    super::print_out(&format!("{text}\n"))
}

/// Rows of the main tables at the end of the run.
async fn population(store: &ibis_store::Store) -> Result<serde_json::Value, String> {
    let mut m = serde_json::Map::new();
    for table in [
        "persons",
        "budget_decisions",
        "agreements",
        "visits",
        "claims",
        "ledger_entries",
        "audit_log",
    ] {
        let n: i64 = sqlx::Row::try_get(
            &sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(store.pool())
                .await
                .map_err(|e| format!("count {table}: {e}"))?,
            0,
        )
        .map_err(|e| e.to_string())?;
        m.insert(table.into(), n.into());
    }
    Ok(m.into())
}

/// Runs `ibis bench load` as a second process against the server and reads its answer.
async fn run_load(
    base: &str,
    token: &str,
    bodies: &[serde_json::Value],
    rate: f64,
) -> Result<serde_json::Value, String> {
    let file = std::env::temp_dir().join(format!("ibis-bench-load-{}.json", std::process::id()));
    std::fs::write(
        &file,
        serde_json::to_string(bodies).map_err(|e| e.to_string())?,
    )
    .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the ibis binary: {e}"))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.args([
        "bench",
        "load",
        "--url",
        base,
        "--rate",
        &rate.to_string(),
        "--claims",
    ])
    .arg(&file)
    .env("IBIS_BENCH_TOKEN", token)
    .stdin(std::process::Stdio::null())
    .stderr(std::process::Stdio::inherit());
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot run the load generator: {e}"))?;
    let _ = std::fs::remove_file(&file);
    if !out.status.success() {
        return Err(format!("the load generator failed ({})", out.status));
    }
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("the load generator's answer is not JSON: {e}"))?;
    v["what"] = json!("claim decisions (POST /api/v1/claims) sent open-loop at a fixed rate by a second process on loopback; latency from each claim's planned send time to its full answer");
    Ok(v)
}

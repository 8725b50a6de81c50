//! The `ibis` command line: a thin binary that wires the crates together.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// ibis: individual budgets in community-based social services.
#[derive(Debug, Parser)]
#[command(name = "ibis", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web interface and the JSON API.
    Serve(cmd::serve::Args),
    /// Print a month's working days in the Latvian calendar.
    Calendar(cmd::calendar::Args),
    /// Compute an explained budget from an assessment outcome.
    Budget(cmd::budget::Args),
    /// Allocation policy tools.
    Policy(cmd::policy::Args),
    /// Audit log tools.
    Audit(cmd::audit::Args),
    /// Write the whole database to one portable backup file.
    Backup(cmd::backup::BackupArgs),
    /// Restore a backup file into a new, empty database.
    Restore(cmd::backup::RestoreArgs),
    /// Run a draft policy over the current or a synthetic population: totals, by municipality
    /// and level, who gains and who loses, and why.
    Simulate(cmd::simulate::Args),
    /// Benchmarks against the engine's limits; results as JSON.
    Bench(cmd::bench::Args),
    /// Generate a synthetic population and load it into a database.
    Generate(cmd::generate::Args),
    /// Measure the monitoring dashboards against the plain SQL aggregates (a benchmark).
    BenchDashboards(cmd::bench_dashboards::Args),
}

/// Logs to standard error; `RUST_LOG` sets the level (default: info for ibis, warnings for the
/// rest).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,ibis=info,ibis_web=info,ibis_store=info")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        Command::Serve(args) => cmd::serve::run(args),
        Command::Audit(args) => cmd::audit::run(args),
        Command::Calendar(args) => cmd::calendar::run(args),
        Command::Budget(args) => cmd::budget::run(args),
        Command::Policy(args) => cmd::policy::run(args),
        Command::Backup(args) => cmd::backup::backup(args),
        Command::Restore(args) => cmd::backup::restore(args),
        Command::Simulate(args) => cmd::simulate::run(args),
        Command::Bench(args) => cmd::bench::run(args),
        Command::Generate(args) => cmd::generate::run(args),
        Command::BenchDashboards(args) => cmd::bench_dashboards::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ibis: {message}");
            ExitCode::from(2)
        }
    }
}

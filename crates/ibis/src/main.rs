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
    /// Print a month's working days in the Latvian calendar.
    Calendar(cmd::calendar::Args),
    /// Compute an explained budget from an assessment outcome.
    Budget(cmd::budget::Args),
    /// Allocation policy tools.
    Policy(cmd::policy::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Calendar(args) => cmd::calendar::run(args),
        Command::Budget(args) => cmd::budget::run(args),
        Command::Policy(args) => cmd::policy::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ibis: {message}");
            ExitCode::from(2)
        }
    }
}

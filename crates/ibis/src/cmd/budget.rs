//! Placeholder subcommand.

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the subcommand.
pub fn run(_args: Args) -> Result<(), String> {
    Err("not yet available".into())
}

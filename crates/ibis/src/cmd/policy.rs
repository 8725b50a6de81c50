//! `ibis policy check FILE...`: validates policy and tariff files, alone and together with the
//! policies they will sit beside.

use std::path::PathBuf;

use ibis_core::catalogue::Catalogue;
use ibis_core::policy::PolicySet;

use super::policies;

/// Arguments of `ibis policy`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: PolicyCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PolicyCommand {
    /// Check policy or tariff files: their fields, that every line is priced, that stated
    /// totals and calibrations hold, and that packages stay within their caps. Each file is
    /// checked in the set it will join (the shipped set, or --policies DIR), replacing the file
    /// of the same kind, id and version.
    Check {
        /// The files to check.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Check against the policies in this directory instead of the shipped ones.
        #[arg(long, value_name = "DIR")]
        policies: Option<PathBuf>,
    },
}

/// Runs the subcommand.
pub fn run(args: Args) -> Result<(), String> {
    match args.command {
        PolicyCommand::Check {
            files,
            policies: dir,
        } => {
            let mut set = match &dir {
                None => policies::builtin_files(),
                Some(d) => policies::read_dir_files(d)?,
            };
            for path in &files {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
                set = policies::with_file(set, (path.display().to_string(), text));
            }
            let catalogue = Catalogue::builtin().map_err(|e| e.to_string())?;
            let loaded = PolicySet::load(catalogue, set).map_err(|e| e.to_string())?;
            for path in &files {
                println!("ok: {}", path.display());
            }
            println!(
                "{} policies and {} tariff tables checked together",
                loaded.policies.len(),
                loaded.tariffs.len()
            );
            Ok(())
        }
    }
}

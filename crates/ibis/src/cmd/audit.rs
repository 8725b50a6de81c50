//! `ibis audit verify [--db URL]`: walks the audit log's hash chain and reports the first entry
//! that was edited, removed or reordered.

use std::path::PathBuf;

use ibis_store::audit::ChainStatus;

/// Arguments of `ibis audit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, clap::Subcommand)]
enum AuditCommand {
    /// Verify the hash chain of the audit log.
    Verify {
        /// Database URL (as for `ibis serve`).
        #[arg(long, env = "IBIS_DB")]
        db: Option<String>,
        /// Folder of the embedded database when --db is not given.
        #[arg(long, env = "IBIS_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
}

/// Runs the subcommand.
pub fn run(args: Args) -> Result<(), String> {
    let AuditCommand::Verify { db, data_dir } = args.command;
    let url = super::serve::db_url(&db, &data_dir);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    runtime.block_on(async {
        let store = ibis_store::Store::open(&url)
            .await
            .map_err(|e| e.to_string())?;
        match store.verify_audit().await.map_err(|e| e.to_string())? {
            ChainStatus::Intact { entries } => {
                super::print_out(&format!("audit chain intact: {entries} entries\n"))
            }
            ChainStatus::Broken { seq, reason } => {
                Err(format!("audit chain broken at entry {seq}: {reason}"))
            }
        }
    })
}

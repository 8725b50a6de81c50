//! `ibis backup --db URL --out FILE` and `ibis restore --db URL --from FILE`: the whole database
//! as one portable file (versioned JSON lines with the schema version and a SHA-256 checksum),
//! restorable on either engine. The format and its checks live in `ibis_store::backup`.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use ibis_store::audit::ChainStatus;
use ibis_store::backup::BackupError;

/// Arguments of `ibis backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// Database URL (as for `ibis serve`).
    #[arg(long, env = "IBIS_DB")]
    db: Option<String>,
    /// Folder of the embedded database when --db is not given.
    #[arg(long, env = "IBIS_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// The backup file to write (it must not exist yet).
    #[arg(long)]
    out: PathBuf,
}

/// Arguments of `ibis restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// Database URL of the new, empty database to restore into.
    #[arg(long, env = "IBIS_DB")]
    db: Option<String>,
    /// Folder of the embedded database when --db is not given.
    #[arg(long, env = "IBIS_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// The backup file made by `ibis backup`.
    #[arg(long)]
    from: PathBuf,
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))
}

/// Writes the backup to a temporary name beside `out` and renames it when complete, so a failed
/// backup never leaves a file that looks whole.
pub fn backup(args: BackupArgs) -> Result<(), String> {
    if args.out.exists() {
        return Err(format!(
            "--out: {} already exists; choose a new file name",
            args.out.display()
        ));
    }
    let url = super::serve::db_url(&args.db, &args.data_dir);
    let partial = partial_name(&args.out);
    let result = runtime()?.block_on(async {
        let store = ibis_store::Store::open(&url)
            .await
            .map_err(|e| e.to_string())?;
        let file = std::fs::File::create(&partial)
            .map_err(|e| format!("--out: cannot create {}: {e}", partial.display()))?;
        let out = std::io::BufWriter::new(file);
        let who = ibis_store::Auditor::system("ibis backup");
        let summary = ibis_store::backup::backup(&store, &who, out)
            .await
            .map_err(|e| e.to_string())?;
        std::fs::rename(&partial, &args.out)
            .map_err(|e| format!("--out: cannot write {}: {e}", args.out.display()))?;
        Ok::<_, String>(summary)
    });
    match result {
        Ok(s) => super::print_out(&format!(
            "backup written to {}: {} tables, {} rows, schema version {}\n",
            args.out.display(),
            s.tables,
            s.rows,
            s.schema_version
        )),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn partial_name(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

/// Checks the whole file first, then restores it into the empty database in one transaction
/// and verifies the audit chain.
pub fn restore(args: RestoreArgs) -> Result<(), String> {
    let url = super::serve::db_url(&args.db, &args.data_dir);
    let from = args.from.clone();
    let open = move || {
        std::fs::File::open(&from)
            .map(BufReader::new)
            .map_err(|e| BackupError::Io(format!("--from: cannot read {}: {e}", from.display())))
    };
    let at = |e: BackupError| format!("restore from {}: {e}", args.from.display());
    ibis_store::backup::check_file(open().map_err(at)?).map_err(at)?;
    runtime()?.block_on(async {
        let store = ibis_store::Store::open(&url)
            .await
            .map_err(|e| e.to_string())?;
        let s = ibis_store::backup::restore(&store, open)
            .await
            .map_err(at)?;
        let chain = match store.verify_audit().await.map_err(|e| e.to_string())? {
            ChainStatus::Intact { entries } => format!("audit chain intact: {entries} entries"),
            ChainStatus::Broken { seq, reason } => {
                return Err(format!(
                    "restored, but the audit chain is broken at entry {seq}: {reason}"
                ))
            }
        };
        super::print_out(&format!(
            "restored {} tables, {} rows (schema version {}); {chain}\n",
            s.tables, s.rows, s.schema_version
        ))
    })
}

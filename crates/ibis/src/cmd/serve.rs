//! `ibis serve [--db URL] [--listen ADDR] [--demo]`: the web interface and the JSON API.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use ibis_web::AppState;

use super::policies;

/// Arguments of `ibis serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Database: sqlite://PATH (embedded, the default) or postgres://USER@HOST:PORT/NAME.
    #[arg(long, env = "IBIS_DB")]
    pub db: Option<String>,
    /// Folder of the embedded database when --db is not given.
    #[arg(long, env = "IBIS_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Address to listen on.
    #[arg(long, env = "IBIS_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load demo data (pilot municipalities, synthetic people and providers, demo users) into
    /// an empty database.
    #[arg(long)]
    pub demo: bool,
    /// Use the policy files in this directory instead of the shipped ones.
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
    /// Mark cookies Secure even on a loopback address (always on for other addresses; put
    /// ibis behind HTTPS there).
    #[arg(long)]
    pub secure_cookies: bool,
}

/// The database URL: `--db`, or the embedded file in the data folder.
pub fn db_url(db: &Option<String>, data_dir: &std::path::Path) -> String {
    db.clone()
        .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("ibis.db").display()))
}

/// Runs the subcommand.
pub fn run(args: Args) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    runtime.block_on(serve(args))
}

async fn serve(args: Args) -> Result<(), String> {
    let url = db_url(&args.db, &args.data_dir);
    let policy_files = policies::files(args.policies.as_deref())?;
    let policies = policies::load(args.policies.as_deref())?;
    let store = ibis_store::Store::open(&url)
        .await
        .map_err(|e| e.to_string())?;
    let mut fresh_demo = false;
    if args.demo {
        if store.user_count().await.map_err(|e| e.to_string())? == 0 {
            fresh_demo = true;
            eprintln!("ibis: loading demo data …");
            let s = ibis_store::demo::load(&store, ibis_web::today())
                .await
                .map_err(|e| format!("demo data: {e}"))?;
            eprintln!(
                "ibis: demo data loaded: {} people, {} providers, {} users (password \"{}\")",
                s.people,
                s.providers,
                s.users,
                ibis_store::demo::DEMO_PASSWORD
            );
        } else {
            eprintln!("ibis: the database already has users; demo data is not loaded again");
        }
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("--listen: cannot listen on {}: {e}", args.listen))?;
    let secure_cookies = args.secure_cookies || !args.listen.ip().is_loopback();
    let state = AppState {
        store,
        policies: ibis_web::simulator::Policies::with_files(Arc::new(policies), policy_files),
        secure_cookies,
    };
    let adopted = ibis_web::simulator::load_adopted(&state)
        .await
        .map_err(|e| format!("adopted policies: {e}"))?;
    if adopted > 0 {
        eprintln!("ibis: {adopted} adopted policy drafts in force from their days");
    }
    if fresh_demo {
        ibis_web::demo_cycle::load(&state)
            .await
            .map_err(|e| format!("demo budget: {}", e.message))?;
    }
    eprintln!(
        "ibis: serving on http://{} (database {})",
        args.listen,
        ibis_store::redact_url(&url)
    );
    ibis_web::serve(listener, state)
        .await
        .map_err(|e| format!("server stopped: {e}"))
}

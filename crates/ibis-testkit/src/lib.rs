//! A real PostgreSQL server for tests, started from the locally installed binaries.
//!
//! Dev-only: use it from `[dev-dependencies]`. Nothing is downloaded; the server is the
//! PostgreSQL that is installed on the machine (Debian puts it in `/usr/lib/postgresql/N/bin`).
//!
//! * [`shared()`] gives one server per test binary, started on first use; each test takes its
//!   own empty database with [`PgServer::fresh_database`].
//! * [`PgServer::start`] and [`PgServer::start_fast`] give a private server, stopped and deleted
//!   when the value is dropped.
//!
//! ```no_run
//! let url = ibis_testkit::shared().fresh_database().expect("a fresh database");
//! // url is postgres://postgres@127.0.0.1:PORT/ibis_test_N
//! ibis_testkit::psql(&url, "create table t(x int)").expect("psql");
//! ```
//!
//! # How the server runs
//!
//! `initdb` makes a cluster (superuser `postgres`, trust authentication, UTF8, locale C) in a
//! new directory under [`std::env::temp_dir`] (or `/tmp` when the temporary directory is out of
//! reach of the server's user or too long for a unix socket path). `pg_ctl start` runs it on
//! `127.0.0.1` only, on a free port, with its unix socket inside the data directory, so
//! servers of parallel test binaries never meet. PostgreSQL refuses to run as root: when the
//! tests run as root, the server runs as the `postgres` system user (created with `useradd`
//! if it is missing), through `runuser`; otherwise it runs as the current user.
//!
//! Every server gets a watchdog: a detached `sh` loop that waits for the test process to end
//! and then stops the server (`pg_ctl stop -m immediate`) and removes its directory. That is
//! what cleans up the [`shared()`] server, which lives in a static and is never dropped, and
//! any server of a test process that was killed.
//!
//! # Finding PostgreSQL
//!
//! `IBIS_PG_BIN` names the directory with `initdb`, `pg_ctl` and `postgres` when set;
//! otherwise the highest version in `/usr/lib/postgresql/*/bin`, otherwise `initdb` on `PATH`.
//! In CI (`CI=true`) a missing PostgreSQL is an error, never a reason to skip: see
//! [`skip_without_postgres`].

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long a server may take to accept connections before `start` gives up.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How many ports are tried when another process takes the chosen one first.
const PORT_ATTEMPTS: u32 = 5;
/// The database superuser made by `initdb`, and the system user the server runs as under root.
const SUPERUSER: &str = "postgres";
/// Lines of the server log quoted in error messages.
const LOG_TAIL_LINES: usize = 30;
/// The longest unix socket path we let PostgreSQL try (the kernel limit is 107 bytes).
const MAX_SOCKET_PATH: usize = 100;
/// The environment variable naming the directory of the PostgreSQL binaries.
const BIN_ENV: &str = "IBIS_PG_BIN";

/// A running PostgreSQL server in its own temporary directory.
///
/// Dropping it stops the server (`pg_ctl stop -m immediate`) and removes the directory.
#[derive(Debug)]
pub struct PgServer {
    /// The server's temporary directory: `data/` (the cluster) and `server.log`.
    dir: PathBuf,
    /// The data directory (`dir/data`), which also holds the unix socket.
    data: PathBuf,
    /// The server log (`dir/server.log`).
    log: PathBuf,
    /// The TCP port on 127.0.0.1.
    port: u16,
    /// The directory with `initdb`, `pg_ctl`, `postgres`.
    bin: PathBuf,
    /// The system user the server runs as (`Some("postgres")` under root), `None` for the
    /// current user.
    run_as: Option<&'static str>,
    /// The detached process that cleans up if this process ends without dropping `self`.
    watchdog: Option<Child>,
    /// Numbers the databases made by `fresh_database`.
    databases: AtomicU64,
}

impl PgServer {
    /// Starts a fresh server with PostgreSQL's durable defaults (`fsync` and
    /// `synchronous_commit` on).
    ///
    /// `initdb` (trust authentication, encoding UTF8, locale C; run with `--no-sync`, which only
    /// matters if the machine itself crashes), then `pg_ctl start` listening on 127.0.0.1 only,
    /// on a free port (another port is tried if someone takes it first), with unix sockets in
    /// the data directory. Returns once `psql` can run `select 1`, waiting up to 30 seconds.
    ///
    /// # Errors
    ///
    /// When PostgreSQL is not installed, the server's user cannot be set up, or the server does
    /// not start in time; the message names the failing step and quotes the end of the server
    /// log. Nothing is left behind on error.
    pub fn start() -> Result<PgServer, String> {
        Self::start_with(false)
    }

    /// Like [`PgServer::start`], but with `fsync`, `synchronous_commit` and `full_page_writes`
    /// off: faster, and fine for tests that do not check durability.
    ///
    /// # Errors
    ///
    /// As [`PgServer::start`].
    pub fn start_fast() -> Result<PgServer, String> {
        Self::start_with(true)
    }

    /// The superuser's URL of the `postgres` database:
    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn admin_url(&self) -> String {
        self.url("postgres")
    }

    /// Creates a new empty database with a name unique on this server (`ibis_test_N`, by
    /// `CREATE DATABASE` through `psql`) and returns its URL
    /// `postgres://postgres@127.0.0.1:PORT/NAME`.
    ///
    /// # Errors
    ///
    /// When `psql` fails; the message has its output.
    pub fn fresh_database(&self) -> Result<String, String> {
        let n = self.databases.fetch_add(1, Ordering::Relaxed);
        let name = format!("ibis_test_{n}");
        psql(&self.admin_url(), &format!("CREATE DATABASE \"{name}\""))
            .map_err(|e| format!("could not create database {name}: {e}"))?;
        Ok(self.url(&name))
    }

    /// The TCP port the server listens on (on 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's temporary directory (holds `data/` and `server.log`); removed on drop.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The server log, for a test that wants to look at what the server said.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{database}", self.port)
    }

    fn start_with(fast: bool) -> Result<PgServer, String> {
        let begun = Instant::now();
        let bin = bin_dir()?;
        let run_as = run_as()?;
        let dir = make_server_dir(run_as)?;
        // From here on, dropping `server` (also on every error below) cleans up.
        let mut server = PgServer {
            data: dir.join("data"),
            log: dir.join("server.log"),
            dir,
            port: 0,
            bin,
            run_as,
            watchdog: None,
            databases: AtomicU64::new(0),
        };
        server.watchdog = Some(server.spawn_watchdog()?);
        server.initdb()?;
        server.configure(fast)?;
        let deadline = begun + STARTUP_TIMEOUT;
        let mut attempt = 1;
        loop {
            server.port = free_port()?;
            match server.pg_ctl_start(deadline) {
                Ok(()) => break,
                Err(StartError::PortTaken(_)) if attempt < PORT_ATTEMPTS => attempt += 1,
                Err(StartError::PortTaken(e) | StartError::Other(e)) => return Err(e),
            }
        }
        server.wait_until_ready(deadline)?;
        Ok(server)
    }

    /// A command that runs `program` (a PostgreSQL server binary) as the server's user.
    fn server_command(&self, program: &str) -> Command {
        server_command(self.run_as, &self.bin.join(program))
    }

    fn spawn_watchdog(&self) -> Result<Child, String> {
        let pg_ctl = self.bin.join("pg_ctl");
        let mut stop = String::new();
        if let Some(user) = self.run_as {
            stop.push_str(&format!("runuser -u {user} -- "));
        }
        stop.push_str(&format!(
            "{} stop -D {} -m immediate -w -t 30",
            sh_quote(&pg_ctl),
            sh_quote(&self.data)
        ));
        // A command the test process started (initdb, pg_ctl start) may outlive it by a few
        // seconds and write into the directory while it is being removed: so stop and remove
        // again until the directory is gone (for at most about a minute).
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5 2>/dev/null || sleep 1; done\n\
             n=0\n\
             while [ -e {dir} ] && [ $n -lt 120 ]; do\n\
             if [ -f {pidfile} ]; then {stop} >/dev/null 2>&1; fi\n\
             rm -rf {dir} 2>/dev/null\n\
             [ -e {dir} ] && {{ sleep 0.5 2>/dev/null || sleep 1; }}\n\
             n=$((n + 1))\n\
             done\n",
            pid = std::process::id(),
            pidfile = sh_quote(self.data.join("postmaster.pid")),
            dir = sh_quote(&self.dir),
        );
        // `setsid` puts the watchdog in a session of its own, so that neither a Ctrl-C nor the
        // end of the test process's session takes it down before it has cleaned up.
        let mut command = match find_on_path("setsid") {
            Some(setsid) => {
                let mut c = Command::new(setsid);
                c.arg("sh");
                c
            }
            None => {
                let mut c = Command::new("sh");
                c.process_group(0);
                c
            }
        };
        command.arg("-c").arg(script);
        quiet(&mut command);
        command
            .spawn()
            .map_err(|e| format!("could not start the cleanup watchdog (sh): {e}"))
    }

    fn initdb(&self) -> Result<(), String> {
        let mut command = self.server_command("initdb");
        command
            .arg("-D")
            .arg(&self.data)
            .args(["-U", SUPERUSER])
            .args(["--auth-local=trust", "--auth-host=trust"])
            .args(["--encoding=UTF8", "--locale=C", "--no-sync"]);
        let output = run(&mut command, "initdb")?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "initdb failed in {}: {}",
                self.dir.display(),
                describe(&output)
            ))
        }
    }

    fn configure(&self, fast: bool) -> Result<(), String> {
        let mut settings = String::from("\n# ibis-testkit\nlisten_addresses = '127.0.0.1'\n");
        let _ = writeln!(
            settings,
            "unix_socket_directories = '{}'",
            self.data.display().to_string().replace('\'', "''")
        );
        if fast {
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let conf = self.data.join("postgresql.conf");
        fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .and_then(|mut f| f.write_all(settings.as_bytes()))
            .map_err(|e| format!("could not write {}: {e}", conf.display()))
    }

    fn pg_ctl_start(&self, deadline: Instant) -> Result<(), StartError> {
        let log_before = fs::metadata(&self.log).map(|m| m.len()).unwrap_or(0);
        let seconds = deadline
            .saturating_duration_since(Instant::now())
            .as_secs()
            .max(1);
        let mut command = self.server_command("pg_ctl");
        command
            .arg("start")
            .arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(&self.log)
            .args(["-w", "-t", &seconds.to_string()])
            .args(["-o", &format!("-p {}", self.port)]);
        let output = run(&mut command, "pg_ctl start").map_err(StartError::Other)?;
        if output.status.success() {
            return Ok(());
        }
        let new_log = read_log_from(&self.log, log_before);
        let message = format!(
            "pg_ctl start on port {} failed: {}{}",
            self.port,
            describe(&output),
            self.log_tail()
        );
        // A server that timed out may still be starting: stop it before trying again.
        self.stop();
        if new_log.contains("could not bind") || new_log.contains("Address already in use") {
            Err(StartError::PortTaken(message))
        } else {
            Err(StartError::Other(message))
        }
    }

    fn wait_until_ready(&self, deadline: Instant) -> Result<(), String> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let url = self.admin_url();
        let mut last_error;
        loop {
            last_error = match TcpStream::connect_timeout(&address, Duration::from_secs(1)) {
                Err(e) => format!("TCP connect to {address}: {e}"),
                Ok(_) => match psql(&url, "select 1") {
                    Ok(out) if out.trim() == "1" => return Ok(()),
                    Ok(out) => format!("`select 1` answered {out:?}"),
                    Err(e) => e,
                },
            };
            if Instant::now() >= deadline {
                return Err(format!(
                    "the server on port {} did not accept connections within {} s \
                     (last attempt: {last_error}){}",
                    self.port,
                    STARTUP_TIMEOUT.as_secs(),
                    self.log_tail()
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server if it runs (immediate shutdown); errors are ignored.
    fn stop(&self) {
        if !self.data.join("postmaster.pid").exists() {
            return;
        }
        let mut command = self.server_command("pg_ctl");
        command
            .arg("stop")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w", "-t", "30"]);
        let _ = run(&mut command, "pg_ctl stop");
    }

    fn log_tail(&self) -> String {
        let text = fs::read(&self.log)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = &lines[lines.len().saturating_sub(LOG_TAIL_LINES)..];
        format!(
            "\n--- end of the server log ({}, removed with its directory on error) ---\n{}",
            self.log.display(),
            if tail.is_empty() {
                "(empty)".to_string()
            } else {
                tail.join("\n")
            }
        )
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
        if fs::remove_dir_all(&self.dir).is_err() && self.dir.exists() {
            // A process of the server may still have been writing; try once more.
            thread::sleep(Duration::from_millis(200));
            let _ = fs::remove_dir_all(&self.dir);
        }
        if let Some(mut watchdog) = self.watchdog.take() {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
    }
}

enum StartError {
    /// The port was taken between choosing it and the server binding it.
    PortTaken(String),
    Other(String),
}

/// One server shared by all tests of a test binary, started on first use.
///
/// Each test should take its own database with [`PgServer::fresh_database`]. The server lives
/// until the test process ends; its watchdog then stops it and removes its directory.
///
/// # Panics
///
/// When the server cannot be started (the message says why; every later call panics with the
/// same message rather than trying again). Call [`skip_without_postgres`] first to skip
/// cleanly on a machine without PostgreSQL.
pub fn shared() -> &'static PgServer {
    static SHARED: OnceLock<Result<PgServer, String>> = OnceLock::new();
    match SHARED.get_or_init(PgServer::start) {
        Ok(server) => server,
        Err(e) => panic!("could not start the shared PostgreSQL test server: {e}"),
    }
}

/// Whether the PostgreSQL server binaries (`initdb`, `pg_ctl`, `postgres`) are installed
/// where this crate looks for them (see the crate documentation).
pub fn available() -> bool {
    bin_dir().is_ok()
}

/// Whether the test calling it should be skipped because PostgreSQL is not installed; prints
/// why to standard error when so.
///
/// ```no_run
/// if ibis_testkit::skip_without_postgres() {
///     return;
/// }
/// ```
///
/// # Panics
///
/// In CI (environment `CI` set to anything but empty, `0` or `false`) when PostgreSQL is
/// missing: there a missing database server is a broken machine, not a reason to skip.
pub fn skip_without_postgres() -> bool {
    match bin_dir() {
        Ok(_) => false,
        Err(e) if in_ci() => panic!("PostgreSQL is required in CI: {e}"),
        Err(e) => {
            eprintln!("skipping a PostgreSQL test: {e}");
            true
        }
    }
}

/// Runs `sql` with `psql` against `url` (no `.psqlrc`, stop on the first error, unaligned
/// tuples-only output) and returns what it printed.
///
/// # Errors
///
/// When `psql` cannot be run or exits unsuccessfully; the message has its output.
pub fn psql(url: &str, sql: &str) -> Result<String, String> {
    let program = bin_dir()
        .ok()
        .map(|dir| dir.join("psql"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("psql"));
    let mut command = Command::new(&program);
    command
        .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
        .arg("-d")
        .arg(url)
        .arg("-c")
        .arg(sql);
    clean_env(&mut command);
    command.env("PGCONNECT_TIMEOUT", "10");
    let output = run(&mut command, "psql")?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!("psql {url} -c {sql:?}: {}", describe(&output)))
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false" | "FALSE"))
}

/// The directory with the PostgreSQL server binaries (see the crate documentation).
fn bin_dir() -> Result<PathBuf, String> {
    const NEEDED: [&str; 3] = ["initdb", "pg_ctl", "postgres"];
    let complete = |dir: &Path| NEEDED.iter().all(|b| dir.join(b).is_file());
    if let Some(dir) = std::env::var_os(BIN_ENV) {
        let dir = PathBuf::from(dir);
        return if complete(&dir) {
            Ok(dir)
        } else {
            Err(format!(
                "{BIN_ENV}={} does not contain initdb, pg_ctl and postgres",
                dir.display()
            ))
        };
    }
    let mut versions: Vec<(Vec<u32>, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let version = name
                .split('.')
                .map(str::parse)
                .collect::<Result<Vec<u32>, _>>()
                .ok()?;
            let bin = entry.path().join("bin");
            complete(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    if let Some(dir) = find_on_path("initdb")
        .and_then(|p| fs::canonicalize(p).ok())
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .filter(|dir| complete(dir))
    {
        return Ok(dir);
    }
    Err(format!(
        "PostgreSQL server binaries not found: no /usr/lib/postgresql/*/bin and no initdb on \
         PATH with pg_ctl and postgres next to it; install PostgreSQL (Debian: apt-get install \
         postgresql) or set {BIN_ENV} to the directory holding initdb"
    ))
}

/// The system user the server runs as: `Some("postgres")` when we are root (PostgreSQL refuses
/// to run as root), creating that user if needed; `None` (the current user) otherwise.
fn run_as() -> Result<Option<&'static str>, String> {
    static RUN_AS: OnceLock<Result<Option<&'static str>, String>> = OnceLock::new();
    RUN_AS
        .get_or_init(|| {
            if effective_uid()? != 0 {
                return Ok(None);
            }
            if !user_exists(SUPERUSER) {
                let mut command = Command::new("useradd");
                command.args(["--system", "--user-group", SUPERUSER]);
                let output = run(&mut command, "useradd")?;
                // Another process may have created the user meanwhile: check again.
                if !output.status.success() && !user_exists(SUPERUSER) {
                    return Err(format!(
                        "running as root, PostgreSQL must run as the system user {SUPERUSER}, \
                         which does not exist and could not be created: useradd --system \
                         --user-group {SUPERUSER}: {}",
                        describe(&output)
                    ));
                }
            }
            if find_on_path("runuser").is_none() {
                return Err(format!(
                    "running as root, PostgreSQL must run as the system user {SUPERUSER}, but \
                     runuser (util-linux) is not installed"
                ));
            }
            Ok(Some(SUPERUSER))
        })
        .clone()
}

fn effective_uid() -> Result<u32, String> {
    let output = run(Command::new("id").arg("-u"), "id -u")?;
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .map_err(|_| format!("id -u printed no user id: {}", describe(&output)))
}

fn user_exists(user: &str) -> bool {
    Command::new("id")
        .arg("-u")
        .arg(user)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Makes a new, empty directory for a server, owned by the server's user, mode 0700: under
/// `temp_dir()`, or `/tmp` if the server's user cannot use that or the socket path would be
/// too long.
fn make_server_dir(run_as: Option<&str>) -> Result<PathBuf, String> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut parents = vec![std::env::temp_dir()];
    if parents[0] != Path::new("/tmp") {
        parents.push(PathBuf::from("/tmp"));
    }
    let mut problems = Vec::new();
    for parent in parents {
        let parent = fs::canonicalize(&parent).unwrap_or(parent);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let name = format!(
            "ibis-pg-{}-{}-{nanos:x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let dir = parent.join(name);
        // The socket is DIR/data/.s.PGSQL.PORT.
        let socket_len = dir.as_os_str().len() + "/data/.s.PGSQL.65535".len();
        if socket_len > MAX_SOCKET_PATH {
            problems.push(format!(
                "{}: too long for a unix socket path",
                parent.display()
            ));
            continue;
        }
        if let Err(e) = fs::create_dir(&dir) {
            problems.push(format!("{}: {e}", dir.display()));
            continue;
        }
        match prepare_server_dir(&dir, run_as) {
            Ok(()) => return Ok(dir),
            Err(e) => {
                let _ = fs::remove_dir_all(&dir);
                problems.push(e);
            }
        }
    }
    Err(format!(
        "no usable directory for a PostgreSQL server: {}",
        problems.join("; ")
    ))
}

fn prepare_server_dir(dir: &Path, run_as: Option<&str>) -> Result<(), String> {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
        .map_err(|e| format!("chmod 700 {}: {e}", dir.display()))?;
    let Some(user) = run_as else {
        return Ok(());
    };
    let output = run(
        Command::new("chown")
            .arg("-R")
            .arg(format!("{user}:"))
            .arg(dir),
        "chown",
    )?;
    if !output.status.success() {
        return Err(format!(
            "chown -R {user}: {}: {}",
            dir.display(),
            describe(&output)
        ));
    }
    // The user must also be able to reach the directory through its parents.
    let output = run(
        server_command(run_as, Path::new("test")).arg("-w").arg(dir),
        "test -w",
    )?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}: not writable by the user {user} (is a parent directory closed to it?)",
            dir.display()
        ))
    }
}

/// A command that runs `program` as `run_as` (through `runuser`) or as the current user.
fn server_command(run_as: Option<&str>, program: &Path) -> Command {
    let mut command = match run_as {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(program);
            c
        }
        None => Command::new(program),
    };
    // Somewhere the server's user can always enter.
    command.current_dir("/");
    clean_env(&mut command);
    command
}

/// Removes `PG*` variables (PGHOST, PGPORT, PGDATA, PGOPTIONS, ...), which would otherwise
/// change what the PostgreSQL tools connect to or do, and makes messages English so that the
/// log can be read for known errors.
fn clean_env(command: &mut Command) {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PG") {
            command.env_remove(key);
        }
    }
    command.env("LC_ALL", "C");
}

fn quiet(command: &mut Command) {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
}

/// Runs `command` to completion, capturing its output; `what` names it in the error.
fn run(command: &mut Command, what: &str) -> Result<Output, String> {
    command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run {what} ({:?}): {e}", command.get_program()))
}

/// The exit status and output of a finished command, for an error message.
fn describe(output: &Output) -> String {
    let mut text = format!("{}", output.status);
    for stream in [&output.stdout, &output.stderr] {
        let s = String::from_utf8_lossy(stream);
        if !s.trim().is_empty() {
            text.push('\n');
            text.push_str(s.trim_end());
        }
    }
    text
}

/// The part of the log written after byte `offset`.
fn read_log_from(log: &Path, offset: u64) -> String {
    let bytes = fs::read(log).unwrap_or_default();
    let start = usize::try_from(offset).unwrap_or(0).min(bytes.len());
    String::from_utf8_lossy(&bytes[start..]).into_owned()
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("could not find a free port on 127.0.0.1: {e}"))
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Quotes `value` for `sh`.
fn sh_quote(value: impl AsRef<OsStr>) -> String {
    let text = value.as_ref().to_string_lossy();
    format!("'{}'", text.replace('\'', r"'\''"))
}

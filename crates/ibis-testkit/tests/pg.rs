//! The test server: it starts, hands out distinct usable databases, and leaves nothing behind,
//! neither when dropped nor (through its watchdog) when the test process ends without dropping.

#![allow(clippy::unwrap_used)]

use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use ibis_testkit::{psql, shared, skip_without_postgres, PgServer};

fn accepts_connections(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Waits up to `limit` for `done`.
fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if done() {
            return true;
        }
        thread::sleep(Duration::from_millis(100));
    }
    done()
}

#[test]
fn a_server_starts_with_durable_defaults_on_loopback() {
    if skip_without_postgres() {
        return;
    }
    let started = Instant::now();
    let server = PgServer::start().unwrap();
    eprintln!("PgServer::start took {:?}", started.elapsed());
    let url = server.admin_url();
    assert_eq!(
        url,
        format!("postgres://postgres@127.0.0.1:{}/postgres", server.port())
    );
    assert_eq!(psql(&url, "select 1").unwrap().trim(), "1");
    assert_eq!(psql(&url, "show fsync").unwrap().trim(), "on");
    assert_eq!(psql(&url, "show synchronous_commit").unwrap().trim(), "on");
    assert_eq!(
        psql(&url, "show listen_addresses").unwrap().trim(),
        "127.0.0.1"
    );
    assert_eq!(psql(&url, "show server_encoding").unwrap().trim(), "UTF8");
    assert_eq!(psql(&url, "show lc_collate").unwrap().trim(), "C");
    // The unix socket lives in the server's own directory.
    let sockets = psql(&url, "show unix_socket_directories").unwrap();
    assert!(Path::new(sockets.trim()).starts_with(server.dir()));
}

#[test]
fn a_fast_server_does_not_sync() {
    if skip_without_postgres() {
        return;
    }
    let started = Instant::now();
    let server = PgServer::start_fast().unwrap();
    eprintln!("PgServer::start_fast took {:?}", started.elapsed());
    let url = server.admin_url();
    assert_eq!(psql(&url, "show fsync").unwrap().trim(), "off");
    assert_eq!(psql(&url, "show synchronous_commit").unwrap().trim(), "off");
}

#[test]
fn fresh_databases_are_distinct_and_usable() {
    if skip_without_postgres() {
        return;
    }
    let server = shared();
    let a = server.fresh_database().unwrap();
    let b = server.fresh_database().unwrap();
    assert_ne!(a, b);
    let prefix = format!("postgres://postgres@127.0.0.1:{}/", server.port());
    for url in [&a, &b] {
        assert!(url.starts_with(&prefix), "{url}");
        psql(url, "create table t(x int)").unwrap();
    }
    psql(&a, "insert into t values (1), (2)").unwrap();
    assert_eq!(psql(&a, "select count(*) from t").unwrap().trim(), "2");
    assert_eq!(psql(&b, "select count(*) from t").unwrap().trim(), "0");
    assert_ne!(
        psql(&a, "select current_database()").unwrap(),
        psql(&b, "select current_database()").unwrap()
    );
}

#[test]
fn dropping_a_server_stops_it_and_removes_its_directory() {
    if skip_without_postgres() {
        return;
    }
    let server = PgServer::start_fast().unwrap();
    let port = server.port();
    let dir = server.dir().to_path_buf();
    assert!(dir.join("data").join("postmaster.pid").is_file());
    assert!(accepts_connections(port));
    let stopped = Instant::now();
    drop(server);
    eprintln!("dropping a PgServer took {:?}", stopped.elapsed());
    assert!(!dir.exists(), "{} is still there", dir.display());
    assert!(!accepts_connections(port), "port {port} still accepts");
}

#[test]
fn shared_is_one_server() {
    if skip_without_postgres() {
        return;
    }
    let first = shared();
    let second = shared();
    assert!(std::ptr::eq(first, second));
    assert_eq!(first.port(), second.port());
    assert!(accepts_connections(first.port()));
}

/// Set in the child process of `the_shared_server_is_cleaned_up_when_the_process_ends`.
const CHILD_ENV: &str = "IBIS_TESTKIT_WATCHDOG_CHILD";

/// Not a test of its own: in the child process of the test below, it starts the shared server,
/// prints where it is, and exits the process without running any destructor.
#[test]
fn watchdog_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let server = shared();
    println!(
        "\nWATCHDOG-CHILD port={} dir={}",
        server.port(),
        server.dir().display()
    );
    std::process::exit(0);
}

#[test]
fn the_shared_server_is_cleaned_up_when_the_process_ends() {
    if skip_without_postgres() {
        return;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "watchdog_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("WATCHDOG-CHILD "))
        .unwrap_or_else(|| {
            panic!(
                "the child printed no server: {}\n{stdout}\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let (port, dir) = line.split_once(' ').unwrap();
    let port: u16 = port.strip_prefix("port=").unwrap().parse().unwrap();
    let dir = Path::new(dir.strip_prefix("dir=").unwrap());
    // The child has exited; its server is left to the watchdog, which polls every 0.5 s.
    let gone = Instant::now();
    assert!(
        eventually(Duration::from_secs(20), || !dir.exists()
            && !accepts_connections(port)),
        "the watchdog did not clean up {} / port {port}",
        dir.display()
    );
    eprintln!("the watchdog cleaned up within {:?}", gone.elapsed());
}

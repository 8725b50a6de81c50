//! Runs the built `ibis` binary: `ibis serve` on the embedded database, with and without demo
//! data, `ibis audit verify`, and a clear line when the database cannot be reached.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn ibis() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ibis"))
}

struct Served {
    child: Child,
    port: u16,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve(data_dir: &std::path::Path, demo: bool) -> Served {
    let port = free_port();
    let mut cmd = ibis();
    cmd.args([
        "serve",
        "--data-dir",
        data_dir.to_str().unwrap(),
        "--listen",
        &format!("127.0.0.1:{port}"),
    ]);
    if demo {
        cmd.arg("--demo");
    }
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let served = Served { child, port };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok((200, _)) = http(port, "GET", "/healthz", None) {
            return served;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("ibis serve did not answer within 60 s");
}

/// A minimal HTTP/1.1 client: status and body.
fn http(port: u16, method: &str, path: &str, json: Option<&str>) -> std::io::Result<(u16, String)> {
    http_as(port, method, path, json, None)
}

/// The same, with a bearer token.
fn http_as(
    port: u16,
    method: &str,
    path: &str,
    json: Option<&str>,
    token: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = json.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n{}Content-Length: {}\r\n\r\n{body}",
        token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default(),
        body.len()
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ibis-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn serve_with_demo_data_then_without() {
    let dir = temp_dir("demo");
    {
        let s = serve(&dir, true);
        assert!(
            dir.join("ibis.db").exists(),
            "the embedded database is created in the data folder"
        );
        let (status, body) = http(
            s.port,
            "POST",
            "/api/v1/auth/token",
            Some(r#"{"username":"sw-ogre","password":"ibis-demo"}"#),
        )
        .unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("\"token\""));
        // The demo person has a budget in force with a plan, an agreement and claims.
        let (_, body) = http(
            s.port,
            "POST",
            "/api/v1/auth/token",
            Some(r#"{"username":"person-ogre","password":"ibis-demo"}"#),
        )
        .unwrap();
        let token = body
            .split("\"token\":\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap()
            .to_owned();
        let (_, people) = http_as(s.port, "GET", "/api/v1/persons", None, Some(&token)).unwrap();
        let id: String = people
            .split("\"id\":")
            .nth(1)
            .unwrap()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let (status, budget) = http_as(
            s.port,
            "GET",
            &format!("/api/v1/persons/{id}/budget"),
            None,
            Some(&token),
        )
        .unwrap();
        assert_eq!(status, 200, "{budget}");
        assert!(budget.contains("\"monthly_eur\":\"100.00\""), "{budget}");
    }
    // Restarted on the same database, without --demo: the data is still there.
    {
        let s = serve(&dir, false);
        let (status, _) = http(
            s.port,
            "POST",
            "/api/v1/auth/token",
            Some(r#"{"username":"admin","password":"ibis-demo"}"#),
        )
        .unwrap();
        assert_eq!(status, 200);
    }
    let out = ibis()
        .args(["audit", "verify", "--data-dir", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("audit chain intact: "));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn demo_users_exist_only_with_demo() {
    let dir = temp_dir("plain");
    let s = serve(&dir, false);
    let (status, _) = http(
        s.port,
        "POST",
        "/api/v1/auth/token",
        Some(r#"{"username":"admin","password":"ibis-demo"}"#),
    )
    .unwrap();
    assert_eq!(status, 401);
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreachable_database_is_one_clear_line() {
    let port = free_port();
    let out = ibis()
        .args([
            "serve",
            "--db",
            &format!("postgres://postgres:secret@127.0.0.1:{port}/ibis"),
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot open the database") && err.contains("Connection refused"),
        "{err}"
    );
    assert!(!err.contains("secret"), "no password in the message: {err}");
    let out = ibis()
        .args(["serve", "--db", "mysql://x"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--db: \"mysql://x\" is not a database URL")
    );
}

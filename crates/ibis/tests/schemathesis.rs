//! Fuzzes the JSON API from its own OpenAPI document with schemathesis (PyPI): `ibis serve
//! --demo` on a temporary SQLite database and a free port, signed in as demo users, a bounded
//! number of generated requests per operation. No answer may be a server error, and the server
//! must still be running at the end.
//!
//! Without `schemathesis` on the PATH the test prints a notice and passes, unless `CI` is set,
//! where it fails (`.ci/run` installs it). `IBIS_FUZZ_EXAMPLES` raises the examples per
//! operation for a longer run (default 8).

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Served {
    child: Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A minimal HTTP/1.1 client: status and body.
fn http(port: u16, method: &str, path: &str, json: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}",
        json.len()
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

fn serve_demo() -> Served {
    let dir = std::env::temp_dir().join(format!("ibis-schemathesis-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_ibis"))
        .args([
            "serve",
            "--demo",
            "--data-dir",
            dir.to_str().unwrap(),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let served = Served { child, port, dir };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(120) {
        if let Ok((200, _)) = http(port, "GET", "/healthz", "") {
            return served;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("ibis serve did not answer within 120 s");
}

fn token(port: u16, user: &str) -> String {
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/auth/token",
        &format!(r#"{{"username":"{user}","password":"ibis-demo"}}"#),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["token"].as_str().unwrap().to_owned()
}

fn schemathesis_present() -> bool {
    Command::new("schemathesis")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs schemathesis against the server's OpenAPI document as the holder of `token`, writing
/// the JUnit report to `junit`.
fn schemathesis(
    port: u16,
    token: &str,
    examples: &str,
    dir: &std::path::Path,
    report: &std::path::Path,
    junit: &std::path::Path,
) -> std::process::Output {
    Command::new("schemathesis")
        .args([
            "run",
            &format!("http://127.0.0.1:{port}/api/openapi.json"),
            "--checks",
            "not_a_server_error",
            "--header",
            &format!("Authorization: Bearer {token}"),
            // Signing out would end the token the run uses.
            "--exclude-path",
            "/api/v1/auth/sign-out",
            "--max-examples",
            examples,
            "--phases",
            "examples,coverage,fuzzing",
            "--seed",
            "8",
            "--workers",
            "2",
            // Signing in hashes a password on purpose; a loaded CI machine is slow at it.
            "--request-timeout",
            "60",
            "--no-color",
            "--generation-database",
            "none",
            "--report",
            "junit",
            "--report-dir",
            report.to_str().unwrap(),
            "--report-junit-path",
            junit.to_str().unwrap(),
        ])
        // It keeps a cache in the folder it runs in: the temporary one, not the source tree.
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn no_server_error_for_generated_requests() {
    if !schemathesis_present() {
        assert!(
            std::env::var_os("CI").is_none(),
            "schemathesis is not installed; CI installs it with `python3 -m pip install schemathesis` (see .ci/run)"
        );
        println!(
            "NOTICE: schemathesis is not installed; the API fuzz test is skipped \
             (python3 -m pip install schemathesis)"
        );
        return;
    }
    let examples = std::env::var("IBIS_FUZZ_EXAMPLES").unwrap_or_else(|_| "8".into());
    let mut s = serve_demo();
    let report = s.dir.join("schemathesis-report");
    // A social worker reaches most of the API; provider staff reach claims and visits.
    for user in ["sw-ogre", "provider-ogre"] {
        let t = token(s.port, user);
        // A run fails for a server error (a failed check, the only check being
        // `not_a_server_error`) or for an error of schemathesis's own (once, hypothesis failed
        // with "AST constructor recursion depth mismatch" while making cases, every generated
        // case having passed). The JUnit report tells them apart: a server error is a
        // `<failure>`, anything else an `<error>`. A run with errors and no failure is run once
        // more; a second such run fails the test as a tool failure, not as a server error.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let junit = s.dir.join(format!("junit-{user}-{attempt}.xml"));
            let out = schemathesis(s.port, &t, &examples, &s.dir, &report, &junit);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            println!("schemathesis as {user} (run {attempt}):\n{stdout}");
            assert!(
                s.child.try_wait().unwrap().is_none(),
                "the server stopped during the run as {user}"
            );
            let xml = std::fs::read_to_string(&junit).unwrap_or_default();
            let failures = xml.matches("<failure").count();
            assert!(
                failures == 0,
                "schemathesis as {user} found server errors ({failures} failures in the JUnit report):\n{stdout}\n{stderr}"
            );
            if out.status.success() {
                break;
            }
            assert!(
                attempt < 2,
                "schemathesis as {user} failed twice without finding a server error (its own \
                 errors: {} in the JUnit report); the tool, not ibis, needs looking at:\n{stdout}\n{stderr}",
                xml.matches("<error").count()
            );
        }
    }
    let (status, _) = http(s.port, "GET", "/healthz", "").unwrap();
    assert_eq!(status, 200);
}

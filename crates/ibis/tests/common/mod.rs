//! What the tests that run `ibis serve` as a separate process share: starting a server on a
//! database, signing in as a demo user, posting JSON, and an active plan with an agreement to
//! claim against.

#![allow(dead_code, clippy::unwrap_used)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// A running `ibis serve`, killed (SIGKILL) when dropped.
pub struct Server {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Kills the server without warning (SIGKILL) and waits for it to be gone.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// Starts `ibis serve` on the embedded database in `dir`, or on `db` when given, and waits
/// until it answers.
pub async fn serve(dir: &std::path::Path, db: Option<&str>, demo: bool) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ibis"));
    cmd.args([
        "serve",
        "--data-dir",
        dir.to_str().unwrap(),
        "--listen",
        &format!("127.0.0.1:{port}"),
    ]);
    if let Some(db) = db {
        cmd.args(["--db", db]);
    }
    if demo {
        cmd.arg("--demo");
    }
    let child = cmd
        .env_remove("IBIS_DB")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = Client::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(120) {
        if let Ok(r) = client.get(format!("{}/healthz", server.base)).send().await {
            if r.status() == StatusCode::OK {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("ibis serve did not start");
}

/// Signs in a user: the answer's status and body.
pub async fn sign_in(
    c: &Client,
    base: &str,
    user: &str,
    password: &str,
) -> reqwest::Result<(StatusCode, Value)> {
    let r = c
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await?;
    let st = r.status();
    Ok((st, r.json::<Value>().await.unwrap_or(Value::Null)))
}

/// A bearer token of a demo user.
pub async fn token(c: &Client, base: &str, user: &str) -> String {
    let (st, v) = sign_in(c, base, user, "ibis-demo").await.unwrap();
    assert_eq!(st, StatusCode::OK, "{user}: {v}");
    v["token"].as_str().unwrap().to_owned()
}

/// A request with a token: the status and the JSON answer (null when there is none).
pub async fn call(
    c: &Client,
    base: &str,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Result<(StatusCode, Value)> {
    let mut req = c
        .request(method, format!("{base}{path}"))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await?;
    let st = r.status();
    let text = r.text().await?;
    Ok((st, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// `POST` that must succeed: the JSON answer.
pub async fn post(c: &Client, base: &str, token: &str, path: &str, body: Value) -> Value {
    let (st, v) = call(c, base, token, reqwest::Method::POST, path, Some(body))
        .await
        .unwrap();
    assert!(st.is_success(), "{path}: {st} {v}");
    v
}

/// An active support-person plan (8 hours of mentoring a month, June-November 2026) for a new
/// adult of Ogre with the given personal code, with an agreement of the demo provider at 5.00
/// an hour; returns the agreement and decision ids.
pub async fn setup(base: &str, personal_code: &str) -> (i64, i64) {
    let c = Client::new();
    let sw = token(&c, base, "sw-ogre").await;
    let approver = token(&c, base, "approver-ogre").await;
    let prov = token(&c, base, "provider-ogre").await;
    let (_, me) = call(&c, base, &prov, reqwest::Method::GET, "/api/v1/me", None)
        .await
        .unwrap();
    let provider_id = me["provider_id"].as_i64().unwrap();
    let p = post(&c, base, &sw, "/api/v1/persons", json!({"personal_code": personal_code, "given_name": "Toms", "family_name": "Ozoliņš", "birth_date": "1990-02-02", "target_group": "adult-grt", "municipality": "ogre", "living": "family"})).await;
    let person = p["id"].as_i64().unwrap();
    let a = post(&c, base, &sw, &format!("/api/v1/persons/{person}/assessments"), json!({"kind": "support", "assessed_on": "2026-05-20", "level": "3", "rationale": "Needs support with decisions."})).await;
    let aid = a["id"].as_i64().unwrap();
    post(
        &c,
        base,
        &sw,
        &format!("/api/v1/assessments/{aid}/sign"),
        json!({}),
    )
    .await;
    let d = post(
        &c,
        base,
        &approver,
        &format!("/api/v1/assessments/{aid}/decision"),
        json!({"period_from": "2026-06-01", "period_to": "2026-12-01"}),
    )
    .await;
    let did = d["id"].as_i64().unwrap();
    let plan = post(&c, base, &sw, &format!("/api/v1/decisions/{did}/plans"), json!({
        "period_from": "2026-06-01", "period_to": "2026-12-01",
        "goals": [{"term": "short", "text": "Pašam izlemt par dzīvesvietu."}], "needs": "Support.",
        "lines": [{"service": "mentor", "quantity_per_month": "8", "provider_id": provider_id, "funding": "individual-budget", "status": "received"}],
        "tasks": []
    }))
    .await;
    let pid = plan["id"].as_i64().unwrap();
    post(
        &c,
        base,
        &sw,
        &format!("/api/v1/plans/{pid}/sign"),
        json!({"signer_name": "Toms Ozoliņš", "role": "person", "signed_on": "2026-05-25"}),
    )
    .await;
    post(
        &c,
        base,
        &sw,
        &format!("/api/v1/plans/{pid}/state"),
        json!({"action": "activate"}),
    )
    .await;
    let ag = post(&c, base, &sw, &format!("/api/v1/plans/{pid}/agreements"), json!({"plan_line": 0, "provider_id": provider_id, "service": "mentor", "unit_price_eur": "5.00", "period_from": "2026-06-01", "period_to": "2026-12-01", "quantity_per_month": "8"})).await;
    (ag["id"].as_i64().unwrap(), did)
}

/// A claim of a quarter hour under `key`, its date spread over the plan's months by `n`.
pub fn claim(key: &str, agreement: i64, n: usize) -> Value {
    let month = 6 + n % 6;
    let day = 1 + (n / 6) % 28;
    json!({"idempotency_key": key, "agreement_id": agreement, "service_date": format!("2026-{month:02}-{day:02}"), "quantity": "0.25", "unit_price_eur": "5.00", "visit_id": null})
}

/// Every table of the database at `url`, each row a JSON object, for checks the API does not
/// expose.
pub async fn tables(url: &str) -> std::collections::BTreeMap<String, Vec<Value>> {
    let store = ibis_store::Store::open(url).await.unwrap();
    ibis_store::backup::contents(&store).await.unwrap()
}

/// A small deterministic random number generator (xorshift), seeded per run.
pub struct Rng(pub u64);

impl Rng {
    /// A seed from the clock and the process, printed so a failing run can be repeated with
    /// `IBIS_SEED`.
    pub fn seeded() -> Rng {
        let seed = std::env::var("IBIS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    ^ u64::from(std::process::id())
            });
        eprintln!("IBIS_SEED={seed}");
        Rng(seed.max(1))
    }

    /// A number in `lo..hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        lo + self.0 % (hi - lo).max(1)
    }
}

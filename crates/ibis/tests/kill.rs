//! A server killed (SIGKILL) in the middle of a claim storm loses nothing it acknowledged and
//! leaves nothing half-written: after each restart every acknowledged claim is answered the
//! same, every accepted claim is in the ledger, the ledger keeps its invariants and the audit
//! chain verifies.

#![allow(clippy::unwrap_used)]

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `ibis serve` on the embedded database in `dir`, or on `db` when given.
async fn serve(dir: &std::path::Path, db: Option<&str>, demo: bool) -> Server {
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
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(r) = client.get(format!("{}/healthz", server.base)).send().await {
            if r.status() == StatusCode::OK {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("ibis serve did not start");
}

async fn token(c: &Client, base: &str, user: &str) -> String {
    let r = c
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"username": user, "password": "ibis-demo"}))
        .send()
        .await
        .unwrap();
    r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn post(c: &Client, base: &str, token: &str, path: &str, body: Value) -> Value {
    let r = c
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let st = r.status();
    let v: Value = r.json().await.unwrap();
    assert!(st.is_success(), "{path}: {st} {v}");
    v
}

/// An active support-person plan (8 hours of mentoring a month, June-November 2026) with an
/// agreement of the demo provider; returns the agreement and decision ids.
async fn setup(base: &str) -> (i64, i64) {
    let c = Client::new();
    let sw = token(&c, base, "sw-ogre").await;
    let approver = token(&c, base, "approver-ogre").await;
    let prov = token(&c, base, "provider-ogre").await;
    let provider_id = c
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&prov)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["provider_id"]
        .as_i64()
        .unwrap();
    let p = post(&c, base, &sw, "/api/v1/persons", json!({"personal_code": "32888000001", "given_name": "Toms", "family_name": "Ozoliņš", "birth_date": "1990-02-02", "target_group": "adult-grt", "municipality": "ogre", "living": "family"})).await;
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

fn claim(key: &str, agreement: i64, n: usize) -> Value {
    let month = 6 + n % 6;
    let day = 1 + (n / 6) % 28;
    json!({"idempotency_key": key, "agreement_id": agreement, "service_date": format!("2026-{month:02}-{day:02}"), "quantity": "0.25", "unit_price_eur": "5.00", "visit_id": null})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_acknowledged_is_lost_across_kills_on_sqlite() {
    kills(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_acknowledged_is_lost_across_kills_on_postgres() {
    kills(Some(ibis_testkit::shared().fresh_database().unwrap())).await;
}

async fn kills(db: Option<String>) {
    let dir =
        std::env::temp_dir().join(format!("ibis-kill-{}-{}", std::process::id(), db.is_some()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = db.as_deref();
    let server = serve(&dir, db, true).await;
    let (agreement, decision) = setup(&server.base).await;
    drop(server);

    // Acknowledged claims: key -> the decision the server answered with.
    let acked: Arc<Mutex<Vec<(String, usize, Value)>>> = Arc::new(Mutex::new(Vec::new()));
    let mut next = 0usize;
    for round in 0..3 {
        let server = serve(&dir, db, false).await;
        let c = Client::new();
        let prov = token(&c, &server.base, "provider-ogre").await;
        let stop = Arc::new(AtomicBool::new(false));
        let mut senders = Vec::new();
        for w in 0..4 {
            let (c, base, prov, acked, stop) = (
                c.clone(),
                server.base.clone(),
                prov.clone(),
                acked.clone(),
                stop.clone(),
            );
            let start = next + w * 1000;
            senders.push(tokio::spawn(async move {
                let mut n = start;
                while !stop.load(Ordering::SeqCst) && n < start + 1000 {
                    let key = format!("kill-{round}-{n}");
                    let sent = c
                        .post(format!("{base}/api/v1/claims"))
                        .bearer_auth(&prov)
                        .json(&claim(&key, agreement, n))
                        .send()
                        .await;
                    if let Ok(r) = sent {
                        if r.status().is_success() {
                            if let Ok(v) = r.json::<Value>().await {
                                acked.lock().unwrap().push((key, n, v["decision"].clone()));
                            }
                        }
                    }
                    n += 1;
                }
            }));
        }
        next += 4000;
        // Let claims flow, then kill the server without warning.
        let before = acked.lock().unwrap().len();
        let t = Instant::now();
        while acked.lock().unwrap().len() < before + 25 && t.elapsed() < Duration::from_secs(30) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let mut server = server;
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        stop.store(true, Ordering::SeqCst);
        for s in senders {
            s.await.unwrap();
        }
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 75,
        "claims were acknowledged before each kill: {}",
        acked.len()
    );

    // After the last restart every acknowledged claim is answered the same, charged once.
    let server = serve(&dir, db, false).await;
    let c = Client::new();
    let prov = token(&c, &server.base, "provider-ogre").await;
    for (key, n, decision) in &acked {
        let r = c
            .post(format!("{}/api/v1/claims", server.base))
            .bearer_auth(&prov)
            .json(&claim(key, agreement, *n))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{key} is known after the restart"
        );
        let v: Value = r.json().await.unwrap();
        assert_eq!(
            (v["replay"].as_bool(), &v["decision"]),
            (Some(true), decision),
            "{key}"
        );
    }
    drop(server);

    let url = db
        .map(str::to_owned)
        .unwrap_or_else(|| format!("sqlite://{}/ibis.db", dir.display()));
    let store = ibis_store::Store::open(&url).await.unwrap();
    let claims = store.claims_of(decision).await.unwrap();
    assert!(claims.len() >= acked.len());
    let ledger = store.ledger(decision).await.unwrap();
    ibis_core::ledger::check_invariants(&ledger).unwrap();
    let b = ibis_core::ledger::balances(&ledger);
    let charged: ibis_core::money::Money = claims.iter().filter(|c| c.1).map(|c| c.2).sum();
    assert_eq!(
        charged,
        b.approved + b.reserved,
        "every accepted claim is in the ledger, and nothing else"
    );
    assert!(matches!(
        store.verify_audit().await.unwrap(),
        ibis_store::audit::ChainStatus::Intact { .. }
    ));
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

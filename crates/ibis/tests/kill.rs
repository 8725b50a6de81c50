//! A server killed (SIGKILL) at random points in the middle of a claim storm and of payment
//! runs (held claims approved, runs prepared, reviewed and released) loses nothing it
//! acknowledged and leaves nothing half-written: after each restart every acknowledged claim
//! is answered the same, every acknowledged run step holds, every accepted claim is in the
//! ledger, no claim is in two runs, each run's total is the sum of its lines, nothing is paid
//! twice, the ledger keeps its invariants and the audit chain verifies.
//!
//! The short form (3 rounds) runs in CI; `IBIS_LONG=1` runs 12 rounds. `IBIS_SEED` repeats a
//! run's random kill points (the seed is printed).

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

mod common;

use common::{call, claim, serve, setup, tables, token, Rng};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_acknowledged_is_lost_across_kills_on_sqlite() {
    kills(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_acknowledged_is_lost_across_kills_on_postgres() {
    kills(Some(ibis_testkit::shared().fresh_database().unwrap())).await;
}

fn rounds() -> usize {
    if std::env::var("IBIS_LONG").is_ok_and(|v| v == "1") {
        12
    } else {
        3
    }
}

/// What the servers acknowledged.
#[derive(Default)]
struct Acks {
    /// Claims: key, number, the decision answered.
    claims: Vec<(String, usize, Value)>,
    /// Claims held for review, waiting to be approved.
    held: Vec<i64>,
    /// Claims whose approval was acknowledged.
    approved: BTreeSet<i64>,
    /// Payment runs: the last state and total acknowledged.
    runs: BTreeMap<i64, (String, String)>,
}

fn tomorrow() -> String {
    (ibis_web::today() + time::Duration::days(1)).to_string()
}

/// Approves held claims and prepares, reviews and releases runs until stopped, recording
/// every acknowledged step.
async fn pay(
    base: String,
    sw: String,
    approver: String,
    acks: Arc<Mutex<Acks>>,
    events: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
) {
    let c = Client::new();
    let ack = |f: &dyn Fn(&mut Acks)| {
        f(&mut acks.lock().unwrap());
        events.fetch_add(1, Ordering::SeqCst);
    };
    while !stop.load(Ordering::SeqCst) {
        let held: Vec<i64> = {
            let mut a = acks.lock().unwrap();
            let n = a.held.len().min(4);
            a.held.drain(..n).collect()
        };
        for id in held {
            let r = call(
                &c,
                &base,
                &sw,
                Method::POST,
                &format!("/api/v1/claims/{id}/review"),
                Some(json!({"approve": true, "note": "Apmeklējums apstiprināts."})),
            )
            .await;
            if let Ok((st, _)) = r {
                if st.is_success() {
                    ack(&|a| {
                        a.approved.insert(id);
                    });
                }
            }
        }
        let Ok((st, run)) = call(&c, &base, &approver, Method::POST, "/api/v1/payment-runs", Some(json!({"debtor_name": "Ogres novada pašvaldība", "debtor_iban": "LV80BANK0000435195001", "execution_date": tomorrow()}))).await else {
            return;
        };
        if st != StatusCode::CREATED {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        let id = run["id"].as_i64().unwrap();
        let total = run["total_eur"].as_str().unwrap().to_owned();
        ack(&|a| {
            a.runs.insert(id, ("draft".into(), total.clone()));
        });
        for (who, action, state) in [
            (&sw, "review", "reviewed"),
            (&approver, "release", "released"),
        ] {
            let Ok((st, v)) = call(
                &c,
                &base,
                who,
                Method::POST,
                &format!("/api/v1/payment-runs/{id}/state"),
                Some(json!({"action": action})),
            )
            .await
            else {
                return;
            };
            if !st.is_success() {
                break;
            }
            assert_eq!(v["state"], state, "{v}");
            assert_eq!(v["total_eur"].as_str(), Some(total.as_str()), "{v}");
            ack(&|a| {
                a.runs.insert(id, (state.into(), total.clone()));
            });
        }
    }
}

async fn kills(db: Option<String>) {
    let dir =
        std::env::temp_dir().join(format!("ibis-kill-{}-{}", std::process::id(), db.is_some()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = db.as_deref();
    let url = db
        .map(str::to_owned)
        .unwrap_or_else(|| format!("sqlite://{}/ibis.db", dir.display()));
    let server = serve(&dir, db, true).await;
    let (agreement, decision) = setup(&server.base, "32888000001").await;
    drop(server);

    let mut rng = Rng::seeded();
    let acks: Arc<Mutex<Acks>> = Arc::default();
    let events = Arc::new(AtomicUsize::new(0));
    let pay_events = Arc::new(AtomicUsize::new(0));
    let mut next = 0usize;
    for round in 0..rounds() {
        let server = serve(&dir, db, false).await;
        let c = Client::new();
        let prov = token(&c, &server.base, "provider-ogre").await;
        let sw = token(&c, &server.base, "sw-ogre").await;
        let approver = token(&c, &server.base, "approver-ogre").await;
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for w in 0..3 {
            let (c, base, prov, acks, events, stop) = (
                c.clone(),
                server.base.clone(),
                prov.clone(),
                acks.clone(),
                events.clone(),
                stop.clone(),
            );
            let start = next + w * 1000;
            tasks.push(tokio::spawn(async move {
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
                                let mut a = acks.lock().unwrap();
                                if v["decision"]["accepted"] == true
                                    && v["decision"]["needs_review"] == true
                                {
                                    a.held.push(v["claim_id"].as_i64().unwrap());
                                }
                                a.claims.push((key, n, v["decision"].clone()));
                                events.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                    }
                    n += 1;
                }
            }));
        }
        tasks.push(tokio::spawn(pay(
            server.base.clone(),
            sw,
            approver,
            acks.clone(),
            pay_events.clone(),
            stop.clone(),
        )));
        next += 3000;
        // Let claims and payments flow for a random while, then kill the server unwarned.
        // Both kinds of work must have moved: some claims and some payment steps.
        let (before, pay_before) = (
            events.load(Ordering::SeqCst),
            pay_events.load(Ordering::SeqCst),
        );
        let (wait, pay_wait) = (rng.range(10, 40) as usize, rng.range(1, 5) as usize);
        let t = Instant::now();
        while (events.load(Ordering::SeqCst) < before + wait
            || pay_events.load(Ordering::SeqCst) < pay_before + pay_wait)
            && t.elapsed() < Duration::from_secs(90)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.range(0, 40))).await;
        server.kill();
        stop.store(true, Ordering::SeqCst);
        for t in tasks {
            t.await.unwrap();
        }
    }
    let acks = Arc::try_unwrap(acks).ok().unwrap().into_inner().unwrap();
    assert!(
        acks.claims.len() >= 10 * rounds(),
        "claims were acknowledged before each kill: {}",
        acks.claims.len()
    );
    assert!(
        acks.runs.values().any(|r| r.0 == "released"),
        "payment runs were released between the kills: {:?}",
        acks.runs
    );

    // After the last restart every acknowledged claim is answered the same, charged once.
    let server = serve(&dir, db, false).await;
    let c = Client::new();
    let base = server.base.clone();
    let prov = token(&c, &base, "provider-ogre").await;
    for (key, n, decision) in &acks.claims {
        let (st, v) = call(
            &c,
            &base,
            &prov,
            Method::POST,
            "/api/v1/claims",
            Some(claim(key, agreement, *n)),
        )
        .await
        .unwrap();
        assert_eq!(st, StatusCode::OK, "{key} is known after the restart");
        assert_eq!(
            (v["replay"].as_bool(), &v["decision"]),
            (Some(true), decision),
            "{key}"
        );
    }
    // Every acknowledged run step holds; runs left unfinished by a kill are finished now, and
    // releasing again pays nothing more.
    let sw = token(&c, &base, "sw-ogre").await;
    let approver = token(&c, &base, "approver-ogre").await;
    let before_finish = tables(&url).await;
    for (id, (state, total)) in &acks.runs {
        let (st, v) = call(
            &c,
            &base,
            &approver,
            Method::GET,
            &format!("/api/v1/payment-runs/{id}"),
            None,
        )
        .await
        .unwrap();
        assert_eq!(st, StatusCode::OK, "run {id} is kept");
        assert_eq!(v["total_eur"].as_str(), Some(total.as_str()), "run {id}");
        let order = ["draft", "reviewed", "released"];
        let at = |s: &str| order.iter().position(|o| *o == s).unwrap();
        assert!(
            at(v["state"].as_str().unwrap()) >= at(state),
            "run {id} was {state}: {v}"
        );
    }
    for run in &before_finish["payment_runs"] {
        let id = run["id"].as_i64().unwrap();
        if run["state"] == "draft" {
            call(
                &c,
                &base,
                &sw,
                Method::POST,
                &format!("/api/v1/payment-runs/{id}/state"),
                Some(json!({"action": "review"})),
            )
            .await
            .unwrap();
        }
        let (st, released) = call(
            &c,
            &base,
            &approver,
            Method::POST,
            &format!("/api/v1/payment-runs/{id}/state"),
            Some(json!({"action": "release"})),
        )
        .await
        .unwrap();
        assert_eq!(
            (st, released["state"].as_str()),
            (StatusCode::OK, Some("released")),
            "{released}"
        );
        let (_, again) = call(
            &c,
            &base,
            &approver,
            Method::POST,
            &format!("/api/v1/payment-runs/{id}/state"),
            Some(json!({"action": "release"})),
        )
        .await
        .unwrap();
        assert_eq!(again, released, "releasing run {id} again changes nothing");
    }
    drop(server);

    let t = tables(&url).await;
    let mut in_runs: BTreeMap<String, i64> = BTreeMap::new();
    for run in &t["payment_runs"] {
        let id = run["id"].as_i64().unwrap();
        let items: Vec<&Value> = t["run_items"]
            .iter()
            .filter(|i| i["run_id"] == id)
            .collect();
        assert_eq!(run["state"], "released", "every run is finished");
        assert_eq!(
            run["payments_count"].as_i64(),
            Some(items.len() as i64),
            "run {id}: its count is its lines"
        );
        assert_eq!(
            run["total_cents"].as_i64(),
            Some(
                items
                    .iter()
                    .map(|i| i["amount_cents"].as_i64().unwrap())
                    .sum()
            ),
            "run {id}: its total is the sum of its lines"
        );
        for i in items {
            let prior = in_runs.insert(
                i["ref_id"].as_str().unwrap().to_owned(),
                i["amount_cents"].as_i64().unwrap(),
            );
            assert!(prior.is_none(), "claim {} is in two runs", i["ref_id"]);
        }
    }
    let mut paid: BTreeMap<String, i64> = BTreeMap::new();
    for e in t["ledger_entries"]
        .iter()
        .filter(|e| e["kind"] == "payment")
    {
        let prior = paid.insert(
            e["ref_id"].as_str().unwrap().to_owned(),
            e["amount_cents"].as_i64().unwrap(),
        );
        assert!(prior.is_none(), "claim {} is paid twice", e["ref_id"]);
    }
    assert_eq!(
        paid, in_runs,
        "every claim in a released run is paid once, and nothing else"
    );
    assert!(
        acks.approved
            .iter()
            .all(|id| t["claims"].iter().any(|c| c["id"] == *id)),
        "approved claims are kept"
    );

    let store = ibis_store::Store::open(&url).await.unwrap();
    let claims = store.claims_of(decision).await.unwrap();
    assert!(claims.len() >= acks.claims.len());
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

//! Two `ibis serve` processes on one PostgreSQL database, sharing nothing else, behave as one
//! system: a session made on one works (and ends) on the other; a claim's idempotency key holds
//! across both, also when the same claim reaches both at once; the sign-in rate limit counts
//! failures sent to both; a claim storm split across the two never goes over a plan or a
//! budget; and a payment run prepared and released on both at once pays once.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

mod common;

use common::{call, claim, serve, setup, sign_in, tables, token};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_postgres_behave_as_one() {
    let db = ibis_testkit::shared().fresh_database().unwrap();
    let dirs: Vec<std::path::PathBuf> = ["a", "b"]
        .iter()
        .map(|n| std::env::temp_dir().join(format!("ibis-two-{}-{n}", std::process::id())))
        .collect();
    // Both start at once: the migrations run once.
    let servers = tokio::join!(
        serve(&dirs[0], Some(&db), true),
        serve(&dirs[1], Some(&db), false)
    );
    let c = Client::new();
    let (a, b) = (servers.0.base.clone(), servers.1.base.clone());
    let both = [a.as_str(), b.as_str()];

    // A session made on one server works on the other, and ends on both when ended on one.
    let t = token(&c, &a, "sw-ogre").await;
    let (st, me) = call(&c, &b, &t, Method::GET, "/api/v1/me", None)
        .await
        .unwrap();
    assert_eq!(
        (st, me["username"].as_str()),
        (StatusCode::OK, Some("sw-ogre")),
        "{me}"
    );
    let (st, _) = call(&c, &b, &t, Method::POST, "/api/v1/auth/sign-out", None)
        .await
        .unwrap();
    assert_eq!(st, StatusCode::NO_CONTENT);
    for base in both {
        let (st, _) = call(&c, base, &t, Method::GET, "/api/v1/me", None)
            .await
            .unwrap();
        assert_eq!(st, StatusCode::UNAUTHORIZED, "the session ended on both");
    }

    // The sign-in rate limit counts failures sent to both servers, even all at once.
    let guesses: Vec<_> = (0..12)
        .map(|i| {
            let (c, base) = (c.clone(), both[i % 2].to_owned());
            tokio::spawn(async move {
                sign_in(&c, &base, "sw-tukums", &format!("guess-{i}"))
                    .await
                    .unwrap()
                    .0
            })
        })
        .collect();
    let mut answers = BTreeMap::new();
    for g in guesses {
        *answers.entry(g.await.unwrap()).or_insert(0) += 1;
    }
    let max = ibis_store::auth::MAX_FAILURES;
    assert_eq!(
        answers.get(&StatusCode::UNAUTHORIZED).copied(),
        Some(max),
        "exactly {max} wrong passwords are tried, the rest refused: {answers:?}"
    );
    assert_eq!(
        answers.get(&StatusCode::TOO_MANY_REQUESTS).copied(),
        Some(12 - max)
    );
    for base in both {
        let (st, _) = sign_in(&c, base, "sw-tukums", "ibis-demo").await.unwrap();
        assert_eq!(
            st,
            StatusCode::TOO_MANY_REQUESTS,
            "refused on both, even with the right password"
        );
    }

    // Idempotency keys hold across both servers.
    let (agreement, _) = setup(&a, "32888000011").await;
    let prov_a = token(&c, &a, "provider-ogre").await;
    let prov_b = token(&c, &b, "provider-ogre").await;
    let (st, first) = call(
        &c,
        &a,
        &prov_a,
        Method::POST,
        "/api/v1/claims",
        Some(claim("two-1", agreement, 0)),
    )
    .await
    .unwrap();
    assert_eq!(st, StatusCode::CREATED, "{first}");
    let (st, again) = call(
        &c,
        &b,
        &prov_b,
        Method::POST,
        "/api/v1/claims",
        Some(claim("two-1", agreement, 0)),
    )
    .await
    .unwrap();
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        (again["replay"].as_bool(), &again["decision"]),
        (Some(true), &first["decision"])
    );
    let (st, other) = call(
        &c,
        &b,
        &prov_b,
        Method::POST,
        "/api/v1/claims",
        Some(claim("two-1", agreement, 1)),
    )
    .await
    .unwrap();
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another claim under a used key: {other}"
    );
    // The same claims sent to both at once (also on an agreement that does not exist, which
    // no budget lock covers): each is stored once and both get its answer.
    let mut pairs = Vec::new();
    for n in 0..8 {
        let agreement = if n % 2 == 0 { agreement } else { 999_999 };
        let body = claim(&format!("two-pair-{n}"), agreement, n + 2);
        for (base, tok) in [(&a, &prov_a), (&b, &prov_b)] {
            let (c, base, tok, body) = (c.clone(), base.clone(), tok.clone(), body.clone());
            pairs.push(tokio::spawn(async move {
                call(&c, &base, &tok, Method::POST, "/api/v1/claims", Some(body))
                    .await
                    .unwrap()
            }));
        }
    }
    let mut answers = Vec::new();
    for p in pairs {
        answers.push(p.await.unwrap());
    }
    for pair in answers.chunks(2) {
        for (st, v) in pair {
            assert!(
                *st == StatusCode::CREATED || *st == StatusCode::OK,
                "{st} {v}"
            );
        }
        assert_eq!(pair[0].1["decision"], pair[1].1["decision"]);
        assert_eq!(pair[0].1["claim_id"], pair[1].1["claim_id"]);
        assert_eq!(
            [pair[0].1["replay"].as_bool(), pair[1].1["replay"].as_bool()]
                .iter()
                .filter(|r| **r == Some(false))
                .count(),
            1,
            "one of the two decided it, the other replayed it"
        );
    }

    // A claim storm against two budgets split across both servers: 6 months x 10 claims of 2
    // hours a budget, a third of them sent to both servers; the plans allow 8 hours a month.
    let budgets = [
        setup(&b, "32888000012").await,
        setup(&a, "32888000013").await,
    ];
    let mut storm = Vec::new();
    for (bi, (agreement, _)) in budgets.iter().enumerate() {
        for m in 0..6 {
            for n in 0..10 {
                let body = json!({"idempotency_key": format!("storm-{bi}-{m}-{n}"), "agreement_id": agreement, "service_date": format!("2026-{:02}-{:02}", 6 + m, n + 1), "quantity": "2", "unit_price_eur": "5.00", "visit_id": null});
                let targets: &[usize] = if n % 3 == 0 { &[0, 1] } else { &[(m + n) % 2] };
                for &s in targets {
                    let (c, base, tok, body) = (
                        c.clone(),
                        both[s].to_owned(),
                        [&prov_a, &prov_b][s].clone(),
                        body.clone(),
                    );
                    storm.push(tokio::spawn(async move {
                        call(&c, &base, &tok, Method::POST, "/api/v1/claims", Some(body))
                            .await
                            .unwrap()
                    }));
                }
            }
        }
    }
    let mut held = Vec::new();
    for t in storm {
        let (st, v) = t.await.unwrap();
        assert!(
            st == StatusCode::CREATED || st == StatusCode::OK,
            "every request is answered with a decision: {st} {v}"
        );
        if v["decision"]["accepted"] == false {
            assert!(
                !v["decision"]["reasons"].as_array().unwrap().is_empty(),
                "a refusal says why: {v}"
            );
        } else if v["replay"] == false {
            held.push(v["claim_id"].as_i64().unwrap());
        }
    }
    let store = ibis_store::Store::open(&db).await.unwrap();
    for (_, decision) in &budgets {
        let claims = store.claims_of(*decision).await.unwrap();
        assert_eq!(
            claims.len(),
            60,
            "each claim kept once, resends to the other server included"
        );
        assert_eq!(
            claims.iter().filter(|c| c.1).count(),
            24,
            "4 claims of 2 hours a month, never more"
        );
        let ledger = store.ledger(*decision).await.unwrap();
        ibis_core::ledger::check_invariants(&ledger).unwrap();
        let bal = ibis_core::ledger::balances(&ledger);
        assert_eq!(
            bal.approved + bal.reserved,
            ibis_core::money::Money::from_cents(24_000),
            "24 x 10.00"
        );
        assert!(
            !bal.remaining.is_negative(),
            "the budget is never overspent"
        );
    }

    // Held claims approved; a payment run prepared on both servers at once is prepared once,
    // and released on both at once is paid once.
    let sw = token(&c, &a, "sw-ogre").await;
    for id in &held {
        let (st, v) = call(
            &c,
            both[(*id as usize) % 2],
            &sw,
            Method::POST,
            &format!("/api/v1/claims/{id}/review"),
            Some(json!({"approve": true, "note": "Apstiprināts."})),
        )
        .await
        .unwrap();
        assert_eq!(st, StatusCode::OK, "{v}");
    }
    let approvers = [
        token(&c, &a, "approver-ogre").await,
        token(&c, &b, "approver-ogre").await,
    ];
    let run_body = json!({"debtor_name": "Ogres novada pašvaldība", "debtor_iban": "LV80BANK0000435195001", "execution_date": (ibis_web::today() + time::Duration::days(1)).to_string()});
    let prepared = futures_join(
        both.map(|base| base.to_owned()),
        &approvers,
        "/api/v1/payment-runs".into(),
        run_body.clone(),
        &c,
    )
    .await;
    let made: Vec<&(StatusCode, Value)> = prepared
        .iter()
        .filter(|r| r.0 == StatusCode::CREATED)
        .collect();
    assert_eq!(made.len(), 1, "one run is prepared: {prepared:?}");
    let other = prepared
        .iter()
        .find(|r| r.0 != StatusCode::CREATED)
        .unwrap();
    assert_eq!(
        other.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the other finds nothing left to pay: {other:?}"
    );
    let run = &made[0].1;
    let id = run["id"].as_i64().unwrap();
    let (st, _) = call(
        &c,
        &b,
        &sw,
        Method::POST,
        &format!("/api/v1/payment-runs/{id}/state"),
        Some(json!({"action": "review"})),
    )
    .await
    .unwrap();
    assert_eq!(st, StatusCode::OK);
    let released = futures_join(
        both.map(|base| base.to_owned()),
        &approvers,
        format!("/api/v1/payment-runs/{id}/state"),
        json!({"action": "release"}),
        &c,
    )
    .await;
    for (st, v) in &released {
        assert_eq!(
            (*st, v["state"].as_str()),
            (StatusCode::OK, Some("released")),
            "{v}"
        );
    }
    assert_eq!(
        released[0].1, released[1].1,
        "both answer with the one released run"
    );
    drop(store);
    let t = tables(&db).await;
    let items: Vec<&Value> = t["run_items"]
        .iter()
        .filter(|i| i["run_id"] == id)
        .collect();
    assert_eq!(items.len() as i64, run["items"].as_i64().unwrap());
    let payments: Vec<&Value> = t["ledger_entries"]
        .iter()
        .filter(|e| e["kind"] == "payment")
        .collect();
    assert_eq!(
        payments.len(),
        items.len(),
        "each claim of the run is paid once"
    );
    let paid: i64 = payments
        .iter()
        .map(|e| e["amount_cents"].as_i64().unwrap())
        .sum();
    let total: i64 = t["payment_runs"].iter().find(|r| r["id"] == id).unwrap()["total_cents"]
        .as_i64()
        .unwrap();
    assert_eq!(paid, total, "what was paid is the run's total");
    let failures = t["sign_in_failures"]
        .iter()
        .filter(|f| f["username"] == "sw-tukums")
        .count() as i64;
    assert_eq!(failures, max, "the failures recorded across both servers");
    for d in &dirs {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// The same request sent to both servers at once, each with its own token.
async fn futures_join(
    bases: [String; 2],
    tokens: &[String; 2],
    path: String,
    body: Value,
    c: &Client,
) -> Vec<(StatusCode, Value)> {
    let tasks: Vec<_> = bases
        .into_iter()
        .zip(tokens.iter().cloned())
        .map(|(base, tok)| {
            let (c, path, body) = (c.clone(), path.clone(), body.clone());
            tokio::spawn(async move {
                call(&c, &base, &tok, Method::POST, &path, Some(body))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

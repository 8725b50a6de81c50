//! Spending through the API against a running server: an agreement with a co-payment, a
//! visit checked in, out and confirmed, a claim decided with every reason, idempotent resends,
//! and a concurrent claim storm that never breaks a rule or the ledger, on both engines.

#![allow(clippy::unwrap_used)]

use reqwest::StatusCode;
use serde_json::{json, Value};

mod common;

use common::{start, Server};

/// An adult of Ogre with an active plan of 8 hours of mentoring a month from the demo
/// provider of `provider-ogre`, on a budget decided for June to November 2026. Returns the
/// plan, the decision and the provider.
async fn active_plan(s: &Server) -> (i64, i64, i64, i64) {
    active_plan_of(s, "32777000001").await
}

/// [`active_plan`] for a person with the given personal code.
async fn active_plan_of(s: &Server, personal_code: &str) -> (i64, i64, i64, i64) {
    active_plan_with(s, personal_code, "mentor", "8").await
}

/// [`active_plan_of`] with one line of `service`, `hours` a month.
async fn active_plan_with(
    s: &Server,
    personal_code: &str,
    service: &str,
    hours: &str,
) -> (i64, i64, i64, i64) {
    let sw = s.token("sw-ogre").await;
    let approver = s.token("approver-ogre").await;
    let provider_id = s.get(&s.token("provider-ogre").await, "/api/v1/me").await.1["provider_id"]
        .as_i64()
        .unwrap();
    let (st, p) = s.post(&sw, "/api/v1/persons", json!({"personal_code": personal_code, "given_name": "Roberts", "family_name": "Liepiņš", "birth_date": "1979-09-09", "target_group": "adult-grt", "municipality": "ogre", "living": "family"})).await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    let person = p["id"].as_i64().unwrap();
    let (_, a) = s.post(&sw, &format!("/api/v1/persons/{person}/assessments"), json!({"kind": "support", "assessed_on": "2026-05-20", "level": "2", "rationale": "Needs support to decide about money and housing."})).await;
    let aid = a["id"].as_i64().unwrap();
    s.post(&sw, &format!("/api/v1/assessments/{aid}/sign"), json!({}))
        .await;
    let (st, d) = s
        .post(
            &approver,
            &format!("/api/v1/assessments/{aid}/decision"),
            json!({"period_from": "2026-06-01", "period_to": "2026-12-01"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{d}");
    assert_eq!(d["monthly_eur"], "100.00");
    let did = d["id"].as_i64().unwrap();
    let (st, pl) = s
        .post(&sw, &format!("/api/v1/decisions/{did}/plans"), json!({
            "period_from": "2026-06-01", "period_to": "2026-12-01",
            "goals": [{"term": "short", "text": "Pašam pārvaldīt savu naudu."}],
            "needs": "Support with decisions about money.",
            "lines": [{"service": service, "quantity_per_month": hours, "provider_id": provider_id, "funding": "individual-budget", "status": "received"}],
            "tasks": []
        }))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{pl}");
    let pid = pl["id"].as_i64().unwrap();
    s.post(
        &sw,
        &format!("/api/v1/plans/{pid}/sign"),
        json!({"signer_name": "Roberts Liepiņš", "role": "person", "signed_on": "2026-05-25"}),
    )
    .await;
    let (st, v) = s
        .post(
            &sw,
            &format!("/api/v1/plans/{pid}/state"),
            json!({"action": "activate"}),
        )
        .await;
    assert_eq!((st, v["state"].as_str()), (StatusCode::OK, Some("active")));
    (person, pid, did, provider_id)
}

async fn agreement(s: &Server, pid: i64, provider_id: i64, price: &str) -> (StatusCode, Value) {
    let sw = s.token("sw-ogre").await;
    s.post(&sw, &format!("/api/v1/plans/{pid}/agreements"), json!({"plan_line": 0, "provider_id": provider_id, "service": "mentor", "unit_price_eur": price, "period_from": "2026-06-01", "period_to": "2026-12-01", "quantity_per_month": "8"})).await
}

fn claim(key: &str, agreement: i64, date: &str, hours: &str, price: &str) -> Value {
    json!({"idempotency_key": key, "agreement_id": agreement, "service_date": date, "quantity": hours, "unit_price_eur": price, "visit_id": null})
}

async fn walk(postgres: bool) {
    let s = start(postgres).await;
    let (person, pid, did, provider_id) = active_plan(&s).await;
    let prov = s.token("provider-ogre").await;

    // The agreement may cost more than the tariff: the difference is the person's co-payment.
    let (st, a) = agreement(&s, pid, provider_id, "6.00").await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["agreement"]["covered_price"], "5.00");
    assert_eq!(a["agreement"]["co_payment_per_unit"], "1.00");
    let aid = a["id"].as_i64().unwrap();
    let (st, v) = agreement(&s, pid, provider_id, "5.00").await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the line's 8 hours are already agreed: {v}"
    );

    // A visit: checked in with a card, checked out, confirmed by the person's social worker.
    let (st, visit) = s.post(&prov, "/api/v1/visits", json!({"person_id": person, "provider_id": provider_id, "specialist": "Mentore Anna", "start": "2026-06-03T10:00", "end": null, "kind": "individual", "method": "card"})).await;
    assert_eq!(st, StatusCode::CREATED, "{visit}");
    let vid = visit["id"].as_i64().unwrap();
    let (st, v) = s
        .post(
            &prov,
            &format!("/api/v1/visits/{vid}/check-out"),
            json!({"end": "2026-06-03T12:00"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let sw = s.token("sw-ogre").await;
    assert_eq!(
        s.post(&sw, &format!("/api/v1/visits/{vid}/confirm"), json!({}))
            .await
            .0,
        StatusCode::OK
    );

    // A claim on the visit: accepted, 2 h x 5.00 from the budget, 2.00 co-payment.
    let mut c = claim("k-1", aid, "2026-06-03", "2", "6.00");
    c["visit_id"] = json!(vid);
    let (st, r) = s.post(&prov, "/api/v1/claims", c.clone()).await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    assert_eq!(r["decision"]["accepted"], true, "{r}");
    assert_eq!(r["decision"]["amount"], "10.00");
    assert_eq!(r["decision"]["co_payment"], "2.00");
    // The same claim again: the same answer, charged once.
    let (st, again) = s.post(&prov, "/api/v1/claims", c).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        (again["replay"].as_bool(), &again["decision"]),
        (Some(true), &r["decision"])
    );
    // A claim breaking several rules is refused with every reason.
    let (_, r) = s
        .post(
            &prov,
            "/api/v1/claims",
            claim("k-2", aid, "2026-06-04", "7", "7.00"),
        )
        .await;
    let codes: Vec<&str> = r["decision"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"over-plan-quantity") && codes.contains(&"price-above-agreement"),
        "{r}"
    );
    assert_eq!(r["decision"]["accepted"], false);
    // A claim without a visit is accepted but flagged for the case manager.
    let (_, r) = s
        .post(
            &prov,
            "/api/v1/claims",
            claim("k-3", aid, "2026-07-01", "1", "6.00"),
        )
        .await;
    let anomalies: Vec<&str> = r["decision"]["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert!(anomalies.contains(&"no-visit"), "{r}");
    // Someone else's agreement does not exist for this provider.
    let (_, r) = s
        .post(
            &s.token("sw-ogre").await,
            "/api/v1/claims",
            claim("k-4", aid, "2026-07-01", "1", "6.00"),
        )
        .await;
    assert_eq!(r["error"]["code"], "forbidden");

    // Balances come from the ledger: 6 months x 100.00 allocated.
    let (st, b) = s
        .get(&sw, &format!("/api/v1/decisions/{did}/balances"))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["allocated_eur"], "600.00");
    let ledger = s.store.ledger(did).await.unwrap();
    ibis_core::ledger::check_invariants(&ledger).unwrap();
    let bal = ibis_core::ledger::balances(&ledger);
    assert_eq!(
        bal.approved + bal.reserved,
        ibis_core::money::Money::from_cents(1500),
        "10.00 approved + 5.00 held for review"
    );
    // A payment run: prepared by the approver, reviewed by someone else, released once.
    let approver = s.token("approver-ogre").await;
    let tomorrow = (ibis_web::today() + time::Duration::days(1)).to_string();
    let run_body = json!({"debtor_name": "Ogres novada pašvaldība", "debtor_iban": "LV80 BANK 0000 4351 9500 1", "execution_date": tomorrow});
    let (st, v) = s.post(&approver, "/api/v1/payment-runs", json!({"debtor_name": "X", "debtor_iban": "LV81BANK0000435195001", "execution_date": tomorrow})).await;
    assert_eq!(
        (st, v["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("debtor_iban")),
        "a bad IBAN is refused"
    );
    let (st, run) = s
        .post(&approver, "/api/v1/payment-runs", run_body.clone())
        .await;
    assert_eq!(st, StatusCode::CREATED, "{run}");
    assert_eq!(
        (run["total_eur"].as_str(), run["items"].as_i64()),
        (Some("10.00"), Some(1)),
        "only the approved claim is payable"
    );
    let rid = run["id"].as_i64().unwrap();
    let (st, v) = s
        .post(
            &approver,
            &format!("/api/v1/payment-runs/{rid}/state"),
            json!({"action": "review"}),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "who prepared a run may not review it: {v}"
    );
    let (st, v) = s
        .post(
            &approver,
            &format!("/api/v1/payment-runs/{rid}/state"),
            json!({"action": "release"}),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a run is reviewed before release: {v}"
    );
    assert_eq!(
        s.post(
            &sw,
            &format!("/api/v1/payment-runs/{rid}/state"),
            json!({"action": "review"})
        )
        .await
        .0,
        StatusCode::OK
    );
    let (st, released) = s
        .post(
            &approver,
            &format!("/api/v1/payment-runs/{rid}/state"),
            json!({"action": "release"}),
        )
        .await;
    assert_eq!(
        (st, released["state"].as_str()),
        (StatusCode::OK, Some("released")),
        "{released}"
    );
    let (st, again) = s
        .post(
            &approver,
            &format!("/api/v1/payment-runs/{rid}/state"),
            json!({"action": "release"}),
        )
        .await;
    assert_eq!(
        (st, &again),
        (StatusCode::OK, &released),
        "releasing again changes nothing"
    );
    let (st, v) = s.post(&approver, "/api/v1/payment-runs", run_body).await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing is left to pay: {v}"
    );
    let xml = s
        .client
        .get(format!("{}/api/v1/payment-runs/{rid}/pain.001.xml", s.base))
        .bearer_auth(&approver)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        xml.contains("<CtrlSum>10.00</CtrlSum>") && xml.contains("<NbOfTxs>1</NbOfTxs>"),
        "{xml}"
    );
    assert!(xml.contains("pain.001.001.03"), "{xml}");
    let ledger = s.store.ledger(did).await.unwrap();
    ibis_core::ledger::check_invariants(&ledger).unwrap();
    let bal = ibis_core::ledger::balances(&ledger);
    assert_eq!(
        (bal.paid, bal.payable),
        (
            ibis_core::money::Money::from_cents(1000),
            ibis_core::money::Money::ZERO
        )
    );
    assert!(matches!(
        s.store.verify_audit().await.unwrap(),
        ibis_store::audit::ChainStatus::Intact { .. }
    ));
    sums_in_step(&s).await;
}

/// Many clients claim against a few budgets at once: three budgets, each with 6 months x 10
/// claims of 2 hours (a third of them sent twice) and 6 claims above the agreed price, all in
/// flight together. Every request is answered with a decision (a refusal with its reasons);
/// no plan's 8 hours a month and no budget is ever exceeded; each budget's ledger holds
/// exactly its accepted claims and keeps its invariants.
async fn storm(postgres: bool) {
    let s = start(postgres).await;
    let mut budgets = Vec::new();
    for code in ["32777000001", "32777000002", "32777000003"] {
        let (_, pid, did, provider_id) = active_plan_of(&s, code).await;
        let (st, a) = agreement(&s, pid, provider_id, "5.00").await;
        assert_eq!(st, StatusCode::CREATED, "{a}");
        budgets.push((a["id"].as_i64().unwrap(), did));
    }
    let prov = s.token("provider-ogre").await;
    let mut tasks = Vec::new();
    let mut sent = 0;
    for (b, (aid, _)) in budgets.iter().enumerate() {
        for (m, month) in ["06", "07", "08", "09", "10", "11"].iter().enumerate() {
            for n in 0..11 {
                // The eleventh claim of a month asks more than the agreed price.
                let price = if n == 10 { "9.00" } else { "5.00" };
                let body = claim(
                    &format!("storm-{b}-{m}-{n}"),
                    *aid,
                    &format!("2026-{month}-{:02}", n + 1),
                    "2",
                    price,
                );
                let copies = if n % 3 == 0 { 2 } else { 1 };
                for _ in 0..copies {
                    sent += 1;
                    let (client, base, token, body) =
                        (s.client.clone(), s.base.clone(), prov.clone(), body.clone());
                    tasks.push(tokio::spawn(async move {
                        let r = client
                            .post(format!("{base}/api/v1/claims"))
                            .bearer_auth(token)
                            .json(&body)
                            .send()
                            .await
                            .unwrap();
                        let st = r.status();
                        (st, r.json::<Value>().await.unwrap())
                    }));
                }
            }
        }
    }
    let mut answered = 0;
    let mut over_price = 0;
    for t in tasks {
        let (st, v) = t.await.unwrap();
        assert!(
            st == StatusCode::CREATED || st == StatusCode::OK,
            "every request is answered with a decision: {st} {v}"
        );
        assert!(v["decision"]["accepted"].is_boolean(), "{v}");
        if v["decision"]["accepted"] == false {
            let reasons = v["decision"]["reasons"].as_array().unwrap();
            assert!(!reasons.is_empty(), "a refusal says why: {v}");
            if reasons.iter().any(|r| r["code"] == "price-above-agreement") {
                over_price += 1;
            }
        }
        answered += 1;
    }
    assert_eq!(answered, sent, "3 x (66 claims and 24 resends)");
    assert_eq!(
        over_price,
        3 * 6,
        "each claim above the price is refused for it"
    );
    for (_, did) in &budgets {
        let claims = s.store.claims_of(*did).await.unwrap();
        assert_eq!(
            claims.len(),
            66,
            "each claim is kept once, resends included"
        );
        let accepted = claims.iter().filter(|c| c.1).count();
        assert_eq!(accepted, 24, "4 claims of 2 hours a month for 6 months");
        let ledger = s.store.ledger(*did).await.unwrap();
        ibis_core::ledger::check_invariants(&ledger).unwrap();
        let b = ibis_core::ledger::balances(&ledger);
        assert_eq!(b.allocated, ibis_core::money::Money::from_cents(60_000));
        assert_eq!(
            b.approved + b.reserved,
            ibis_core::money::Money::from_cents(24_000),
            "24 x 10.00, never more"
        );
        assert_eq!(b.remaining, ibis_core::money::Money::from_cents(36_000));
        assert!(!b.remaining.is_negative(), "the budget is never overspent");
        let charged: ibis_core::money::Money = claims.iter().filter(|c| c.1).map(|c| c.2).sum();
        assert_eq!(
            charged,
            b.approved + b.reserved,
            "every accepted claim is in the ledger, and nothing else"
        );
    }
    sums_in_step(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agreement_visit_and_claims_on_sqlite() {
    walk(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agreement_visit_and_claims_on_postgres() {
    walk(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_concurrent_claim_storm_never_breaks_a_rule_on_sqlite() {
    storm(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_concurrent_claim_storm_never_breaks_a_rule_on_postgres() {
    storm(true).await;
}

/// Many agreements for one plan line sent at once, each for 3 of the line's 8 hours a month:
/// the store checks each against the ones already kept under the budget's lock, so exactly two
/// are registered (6 hours) and every other is refused with the quantity named.
async fn concurrent_agreements(postgres: bool) {
    let s = start(postgres).await;
    let (_, pid, _, provider_id) = active_plan(&s).await;
    let sw = s.token("sw-ogre").await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (client, base, token) = (s.client.clone(), s.base.clone(), sw.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(format!("{base}/api/v1/plans/{pid}/agreements"))
                .bearer_auth(token)
                .json(&json!({"plan_line": 0, "provider_id": provider_id, "service": "mentor", "unit_price_eur": "5.00", "period_from": "2026-06-01", "period_to": "2026-12-01", "quantity_per_month": "3"}))
                .send()
                .await
                .unwrap();
            let st = r.status();
            (st, r.json::<Value>().await.unwrap())
        }));
    }
    let mut created = Vec::new();
    for t in tasks {
        let (st, v) = t.await.unwrap();
        if st == StatusCode::CREATED {
            created.push(v["id"].as_i64().unwrap());
            continue;
        }
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let fields = v["error"]["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 1, "{v}");
        assert_eq!(fields[0]["field"], "quantity_per_month", "{v}");
        let message = fields[0]["message"].as_str().unwrap();
        assert!(
            message.contains("with 6 a month in other agreements on the line")
                && message.contains("allows: 8 a month"),
            "the refusal names what is agreed already and the line's limit: {message}"
        );
    }
    assert_eq!(
        created.len(),
        2,
        "3 + 3 hours fit the line's 8, a third does not"
    );
    // What is kept agrees: two agreements of 3 hours on the line, 6 of its 8 hours.
    let mut kept = ibis_core::money::Quantity::ZERO;
    for id in created {
        let (st, a) = s.get(&sw, &format!("/api/v1/agreements/{id}")).await;
        assert_eq!(st, StatusCode::OK, "{a}");
        assert_eq!(a["plan_id"], pid);
        kept = kept
            + a["agreement"]["quantity_per_month"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
    }
    assert_eq!(kept.to_string(), "6");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_agreements_never_exceed_a_plan_line_on_sqlite() {
    concurrent_agreements(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_agreements_never_exceed_a_plan_line_on_postgres() {
    concurrent_agreements(true).await;
}

/// Each read of part of a person's record through the API leaves exactly one audit entry
/// naming the caller and what was read (the entry is written in the read's own transaction);
/// a read out of scope is not found and leaves none.
async fn reads_are_audited_once(postgres: bool) {
    let s = start(postgres).await;
    let (person, pid, did, provider_id) = active_plan(&s).await;
    let (st, a) = agreement(&s, pid, provider_id, "5.00").await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_i64().unwrap();
    let sw = s.token("sw-ogre").await;
    let other = s.token("sw-tukums").await;
    let trail = || async {
        s.store
            .audit_for_person(person, ibis_store::PageRequest::new(Some(1), Some(0)))
            .await
            .unwrap()
    };
    let reads = [
        (
            format!("/api/v1/persons/{person}/assessments"),
            "assessments",
            person,
        ),
        (
            format!("/api/v1/persons/{person}/decisions"),
            "budgets",
            person,
        ),
        (format!("/api/v1/plans/{pid}/versions"), "plan", pid),
        (format!("/api/v1/plans/{pid}/diff?from=1&to=3"), "plan", pid),
        (format!("/api/v1/agreements/{aid}"), "agreement", aid),
        (format!("/api/v1/decisions/{did}/balances"), "budget", did),
    ];
    for (path, entity, entity_id) in reads {
        let before = trail().await.total;
        let (st, v) = s.get(&other, &path).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path} out of scope: {v}");
        assert_eq!(
            trail().await.total,
            before,
            "{path}: nothing read, nothing audited"
        );
        let (st, v) = s.get(&sw, &path).await;
        assert_eq!(st, StatusCode::OK, "{path}: {v}");
        let after = trail().await;
        assert_eq!(after.total, before + 1, "{path}: one entry per read");
        let e = &after.items[0];
        assert_eq!(
            (
                e.actor.as_str(),
                e.action.as_str(),
                e.entity.as_str(),
                e.entity_id.clone()
            ),
            ("sw-ogre", "read", entity, entity_id.to_string()),
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_read_of_the_record_is_audited_once_on_sqlite() {
    reads_are_audited_once(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_read_of_the_record_is_audited_once_on_postgres() {
    reads_are_audited_once(true).await;
}

async fn post_csv(s: &Server, token: &str, mode: &str, csv: &str) -> (StatusCode, Value) {
    let r = s
        .client
        .post(format!("{}/api/v1/claims/bulk?mode={mode}", s.base))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    let st = r.status();
    (st, r.json().await.unwrap_or(Value::Null))
}

async fn bulk_review_and_close(postgres: bool) {
    let s = start(postgres).await;
    let (_, pid, did, provider_id) = active_plan(&s).await;
    let (_, a) = agreement(&s, pid, provider_id, "5.00").await;
    let aid = a["id"].as_i64().unwrap();
    let prov = s.token("provider-ogre").await;
    let sw = s.token("sw-ogre").await;

    let header = "idempotency_key,agreement_id,service_date,quantity,unit_price_eur,visit_id";
    let (st, v) = post_csv(&s, &prov, "all-or-nothing", "key,agreement\nx,1\n").await;
    assert_eq!(
        (st, v["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("(header)")),
        "{v}"
    );
    let csv = format!(
        "{header}\nb-1,{aid},2026-08-03,2,5.00,\nb-2,{aid},2026-13-01,2,5.00,\nb-3,{aid},2026-08-04,-1,5.00,\nb-4,999999,2026-08-05,1,5.00,\nb-1,{aid},2026-08-03,2,5.00,\nb-5,{aid},2026-08-06,2,5.00,\n"
    );
    // All or nothing: bad lines 3, 4, 5 and the repeat on line 6 stop the whole file.
    let (st, v) = post_csv(&s, &prov, "all-or-nothing", &csv).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let status: Vec<(u64, &str)> = v["report"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line_no"].as_u64().unwrap(),
                l["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        status,
        vec![
            (2, "not-imported"),
            (3, "invalid"),
            (4, "invalid"),
            (5, "invalid"),
            (6, "invalid"),
            (7, "not-imported")
        ]
    );
    assert_eq!(v["decided"], 0);
    assert!(
        s.store.claims_of(did).await.unwrap().is_empty(),
        "nothing was imported"
    );
    // Good lines only: lines 2 and 7 are decided, the rest reported with their reasons.
    let (_, v) = post_csv(&s, &prov, "good-lines-only", &csv).await;
    assert_eq!(v["decided"], 2, "{v}");
    let fields: Vec<String> = v["report"][1]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, vec!["service_date".to_owned()]);
    assert_eq!(v["report"][3]["problems"][0]["field"], "agreement_id");
    assert_eq!(s.store.claims_of(did).await.unwrap().len(), 2);

    // Claims without visits are held for the case manager, who approves one and refuses one.
    let (_, flagged) = s.get(&sw, "/api/v1/anomalies").await;
    let held: Vec<i64> = flagged
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["held"] == true)
        .map(|f| f["claim_id"].as_i64().unwrap())
        .collect();
    assert_eq!(held.len(), 2, "{flagged}");
    let (st, b) = s
        .post(
            &sw,
            &format!("/api/v1/claims/{}/review", held[0]),
            json!({"approve": true, "note": "Confirmed by phone with the person."}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (st, b) = s
        .post(
            &sw,
            &format!("/api/v1/claims/{}/review", held[1]),
            json!({"approve": false, "note": "No one remembers this session."}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(
        (b["approved_eur"].as_str(), b["reserved_eur"].as_str()),
        (Some("10.00"), Some("0.00"))
    );
    let (st, _) = s
        .post(
            &sw,
            &format!("/api/v1/claims/{}/review", held[1]),
            json!({"approve": true, "note": "again"}),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a claim is reviewed once"
    );

    // Closing the period returns what is unspent; nothing can be charged after it.
    assert_eq!(
        s.post(&sw, &format!("/api/v1/decisions/{did}/close"), json!({}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let approver = s.token("approver-ogre").await;
    let (st, b) = s
        .post(
            &approver,
            &format!("/api/v1/decisions/{did}/close"),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(
        (b["returned_eur"].as_str(), b["remaining_eur"].as_str()),
        (Some("590.00"), Some("0.00"))
    );
    let (_, r) = s
        .post(
            &prov,
            "/api/v1/claims",
            claim("late", aid, "2026-09-01", "1", "5.00"),
        )
        .await;
    assert!(
        r["error"].is_object() || r["decision"]["accepted"] == false,
        "{r}"
    );
    let ledger = s.store.ledger(did).await.unwrap();
    ibis_core::ledger::check_invariants(&ledger).unwrap();
    sums_in_step(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_upload_review_and_period_close_on_sqlite() {
    bulk_review_and_close(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_upload_review_and_period_close_on_postgres() {
    bulk_review_and_close(true).await;
}

async fn payment_modes(postgres: bool) {
    let s = start(postgres).await;
    let (_, pid, _did, provider_id) = active_plan(&s).await;
    let sw = s.token("sw-ogre").await;
    let prov = s.token("provider-ogre").await;
    let admin_iban = ibis_core::sepa::Iban::from_bban("LV", "HABA0000000000001")
        .unwrap()
        .to_string();
    let agree = |payee: Value| json!({"plan_line": 0, "provider_id": provider_id, "service": "mentor", "unit_price_eur": "5.00", "period_from": "2026-06-01", "period_to": "2026-12-01", "quantity_per_month": "4", "payee": payee});
    let (st, v) = s
        .post(
            &sw,
            &format!("/api/v1/plans/{pid}/agreements"),
            agree(json!({"mode": "person", "name": "Roberts Liepiņš"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("payee.iban"))
    );
    let (st, direct) = s.post(&sw, &format!("/api/v1/plans/{pid}/agreements"), agree(json!({"mode": "person", "name": "Roberts Liepiņš", "iban": "LV80BANK0000435195001"}))).await;
    assert_eq!(st, StatusCode::CREATED, "{direct}");
    let (st, admin) = s
        .post(
            &sw,
            &format!("/api/v1/plans/{pid}/agreements"),
            agree(json!({"mode": "administrator", "name": "Biedrība Palīgs", "iban": admin_iban})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{admin}");
    let (direct, admin) = (
        direct["id"].as_i64().unwrap(),
        admin["id"].as_i64().unwrap(),
    );

    // Direct payment: the social worker claims the reimbursement, only against a receipt.
    let (_, r) = s
        .post(
            &sw,
            "/api/v1/claims",
            claim("d-1", direct, "2026-06-10", "2", "5.00"),
        )
        .await;
    assert!(
        r["decision"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["code"] == "no-receipt"),
        "{r}"
    );
    let mut with_receipt = claim("d-2", direct, "2026-06-11", "2", "5.00");
    with_receipt["receipt"] = json!("Mentore A. Kalna kvīts Nr. 17");
    let (st, r) = s.post(&sw, "/api/v1/claims", with_receipt).await;
    assert_eq!(
        (st, r["decision"]["accepted"].as_bool()),
        (StatusCode::CREATED, Some(true)),
        "{r}"
    );
    // The administrator's agreement is claimed by the provider as usual; a social worker may not.
    assert_eq!(
        s.post(
            &sw,
            "/api/v1/claims",
            claim("a-0", admin, "2026-06-12", "2", "5.00")
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let (_, r) = s
        .post(
            &prov,
            "/api/v1/claims",
            claim("a-1", admin, "2026-06-12", "2", "5.00"),
        )
        .await;
    assert_eq!(r["decision"]["accepted"], true, "{r}");
    // Both are held (no visit); the case manager approves them.
    let (_, flagged) = s.get(&sw, "/api/v1/anomalies").await;
    for f in flagged
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["held"] == true)
    {
        let (st, _) = s
            .post(
                &sw,
                &format!("/api/v1/claims/{}/review", f["claim_id"]),
                json!({"approve": true, "note": "Receipt and timesheet checked."}),
            )
            .await;
        assert_eq!(st, StatusCode::OK);
    }
    // One run pays the person and the administrator, each to their own account.
    let approver = s.token("approver-ogre").await;
    let tomorrow = (ibis_web::today() + time::Duration::days(1)).to_string();
    let (st, run) = s.post(&approver, "/api/v1/payment-runs", json!({"debtor_name": "Ogres novada pašvaldība", "debtor_iban": "LV80BANK0000435195001", "execution_date": tomorrow})).await;
    assert_eq!(st, StatusCode::CREATED, "{run}");
    let rid = run["id"].as_i64().unwrap();
    s.post(
        &sw,
        &format!("/api/v1/payment-runs/{rid}/state"),
        json!({"action": "review"}),
    )
    .await;
    let (st, released) = s
        .post(
            &approver,
            &format!("/api/v1/payment-runs/{rid}/state"),
            json!({"action": "release"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{released}");
    let xml = released["xml"].as_str().unwrap();
    assert!(
        xml.contains("<NbOfTxs>2</NbOfTxs>") && xml.contains("<CtrlSum>20.00</CtrlSum>"),
        "{xml}"
    );
    assert!(
        xml.contains("<Nm>Roberts Liepins</Nm>")
            && xml.contains(&format!("<IBAN>{admin_iban}</IBAN>")),
        "{xml}"
    );
    sums_in_step(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_payment_and_administrator_on_sqlite() {
    payment_modes(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_payment_and_administrator_on_postgres() {
    payment_modes(true).await;
}

/// What a bulk report says of each line, in terms that do not name the budget: status,
/// accepted, refusal and anomaly codes, amount, held for review.
/// A line's status, accepted, refusal codes, anomaly codes, amount and held for review.
type Outcome = (String, bool, Vec<String>, Vec<String>, String, bool);

fn outcomes(report: &Value) -> Vec<Outcome> {
    report["report"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let d = &l["result"]["decision"];
            outcome(l["status"].as_str().unwrap(), d)
        })
        .collect()
}

fn outcome(status: &str, d: &Value) -> Outcome {
    let codes = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x["code"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    (
        status.to_owned(),
        d["accepted"].as_bool().unwrap_or(false),
        codes(&d["reasons"]),
        codes(&d["anomalies"]),
        d["amount"].as_str().unwrap_or_default().to_owned(),
        d["needs_review"].as_bool().unwrap_or(false),
    )
}

/// A line of a test file: key, service date, hours, price, visit.
type Line = (String, String, String, String, Option<i64>);

/// Lines with keys starting with `prefix`: two a day from June to October (0.5 h without a
/// visit, 0.25 h naming a visit that is not recorded), every fifth at 9.00 (above the agreed
/// price); the month's 8 hours run out after about ten days, so later lines are refused.
fn many_lines(prefix: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut day = time::Date::from_calendar_date(2026, time::Month::June, 1).unwrap();
    let end = time::Date::from_calendar_date(2026, time::Month::November, 1).unwrap();
    let mut n = 0;
    while day < end {
        for (hours, visit) in [("0.5", None), ("0.25", Some(9_000_000 + n))] {
            n += 1;
            let price = if n % 5 == 0 { "9.00" } else { "5.00" };
            lines.push((
                format!("{prefix}-{n}"),
                day.to_string(),
                hours.to_owned(),
                price.to_owned(),
                visit,
            ));
        }
        day = day.next_day().unwrap();
    }
    lines
}

fn csv_of(aid: i64, lines: &[Line]) -> String {
    let mut csv = String::from(
        "idempotency_key,agreement_id,service_date,quantity,unit_price_eur,visit_id\n",
    );
    for (key, date, hours, price, visit) in lines {
        let visit = visit.map(|v| v.to_string()).unwrap_or_default();
        csv.push_str(&format!("{key},{aid},{date},{hours},{price},{visit}\n"));
    }
    csv
}

/// A budget's ledger keeps its invariants and holds exactly its accepted claims.
async fn ledger_holds(s: &Server, did: i64) {
    let ledger = s.store.ledger(did).await.unwrap();
    ibis_core::ledger::check_invariants(&ledger).unwrap();
    let b = ibis_core::ledger::balances(&ledger);
    let claims = s.store.claims_of(did).await.unwrap();
    let charged: ibis_core::money::Money = claims.iter().filter(|c| c.1).map(|c| c.2).sum();
    assert_eq!(
        charged,
        b.approved + b.reserved,
        "every accepted claim is in the ledger, once"
    );
    assert!(!b.remaining.is_negative());
}

async fn audit_entries(s: &Server) -> i64 {
    match s.store.verify_audit().await.unwrap() {
        ibis_store::audit::ChainStatus::Intact { entries } => entries,
        broken => panic!("the audit chain is broken: {broken:?}"),
    }
}

/// A file of a few hundred lines decided in batches (good lines only) and in one transaction
/// (all or nothing) gets the answers the same lines get one at a time; the same file sent
/// again gets the same answers and writes nothing; a line the store cannot keep (its key holds
/// another claim) stops an all-or-nothing file with nothing kept, and is rolled back alone in a
/// good-lines-only file.
async fn bulk_in_transactions(postgres: bool) {
    let s = start(postgres).await;
    let prov = s.token("provider-ogre").await;
    let mut budgets = Vec::new();
    for code in ["32777000001", "32777000002", "32777000003", "32777000004"] {
        let (_, pid, did, provider_id) = active_plan_of(&s, code).await;
        let (st, a) = agreement(&s, pid, provider_id, "5.00").await;
        assert_eq!(st, StatusCode::CREATED, "{a}");
        budgets.push((a["id"].as_i64().unwrap(), did));
    }
    let (one, batched, whole, failing) = (budgets[0], budgets[1], budgets[2], budgets[3]);

    // One at a time.
    let lines = many_lines("one");
    assert!(lines.len() > 250, "{}", lines.len());
    let mut expected = Vec::new();
    for (key, date, hours, price, visit) in &lines {
        let mut body = claim(key, one.0, date, hours, price);
        body["visit_id"] = json!(visit);
        let (st, r) = s.post(&prov, "/api/v1/claims", body).await;
        assert_eq!(st, StatusCode::CREATED, "{r}");
        let d = &r["decision"];
        let accepted = d["accepted"].as_bool().unwrap();
        expected.push(outcome(if accepted { "imported" } else { "refused" }, d));
    }
    assert!(expected.iter().any(|o| !o.1), "some lines are refused");

    // The same lines in batches, and in one transaction.
    for (mode, (aid, did), prefix) in [
        ("good-lines-only", batched, "batch"),
        ("all-or-nothing", whole, "whole"),
    ] {
        let csv = csv_of(aid, &many_lines(prefix));
        let (st, v) = post_csv(&s, &prov, mode, &csv).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(outcomes(&v), expected, "{mode} decides as one at a time");
        assert_eq!(v["decided"], lines.len());
        ledger_holds(&s, did).await;

        // Sent again: the same answers, nothing written.
        let claims = s.store.claims_of(did).await.unwrap().len();
        let ledger = s.store.ledger(did).await.unwrap().len();
        let audit = audit_entries(&s).await;
        let (st, again) = post_csv(&s, &prov, mode, &csv).await;
        assert_eq!(st, StatusCode::OK, "{again}");
        assert_eq!(outcomes(&again), expected, "{mode} sent again");
        for (a, b) in v["report"]
            .as_array()
            .unwrap()
            .iter()
            .zip(again["report"].as_array().unwrap())
        {
            assert_eq!(a["result"]["claim_id"], b["result"]["claim_id"]);
            assert_eq!(b["result"]["replay"], true);
        }
        assert_eq!(s.store.claims_of(did).await.unwrap().len(), claims);
        assert_eq!(s.store.ledger(did).await.unwrap().len(), ledger);
        assert_eq!(audit_entries(&s).await, audit, "a replay writes nothing");
    }

    // A key already holding another claim: the store refuses the line (parsing cannot know).
    let (aid, did) = failing;
    let (st, r) = s
        .post(
            &prov,
            "/api/v1/claims",
            claim("taken", aid, "2026-07-01", "1", "5.00"),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    let file = |last: &str| {
        let mut lines: Vec<Line> = (1..=120)
            .map(|n| {
                (
                    format!("f-{n}"),
                    format!("2026-08-{:02}", n % 28 + 1),
                    "0.25".into(),
                    "5.00".into(),
                    Some(8_000_000 + n),
                )
            })
            .collect();
        lines.push((
            last.to_owned(),
            "2026-09-02".into(),
            "1".into(),
            "5.00".into(),
            None,
        ));
        csv_of(aid, &lines)
    };
    let before = (
        s.store.claims_of(did).await.unwrap().len(),
        s.store.ledger(did).await.unwrap().len(),
        audit_entries(&s).await,
    );
    let (st, v) = post_csv(&s, &prov, "all-or-nothing", &file("taken")).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let report = v["report"].as_array().unwrap();
    assert_eq!(report.len(), 121);
    assert!(
        report[..120].iter().all(|l| l["status"] == "not-imported"),
        "{v}"
    );
    assert_eq!(report[120]["status"], "invalid");
    assert_eq!(report[120]["problems"][0]["field"], "idempotency_key");
    assert_eq!(
        (v["decided"].as_u64(), v["invalid"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(
        (
            s.store.claims_of(did).await.unwrap().len(),
            s.store.ledger(did).await.unwrap().len(),
            audit_entries(&s).await,
        ),
        before,
        "nothing of the file is kept"
    );

    // Good lines only: the failing line is rolled back alone, in the middle of a batch.
    let mut lines: Vec<Line> = (1..=120)
        .map(|n| {
            (
                format!("g-{n}"),
                format!("2026-10-{:02}", n % 28 + 1),
                "0.25".into(),
                "5.00".into(),
                Some(7_000_000 + n),
            )
        })
        .collect();
    lines.insert(
        70,
        (
            "taken".into(),
            "2026-09-03".into(),
            "1".into(),
            "5.00".into(),
            None,
        ),
    );
    let (st, v) = post_csv(&s, &prov, "good-lines-only", &csv_of(aid, &lines)).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let report = v["report"].as_array().unwrap();
    assert_eq!(report[70]["status"], "invalid", "{}", report[70]);
    assert_eq!(report[70]["problems"][0]["field"], "idempotency_key");
    assert_eq!(
        (v["decided"].as_u64(), v["invalid"].as_u64()),
        (Some(120), Some(1))
    );
    assert!(report
        .iter()
        .enumerate()
        .all(|(i, l)| i == 70 || l["status"] == "imported" || l["status"] == "refused"));
    assert_eq!(s.store.claims_of(did).await.unwrap().len(), before.0 + 120);
    ledger_holds(&s, did).await;
    let taken: Vec<_> = s
        .store
        .claims_of(did)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.0 == r["claim_id"].as_i64().unwrap())
        .collect();
    assert_eq!(taken.len(), 1, "the claim under the key is untouched");
    assert_eq!(
        audit_entries(&s).await,
        before.2 + 120,
        "one audit entry per kept line"
    );
    sums_in_step(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_uploads_in_transactions_on_sqlite() {
    bulk_in_transactions(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_uploads_in_transactions_on_postgres() {
    bulk_in_transactions(true).await;
}

/// The policy caps count the person's accepted claims in the cap's span: a support person at
/// level 2 is capped at 20 hours a month, so after 4 x 5 hours in July the next hour is refused
/// for the cap (and the agreement's 20 hours), and August starts again.
async fn caps(postgres: bool) {
    let s = start(postgres).await;
    let provider_id = s.get(&s.token("provider-ogre").await, "/api/v1/me").await.1["provider_id"]
        .as_i64()
        .unwrap();
    s.store
        .add_offer(
            &ibis_store::Auditor::system("test"),
            provider_id,
            &ibis_store::providers::OfferInput {
                service: "support-person".into(),
                price_eur: "5.00".into(),
                valid_from: "2026-01-01".into(),
                valid_to: None,
            },
        )
        .await
        .unwrap();
    let (_, pid, _, _) = active_plan_with(&s, "32777000009", "support-person", "20").await;
    let sw = s.token("sw-ogre").await;
    let (st, a) = s.post(&sw, &format!("/api/v1/plans/{pid}/agreements"), json!({"plan_line": 0, "provider_id": provider_id, "service": "support-person", "unit_price_eur": "5.00", "period_from": "2026-06-01", "period_to": "2026-12-01", "quantity_per_month": "20"})).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_i64().unwrap();
    let prov = s.token("provider-ogre").await;
    for day in 1..=4 {
        let (st, r) = s
            .post(
                &prov,
                "/api/v1/claims",
                claim(
                    &format!("cap-{day}"),
                    aid,
                    &format!("2026-07-0{day}"),
                    "5",
                    "5.00",
                ),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{r}");
        assert_eq!(r["decision"]["accepted"], true, "{r}");
    }
    let (_, r) = s
        .post(
            &prov,
            "/api/v1/claims",
            claim("cap-5", aid, "2026-07-05", "1", "5.00"),
        )
        .await;
    let codes: Vec<&str> = r["decision"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"over-cap"), "{r}");
    assert!(codes.contains(&"over-plan-quantity"), "{r}");
    let (_, r) = s
        .post(
            &prov,
            "/api/v1/claims",
            claim("cap-6", aid, "2026-08-01", "5", "5.00"),
        )
        .await;
    assert_eq!(r["decision"]["accepted"], true, "a new month: {r}");
    sums_in_step(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caps_count_the_persons_claims_on_sqlite() {
    caps(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caps_count_the_persons_claims_on_postgres() {
    caps(true).await;
}

/// The monthly sums monitoring reads (claims kept, held claims reviewed, periods closed,
/// payments) are the sums of the rows they stand for.
async fn sums_in_step(s: &Server) {
    assert_eq!(
        s.store.monthly_sums_drift().await.unwrap(),
        Vec::<String>::new(),
        "monthly sums out of step with the rows"
    );
}

/// A plan line's quantity bounds the agreements over the same months only: one agreement for
/// the whole line from June to September and another for the whole line from September to
/// December are both kept; a third over July to October is refused, naming the 16 hours a month
/// already agreed over those months.
async fn agreements_in_turn(postgres: bool) {
    let s = start(postgres).await;
    let (_, pid, _, provider_id) = active_plan(&s).await;
    let sw = s.token("sw-ogre").await;
    let post = |from: &str, to: &str, hours: &str| json!({"plan_line": 0, "provider_id": provider_id, "service": "mentor", "unit_price_eur": "5.00", "period_from": from, "period_to": to, "quantity_per_month": hours});
    let path = format!("/api/v1/plans/{pid}/agreements");
    let (st, v) = s
        .post(&sw, &path, post("2026-06-01", "2026-09-01", "8"))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, v) = s
        .post(&sw, &path, post("2026-09-01", "2026-12-01", "8"))
        .await;
    assert_eq!(st, StatusCode::CREATED, "the months do not overlap: {v}");
    let (st, v) = s
        .post(&sw, &path, post("2026-07-01", "2026-10-01", "1"))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let message = v["error"]["fields"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("with 16 a month in other agreements on the line over the same months"),
        "{message}"
    );
}

#[tokio::test]
async fn agreements_in_turn_share_a_plan_line_on_sqlite() {
    agreements_in_turn(false).await;
}

#[tokio::test]
async fn agreements_in_turn_share_a_plan_line_on_postgres() {
    agreements_in_turn(true).await;
}

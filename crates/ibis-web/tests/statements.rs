//! Monthly statements and monthly municipal grants through the API against a running server
//! with the demo data, and the person's and the provider's pages signed in through the form.
//!
//! The setup goes through the API as in tests/spending.rs: the first demo person of Ogre (whom
//! `person-ogre` is linked to) gets a support-person level 2 budget of 100.00 a month for
//! June-November 2026 with an 8-hour mentor line, an agreement at 6.00 against the 5.00
//! tariff, two visits and three claims, one of them paid in a payment run. For the grant, two
//! adults of Ogre get budgets from November 2025: a level III client in a group flat (862.68)
//! with services on 9 of November's 19 working days (halved to 431.34), and a level I client
//! in a family (371.88) with visits on 10 working days (full).

#![allow(clippy::unwrap_used)]

mod common;
mod html;

use html::{attr_after, check_page};

use ibis_core::access::Scope;
use ibis_core::ledger::{balances, Entry};
use ibis_core::money::Money;
use ibis_store::{Auditor, PageRequest};
use reqwest::header::LOCATION;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use common::{start, Server};

/// What these tests add to the shared server.
impl Server {
    /// Posts and insists on the status.
    async fn ok(&self, token: &str, path: &str, body: Value, want: StatusCode) -> Value {
        let (st, v) = self.post(token, path, body).await;
        assert_eq!(st, want, "{path}: {v}");
        v
    }
}

/// What the setup made.
struct Fixture {
    /// The first demo person of Ogre, linked to `person-ogre`.
    person: i64,
    /// Their support-person budget decision (100.00 a month, June-November 2026).
    decision: i64,
    /// The agreement at 6.00 for 8 hours of mentoring a month.
    agreement: i64,
    /// `provider-ogre`'s provider.
    provider: i64,
    /// A checked-out visit on 3 June 2026 (claimed; not yet confirmed by the person).
    visit_claimed: i64,
    /// A checked-out visit on 10 June 2026 (not claimed).
    visit_other: i64,
}

/// The first demo person of Ogre: the one `person-ogre` is linked to.
async fn first_ogre_person(s: &Server) -> i64 {
    s.store
        .persons(
            &Auditor::system("test"),
            &Scope::Municipality("ogre".into()),
            None,
            PageRequest::new(Some(200), None),
        )
        .await
        .unwrap()
        .items
        .iter()
        .map(|p| p.id)
        .min()
        .unwrap()
}

/// Signs and activates a plan.
async fn activate(s: &Server, sw: &str, plan: i64, signer: &str, on: &str) {
    s.ok(
        sw,
        &format!("/api/v1/plans/{plan}/sign"),
        json!({"signer_name": signer, "role": "person", "signed_on": on}),
        StatusCode::OK,
    )
    .await;
    let v = s
        .ok(
            sw,
            &format!("/api/v1/plans/{plan}/state"),
            json!({"action": "activate"}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(v["state"], "active");
}

fn claim(key: &str, agreement: i64, date: &str, hours: &str, price: &str) -> Value {
    json!({"idempotency_key": key, "agreement_id": agreement, "service_date": date, "quantity": hours, "unit_price_eur": price, "visit_id": null})
}

/// The support-person budget of the first demo person of Ogre, its plan, agreement, visits,
/// claims and a payment run that pays the approved claim.
async fn support_budget(s: &Server) -> Fixture {
    let sw = s.token("sw-ogre").await;
    let approver = s.token("approver-ogre").await;
    let prov = s.token("provider-ogre").await;
    let provider = s.get(&prov, "/api/v1/me").await.1["provider_id"]
        .as_i64()
        .unwrap();
    let person = first_ogre_person(s).await;
    let a = s
        .ok(
            &sw,
            &format!("/api/v1/persons/{person}/assessments"),
            json!({"kind": "support", "assessed_on": "2026-05-20", "level": "2", "rationale": "Needs support to decide about money and housing."}),
            StatusCode::CREATED,
        )
        .await;
    let aid = a["id"].as_i64().unwrap();
    s.ok(
        &sw,
        &format!("/api/v1/assessments/{aid}/sign"),
        json!({}),
        StatusCode::OK,
    )
    .await;
    let d = s
        .ok(
            &approver,
            &format!("/api/v1/assessments/{aid}/decision"),
            json!({"period_from": "2026-06-01", "period_to": "2026-12-01"}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(d["monthly_eur"], "100.00");
    let decision = d["id"].as_i64().unwrap();
    let pl = s
        .ok(&sw, &format!("/api/v1/decisions/{decision}/plans"), json!({
            "period_from": "2026-06-01", "period_to": "2026-12-01",
            "goals": [{"term": "short", "text": "Pašam pārvaldīt savu naudu."}],
            "needs": "Support with decisions about money.",
            "lines": [{"service": "mentor", "quantity_per_month": "8", "provider_id": provider, "funding": "individual-budget", "status": "received"}],
            "tasks": []
        }), StatusCode::CREATED)
        .await;
    let plan = pl["id"].as_i64().unwrap();
    activate(s, &sw, plan, "Persona", "2026-05-25").await;
    let a = s.ok(&sw, &format!("/api/v1/plans/{plan}/agreements"), json!({"plan_line": 0, "provider_id": provider, "service": "mentor", "unit_price_eur": "6.00", "period_from": "2026-06-01", "period_to": "2026-12-01", "quantity_per_month": "8"}), StatusCode::CREATED).await;
    assert_eq!(a["agreement"]["co_payment_per_unit"], "1.00");
    let agreement = a["id"].as_i64().unwrap();
    let mut visits = Vec::new();
    for (start, end) in [
        ("2026-06-03T10:00", "2026-06-03T12:00"),
        ("2026-06-10T10:00", "2026-06-10T11:00"),
    ] {
        let v = s.ok(&prov, "/api/v1/visits", json!({"person_id": person, "provider_id": provider, "specialist": "Mentore Anna", "start": start, "end": end, "kind": "individual", "method": "card"}), StatusCode::CREATED).await;
        visits.push(v["id"].as_i64().unwrap());
    }
    // Approved: 2 h x 5.00 from the budget, 2.00 co-payment.
    let mut c = claim("k-1", agreement, "2026-06-03", "2", "6.00");
    c["visit_id"] = json!(visits[0]);
    let r = s.ok(&prov, "/api/v1/claims", c, StatusCode::CREATED).await;
    assert_eq!(
        (&r["decision"]["accepted"], &r["decision"]["needs_review"]),
        (&json!(true), &json!(false)),
        "{r}"
    );
    // Refused: more hours than the plan allows and a price above the agreement.
    let r = s
        .ok(
            &prov,
            "/api/v1/claims",
            claim("k-2", agreement, "2026-06-04", "7", "7.00"),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(r["decision"]["accepted"], false);
    // Held for review: no visit.
    let r = s
        .ok(
            &prov,
            "/api/v1/claims",
            claim("k-3", agreement, "2026-07-01", "1", "6.00"),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(r["decision"]["needs_review"], true, "{r}");
    // A payment run pays the approved claim.
    let tomorrow = (ibis_web::today() + time::Duration::days(1)).to_string();
    let run = s.ok(&approver, "/api/v1/payment-runs", json!({"debtor_name": "Ogres novada pašvaldība", "debtor_iban": "LV80 BANK 0000 4351 9500 1", "execution_date": tomorrow}), StatusCode::CREATED).await;
    assert_eq!(run["total_eur"], "10.00", "{run}");
    let rid = run["id"].as_i64().unwrap();
    s.ok(
        &sw,
        &format!("/api/v1/payment-runs/{rid}/state"),
        json!({"action": "review"}),
        StatusCode::OK,
    )
    .await;
    s.ok(
        &approver,
        &format!("/api/v1/payment-runs/{rid}/state"),
        json!({"action": "release"}),
        StatusCode::OK,
    )
    .await;
    Fixture {
        person,
        decision,
        agreement,
        provider,
        visit_claimed: visits[0],
        visit_other: visits[1],
    }
}

/// An adult of Ogre with a budget decided from November 2025 to April 2026.
async fn adult(s: &Server, code: &str, living: &str, level: &str) -> (i64, i64) {
    let sw = s.token("sw-ogre").await;
    let approver = s.token("approver-ogre").await;
    let p = s.ok(&sw, "/api/v1/persons", json!({"personal_code": code, "given_name": "Pēteris", "family_name": "Zariņš", "birth_date": "1975-02-02", "target_group": "adult-grt", "municipality": "ogre", "living": living}), StatusCode::CREATED).await;
    let person = p["id"].as_i64().unwrap();
    let r = |n: u8| json!({"rating": n, "note": "observed at home"});
    let a = s
        .ok(
            &sw,
            &format!("/api/v1/persons/{person}/assessments"),
            json!({
                "kind": "adult", "assessed_on": "2025-10-20", "care_level": level,
                "domains": {"health": r(2), "self_care": r(3), "communication": r(2), "daily_living": r(3)},
                "rationale": "Needs daily support with self-care and a structured day."
            }),
            StatusCode::CREATED,
        )
        .await;
    let aid = a["id"].as_i64().unwrap();
    s.ok(
        &sw,
        &format!("/api/v1/assessments/{aid}/sign"),
        json!({}),
        StatusCode::OK,
    )
    .await;
    let d = s
        .ok(
            &approver,
            &format!("/api/v1/assessments/{aid}/decision"),
            json!({"period_from": "2025-11-01", "period_to": "2026-05-01"}),
            StatusCode::CREATED,
        )
        .await;
    (person, d["id"].as_i64().unwrap())
}

/// Two adults of Ogre served in November 2025: level III in a group flat with claims on 9
/// working days, level I in a family with visits on 10 working days.
async fn grant_clients(s: &Server, provider: i64) {
    let sw = s.token("sw-ogre").await;
    let prov = s.token("provider-ogre").await;
    // The demo offers start in 2026; the provider offered mentoring in 2025 too.
    s.ok(
        &prov,
        &format!("/api/v1/providers/{provider}/offers"),
        json!({"service": "mentor", "price_eur": "5.00", "valid_from": "2025-01-01", "valid_to": "2026-01-01"}),
        StatusCode::CREATED,
    )
    .await;
    let (p3, d3) = adult(s, "32777000011", "group-flat", "III").await;
    let (_, d) = s
        .get(&sw, &format!("/api/v1/decisions/{d3}/balances"))
        .await;
    assert_eq!(d["allocated_eur"], "5176.08", "6 x 862.68");
    let pl = s
        .ok(&sw, &format!("/api/v1/decisions/{d3}/plans"), json!({
            "period_from": "2025-11-01", "period_to": "2026-05-01",
            "goals": [{"term": "short", "text": "Strādāt darbnīcā."}],
            "needs": "A structured day.",
            "lines": [{"service": "mentor", "quantity_per_month": "8", "provider_id": provider, "funding": "individual-budget", "status": "received"}],
            "tasks": []
        }), StatusCode::CREATED)
        .await;
    let plan = pl["id"].as_i64().unwrap();
    activate(s, &sw, plan, "Pēteris Zariņš", "2025-10-25").await;
    let a = s.ok(&sw, &format!("/api/v1/plans/{plan}/agreements"), json!({"plan_line": 0, "provider_id": provider, "service": "mentor", "unit_price_eur": "5.00", "period_from": "2025-11-01", "period_to": "2026-05-01", "quantity_per_month": "8"}), StatusCode::CREATED).await;
    let aid = a["id"].as_i64().unwrap();
    // Half an hour on 9 working days (18 November is a holiday), two lines on one of them.
    for (i, day) in [3, 4, 5, 6, 7, 10, 11, 12, 13, 13].iter().enumerate() {
        let r = s
            .ok(
                &prov,
                "/api/v1/claims",
                claim(
                    &format!("g-{i}"),
                    aid,
                    &format!("2025-11-{day:02}"),
                    "0.5",
                    "5.00",
                ),
                StatusCode::CREATED,
            )
            .await;
        assert_eq!(r["decision"]["accepted"], true, "{r}");
    }
    // A refused claim on a tenth working day does not count.
    let r = s
        .ok(
            &prov,
            "/api/v1/claims",
            claim("g-refused", aid, "2025-11-14", "0.5", "9.00"),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(r["decision"]["accepted"], false, "{r}");
    let _ = p3;

    let (p1, _) = adult(s, "32777000012", "family", "I").await;
    s.store
        .add_provider_client(&Auditor::system("test"), provider, p1)
        .await
        .unwrap();
    // Visits on 10 working days, one on a Saturday (does not count), one never checked out.
    for day in [3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14] {
        s.ok(&prov, "/api/v1/visits", json!({"person_id": p1, "provider_id": provider, "specialist": "Mentors Jānis", "start": format!("2025-11-{day:02}T09:00"), "end": format!("2025-11-{day:02}T10:00"), "kind": "individual", "method": "manual"}), StatusCode::CREATED).await;
    }
    s.ok(&prov, "/api/v1/visits", json!({"person_id": p1, "provider_id": provider, "specialist": "Mentors Jānis", "start": "2025-11-17T09:00", "end": null, "kind": "individual", "method": "manual"}), StatusCode::CREATED).await;
}

/// The balances of the entries booked before a day.
fn booked_before(ledger: &[Entry], day: time::Date) -> ibis_core::ledger::Balances {
    let before: Vec<Entry> = ledger.iter().filter(|e| e.on < day).cloned().collect();
    balances(&before)
}

fn field_of(v: &Value) -> Option<&str> {
    v["error"]["fields"][0]["field"].as_str()
}

async fn api_walk(postgres: bool) {
    let s = start(postgres).await;
    let f = support_budget(&s).await;
    let sw = s.token("sw-ogre").await;
    let did = f.decision;

    // June: 10.00 approved (and paid), 2.00 co-payment, one claim refused.
    let (st, june) = s
        .get(
            &sw,
            &format!("/api/v1/decisions/{did}/statement?month=2026-06"),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{june}");
    assert_eq!(june["month"], "2026-06");
    assert_eq!(june["monthly_eur"], "100.00");
    assert_eq!(june["approved_eur"], "10.00");
    assert_eq!(june["co_payment_eur"], "2.00");
    assert_eq!(june["held_eur"], "0.00");
    assert_eq!(june["paid_eur"], "10.00");
    assert_eq!(june["refused_claims"], 1);
    let lines = june["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "{june}");
    assert_eq!(lines[0]["service"], "mentor");
    assert_eq!(lines[0]["quantity"], "2");
    assert_eq!(lines[0]["amount_eur"], "10.00");
    assert_eq!(lines[0]["co_payment_eur"], "2.00");
    assert!(lines[0]["provider_name"].as_str().unwrap().contains("Ogre"));
    // The position at the end of June is what the ledger had booked by then.
    let ledger = s.store.ledger(did).await.unwrap();
    let at_june_end = booked_before(&ledger, time::macros::date!(2026 - 07 - 01));
    assert_eq!(june["as_of"], "2026-06-30");
    assert_eq!(
        june["position"]["remaining_eur"],
        at_june_end.remaining.to_string()
    );
    assert_eq!(
        june["position"]["allocated_eur"],
        at_june_end.allocated.to_string()
    );
    assert_eq!(june["position"]["paid_eur"], at_june_end.paid.to_string());
    // This month's position is the whole ledger: 600.00 allocated, 10.00 approved, 5.00 held.
    let this_month =
        ibis_store::statements::month_code(&ibis_web::statements::month_of(ibis_web::today()));
    let (_, now) = s
        .get(
            &sw,
            &format!("/api/v1/decisions/{did}/statement?month={this_month}"),
        )
        .await;
    let all = balances(&ledger);
    assert_eq!(now["position"]["allocated_eur"], "600.00");
    assert_eq!(now["position"]["remaining_eur"], "585.00");
    assert_eq!(all.remaining, Money::from_cents(58_500));
    assert_eq!(now["position"]["reserved_eur"], "5.00");
    assert_eq!(now["position"]["paid_eur"], "10.00");
    // July: the claim without a visit is held for review.
    let (_, july) = s
        .get(
            &sw,
            &format!("/api/v1/decisions/{did}/statement?month=2026-07"),
        )
        .await;
    assert_eq!(
        (
            &july["approved_eur"],
            &july["held_eur"],
            &july["co_payment_eur"]
        ),
        (&json!("0.00"), &json!("5.00"), &json!("1.00"))
    );
    assert_eq!(july["lines"][0]["held_eur"], "5.00");

    // Who may read it: the person, social workers and approvers in scope.
    let person = s.token("person-ogre").await;
    let (st, own) = s
        .get(
            &person,
            &format!("/api/v1/decisions/{did}/statement?month=2026-06"),
        )
        .await;
    assert_eq!(
        (st, &own["approved_eur"]),
        (StatusCode::OK, &json!("10.00"))
    );
    let approver = s.token("approver-ogre").await;
    assert_eq!(
        s.get(
            &approver,
            &format!("/api/v1/decisions/{did}/statement?month=2026-06")
        )
        .await
        .0,
        StatusCode::OK
    );
    let tukums = s.token("sw-tukums").await;
    assert_eq!(
        s.get(
            &tukums,
            &format!("/api/v1/decisions/{did}/statement?month=2026-06")
        )
        .await
        .0,
        StatusCode::NOT_FOUND,
        "another municipality's social worker does not learn it exists"
    );
    for other in ["provider-ogre", "analyst", "broker-ogre", "admin"] {
        let t = s.token(other).await;
        assert_eq!(
            s.get(
                &t,
                &format!("/api/v1/decisions/{did}/statement?month=2026-06")
            )
            .await
            .0,
            StatusCode::FORBIDDEN,
            "{other}"
        );
    }
    assert_eq!(
        s.get(&sw, "/api/v1/decisions/999999/statement?month=2026-06")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    for bad in ["2026-13", "June", "2026-6", ""] {
        let (st, v) = s
            .get(
                &sw,
                &format!("/api/v1/decisions/{did}/statement?month={bad}"),
            )
            .await;
        assert_eq!(
            (st, field_of(&v)),
            (StatusCode::BAD_REQUEST, Some("month")),
            "{bad}: {v}"
        );
    }
    let (st, v) = s
        .get(&sw, &format!("/api/v1/decisions/{did}/statement"))
        .await;
    assert_eq!(
        (st, field_of(&v)),
        (StatusCode::BAD_REQUEST, Some("month")),
        "{v}"
    );
    // The read is in the person's audit trail.
    let trail = s
        .store
        .audit_for_person(f.person, PageRequest::new(Some(200), None))
        .await
        .unwrap();
    assert!(trail
        .items
        .iter()
        .any(|e| e.action == "read" && e.entity == "statement" && e.actor == "person-ogre"));

    // The provider's June: two claims asking 12.00 + 49.00, 10.00 approved and paid, one
    // refused with both reasons and the person named.
    let prov = s.token("provider-ogre").await;
    let pid = f.provider;
    let (st, ps) = s
        .get(
            &prov,
            &format!("/api/v1/providers/{pid}/statement?month=2026-06"),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{ps}");
    assert_eq!(ps["claims"], 2);
    assert_eq!(ps["claimed_eur"], "61.00");
    assert_eq!(ps["accepted"], 1);
    assert_eq!(ps["approved_eur"], "10.00");
    assert_eq!(ps["held_eur"], "0.00");
    assert_eq!(ps["paid_eur"], "10.00");
    assert_eq!(ps["payable_eur"], "0.00");
    assert_eq!(ps["co_payment_eur"], "2.00");
    assert_eq!(ps["municipality"], Value::Null);
    let refused = ps["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{ps}");
    assert_eq!(refused[0]["service_date"], "2026-06-04");
    assert_eq!(refused[0]["person_id"], f.person);
    assert!(
        refused[0]["person_name"].is_string(),
        "a client's name: {ps}"
    );
    let codes: Vec<&str> = refused[0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"over-plan-quantity") && codes.contains(&"price-above-agreement"),
        "{ps}"
    );
    assert!(refused[0]["reasons"][0]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    // July: the held claim.
    let (_, pj) = s
        .get(
            &prov,
            &format!("/api/v1/providers/{pid}/statement?month=2026-07"),
        )
        .await;
    assert_eq!(
        (&pj["held_eur"], &pj["accepted"]),
        (&json!("5.00"), &json!(1))
    );
    // Ogre's staff see the claims of Ogre's people; Tukums' do not see this provider's.
    let (st, municipal) = s
        .get(
            &sw,
            &format!("/api/v1/providers/{pid}/statement?month=2026-06"),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        (&municipal["claimed_eur"], &municipal["municipality"]),
        (&json!("61.00"), &json!("ogre"))
    );
    assert_eq!(
        s.get(
            &tukums,
            &format!("/api/v1/providers/{pid}/statement?month=2026-06")
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let other_provider = s
        .store
        .providers(Some("ogre"), None, PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.id)
        .find(|id| *id != pid)
        .unwrap();
    assert_eq!(
        s.get(
            &prov,
            &format!("/api/v1/providers/{other_provider}/statement?month=2026-06")
        )
        .await
        .0,
        StatusCode::FORBIDDEN,
        "staff see their own provider's statement only"
    );
    for other in ["person-ogre", "analyst"] {
        let t = s.token(other).await;
        assert_eq!(
            s.get(
                &t,
                &format!("/api/v1/providers/{pid}/statement?month=2026-06")
            )
            .await
            .0,
            StatusCode::FORBIDDEN,
            "{other}"
        );
    }
    assert_eq!(
        s.get(&prov, "/api/v1/providers/999999/statement?month=2026-06")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (st, v) = s
        .get(
            &prov,
            &format!("/api/v1/providers/{pid}/statement?month=2026-00"),
        )
        .await;
    assert_eq!((st, field_of(&v)), (StatusCode::BAD_REQUEST, Some("month")));

    // The grant for November 2025, worked out by hand: 19 working days (30 days, 10 weekend
    // days, 18 November a holiday); half of them is 9.5.
    grant_clients(&s, pid).await;
    let level_iii = Money::from_cents(86_268);
    let level_i = Money::from_cents(37_188);
    let halved_iii = Money::from_cents(86_268 / 2); // 9 service days < 9.5: 431.34
    assert_eq!(halved_iii.to_string(), "431.34");
    let total = halved_iii + level_i; // 10 service days >= 9.5: in full
    assert_eq!(total.to_string(), "803.22");
    let (st, g) = s.get(&approver, "/api/v1/grants?month=2025-11").await;
    assert_eq!(st, StatusCode::OK, "{g}");
    assert_eq!(g["municipality"], "ogre");
    assert_eq!(g["working_days"], 19);
    assert_eq!(g["halve_below_share"], "0.5");
    assert_eq!(
        g["clients"], 2,
        "the support-person budget is no adult grant: {g}"
    );
    assert_eq!((&g["served"], &g["halved"]), (&json!(2), &json!(1)));
    assert_eq!(g["total_eur"], total.to_string());
    assert_eq!(
        g["by_level"],
        json!([
            {"care_level": "I", "clients": 1, "served": 1, "halved": 0, "full_eur": level_i.to_string(), "grant_eur": level_i.to_string()},
            {"care_level": "III", "clients": 1, "served": 1, "halved": 1, "full_eur": level_iii.to_string(), "grant_eur": halved_iii.to_string()},
        ])
    );
    assert!(!g.to_string().contains("Zariņš"), "no names: {g}");
    // December 2025: no services, nothing due.
    let (_, dec) = s.get(&sw, "/api/v1/grants?month=2025-12").await;
    assert_eq!(
        (&dec["clients"], &dec["served"], &dec["total_eur"]),
        (&json!(2), &json!(0), &json!("0.00"))
    );
    // Analysts name the municipality; others see their own only.
    let analyst = s.token("analyst").await;
    let (st, v) = s.get(&analyst, "/api/v1/grants?month=2025-11").await;
    assert_eq!(
        (st, field_of(&v)),
        (StatusCode::BAD_REQUEST, Some("municipality"))
    );
    let (st, v) = s
        .get(&analyst, "/api/v1/grants?month=2025-11&municipality=ogre")
        .await;
    assert_eq!((st, &v["total_eur"]), (StatusCode::OK, &json!("803.22")));
    assert_eq!(
        s.get(
            &analyst,
            "/api/v1/grants?month=2025-11&municipality=atlantis"
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (st, v) = s.get(&tukums, "/api/v1/grants?month=2025-11").await;
    assert_eq!(
        (st, &v["municipality"], &v["clients"]),
        (StatusCode::OK, &json!("tukums"), &json!(0))
    );
    assert_eq!(
        s.get(&tukums, "/api/v1/grants?month=2025-11&municipality=ogre")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    for other in ["provider-ogre", "person-ogre", "admin"] {
        let t = s.token(other).await;
        assert_eq!(
            s.get(&t, "/api/v1/grants?month=2025-11").await.0,
            StatusCode::FORBIDDEN,
            "{other}"
        );
    }
    let (st, v) = s.get(&approver, "/api/v1/grants?month=2025-11-01").await;
    assert_eq!((st, field_of(&v)), (StatusCode::BAD_REQUEST, Some("month")));

    // The OpenAPI document describes the three routes.
    let (_, doc) = s.get(&sw, "/api/openapi.json").await;
    for path in [
        "/api/v1/decisions/{id}/statement",
        "/api/v1/providers/{id}/statement",
        "/api/v1/grants",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
    assert!(matches!(
        s.store.verify_audit().await.unwrap(),
        ibis_store::audit::ChainStatus::Intact { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_and_grants_on_sqlite() {
    api_walk(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_and_grants_on_postgres() {
    api_walk(true).await;
}

// ---- The pages ----

impl Server {
    /// A page that must be there, checked for its structure.
    async fn page(&self, c: &Client, path: &str) -> String {
        let (status, html) = self.page_get(c, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        check_page(path, &html);
        html
    }

    async fn csrf(&self, c: &Client) -> String {
        let (_, html) = self.page_get(c, "/").await;
        attr_after(&html, "name=\"csrf\"", "value").expect("a csrf field")
    }

    /// Posts a form with the session's CSRF token.
    async fn submit(&self, c: &Client, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let csrf = self.csrf(c).await;
        let mut form = vec![("csrf".to_owned(), csrf)];
        form.extend(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        c.post(format!("{}{}", self.base, path))
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

fn location(r: &reqwest::Response) -> String {
    r.headers()[LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_person_and_the_provider_see_the_budget_and_the_statement() {
    let s = start(false).await;
    let f = support_budget(&s).await;

    // The person: what is left in words and as a bar, the month's statement, the visits.
    let me = s.signed_in("person-ogre").await;
    let (_, home) = s.page_get(&me, "/").await;
    assert!(
        home.contains("href=\"/my-budget\""),
        "the navigation has it"
    );
    let path = "/my-budget?month=2026-06".to_owned();
    let html = s.page(&me, &path).await;
    assert!(html.contains("Mans budžets"), "{html}");
    assert!(
        html.contains("Jums vēl ir 585,00 EUR no 600,00 EUR. Izlietoti 15,00 EUR."),
        "what is left in plain words: {html}"
    );
    assert!(html.contains("5,00 EUR sociālais darbinieks vēl pārbauda"));
    assert!(
        html.contains("role=\"img\" aria-labelledby=\"left-text\"")
            && html.contains("class=\"bar-used\" x=\"0\" y=\"0\" width=\"2\""),
        "a bar of 15 of 600 (2 %) with its text: {html}"
    );
    for needle in [
        "Pārskats: jūnijs 2026",
        "10,00 EUR",
        "2,00 EUR",
        "100,00 EUR",
        "Sociālais mentors",
    ] {
        assert!(html.contains(needle), "the statement lacks {needle}");
    }
    assert!(html.contains(&format!("href=\"/decisions/{}/notice\"", f.decision)));
    assert!(html.contains(&format!(
        "action=\"/my-budget/visits/{}/confirm\"",
        f.visit_claimed
    )));
    // Confirming a visit.
    let r = s
        .submit(
            &me,
            &format!("/my-budget/visits/{}/confirm", f.visit_claimed),
            &[("month", "2026-06")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/my-budget?month=2026-06#visits");
    let v = s
        .store
        .visit(&Scope::Municipality("ogre".into()), f.visit_claimed)
        .await
        .unwrap();
    assert_eq!(v.confirmation.code(), "confirmed");
    // Disputing one needs a reason; the form comes back with the problem at the field.
    let dispute = format!("/my-budget/visits/{}/dispute", f.visit_other);
    let field = format!("visit-{}-reason", f.visit_other);
    let r = s
        .submit(&me, &dispute, &[("month", "2026-06"), (&field, " ")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    check_page("dispute without a reason", &html);
    assert!(html.contains(&format!("href=\"#f-{field}\"")), "{html}");
    let r = s
        .submit(
            &me,
            &dispute,
            &[("month", "2026-06"), (&field, "Mentore neatnāca.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let v = s
        .store
        .visit(&Scope::Municipality("ogre".into()), f.visit_other)
        .await
        .unwrap();
    assert_eq!(v.confirmation.code(), "disputed");
    let html = s.page(&me, &path).await;
    assert!(html.contains("Mentore neatnāca."));
    // A form without the CSRF token is refused.
    let r = me
        .post(format!(
            "{}/my-budget/visits/{}/confirm",
            s.base, f.visit_other
        ))
        .form(&[("month", "2026-06")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // In English.
    let csrf = s.csrf(&me).await;
    let r = me
        .post(format!("{}/lang", s.base))
        .form(&[
            ("lang", "en"),
            ("next", path.as_str()),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = s.page(&me, &path).await;
    assert!(
        html.contains("You have EUR 585.00 left of EUR 600.00.") && html.contains("June 2026"),
        "{html}"
    );
    // Other roles do not have this page.
    let sw = s.signed_in("sw-ogre").await;
    assert_eq!(s.page_get(&sw, "/my-budget").await.0, StatusCode::FORBIDDEN);
    // The social worker reaches the statement from the decision page.
    let decision = s.page(&sw, &format!("/decisions/{}", f.decision)).await;
    let link = format!("href=\"/decisions/{}/statement\"", f.decision);
    assert!(decision.contains(&link), "{decision}");
    let html = s
        .page(
            &sw,
            &format!("/decisions/{}/statement?month=2026-06", f.decision),
        )
        .await;
    for needle in [
        "Pārskats: jūnijs 2026",
        "Sociālais mentors",
        "10,00 EUR",
        "2,00 EUR",
    ] {
        assert!(
            html.contains(needle),
            "the statement page lacks {needle}: {html}"
        );
    }
    assert!(html.contains(&format!(
        "href=\"/decisions/{}/statement?month=2026-07\"",
        f.decision
    )));
    let assessor = s.signed_in("assessor-ogre").await;
    let decision = s
        .page(&assessor, &format!("/decisions/{}", f.decision))
        .await;
    assert!(
        !decision.contains(&link),
        "no link for a role that may not read it"
    );
    assert_eq!(
        s.page_get(&assessor, &format!("/decisions/{}/statement", f.decision))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let tukums = s.signed_in("sw-tukums").await;
    assert_eq!(
        s.page_get(&tukums, &format!("/decisions/{}/statement", f.decision))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (st, _) = s.page_get(&me, "/my-budget?month=2026-13").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);

    // The provider: agreements with what is left, the statement, a claim, a visit.
    let prov = s.signed_in("provider-ogre").await;
    let (_, home) = s.page_get(&prov, "/").await;
    assert!(home.contains("href=\"/my-clients\""));
    let html = s.page(&prov, "/my-clients?month=2026-06").await;
    assert!(html.contains("Mani klienti"), "{html}");
    assert!(
        html.contains("585,00 EUR no 600,00 EUR"),
        "the budget left on the agreement: {html}"
    );
    assert!(html.contains("5,00 EUR no budžeta, 1,00 EUR līdzmaksājums"));
    for needle in [
        "61,00 EUR",
        "vairāk, nekā plāns šomēnes atļauj",
        "cena augstāka par līgumā noteikto",
        "Pārskats: jūnijs 2026",
    ] {
        assert!(
            html.contains(needle),
            "the statement lacks {needle}: {html}"
        );
    }
    let key = attr_after(&html, "name=\"idempotency_key\"", "value").unwrap();
    let agreement = f.agreement.to_string();
    let fields = [
        ("month", "2026-06"),
        ("idempotency_key", key.as_str()),
        ("claim-agreement_id", agreement.as_str()),
        ("claim-service_date", "2026-06-05"),
        ("claim-quantity", "1"),
        ("claim-unit_price_eur", "6,00"),
        ("claim-visit_id", ""),
    ];
    let r = s.submit(&prov, "/my-clients/claims", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let first = location(&r);
    assert!(
        first.starts_with("/my-clients?month=2026-06&claim="),
        "{first}"
    );
    // The same form sent again is the same claim.
    let r = s.submit(&prov, "/my-clients/claims", &fields).await;
    assert_eq!(location(&r), first, "charged once");
    let html = s.page(&prov, first.split('#').next().unwrap()).await;
    assert!(
        html.contains("gaida lietas vadītāja pārbaudi")
            && html.contains("nav reģistrēta apmeklējuma"),
        "held for review, no visit: {html}"
    );
    assert!(html.contains("580,00 EUR no 600,00 EUR"), "{html}");
    // A quantity that is no number is shown at its field.
    let mut bad = fields.to_vec();
    bad[4] = ("claim-quantity", "daudz");
    let r = s.submit(&prov, "/my-clients/claims", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    check_page("claim with a bad quantity", &html);
    assert!(html.contains("href=\"#f-claim-quantity\""), "{html}");
    // Check a visit in, then out.
    let person = f.person.to_string();
    let r = s
        .submit(
            &prov,
            "/my-clients/visits",
            &[
                ("month", "2026-06"),
                ("visit-person_id", person.as_str()),
                ("visit-specialist", "Mentore Anna"),
                ("visit-start", "2026-06-12T10:00"),
                ("visit-end", ""),
                ("visit-kind", "individual"),
                ("visit-method", "manual"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = s.page(&prov, "/my-clients?month=2026-06").await;
    let action = attr_after(&html, "/check-out\"", "action").unwrap();
    let vid: i64 = action
        .trim_start_matches("/my-clients/visits/")
        .trim_end_matches("/check-out")
        .parse()
        .unwrap();
    let end_field = format!("out-{vid}-end");
    let r = s
        .submit(
            &prov,
            &action,
            &[("month", "2026-06"), (&end_field, "2026-06-12T09:00")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an end before the start"
    );
    let html = r.text().await.unwrap();
    check_page("check-out before check-in", &html);
    assert!(html.contains(&format!("href=\"#f-{end_field}\"")));
    let r = s
        .submit(
            &prov,
            &action,
            &[("month", "2026-06"), (&end_field, "2026-06-12T11:00")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let v = s
        .store
        .visit(&Scope::ProviderClients(f.provider), vid)
        .await
        .unwrap();
    assert_eq!(v.minutes(), Some(60));
    // Other roles do not have this page.
    assert_eq!(
        s.page_get(&me, "/my-clients").await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_manager_reviews_held_claims_on_the_worklist() {
    let s = start(false).await;
    let f = support_budget(&s).await;
    let sw = s.signed_in("sw-ogre").await;
    let html = s.page(&sw, "/worklist").await;
    check_page("/worklist", &html);
    assert!(html.contains("Aizturētie rēķini"), "{html}");
    assert!(
        html.contains("reģistrēta apmeklējuma") || html.contains("apmeklējum"),
        "the reason is named: {html}"
    );
    let start_at = html
        .find("/worklist/claims/")
        .expect("a held claim with its form")
        + "/worklist/claims/".len();
    let id: String = html[start_at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let path = format!("/worklist/claims/{id}/review");
    // Without the session's token: refused.
    let r = sw
        .post(format!("{}{path}", s.base))
        .form(&[("note", "x"), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Without a note: the page comes back with the error.
    let r = s
        .submit(&sw, &path, &[("note", ""), ("decision", "approve")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("role=\"alert\""), "{body}");
    // Approved with a note: the reservation becomes an approved claim.
    let before = s.store.ledger(f.decision).await.unwrap();
    let held_before = ibis_core::ledger::balances(&before).reserved;
    assert!(held_before > ibis_core::money::Money::ZERO);
    let r = s
        .submit(
            &sw,
            &path,
            &[
                ("note", "Timesheet checked with the person."),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/worklist#held");
    let after = ibis_core::ledger::balances(&s.store.ledger(f.decision).await.unwrap());
    assert_eq!(
        after.reserved,
        ibis_core::money::Money::ZERO,
        "nothing is held any more"
    );
    assert_eq!(
        after.approved,
        ibis_core::ledger::balances(&before).approved + held_before
    );
    let html = s.page(&sw, "/worklist").await;
    assert!(
        !html.contains(&path),
        "the reviewed claim is no longer listed"
    );
}

//! The cycle through the API against a running server: an adult from registration to an
//! active plan on a 862.68 EUR budget, and a child through assessment, budget, plan and review
//! with a level change that moves the budget from a stated date.

#![allow(clippy::unwrap_used)]

use reqwest::StatusCode;
use serde_json::{json, Value};

mod common;

use common::{start, Server};

/// A provider of Ogre offering a service.
async fn provider_for(s: &Server, token: &str, service: &str) -> i64 {
    let (_, v) = s
        .get(
            token,
            &format!("/api/v1/providers?municipality=ogre&service={service}"),
        )
        .await;
    v["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an Ogre provider offers {service}"))
}

fn fields(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn adult_assessment(level: &str) -> Value {
    let r = |n: u8| json!({"rating": n, "note": "observed at home"});
    json!({
        "kind": "adult", "assessed_on": "2026-11-01", "care_level": level,
        "domains": {"health": r(2), "self_care": r(3), "communication": r(2), "daily_living": r(3)},
        "rationale": "Needs daily support with self-care and a structured day; lives in a group flat."
    })
}

fn child_assessment(ratings: [u8; 4], instrument: &str, assessed_on: &str) -> Value {
    let r = |n: u8| json!({"rating": n, "note": "per the DI criteria"});
    json!({
        "kind": "child", "assessed_on": assessed_on,
        "ratings": {"physical": r(ratings[0]), "intellectual": r(ratings[1]), "social": r(ratings[2]), "behaviour": r(ratings[3])},
        "instruments": [{"instrument": instrument, "result": "below age norm"}],
        "team": [{"role": "social-worker", "name": "Ilze"}, {"role": "psychologist", "name": "Dace"}, {"role": "occupational-therapist", "name": "Zane"}],
        "pre_assessment": {"impairment_type": "autism spectrum", "technical_aids": "none", "education": "special school"},
        "place": "home",
        "consultations": [{"topic": "pre-assessment with the mother", "minutes": 60}]
    })
}

async fn register(s: &Server, sw: &str, code: &str, birth: &str, group: &str, living: &str) -> i64 {
    let body = json!({"personal_code": code, "given_name": "Laura", "family_name": "Kalniņa", "birth_date": birth, "target_group": group, "municipality": "ogre", "living": living});
    let (st, v) = s.post(sw, "/api/v1/persons", body).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adult_from_registration_to_an_active_plan_on_sqlite() {
    adult_flow(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adult_from_registration_to_an_active_plan_on_postgres() {
    adult_flow(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_through_review_and_a_level_change_on_sqlite() {
    child_flow(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_through_review_and_a_level_change_on_postgres() {
    child_flow(true).await;
}

async fn adult_flow(postgres: bool) {
    let s = start(postgres).await;
    let sw = s.token("sw-ogre").await;
    let approver = s.token("approver-ogre").await;
    let id = register(
        &s,
        &sw,
        "32555000001",
        "1985-04-12",
        "adult-grt",
        "group-flat",
    )
    .await;

    // Assessment: recorded as a draft, then signed; a signed one is never edited.
    let (st, a) = s
        .post(
            &sw,
            &format!("/api/v1/persons/{id}/assessments"),
            adult_assessment("III"),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_i64().unwrap();
    let (st, v) = s
        .post(
            &approver,
            &format!("/api/v1/assessments/{aid}/decision"),
            json!({"period_from": "2026-12-01", "period_to": "2027-12-01"}),
        )
        .await;
    assert_eq!(
        (st, fields(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["assessment".to_owned()]
        ),
        "a draft is not decided on"
    );
    assert_eq!(
        s.post(&sw, &format!("/api/v1/assessments/{aid}/sign"), json!({}))
            .await
            .0,
        StatusCode::OK
    );
    let (st, v, _) = s
        .call(
            reqwest::Method::PUT,
            &sw,
            &format!("/api/v1/assessments/{aid}"),
            Some(adult_assessment("IV")),
        )
        .await;
    assert_eq!(
        (st, fields(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["status".to_owned()])
    );
    let mut missing = adult_assessment("III");
    missing["domains"]
        .as_object_mut()
        .unwrap()
        .remove("communication");
    let (st, v) = s
        .post(&sw, &format!("/api/v1/persons/{id}/assessments"), missing)
        .await;
    assert_eq!(
        (st, fields(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["domains.communication".to_owned()]
        )
    );

    // The proposal: 862.68 with every line explained.
    let (st, p, _) = s
        .get_text(
            &approver,
            &format!("/api/v1/assessments/{aid}/proposal?on=2026-12-01"),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(p["total_eur"], "862.68");
    assert_eq!(p["lines"].as_array().unwrap().len(), 7);
    assert_eq!(p["policy"]["id"], "adult-grt");

    // Only an approver decides; the period is 6-12 months; an override needs a reason.
    let (st, _) = s
        .post(
            &sw,
            &format!("/api/v1/assessments/{aid}/decision"),
            json!({"period_from": "2026-12-01", "period_to": "2027-12-01"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, v) = s
        .post(
            &approver,
            &format!("/api/v1/assessments/{aid}/decision"),
            json!({"period_from": "2026-12-01", "period_to": "2028-01-01"}),
        )
        .await;
    assert_eq!(
        (st, fields(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["period_to".to_owned()]
        )
    );
    let (st, v) = s
        .post(
            &approver,
            &format!("/api/v1/assessments/{aid}/decision"),
            json!({"period_from": "2026-12-01", "period_to": "2027-12-01", "amount_eur": "900.00"}),
        )
        .await;
    assert_eq!(
        (st, fields(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["override_reason".to_owned()]
        )
    );
    // The person who brokers this person may not approve their budget.
    let approver_id = s
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "approver-ogre")
        .unwrap()
        .id;
    let other = register(
        &s,
        &sw,
        "32555000002",
        "1980-01-01",
        "adult-grt",
        "group-flat",
    )
    .await;
    s.store
        .link_person(
            &ibis_store::Auditor::system("test"),
            other,
            approver_id,
            "broker",
        )
        .await
        .unwrap();
    let (_, a2) = s
        .post(
            &sw,
            &format!("/api/v1/persons/{other}/assessments"),
            adult_assessment("III"),
        )
        .await;
    let a2 = a2["id"].as_i64().unwrap();
    s.post(&sw, &format!("/api/v1/assessments/{a2}/sign"), json!({}))
        .await;
    let (st, v) = s
        .post(
            &approver,
            &format!("/api/v1/assessments/{a2}/decision"),
            json!({"period_from": "2026-12-01", "period_to": "2027-12-01"}),
        )
        .await;
    assert_eq!(
        (st, fields(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["approver".to_owned()]
        )
    );

    let (st, d) = s
        .post(
            &approver,
            &format!("/api/v1/assessments/{aid}/decision"),
            json!({"period_from": "2026-12-01", "period_to": "2027-12-01"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{d}");
    assert_eq!(d["monthly_eur"], "862.68");
    let did = d["id"].as_i64().unwrap();

    // The notice in Latvian and English names the amount, the period, every factor and how to contest.
    let (st, _, lv) = s
        .get_text(&sw, &format!("/api/v1/decisions/{did}/notice"))
        .await;
    assert_eq!(st, StatusCode::OK);
    for needle in [
        "862,68",
        "adult-grt",
        "Grupu dzīvoklis ar aprūpi",
        "01.12.2026.",
    ] {
        assert!(lv.contains(needle), "Latvian notice lacks {needle}:\n{lv}");
    }
    let (_, _, en) = s
        .get_text(&sw, &format!("/api/v1/decisions/{did}/notice?lang=en"))
        .await;
    for needle in ["862.68", "Group flat with care", "15 ", "contest"] {
        assert!(en.contains(needle), "English notice lacks {needle}:\n{en}");
    }

    // The plan: the person's goals, seven lines with providers the person chose; over budget is refused.
    let mut lines = Vec::new();
    for (service, q) in [
        ("day-centre", "10"),
        ("group-flat", "15"),
        ("group-flat-care", "15"),
        ("workshop", "10"),
        ("group-sessions", "4.5"),
        ("consultations", "8"),
        ("mentor", "8"),
    ] {
        let provider = provider_for(&s, &sw, service).await;
        lines.push(json!({"service": service, "quantity_per_month": q, "provider_id": provider, "funding": "individual-budget", "status": "received"}));
    }
    let plan = |lines: Vec<Value>| {
        json!({
            "period_from": "2026-12-01", "period_to": "2027-12-01",
            "goals": [{"term": "long", "text": "Es gribu dzīvot patstāvīgāk un strādāt darbnīcā."}, {"term": "short", "text": "Iemācīties pašam gatavot vakariņas."}],
            "needs": "Daily structure, support with cooking and money.",
            "lines": lines,
            "tasks": [{"owner": "municipality", "text": "Arrange transport to the workshop", "due_on": "2026-12-15"}]
        })
    };
    let mut over = lines.clone();
    over[6]["quantity_per_month"] = json!("8.5");
    let (st, v) = s
        .post(&sw, &format!("/api/v1/decisions/{did}/plans"), plan(over))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let msgs = v["error"]["fields"].to_string();
    assert!(
        msgs.contains("42.50") && msgs.contains("2.50 EUR more than the budget of 862.68 EUR"),
        "the overage and the budget are named: {msgs}"
    );
    let (st, pl) = s
        .post(&sw, &format!("/api/v1/decisions/{did}/plans"), plan(lines))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{pl}");
    assert_eq!(pl["monthly_cost_eur"], "862.68");
    let pid = pl["id"].as_i64().unwrap();

    // Signing agrees it; signing twice is refused; then it becomes active.
    let sig = json!({"signer_name": "Laura Kalniņa", "role": "person", "signed_on": "2026-11-20"});
    let (st, v) = s
        .post(&sw, &format!("/api/v1/plans/{pid}/sign"), sig.clone())
        .await;
    assert_eq!(
        (st, v["state"].as_str()),
        (StatusCode::OK, Some("agreed")),
        "{v}"
    );
    let (st, _) = s.post(&sw, &format!("/api/v1/plans/{pid}/sign"), sig).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, v) = s
        .post(
            &sw,
            &format!("/api/v1/plans/{pid}/state"),
            json!({"action": "close"}),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")),
        "agreed cannot be closed directly"
    );
    let (st, v) = s
        .post(
            &sw,
            &format!("/api/v1/plans/{pid}/state"),
            json!({"action": "activate"}),
        )
        .await;
    assert_eq!((st, v["state"].as_str()), (StatusCode::OK, Some("active")));
    let (_, versions, _) = s
        .get_text(&sw, &format!("/api/v1/plans/{pid}/versions"))
        .await;
    let states: Vec<&str> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        vec!["draft", "agreed", "active"],
        "every version is kept"
    );
    let (_, budget, _) = s
        .get_text(&sw, &format!("/api/v1/persons/{id}/budget?on=2027-06-01"))
        .await;
    assert_eq!(budget["monthly_eur"], "862.68");
    assert_eq!(budget["explanation"]["lines"].as_array().unwrap().len(), 7);

    // Someone from another municipality sees none of it.
    let tukums = s.token("sw-tukums").await;
    assert_eq!(
        s.get_text(&tukums, &format!("/api/v1/plans/{pid}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.get_text(&tukums, &format!("/api/v1/decisions/{did}/notice"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

async fn child_flow(postgres: bool) {
    let s = start(postgres).await;
    let sw = s.token("sw-ogre").await;
    let approver = s.token("approver-ogre").await;
    let id = register(&s, &sw, "32555000003", "2016-03-10", "child-ft", "family").await;

    // An instrument outside the child's age is refused; MFAD is for 0-3.
    let (st, v) = s
        .post(
            &sw,
            &format!("/api/v1/persons/{id}/assessments"),
            child_assessment([3, 2, 3, 2], "mfad", "2026-11-01"),
        )
        .await;
    assert_eq!(
        (st, fields(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["instruments[0].instrument".to_owned()]
        )
    );
    let (st, a) = s
        .post(
            &sw,
            &format!("/api/v1/persons/{id}/assessments"),
            child_assessment([3, 2, 3, 2], "woodcock-johnson", "2026-11-01"),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["assessment"]["age_group"], "7-11");
    assert_eq!(
        a["next_review_on"], "2027-05-01",
        "children are reviewed within six months"
    );
    let aid = a["id"].as_i64().unwrap();
    s.post(&sw, &format!("/api/v1/assessments/{aid}/sign"), json!({}))
        .await;

    // The worklist shows the assessment awaiting a decision.
    let (_, wl, _) = s.get_text(&sw, "/api/v1/worklist?on=2026-11-22").await;
    assert!(
        wl.as_array()
            .unwrap()
            .iter()
            .any(|w| w["person_id"] == id && w["kind"] == "awaiting-decision"),
        "{wl}"
    );

    let (st, d) = s
        .post(
            &approver,
            &format!("/api/v1/assessments/{aid}/decision"),
            json!({"period_from": "2026-12-01", "period_to": "2027-06-01"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{d}");
    assert_eq!(d["monthly_eur"], "600.43");
    assert_eq!(d["level"], "3");
    let did = d["id"].as_i64().unwrap();

    let rehab = provider_for(&s, &sw, "child-social-rehab").await;
    let care = provider_for(&s, &sw, "child-social-care").await;
    let plan = json!({
        "period_from": "2026-12-01", "period_to": "2027-06-01",
        "goals": [{"term": "short", "text": "Runāt teikumos ar draugiem skolā."}],
        "needs": "Speech therapy and care after school.",
        "lines": [
            {"service": "child-social-rehab", "quantity_per_month": "32", "provider_id": rehab, "funding": "individual-budget", "status": "received"},
            {"service": "child-social-care", "quantity_per_month": "90", "provider_id": care, "funding": "individual-budget", "status": "received"},
            {"service": "di-2-33", "quantity_per_month": "4", "funding": "individual-budget", "status": "needed-not-available"}
        ],
        "tasks": [{"owner": "family", "text": "Bring the school report", "due_on": "2027-01-10"}]
    });
    // A provider that does not offer the service is refused.
    let mut wrong = plan.clone();
    wrong["lines"][0]["provider_id"] = json!(care);
    if care != rehab {
        let (st, v) = s
            .post(&sw, &format!("/api/v1/decisions/{did}/plans"), wrong)
            .await;
        assert_eq!(
            (st, fields(&v)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                vec!["lines[0].provider_id".to_owned()]
            )
        );
    }
    let (st, pl) = s
        .post(&sw, &format!("/api/v1/decisions/{did}/plans"), plan)
        .await;
    assert_eq!(st, StatusCode::CREATED, "{pl}");
    let pid = pl["id"].as_i64().unwrap();
    s.post(
        &sw,
        &format!("/api/v1/plans/{pid}/sign"),
        json!({"signer_name": "Inga Kalniņa", "role": "representative", "signed_on": "2026-11-21"}),
    )
    .await;
    s.post(
        &sw,
        &format!("/api/v1/plans/{pid}/state"),
        json!({"action": "activate"}),
    )
    .await;

    // Review: goal attainment on the -2..+2 scale.
    let (st, v) = s
        .post(
            &sw,
            &format!("/api/v1/plans/{pid}/state"),
            json!({"action": "review"}),
        )
        .await;
    assert_eq!(
        (st, v["state"].as_str()),
        (StatusCode::OK, Some("in-review"))
    );
    let (st, v) = s
        .post(
            &sw,
            &format!("/api/v1/plans/{pid}/goal-reviews"),
            json!({"goals": [{"goal_index": 0, "attainment": 3, "note": "x"}]}),
        )
        .await;
    assert_eq!(
        (st, fields(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["goals[0].attainment".to_owned()]
        )
    );
    let (st, v) = s.post(&sw, &format!("/api/v1/plans/{pid}/goal-reviews"), json!({"goals": [{"goal_index": 0, "attainment": 1, "note": "Speaks in short sentences"}]})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["goal_reviews"][0]["attainment"], 1);

    // Reassessment: the level rises from 3 to 4, and the budget changes from the stated date.
    let (_, a2) = s
        .post(
            &sw,
            &format!("/api/v1/persons/{id}/assessments"),
            child_assessment([4, 4, 3, 3], "abas-ii", "2026-11-15"),
        )
        .await;
    let a2 = a2["id"].as_i64().unwrap();
    s.post(&sw, &format!("/api/v1/assessments/{a2}/sign"), json!({}))
        .await;
    let (_, first, _) = s.get_text(&sw, &format!("/api/v1/assessments/{aid}")).await;
    assert_eq!(first["status"], "superseded");
    let (st, d2) = s
        .post(
            &approver,
            &format!("/api/v1/assessments/{a2}/decision"),
            json!({"period_from": "2027-03-01", "period_to": "2027-09-01"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{d2}");
    assert_eq!(
        (d2["level"].as_str(), d2["monthly_eur"].as_str()),
        (Some("4"), Some("812.18"))
    );
    let on = |day: &'static str| {
        let s = &s;
        let sw = sw.clone();
        async move {
            s.get_text(&sw, &format!("/api/v1/persons/{id}/budget?on={day}"))
                .await
                .1["monthly_eur"]
                .as_str()
                .unwrap_or("none")
                .to_owned()
        }
    };
    assert_eq!(on("2027-02-28").await, "600.43");
    assert_eq!(on("2027-03-01").await, "812.18");
    assert_eq!(on("2026-11-30").await, "none");

    // The worklist on a later day: the review is overdue, across the year end too.
    let (_, wl, _) = s.get_text(&sw, "/api/v1/worklist?on=2027-06-02").await;
    assert!(
        wl.as_array()
            .unwrap()
            .iter()
            .any(|w| w["person_id"] == id && w["kind"] == "review-overdue"),
        "{wl}"
    );
    let (_, wl, _) = s.get_text(&sw, "/api/v1/worklist?on=2027-04-20").await;
    assert!(
        wl.as_array()
            .unwrap()
            .iter()
            .any(|w| w["person_id"] == id && w["kind"] == "review-due"),
        "{wl}"
    );
    assert_eq!(
        s.get_text(&s.token("analyst").await, "/api/v1/worklist")
            .await
            .0,
        StatusCode::FORBIDDEN
    );

    // A request for review of the first decision, with its outcome.
    let (st, v) = s.post(&sw, &format!("/api/v1/decisions/{did}/review-requests"), json!({"requested_by": "Inga Kalniņa (mother)", "reason": "The respite days are too few."})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let rid = v["id"].as_i64().unwrap();
    let (st, _) = s.post(&approver, &format!("/api/v1/review-requests/{rid}/outcome"), json!({"outcome": "upheld", "note": "The package follows the policy; respite is capped at 30 days a year."})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, dd, _) = s.get_text(&sw, &format!("/api/v1/decisions/{did}")).await;
    assert_eq!(dd["review_requests"][0]["outcome"], "upheld");
}

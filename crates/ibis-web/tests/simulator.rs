#![allow(clippy::unwrap_used)]
//! The policy simulator against a running server on a fresh database with the demo data: a
//! draft changes no budget until an approver adopts it, and from the adoption day it does
//! (earlier days and decided budgets stay); an analyst sees aggregates only, never a person;
//! the simulator pages have the accessible structure every page has.

use reqwest::header::LOCATION;
use reqwest::StatusCode;
use serde_json::json;

mod common;
mod html;

use common::{start, Server};
use html::{attr, check_page};

/// The draft of every test: consultations +10 % (15.46 -> 17.006 EUR an hour), as a new price
/// in the shipped tariff table.
fn tariff_draft() -> String {
    let (_, text) = ibis_core::policy::BUILTIN_FILES
        .iter()
        .find(|(n, _)| n.ends_with("tariffs/lv-ib.toml"))
        .unwrap();
    format!(
        "{text}\n[[price]]\nservice = \"consultations\"\nunit = \"hour\"\neur = \"17.006\"\nfrom = \"2026-01-01\"\nsource = \"draft: +10 %\"\n"
    )
}

/// The days of a test, from today: decisions run from the first of next month for 12 months;
/// `on` is ten days in.
struct Days {
    from: time::Date,
    to: time::Date,
    on: time::Date,
}

fn days() -> Days {
    let today = ibis_web::today();
    let first = today.replace_day(1).unwrap();
    let from = ibis_core::review::add_months(first, 1);
    Days {
        from,
        to: ibis_core::review::add_months(from, 12),
        on: from + time::Duration::days(10),
    }
}

/// An adult of Ogre in a group flat at care level III (862.68 EUR a month) with a decided
/// budget; returns (person id, assessment id, decision id).
async fn decided_adult(s: &Server, sw: &str, approver: &str, n: u32) -> (i64, i64, i64) {
    let d = days();
    let body = json!({"personal_code": format!("3277700{n:04}"), "given_name": "Laura", "family_name": "Kalniņa",
        "birth_date": "1985-04-12", "target_group": "adult-grt", "municipality": "ogre", "living": "group-flat"});
    let (st, v) = s.post(sw, "/api/v1/persons", body).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let r = |n: u8| json!({"rating": n, "note": "observed at home"});
    let assessed_on = ibis_web::today() - time::Duration::days(1);
    let (st, a) = s
        .post(
            sw,
            &format!("/api/v1/persons/{id}/assessments"),
            json!({
                "kind": "adult", "assessed_on": assessed_on.to_string(), "care_level": "III",
                "domains": {"health": r(2), "self_care": r(3), "communication": r(2), "daily_living": r(3)},
                "rationale": "Needs daily support with self-care and a structured day."
            }),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_i64().unwrap();
    let (st, v) = s
        .post(sw, &format!("/api/v1/assessments/{aid}/sign"), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = s
        .post(
            approver,
            &format!("/api/v1/assessments/{aid}/decision"),
            json!({"period_from": d.from.to_string(), "period_to": d.to.to_string()}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    (id, aid, v["id"].as_i64().unwrap())
}

async fn proposal(s: &Server, token: &str, aid: i64, on: time::Date) -> String {
    let (st, v) = s
        .get(
            token,
            &format!("/api/v1/assessments/{aid}/proposal?on={on}"),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v["total_eur"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_changes_budgets_only_once_adopted_and_only_from_its_day_on_sqlite() {
    adoption_flow(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_changes_budgets_only_once_adopted_and_only_from_its_day_on_postgres() {
    adoption_flow(true).await;
}

async fn adoption_flow(postgres: bool) {
    let s = start(postgres).await;
    let sw = s.token("sw-ogre").await;
    let approver = s.token("approver-ogre").await;
    let analyst = s.token("analyst").await;
    let d = days();
    let mut people = Vec::new();
    for n in 1..=5 {
        people.push(decided_adult(&s, &sw, &approver, n).await);
    }
    let (person, aid, decision) = people[0];
    assert_eq!(proposal(&s, &sw, aid, d.on).await, "862.68");

    // A draft with files that do not load is refused, naming the file and the field.
    let (st, v) = s
        .post(
            &approver,
            "/api/v1/policy-drafts",
            json!({"title": "broken", "files": [{"name": "tariffs/lv-ib.toml", "text": "kind = \"tariff-table\"\n"}]}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("tariffs/lv-ib.toml"), "{v}");
    // Providers and social workers may not save drafts.
    let body = json!({"title": "Consultations +10 %", "files": [{"name": "tariffs/lv-ib.toml", "text": tariff_draft()}]});
    assert_eq!(
        s.post(&sw, "/api/v1/policy-drafts", body.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let (st, draft) = s.post(&approver, "/api/v1/policy-drafts", body).await;
    assert_eq!(st, StatusCode::CREATED, "{draft}");
    let draft_id = draft["id"].as_i64().unwrap();

    // Saving and simulating a draft changes nothing.
    let (st, sim) = s
        .get(
            &approver,
            &format!("/api/v1/policy-drafts/{draft_id}/simulation?on={}", d.on),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{sim}");
    assert_eq!(proposal(&s, &sw, aid, d.on).await, "862.68");
    // The approver sees the people of Ogre, each with the reason: 8 h of consultations,
    // 8 x 15.46 = 123.68 now, 8 x 17.006 = 136.048 -> 136.05 under the draft: +12.37 each,
    // +61.85 for the five a month, +742.20 a year.
    let t = &sim["simulation"]["totals"];
    assert_eq!(t["people"], 5, "{sim}");
    assert_eq!(t["current_monthly_eur"], "4313.40"); // 5 x 862.68
    assert_eq!(t["difference_monthly_eur"], "61.85");
    assert_eq!(t["difference_yearly_eur"], "742.20");
    let rows = sim["simulation"]["people"].as_array().unwrap();
    let key = person.to_string();
    let mine = rows.iter().find(|p| p["person"] == key.as_str()).unwrap();
    assert_eq!(mine["difference_eur"], "12.37");
    assert_eq!(mine["reasons"][0]["kind"], "line");
    assert_eq!(mine["reasons"][0]["change"], "price");
    assert_eq!(mine["reasons"][0]["service"], "consultations");
    assert_eq!(mine["reasons"][0]["current_price"], "15.46");
    assert_eq!(mine["reasons"][0]["draft_price"], "17.006");
    assert_eq!(sim["changes"]["prices"][0]["service"], "consultations");

    // The analyst sees the same totals, never a person.
    let (st, asim, text) = s
        .get_text(
            &analyst,
            &format!("/api/v1/policy-drafts/{draft_id}/simulation?on={}", d.on),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{asim}");
    assert_eq!(asim["simulation"]["aggregates_only"], true);
    assert_eq!(asim["simulation"]["people"], json!([]));
    assert_eq!(
        asim["simulation"]["totals"]["difference_monthly_eur"],
        "61.85"
    );
    for (p, ..) in &people {
        assert!(
            !text.contains(&format!("\"person\":\"{p}\"")),
            "an analyst sees person {p}: {text}"
        );
    }
    // Ogre has 5 people: shown. (A group of fewer than 5 would be withheld.)
    let ogre = asim["simulation"]["by_municipality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["municipality"] == "ogre")
        .unwrap();
    assert_eq!(ogre["totals"]["people"], 5);

    // Only approvers adopt, and only from today on.
    let adopt = format!("/api/v1/policy-drafts/{draft_id}/adoption");
    for who in [&analyst, &sw] {
        assert_eq!(
            s.post(who, &adopt, json!({"from": d.on.to_string()}))
                .await
                .0,
            StatusCode::FORBIDDEN
        );
    }
    let yesterday = ibis_web::today() - time::Duration::days(1);
    let (st, v) = s
        .post(&approver, &adopt, json!({"from": yesterday.to_string()}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["fields"][0]["field"], "from");
    assert_eq!(proposal(&s, &sw, aid, d.on).await, "862.68");

    let (st, v) = s
        .post(&approver, &adopt, json!({"from": d.on.to_string()}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    // From the day on the draft's price is used; the day before, and the decided budget, stay.
    assert_eq!(proposal(&s, &sw, aid, d.on).await, "875.05"); // 862.68 + 12.37
    assert_eq!(
        proposal(&s, &sw, aid, d.on - time::Duration::days(1)).await,
        "862.68"
    );
    let (_, dec) = s.get(&sw, &format!("/api/v1/decisions/{decision}")).await;
    assert_eq!(dec["monthly_eur"], "862.68");
    // A draft is adopted once.
    let later = d.on + time::Duration::days(1);
    let (st, v) = s
        .post(&approver, &adopt, json!({"from": later.to_string()}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // Simulating the adopted draft now shows no change: it is in force.
    let (_, sim) = s
        .get(
            &approver,
            &format!("/api/v1/policy-drafts/{draft_id}/simulation?on={}", d.on),
        )
        .await;
    assert_eq!(
        sim["simulation"]["totals"]["difference_monthly_eur"], "0.00",
        "{sim}"
    );
    let (_, list) = s.get(&approver, "/api/v1/policy-drafts").await;
    assert_eq!(list[0]["adopted_from"], d.on.to_string());

    // The OpenAPI document describes the endpoints.
    let (_, doc) = s.get(&approver, "/api/openapi.json").await;
    for path in [
        "/api/v1/policy-drafts",
        "/api/v1/policy-drafts/{id}/simulation",
        "/api/v1/policy-drafts/{id}/adoption",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
}

// ---- Pages ----------------------------------------------------------------------------------

fn csrf_of(html: &str) -> String {
    let i = html.find("name=\"csrf\"").expect("a csrf field");
    let tag = &html[html[..i].rfind('<').unwrap()..i + html[i..].find('>').unwrap()];
    attr(tag, "value").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_pages_in_both_languages_and_the_analyst_sees_no_person() {
    let s = start(false).await;
    let sw = s.token("sw-ogre").await;
    let approver_token = s.token("approver-ogre").await;
    let d = days();
    let (person, aid, _) = decided_adult(&s, &sw, &approver_token, 1).await;

    let approver = s.signed_in("approver-ogre").await;
    let (st, html) = s.page_get(&approver, "/simulator").await;
    assert_eq!(st, StatusCode::OK);
    check_page("/simulator", &html);
    assert!(html.contains("Politikas simulators") && html.contains("<html lang=\"lv\""));
    assert!(
        html.contains("href=\"/simulator\" aria-current=\"page\""),
        "the menu marks the page"
    );
    let csrf = csrf_of(&html);

    // A pasted file with a problem is shown again with the problem at the files' field.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("title", "Broken")
        .text("pasted_name", "tariffs/lv-ib.toml")
        .text("pasted", "kind = \"tariff-table\"\nid = \"lv-ib\"\n");
    let r = approver
        .post(format!("{}/simulator", s.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    check_page("/simulator (errors)", &html);
    assert!(html.contains("error-summary") && html.contains("tariffs/lv-ib.toml"));

    // Without the session's token nothing is kept.
    let form = reqwest::multipart::Form::new()
        .text("title", "No token")
        .text("pasted", tariff_draft());
    let r = approver
        .post(format!("{}/simulator", s.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // An uploaded file is kept as a draft and its simulation shown.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("title", "Konsultācijas +10 %")
        .part(
            "files",
            reqwest::multipart::Part::text(tariff_draft()).file_name("tariffs/lv-ib.toml"),
        );
    let r = approver
        .post(format!("{}/simulator", s.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let path = format!("{at}?on={}", d.on);
    let (st, html) = s.page_get(&approver, &path).await;
    assert_eq!(st, StatusCode::OK);
    check_page(&path, &html);
    for text in [
        "Kas iegūst",
        "Pa pašvaldībām",
        "Pa līmeņiem",
        "+12,37 EUR",
        "cena 15,46 EUR kļūst par 17,006 EUR",
        &format!("href=\"/people/{person}\""),
        "Pieņemt projektu",
    ] {
        assert!(html.contains(text), "{path} lacks {text}");
    }
    assert_eq!(proposal(&s, &sw, aid, d.on).await, "862.68");

    // The analyst sees the totals only, in English too, and never a person.
    let analyst = s.signed_in("analyst").await;
    let (st, html) = s.page_get(&analyst, &path).await;
    assert_eq!(st, StatusCode::OK);
    check_page(&path, &html);
    assert!(!html.contains("/people/"), "an analyst sees a person link");
    assert!(!html.contains("Kas iegūst") && !html.contains("Pieņemt projektu"));
    assert!(
        html.contains("mazāk par 5 cilvēkiem"),
        "the small group is withheld"
    );
    let lang_csrf = csrf_of(&html);
    let r = analyst
        .post(format!("{}/lang", s.base))
        .form(&[
            ("lang", "en"),
            ("csrf", lang_csrf.as_str()),
            ("next", path.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection());
    let (_, html) = s.page_get(&analyst, &path).await;
    check_page(&path, &html);
    assert!(html.contains("<html lang=\"en\"") && html.contains("You see totals only"));
    assert!(!html.contains("/people/"));
    // Over a synthetic population every role sees the (synthetic) people, with their reasons.
    let synthetic = format!("{at}?on={}&population=synthetic&people=60&seed=2", d.on);
    let (st, html) = s.page_get(&analyst, &synthetic).await;
    assert_eq!(st, StatusCode::OK);
    check_page(&synthetic, &html);
    assert!(
        html.contains("Synthetic person S") && html.contains("Who gains"),
        "{html}"
    );
    assert!(!html.contains("/people/"));
    let too_many = format!("{at}?on={}&population=synthetic&people=50001", d.on);
    let (st, html) = s.page_get(&analyst, &too_many).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    check_page(&too_many, &html);
    // The analyst may not adopt.
    let r = analyst
        .post(format!("{s}{at}/adopt", s = s.base))
        .form(&[("csrf", lang_csrf.as_str()), ("from", &d.on.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Nor does a provider see the simulator.
    let provider = s.signed_in("provider-ogre").await;
    assert_eq!(
        s.page_get(&provider, "/simulator").await.0,
        StatusCode::FORBIDDEN
    );

    // The approver adopts from the day; a day in the past is refused at the field.
    let (_, html) = s.page_get(&approver, &path).await;
    let csrf = csrf_of(&html);
    let r = approver
        .post(format!("{}{at}/adopt", s.base))
        .form(&[("csrf", csrf.as_str()), ("from", "2020-01-01")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    check_page("adopt (errors)", &html);
    assert!(html.contains("href=\"#f-from\"") && html.contains("aria-invalid=\"true\""));
    assert_eq!(proposal(&s, &sw, aid, d.on).await, "862.68");
    let r = approver
        .post(format!("{}{at}/adopt", s.base))
        .form(&[("csrf", csrf.as_str()), ("from", &d.on.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(proposal(&s, &sw, aid, d.on).await, "875.05");
    let (_, html) = s.page_get(&approver, "/simulator").await;
    check_page("/simulator", &html);
    assert!(
        !html.contains("nav pieņemts"),
        "the draft shows its adoption day"
    );
}

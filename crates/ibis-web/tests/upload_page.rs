#![allow(clippy::unwrap_used)]
//! The provider's claim upload page against a running server on a fresh SQLite store with the
//! demo data: the form's accessible structure, a CSV with good and bad lines in both modes
//! answered with a streamed per-line report, and CSRF.

mod common;
mod html;

use html::{attr, check_page_in, tags};

use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::json;

use common::Server;

/// What the page tests add to the shared server.
impl Server {
    async fn upload(
        &self,
        c: &Client,
        csrf: Option<&str>,
        mode: &str,
        csv: Vec<u8>,
    ) -> (StatusCode, String, String) {
        let mut form = Form::new();
        if let Some(t) = csrf {
            form = form.text("csrf", t.to_owned());
        }
        let form = form.text("mode", mode.to_owned()).part(
            "file",
            Part::bytes(csv)
                .file_name("claims.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
        let r = c
            .post(format!("{}/my-clients/upload", self.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let st = r.status();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (st, ct, r.text().await.unwrap())
    }
}

/// An adult of Ogre with an active plan of 8 hours of mentoring a month from the provider of
/// `provider-ogre` and an agreement for them at 5.00 EUR. Returns the decision and agreement.
async fn agreement(s: &Server) -> (i64, i64) {
    let sw = s.token("sw-ogre").await;
    let approver = s.token("approver-ogre").await;
    let provider_id = s.get(&s.token("provider-ogre").await, "/api/v1/me").await.1["provider_id"]
        .as_i64()
        .unwrap();
    let (st, p) = s.post(&sw, "/api/v1/persons", json!({"personal_code": "32777000001", "given_name": "Roberts", "family_name": "Liepiņš", "birth_date": "1979-09-09", "target_group": "adult-grt", "municipality": "ogre", "living": "family"})).await;
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
    let did = d["id"].as_i64().unwrap();
    let (st, pl) = s
        .post(&sw, &format!("/api/v1/decisions/{did}/plans"), json!({
            "period_from": "2026-06-01", "period_to": "2026-12-01",
            "goals": [{"term": "short", "text": "Pašam pārvaldīt savu naudu."}],
            "needs": "Support with decisions about money.",
            "lines": [{"service": "mentor", "quantity_per_month": "8", "provider_id": provider_id, "funding": "individual-budget", "status": "received"}],
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
    let (st, a) = s.post(&sw, &format!("/api/v1/plans/{pid}/agreements"), json!({"plan_line": 0, "provider_id": provider_id, "service": "mentor", "unit_price_eur": "5.00", "period_from": "2026-06-01", "period_to": "2026-12-01", "quantity_per_month": "8"})).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    (did, a["id"].as_i64().unwrap())
}

async fn spent(s: &Server, did: i64) -> usize {
    s.store.claims_of(did).await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_form_streamed_report_both_modes_and_csrf() {
    let s = common::start(false).await;
    let (did, aid) = agreement(&s).await;
    let c = s.signed_in("provider-ogre").await;

    // The provider page links to the form.
    let (st, desk) = s.page_get(&c, "/my-clients").await;
    assert_eq!(st, StatusCode::OK);
    assert!(desk.contains("href=\"/my-clients/upload\""), "no link");

    // The form.
    let (st, html) = s.page_get(&c, "/my-clients/upload").await;
    assert_eq!(st, StatusCode::OK, "{html}");
    check_page_in("/my-clients/upload", &html, "lv");
    let form = tags(&html, "form")
        .into_iter()
        .find(|f| f.contains("/my-clients/upload"))
        .unwrap();
    assert_eq!(attr(form, "method").as_deref(), Some("post"));
    assert_eq!(
        attr(form, "enctype").as_deref(),
        Some("multipart/form-data")
    );
    let file = tags(&html, "input")
        .into_iter()
        .find(|t| t.contains("type=\"file\""))
        .unwrap();
    assert_eq!(attr(file, "accept").as_deref(), Some(".csv,text/csv"));
    assert!(html.contains("<label for=\"f-file\">"));
    let fieldset = &html[html.find("<fieldset").unwrap()..html.find("</fieldset>").unwrap()];
    assert!(fieldset.contains("<legend>") && fieldset.matches("type=\"radio\"").count() == 2);
    assert!(fieldset.contains("neievadīt neko"), "{fieldset}");
    assert!(
        html.contains("idempotency_key,agreement_id,service_date,quantity,unit_price_eur,visit_id")
    );
    let csrf = attr(
        tags(&html, "input")
            .into_iter()
            .find(|t| t.contains("name=\"csrf\""))
            .unwrap(),
        "value",
    )
    .unwrap();

    let header = "idempotency_key,agreement_id,service_date,quantity,unit_price_eur,visit_id";
    let csv = format!(
        "{header}\nu-1,{aid},2026-08-03,2,5.00,\nu-2,{aid},2026-13-01,2,5.00,\nu-3,999999,2026-08-05,1,5.00,\nu-4,{aid},2026-08-06,2,5.00,\nu-5,{aid},2026-08-07,2,9.00,\n"
    );

    // Without the CSRF field: 403, nothing done.
    let (st, _, _) = s
        .upload(&c, None, "good-lines-only", csv.clone().into_bytes())
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _, _) = s
        .upload(
            &c,
            Some("wrong"),
            "good-lines-only",
            csv.clone().into_bytes(),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(spent(&s, did).await, 0);

    // All or nothing: bad lines 3 and 4 stop the whole file.
    let (st, ct, html) = s
        .upload(&c, Some(&csrf), "all-or-nothing", csv.clone().into_bytes())
        .await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert_eq!(ct, "text/html; charset=utf-8");
    check_page_in("upload report (all or nothing)", &html, "lv");
    assert!(html.contains("<progress"), "{html}");
    assert!(html.contains("<li>Rinda 2: <strong>nav ievadīta"), "{html}");
    assert!(html.contains("<li>Rinda 3: <strong>kļūdaina"), "{html}");
    assert!(html.contains("<li>Rinda 4: <strong>kļūdaina"), "{html}");
    assert!(html.contains("<li>Rinda 5: <strong>nav ievadīta"), "{html}");
    assert!(html.contains("<dt>Ievadītas</dt><dd>0</dd>"), "{html}");
    assert!(html.contains("<dt>Kļūdainas</dt><dd>2</dd>"), "{html}");
    assert!(html.contains("<dt>Neievadītas</dt><dd>3</dd>"), "{html}");
    assert!(html.contains("<th scope=\"row\">3</th>") && html.contains("<th scope=\"row\">4</th>"));
    assert!(html.trim_end().ends_with("</html>"), "the page ends");
    assert_eq!(spent(&s, did).await, 0, "all or nothing imported nothing");
    let sw = s.token("sw-ogre").await;
    let (st, b) = s
        .get(&sw, &format!("/api/v1/decisions/{did}/balances"))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let before = b.to_string();

    // Good lines only: lines 2 and 5 imported, 6 refused (price above the agreement), the
    // bad lines reported with their reasons.
    let (st, _, html) = s
        .upload(&c, Some(&csrf), "good-lines-only", csv.clone().into_bytes())
        .await;
    assert_eq!(st, StatusCode::OK, "{html}");
    check_page_in("upload report (good lines)", &html, "lv");
    assert!(html.contains("<li>Rinda 2: <strong>ievadīta"), "{html}");
    assert!(html.contains("<li>Rinda 5: <strong>ievadīta"), "{html}");
    assert!(html.contains("<li>Rinda 6: <strong>atteikta"), "{html}");
    assert!(html.contains("<dt>Ievadītas</dt><dd>2</dd>"), "{html}");
    assert!(html.contains("<dt>Atteiktas</dt><dd>1</dd>"), "{html}");
    assert!(html.contains("<dt>Kļūdainas</dt><dd>2</dd>"), "{html}");
    assert!(html.contains("<dt>Neievadītas</dt><dd>0</dd>"), "{html}");
    assert!(html.contains("<th scope=\"row\">6</th>"), "{html}");
    assert!(html.contains("cena augstāka par līgumā noteikto"), "{html}");
    assert!(html.contains("Pakalpojuma diena:"), "{html}");
    assert_eq!(
        spent(&s, did).await,
        3,
        "two accepted and one refused claim"
    );
    let (_, b) = s
        .get(&sw, &format!("/api/v1/decisions/{did}/balances"))
        .await;
    assert_ne!(b.to_string(), before, "the budget was charged");

    // Many lines: a progress snapshot every 50 lines.
    let mut big = format!("{header}\n");
    for i in 0..120 {
        big.push_str(&format!("m-{i},999999,2026-08-03,1,5.00,\n"));
    }
    let (st, _, html) = s
        .upload(&c, Some(&csrf), "good-lines-only", big.into_bytes())
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains("<progress value=\"50\" max=\"120\">"),
        "{html}"
    );
    assert!(html.contains("<progress value=\"100\" max=\"120\">"));
    assert!(html.contains("<progress value=\"120\" max=\"120\">"));
    assert!(html.contains("<dt>Kļūdainas</dt><dd>120</dd>"));

    // Not UTF-8, and a wrong first line: the form again with the problem, nothing done.
    let (st, _, html) = s
        .upload(
            &c,
            Some(&csrf),
            "good-lines-only",
            vec![0xff, 0xfe, b'a', b'\n'],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    check_page_in("upload form (not utf-8)", &html, "lv");
    assert!(html.contains("nav UTF-8") && html.contains("aria-invalid=\"true\""));
    let (st, _, html) = s
        .upload(
            &c,
            Some(&csrf),
            "good-lines-only",
            b"key,agreement\nx,1\n".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("pirmā rinda"), "{html}");
    assert_eq!(spent(&s, did).await, 3);

    // In English after switching the language.
    let r = c
        .post(format!("{}/lang", s.base))
        .form(&[
            ("lang", "en"),
            ("next", "/my-clients/upload"),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = s.page_get(&c, "/my-clients/upload").await;
    check_page_in("/my-clients/upload (en)", &html, "en");
    assert!(html.contains("import the good lines, report the bad ones"));
    let csv = format!("{header}\ne-1,{aid},2026-13-01,2,5.00,\n");
    let (_, _, html) = s
        .upload(&c, Some(&csrf), "all-or-nothing", csv.into_bytes())
        .await;
    check_page_in("upload report (en)", &html, "en");
    assert!(html.contains("<li>Line 2: <strong>invalid"), "{html}");
    assert!(html.contains("<dt>Invalid</dt><dd>1</dd>"), "{html}");
}

#![allow(clippy::unwrap_used)]
//! Black-box tests of monitoring against a running server with the demo data: the dashboard and
//! the service-gap map in the API and as pages (structure, labels, charts with a title, a
//! description and a data table), who sees what (rows for the municipality's own case
//! managers, audited; aggregates with small numbers withheld for analysts; nothing for
//! provider staff), and the CSV and XLSX exports read back and compared with the figures.

mod common;
mod html;

use html::{attr, attr_after, check_page};

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// A server with the demo data and the demo budget of `ibis serve --demo` (a support-person
/// budget in Ogre with a plan, an agreement, visits and claims).
async fn start(postgres: bool) -> common::Server {
    let s = common::start(postgres).await;
    let state = ibis_web::AppState {
        store: s.store.clone(),
        policies: std::sync::Arc::new(ibis_core::policy::PolicySet::builtin().unwrap()).into(),
        secure_cookies: false,
    };
    ibis_web::demo_cycle::load(&state).await.unwrap();
    s
}

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn signed_in(s: &common::Server, username: &str, lang: &str) -> Client {
    let c = client();
    let r = c
        .post(format!("{}/sign-in", s.base))
        .form(&[
            ("username", username),
            ("password", "ibis-demo"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in of {username}");
    if lang == "en" {
        let html = c
            .get(format!("{}/", s.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = attr_after(&html, "name=\"csrf\"", "value").unwrap();
        let r = c
            .post(format!("{}/lang", s.base))
            .form(&[("lang", "en"), ("next", "/"), ("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    c
}

async fn get(s: &common::Server, c: &Client, path: &str) -> (StatusCode, String) {
    let r = c.get(format!("{}{}", s.base, path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn bytes(s: &common::Server, c: &Client, path: &str) -> (StatusCode, String, Vec<u8>) {
    let r = c.get(format!("{}{}", s.base, path)).send().await.unwrap();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status(), ct, r.bytes().await.unwrap().to_vec())
}

fn year() -> (String, String) {
    let y = ibis_web::today().year();
    (format!("{y}-01-01"), format!("{}-01-01", y + 1))
}

/// The figure of a dashboard section by key.
fn fig<'a>(d: &'a Value, section: &str, key: &str) -> &'a Value {
    d[section]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .unwrap_or_else(|| panic!("{section} has no {key}: {}", d[section]))
}

async fn dashboard_and_pages(postgres: bool) {
    let s = start(postgres).await;
    // The demo's claims, reviews and closes kept the monthly sums monitoring reads in step.
    assert_eq!(
        s.store.monthly_sums_drift().await.unwrap(),
        Vec::<String>::new()
    );
    let (from, to) = year();
    let q = format!("area=ogre&from={from}&to={to}");
    // The case manager of Ogre sees every figure of Ogre.
    let sw = s.token("sw-ogre").await;
    let (st, d) = s
        .get(&sw, &format!("/api/v1/monitoring/dashboard?{q}"))
        .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    assert_eq!(d["disclosure"], "rows");
    let served = d["served"]["people"].as_u64().unwrap();
    assert!(served >= 1, "{d}");
    // The demo person has a support-person budget with claims: it is spent and allocated.
    let allocated = fig(&d, "budgets", "allocated");
    assert!(
        allocated["amount"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
            > 0.0,
        "{d}"
    );
    let spent: f64 = fig(&d, "budgets", "spent")["amount"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let by_service: f64 = d["by_service"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["amount"].as_str().unwrap().parse::<f64>().unwrap())
        .sum();
    assert!(spent > 0.0 && by_service > 0.0, "{d}");
    // The demo budget is a support-person budget at level 2 (of a child registered in Ogre).
    assert_eq!(fig(&d, "by_level", "support-person/2")["people"], 1, "{d}");
    assert_eq!(fig(&d, "by_target_group", "child-ft")["people"], 1, "{d}");
    // The analyst sees Ogre's figures as aggregates: fewer than 5 people withheld.
    let an = s.token("analyst").await;
    let (st, a) = s
        .get(&an, &format!("/api/v1/monitoring/dashboard?{q}"))
        .await;
    assert_eq!(st, StatusCode::OK, "{a}");
    assert_eq!(a["disclosure"], "aggregates-only");
    if served < 5 {
        assert!(
            a["served"]["people"].is_null() && a["served"]["suppressed"] == true,
            "{a}"
        );
        assert!(a["by_service"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["amount"].is_null()));
    }
    // Rows: the case manager may open a figure (audited), the analyst may not.
    let (st, rows) = s
        .get(&sw, &format!("/api/v1/monitoring/rows?{q}&figure=served"))
        .await;
    assert_eq!(st, StatusCode::OK, "{rows}");
    assert_eq!(rows.as_array().unwrap().len() as u64, served);
    let pid = rows[0]["person_id"].as_i64().unwrap();
    let audit = s
        .store
        .audit_for_person(pid, ibis_store::PageRequest::new(Some(200), None))
        .await
        .unwrap();
    assert!(
        audit.items.iter().any(|e| e.detail.contains("monitoring")),
        "opening the rows is audited"
    );
    let (st, _) = s
        .get(&an, &format!("/api/v1/monitoring/rows?{q}&figure=served"))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // Outside their municipality the case manager sees aggregates, and no rows.
    let (st, t) = s
        .get(
            &sw,
            &format!("/api/v1/monitoring/dashboard?area=tukums&from={from}&to={to}"),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(t["disclosure"], "aggregates-only");
    let (st, _) = s
        .get(
            &sw,
            &format!("/api/v1/monitoring/rows?area=tukums&from={from}&to={to}&figure=served"),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // Provider staff and people see no monitoring.
    for who in ["provider-ogre", "person-ogre"] {
        let tok = s.token(who).await;
        let (st, _) = s
            .get(&tok, &format!("/api/v1/monitoring/dashboard?{q}"))
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{who}");
    }
    // Bad filters are named.
    for (bad, field) in [
        ("area=nowhere", "area"),
        ("area=region:pieriga", "area"),
        ("from=2026-13-01", "from"),
        ("from=2026-02-01&to=2026-01-01", "to"),
    ] {
        let (st, e) = s
            .get(&an, &format!("/api/v1/monitoring/dashboard?{bad}"))
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {e}");
        assert_eq!(e["error"]["fields"][0]["field"], field, "{bad}: {e}");
    }
    // The national dashboard and the gap map answer.
    let (st, n) = s
        .get(
            &an,
            &format!("/api/v1/monitoring/dashboard?area=country&from={from}&to={to}"),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{n}");
    let (st, g) = s
        .get(
            &an,
            &format!("/api/v1/monitoring/gaps?area=region:riga&from={from}&to={to}"),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{g}");
    assert!(g["essential_missing"].is_array());
    // The OpenAPI document describes the endpoints.
    let (_, doc) = s.get(&an, "/api/openapi.json").await;
    for p in [
        "/api/v1/monitoring/dashboard",
        "/api/v1/monitoring/gaps",
        "/api/v1/monitoring/rows",
    ] {
        assert!(
            doc["paths"][p]["get"].is_object(),
            "{p} in the OpenAPI document"
        );
    }
}

#[tokio::test]
async fn dashboard_in_the_api_sqlite() {
    dashboard_and_pages(false).await;
}

#[tokio::test]
async fn dashboard_in_the_api_postgres() {
    dashboard_and_pages(true).await;
}

#[tokio::test]
async fn pages_have_their_structure_labels_charts_and_tables() {
    let s = start(false).await;
    let (from, to) = year();
    let q = format!("area=ogre&from={from}&to={to}");
    for lang in ["lv", "en"] {
        let sw = signed_in(&s, "sw-ogre", lang).await;
        let (st, html) = get(&s, &sw, "/").await;
        assert_eq!(st, StatusCode::OK);
        assert!(
            html.contains("href=\"/monitoring\""),
            "the navigation links to monitoring"
        );
        for path in [
            format!("/monitoring?{q}"),
            "/monitoring".to_owned(),
            format!("/monitoring/gaps?{q}"),
            format!("/monitoring/gaps?area=country&from={from}&to={to}"),
            format!("/monitoring/rows?{q}&figure=served"),
        ] {
            let (st, html) = get(&s, &sw, &path).await;
            assert_eq!(st, StatusCode::OK, "{path}: {html}");
            check_page(&path, &html);
            assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{path}");
        }
        let (_, html) = get(&s, &sw, &format!("/monitoring?{q}")).await;
        // Every chart is an image with a title and a description, and has a table beside it.
        let charts = html.matches("<svg role=\"img\"").count();
        assert!(charts >= 3, "{charts} charts");
        for (i, _) in html.match_indices("<svg role=\"img\"") {
            let svg = &html[i..i + html[i..].find("</svg>").unwrap()];
            let id = attr(svg, "aria-labelledby").unwrap();
            for part in id.split_whitespace() {
                assert!(svg.contains(&format!("id=\"{part}\"")), "{part}");
            }
            let rest = &html[i..];
            assert!(
                rest.find("<table").unwrap() < rest.find("</section>").unwrap(),
                "a table beside the chart"
            );
        }
        assert!(html.contains("/monitoring/export?"), "export links");
        assert!(
            html.contains("/monitoring/rows?"),
            "figures open to their rows"
        );
        let labels = if lang == "lv" {
            [
                "Atbalstītās personas",
                "Izlietojums pa pakalpojumiem",
                "Lejupielādēt CSV",
            ]
        } else {
            ["People served", "Spending by service", "Download as CSV"]
        };
        for l in labels {
            assert!(html.contains(l), "{lang}: {l}");
        }
        let (_, gaps) = get(&s, &sw, &format!("/monitoring/gaps?{q}")).await;
        let essentials = if lang == "lv" {
            "fizioterapija"
        } else {
            "physiotherapy"
        };
        assert!(
            gaps.contains(essentials),
            "the essential services are named"
        );
    }
    // The analyst sees aggregates and no links to rows; rows are refused.
    let an = signed_in(&s, "analyst", "lv").await;
    let (st, html) = get(&s, &an, &format!("/monitoring?{q}")).await;
    assert_eq!(st, StatusCode::OK);
    check_page("/monitoring (analyst)", &html);
    assert!(!html.contains("/monitoring/rows?"));
    assert!(html.contains("&lt;5"), "small numbers withheld");
    let (st, _) = get(&s, &an, &format!("/monitoring/rows?{q}&figure=served")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // Provider staff have no monitoring and no link to it.
    let pr = signed_in(&s, "provider-ogre", "lv").await;
    let (_, home) = get(&s, &pr, "/").await;
    assert!(!home.contains("href=\"/monitoring\""));
    let (st, _) = get(&s, &pr, "/monitoring").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // Signed out: to the sign-in page.
    let (st, _) = get(&s, &client(), "/monitoring").await;
    assert_eq!(st, StatusCode::SEE_OTHER);
}

/// The cells of an XLSX's first sheet.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn csv_rows(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn exports_read_back_as_the_figures() {
    let s = start(false).await;
    let (from, to) = year();
    let q = format!("area=ogre&from={from}&to={to}");
    let tok = s.token("sw-ogre").await;
    let (_, d) = s
        .get(&tok, &format!("/api/v1/monitoring/dashboard?{q}"))
        .await;
    let spent = fig(&d, "budgets", "spent")["amount"]
        .as_str()
        .unwrap()
        .to_owned();
    let allocated = fig(&d, "budgets", "allocated")["amount"]
        .as_str()
        .unwrap()
        .to_owned();
    let served = d["served"]["people"].as_u64().unwrap();
    let services: Vec<(String, String)> = d["by_service"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["key"].as_str().unwrap().to_owned(),
                f["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(!services.is_empty());
    let catalogue = ibis_core::catalogue::Catalogue::builtin().unwrap();
    for lang in ["lv", "en"] {
        let c = signed_in(&s, "sw-ogre", lang).await;
        // CSV: headers in the language, amounts with two decimals in its convention.
        let (st, ct, body) = bytes(
            &s,
            &c,
            &format!("/monitoring/export?{q}&report=dashboard&format=csv"),
        )
        .await;
        assert_eq!(st, StatusCode::OK);
        assert!(ct.starts_with("text/csv"), "{ct}");
        let delim = if lang == "lv" { b';' } else { b',' };
        let rows = csv_rows(&body, delim);
        let header = if lang == "lv" {
            [
                "Sadaļa",
                "Rādītājs",
                "Personas",
                "Summa, EUR",
                "Līdzmaksājums, EUR",
                "Skaits",
            ]
        } else {
            [
                "Section",
                "Item",
                "People",
                "Amount, EUR",
                "Co-payment, EUR",
                "Count",
            ]
        };
        assert_eq!(rows[0], header);
        let as_csv = |m: &str| {
            if lang == "lv" {
                m.replace('.', ",")
            } else {
                m.to_owned()
            }
        };
        let (spent_label, alloc_label, served_label) = if lang == "lv" {
            (
                "Izlietots (apstiprināti rēķini)",
                "Piešķirts",
                "Atbalstītās personas",
            )
        } else {
            ("Spent (approved claims)", "Allocated", "People served")
        };
        let row = |label: &str| {
            rows.iter()
                .find(|r| r[1] == label)
                .unwrap_or_else(|| panic!("{label}"))
                .clone()
        };
        assert_eq!(row(spent_label)[3], as_csv(&spent));
        assert_eq!(row(alloc_label)[3], as_csv(&allocated));
        assert_eq!(row(served_label)[2], served.to_string());
        for (code, amount) in &services {
            let st = catalogue.get(code).unwrap();
            let name = if lang == "lv" {
                &st.name_lv
            } else {
                &st.name_en
            };
            let r = rows.iter().find(|r| &r[1] == name).unwrap();
            assert_eq!(r[3], as_csv(amount), "{code}");
        }
        // XLSX: the same figures, amounts as numbers (not text).
        let (st, ct, body) = bytes(
            &s,
            &c,
            &format!("/monitoring/export?{q}&report=dashboard&format=xlsx"),
        )
        .await;
        assert_eq!(st, StatusCode::OK);
        assert!(ct.contains("spreadsheetml"), "{ct}");
        let x = xlsx_rows(&body);
        let text = |d: &Data| match d {
            Data::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert_eq!(x[0].iter().map(text).collect::<Vec<_>>(), header);
        let xrow = |label: &str| x.iter().find(|r| text(&r[1]) == label).unwrap().clone();
        let num = |d: &Data| match d {
            Data::Float(f) => *f,
            Data::Int(i) => *i as f64,
            other => panic!("a number, not {other:?}"),
        };
        let cents = |s: &str| (s.parse::<f64>().unwrap() * 100.0).round() as i64;
        assert_eq!(
            (num(&xrow(spent_label)[3]) * 100.0).round() as i64,
            cents(&spent)
        );
        assert_eq!(
            (num(&xrow(alloc_label)[3]) * 100.0).round() as i64,
            cents(&allocated)
        );
        assert_eq!(num(&xrow(served_label)[2]) as u64, served);
        // The gap map and the rows export too.
        for report in ["gaps", "rows&figure=served"] {
            for format in ["csv", "xlsx"] {
                let (st, _, body) = bytes(
                    &s,
                    &c,
                    &format!("/monitoring/export?{q}&report={report}&format={format}"),
                )
                .await;
                assert_eq!(st, StatusCode::OK, "{report} {format}");
                if format == "csv" {
                    assert!(!csv_rows(&body, delim).is_empty());
                } else {
                    assert!(!xlsx_rows(&body).is_empty());
                }
            }
        }
        let (st, _, body) = bytes(
            &s,
            &c,
            &format!("/monitoring/export?{q}&report=rows&figure=served&format=csv"),
        )
        .await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(csv_rows(&body, delim).len() as u64, served + 1);
    }
    // The analyst's export withholds what the page withholds.
    let an = signed_in(&s, "analyst", "en").await;
    let (_, _, body) = bytes(
        &s,
        &an,
        &format!("/monitoring/export?{q}&report=dashboard&format=csv"),
    )
    .await;
    let rows = csv_rows(&body, b',');
    if served < 5 {
        assert_eq!(
            rows.iter().find(|r| r[1] == "People served").unwrap()[2],
            "<5"
        );
    }
    let (st, _, _) = bytes(
        &s,
        &an,
        &format!("/monitoring/export?{q}&report=rows&figure=served&format=csv"),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

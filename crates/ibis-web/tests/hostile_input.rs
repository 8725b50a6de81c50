//! Hostile bodies, query strings and forms: oversized bodies get 413, deeply nested JSON and
//! invalid UTF-8 are refused with a clear error naming the body, and the server keeps
//! answering. (Hostile text in every field is in `access_sweep.rs`, which knows every
//! operation's body.)

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};

use reqwest::StatusCode;
use serde_json::Value;

/// Sends raw bytes as one HTTP/1.1 request and returns the status and the body.
fn raw(base: &str, request: &[u8]) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let out = String::from_utf8_lossy(&out).into_owned();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// A request with a body of raw bytes.
fn request(method: &str, path: &str, token: Option<&str>, ctype: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(t) = token {
        r.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    r.push_str("\r\n");
    let mut bytes = r.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

async fn still_answers(s: &common::Server) {
    let r = s
        .client
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the server still answers");
}

async fn post_bytes(
    s: &common::Server,
    path: &str,
    token: Option<&str>,
    ctype: &str,
    body: Vec<u8>,
) -> (StatusCode, String) {
    let mut req = s
        .client
        .post(format!("{}{path}", s.base))
        .header("content-type", ctype)
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    match req.send().await {
        Ok(r) => {
            let status = r.status();
            (status, r.text().await.unwrap_or_default())
        }
        // The server may answer 413 and close before the whole body is sent.
        Err(e) => panic!("{path}: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_get_413_everywhere() {
    let s = common::start(false).await;
    let sw = s.token("sw-ogre").await;
    let provider = s.token("provider-ogre").await;
    let big = ibis_web::BODY_LIMIT + 1;
    let json_body = {
        let mut b = br#"{"given_name":""#.to_vec();
        b.extend(std::iter::repeat_n(b'a', big));
        b.extend_from_slice(br#""}"#);
        b
    };
    for (path, token, ctype, body) in [
        (
            "/api/v1/persons",
            Some(sw.as_str()),
            "application/json",
            json_body.clone(),
        ),
        (
            "/api/v1/auth/token",
            None,
            "application/json",
            json_body.clone(),
        ),
        (
            "/api/v1/claims/bulk",
            Some(provider.as_str()),
            "text/csv",
            vec![b'x'; big],
        ),
        (
            "/sign-in",
            None,
            "application/x-www-form-urlencoded",
            [b"username=".as_slice(), &vec![b'a'; big]].concat(),
        ),
    ] {
        let (status, text) = post_bytes(&s, path, token, ctype, body).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{path}: {text}");
    }
    // The API says it in its error shape.
    let (_, text) = post_bytes(
        &s,
        "/api/v1/persons",
        Some(&sw),
        "application/json",
        json_body,
    )
    .await;
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["error"]["code"], "too-large", "{v}");
    still_answers(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_json_is_refused_as_a_bad_body() {
    let s = common::start(false).await;
    let sw = s.token("sw-ogre").await;
    for depth in [200usize, 100_000] {
        for body in [
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
            format!(
                r#"{{"personal_code":{}1{}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            ),
            format!("{}{}", r#"{"a":"#.repeat(depth), "}".repeat(depth)),
        ] {
            let (status, text) = post_bytes(
                &s,
                "/api/v1/persons",
                Some(&sw),
                "application/json",
                body.into_bytes(),
            )
            .await;
            assert!(
                status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
                "depth {depth}: {status} {text}"
            );
            let v: Value = serde_json::from_str(&text).unwrap();
            assert!(!v["error"]["fields"][0]["field"].is_null(), "{v}");
        }
    }
    still_answers(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_in_bodies_queries_and_forms_is_refused_or_replaced() {
    let s = common::start(false).await;
    let sw = s.token("sw-ogre").await;
    let provider = s.token("provider-ogre").await;
    // JSON bodies: 400 naming the body.
    for path in ["/api/v1/persons", "/api/v1/auth/token"] {
        let (status, text) = post_bytes(
            &s,
            path,
            Some(&sw),
            "application/json",
            b"{\"given_name\":\"J\xff\xfenis\"}".to_vec(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {text}");
        assert!(text.contains("not valid UTF-8"), "{text}");
    }
    // A CSV upload: 400.
    let (status, text) = post_bytes(
        &s,
        "/api/v1/claims/bulk",
        Some(&provider),
        "text/csv",
        b"idempotency_key\xff,agreement_id\n".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    // Query strings, percent-encoded: read with the bad bytes replaced, never a failure.
    for path in [
        "/api/v1/persons?q=%FF%FE",
        "/api/v1/catalogue/service-types?q=%C3",
        "/api/v1/decisions/1/notice?lang=%FF",
        "/api/v1/persons?limit=%FF",
    ] {
        let (status, _, text) = s.get_text(&sw, path).await;
        assert!(
            !status.is_server_error() && status != StatusCode::UNAUTHORIZED,
            "{path}: {status} {text}"
        );
    }
    // Raw bytes that are not UTF-8 in the request line: refused by the HTTP layer, not a crash.
    let (status, _) = raw(
        &s.base,
        &request(
            "GET",
            "/api/v1/persons?q=\u{0}",
            Some(&sw),
            "text/plain",
            b"",
        )
        .into_iter()
        .map(|b| if b == 0 { 0xff } else { b })
        .collect::<Vec<_>>(),
    );
    assert!(status == 400 || status == 200, "{status}");
    // A form post: the page answers without a server error, and nothing half-valid is stored.
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c
        .post(format!("{}/sign-in", s.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"username=sw-ogre&password=ibis-demo&next=%FF\xff".to_vec())
        .send()
        .await
        .unwrap();
    assert!(!r.status().is_server_error(), "{}", r.status());
    let (status, _) = s.get(&sw, "/api/v1/persons").await;
    assert_eq!(status, StatusCode::OK);
    still_answers(&s).await;
}

/// A NUL character in a search, a filter or a sign-in name matches nothing, on both engines
/// (PostgreSQL cannot take one in text; it used to answer 500).
async fn nul_matches_nothing(postgres: bool) {
    let s = common::start(postgres).await;
    let sw = s.token("sw-ogre").await;
    for path in [
        "/api/v1/persons?q=%00",
        "/api/v1/persons?q=Ann%00a",
        "/api/v1/catalogue/service-types?q=a%00&category=%00",
        "/api/v1/providers?municipality=ogre%00&service=%00",
    ] {
        let (status, v, text) = s.get_text(&sw, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {text}");
        assert_eq!(v["total"], 0, "{path}: {text}");
    }
    let (status, text) = post_bytes(
        &s,
        "/api/v1/auth/token",
        None,
        "application/json",
        br#"{"username":"sw-ogre\u0000","password":"ibis-demo"}"#.to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    // The pages' search and sign-in go through the same store.
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c
        .post(format!("{}/sign-in", s.base))
        .form(&[
            ("username", "sw-ogre\0"),
            ("password", "ibis-demo"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert!(!r.status().is_server_error(), "{}", r.status());
    still_answers(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_in_searches_and_sign_in_matches_nothing_on_sqlite() {
    nul_matches_nothing(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_in_searches_and_sign_in_matches_nothing_on_postgres() {
    nul_matches_nothing(true).await;
}

/// The `value` of the page's hidden `csrf` field.
fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\"").expect("a csrf field");
    let tag_end = at + html[at..].find('>').unwrap();
    let tag_start = html[..at].rfind('<').unwrap();
    let tag = &html[tag_start..tag_end];
    let i = tag.find("value=\"").unwrap() + 7;
    tag[i..i + tag[i..].find('"').unwrap()].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_and_sql_sent_through_a_form_are_stored_inertly_and_shown_escaped() {
    let s = common::start(false).await;
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c
        .post(format!("{}/sign-in", s.base))
        .form(&[
            ("username", "sw-ogre"),
            ("password", "ibis-demo"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = c
        .get(format!("{}/people/new", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let given = "<script>alert('ibis')</script>";
    let family = "Ozola'); DROP TABLE persons; --";
    let r = c
        .post(format!("{}/people/new", s.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("personal_code", "32987654321"),
            ("given_name", given),
            ("family_name", family),
            ("birth_date", "1980-01-01"),
            ("target_group", "adult-grt"),
            ("municipality", "ogre"),
            ("living", "family"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the person is registered"
    );
    let page = r.headers()["location"].to_str().unwrap().to_owned();
    let html = c
        .get(format!("{}{page}", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains(given), "the page shows the name as markup");
    assert!(
        html.contains("&lt;script&gt;alert(&#x27;ibis&#x27;)&lt;&#x2f;script&gt;")
            || html.contains("&lt;script&gt;alert("),
        "the page shows the name literally"
    );
    assert!(
        html.contains("DROP TABLE persons"),
        "the family name is kept as text"
    );
    // Stored as sent, and the table is still there.
    let sw = s.token("sw-ogre").await;
    let (status, v) = s.get(&sw, "/api/v1/persons?q=DROP%20TABLE").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["items"][0]["given_name"], given, "{v}");
    assert_eq!(v["items"][0]["family_name"], family, "{v}");
    let (_, all) = s.get(&sw, "/api/v1/persons").await;
    assert_eq!(
        all["total"], 21,
        "the twenty demo people of Ogre and the new one"
    );
}

//! Black-box tests of the JSON API against a running server: sign-in, bad input, and for every
//! role what it may and may not read and change, with reads visible in the audit log.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

struct Server {
    base: String,
    client: Client,
    store: ibis_store::Store,
    _dir: Option<TempDir>,
}

struct TempDir(std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn start(url: Option<String>) -> Server {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let (url, dir) = match url {
        Some(u) => (u, None),
        None => {
            let d = std::env::temp_dir().join(format!(
                "ibis-api-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ));
            std::fs::create_dir_all(&d).unwrap();
            (
                format!("sqlite://{}/ibis.db", d.display()),
                Some(TempDir(d)),
            )
        }
    };
    let store = ibis_store::Store::open(&url).await.unwrap();
    ibis_store::demo::load(&store, ibis_web::today())
        .await
        .unwrap();
    let state = ibis_web::AppState {
        store: store.clone(),
        policies: Arc::new(ibis_core::policy::PolicySet::builtin().unwrap()).into(),
        secure_cookies: false,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(ibis_web::serve(listener, state));
    Server {
        base,
        client: Client::new(),
        store,
        _dir: dir,
    }
}

impl Server {
    async fn token(&self, user: &str) -> String {
        let r = self
            .client
            .post(format!("{}/api/v1/auth/token", self.base))
            .json(&json!({"username": user, "password": "ibis-demo"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "sign-in of {user}");
        r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn get(&self, token: Option<&str>, path: &str) -> (StatusCode, Value) {
        let mut req = self.client.get(format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, token: Option<&str>, path: &str, body: &str) -> (StatusCode, Value) {
        let mut req = self
            .client
            .post(format!("{}{}", self.base, path))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The id of the first person of a municipality, read directly from the store.
    async fn first_person_of(&self, municipality: &str) -> i64 {
        let scope = ibis_core::access::Scope::Municipality(municipality.into());
        let page = self
            .store
            .persons(
                &ibis_store::Auditor::system("test"),
                &scope,
                None,
                ibis_store::PageRequest::new(Some(200), None),
            )
            .await
            .unwrap();
        page.items.iter().map(|p| p.id).min().unwrap()
    }

    async fn persons_linked(&self, user: &str) -> Vec<i64> {
        let t = self.token(user).await;
        let (s, v) = self.get(Some(&t), "/api/v1/persons?limit=200").await;
        assert_eq!(s, StatusCode::OK);
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect()
    }
}

fn field_of(v: &Value) -> String {
    v["error"]["fields"][0]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_openapi_and_sign_in() {
    let s = start(None).await;
    assert_eq!(
        s.get(None, "/healthz").await,
        (StatusCode::OK, json!({"status": "ok"}))
    );
    let (status, doc) = s.get(None, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/persons",
        "/api/v1/persons/{id}",
        "/api/v1/auth/token",
        "/api/v1/audit",
        "/api/v1/providers",
        "/api/v1/catalogue/service-types",
        "/healthz",
    ] {
        assert!(doc["paths"][path].is_object(), "OpenAPI documents {path}");
    }
    // Wrong password: 401 in the error shape; the sixth try is rate-limited even when right.
    for _ in 0..5 {
        let (st, v) = s
            .post(
                None,
                "/api/v1/auth/token",
                r#"{"username":"sw-tukums","password":"nope"}"#,
            )
            .await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        assert_eq!(v["error"]["code"], "unauthorized");
    }
    let (st, v) = s
        .post(
            None,
            "/api/v1/auth/token",
            r#"{"username":"sw-tukums","password":"ibis-demo"}"#,
        )
        .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{v}");
    // Bad bodies.
    let (st, v) = s
        .post(None, "/api/v1/auth/token", r#"{"username":"x""#)
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad-request"))
    );
    let (st, v) = s
        .post(None, "/api/v1/auth/token", r#"{"username":"x"}"#)
        .await;
    assert_eq!(
        (st, field_of(&v).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "password")
    );
    let (st, _) = s.get(None, "/api/v1/me").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = s.get(Some("forged-token"), "/api/v1/me").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

/// For every role: may it list people, read an Ogre person, read a Tukums person?
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_reads_only_its_scope() {
    let s = start(None).await;
    let ogre = s.first_person_of("ogre").await;
    let tukums = s.first_person_of("tukums").await;
    let assessor_people = s.persons_linked("assessor-ogre").await;
    let provider_people = s.persons_linked("provider-ogre").await;
    assert_eq!(assessor_people.len(), 5);
    assert_eq!(provider_people.len(), 6);
    assert_eq!(s.persons_linked("broker-ogre").await.len(), 4);
    assert_eq!(
        s.persons_linked("person-ogre").await,
        vec![ogre],
        "the person sees only their own record"
    );

    // (user, list status, list count, Ogre person, Tukums person)
    let ogre_linked_to_assessor = assessor_people.contains(&ogre);
    let cases: &[(&str, StatusCode, Option<i64>, StatusCode, StatusCode)] = &[
        (
            "sw-ogre",
            StatusCode::OK,
            Some(20),
            StatusCode::OK,
            StatusCode::NOT_FOUND,
        ),
        (
            "sw-tukums",
            StatusCode::OK,
            Some(20),
            StatusCode::NOT_FOUND,
            StatusCode::OK,
        ),
        (
            "approver-ogre",
            StatusCode::OK,
            Some(20),
            StatusCode::OK,
            StatusCode::NOT_FOUND,
        ),
        (
            "assessor-ogre",
            StatusCode::OK,
            Some(5),
            if ogre_linked_to_assessor {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            },
            StatusCode::NOT_FOUND,
        ),
        (
            "analyst",
            StatusCode::FORBIDDEN,
            None,
            StatusCode::NOT_FOUND,
            StatusCode::NOT_FOUND,
        ),
        (
            "admin",
            StatusCode::FORBIDDEN,
            None,
            StatusCode::NOT_FOUND,
            StatusCode::NOT_FOUND,
        ),
        (
            "person-ogre",
            StatusCode::OK,
            Some(1),
            StatusCode::OK,
            StatusCode::NOT_FOUND,
        ),
    ];
    for (user, list, count, read_ogre, read_tukums) in cases {
        let t = s.token(user).await;
        let (st, v) = s.get(Some(&t), "/api/v1/persons").await;
        assert_eq!(st, *list, "{user} list");
        if let Some(c) = count {
            assert_eq!(v["total"].as_i64(), Some(*c), "{user} list count");
        }
        assert_eq!(
            s.get(Some(&t), &format!("/api/v1/persons/{ogre}")).await.0,
            *read_ogre,
            "{user} reads Ogre"
        );
        assert_eq!(
            s.get(Some(&t), &format!("/api/v1/persons/{tukums}"))
                .await
                .0,
            *read_tukums,
            "{user} reads Tukums"
        );
    }
    // Provider staff read their clients only.
    let t = s.token("provider-ogre").await;
    assert_eq!(
        s.get(Some(&t), &format!("/api/v1/persons/{}", provider_people[0]))
            .await
            .0,
        StatusCode::OK
    );
    let not_client = s
        .persons_linked("sw-ogre")
        .await
        .into_iter()
        .find(|p| !provider_people.contains(p))
        .unwrap();
    assert_eq!(
        s.get(Some(&t), &format!("/api/v1/persons/{not_client}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Out of scope answers exactly like a record that does not exist.
    let t = s.token("sw-ogre").await;
    let (_, out_of_scope) = s.get(Some(&t), &format!("/api/v1/persons/{tukums}")).await;
    let (_, missing) = s.get(Some(&t), "/api/v1/persons/99999999").await;
    assert_eq!(out_of_scope, missing);
    assert_eq!(
        s.get(Some(&t), "/api/v1/persons/abc").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.get(None, &format!("/api/v1/persons/{ogre}")).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_are_in_the_audit_log_for_those_allowed_to_see_it() {
    let s = start(None).await;
    let ogre = s.first_person_of("ogre").await;
    let sw = s.token("sw-ogre").await;
    assert_eq!(
        s.get(Some(&sw), &format!("/api/v1/persons/{ogre}")).await.0,
        StatusCode::OK
    );
    let approver = s.token("approver-ogre").await;
    let (st, v) = s
        .get(Some(&approver), &format!("/api/v1/audit?person_id={ogre}"))
        .await;
    assert_eq!(st, StatusCode::OK);
    let entries = v["items"].as_array().unwrap();
    assert!(
        entries.iter().any(|e| e["action"] == "read"
            && e["actor"] == "sw-ogre"
            && e["remote"] == "127.0.0.1"),
        "{v}"
    );
    // The person sees who read their record; admin sees the log; others do not.
    let me = s.token("person-ogre").await;
    assert_eq!(
        s.get(Some(&me), &format!("/api/v1/audit?person_id={ogre}"))
            .await
            .0,
        StatusCode::OK
    );
    let admin = s.token("admin").await;
    assert_eq!(
        s.get(Some(&admin), &format!("/api/v1/audit?person_id={ogre}"))
            .await
            .0,
        StatusCode::OK
    );
    let other = s.token("sw-tukums").await;
    assert_eq!(
        s.get(Some(&other), &format!("/api/v1/audit?person_id={ogre}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let analyst = s.token("analyst").await;
    assert_eq!(
        s.get(Some(&analyst), &format!("/api/v1/audit?person_id={ogre}"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (st, v) = s.get(Some(&approver), "/api/v1/audit?person_id=abc").await;
    assert_eq!(
        (st, field_of(&v).as_str()),
        (StatusCode::BAD_REQUEST, "person_id")
    );
    assert!(matches!(
        s.store.verify_audit().await.unwrap(),
        ibis_store::audit::ChainStatus::Intact { .. }
    ));
}

fn person_json(code: &str, birth: &str) -> String {
    json!({"personal_code": code, "given_name": "Līga", "family_name": "Ozola", "birth_date": birth, "target_group": "adult-grt", "municipality": "ogre", "living": "group-flat"}).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registering_people_refuses_bad_input_and_writes_nothing() {
    let s = start(None).await;
    let sw = s.token("sw-ogre").await;
    let count = || async {
        s.get(Some(&sw), "/api/v1/persons").await.1["total"]
            .as_i64()
            .unwrap()
    };
    let before = count().await;
    let cases: &[(&str, StatusCode, &str)] = &[
        ("{not json", StatusCode::BAD_REQUEST, "(body)"),
        (
            r#"{"personal_code": 5}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "personal_code",
        ),
        (
            &person_json("010101-10007", "1901-01-01"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "personal_code",
        ),
        (
            &person_json("32000000001", "2099-01-01"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "birth_date",
        ),
        (
            &person_json("32000000001", "1990-13-01"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "birth_date",
        ),
    ];
    for (body, status, field) in cases {
        let (st, v) = s.post(Some(&sw), "/api/v1/persons", body).await;
        assert_eq!(
            (st, field_of(&v).as_str()),
            (*status, *field),
            "{body}: {v}"
        );
    }
    let mut with_extra: Value =
        serde_json::from_str(&person_json("32000000001", "1990-01-01")).unwrap();
    with_extra["is_admin"] = json!(true);
    let (st, v) = s
        .post(Some(&sw), "/api/v1/persons", &with_extra.to_string())
        .await;
    assert_eq!(
        (st, field_of(&v).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "is_admin")
    );
    let (st, _) = s
        .client
        .post(format!("{}/api/v1/persons", s.base))
        .bearer_auth(&sw)
        .body(person_json("32000000001", "1990-01-01"))
        .send()
        .await
        .map(|r| (r.status(), ()))
        .unwrap();
    assert_eq!(st, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Too large a body: the server answers 413 once it has read past the limit, and closes
    // the connection without reading the rest. A client still writing the rest may see the
    // connection reset before it reads the answer (hyper's "IncompleteMessage"), so this
    // request goes on a connection of its own, sent again (at most three times) when the
    // connection fails before an answer; the answer, once there, must be 413.
    let huge = format!(r#"{{"personal_code": "{}"}}"#, "9".repeat(2 * 1024 * 1024));
    let alone = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut answer = None;
    for _ in 0..3 {
        match alone
            .post(format!("{}/api/v1/persons", s.base))
            .header("content-type", "application/json")
            .bearer_auth(&sw)
            .body(huge.clone())
            .send()
            .await
        {
            Ok(r) => {
                answer = Some(r.status());
                break;
            }
            Err(e) => println!("the 2 MB request's connection failed before an answer: {e}"),
        }
    }
    assert_eq!(answer, Some(StatusCode::PAYLOAD_TOO_LARGE));
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let (st, v) = s.post(Some(&sw), "/api/v1/persons", &deep).await;
    assert!(
        st.is_client_error() && v["error"]["code"].is_string(),
        "deep JSON is refused cleanly: {st} {v}"
    );
    assert_eq!(count().await, before, "nothing was written");

    // A good record, then the same code again.
    let (st, v) = s
        .post(
            Some(&sw),
            "/api/v1/persons",
            &person_json("32000000001", "1990-01-01"),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["personal_code"], "320000-00001");
    let (st, v) = s
        .post(
            Some(&sw),
            "/api/v1/persons",
            &person_json("320000-00001", "1990-01-01"),
        )
        .await;
    assert_eq!(
        (st, field_of(&v).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "personal_code")
    );
    assert_eq!(count().await, before + 1);

    // Other roles may not register; a worker may not register for another municipality.
    for user in [
        "approver-ogre",
        "admin",
        "analyst",
        "provider-ogre",
        "person-ogre",
    ] {
        let t = s.token(user).await;
        assert_eq!(
            s.post(
                Some(&t),
                "/api/v1/persons",
                &person_json("32000000002", "1990-01-01")
            )
            .await
            .0,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
    let tukums = s.token("sw-tukums").await;
    let (st, v) = s
        .post(
            Some(&tukums),
            "/api/v1/persons",
            &person_json("32000000002", "1990-01-01"),
        )
        .await;
    assert_eq!(
        (st, field_of(&v).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "municipality")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_a_record_and_what_hangs_off_it() {
    let s = start(None).await;
    let id = s.first_person_of("ogre").await;
    let sw = s.token("sw-ogre").await;
    let patch = |token: String, body: Value| {
        let c = s.client.clone();
        let url = format!("{}/api/v1/persons/{id}", s.base);
        async move {
            let r = c
                .patch(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (st, v) = patch(sw.clone(), json!({"version": 1, "living": "group-flat"})).await;
    assert_eq!(
        (st, v["version"].as_i64()),
        (StatusCode::OK, Some(2)),
        "{v}"
    );
    let (st, v) = patch(sw.clone(), json!({"version": 1, "living": "family"})).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (st, _) = patch(
        s.token("sw-tukums").await,
        json!({"version": 2, "living": "family"}),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = patch(
        s.token("approver-ogre").await,
        json!({"version": 2, "living": "family"}),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "in scope but may not change");

    let (st, v) = s.post(Some(&sw), &format!("/api/v1/persons/{id}/relatives"), r#"{"name":"Foster Family Kalniņi","relation":"foster-family","legal_representative":true}"#).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, v) = s
        .post(
            Some(&sw),
            &format!("/api/v1/persons/{id}/relatives"),
            r#"{"name":"X","relation":"cousin"}"#,
        )
        .await;
    assert_eq!(
        (st, field_of(&v).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "relation")
    );
    let (st, _) = s
        .post(
            Some(&sw),
            &format!("/api/v1/persons/{id}/determinations"),
            r#"{"kind":"group-2","valid_from":"2026-01-01"}"#,
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, v) = s
        .post(
            Some(&sw),
            &format!("/api/v1/persons/{id}/determinations"),
            r#"{"kind":"group-2","valid_from":"2026-01-01","valid_to":"2025-01-01"}"#,
        )
        .await;
    assert_eq!(
        (st, field_of(&v).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "valid_to")
    );
    let (st, v) = s
        .post(
            Some(&sw),
            &format!("/api/v1/persons/{id}/consents"),
            r#"{"purpose":"data-processing","given_by":"the person","given_on":"2026-11-01"}"#,
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let cid = v["id"].as_i64().unwrap();
    assert_eq!(
        s.post(
            Some(&sw),
            &format!("/api/v1/persons/{id}/consents/{cid}/withdraw"),
            ""
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    let (_, rec) = s.get(Some(&sw), &format!("/api/v1/persons/{id}")).await;
    assert_eq!(rec["person"]["living"], "group-flat");
    assert!(rec["relatives"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["relation"] == "foster-family"));
    assert!(rec["consents"][0]["withdrawn_on"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn providers_and_catalogue() {
    let s = start(None).await;
    let sw = s.token("sw-ogre").await;
    let (st, v) = s
        .get(Some(&sw), "/api/v1/catalogue/service-types?limit=500")
        .await;
    assert_eq!((st, v["total"].as_i64()), (StatusCode::OK, Some(259)));
    let (_, v) = s
        .get(
            Some(&sw),
            "/api/v1/catalogue/service-types?category=leisure&limit=100",
        )
        .await;
    assert_eq!(v["total"].as_i64(), Some(31));
    assert_eq!(
        s.get(Some(&sw), "/api/v1/catalogue/service-types?limit=abc")
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        s.get(Some(&sw), "/api/v1/catalogue/service-types/mentor")
            .await
            .1["unit"],
        "hour"
    );
    let (_, v) = s
        .get(Some(&sw), "/api/v1/providers?municipality=ogre")
        .await;
    assert_eq!(v["total"].as_i64(), Some(2));
    let admin = s.token("admin").await;
    let body =
        r#"{"register_no":"SPSR-9999","name":"Jauns","kind":"ngo","municipalities":["ogre"]}"#;
    assert_eq!(
        s.post(Some(&sw), "/api/v1/providers", body).await.0,
        StatusCode::FORBIDDEN
    );
    let (st, v) = s.post(Some(&admin), "/api/v1/providers", body).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let pid = v["id"].as_i64().unwrap();
    let (st, v) = s
        .post(
            Some(&admin),
            &format!("/api/v1/providers/{pid}/offers"),
            r#"{"service":"mentor","price_eur":"5.25","valid_from":"2027-01-01"}"#,
        )
        .await;
    assert_eq!(
        (st, v["price_eur"].as_str()),
        (StatusCode::CREATED, Some("5.25"))
    );
    let prov = s.token("provider-ogre").await;
    assert_eq!(
        s.post(
            Some(&prov),
            &format!("/api/v1/providers/{pid}/offers"),
            r#"{"service":"mentor","price_eur":"5.30","valid_from":"2028-01-01"}"#
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_on_postgres() {
    let url = ibis_testkit::shared().fresh_database().unwrap();
    let s = start(Some(url)).await;
    let ogre = s.first_person_of("ogre").await;
    let sw = s.token("sw-ogre").await;
    assert_eq!(
        s.get(Some(&sw), &format!("/api/v1/persons/{ogre}")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        s.get(
            Some(&s.token("sw-tukums").await),
            &format!("/api/v1/persons/{ogre}")
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (st, _) = s
        .post(
            Some(&sw),
            "/api/v1/persons",
            &person_json("32000000001", "1990-01-01"),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, v) = s
        .get(
            Some(&s.token("approver-ogre").await),
            &format!("/api/v1/audit?person_id={ogre}"),
        )
        .await;
    assert!(v["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "read"));
}

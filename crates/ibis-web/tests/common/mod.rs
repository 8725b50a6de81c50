//! What the black-box API tests share: a real server on a fresh database with the demo data,
//! and a small JSON client that signs in as a demo user.

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

/// A running server and the store behind it.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A client without cookies.
    pub client: Client,
    /// The store, for checks the API does not expose.
    pub store: ibis_store::Store,
    _dir: TempDir,
}

/// A temporary folder removed when dropped.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A server on a fresh database with the demo data: SQLite in a temporary folder, or a
/// database on the test harness's PostgreSQL server.
pub async fn start(postgres: bool) -> Server {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "ibis-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&d).unwrap();
    let url = if postgres {
        ibis_testkit::shared().fresh_database().unwrap()
    } else {
        format!("sqlite://{}/ibis.db", d.display())
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
        _dir: TempDir(d),
    }
}

impl Server {
    /// A bearer token of a demo user.
    pub async fn token(&self, user: &str) -> String {
        let r = self
            .client
            .post(format!("{}/api/v1/auth/token", self.base))
            .json(&json!({"username": user, "password": "ibis-demo"}))
            .send()
            .await
            .unwrap();
        r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A request with a token and an optional JSON body: status, JSON (or null) and text.
    pub async fn call(
        &self,
        method: Method,
        token: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value, String) {
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
        )
    }

    /// `GET` with a token: status and JSON.
    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let (s, v, _) = self.call(Method::GET, token, path, None).await;
        (s, v)
    }

    /// `GET` with a token: status, JSON and the text itself.
    pub async fn get_text(&self, token: &str, path: &str) -> (StatusCode, Value, String) {
        self.call(Method::GET, token, path, None).await
    }

    /// `POST` of JSON with a token: status and JSON.
    pub async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let (s, v, _) = self.call(Method::POST, token, path, Some(body)).await;
        (s, v)
    }

    /// A browser (cookies kept, redirects not followed) signed in as a demo user through the
    /// sign-in form.
    pub async fn signed_in(&self, username: &str) -> Client {
        let c = Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = c
            .post(format!("{}/sign-in", self.base))
            .form(&[
                ("username", username),
                ("password", "ibis-demo"),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in of {username}");
        c
    }

    /// A page fetched by a browser: status and text.
    pub async fn page_get(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let r = c
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

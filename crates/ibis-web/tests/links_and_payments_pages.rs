#![allow(clippy::unwrap_used)]
//! Two pages against a running server with the demo data. Linked users: the list and the form
//! (labelled, CSRF), a link made by user name, a user whose role does not fit shown at its
//! field, no form without the CSRF token, other roles and other municipalities refused, and the
//! linked assessor then seeing the record. Payments: an approver prepares a run (a bad IBAN
//! shown at its field), may not review their own run, a social worker reviews it, the approver
//! releases it; other roles get no page.

use std::sync::Arc;

use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct App {
    base: String,
    store: ibis_store::Store,
    _dir: TempDir,
}

async fn start() -> App {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ibis-links-pages-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = ibis_store::Store::open(&format!("sqlite://{}/ibis.db", dir.display()))
        .await
        .unwrap();
    ibis_store::demo::load(&store, ibis_web::today())
        .await
        .unwrap();
    let state = ibis_web::AppState {
        store: store.clone(),
        policies: Arc::new(ibis_core::policy::PolicySet::builtin().unwrap()).into(),
        secure_cookies: false,
    };
    // The demo's budgets, plans, agreements and claims, as `ibis serve --demo` loads them.
    ibis_web::demo_cycle::load(&state).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(ibis_web::serve(listener, state));
    App {
        base,
        store,
        _dir: TempDir(dir),
    }
}

impl App {
    async fn signed_in(&self, user: &str) -> Client {
        let c = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap();
        let r = c
            .post(format!("{}/sign-in", self.base))
            .form(&[("username", user), ("password", "ibis-demo"), ("next", "/")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in of {user}");
        c
    }

    async fn get(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let r = c.get(format!("{}{path}", self.base)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    async fn post(&self, c: &Client, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let r = c
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

/// The value of the first `name="csrf"` field.
fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_social_worker_links_users_to_a_record() {
    let app = start().await;
    let ogre = ibis_core::access::Scope::Municipality("ogre".into());
    let people = app
        .store
        .persons(
            &ibis_store::Auditor::system("test"),
            &ogre,
            None,
            ibis_store::PageRequest::new(Some(200), None),
        )
        .await
        .unwrap()
        .items;
    let assessor_id = app
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "assessor-ogre")
        .unwrap()
        .id;
    // A person of Ogre the demo assessor is not linked to.
    let mut pid = None;
    for p in &people {
        let linked = app
            .store
            .person_in_scope(&ibis_core::access::Scope::Linked(assessor_id), p.id)
            .await
            .unwrap();
        if !linked {
            pid = Some(p.id);
            break;
        }
    }
    let pid = pid.unwrap();
    let path = format!("/people/{pid}/links");

    let sw = app.signed_in("sw-ogre").await;
    let (status, record) = app.get(&sw, &format!("/people/{pid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        record.contains(&format!("href=\"{path}\"")),
        "the record links the page"
    );
    let (status, html) = app.get(&sw, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<label for=\"f-username\">Lietotājvārds</label>"));
    assert!(html.contains("<label for=\"f-kind\">Piesaiste</label>"));
    assert!(html.contains(&format!("action=\"{path}\"")));

    // Without the CSRF token nothing is linked.
    let (status, _) = app
        .post(
            &sw,
            &path,
            &[("username", "assessor-ogre"), ("kind", "assessor")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A broker is no assessor: the form again, the problem at the user name.
    let token = csrf(&html);
    let (status, html) = app
        .post(
            &sw,
            &path,
            &[
                ("csrf", &token),
                ("username", "broker-ogre"),
                ("kind", "assessor"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("<a href=\"#f-username\">"), "{html}");
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(
        html.contains("value=\"broker-ogre\""),
        "what was typed is kept"
    );

    let (status, _) = app
        .post(
            &sw,
            &path,
            &[
                ("csrf", &token),
                ("username", "assessor-ogre"),
                ("kind", "assessor"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&sw, &path).await;
    assert!(html.contains("<td>assessor-ogre</td>") && html.contains("vērtētājs"));

    // The assessor now sees the record; other roles and municipalities get no page.
    let assessor = app.signed_in("assessor-ogre").await;
    assert_eq!(
        app.get(&assessor, &format!("/people/{pid}")).await.0,
        StatusCode::OK
    );
    assert_eq!(app.get(&assessor, &path).await.0, StatusCode::FORBIDDEN);
    let approver = app.signed_in("approver-ogre").await;
    assert_eq!(app.get(&approver, &path).await.0, StatusCode::FORBIDDEN);
    let tukums = app.signed_in("sw-tukums").await;
    assert_eq!(app.get(&tukums, &path).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_runs_are_prepared_reviewed_and_released_by_two_people() {
    let app = start().await;
    let approver = app.signed_in("approver-ogre").await;
    let (status, html) = app.get(&approver, "/payments").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("href=\"/payments\" aria-current=\"page\""),
        "in the navigation"
    );
    assert!(html.contains("<label for=\"f-debtor_iban\">Maksātāja konta numurs (IBAN)</label>"));
    let token = csrf(&html);
    let today = ibis_web::today().to_string();

    // Without the token nothing happens; a bad IBAN is shown at its field.
    let (status, _) = app
        .post(
            &approver,
            "/payments",
            &[
                ("debtor_name", "Ogre"),
                ("debtor_iban", "LV80BANK0000435195001"),
                ("execution_date", &today),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, html) = app
        .post(
            &approver,
            "/payments",
            &[
                ("csrf", &token),
                ("debtor_name", "Ogres novada pašvaldība"),
                ("debtor_iban", "LV00NOTANIBAN"),
                ("execution_date", &today),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("<a href=\"#f-debtor_iban\">"), "{html}");
    assert!(
        html.contains("value=\"LV00NOTANIBAN\""),
        "what was typed is kept"
    );

    let (status, html) = app
        .post(
            &approver,
            "/payments",
            &[
                ("csrf", &token),
                ("debtor_name", "Ogres novada pašvaldība"),
                ("debtor_iban", "LV80BANK0000435195001"),
                ("execution_date", &today),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let (_, html) = app.get(&approver, "/payments").await;
    assert!(html.contains("<td>sagatavots</td>"), "{html}");
    let run = html[html.find("action=\"/payments/").unwrap() + "action=\"/payments/".len()..]
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let state = format!("/payments/{run}/state");

    // Four eyes: who prepared it does not review it.
    let (status, html) = app
        .post(&approver, &state, &[("csrf", &token), ("action", "review")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("role=\"alert\""));

    let sw = app.signed_in("sw-ogre").await;
    let (status, html) = app.get(&sw, "/payments").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("action=\"/payments\""),
        "social workers do not prepare runs"
    );
    let sw_token = csrf(&html);
    let (status, _) = app
        .post(&sw, &state, &[("csrf", &sw_token), ("action", "release")])
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "social workers do not release"
    );
    let (status, _) = app
        .post(&sw, &state, &[("csrf", &sw_token), ("action", "review")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (status, _) = app
        .post(
            &approver,
            &state,
            &[("csrf", &token), ("action", "release")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&approver, "/payments").await;
    assert!(html.contains("<td>izpildīts</td>") && html.contains("pārbaudīja sw-ogre"));

    for user in ["provider-ogre", "person-ogre", "analyst"] {
        let c = app.signed_in(user).await;
        assert_eq!(
            app.get(&c, "/payments").await.0,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
}

#![allow(clippy::unwrap_used)]
//! Black-box tests of the HTML pages against a running server on a fresh SQLite store: the
//! languages, sign-in and its cookie, CSRF, registering a person, scope (404 alike for out of
//! scope and missing), and the accessible structure of every page.

mod html;

use html::{attr, attr_after, check_page, tags};

use std::collections::HashSet;
use std::sync::Arc;

use ibis_core::access::{Role, Scope};
use ibis_store::auth::NewUser;
use ibis_store::{Auditor, PageRequest};
use reqwest::header::{LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

const PASSWORD: &str = "a long enough password";

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

async fn start_with(secure_cookies: bool) -> App {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ibis-pages-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let store = ibis_store::Store::open(&format!("sqlite://{}/ibis.db", dir.display()))
        .await
        .unwrap();
    for (username, display_name, role, municipality) in [
        ("ogre-sw", "Ilze Ozola", Role::SocialWorker, Some("ogre")),
        (
            "bauska-sw",
            "Jānis Kalniņš",
            Role::SocialWorker,
            Some("bauska"),
        ),
        ("ogre-approver", "Anna Liepa", Role::Approver, Some("ogre")),
        ("analyst", "Pēteris Bērziņš", Role::Analyst, None),
    ] {
        store
            .create_user(&NewUser {
                username: username.into(),
                password: PASSWORD.into(),
                display_name: display_name.into(),
                role,
                municipality: municipality.map(str::to_owned),
                provider_id: None,
            })
            .await
            .unwrap();
    }
    let state = ibis_web::AppState {
        store: store.clone(),
        policies: Arc::new(ibis_core::policy::PolicySet::builtin().unwrap()).into(),
        secure_cookies,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(ibis_web::serve(listener, state));
    App {
        base,
        store,
        _dir: TempDir(dir),
    }
}

async fn start() -> App {
    start_with(false).await
}

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn system() -> Auditor {
    Auditor {
        actor_id: None,
        actor: "test".into(),
        remote: "test".into(),
    }
}

impl App {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn get(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let r = c.get(self.url(path)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    async fn post(&self, c: &Client, path: &str, form: &[(&str, &str)]) -> Response {
        c.post(self.url(path)).form(form).send().await.unwrap()
    }

    async fn signed_in(&self, username: &str) -> Client {
        let c = client();
        let r = self
            .post(
                &c,
                "/sign-in",
                &[
                    ("username", username),
                    ("password", PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in of {username}");
        c
    }

    /// The CSRF token of the signed-in client, read from a page's forms.
    async fn csrf(&self, c: &Client) -> String {
        let (_, html) = self.get(c, "/").await;
        attr_after(&html, "name=\"csrf\"", "value").expect("a csrf field")
    }

    async fn person_count(&self, municipality: &str) -> i64 {
        self.store
            .persons(
                &system(),
                &Scope::Municipality(municipality.into()),
                None,
                PageRequest::default(),
            )
            .await
            .unwrap()
            .total
    }

    async fn register(&self, c: &Client, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf(c).await;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post(c, "/people/new", &form).await
    }
}

fn valid_person() -> Vec<(&'static str, &'static str)> {
    vec![
        ("personal_code", "32345678901"),
        ("given_name", "Laura"),
        ("family_name", "Bērziņa"),
        ("birth_date", "2015-03-04"),
        ("target_group", "child-ft"),
        ("municipality", "ogre"),
        ("living", "family"),
    ]
}

#[tokio::test]
async fn sign_in_page_is_latvian_by_default_and_english_after_switching() {
    let app = start().await;
    let c = client();
    let (status, html) = app.get(&c, "/sign-in").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<html lang=\"lv\">"));
    assert!(
        html.contains("Pieslēgties") && html.contains("Lietotājvārds") && html.contains("Parole")
    );
    check_page("/sign-in", &html);

    let r = app
        .post(&c, "/lang", &[("lang", "en"), ("next", "/sign-in")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/sign-in");
    let cookie = r.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("ibis_lang=en")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (_, html) = app.get(&c, "/sign-in").await;
    assert!(html.contains("<html lang=\"en\">"));
    assert!(
        html.contains("Sign in") && html.contains("User name") && !html.contains("Lietotājvārds")
    );
    check_page("/sign-in (en)", &html);

    // The language chosen before signing in becomes the user's.
    let r = app
        .post(
            &c,
            "/sign-in",
            &[
                ("username", "ogre-sw"),
                ("password", PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get(&c, "/").await;
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("Social worker (case manager)"),
        "{html}"
    );

    // A signed-in user's switch is CSRF-checked and saved with the user.
    let csrf = attr_after(&html, "name=\"csrf\"", "value").unwrap();
    let r = app
        .post(&c, "/lang", &[("lang", "lv"), ("next", "/people")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post(
            &c,
            "/lang",
            &[("lang", "lv"), ("next", "/people"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/people");
    let users = app.store.users().await.unwrap();
    assert_eq!(
        users.iter().find(|u| u.username == "ogre-sw").unwrap().lang,
        "lv"
    );
    let (_, html) = app.get(&c, "/people").await;
    assert!(html.contains("<html lang=\"lv\">") && html.contains("Sociālais darbinieks"));

    // A switch never leaves the site.
    let r = app
        .post(
            &c,
            "/lang",
            &[("lang", "en"), ("next", "//evil.example/"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.headers()[LOCATION], "/");
}

#[tokio::test]
async fn wrong_name_or_password_get_one_generic_message_and_too_many_are_limited() {
    let app = start().await;
    let c = client();
    let generic = "Nepareizs lietotājvārds vai parole.";
    let r = app
        .post(
            &c,
            "/sign-in",
            &[("username", "ogre-sw"), ("password", "wrong")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong_password = r.text().await.unwrap();
    assert!(wrong_password.contains(generic) && wrong_password.contains("role=\"alert\""));
    assert!(
        !wrong_password.contains("value=\"wrong\""),
        "the password is never echoed"
    );
    let r = app
        .post(
            &c,
            "/sign-in",
            &[("username", "nobody"), ("password", "wrong")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong_name = r.text().await.unwrap();
    assert!(wrong_name.contains(generic));
    assert_eq!(
        wrong_password.replace("ogre-sw", "nobody"),
        wrong_name,
        "the two answers differ only in the name echoed"
    );
    check_page("/sign-in (failed)", &wrong_name);

    for _ in 0..4 {
        app.post(
            &c,
            "/sign-in",
            &[("username", "ogre-sw"), ("password", "wrong")],
        )
        .await;
    }
    let r = app
        .post(
            &c,
            "/sign-in",
            &[("username", "ogre-sw"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let html = r.text().await.unwrap();
    assert!(html.contains("pārāk daudz neveiksmīgu mēģinājumu") && !html.contains(generic));
}

#[tokio::test]
async fn sign_in_sets_a_session_cookie_and_sign_out_ends_the_session() {
    let app = start().await;
    let c = client();
    let (_, html) = app.get(&c, "/sign-in?next=%2Fpeople").await;
    assert_eq!(
        attr_after(&html, "name=\"next\" value=\"/people\"", "value").as_deref(),
        Some("/people")
    );
    let r = app
        .post(
            &c,
            "/sign-in",
            &[
                ("username", "ogre-sw"),
                ("password", PASSWORD),
                ("next", "/people"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/people");
    let cookie = r.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("ibis_session="), "{cookie}");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP in development: {cookie}"
    );
    let (status, html) = app.get(&c, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Ilze Ozola")
            && html.contains("Sociālais darbinieks (gadījuma vadītājs)")
            && html.contains("Ogres novads")
    );
    check_page("/", &html);
    // Signed in, the sign-in page goes on to the start page.
    let r = c.get(app.url("/sign-in")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let csrf = app.csrf(&c).await;
    let r = app.post(&c, "/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/sign-in");
    let cleared = r.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cleared.starts_with("ibis_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/sign-in");

    let secure = start_with(true).await;
    let r = secure
        .post(
            &client(),
            "/sign-in",
            &[("username", "ogre-sw"), ("password", PASSWORD)],
        )
        .await;
    let cookie = r.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_another_site_are_refused() {
    let app = start().await;
    let c = app.signed_in("ogre-sw").await;
    let mut fields = valid_person();
    let r = app.post(&c, "/people/new", &fields).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let html = r.text().await.unwrap();
    assert!(html.contains("Veidlapu neizdevās nosūtīt"));
    check_page("403 csrf", &html);
    fields.push(("csrf", "0000"));
    assert_eq!(
        app.post(&c, "/people/new", &fields).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.person_count("ogre").await, 0, "nothing was written");

    // Sign-out is a form too; the session survives a forged one.
    assert_eq!(
        app.post(&c, "/sign-out", &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get(&c, "/").await.0, StatusCode::OK);

    // The right token from another site is refused as well.
    let csrf = app.csrf(&c).await;
    let r = c
        .post(app.url("/sign-out"))
        .header("Origin", "http://evil.example")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Login CSRF: a sign-in form posted from another site is refused before any check.
    let r = client()
        .post(app.url("/sign-in"))
        .header("Origin", "http://evil.example")
        .form(&[("username", "ogre-sw"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get(SET_COOKIE).is_none());
    let r = client()
        .post(app.url("/sign-in"))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("username", "ogre-sw"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // From this site it works.
    let r = client()
        .post(app.url("/sign-in"))
        .header("Origin", app.base.as_str())
        .form(&[("username", "ogre-sw"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn registering_with_an_invalid_personal_code_shows_the_error_at_the_field_and_writes_nothing()
{
    let app = start().await;
    let c = app.signed_in("ogre-sw").await;
    let (status, form) = app.get(&c, "/people/new").await;
    assert_eq!(status, StatusCode::OK);
    check_page("/people/new", &form);
    let ogre = tags(&form, "option")
        .into_iter()
        .find(|o| o.contains("value=\"ogre\""))
        .unwrap();
    assert!(
        ogre.contains("selected"),
        "the worker's municipality is preset"
    );

    let mut fields = valid_person();
    fields[0] = ("personal_code", "123");
    fields[1] = ("given_name", " ");
    let r = app.register(&c, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    check_page("/people/new (errors)", &html);
    assert!(html.contains("role=\"alert\""));
    assert!(
        html.contains("<a href=\"#f-personal_code\">Personas kods: "),
        "the summary links to the field"
    );
    assert!(html.contains("id=\"f-personal_code-error\""));
    let input = tags(&html, "input")
        .into_iter()
        .find(|t| t.contains("id=\"f-personal_code\""))
        .unwrap();
    assert!(
        input.contains("aria-invalid=\"true\"")
            && attr(input, "aria-describedby")
                .unwrap()
                .contains("f-personal_code-error")
    );
    assert_eq!(
        attr(input, "value").as_deref(),
        Some("123"),
        "what was typed stays"
    );
    assert!(html.contains("must have 11 digits"), "the detail is shown");
    assert!(
        html.contains("Šis lauks ir obligāts."),
        "the empty name is reported in Latvian"
    );
    assert!(html.contains("value=\"Bērziņa\""));
    assert_eq!(app.person_count("ogre").await, 0);

    // A store refusal (another municipality) is shown at its field as well.
    let mut fields = valid_person();
    fields[5] = ("municipality", "bauska");
    let r = app.register(&c, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<a href=\"#f-municipality\">") && html.contains("tikai savas pašvaldības")
    );
    assert_eq!(app.person_count("bauska").await, 0);

    // Roles that may not register get 403.
    let approver = app.signed_in("ogre-approver").await;
    assert_eq!(
        app.get(&approver, "/people/new").await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_registered_person_is_shown_in_scope_and_hidden_alike_outside_it() {
    let app = start().await;
    let c = app.signed_in("ogre-sw").await;
    let r = app.register(&c, &valid_person()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/people/"), "{location}");
    let id: i64 = location["/people/".len()..].parse().unwrap();

    // Add what hangs off the record, including a lifelong determination.
    let scope = Scope::Municipality("ogre".into());
    let d = ibis_core::registry::DeterminationInput {
        kind: "child".into(),
        valid_from: "2020-01-01".into(),
        ..Default::default()
    }
    .check()
    .unwrap();
    app.store
        .add_determination(&system(), &scope, id, &d)
        .await
        .unwrap();
    let d = ibis_core::registry::DeterminationInput {
        kind: "child".into(),
        valid_from: "2018-01-01".into(),
        valid_to: Some("2020-01-01".into()),
        ..Default::default()
    }
    .check()
    .unwrap();
    app.store
        .add_determination(&system(), &scope, id, &d)
        .await
        .unwrap();
    let r = ibis_core::registry::RelativeInput {
        name: "Inese Bērziņa".into(),
        relation: "parent".into(),
        legal_representative: true,
        ..Default::default()
    }
    .check()
    .unwrap();
    app.store
        .add_relative(&system(), &scope, id, &r)
        .await
        .unwrap();
    let consent = ibis_core::registry::ConsentInput {
        purpose: "data-processing".into(),
        given_by: "Inese Bērziņa".into(),
        given_on: "2024-05-02".into(),
        note: String::new(),
    }
    .check(ibis_web::today())
    .unwrap();
    app.store
        .add_consent(&system(), &scope, id, &consent)
        .await
        .unwrap();

    let (status, html) = app.get(&c, &location).await;
    assert_eq!(status, StatusCode::OK);
    check_page(&location, &html);
    for text in [
        "Laura Bērziņa",
        "323456-78901",
        "04.03.2015",
        "Bērns ar funkcionāliem traucējumiem",
        "Ogres novads",
        "ģimenē",
    ] {
        assert!(html.contains(text), "the record shows {text}");
    }
    assert!(
        html.contains("uz mūžu"),
        "a lifelong determination is shown as such"
    );
    assert!(
        html.contains("31.12.2019"),
        "a determination's last day is the day before its end"
    );
    assert!(
        html.contains("Inese Bērziņa")
            && html.contains("vecāks")
            && html.contains("personas datu apstrāde")
    );

    // The list shows the person, and finds them by name.
    let (_, list) = app.get(&c, "/people?q=b%C4%93rzi%C5%86a").await;
    check_page("/people", &list);
    assert!(list.contains(&format!("href=\"/people/{id}\"")) && list.contains("Atrasta 1 persona"));
    assert!(
        list.contains("href=\"/people/new\""),
        "social workers see the registration link"
    );
    let (_, none) = app.get(&c, "/people?q=nobody").await;
    assert!(none.contains("Nav atrasta neviena persona") && !none.contains("<table"));

    // The worker of another municipality gets the same 404 as for an id that does not exist.
    let other = app.signed_in("bauska-sw").await;
    let (status, hidden) = app.get(&other, &location).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, missing) = app.get(&other, "/people/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(hidden, missing, "out of scope and missing answer alike");
    assert!(!hidden.contains("Laura"));
    assert_eq!(app.get(&other, "/people/not-a-number").await.1, missing);
    check_page("404", &missing);
    let (_, list) = app.get(&other, "/people").await;
    assert!(!list.contains("Laura"));

    // An analyst may not list people at all: a 403 page in the layout.
    let analyst = app.signed_in("analyst").await;
    let (status, html) = app.get(&analyst, "/people").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Piekļuve liegta"));
    check_page("403", &html);
    assert_eq!(app.get(&analyst, &location).await.0, StatusCode::NOT_FOUND);
    let (_, home) = app.get(&analyst, "/").await;
    assert!(
        !home.contains("href=\"/people\""),
        "no link the role cannot use"
    );
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let app = start().await;
    let c = client();
    for (path, to) in [
        ("/", "/sign-in"),
        ("/people", "/sign-in?next=%2Fpeople"),
        ("/people/1", "/sign-in?next=%2Fpeople%2F1"),
        ("/providers", "/sign-in?next=%2Fproviders"),
        ("/catalogue?q=a", "/sign-in?next=%2Fcatalogue%3Fq%3Da"),
        ("/no-such-page", "/sign-in?next=%2Fno-such-page"),
    ] {
        let r = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.headers()[LOCATION], to, "{path}");
    }
    // Under /api/ an unknown path is the API's JSON 404.
    let r = c
        .get(app.url("/api/v1/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("\"not-found\""));
    // Signed in, an unknown page is the 404 page.
    let c = app.signed_in("ogre-sw").await;
    let (status, html) = app.get(&c, "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Lapa nav atrasta"));
}

#[tokio::test]
async fn providers_and_catalogue_in_the_page_language() {
    let app = start().await;
    let admin = system();
    let p = app
        .store
        .create_provider(
            &admin,
            &ibis_store::providers::ProviderInput {
                register_no: "40008000001".into(),
                name: "Biedrība Saules stari".into(),
                kind: "ngo".into(),
                iban: Some("LV80BANK0000435195001".into()),
                municipalities: vec!["ogre".into(), "bauska".into()],
            },
        )
        .await
        .unwrap();
    app.store
        .add_offer(
            &admin,
            p.id,
            &ibis_store::providers::OfferInput {
                service: "di-1-01".into(),
                price_eur: "12.50".into(),
                valid_from: "2025-01-01".into(),
                valid_to: None,
            },
        )
        .await
        .unwrap();
    let c = app.signed_in("ogre-sw").await;

    let (status, html) = app.get(&c, "/providers").await;
    assert_eq!(status, StatusCode::OK);
    check_page("/providers", &html);
    assert!(
        html.contains("Biedrība Saules stari")
            && html.contains("nevalstiskā organizācija")
            && html.contains("Bauskas novads")
    );
    let (_, filtered) = app.get(&c, "/providers?municipality=riga&service=").await;
    assert!(!filtered.contains("Saules stari"));
    let (_, filtered) = app
        .get(&c, "/providers?municipality=ogre&service=di-1-01")
        .await;
    assert!(filtered.contains("Saules stari"));

    let path = format!("/providers/{}", p.id);
    let (status, html) = app.get(&c, &path).await;
    assert_eq!(status, StatusCode::OK);
    check_page(&path, &html);
    assert!(
        html.contains("Asistenta pakalpojums (no 5 g. vecuma)")
            && html.contains("12,50 EUR")
            && html.contains("stunda")
            && html.contains("bez termiņa")
    );
    assert_eq!(
        app.get(&c, "/providers/999999").await.0,
        StatusCode::NOT_FOUND
    );

    let (status, html) = app.get(&c, "/catalogue").await;
    assert_eq!(status, StatusCode::OK);
    check_page("/catalogue", &html);
    assert_eq!(html.matches("<table").count(), 8, "one table per category");
    assert!(
        html.contains("Veselības aprūpes pakalpojumi")
            && html.contains("vecāks")
            && html.contains("nodarbība")
    );
    let (_, one) = app.get(&c, "/catalogue?category=health-care").await;
    assert_eq!(one.matches("<table").count(), 1);
    let (_, found) = app.get(&c, "/catalogue?q=asistent").await;
    assert!(
        found.contains("Asistenta pakalpojums pēc skolas")
            && !found.contains("Veselības aprūpes pakalpojumi</h2>")
    );

    let csrf = app.csrf(&c).await;
    app.post(
        &c,
        "/lang",
        &[("lang", "en"), ("next", "/catalogue"), ("csrf", &csrf)],
    )
    .await;
    let (_, html) = app.get(&c, "/catalogue").await;
    assert!(
        html.contains("<html lang=\"en\">")
            && html.contains("Health-care services")
            && html.contains("Assistant service after school")
            && html.contains("a parent")
    );
    check_page("/catalogue (en)", &html);
    let (_, html) = app.get(&c, &path).await;
    assert!(
        html.contains("EUR 12.50")
            && html.contains("Assistant service (from age 5)")
            && html.contains("non-governmental organisation")
    );
}

#[tokio::test]
async fn the_style_sheet_is_served_for_long_caching_and_pages_are_not_cached() {
    let app = start().await;
    let c = client();
    let (_, html) = app.get(&c, "/sign-in").await;
    let href = attr_after(&html, "rel=\"stylesheet\"", "href").unwrap();
    assert!(href.starts_with("/static/ibis.css?v="));
    let r = c.get(app.url(&href)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age=31536000"));
    assert!(r.text().await.unwrap().contains(":focus-visible"));
    let r = c.get(app.url("/sign-in")).send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
}

/// Every `t("...")` key used in a template file exists in both locale files (read from disk,
/// so a template that is not yet embedded is checked too).
#[test]
fn every_template_key_exists_in_both_languages() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let ids = |file: &str| -> HashSet<String> {
        std::fs::read_to_string(root.join("../../locales").join(file))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_owned()))
            .collect()
    };
    let (lv, en) = (ids("lv.ftl"), ids("en.ftl"));
    assert_eq!(lv, en, "lv.ftl and en.ftl have different keys");
    let mut used = HashSet::new();
    for entry in std::fs::read_dir(root.join("templates")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("t(\"") {
            let prev = rest[..i].chars().last();
            rest = &rest[i + 3..];
            if prev.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let key = &rest[..rest.find('"').unwrap()];
            assert!(
                lv.contains(key),
                "{} uses {key}, which the locale files lack",
                path.display()
            );
            used.insert(key.to_owned());
        }
    }
    assert!(used.len() > 100, "only {} keys found", used.len());
}

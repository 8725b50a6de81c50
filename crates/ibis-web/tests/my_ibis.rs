//! My ibis: the person's start page (budget and what is left with a chart and its table,
//! plan and goals, providers and costs, visits, documents, helpers, providers near), the
//! easy-read mode, the printed documents as pages and PDFs (A4, parsed and rendered with
//! poppler when it is installed), the languages, every read audited, and scope: a
//! representative or foster family sees only the people they are linked to, and another
//! person's documents are a 404.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod html;
mod poppler;

use html::{attr, attr_after, check_page, tags};

use std::sync::Arc;

use ibis_core::access::Role;
use ibis_store::auth::NewUser;
use ibis_store::{Auditor, PageRequest};
use reqwest::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Server {
    base: String,
    store: ibis_store::Store,
    _dir: TempDir,
}

/// A server with the demo data and the demo budget (person-ogre: a decision, an active plan,
/// visits and claims).
async fn start(postgres: bool) -> Server {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "ibis-my-{}-{}",
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
    ibis_web::demo_cycle::load(&state).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(ibis_web::serve(listener, state));
    Server {
        base,
        store,
        _dir: TempDir(d),
    }
}

fn web_client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

impl Server {
    async fn get(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let r = c
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    async fn page(&self, c: &Client, path: &str) -> String {
        let (status, html) = self.get(c, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        check_page(path, &html);
        html
    }

    async fn bytes(&self, c: &Client, path: &str) -> (StatusCode, String, Vec<u8>) {
        let r = c
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let kind = r
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, kind, r.bytes().await.unwrap().to_vec())
    }

    async fn signed_in(&self, username: &str, password: &str) -> Client {
        let c = web_client();
        let r = c
            .post(format!("{}/sign-in", self.base))
            .form(&[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in of {username}");
        c
    }

    async fn submit(&self, c: &Client, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let (_, html) = self.get(c, "/").await;
        let csrf = attr_after(&html, "name=\"csrf\"", "value").expect("a csrf field");
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

    /// A user with the person role, linked to people with a kind of link.
    async fn person_user(&self, name: &str, people: &[i64], kind: &str) {
        let u = self
            .store
            .create_user(&NewUser {
                username: name.into(),
                password: "a long enough password".into(),
                display_name: name.into(),
                role: Role::Person,
                municipality: None,
                provider_id: None,
            })
            .await
            .unwrap();
        for p in people {
            self.store
                .link_person(&Auditor::system("test"), *p, u.id, kind)
                .await
                .unwrap();
        }
    }

    /// The Ogre people in the order they were registered (the first is the demo person).
    async fn ogre_people(&self) -> Vec<(i64, String)> {
        let mut people: Vec<(i64, String)> = self
            .store
            .persons(
                &Auditor::system("test"),
                &ibis_core::access::Scope::Municipality("ogre".into()),
                None,
                PageRequest::new(Some(50), None),
            )
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|p| (p.id, format!("{} {}", p.given_name, p.family_name)))
            .collect();
        people.sort();
        people
    }
}

/// Every `href` in a page that starts with a prefix.
fn links(html: &str, prefix: &str) -> Vec<String> {
    tags(html, "a")
        .into_iter()
        .filter_map(|t| attr(t, "href"))
        .map(|h| h.replace("&amp;", "&"))
        .filter(|h| h.starts_with(prefix))
        .collect()
}

/// A PDF from the server: served as a PDF, A4, and (with poppler) parsed, not blank, and its
/// text holds `expect`.
async fn check_pdf(s: &Server, c: &Client, path: &str, expect: &str) {
    let (status, kind, pdf) = s.bytes(c, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    assert_eq!(kind, "application/pdf", "{path}");
    assert!(pdf.starts_with(b"%PDF-"), "{path}");
    assert!(
        String::from_utf8_lossy(&pdf).contains("/MediaBox [0 0 595 842]"),
        "{path}: A4"
    );
    let Some(()) = poppler::available(path) else {
        return;
    };
    let dir = poppler::dir("my");
    let file = dir.join("doc.pdf");
    std::fs::write(&file, &pdf).unwrap();
    poppler::assert_a4(&file);
    let page = poppler::render(&file, 50);
    assert!(page.ink() > 300, "{path}: page 1 is blank");
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(expect), "{path}: {expect:?} not in {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_ibis_shows_budget_plan_providers_visits_documents_and_helpers() {
    let s = start(false).await;
    let me = s.signed_in("person-ogre", "ibis-demo").await;
    let (person_id, name) = s.ogre_people().await[0].clone();

    // The start page links to My ibis.
    let home = s.page(&me, "/").await;
    assert!(home.contains("href=\"/my\""), "the start page links to /my");

    let before = s
        .store
        .audit_for_person(person_id, PageRequest::new(Some(1), None))
        .await
        .unwrap()
        .total;
    let html = s.page(&me, "/my").await;
    // Every read is audited, in the person's name.
    let after = s
        .store
        .audit_for_person(person_id, PageRequest::new(Some(50), None))
        .await
        .unwrap();
    assert!(after.total > before, "the page's reads are audited");
    assert!(after
        .items
        .iter()
        .any(|e| e.actor == "person-ogre" && e.action == "read" && e.entity == "person"));

    assert!(html.contains(&name), "the person's name");
    for id in [
        "my-budget-title",
        "my-plan-title",
        "my-providers-title",
        "my-visits-title",
        "my-docs-title",
        "my-people-help-title",
        "my-near-title",
        "my-chart-caption",
        "my-providers-caption",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "section {id}");
    }
    // The chart has its numbers beside it, in a table.
    assert!(html.contains("<svg class=\"bars\""));
    assert!(html.contains("Atlicis") && html.contains("Izlietots"));
    // The plan's goal and the demo provider with its monthly cost.
    assert!(html.contains("class=\"goal-list\""));
    assert!(html.contains("EUR") || html.contains('€'));
    // The case manager (the demo links Ogre's social worker).
    assert!(html.contains("sw ogre"), "the case manager is named");
    // Providers near: the home municipality is marked.
    assert!(html.contains("mana pašvaldība"), "providers in Ogre");
    // The visits are answered on /my-budget (kept as it was).
    assert!(html.contains(&format!("/my-budget?person={person_id}#visits")));

    // Every document as a page and as a PDF.
    let pages: Vec<String> = links(&html, "/decisions/")
        .into_iter()
        .chain(links(&html, "/plans/"))
        .collect();
    let pdfs: Vec<&String> = pages.iter().filter(|h| h.contains(".pdf")).collect();
    assert_eq!(
        pdfs.len(),
        3,
        "notice, statement and plan as PDF: {pages:?}"
    );
    for p in &pages {
        if p.contains(".pdf") {
            check_pdf(&s, &me, p, &name).await;
        } else {
            let page = s.page(&me, p).await;
            assert!(page.contains(&name), "{p}: the person's name");
        }
    }
    // The printed plan has lines to sign for the person and the case manager.
    let plan_print = pages.iter().find(|p| p.ends_with("/print")).unwrap();
    let printed = s.page(&me, plan_print).await;
    assert_eq!(printed.matches("class=\"signature\"").count(), 2);
    assert!(printed.contains("Persona vai tās likumiskais pārstāvis"));
    assert!(printed.contains("plan.pdf"));
    // The notice PDF in English, from the notice's own text.
    let notice = pdfs.iter().find(|p| p.contains("notice.pdf")).unwrap();
    let english = notice.replace("lang=lv", "lang=en");
    check_pdf(&s, &me, &english, "DECISION ON AN INDIVIDUAL BUDGET").await;
    check_pdf(&s, &me, notice, "LĒMUMS PAR INDIVIDUĀLO BUDŽETU").await;

    // Other roles have no My ibis.
    let sw = s.signed_in("sw-ogre", "ibis-demo").await;
    assert_eq!(s.get(&sw, "/my").await.0, StatusCode::FORBIDDEN);
    // The social worker prints the same documents for the people of their municipality.
    check_pdf(&s, &sw, notice, &name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn easy_read_and_language_are_remembered() {
    let s = start(false).await;
    let me = s.signed_in("person-ogre", "ibis-demo").await;
    let html = s.page(&me, "/my").await;
    assert!(!html.contains("class=\"easy-read\""));
    assert!(html.contains("action=\"/my/easy-read\""));

    // A form without the session's token is refused.
    let r = me
        .post(format!("{}/my/easy-read", s.base))
        .form(&[("easy", "1"), ("next", "/my")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = s
        .submit(&me, "/my/easy-read", &[("easy", "1"), ("next", "/my")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/my");
    let set = r.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        set.starts_with("ibis_easy=1") && set.contains("HttpOnly"),
        "{set}"
    );

    let easy = s.page(&me, "/my").await;
    assert!(easy.contains("class=\"easy-read\""), "large type");
    assert!(easy.contains("Jums ir atlikuši"), "short sentences");
    for name in ["money", "plan", "visit", "document", "helper", "near"] {
        let src = format!("/static/pictograms/{name}.svg");
        assert!(easy.contains(&src), "pictogram {name}");
        let (status, kind, svg) = s.bytes(&me, &src).await;
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/svg+xml"));
        assert!(String::from_utf8_lossy(&svg).contains("<svg"));
    }
    // Each pictogram stands beside its text, and hides from screen readers.
    for img in tags(&easy, "img")
        .into_iter()
        .filter(|t| t.contains("pictogram"))
    {
        assert_eq!(attr(img, "alt").as_deref(), Some(""), "{img}");
    }
    // The easy-read mode stays on /my-budget too (large type).
    let budget = s.page(&me, "/my-budget").await;
    assert!(budget.contains("class=\"easy-read\""));
    assert!(budget.contains("/static/pictograms/visit.svg"));

    // English, remembered for the user.
    let r = s
        .submit(&me, "/lang", &[("lang", "en"), ("next", "/my")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let en = s.page(&me, "/my").await;
    assert!(en.contains("<html lang=\"en\""));
    assert!(en.contains("My ibis") && en.contains("You have") && en.contains(" left."));
    let fresh = s.signed_in("person-ogre", "ibis-demo").await;
    let again = s.page(&fresh, "/my").await;
    assert!(again.contains("My ibis"), "the language is the user's");
    assert!(
        !again.contains("class=\"easy-read\""),
        "easy-read is this browser's"
    );

    // And off again.
    let r = s
        .submit(&me, "/my/easy-read", &[("easy", "0"), ("next", "/my")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(!s.page(&me, "/my").await.contains("class=\"easy-read\""));
    let r = s
        .submit(&me, "/my/easy-read", &[("easy", "maybe"), ("next", "/my")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

async fn representatives_see_only_whom_they_represent(postgres: bool) {
    let s = start(postgres).await;
    let people = s.ogre_people().await;
    let (demo_person, _) = people[0].clone();
    let (other, other_name) = people[1].clone();
    let (third, third_name) = people[2].clone();
    s.person_user("rep-other", &[other], "representative").await;
    s.person_user("foster", &[other, third], "foster-family")
        .await;

    // The demo person's documents, as the demo person sees them.
    let me = s.signed_in("person-ogre", "ibis-demo").await;
    let mine = s.page(&me, "/my").await;
    let documents: Vec<String> = links(&mine, "/decisions/")
        .into_iter()
        .chain(links(&mine, "/plans/"))
        .collect();
    assert!(documents.len() >= 6, "{documents:?}");

    // The representative sees the person they represent, not the demo person.
    let rep = s.signed_in("rep-other", "a long enough password").await;
    let html = s.page(&rep, "/my").await;
    assert!(html.contains(&other_name));
    assert!(html.contains("id=\"my-near-title\""));
    assert!(
        !html.contains("id=\"my-people-title\""),
        "one person: no switch"
    );
    for path in &documents {
        let (status, _, _) = s.bytes(&rep, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} of another person");
    }
    for path in [
        format!("/my?person={demo_person}"),
        format!("/my-budget?person={demo_person}"),
    ] {
        assert_eq!(s.get(&rep, &path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    // The person does not see the represented person either.
    assert_eq!(
        s.get(&me, &format!("/my?person={other}")).await.0,
        StatusCode::NOT_FOUND
    );

    // A foster family of two sees both, and switches between them.
    let foster = s.signed_in("foster", "a long enough password").await;
    let html = s.page(&foster, "/my").await;
    assert!(html.contains("id=\"my-people-title\""));
    assert!(html.contains(&format!("/my?person={third}")));
    let html = s.page(&foster, &format!("/my?person={third}")).await;
    assert!(html.contains(&third_name));
    assert_eq!(
        s.get(&foster, &format!("/my?person={demo_person}")).await.0,
        StatusCode::NOT_FOUND
    );

    // Person users are linked only as the person, representative or foster family, and
    // professionals never so.
    let foster_id = s
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "foster")
        .unwrap()
        .id;
    let sw_id = s
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "sw-ogre")
        .unwrap()
        .id;
    let who = Auditor::system("test");
    assert!(s
        .store
        .link_person(&who, demo_person, foster_id, "broker")
        .await
        .is_err());
    assert!(s
        .store
        .link_person(&who, demo_person, sw_id, "representative")
        .await
        .is_err());
    assert!(s
        .store
        .link_person(&who, demo_person, sw_id, "cousin")
        .await
        .is_err());
    // Still nothing of the demo person for the foster family.
    assert_eq!(
        s.get(&foster, &format!("/my?person={demo_person}")).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn representatives_see_only_whom_they_represent_sqlite() {
    representatives_see_only_whom_they_represent(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn representatives_see_only_whom_they_represent_postgres() {
    representatives_see_only_whom_they_represent(true).await;
}

// ---- page structure (as in tests/pages.rs) ----------------------------------------------

#![allow(clippy::unwrap_used)]
//! Black-box tests of the cycle's pages against a running server with the demo data: an adult
//! in a group flat from the assessment form to an active plan on a 862.68 EUR budget, signed in
//! through the sign-in form as `sw-ogre` and `approver-ogre`; the notice in both languages; an
//! over-budget plan shown again with the overage; a child's form offering only the instruments
//! for the child's age; the worklist; roles and scope; and the accessible structure of every
//! page.

mod html;

use html::{attr, attr_after, check_page, tags};

use std::sync::Arc;

use ibis_store::PageRequest;
use reqwest::header::LOCATION;
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

const PASSWORD: &str = "ibis-demo";

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

/// A server on a fresh SQLite database with the demo data.
async fn start() -> App {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ibis-cycle-pages-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(ibis_web::serve(listener, state));
    App {
        base,
        store,
        _dir: TempDir(dir),
    }
}

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

impl App {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn get(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let r = c.get(self.url(path)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// A page that must be there, checked for its structure.
    async fn page(&self, c: &Client, path: &str) -> String {
        let (status, html) = self.get(c, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        check_page(path, &html);
        html
    }

    async fn post(&self, c: &Client, path: &str, form: &[(String, String)]) -> Response {
        c.post(self.url(path)).form(form).send().await.unwrap()
    }

    /// Posts a form with the session's CSRF token.
    async fn submit(&self, c: &Client, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf(c).await;
        let mut form = vec![("csrf".to_owned(), csrf)];
        form.extend(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        self.post(c, path, &form).await
    }

    async fn signed_in(&self, username: &str) -> Client {
        let c = client();
        let form = [
            ("username".to_owned(), username.to_owned()),
            ("password".to_owned(), PASSWORD.to_owned()),
            ("next".to_owned(), "/".to_owned()),
        ];
        let r = self.post(&c, "/sign-in", &form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in of {username}");
        c
    }

    async fn csrf(&self, c: &Client) -> String {
        let (_, html) = self.get(c, "/").await;
        attr_after(&html, "name=\"csrf\"", "value").expect("a csrf field")
    }

    /// An Ogre provider that offers a service.
    async fn provider_for(&self, service: &str) -> i64 {
        self.store
            .providers(Some("ogre"), Some(service), PageRequest::default())
            .await
            .unwrap()
            .items
            .first()
            .unwrap_or_else(|| panic!("an Ogre provider offers {service}"))
            .id
    }

    /// Registers a person in Ogre through the form and gives their id.
    async fn register(
        &self,
        c: &Client,
        code: &str,
        birth: &str,
        group: &str,
        living: &str,
    ) -> i64 {
        let r = self
            .submit(
                c,
                "/people/new",
                &[
                    ("personal_code", code),
                    ("given_name", "Laura"),
                    ("family_name", "Kalniņa"),
                    ("birth_date", birth),
                    ("target_group", group),
                    ("municipality", "ogre"),
                    ("living", living),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        id_after(&location(&r), "/people/")
    }
}

fn location(r: &Response) -> String {
    r.headers()[LOCATION].to_str().unwrap().to_owned()
}

fn id_after(location: &str, prefix: &str) -> i64 {
    let rest = location
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{location} does not start with {prefix}"));
    rest.split(['/', '#', '?']).next().unwrap().parse().unwrap()
}

/// The first day of next month, and the first day 12 months after it.
fn budget_period() -> (String, String) {
    let today = ibis_web::today();
    let from = ibis_core::review::add_months(today.replace_day(1).unwrap(), 1);
    (
        from.to_string(),
        ibis_core::review::add_months(from, 12).to_string(),
    )
}

/// The seven lines of Table 3 for care level III in a group flat, each with an Ogre provider
/// that offers it.
const TABLE_3: [(&str, &str); 7] = [
    ("day-centre", "10"),
    ("group-flat", "15"),
    ("group-flat-care", "15"),
    ("workshop", "10"),
    ("group-sessions", "4.5"),
    ("consultations", "8"),
    ("mentor", "8"),
];

/// The plan form's fields: two goals (rows 0 and 2), the lines in rows 0-5 and 7 (row 6 left
/// empty), one task.
async fn plan_fields(app: &App, mentor_quantity: &str) -> Vec<(String, String)> {
    let (from, to) = budget_period();
    let mut f: Vec<(String, String)> = vec![
        ("period_from".into(), from.clone()),
        ("period_to".into(), to),
        ("goals-0-term".into(), "long".into()),
        (
            "goals-0-text".into(),
            "Es gribu dzīvot patstāvīgāk un strādāt darbnīcā.".into(),
        ),
        ("goals-1-term".into(), "short".into()),
        ("goals-1-text".into(), " ".into()),
        ("goals-2-term".into(), "short".into()),
        (
            "goals-2-text".into(),
            "Iemācīties pašam gatavot vakariņas.".into(),
        ),
        (
            "needs".into(),
            "Ikdienas struktūra, atbalsts ēst gatavošanā un naudas lietās.".into(),
        ),
        ("tasks-0-owner".into(), "municipality".into()),
        (
            "tasks-0-text".into(),
            "Noorganizēt transportu uz darbnīcu".into(),
        ),
        ("tasks-0-due_on".into(), from),
    ];
    for (i, (service, q)) in TABLE_3.iter().enumerate() {
        let row = if i == 6 { 7 } else { i };
        let q = if *service == "mentor" {
            mentor_quantity
        } else {
            q
        };
        let provider = app.provider_for(service).await;
        for (k, v) in [
            ("service", (*service).to_owned()),
            ("quantity_per_month", q.to_owned()),
            ("provider_id", provider.to_string()),
            ("funding", "individual-budget".to_owned()),
            ("status", "received".to_owned()),
            ("barrier", String::new()),
        ] {
            f.push((format!("lines-{row}-{k}"), v));
        }
    }
    f.push(("lines-6-service".into(), String::new()));
    f.push(("lines-6-quantity_per_month".into(), String::new()));
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adult_in_a_group_flat_from_assessment_to_an_active_plan() {
    let app = start().await;
    let sw = app.signed_in("sw-ogre").await;
    let approver = app.signed_in("approver-ogre").await;
    let id = app
        .register(&sw, "32555000001", "1985-04-12", "adult-grt", "group-flat")
        .await;

    // The person's record offers the assessments a social worker may record.
    let person = app.page(&sw, &format!("/people/{id}")).await;
    assert!(person.contains(&format!("href=\"/people/{id}/assessments/new?kind=adult\"")));
    assert!(person.contains(&format!(
        "href=\"/people/{id}/assessments/new?kind=support\""
    )));
    assert!(person.contains("Nav reģistrēts neviens novērtējums."));
    assert!(
        !person.contains("kind=child"),
        "no child's form for an adult"
    );
    assert_eq!(
        app.get(&sw, &format!("/people/{id}/assessments/new?kind=child"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let support = app
        .page(&sw, &format!("/people/{id}/assessments/new?kind=support"))
        .await;
    assert!(support.contains("līdz 7,5 stundām mēnesī"));

    // The adult form: care level and four domains with the scale's words.
    let path = format!("/people/{id}/assessments/new");
    let form = app.page(&sw, &path).await;
    for text in [
        "Aprūpes līmenis",
        "III līmenis",
        "Pašaprūpe",
        "Ikdienas dzīve",
        "0 – nav",
        "4 – pilnīgi",
    ] {
        assert!(form.contains(text), "the adult form shows {text}");
    }
    assert!(form.contains("<legend>Saziņa</legend>"));
    let today = ibis_web::today().to_string();
    let mut fields = vec![
        ("kind", "adult"),
        ("assessed_on", today.as_str()),
        ("care_level", "III"),
        ("domains-health", "2"),
        ("domains-health-note", "novērots mājās"),
        ("domains-self_care", "3"),
        ("domains-self_care-note", "vajag atbalstu katru dienu"),
        ("domains-daily_living", "3"),
        ("domains-daily_living-note", ""),
        (
            "rationale",
            "Vajadzīgs ikdienas atbalsts pašaprūpē un strukturēta diena; dzīvo grupu dzīvoklī.",
        ),
    ];
    // Without the communication rating: the error at its group of buttons, what was typed kept.
    let r = app.submit(&sw, &path, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    check_page("assessment form (errors)", &html);
    assert!(html.contains("role=\"alert\""));
    assert!(
        html.contains(
            "<a href=\"#f-domains-communication\">Saziņa: Izvēlieties vērtējumu no 0 līdz 4.</a>"
        ),
        "{html}"
    );
    assert!(html.contains("id=\"f-domains-communication-error\""));
    assert!(html.contains("aria-describedby=\"f-domains-communication-error\""));
    assert!(
        html.contains("vajag atbalstu katru dienu"),
        "notes are kept"
    );
    let checked = tags(&html, "input")
        .into_iter()
        .find(|t| t.contains("name=\"care_level\"") && t.contains("value=\"III\""))
        .unwrap();
    assert!(checked.contains("checked"), "the care level stays chosen");

    fields.push(("domains-communication", "2"));
    let r = app.submit(&sw, &path, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let aid = id_after(&location(&r), "/assessments/");
    let draft = app.page(&sw, &format!("/assessments/{aid}")).await;
    assert!(draft.contains("melnraksts") && draft.contains("3 – smagi"));
    assert!(draft.contains(&format!("href=\"/assessments/{aid}/edit\"")));
    assert!(draft.contains(&format!("action=\"/assessments/{aid}/sign\"")));
    assert!(!draft.contains("id=\"proposal\""), "no budget on a draft");
    let edit = app.page(&sw, &format!("/assessments/{aid}/edit")).await;
    assert!(
        edit.contains("novērots mājās"),
        "the edit form holds the draft"
    );

    // Signed: no edit; the proposal with every line, 862.68 a month.
    let r = app
        .submit(&sw, &format!("/assessments/{aid}/sign"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let signed = app.page(&sw, &format!("/assessments/{aid}")).await;
    assert!(signed.contains("parakstīts"));
    assert!(!signed.contains(&format!("href=\"/assessments/{aid}/edit\"")));
    assert!(signed.contains("862,68 EUR"), "{signed}");
    for text in [
        "Dienas centrs",
        "Grupu dzīvoklis ar aprūpi",
        "Sociālais mentors",
        "14,94 EUR",
        "adult-grt",
    ] {
        assert!(signed.contains(text), "the proposal shows {text}");
    }
    assert!(
        !signed.contains(&format!("action=\"/assessments/{aid}/decision\"")),
        "a social worker does not decide"
    );
    let r = app
        .submit(
            &sw,
            &format!("/assessments/{aid}/decision"),
            &[("period_from", "2026-12-01"), ("period_to", "2027-12-01")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The worklist: the signed assessment waits for a decision.
    let home = app.page(&sw, "/").await;
    assert!(
        home.contains("href=\"/worklist\""),
        "social workers have a worklist"
    );
    let worklist = app.page(&sw, "/worklist").await;
    let row = &worklist[worklist
        .find(&format!("href=\"/people/{id}\""))
        .expect("the person is on the worklist")..];
    assert!(row[..row.find("</tr>").unwrap()].contains("Novērtējums gaida lēmumu par budžetu"));

    // The approver decides: a different amount needs a reason; then the proposal is decided.
    let (from, to) = budget_period();
    let page = app.page(&approver, &format!("/assessments/{aid}")).await;
    assert!(page.contains(&format!("action=\"/assessments/{aid}/decision\"")));
    assert_eq!(
        attr_after(&page, "id=\"f-period_from\"", "value").as_deref(),
        Some(from.as_str())
    );
    let r = app
        .submit(
            &approver,
            &format!("/assessments/{aid}/decision"),
            &[
                ("period_from", &from),
                ("period_to", &to),
                ("amount_eur", "900,00"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    check_page("decision form (errors)", &html);
    assert!(html.contains("<a href=\"#f-override_reason\">"));
    assert!(html.contains("value=\"900,00\""));
    let r = app
        .submit(
            &approver,
            &format!("/assessments/{aid}/decision"),
            &[("period_from", &from), ("period_to", &to)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let did = id_after(&location(&r), "/decisions/");

    // The decision and its notice in Latvian, then in English after switching.
    let decision = app.page(&approver, &format!("/decisions/{did}")).await;
    for text in [
        "Lēmums par individuālo budžetu",
        "862,68 EUR",
        "Grupu dzīvoklis ar aprūpi",
        "Kā apstrīdēt",
        "<article class=\"notice\" lang=\"lv\"",
    ] {
        assert!(decision.contains(text), "the Latvian notice shows {text}");
    }
    assert!(decision.contains(&format!("href=\"/decisions/{did}/notice?lang=en\"")));
    assert!(
        decision.contains("action=\"/decisions/"),
        "a request can be recorded"
    );
    let english = app
        .page(&approver, &format!("/decisions/{did}/notice?lang=en"))
        .await;
    assert!(
        english.contains("<html lang=\"lv\">")
            && english.contains("<article class=\"notice\" lang=\"en\"")
    );
    assert!(english.contains("Group flat with care") && english.contains("How to contest"));
    let (status, text) = app
        .get(&approver, &format!("/decisions/{did}/notice.txt?lang=en"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("DECISION ON AN INDIVIDUAL BUDGET") && text.contains("862.68 EUR"));
    let csrf = app.csrf(&approver).await;
    let r = app
        .post(
            &approver,
            "/lang",
            &[
                ("lang".into(), "en".into()),
                ("next".into(), format!("/decisions/{did}")),
                ("csrf".into(), csrf),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let decision = app.page(&approver, &location(&r)).await;
    for text in [
        "<html lang=\"en\">",
        "Decision on an individual budget",
        "862.68 EUR",
        "Group flat with care",
        "How to contest",
    ] {
        assert!(decision.contains(text), "the English notice shows {text}");
    }
    assert!(decision.contains(&format!("href=\"/decisions/{did}/notice?lang=lv\"")));

    // A request for review, and its outcome by the approver.
    let r = app
        .submit(
            &sw,
            &format!("/decisions/{did}/review-requests"),
            &[("requested_by", "Laura Kalniņa"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("<a href=\"#f-reason\">") && html.contains("value=\"Laura Kalniņa\""));
    let r = app
        .submit(
            &sw,
            &format!("/decisions/{did}/review-requests"),
            &[
                ("requested_by", "Laura Kalniņa"),
                ("reason", "Vēlos vairāk darbnīcas dienu."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let decision = app.page(&approver, &format!("/decisions/{did}")).await;
    assert!(decision.contains("Vēlos vairāk darbnīcas dienu.") && decision.contains("pending"));
    let rid = app
        .store
        .decision(
            &ibis_store::Auditor::system("test"),
            &ibis_core::access::Scope::Municipality("ogre".into()),
            did,
        )
        .await
        .unwrap()
        .review_requests[0]
        .id;
    let outcome = format!("/decisions/{did}/review-requests/{rid}/outcome");
    assert!(decision.contains(&format!("action=\"{outcome}\"")));
    let r = app
        .submit(
            &approver,
            &outcome,
            &[
                (&format!("rr-{rid}-outcome"), "upheld"),
                (&format!("rr-{rid}-note"), "The package follows Table 3."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let decision = app.page(&approver, &format!("/decisions/{did}")).await;
    assert!(
        decision.contains("the decision stands")
            && !decision.contains(&format!("action=\"{outcome}\""))
    );

    // The plan form: catalogue services, Ogre providers, fixed rows.
    let plan_path = format!("/decisions/{did}/plans/new");
    let form = app.page(&sw, &plan_path).await;
    assert!(form.contains("<option value=\"day-centre\">") && form.contains("<optgroup label="));
    assert!(
        form.contains("id=\"f-lines-7-service\"") && !form.contains("id=\"f-lines-8-service\"")
    );
    assert!(form.contains("862,68 EUR"));
    assert_eq!(
        app.get(&approver, &plan_path).await.0,
        StatusCode::FORBIDDEN,
        "approvers do not make plans"
    );

    // Over the budget: the form again, the overage told, each line's cost at its row.
    let over = plan_fields(&app, "8.5").await;
    let r = app
        .post(
            &sw,
            &plan_path,
            &[vec![("csrf".into(), app.csrf(&sw).await)], over].concat(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    check_page("plan form (over budget)", &html);
    assert!(
        html.contains("par 2,50 EUR vairāk nekā budžets 862,68 EUR"),
        "the overage is told: {html}"
    );
    assert!(html.contains("Šis pakalpojums maksā 42,50 EUR mēnesī."));
    assert!(
        html.contains("id=\"f-lines-7-quantity_per_month-error\""),
        "the mentor's cost is shown at the row it was typed in"
    );
    assert!(html.contains("value=\"8.5\"") && html.contains("Iemācīties pašam gatavot vakariņas."));
    assert!(app
        .store
        .plans_of(&ibis_core::access::Scope::Municipality("ogre".into()), id)
        .await
        .unwrap()
        .is_empty());

    // Within the budget: the plan, 862.68 a month.
    let fields = plan_fields(&app, "8").await;
    let r = app
        .post(
            &sw,
            &plan_path,
            &[vec![("csrf".into(), app.csrf(&sw).await)], fields].concat(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let pid = id_after(&location(&r), "/plans/");
    let plan = app.page(&sw, &format!("/plans/{pid}")).await;
    for text in [
        "melnraksts",
        "862,68 EUR",
        "Es gribu dzīvot patstāvīgāk un strādāt darbnīcā.",
        "Iemācīties pašam gatavot vakariņas.",
        "Noorganizēt transportu uz darbnīcu",
        "149,40 EUR",
        "40,00 EUR",
    ] {
        assert!(plan.contains(text), "the plan shows {text}");
    }
    assert!(plan.contains(&format!("action=\"/plans/{pid}/sign\"")));
    assert!(plan.contains(&format!("href=\"/plans/{pid}/edit\"")));
    let edit = app.page(&sw, &format!("/plans/{pid}/edit")).await;
    assert!(edit.contains("name=\"version\" value=\"1\""));

    // Signed, then put in force; every version kept and comparable.
    let r = app
        .submit(
            &sw,
            &format!("/plans/{pid}/sign"),
            &[
                ("signer_name", "Laura Kalniņa"),
                ("role", "person"),
                ("signed_on", &today),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let plan = app.page(&sw, &format!("/plans/{pid}")).await;
    assert!(plan.contains("saskaņots") && plan.contains("Laura Kalniņa"));
    assert!(!plan.contains(&format!("action=\"/plans/{pid}/sign\"")));
    assert!(plan.contains("value=\"activate\"") && plan.contains("value=\"reopen\""));
    let r = app
        .submit(&sw, &format!("/plans/{pid}/state"), &[("action", "close")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an agreed plan is not closed"
    );
    check_page("plan (refused)", &r.text().await.unwrap());
    let r = app
        .submit(
            &sw,
            &format!("/plans/{pid}/state"),
            &[("action", "activate")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let plan = app.page(&sw, &format!("/plans/{pid}")).await;
    assert!(plan.contains("status-active") && plan.contains("value=\"review\""));
    assert_eq!(
        plan.matches("<th scope=\"row\" class=\"num\">").count(),
        3,
        "three versions"
    );
    let compare = app
        .page(&sw, &format!("/plans/{pid}/compare?from=1&to=3"))
        .await;
    assert!(compare.contains("Abām versijām ir vienāds saturs."));

    // Review: goal attainment on the -2..+2 scale.
    let r = app
        .submit(&sw, &format!("/plans/{pid}/state"), &[("action", "review")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let plan = app.page(&sw, &format!("/plans/{pid}")).await;
    assert!(plan.contains("+1 – vairāk nekā gaidīts"));
    let r = app
        .submit(
            &sw,
            &format!("/plans/{pid}/goal-reviews"),
            &[
                ("goals-1-attainment", "1"),
                ("goals-1-note", "Gatavo pats divreiz nedēļā"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let plan = app.page(&sw, &format!("/plans/{pid}")).await;
    assert!(plan.contains("Gatavo pats divreiz nedēļā"));

    // The person's record lists it all.
    let person = app.page(&sw, &format!("/people/{id}")).await;
    for link in [
        format!("href=\"/assessments/{aid}\""),
        format!("href=\"/decisions/{did}\""),
        format!("href=\"/plans/{pid}\""),
    ] {
        assert!(person.contains(&link), "the record links {link}");
    }

    // Out of scope is the same 404 as missing; roles without the cycle get 403.
    let tukums = app.signed_in("sw-tukums").await;
    let (status, missing) = app.get(&tukums, "/plans/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for path in [
        format!("/assessments/{aid}"),
        format!("/decisions/{did}"),
        format!("/decisions/{did}/notice?lang=en"),
        format!("/plans/{pid}"),
        format!("/people/{id}/assessments/new"),
        format!("/decisions/{did}/plans/new"),
    ] {
        let (status, html) = app.get(&tukums, &path).await;
        assert_eq!(
            (status, html == missing),
            (StatusCode::NOT_FOUND, true),
            "{path}"
        );
    }
    let analyst = app.signed_in("analyst").await;
    for path in ["/worklist".to_owned(), format!("/plans/{pid}")] {
        let (status, html) = app.get(&analyst, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        check_page(&path, &html);
    }
    assert!(!app.page(&analyst, "/").await.contains("href=\"/worklist\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_childs_form_offers_only_the_instruments_for_the_childs_age() {
    let app = start().await;
    let sw = app.signed_in("sw-ogre").await;
    // Ten years and a half old today (the day of the assessment): age group 7-11.
    let today = ibis_web::today();
    let ten = today
        .replace_day(1)
        .unwrap()
        .replace_year(today.year() - 11)
        .unwrap();
    let birth = ibis_core::review::add_months(ten, 6).to_string();
    let id = app
        .register(&sw, "32555000003", &birth, "child-ft", "family")
        .await;
    let path = format!("/people/{id}/assessments/new");
    let form = app.page(&sw, &path).await;
    assert!(form.contains("vecuma grupa 7-11"), "{form}");
    let offered: Vec<String> = tags(&form, "option")
        .into_iter()
        .filter_map(|o| attr(o, "value"))
        .collect();
    for fits in ["woodcock-johnson", "abas-ii", "barthel"] {
        assert!(
            offered.iter().any(|o| o == fits),
            "{fits} fits a 10-year-old"
        );
    }
    for too_young in ["mfad", "pedi"] {
        assert!(
            !offered.iter().any(|o| o == too_young),
            "{too_young} is not for 10"
        );
    }
    for role in [
        "sociālais darbinieks",
        "psihologs",
        "ergoterapeits",
        "fizioterapeits",
    ] {
        assert!(form.contains(role));
    }
    // A team without a psychologist, and minutes that are not a number: shown at their fields.
    let today = today.to_string();
    let mut fields = vec![
        ("kind", "child"),
        ("assessed_on", today.as_str()),
        ("team-0-role", "social-worker"),
        ("team-0-name", "Ilze"),
        ("team-2-role", "occupational-therapist"),
        ("team-2-name", "Zane"),
        ("instruments-1-instrument", "woodcock-johnson"),
        ("instruments-1-result", "zem vecuma normas"),
        (
            "pre_assessment-impairment_type",
            "autiskā spektra traucējumi",
        ),
        ("place", "home"),
        ("consultations-2-topic", "priekšizvērtējums ar māti"),
        ("consultations-2-minutes", "stunda"),
    ];
    fields.extend([
        ("ratings-physical", "3"),
        ("ratings-intellectual", "2"),
        ("ratings-social", "3"),
        ("ratings-behaviour", "2"),
    ]);
    let r = app.submit(&sw, &path, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    check_page("child form (errors)", &html);
    assert!(
        html.contains("<a href=\"#f-consultations-2-minutes\">")
            && html.contains("Ievadiet skaitli.")
    );
    assert!(html.contains("<a href=\"#f-team\">") && html.contains("Trūkst: psihologs."));
    fields.retain(|(k, _)| *k != "consultations-2-minutes");
    fields.push(("consultations-2-minutes", "60"));
    fields.push(("team-1-role", "psychologist"));
    fields.push(("team-1-name", "Dace"));
    let r = app.submit(&sw, &path, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let aid = id_after(&location(&r), "/assessments/");
    let page = app.page(&sw, &format!("/assessments/{aid}")).await;
    assert!(page.contains("Vudkoka-Džonsona") && page.contains("zem vecuma normas"));
    assert!(page.contains("priekšizvērtējums ar māti") && page.contains(">60<"));
    // Assessors see only the people assigned to them.
    let assessor = app.signed_in("assessor-ogre").await;
    assert_eq!(
        app.get(&assessor, &format!("/assessments/{aid}")).await.0,
        StatusCode::NOT_FOUND
    );
    let worklist = app.page(&assessor, "/worklist").await;
    assert!(!worklist.contains(&format!("href=\"/people/{id}\"")));
}

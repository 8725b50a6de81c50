//! The access sweep: every operation of the OpenAPI document, called as every demo user and as
//! no one, against a record in some callers' scope and against a record that does not exist.
//! The expected answer is derived from the rules, not written per case:
//!
//! - no token: 401 for every operation that needs one (the document's `security`);
//! - a record outside the caller's scope (the scope rules of `ibis_core::access`, applied by
//!   the store): 404, as for no record; a role that may not take the action at all may be told
//!   403 instead, which says nothing about the record;
//! - in scope, a role that may not take the action: 403;
//! - otherwise the call is let through: never 401, 403, 404 or a server error.
//!
//! What "may" means per operation is named once in [`rule`], from `Role::may` and the role
//! lists the handlers use. An operation in the document without a rule fails the test. Every
//! successful read of the person's record must leave an audit entry by the caller.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use ibis_core::access::{Action, Role};
use ibis_store::auth::User;
use ibis_web::cycle::{ASSESSORS, PLANNERS};
use ibis_web::simulator::{ADOPT_ROLES, DRAFT_ROLES, SIMULATE_ROLES};
use ibis_web::statements::{GRANT_READERS, STATEMENT_READERS};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Which records' scope an operation is limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scoped {
    /// Not limited to a person (the caller's role alone decides).
    Open,
    /// The record belongs to the demo person.
    Person,
    /// The record belongs to the municipality of Ogre (payment runs).
    Ogre,
    /// The demo person's audit trail: administrators see every one, others within scope.
    AuditTrail,
}

/// What the sweep needs to know about one operation.
struct Rule {
    /// Whether the caller's role may take this action at all.
    may: fn(&User) -> bool,
    /// Which scope limits it.
    scoped: Scoped,
    /// The query string to send (without `?`).
    query: fn(&Fixture) -> String,
    /// The body to send: JSON, CSV text, or none.
    body: fn(&Fixture, &User) -> Body,
    /// Whether a successful call reads the demo person's record (and so must be audited).
    reads: bool,
    /// When it runs: reads first, then changes, then changes that end something.
    phase: u8,
    /// Provider staff may act on their own provider only (so not on one that does not exist).
    own_provider: bool,
}

enum Body {
    None,
    Json(Value),
    Csv(String),
}

/// The ids of the demo records the sweep calls with.
struct Fixture {
    person: i64,
    assessment: i64,
    decision: i64,
    plan: i64,
    agreement: i64,
    visit: i64,
    claim: i64,
    review_request: i64,
    consent: i64,
    run: i64,
    provider: i64,
    /// A policy draft (consultations +10 %).
    draft: i64,
    today: time::Date,
}

fn anyone(_: &User) -> bool {
    true
}
fn roles(u: &User, list: &[Role]) -> bool {
    list.contains(&u.role)
}
fn no_query(_: &Fixture) -> String {
    String::new()
}
fn no_body(_: &Fixture, _: &User) -> Body {
    Body::None
}

fn r(may: fn(&User) -> bool, scoped: Scoped, reads: bool) -> Rule {
    Rule {
        may,
        scoped,
        query: no_query,
        body: no_body,
        reads,
        phase: 0,
        own_provider: false,
    }
}

impl Rule {
    fn body(mut self, body: fn(&Fixture, &User) -> Body) -> Self {
        self.body = body;
        self.phase = self.phase.max(1);
        self
    }
    fn query(mut self, query: fn(&Fixture) -> String) -> Self {
        self.query = query;
        self
    }
    fn own_provider(mut self) -> Self {
        self.own_provider = true;
        self
    }
    fn phase(mut self, phase: u8) -> Self {
        self.phase = phase;
        self
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

/// The rule of each operation, by method and path as the document writes them. `None` for an
/// operation the sweep does not know: the test then fails until a rule is written here.
fn rule(method: &str, path: &str) -> Option<Rule> {
    use Scoped::*;
    let p = path.strip_prefix("/api/v1").unwrap_or(path);
    Some(match (method, p) {
        ("get", "/healthz") => r(anyone, Open, false),
        ("post", "/auth/token") => r(anyone, Open, false).body(|_, _| {
            Body::Json(json!({"username": "analyst", "password": "ibis-demo"}))
        }),
        // Ends the caller's session: it runs last, with a token of its own.
        ("post", "/auth/sign-out") => r(anyone, Open, false).phase(3),
        ("get", "/me" | "/municipalities" | "/catalogue/service-types" | "/providers") => {
            r(anyone, Open, false)
        }
        ("get", "/catalogue/service-types/{code}" | "/providers/{id}") => r(anyone, Open, false),
        ("get", "/persons") => r(|u| u.role.may(Action::ListPersons), Open, true),
        ("post", "/persons") => r(|u| u.role.may(Action::WritePerson), Open, false).body(|_, u| {
            Body::Json(json!({
                "personal_code": format!("329{:08}", 1_000 + unique()),
                "given_name": "Sweep", "family_name": "Test", "birth_date": "1980-05-05",
                "target_group": "adult-grt",
                "municipality": u.municipality.clone().unwrap_or_else(|| "ogre".into()),
                "living": "family"}))
        }),
        ("get", "/persons/{id}") => r(|u| u.role.may(Action::ReadPerson), Person, true),
        ("patch", "/persons/{id}") => r(|u| u.role.may(Action::WritePerson), Person, false)
            .body(|_, _| Body::Json(json!({"version": 1, "living": "family"}))),
        ("post", "/persons/{id}/relatives") => {
            r(|u| u.role.may(Action::WritePerson), Person, false).body(|_, _| {
                Body::Json(json!({"name": "Sweep Relative", "relation": "parent", "legal_representative": false}))
            })
        }
        ("post", "/persons/{id}/determinations") => {
            r(|u| u.role.may(Action::WritePerson), Person, false).body(|_, _| {
                Body::Json(json!({"kind": "group-2", "valid_from": "2025-01-01"}))
            })
        }
        ("post", "/persons/{id}/consents") => r(|u| u.role.may(Action::WritePerson), Person, false)
            .body(|f, _| {
                Body::Json(json!({"purpose": "data-processing", "given_by": "person", "given_on": f.today.to_string()}))
            }),
        ("post", "/persons/{id}/consents/{consent_id}/withdraw") => {
            r(|u| u.role.may(Action::WritePerson), Person, false).phase(2)
        }
        ("post", "/providers") => r(|u| u.role == Role::Admin, Open, false).body(|_, _| {
            Body::Json(json!({"register_no": format!("SPSR-9{:04}", unique()), "name": "Sweep", "kind": "ngo", "municipalities": ["ogre"]}))
        }),
        ("post", "/providers/{id}/offers") => r(
            |u| u.role.may(Action::WriteProvider) && (u.role != Role::Provider || u.provider_id.is_some()),
            Open,
            false,
        )
        .body(|_, _| {
            Body::Json(json!({"service": "mentor", "price_eur": "5.00", "valid_from": "2030-01-01"}))
        })
        .own_provider(),
        ("get", "/audit") => r(|u| u.role.may(Action::ReadAudit), AuditTrail, false)
            .query(|f| format!("person_id={}", f.person)),
        // The cycle.
        ("get", "/persons/{id}/assessments") => r(anyone, Person, true),
        ("post", "/persons/{id}/assessments") => r(|u| roles(u, ASSESSORS), Person, false)
            .body(|f, _| {
                Body::Json(json!({"kind": "support", "assessed_on": f.today.to_string(), "level": "2", "rationale": "Sweep"}))
            }),
        ("get", "/assessments/{id}" | "/assessments/{id}/proposal") => r(anyone, Person, true),
        ("put", "/assessments/{id}") => r(|u| roles(u, ASSESSORS), Person, false).body(|f, _| {
            Body::Json(json!({"kind": "support", "assessed_on": f.today.to_string(), "level": "2", "rationale": "Sweep"}))
        }),
        ("post", "/assessments/{id}/sign") => r(|u| roles(u, ASSESSORS), Person, false).phase(1),
        ("post", "/assessments/{id}/decision") => r(|u| u.role == Role::Approver, Person, false)
            .body(|f, _| {
                Body::Json(json!({"period_from": f.today.to_string(), "period_to": (f.today + time::Duration::days(200)).to_string()}))
            }),
        ("get", "/persons/{id}/decisions" | "/persons/{id}/budget") => r(anyone, Person, true),
        ("get", "/decisions/{id}" | "/decisions/{id}/notice" | "/decisions/{id}/balances") => {
            r(anyone, Person, true)
        }
        ("post", "/decisions/{id}/review-requests") => r(
            |u| roles(u, &[Role::SocialWorker, Role::Approver, Role::Person, Role::Broker]),
            Person,
            false,
        )
        .body(|_, _| Body::Json(json!({"requested_by": "Sweep", "reason": "Sweep"}))),
        ("post", "/review-requests/{id}/outcome") => r(|u| u.role == Role::Approver, Person, false)
            .body(|_, _| Body::Json(json!({"outcome": "upheld", "note": "Sweep"}))),
        ("post", "/decisions/{id}/plans") => r(|u| roles(u, PLANNERS), Person, false)
            .body(|f, _| Body::Json(json!({"period_from": f.today.to_string(), "period_to": (f.today + time::Duration::days(100)).to_string()}))),
        ("get", "/plans/{id}" | "/plans/{id}/versions") => r(anyone, Person, true),
        ("get", "/plans/{id}/diff") => r(anyone, Person, true).query(|_| "from=1&to=1".into()),
        ("put", "/plans/{id}") => r(|u| roles(u, PLANNERS), Person, false).body(|f, _| {
            Body::Json(json!({"version": 1, "plan": {"period_from": f.today.to_string(), "period_to": (f.today + time::Duration::days(100)).to_string()}}))
        }),
        ("post", "/plans/{id}/sign") => r(|u| roles(u, &[Role::Person, Role::SocialWorker]), Person, false)
            .body(|f, _| Body::Json(json!({"signer_name": "Sweep", "role": "person", "signed_on": f.today.to_string()}))),
        ("post", "/plans/{id}/state") => r(|u| roles(u, &[Role::SocialWorker, Role::Approver]), Person, false)
            .body(|_, _| Body::Json(json!({"action": "review"})))
            .phase(2),
        ("post", "/plans/{id}/goal-reviews") => r(
            |u| roles(u, &[Role::SocialWorker, Role::Assessor, Role::Broker]),
            Person,
            false,
        )
        .body(|_, _| Body::Json(json!({"goals": [{"goal_index": 99, "attainment": 1}]}))),
        ("get", "/worklist") => r(
            |u| roles(u, &[Role::SocialWorker, Role::Approver, Role::Assessor, Role::Broker]),
            Open,
            false,
        ),
        // Spending.
        ("post", "/plans/{id}/agreements") => r(|u| u.role == Role::SocialWorker, Person, false)
            .body(|f, _| {
                Body::Json(json!({"plan_line": 99, "provider_id": f.provider, "service": "mentor", "unit_price_eur": "5.00",
                    "period_from": f.today.to_string(), "period_to": (f.today + time::Duration::days(30)).to_string(), "quantity_per_month": "1"}))
            }),
        ("get", "/agreements/{id}") => r(anyone, Person, true),
        ("post", "/visits") => r(|u| u.role == Role::Provider, Person, false).body(|f, _| {
            Body::Json(json!({"person_id": f.person, "provider_id": f.provider, "specialist": "Sweep",
                "start": format!("{}T09:00", f.today - time::Duration::days(1)), "kind": "individual", "method": "manual"}))
        }),
        ("post", "/visits/{id}/check-out") => r(|u| u.role == Role::Provider, Person, false)
            .body(|f, _| Body::Json(json!({"end": format!("{}T23:00", f.today - time::Duration::days(1))}))),
        ("post", "/visits/{id}/confirm") => r(|u| roles(u, &[Role::Person, Role::SocialWorker]), Person, false).phase(1),
        ("post", "/visits/{id}/dispute") => r(|u| roles(u, &[Role::Person, Role::SocialWorker]), Person, false)
            .body(|_, _| Body::Json(json!({"reason": "Sweep"}))),
        // A social worker claims only for agreements paid to the person; the demo's is paid
        // to the provider.
        ("post", "/claims") => r(|u| u.role == Role::Provider, Person, false).body(|f, _| {
            Body::Json(json!({"idempotency_key": format!("sweep-{}", unique()), "agreement_id": f.agreement,
                "service_date": (f.today - time::Duration::days(1)).to_string(), "quantity": "1", "unit_price_eur": "5.50"}))
        }),
        ("post", "/claims/bulk") => r(|u| u.role == Role::Provider && u.provider_id.is_some(), Open, false).body(|f, _| {
            Body::Csv(format!(
                "{}\nsweep-bulk-{},{},{},1,5.50,\n",
                ibis_core::csv_import::HEADER,
                unique(),
                f.agreement,
                f.today - time::Duration::days(1)
            ))
        }),
        ("get", "/anomalies") => r(|u| roles(u, &[Role::SocialWorker, Role::Approver]), Open, false),
        ("post", "/claims/{id}/review") => r(|u| roles(u, &[Role::SocialWorker, Role::Approver]), Person, false)
            .body(|_, _| Body::Json(json!({"approve": false, "note": "Sweep"}))),
        ("post", "/decisions/{id}/close") => r(|u| u.role == Role::Approver, Person, false).phase(2),
        ("post", "/payment-runs") => r(
            |u| u.role == Role::Approver && u.municipality.is_some(),
            Open,
            false,
        )
        .body(|f, _| {
            Body::Json(json!({"debtor_name": "Sweep", "debtor_iban": ibis_core::sepa::Iban::from_bban("LV", "HABA0000000000001").unwrap().to_string(),
                "execution_date": (f.today + time::Duration::days(3)).to_string()}))
        }),
        ("get", "/payment-runs/{id}" | "/payment-runs/{id}/pain.001.xml") => {
            r(|u| roles(u, &[Role::Approver, Role::SocialWorker]), Ogre, false)
        }
        ("post", "/payment-runs/{id}/state") => r(|u| roles(u, &[Role::Approver, Role::SocialWorker]), Ogre, false)
            .body(|_, _| Body::Json(json!({"action": "review"}))),
        // Statements and grants.
        ("get", "/decisions/{id}/statement") => r(|u| roles(u, STATEMENT_READERS), Person, true)
            .query(|f| format!("month={}", &f.today.to_string()[..7])),
        ("get", "/providers/{id}/statement") => r(
            |u| match u.role {
                Role::Provider => u.provider_id.is_some(),
                Role::SocialWorker | Role::Approver => u.municipality.as_deref() == Some("ogre"),
                _ => false,
            },
            Open,
            false,
        )
        .query(|f| format!("month={}", &f.today.to_string()[..7])),
        ("get", "/grants") => r(
            |u| {
                roles(u, GRANT_READERS)
                    && (u.role == Role::Analyst || u.municipality.as_deref() == Some("ogre"))
            },
            Open,
            false,
        )
        .query(|f| format!("month={}&municipality=ogre", &f.today.to_string()[..7])),
        // Monitoring: aggregates for the roles that see them; the people behind a figure only
        // for social workers and approvers of the municipality asked about.
        ("get", "/monitoring/dashboard" | "/monitoring/gaps") => {
            r(|u| u.role.may(Action::ReadAggregates), Open, false).query(|_| "area=ogre".into())
        }
        ("get", "/monitoring/rows") => r(
            |u| {
                u.role.may(Action::ReadAggregates)
                    && u.role.may(Action::ReadPerson)
                    && u.municipality.as_deref() == Some("ogre")
            },
            Open,
            false,
        )
        .query(|_| "area=ogre&figure=served".into()),
        // The policy simulator.
        ("post", "/policy-drafts") => r(|u| roles(u, DRAFT_ROLES), Open, false)
            .body(|_, _| Body::Json(json!({"title": "Sweep", "files": [{"name": "tariffs/lv-ib.toml", "text": tariff_draft()}]}))),
        ("get", "/policy-drafts" | "/policy-drafts/{id}") => r(|u| roles(u, SIMULATE_ROLES), Open, false),
        ("get", "/policy-drafts/{id}/simulation") => r(|u| roles(u, SIMULATE_ROLES), Open, false)
            .query(|_| "population=synthetic&people=20&seed=1".into()),
        // Changes the policies in force: it runs last.
        ("post", "/policy-drafts/{id}/adoption") => r(|u| roles(u, ADOPT_ROLES), Open, false)
            .body(|f, _| Body::Json(json!({"from": (f.today + time::Duration::days(1)).to_string()})))
            .phase(3),
        _ => return None,
    })
}

/// A policy draft: consultations +10 % as a new price in the shipped tariff table.
fn tariff_draft() -> String {
    let (_, text) = ibis_core::policy::BUILTIN_FILES
        .iter()
        .find(|(n, _)| n.ends_with("tariffs/lv-ib.toml"))
        .unwrap();
    format!(
        "{text}\n[[price]]\nservice = \"consultations\"\nunit = \"hour\"\neur = \"17.006\"\nfrom = \"2026-01-01\"\nsource = \"sweep: +10 %\"\n"
    )
}

/// What the sweep expects of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Unauthorized,
    Forbidden,
    Hidden,
    HiddenOrForbidden,
    LetThrough,
}

impl Expect {
    fn holds(self, s: StatusCode) -> bool {
        match self {
            Expect::Unauthorized => s == StatusCode::UNAUTHORIZED,
            Expect::Forbidden => s == StatusCode::FORBIDDEN,
            Expect::Hidden => s == StatusCode::NOT_FOUND,
            Expect::HiddenOrForbidden => s == StatusCode::NOT_FOUND || s == StatusCode::FORBIDDEN,
            Expect::LetThrough => {
                !s.is_server_error()
                    && ![
                        StatusCode::UNAUTHORIZED,
                        StatusCode::FORBIDDEN,
                        StatusCode::NOT_FOUND,
                    ]
                    .contains(&s)
            }
        }
    }
}

/// The expected answer, from the rule, the caller and whether the record is in their scope.
fn expect(rule: &Rule, secured: bool, caller: Option<(&User, bool)>, missing: bool) -> Expect {
    let Some((user, in_scope)) = caller else {
        return if secured {
            Expect::Unauthorized
        } else {
            Expect::LetThrough
        };
    };
    let may = (rule.may)(user) && !(missing && rule.own_provider && user.role == Role::Provider);
    if missing || (rule.scoped != Scoped::Open && !in_scope) {
        return if may {
            Expect::Hidden
        } else {
            Expect::HiddenOrForbidden
        };
    }
    if may {
        Expect::LetThrough
    } else {
        Expect::Forbidden
    }
}

/// Fills the path's ids: the demo record the segment before names, or one that does not exist.
fn fill(path: &str, f: &Fixture, missing: bool) -> String {
    let segs: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    for (i, s) in segs.iter().enumerate() {
        let id = match *s {
            "{code}" => {
                out.push(if missing { "no-such-code" } else { "mentor" }.to_owned());
                continue;
            }
            "{consent_id}" => f.consent,
            "{id}" => match segs[i - 1] {
                "persons" => f.person,
                "assessments" => f.assessment,
                "decisions" => f.decision,
                "plans" => f.plan,
                "agreements" => f.agreement,
                "visits" => f.visit,
                "claims" => f.claim,
                "review-requests" => f.review_request,
                "payment-runs" => f.run,
                "providers" => f.provider,
                "policy-drafts" => f.draft,
                other => panic!("the sweep does not know what {{id}} after {other} is"),
            },
            other => {
                out.push(other.to_owned());
                continue;
            }
        };
        out.push(if missing { 987_654 } else { id }.to_string());
    }
    out.join("/")
}

/// A server with the demo data and the demo budget, the records the sweep calls with, the
/// demo users with a token each, and who of them sees the demo person.
struct Setup {
    s: common::Server,
    f: Fixture,
    users: Vec<User>,
    tokens: BTreeMap<String, String>,
    in_scope: BTreeMap<String, bool>,
}

impl Setup {
    /// Whether the record an operation names is in the caller's scope.
    fn sees(&self, rl: &Rule, u: &User) -> bool {
        match rl.scoped {
            Scoped::Open => true,
            Scoped::Person => self.in_scope[&u.username],
            Scoped::AuditTrail => u.role == Role::Admin || self.in_scope[&u.username],
            Scoped::Ogre => u.municipality.as_deref() == Some("ogre"),
        }
    }
}

/// Every operation of the OpenAPI document with its rule: (method, path, needs a token, rule).
/// Fails naming every operation without a rule.
fn operations() -> Vec<(String, String, bool, Rule)> {
    let doc = serde_json::to_value(ibis_web::api::openapi()).unwrap();
    let mut ops = Vec::new();
    let mut unknown = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let secured = op["security"].as_array().is_some_and(|a| !a.is_empty());
            match rule(method, path) {
                Some(rl) => ops.push((method.clone(), path.clone(), secured, rl)),
                None => unknown.push(format!("{} {path}", method.to_uppercase())),
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "operations without an access rule in the sweep (add them to `rule`): {unknown:?}"
    );
    assert!(ops.len() >= 60, "only {} operations", ops.len());
    ops.sort_by_key(|o| o.3.phase);
    ops
}

async fn setup(postgres: bool) -> Setup {
    let s = common::start(postgres).await;
    let state = ibis_web::AppState {
        store: s.store.clone(),
        policies: std::sync::Arc::new(ibis_core::policy::PolicySet::builtin().unwrap()).into(),
        secure_cookies: false,
    };
    ibis_web::demo_cycle::load(&state).await.unwrap();
    let users = s.store.users().await.unwrap();
    let mut tokens = BTreeMap::new();
    for (name, _, _) in ibis_store::demo::DEMO_USERS {
        tokens.insert(name.to_string(), s.token(name).await);
    }
    assert_eq!(
        users.len(),
        ibis_store::demo::DEMO_USERS.len(),
        "every demo user is swept"
    );
    let user = |name: &str| users.iter().find(|u| u.username == name).unwrap().clone();

    // The demo person's records (the demo budget), and a few made for the sweep.
    let sw = user("sw-ogre");
    let sw_scope = sw.role.scope(&sw.scope_facts());
    let (_, people) = s.get(&tokens["person-ogre"], "/api/v1/persons").await;
    let person = people["items"][0]["id"].as_i64().unwrap();
    let (_, assessments) = s
        .get(
            &tokens["sw-ogre"],
            &format!("/api/v1/persons/{person}/assessments"),
        )
        .await;
    let (_, decisions) = s
        .get(
            &tokens["sw-ogre"],
            &format!("/api/v1/persons/{person}/decisions"),
        )
        .await;
    let decision = decisions[0]["id"].as_i64().unwrap();
    let plan = s.store.plans_of(&sw_scope, person).await.unwrap()[0].0;
    let provider = user("provider-ogre").provider_id.unwrap();
    let agreement = s.store.provider_agreements(provider).await.unwrap()[0];
    let visit = s.store.visits_of(&sw_scope, person).await.unwrap()[0].id;
    let claim = s.store.claims_of(decision).await.unwrap()[0].0;
    let today = ibis_web::today();
    let (st, rr) = s
        .post(
            &tokens["person-ogre"],
            &format!("/api/v1/decisions/{decision}/review-requests"),
            json!({"requested_by": "Sweep", "reason": "Fixture"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{rr}");
    let (st, consent) = s
        .post(
            &tokens["sw-ogre"],
            &format!("/api/v1/persons/{person}/consents"),
            json!({"purpose": "data-processing", "given_by": "person", "given_on": today.to_string()}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{consent}");
    let (st, run) = s
        .post(
            &tokens["approver-ogre"],
            "/api/v1/payment-runs",
            json!({"debtor_name": "Ogres novada pašvaldība", "debtor_iban": ibis_core::sepa::Iban::from_bban("LV", "HABA0000000000001").unwrap().to_string(),
                "execution_date": (today + time::Duration::days(2)).to_string()}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{run}");
    let (st, draft) = s
        .post(
            &tokens["approver-ogre"],
            "/api/v1/policy-drafts",
            json!({"title": "Sweep fixture", "files": [{"name": "tariffs/lv-ib.toml", "text": tariff_draft()}]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{draft}");
    let f = Fixture {
        person,
        assessment: assessments[0]["id"].as_i64().unwrap(),
        decision,
        plan,
        agreement,
        visit,
        claim,
        review_request: rr["id"].as_i64().unwrap(),
        consent: consent["id"].as_i64().unwrap(),
        run: run["id"].as_i64().unwrap(),
        provider,
        draft: draft["id"].as_i64().unwrap(),
        today,
    };

    // Who sees the demo person: from the scope rules, as the store applies them.
    let mut in_scope = BTreeMap::new();
    for u in &users {
        let scope = u.role.scope(&u.scope_facts());
        in_scope.insert(
            u.username.clone(),
            s.store.person_in_scope(&scope, person).await.unwrap(),
        );
    }
    // The demo data gives the sweep callers on both sides of every scope.
    for (name, seen) in [
        ("sw-ogre", true),
        ("approver-ogre", true),
        ("assessor-ogre", true),
        ("provider-ogre", true),
        ("person-ogre", true),
        ("sw-tukums", false),
        ("broker-ogre", false),
        ("admin", false),
        ("analyst", false),
    ] {
        assert_eq!(in_scope[name], seen, "{name} and the demo person");
    }
    Setup {
        s,
        f,
        users,
        tokens,
        in_scope,
    }
}

async fn sweep(postgres: bool) {
    let st = setup(postgres).await;
    let (s, f, users, tokens, in_scope) = (&st.s, &st.f, &st.users, &st.tokens, &st.in_scope);
    let ops = operations();
    let person = f.person;

    let mut failures = Vec::new();
    let mut calls = 0;
    let mut audited_reads = 0;
    for (method, path, secured, rl) in &ops {
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let query = (rl.query)(f);
        let with_path_ids = path.contains('{');
        for missing in [false, true] {
            if missing && !with_path_ids {
                continue;
            }
            let url = {
                let p = fill(path, f, missing);
                if query.is_empty() {
                    p
                } else {
                    format!("{p}?{query}")
                }
            };
            let mut callers: Vec<Option<&User>> = vec![None];
            callers.extend(users.iter().map(Some));
            for caller in callers {
                let token = match caller {
                    None => None,
                    Some(u) if rl.phase == 3 => Some(s.token(&u.username).await),
                    Some(u) => Some(tokens[&u.username].clone()),
                };
                let body = match caller {
                    Some(u) => (rl.body)(f, u),
                    None => (rl.body)(f, &users[0]),
                };
                let before = s
                    .store
                    .audit_for_person(person, ibis_store::PageRequest::new(Some(1), Some(0)))
                    .await
                    .unwrap()
                    .total;
                let mut req = s.client.request(m.clone(), format!("{}{url}", s.base));
                if let Some(t) = &token {
                    req = req.bearer_auth(t);
                }
                req = match body {
                    Body::None => req,
                    Body::Json(v) => req.json(&v),
                    Body::Csv(t) => req.header("content-type", "text/csv").body(t),
                };
                let resp = req.send().await.unwrap();
                let status = resp.status();
                let text = resp.text().await.unwrap_or_default();
                calls += 1;
                let who = caller.map_or("no one", |u| u.username.as_str());
                let exp = expect(rl, *secured, caller.map(|u| (u, st.sees(rl, u))), missing);
                if !exp.holds(status) {
                    failures.push(format!(
                        "{} {url} as {who}: expected {exp:?}, got {status}: {}",
                        method.to_uppercase(),
                        text.chars().take(200).collect::<String>()
                    ));
                }
                // A successful read of the person's record leaves an audit entry by the caller.
                if let Some(u) = caller {
                    if rl.reads && status.is_success() && in_scope[&u.username] && !missing {
                        let after = s
                            .store
                            .audit_for_person(
                                person,
                                ibis_store::PageRequest::new(Some(200), Some(0)),
                            )
                            .await
                            .unwrap();
                        let new = usize::try_from(after.total - before).unwrap_or(0);
                        let by_caller = after
                            .items
                            .iter()
                            .take(new)
                            .any(|e| e.actor == u.username && e.person_id == Some(person));
                        if by_caller {
                            audited_reads += 1;
                        } else {
                            failures.push(format!(
                                "{} {url} as {who}: read the person's record ({status}) without an audit entry",
                                method.to_uppercase()
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {calls} calls broke the access rules:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(audited_reads > 20, "only {audited_reads} audited reads");
    println!(
        "access sweep: {} operations, {calls} calls, {audited_reads} audited reads",
        ops.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_as_every_role_on_sqlite() {
    sweep(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_as_every_role_on_postgres() {
    sweep(true).await;
}

/// Text that has broken other systems: SQL that ends the statement, markup and script, a
/// template expression, a NUL character and a right-to-left override, very long text.
fn hostile_texts() -> Vec<String> {
    vec![
        "x'); DROP TABLE persons; --".into(),
        "\" OR 1=1 --".into(),
        "<script>alert('ibis')</script><img src=x onerror=alert(1)>".into(),
        "{{ 7*7 }}{% raw %}".into(),
        "nul\u{0}\u{202e}txt".into(),
        "ā".repeat(5_000),
    ]
}

/// The JSON pointers of every string in a body.
fn string_fields(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::String(_) => out.push(at),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                string_fields(x, format!("{at}/{i}"), out);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                string_fields(x, format!("{at}/{k}"), out);
            }
        }
        _ => {}
    }
}

/// Whether a string equal to `text` appears anywhere in a JSON value.
fn echoes(v: &Value, text: &str) -> bool {
    match v {
        Value::String(s) => s == text,
        Value::Array(a) => a.iter().any(|x| echoes(x, text)),
        Value::Object(o) => o.values().any(|x| echoes(x, text)),
        _ => false,
    }
}

async fn hostile_text(postgres: bool) {
    let st = setup(postgres).await;
    let s = &st.s;
    let texts = hostile_texts();
    let mut failures = Vec::new();
    let (mut calls, mut stored) = (0, 0);
    for (method, path, secured, rl) in operations() {
        // A caller the rules let through, so that the text reaches the checks and the store.
        let Some(u) = st.users.iter().find(|u| {
            expect(&rl, secured, Some((u, st.sees(&rl, u))), false) == Expect::LetThrough
        }) else {
            continue;
        };
        let Body::Json(base) = (rl.body)(&st.f, u) else {
            continue;
        };
        let mut fields = Vec::new();
        string_fields(&base, String::new(), &mut fields);
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let url = fill(&path, &st.f, false);
        for field in &fields {
            for text in &texts {
                let Body::Json(mut body) = (rl.body)(&st.f, u) else {
                    continue;
                };
                *body.pointer_mut(field).unwrap() = Value::String(text.clone());
                let (status, v, raw) = s
                    .call(m.clone(), &st.tokens[&u.username], &url, Some(body))
                    .await;
                calls += 1;
                if status.is_server_error() {
                    failures.push(format!(
                        "{} {url} as {} with {field} = {:?}: {status} {}",
                        method.to_uppercase(),
                        u.username,
                        text.chars().take(40).collect::<String>(),
                        raw.chars().take(200).collect::<String>()
                    ));
                }
                if status.is_success() && echoes(&v, text) {
                    stored += 1;
                }
            }
        }
    }
    // Search and filter parameters.
    let sw = &st.tokens["sw-ogre"];
    for text in &texts {
        let q: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
        for url in [
            format!("/api/v1/persons?q={q}"),
            format!("/api/v1/catalogue/service-types?q={q}&category={q}"),
            format!("/api/v1/providers?municipality={q}&service={q}"),
            format!("/api/v1/plans/{}/diff?from={q}&to=1", st.f.plan),
            format!("/api/v1/grants?month={q}"),
            format!("/api/v1/decisions/{}/notice?lang={q}", st.f.decision),
        ] {
            let (status, v, raw) = s.call(Method::GET, sw, &url, None).await;
            calls += 1;
            if status.is_server_error() {
                failures.push(format!("GET {url}: {status} {raw}"));
            }
            // A search matches the text literally: only the people stored with it in a name.
            if url.starts_with("/api/v1/persons?") && status.is_success() {
                for p in v["items"].as_array().unwrap() {
                    assert!(
                        [&p["given_name"], &p["family_name"]]
                            .iter()
                            .any(|n| n.as_str().unwrap().contains(text.trim())),
                        "a search for {text:?} found {p}"
                    );
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {calls} calls with hostile text failed on the server:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(stored > 20, "only {stored} hostile texts stored and echoed");

    // Nothing was dropped or broken: the people are there and the audit chain holds.
    let (status, people) = s.get(sw, "/api/v1/persons").await;
    assert_eq!(status, StatusCode::OK);
    assert!(people["total"].as_i64().unwrap() >= 20, "{people}");
    let chain = s.store.verify_audit().await.unwrap();
    assert!(format!("{chain:?}").contains("Intact"), "{chain:?}");

    // The pages show the stored text literally: escaped, never as markup.
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
    for page in [
        format!("/people/{}", st.f.person),
        format!("/decisions/{}", st.f.decision),
        format!("/plans/{}", st.f.plan),
        "/people?q=%3Cscript%3Ealert(1)%3C/script%3E".to_owned(),
        "/worklist".to_owned(),
    ] {
        let r = c.get(format!("{}{page}", s.base)).send().await.unwrap();
        let status = r.status();
        let html = r.text().await.unwrap();
        assert!(!status.is_server_error(), "{page}: {status}");
        assert!(
            !html.contains("<script>alert") && !html.contains("<img src=x"),
            "{page} shows hostile text as markup"
        );
        if page == format!("/people/{}", st.f.person) {
            assert!(
                html.contains("&lt;script&gt;alert("),
                "{page} shows the stored text literally"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_in_every_json_field_on_sqlite() {
    hostile_text(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_in_every_json_field_on_postgres() {
    hostile_text(true).await;
}

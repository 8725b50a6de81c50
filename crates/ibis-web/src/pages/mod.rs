//! The server-rendered pages: HTML for every role, in Latvian (the default) and English, that
//! works without JavaScript and aims at WCAG 2.1 AA. Forms post and redirect (303) on success
//! and show the form again with every problem next to its field on failure. Sign-in sets a
//! session cookie; every other state-changing form carries the session's CSRF token (see
//! [`session`]).
//!
//! | route | what |
//! | --- | --- |
//! | `GET /` | start page (sign-in when signed out) |
//! | `GET, POST /sign-in`, `POST /sign-out` | the session |
//! | `POST /lang` | the language switch |
//! | `GET /people`, `GET, POST /people/new`, `GET /people/{id}` | the registry |
//! | `GET /providers`, `GET /providers/{id}` | providers and their offers |
//! | `GET /catalogue` | the service catalogue |
//! | `GET, POST /people/{id}/assessments/new`, `/assessments/{id}[/edit\|/sign\|/decision]` | assessments and the budget decision (see [`assessments`]) |
//! | `/decisions/{id}[/notice\|/notice.txt\|/review-requests\|/plans/new]` | decisions, notices, requests for review (see [`decisions`]) |
//! | `/plans/{id}[/edit\|/sign\|/state\|/goal-reviews\|/compare]` | support plans (see [`plans`]) |
//! | `GET /worklist` | what is due (see [`worklist`]) |
//! | `GET /my-budget`, `POST /my-budget/visits/{id}/confirm\|dispute` | the person's own budget, statement and visits (see [`mybudget`]) |
//! | `GET /decisions/{id}/statement?month=` | a budget's monthly statement (see [`mybudget`]) |
//! | `GET /my-clients`, `POST /my-clients/claims\|visits\|visits/{id}/check-out` | provider staff: agreements, claims, visits, statement (see [`provider_pages`]) |
//! | `GET, POST /my-clients/upload` | provider staff: a CSV of claims, with a streamed per-line report (see [`upload`]) |
//! | `GET, POST /simulator`, `GET /simulator/drafts/{id}`, `POST /simulator/drafts/{id}/adopt` | the policy simulator (see [`simulator`]) |
//! | `GET /my`, `POST /my/easy-read` | the person's own start page and the easy-read switch (see [`my`]) |
//! | `/decisions/{id}/notice.pdf`, `/plans/{id}/print\|plan.pdf`, `/decisions/{id}/statement/print\|statement.pdf` | printed documents (see [`documents`]) |
//! | `GET /static/ibis.css`, `GET /static/logo.svg`, `GET /static/pictograms/{name}.svg` | static files |
//! | `GET, POST /people/{id}/links` | social workers: the users linked to a person (see [`person_links`]) |
//! | `GET, POST /payments`, `POST /payments/{id}/state` | approvers, social workers: payment runs (see [`payments`]) |
//! | `GET /monitoring`, `/monitoring/gaps`, `/monitoring/rows`, `/monitoring/export` | monitoring: dashboard, service-gap map, the people behind a figure, CSV and XLSX (see [`monitoring`]) |
//! | `GET /static/ibis.css`, `GET /static/logo.svg` | static files |

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub mod assessments;
mod catalogue;
pub mod cycle_ui;
pub mod decisions;
pub mod documents;
pub mod forms;
mod home;
pub mod i18n;
pub mod my;
// Monitoring.
pub mod monitoring;
pub mod mybudget;
pub mod payments;
mod people;
pub mod person_links;
pub mod plans;
pub mod provider_pages;
mod providers;
pub mod refdata;
pub mod session;
pub mod simulator;
pub mod upload;
pub mod views;
pub mod visitor;
pub mod worklist;

/// The Rust sources of the pages, for the test that every text key they use exists.
#[cfg(test)]
const RUST_SOURCES: &[&str] = &[
    include_str!("catalogue.rs"),
    include_str!("forms.rs"),
    include_str!("home.rs"),
    include_str!("people.rs"),
    include_str!("providers.rs"),
    include_str!("refdata.rs"),
    include_str!("session.rs"),
    include_str!("visitor.rs"),
    include_str!("cycle_ui.rs"),
    include_str!("assessments.rs"),
    include_str!("decisions.rs"),
    include_str!("plans.rs"),
    include_str!("worklist.rs"),
    include_str!("mybudget.rs"),
    include_str!("provider_pages.rs"),
    include_str!("upload.rs"),
    include_str!("simulator.rs"),
    include_str!("my.rs"),
    include_str!("documents.rs"),
    include_str!("person_links.rs"),
    include_str!("payments.rs"),
    include_str!("monitoring.rs"),
    include_str!("../monitoring.rs"),
];

/// The pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::start))
        .route(
            "/sign-in",
            get(session::sign_in_form).post(session::sign_in),
        )
        .route("/sign-out", post(session::sign_out))
        .route("/lang", post(session::set_lang))
        .route("/people", get(people::list))
        .route("/people/new", get(people::new_form).post(people::create))
        .route("/people/{id}", get(people::show))
        .route("/providers", get(providers::list))
        .route("/providers/{id}", get(providers::show))
        .route("/catalogue", get(catalogue::list))
        .route(
            "/people/{id}/assessments/new",
            get(assessments::new_form).post(assessments::create),
        )
        .route("/assessments/{id}", get(assessments::page))
        .route(
            "/assessments/{id}/edit",
            get(assessments::edit_form).post(assessments::update),
        )
        .route("/assessments/{id}/sign", post(assessments::sign))
        .route("/assessments/{id}/decision", post(assessments::decide))
        .route("/decisions/{id}", get(decisions::page))
        .route("/decisions/{id}/notice", get(decisions::notice))
        .route("/decisions/{id}/notice.txt", get(decisions::notice_text))
        .route(
            "/decisions/{id}/review-requests",
            post(decisions::request_review),
        )
        .route(
            "/decisions/{id}/review-requests/{rid}/outcome",
            post(decisions::review_outcome),
        )
        .route(
            "/decisions/{id}/plans/new",
            get(plans::new_form).post(plans::create),
        )
        .route("/plans/{id}", get(plans::page))
        .route(
            "/plans/{id}/edit",
            get(plans::edit_form).post(plans::update),
        )
        .route("/plans/{id}/sign", post(plans::sign))
        .route("/plans/{id}/state", post(plans::move_state))
        .route("/plans/{id}/goal-reviews", post(plans::review_goals))
        .route("/plans/{id}/compare", get(plans::compare))
        .route("/worklist", get(worklist::page))
        .route("/worklist/claims/{id}/review", post(worklist::review_claim))
        .route("/my-budget", get(mybudget::page))
        .route(
            "/decisions/{id}/statement",
            get(mybudget::decision_statement),
        )
        .route("/my-budget/visits/{id}/confirm", post(mybudget::confirm))
        .route("/my-budget/visits/{id}/dispute", post(mybudget::dispute))
        .route("/my-clients", get(provider_pages::page))
        .route("/my-clients/claims", post(provider_pages::claim))
        .route("/my-clients/upload", get(upload::form).post(upload::send))
        .route("/my-clients/visits", post(provider_pages::check_in))
        .route(
            "/my-clients/visits/{id}/check-out",
            post(provider_pages::check_out),
        )
        // The policy simulator: drafts, simulations, adoption.
        .route("/simulator", get(simulator::page).post(simulator::create))
        .route("/simulator/drafts/{id}", get(simulator::draft))
        .route("/simulator/drafts/{id}/adopt", post(simulator::adopt))
        // My ibis (issue 6): the person's start page, easy-read, printed documents.
        .route("/my", get(my::page))
        .route("/my/easy-read", post(my::set_easy))
        .route("/static/pictograms/{file}", get(my::pictogram))
        .route("/decisions/{id}/notice.pdf", get(documents::notice_pdf))
        .route("/plans/{id}/print", get(documents::plan_print))
        .route("/plans/{id}/plan.pdf", get(documents::plan_pdf))
        .route(
            "/decisions/{id}/statement/print",
            get(documents::statement_print),
        )
        .route(
            "/decisions/{id}/statement.pdf",
            get(documents::statement_pdf),
        )
        // Person links: social workers link users to a person's record.
        .route(
            "/people/{id}/links",
            get(person_links::page).post(person_links::create),
        )
        // Payments: payment runs through the pages.
        .route("/payments", get(payments::page).post(payments::prepare))
        .route("/payments/{id}/state", post(payments::move_state))
        // Monitoring.
        .route("/monitoring", get(monitoring::page))
        .route("/monitoring/gaps", get(monitoring::gaps))
        .route("/monitoring/rows", get(monitoring::rows))
        .route("/monitoring/export", get(monitoring::export))
        .route("/static/ibis.css", get(views::css))
        .route("/static/logo.svg", get(views::logo))
        .fallback(home::fallback)
}

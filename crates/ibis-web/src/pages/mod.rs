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
//! | `GET /static/ibis.css`, `GET /static/logo.svg` | static files |

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

mod catalogue;
pub mod forms;
mod home;
pub mod i18n;
mod people;
mod providers;
pub mod refdata;
pub mod session;
pub mod views;
pub mod visitor;

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
        .route("/static/ibis.css", get(views::css))
        .route("/static/logo.svg", get(views::logo))
        .fallback(home::fallback)
}

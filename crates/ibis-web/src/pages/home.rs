//! The start page and the answer for paths that are no page.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use ibis_core::access::{Action, Scope};
use minijinja::context;

use super::visitor::{Fail, PageResult, Visitor};
use crate::error::ApiError;
use crate::AppState;

/// `GET /`: who you are and what your role can do here (the sign-in page when signed out).
pub async fn start(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(start_page(&state, &v).await)
}

async fn start_page(state: &AppState, v: &Visitor) -> PageResult {
    let who = v.signed_in()?;
    let municipality = match &who.user.municipality {
        Some(code) => match state.store.municipality(code).await {
            Ok(m) => Some(v.lang.pick(&m.name_lv, &m.name_en).to_owned()),
            Err(_) => Some(code.clone()),
        },
        None => None,
    };
    let scope = match who.scope() {
        Scope::Municipality(_) => "municipality",
        Scope::Linked(_) => "linked",
        Scope::ProviderClients(_) => "provider",
        Scope::Nothing => "nothing",
    };
    v.page(
        "home.html",
        "home",
        context! {
            municipality => municipality,
            scope => scope,
            may_list => who.may(Action::ListPersons),
            may_register => who.may(Action::WritePerson),
        },
    )
}

/// Any other path: the JSON error under `/api/`, otherwise the 404 page (the sign-in page
/// when signed out).
pub async fn fallback(v: Visitor) -> Response {
    if v.path.starts_with("/api/") {
        return ApiError::not_found().into_response();
    }
    let fail = if v.who.is_some() {
        Fail::NotFound
    } else {
        Fail::SignIn
    };
    v.error_page(fail)
}

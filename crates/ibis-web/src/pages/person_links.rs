//! "Piesaistītie lietotāji / Linked users" of a person's record: who may see it because they
//! are linked (the person or their representative, the assessor, the broker or support person),
//! and the form with which a social worker of the person's municipality links a user by their
//! sign-in name. Linking is what lets the assessor record the assessment and the person see
//! their budget and agree their plan.
//!
//! | route | who |
//! | --- | --- |
//! | `GET /people/{id}/links` | social workers (the person's municipality) |
//! | `POST /people/{id}/links` (`username`, `kind`) | the same |

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ibis_core::access::Action;
use ibis_store::links::LINK_KINDS;
use ibis_store::StoreError;
use minijinja::context;
use serde::Serialize;

use super::forms::{Form, Problem};
use super::i18n::{code_name, tr, Lang};
use super::refdata::Choice;
use super::visitor::{Fail, PageResult, Visitor};
use crate::AppState;

/// A linked user as shown.
#[derive(Debug, Serialize)]
struct LinkRow {
    name: String,
    username: String,
    role: String,
    kind: String,
}

fn kind_name(lang: Lang, kind: &str) -> String {
    match kind {
        "self" => tr(lang, "links-kind-self"),
        "representative" => tr(lang, "links-kind-representative"),
        "assessor" => tr(lang, "links-kind-assessor"),
        _ => tr(lang, "links-kind-broker"),
    }
}

fn person_id(id: &str) -> Result<i64, Fail> {
    id.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(Fail::NotFound)
}

/// `GET /people/{id}/links`.
pub async fn page(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    v.finish(links_page(&state, &v, &id, StatusCode::OK, &Form::parse(b""), vec![]).await)
}

/// `POST /people/{id}/links`: links the user and shows the list again, or the form with the
/// problem at its field.
pub async fn create(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    v.finish(link(&state, &v, &id, &Form::parse(&body)).await)
}

async fn link(state: &AppState, v: &Visitor, id: &str, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    if !who.may(Action::WritePerson) {
        return Err(Fail::Forbidden);
    }
    let pid = person_id(id)?;
    let username = form.text("username");
    let kind = form.text("kind");
    match state
        .store
        .link_user(&v.auditor()?, &who.scope(), pid, &username, &kind)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/people/{pid}/links")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let lang = v.lang;
            let problems = errors
                .iter()
                .map(|e| {
                    let (field, label, message) = if e.field == "kind" {
                        (
                            "kind",
                            tr(lang, "links-field-kind"),
                            tr(lang, "links-error-kind"),
                        )
                    } else if username.trim().is_empty() {
                        (
                            "username",
                            tr(lang, "field-username"),
                            tr(lang, "error-required"),
                        )
                    } else if e.message.starts_with("no user") {
                        (
                            "username",
                            tr(lang, "field-username"),
                            tr(lang, "links-error-no-user"),
                        )
                    } else {
                        (
                            "username",
                            tr(lang, "field-username"),
                            tr(lang, "links-error-role"),
                        )
                    };
                    Problem {
                        field: field.to_owned(),
                        label,
                        message,
                        detail: None,
                    }
                })
                .collect();
            links_page(
                state,
                v,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                problems,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn links_page(
    state: &AppState,
    v: &Visitor,
    id: &str,
    status: StatusCode,
    form: &Form,
    problems: Vec<Problem>,
) -> PageResult {
    let who = v.signed_in()?;
    if !who.may(Action::WritePerson) {
        return Err(Fail::Forbidden);
    }
    let pid = person_id(id)?;
    let auditor = v.auditor()?;
    let links = state
        .store
        .person_links(&auditor, &who.scope(), pid)
        .await?;
    let person = state.store.person(&auditor, &who.scope(), pid).await?;
    let lang = v.lang;
    let rows: Vec<LinkRow> = links
        .iter()
        .map(|l| LinkRow {
            name: l.display_name.clone(),
            username: l.username.clone(),
            role: code_name(lang, "role", &l.role),
            kind: kind_name(lang, &l.kind),
        })
        .collect();
    let chosen = form.text("kind");
    let kinds: Vec<Choice> = LINK_KINDS
        .iter()
        .map(|(k, _)| Choice {
            value: (*k).to_owned(),
            label: kind_name(lang, k),
            selected: *k == chosen,
        })
        .collect();
    let mut errors: std::collections::BTreeMap<String, Vec<Problem>> = Default::default();
    for p in &problems {
        errors.entry(p.field.clone()).or_default().push(p.clone());
    }
    v.page_with_status(
        status,
        "person_links.html",
        "people",
        context! {
            person_id => pid,
            person_name => format!("{} {}", person.given_name, person.family_name),
            rows => rows,
            kinds => kinds,
            username => form.text("username"),
            problems => problems,
            errors => errors,
        },
    )
}

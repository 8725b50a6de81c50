//! "Maksājumi / Payments": the municipality's payment runs. An approver prepares a run (every
//! approved claim not yet paid, to the providers' accounts, on an execution day), a second
//! person reviews it (a social worker or another approver: not who prepared it), and an
//! approver releases it, which enters the payments in the ledger and makes the SEPA file. The
//! same steps as the JSON API (`/api/v1/payment-runs`), through the same functions.
//!
//! | route | who |
//! | --- | --- |
//! | `GET /payments` | approvers and social workers of a municipality |
//! | `POST /payments` (`debtor_name`, `debtor_iban`, `execution_date`) | approvers: prepare a run |
//! | `POST /payments/{id}/state` (`action`: `review`, `release`, `cancel`, `reopen`) | reviewers and approvers |

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ibis_core::access::{Action, Role};
use ibis_core::field::FieldError;
use minijinja::context;
use serde::Serialize;

use super::cycle_ui::{caller, parse_id, refused, require_to};
use super::forms::{problems, Form, Problem};
use super::i18n::{euro, tr, Lang};
use super::visitor::{Fail, PageResult, Visitor};
use crate::AppState;

/// Who sees the payments page.
pub const PAYMENT_ROLES: &[Role] = Action::ReadPaymentRuns.roles();
/// How many runs the page lists.
const RUNS_SHOWN: i64 = 24;

/// A run as shown.
#[derive(Debug, Serialize)]
struct RunView {
    id: i64,
    state: String,
    execution_date: String,
    items: i64,
    total: String,
    prepared_by: String,
    reviewed_by: String,
    released_by: String,
    actions: Vec<ActionView>,
}

/// A button that moves a run.
#[derive(Debug, Serialize)]
struct ActionView {
    action: &'static str,
    label: String,
}

fn state_name(lang: Lang, code: &str) -> String {
    match code {
        "draft" => tr(lang, "payments-state-draft"),
        "reviewed" => tr(lang, "payments-state-reviewed"),
        "released" => tr(lang, "payments-state-released"),
        "cancelled" => tr(lang, "payments-state-cancelled"),
        other => other.to_owned(),
    }
}

/// The actions a role may take on a run in a state (the server checks them again).
fn actions(lang: Lang, role: Role, state: &str) -> Vec<ActionView> {
    let approver = role.may(Action::ManagePaymentRuns);
    let list: &[&'static str] = match state {
        "draft" if approver => &["review", "cancel"],
        "draft" => &["review"],
        "reviewed" if approver => &["release", "reopen", "cancel"],
        _ => &[],
    };
    list.iter()
        .map(|a| ActionView {
            action: a,
            label: match *a {
                "review" => tr(lang, "payments-action-review"),
                "release" => tr(lang, "payments-action-release"),
                "reopen" => tr(lang, "payments-action-reopen"),
                _ => tr(lang, "payments-action-cancel"),
            },
        })
        .collect()
}

fn labels(lang: Lang) -> Vec<(&'static str, String)> {
    vec![
        ("debtor_name", tr(lang, "payments-field-debtor-name")),
        ("debtor_iban", tr(lang, "payments-field-debtor-iban")),
        ("execution_date", tr(lang, "payments-field-execution-date")),
    ]
}

/// `GET /payments`.
pub async fn page(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(show(&state, &v, StatusCode::OK, &Form::parse(b""), vec![]).await)
}

/// `POST /payments`: prepares a run and shows the list, or the form with the problems.
pub async fn prepare(State(state): State<AppState>, v: Visitor, body: Bytes) -> Response {
    let form = Form::parse(&body);
    v.finish(prepare_run(&state, &v, &form).await)
}

async fn prepare_run(state: &AppState, v: &Visitor, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    require_to(who, Action::ManagePaymentRuns)?;
    match crate::spending::prepare_run(
        state,
        &caller(v, who),
        &form.text("debtor_name"),
        form.text("debtor_iban").trim(),
        form.text("execution_date").trim(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/payments").into_response()),
        Err(e) => {
            let errors = refused(e)?;
            let p = problems(v.lang, &errors, &labels(v.lang));
            show(state, v, StatusCode::UNPROCESSABLE_ENTITY, form, p).await
        }
    }
}

/// `POST /payments/{id}/state`: reviews, releases, cancels or reopens a run.
pub async fn move_state(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    v.finish(move_run(&state, &v, &id, &form).await)
}

async fn move_run(state: &AppState, v: &Visitor, id: &str, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    require_to(who, Action::ReadPaymentRuns)?;
    let id = parse_id(id)?;
    match crate::spending::move_run(state, &caller(v, who), id, &form.text("action")).await {
        Ok(_) => Ok(Redirect::to("/payments").into_response()),
        Err(e) => {
            let errors: Vec<FieldError> = refused(e)?;
            let p = problems(v.lang, &errors, &labels(v.lang));
            show(
                state,
                v,
                StatusCode::UNPROCESSABLE_ENTITY,
                &Form::parse(b""),
                p,
            )
            .await
        }
    }
}

async fn show(
    state: &AppState,
    v: &Visitor,
    status: StatusCode,
    form: &Form,
    problems: Vec<Problem>,
) -> PageResult {
    let who = v.signed_in()?;
    require_to(who, Action::ReadPaymentRuns)?;
    let Some(municipality) = who.user.municipality.clone() else {
        return Err(Fail::Forbidden);
    };
    let lang = v.lang;
    let runs: Vec<RunView> = state
        .store
        .runs_of(&municipality, RUNS_SHOWN)
        .await?
        .into_iter()
        .map(|r| RunView {
            id: r.id,
            state: state_name(lang, &r.state),
            execution_date: super::i18n::date(lang, &r.execution_date),
            items: r.items,
            total: euro(lang, &r.total_eur),
            prepared_by: r.prepared_by,
            reviewed_by: r.reviewed_by.unwrap_or_default(),
            released_by: r.released_by.unwrap_or_default(),
            actions: actions(lang, who.user.role, &r.state),
        })
        .collect();
    let mut errors: std::collections::BTreeMap<String, Vec<Problem>> = Default::default();
    for p in problems.iter().filter(|p| !p.field.is_empty()) {
        errors.entry(p.field.clone()).or_default().push(p.clone());
    }
    v.page_with_status(
        status,
        "payments.html",
        "payments",
        context! {
            runs => runs,
            may_prepare => who.may(Action::ManagePaymentRuns),
            debtor_name => form.text("debtor_name"),
            debtor_iban => form.text("debtor_iban"),
            execution_date => form.opt("execution_date").unwrap_or_else(|| crate::today().to_string()),
            problems => problems,
            errors => errors,
        },
    )
}

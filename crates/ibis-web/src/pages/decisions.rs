//! Budget decisions: the page of a decision with its notice (in the page's language, as
//! structured text from the notice's factors, with links to the other language and to the
//! plain text), the plans made on it, the requests for review with the form to record one and,
//! for approvers, the form to record an outcome.
//!
//! | route | who |
//! | --- | --- |
//! | `GET /decisions/{id}` | the person, social workers, assessors, brokers, approvers |
//! | `GET /decisions/{id}/notice?lang=lv\|en`, `GET /decisions/{id}/notice.txt?lang=` | the same |
//! | `POST /decisions/{id}/review-requests` | the person, social workers, brokers, approvers |
//! | `POST /decisions/{id}/review-requests/{rid}/outcome` | approvers |

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ibis_core::access::Action;
use ibis_core::decision::{render_text, DecisionNotice, ReviewRequestOutcome};
use ibis_core::outcome::BudgetGroup;
use ibis_store::cycle::DecisionRow;
use minijinja::context;
use serde::Serialize;

use super::assessments::period_text;
use super::cycle_ui::{
    caller, core_lang, money, parse_id, query, refused, require_to, show_errors, values_of, Opt,
    Shown,
};
use super::forms::Form;
use super::i18n::{code_name, date, tr, tr_args, Lang};
use super::plans::plan_state_name;
use super::visitor::{Fail, PageResult, Visitor};
use crate::cycle::{self};
use crate::AppState;

#[derive(Debug, Serialize)]
struct FactorView {
    label: String,
    value: String,
}

/// The notice as structured text in a language (labels in that language, not the page's).
pub fn notice_view(lang: Lang, n: &DecisionNotice) -> minijinja::Value {
    let cl = core_lang(lang);
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("months", i64::from(n.period_total.whole_months));
    let months = tr_args(lang, "notice-months", Some(&args));
    let length = if n.period_total.extra_days == 0 {
        months
    } else {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("months", months);
        args.set("days", n.period_total.extra_days);
        tr_args(lang, "notice-months-and-days", Some(&args))
    };
    let period = match n.period.to.and_then(|t| t.previous_day()) {
        Some(last) => format!("{} – {} ({length})", cl.date(n.period.from), cl.date(last)),
        None => format!("{} –", cl.date(n.period.from)),
    };
    let factors: Vec<FactorView> = n
        .factors
        .iter()
        .map(|f| FactorView {
            label: f.label(cl).to_owned(),
            value: f.value(cl).to_owned(),
        })
        .collect();
    let mut policy_args = fluent_bundle::FluentArgs::new();
    policy_args.set("id", n.policy_id.clone());
    policy_args.set("version", n.policy_version.clone());
    context! {
        lang => lang.code(),
        title => tr(lang, "notice-title"),
        labels => context! {
            person => tr(lang, "notice-person"),
            decided_on => tr(lang, "notice-decided-on"),
            amount => tr(lang, "notice-amount"),
            period => tr(lang, "notice-period"),
            total => tr(lang, "notice-total"),
            policy => tr(lang, "notice-policy"),
            factors => tr(lang, "notice-factors"),
            factor => tr(lang, "notice-factor"),
            value => tr(lang, "notice-value"),
            contest => tr(lang, "notice-contest"),
            contest_by => tr(lang, "notice-contest-by"),
        },
        person => n.person_name,
        decided_on => cl.date(n.decided_on),
        amount => cl.money(n.monthly_amount),
        period => period,
        total => cl.money(n.period_total.total),
        policy => tr_args(lang, "notice-policy-version", Some(&policy_args)),
        illustrative => n.policy_illustrative.then(|| tr(lang, "notice-illustrative")),
        factors => factors,
        contest_by => cl.date(n.contest_by),
        contest_how => lang.pick(&n.contest_how_lv, &n.contest_how_en),
    }
}

#[derive(Debug, Serialize)]
struct RequestView {
    id: i64,
    requested_on: String,
    requested_by: String,
    reason: String,
    outcome: String,
    pending: bool,
    outcome_on: String,
    outcome_note: String,
}

#[derive(Debug, Serialize)]
struct PlanLink {
    id: i64,
    state: String,
}

fn outcome_name(lang: Lang, code: &str) -> String {
    code_name(lang, "review-outcome", code)
}

/// The label of a field of the decision page's forms.
fn label(lang: Lang, key: &str) -> Option<(String, bool)> {
    let k = match key {
        "requested_by" => "field-requested-by",
        "reason" => "field-review-reason",
        k if k.ends_with("-outcome") => "field-review-outcome",
        k if k.ends_with("-note") => "field-outcome-note",
        _ => return super::cycle_ui::general_label(lang, key),
    };
    Some((tr(lang, k), true))
}

async fn load(state: &AppState, v: &Visitor, id: i64) -> Result<DecisionRow, Fail> {
    let who = v.signed_in()?;
    require_to(who, Action::SeeCycle)?;
    Ok(state
        .store
        .decision(&v.auditor()?, &who.scope(), id)
        .await?)
}

/// The page of a decision, with what the forms say and the problems found.
async fn show(
    state: &AppState,
    v: &Visitor,
    d: DecisionRow,
    status: StatusCode,
    values: BTreeMap<String, String>,
    shown: Shown,
) -> PageResult {
    let who = v.signed_in()?;
    let lang = v.lang;
    let plans: Vec<PlanLink> = state
        .store
        .plans_of(&who.scope(), d.person_id)
        .await?
        .into_iter()
        .filter(|(_, _, decision)| *decision == d.id)
        .map(|(id, s, _)| PlanLink {
            id,
            state: plan_state_name(lang, &s),
        })
        .collect();
    let requests: Vec<RequestView> = d
        .review_requests
        .iter()
        .map(|r| RequestView {
            id: r.id,
            requested_on: date(lang, &r.requested_on),
            requested_by: r.requested_by.clone(),
            reason: r.reason.clone(),
            outcome: outcome_name(lang, &r.outcome),
            pending: r.outcome == "pending",
            outcome_on: r
                .outcome_on
                .as_deref()
                .map(|o| date(lang, o))
                .unwrap_or_default(),
            outcome_note: r.outcome_note.clone().unwrap_or_default(),
        })
        .collect();
    let outcomes: Vec<Opt> = ReviewRequestOutcome::ALL
        .iter()
        .filter(|o| **o != ReviewRequestOutcome::Pending)
        .map(|o| Opt::new(o.code(), outcome_name(lang, o.code())))
        .collect();
    let overridden = d.monthly_eur != d.proposed_eur;
    v.page_with_status(
        status,
        "decision.html",
        "people",
        context! {
            d => context! {
                id => d.id,
                person_id => d.person_id,
                assessment_id => d.assessment_id,
                person => d.notice.person_name,
                group => d
                    .group
                    .parse::<BudgetGroup>()
                    .map(|g| lang.pick(g.name_lv(), g.name_en()).to_owned())
                    .unwrap_or_else(|_| d.group.clone()),
                level => d.level,
                period => period_text(lang, &d.period_from, &d.period_to),
                monthly => money(lang, d.monthly()),
                proposed => d.proposed_eur.parse().map(|m| money(lang, m)).unwrap_or_default(),
                overridden => overridden,
                override_reason => d.override_reason,
                policy => format!("{} v{}", d.policy_id, d.policy_version),
                illustrative => d.notice.policy_illustrative,
                decided_on => date(lang, &d.decided_on),
            },
            notice => notice_view(lang, &d.notice),
            other_notice_lang => lang.other().code(),
            plans => plans,
            may_plan => who.may(Action::WritePlan),
            requests => requests,
            may_request => who.may(Action::RequestReview),
            may_decide_requests => who.may(Action::DecideReviewRequest),
            outcomes => outcomes,
            values => values,
            problems => shown.problems,
            errors => shown.errors,
        },
    )
}

/// `GET /decisions/{id}`: the decision, its notice, plans and requests for review.
pub async fn page(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    v.finish(page_of(&state, &v, &id).await)
}

async fn page_of(state: &AppState, v: &Visitor, id: &str) -> PageResult {
    v.signed_in()?;
    let id = parse_id(id)?;
    let d = load(state, v, id).await?;
    show(
        state,
        v,
        d,
        StatusCode::OK,
        BTreeMap::new(),
        Shown::default(),
    )
    .await
}

fn notice_lang(v: &Visitor) -> Result<Lang, Fail> {
    match query(v).get("lang") {
        None => Ok(v.lang),
        Some(l) => Lang::parse(l).ok_or(Fail::BadRequest),
    }
}

/// `GET /decisions/{id}/notice?lang=`: the notice alone, in the language asked for.
pub async fn notice(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    v.finish(notice_page(&state, &v, &id).await)
}

async fn notice_page(state: &AppState, v: &Visitor, id: &str) -> PageResult {
    v.signed_in()?;
    let id = parse_id(id)?;
    let lang = notice_lang(v)?;
    let d = load(state, v, id).await?;
    v.page(
        "notice.html",
        "people",
        context! {
            d => context! { id => d.id, person => d.notice.person_name },
            notice => notice_view(lang, &d.notice),
            notice_lang => lang.code(),
            other_notice_lang => lang.other().code(),
        },
    )
}

/// `GET /decisions/{id}/notice.txt?lang=`: the notice as plain text (for printing or
/// sending).
pub async fn notice_text(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        v.signed_in()?;
        let id = parse_id(&id)?;
        let lang = notice_lang(&v)?;
        let d = load(&state, &v, id).await?;
        Ok::<_, Fail>(
            (
                [
                    (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                    (header::CONTENT_LANGUAGE, lang.code()),
                ],
                render_text(&d.notice, core_lang(lang)),
            )
                .into_response(),
        )
    }
    .await;
    v.finish(result)
}

/// `POST /decisions/{id}/review-requests`: records a request for review.
pub async fn request_review(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    v.finish(request_page(&state, &v, &id, &Form::parse(&body)).await)
}

async fn request_page(state: &AppState, v: &Visitor, id: &str, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    let id = parse_id(id)?;
    require_to(who, Action::RequestReview)?;
    let values = values_of(form, &["requested_by".to_owned(), "reason".to_owned()]);
    match cycle::request_review(
        state,
        &caller(v, who),
        id,
        &form.text("requested_by"),
        &form.text("reason"),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/decisions/{id}#requests")).into_response()),
        Err(e) => {
            let errors = refused(e)?;
            let d = load(state, v, id).await?;
            let s = show_errors(v.lang, &errors, &[], &|k| k.to_owned(), &|k| {
                label(v.lang, k)
            });
            show(state, v, d, StatusCode::UNPROCESSABLE_ENTITY, values, s).await
        }
    }
}

/// `POST /decisions/{id}/review-requests/{rid}/outcome`: records the outcome of a request
/// (approvers).
pub async fn review_outcome(
    State(state): State<AppState>,
    v: Visitor,
    Path((id, rid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    v.finish(outcome_page(&state, &v, &id, &rid, &Form::parse(&body)).await)
}

async fn outcome_page(
    state: &AppState,
    v: &Visitor,
    id: &str,
    rid: &str,
    form: &Form,
) -> PageResult {
    let who = v.check_form(form)?;
    let (id, rid) = (parse_id(id)?, parse_id(rid)?);
    require_to(who, Action::DecideReviewRequest)?;
    let d = load(state, v, id).await?;
    if !d.review_requests.iter().any(|r| r.id == rid) {
        return Err(Fail::NotFound);
    }
    let (outcome_key, note_key) = (format!("rr-{rid}-outcome"), format!("rr-{rid}-note"));
    let values = values_of(form, &[outcome_key.clone(), note_key.clone()]);
    match cycle::review_outcome(
        state,
        &caller(v, who),
        rid,
        &form.text(&outcome_key),
        &form.text(&note_key),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/decisions/{id}#requests")).into_response()),
        Err(e) => {
            let errors = refused(e)?;
            let alias = |k: &str| match k {
                "outcome" => outcome_key.clone(),
                "note" => note_key.clone(),
                other => other.to_owned(),
            };
            let s = show_errors(v.lang, &errors, &[], &alias, &|k| label(v.lang, k));
            show(state, v, d, StatusCode::UNPROCESSABLE_ENTITY, values, s).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_exist_in_both_languages() {
        for lang in Lang::ALL {
            for o in ReviewRequestOutcome::ALL {
                assert!(super::super::i18n::has(
                    lang,
                    &format!("review-outcome-{}", o.code())
                ));
            }
            for k in ["requested_by", "reason", "rr-1-outcome", "rr-1-note"] {
                assert!(label(lang, k).is_some());
            }
        }
    }
}

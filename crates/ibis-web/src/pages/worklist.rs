//! The worklist (`GET /worklist`): reviews due or overdue, plans awaiting a signature,
//! assessments awaiting a decision and people at 16-18, in the order the core gives them,
//! for social workers, approvers, assessors and brokers; and the sections of a person's record
//! that list their assessments, decisions and plans.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ibis_core::access::{Action, Role};
use ibis_core::review::WorkKind;
use ibis_store::registry::Person;
use minijinja::context;
use serde::Serialize;

use super::assessments::{kind_name, period_text, status_name};
use super::cycle_ui::{caller, day, fail_of, money, parse_id, query, refused, require_to};
use super::forms::Form;
use super::i18n::{code_name, date, tr, tr_args, Lang};
use super::plans::plan_state_name;
use super::visitor::{Fail, PageResult, SignedIn, Visitor};
use crate::cycle::worklist_of;
use crate::AppState;

/// Roles that have a worklist.
pub const WORKLIST_ROLES: &[Role] = Action::ReadWorklist.roles();

#[derive(Debug, Serialize)]
struct WorkRow {
    person_id: i64,
    name: String,
    kind: String,
    what: String,
    due_on: String,
    detail: String,
    overdue: bool,
}

fn kind_of(code: &str) -> Option<WorkKind> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

/// What is due, in words, from the kind and the date.
fn detail(
    lang: Lang,
    kind: Option<WorkKind>,
    due: Option<time::Date>,
    today: time::Date,
) -> String {
    let mut args = fluent_bundle::FluentArgs::new();
    match (kind, due) {
        (Some(WorkKind::ReviewOverdue), Some(d)) => {
            args.set("days", (today - d).whole_days());
            tr_args(lang, "work-detail-overdue", Some(&args))
        }
        (Some(WorkKind::ReviewDue), Some(d)) => {
            args.set("days", (d - today).whole_days());
            tr_args(lang, "work-detail-due", Some(&args))
        }
        (Some(WorkKind::Transition), Some(d)) => {
            args.set("date", day(lang, d));
            if d > today {
                tr_args(lang, "work-detail-turns-18", Some(&args))
            } else {
                tr_args(lang, "work-detail-turned-18", Some(&args))
            }
        }
        (Some(WorkKind::AwaitingSignature), _) => tr(lang, "work-detail-signature"),
        (Some(WorkKind::AwaitingDecision), _) => tr(lang, "work-detail-decision"),
        _ => String::new(),
    }
}

/// `GET /worklist?on=YYYY-MM-DD`: the caller's worklist (today unless a day is given).
pub async fn page(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(page_of(&state, &v, None).await)
}

/// A claim held for the case manager's review, as the worklist shows it.
#[derive(Debug, Serialize)]
struct HeldRow {
    claim_id: i64,
    person_id: i64,
    service_date: String,
    amount: String,
    anomalies: Vec<String>,
}

/// The claims held for review for the caller's people (case managers only).
async fn held_claims(state: &AppState, v: &Visitor, who: &SignedIn) -> Result<Vec<HeldRow>, Fail> {
    if !who.may(Action::ReviewClaims) {
        return Ok(Vec::new());
    }
    let lang = v.lang;
    let flagged = crate::spending::flagged(state, &caller(v, who))
        .await
        .map_err(fail_of)?;
    Ok(flagged
        .into_iter()
        .filter(|f| f.held)
        .map(|f| HeldRow {
            claim_id: f.claim_id,
            person_id: f.person_id,
            service_date: date(lang, &f.service_date),
            amount: f
                .amount_eur
                .parse()
                .map(|m| money(lang, m))
                .unwrap_or(f.amount_eur.clone()),
            anomalies: f.decision["anomalies"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x["code"].as_str())
                        .map(|code| code_name(lang, "anomaly", code))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect())
}

/// `POST /worklist/claims/{id}/review`: the case manager approves or refuses a held claim,
/// with a note.
pub async fn review_claim(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    v.finish(review_page(&state, &v, &id, &Form::parse(&body)).await)
}

async fn review_page(state: &AppState, v: &Visitor, id: &str, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    let id = parse_id(id)?;
    require_to(who, Action::ReviewClaims)?;
    let approve = form.text("decision") == "approve";
    match crate::spending::review_claim(state, &caller(v, who), id, approve, &form.text("note"))
        .await
    {
        Ok(_) => Ok(Redirect::to("/worklist#held").into_response()),
        Err(e) => {
            let errors = refused(e)?;
            page_of(
                state,
                v,
                Some((id, errors.into_iter().map(|e| e.message).collect())),
            )
            .await
        }
    }
}

async fn page_of(state: &AppState, v: &Visitor, error: Option<(i64, Vec<String>)>) -> PageResult {
    let who = v.signed_in()?;
    require_to(who, Action::ReadWorklist)?;
    let lang = v.lang;
    let today = match query(v).opt("on") {
        Some(d) => ibis_core::policy::parse_date(&d).map_err(|_| Fail::BadRequest)?,
        None => crate::today(),
    };
    let items = worklist_of(state, &caller(v, who), today)
        .await
        .map_err(fail_of)?;
    let rows: Vec<WorkRow> = items
        .into_iter()
        .map(|w| {
            let kind = kind_of(&w.kind);
            let due = w
                .due_on
                .as_deref()
                .and_then(|d| ibis_core::policy::parse_date(d).ok());
            WorkRow {
                person_id: w.person_id,
                name: w.name,
                what: kind
                    .map(|k| lang.pick(k.label_lv(), k.label_en()).to_owned())
                    .unwrap_or_else(|| w.kind.clone()),
                overdue: kind == Some(WorkKind::ReviewOverdue),
                kind: w.kind,
                due_on: w
                    .due_on
                    .as_deref()
                    .map(|d| date(lang, d))
                    .unwrap_or_default(),
                detail: detail(lang, kind, due, today),
            }
        })
        .collect();
    let held = held_claims(state, v, who).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (error_claim, error_messages) = error.unwrap_or((0, Vec::new()));
    v.page_with_status(
        status,
        "worklist.html",
        "worklist",
        context! {
            rows => rows,
            on => day(lang, today),
            count => rows_len(&rows),
            held => held,
            error_claim => error_claim,
            error_messages => error_messages,
        },
    )
}

fn rows_len(rows: &[WorkRow]) -> i64 {
    i64::try_from(rows.len()).unwrap_or(i64::MAX)
}

#[derive(Debug, Serialize)]
struct AssessmentLink {
    id: i64,
    kind: String,
    status: String,
    assessed_on: String,
    next_review_on: String,
}

#[derive(Debug, Serialize)]
struct DecisionLink {
    id: i64,
    period: String,
    monthly: String,
    decided_on: String,
}

#[derive(Debug, Serialize)]
struct PlanLink {
    id: i64,
    state: String,
    decision_id: i64,
}

#[derive(Debug, Serialize)]
struct KindLink {
    kind: &'static str,
    label: String,
}

/// The cycle's sections of a person's record: assessments, decisions and plans with links, and
/// the assessments the caller may record. Empty for roles that do not see the cycle.
pub async fn person_sections(
    state: &AppState,
    who: &SignedIn,
    lang: Lang,
    person: &Person,
) -> Result<minijinja::Value, Fail> {
    if !who.may(Action::SeeCycle) {
        return Ok(context! { shown => false });
    }
    let scope = who.scope();
    let assessments: Vec<AssessmentLink> = state
        .store
        .assessments_of(&scope, person.id)
        .await?
        .into_iter()
        .map(|a| AssessmentLink {
            id: a.id,
            kind: kind_name(lang, &a.kind),
            status: status_name(lang, &a.status),
            assessed_on: date(lang, &a.assessed_on),
            next_review_on: date(lang, &a.next_review_on),
        })
        .collect();
    let decisions: Vec<DecisionLink> = state
        .store
        .decisions_of(&scope, person.id)
        .await?
        .into_iter()
        .map(|d| DecisionLink {
            id: d.id,
            period: period_text(lang, &d.period_from, &d.period_to),
            monthly: money(lang, d.monthly()),
            decided_on: date(lang, &d.decided_on),
        })
        .collect();
    let plans: Vec<PlanLink> = state
        .store
        .plans_of(&scope, person.id)
        .await?
        .into_iter()
        .map(|(id, s, decision_id)| PlanLink {
            id,
            state: plan_state_name(lang, &s),
            decision_id,
        })
        .collect();
    let own_kind = match person.target_group.as_str() {
        "child-ft" => Some("child"),
        "adult-grt" => Some("adult"),
        _ => None,
    };
    let may_assess = who.may(Action::RecordAssessment);
    let record: Vec<KindLink> = if may_assess {
        own_kind
            .into_iter()
            .chain(std::iter::once("support"))
            .map(|k| {
                let key = match k {
                    "child" => "record-assessment-child",
                    "adult" => "record-assessment-adult",
                    _ => "record-assessment-support",
                };
                KindLink {
                    kind: k,
                    label: tr(lang, key),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(context! {
        shown => true,
        assessments => assessments,
        decisions => decisions,
        plans => plans,
        record => record,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn details_in_both_languages() {
        let today = date!(2026 - 11 - 22);
        let lv = detail(
            Lang::Lv,
            Some(WorkKind::ReviewOverdue),
            Some(date!(2026 - 11 - 20)),
            today,
        );
        assert!(lv.contains('2'), "{lv}");
        let en = detail(
            Lang::En,
            Some(WorkKind::Transition),
            Some(date!(2027 - 01 - 02)),
            today,
        );
        assert!(en.contains("2027-01-02"), "{en}");
        for k in [
            WorkKind::ReviewDue,
            WorkKind::ReviewOverdue,
            WorkKind::AwaitingSignature,
            WorkKind::AwaitingDecision,
            WorkKind::Transition,
        ] {
            let code = serde_json::to_value(k)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            assert_eq!(kind_of(&code), Some(k));
            for lang in Lang::ALL {
                assert!(!detail(lang, Some(k), Some(today), today).is_empty());
            }
        }
    }
}

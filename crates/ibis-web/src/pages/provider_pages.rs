//! "Mani klienti / My clients": the page of provider staff: their clients' agreements with what
//! remains on each budget, a claim form (one claim line, decided at once with every reason), a
//! visit check-in form and the check-out of open visits, and the provider's monthly statement.
//!
//! | route | who |
//! | --- | --- |
//! | `GET /my-clients?month=YYYY-MM&claim=` | provider staff (`claim`: show that claim's decision) |
//! | `POST /my-clients/claims` | the same: sends one claim line |
//! | `POST /my-clients/visits` | the same: checks a visit in |
//! | `POST /my-clients/visits/{id}/check-out` | the same: checks a visit out |
//!
//! The claim form carries an idempotency key made when the form is shown, so sending the same
//! form twice (a double click, a reload) is one claim, charged once.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ibis_core::access::Action;
use ibis_core::claim::{ClaimLineInput, VisitInput};
use ibis_core::field::FieldError;
use ibis_store::PageRequest;
use minijinja::context;
use serde::Serialize;

use super::assessments::period_text;
use super::cycle_ui::{
    caller, fail_of, number, parse_id, query, refused, require_to, show_errors, values_of, Opt,
    Shown, NOT_A_CHOICE,
};
use super::forms::Form;
use super::i18n::{tr, Lang};
use super::mybudget::{eur, month_asked, quantity, service_name, visit_times, MonthView};
use super::visitor::{Fail, PageResult, SignedIn, Visitor};
use crate::statements::parse_month;
use crate::AppState;

/// The name of a refusal code.
fn refusal_name(lang: Lang, code: &str) -> String {
    match code {
        "no-agreement" => tr(lang, "refusal-no-agreement"),
        "outside-agreement-period" => tr(lang, "refusal-outside-agreement-period"),
        "plan-not-active" => tr(lang, "refusal-plan-not-active"),
        "over-plan-quantity" => tr(lang, "refusal-over-plan-quantity"),
        "over-cap" => tr(lang, "refusal-over-cap"),
        "over-balance" => tr(lang, "refusal-over-balance"),
        "price-above-agreement" => tr(lang, "refusal-price-above-agreement"),
        "future-date" => tr(lang, "refusal-future-date"),
        "no-quantity" => tr(lang, "refusal-no-quantity"),
        "idempotency-key-reused" => tr(lang, "refusal-idempotency-key-reused"),
        "refused-at-review" => tr(lang, "refusal-refused-at-review"),
        "no-receipt" => tr(lang, "refusal-no-receipt"),
        _ => tr(lang, "refusal-other"),
    }
}

/// The name of an anomaly code.
fn anomaly_name(lang: Lang, code: &str) -> String {
    match code {
        "overlapping-individual-sessions" => tr(lang, "anomaly-overlapping-individual-sessions"),
        "visit-shorter-than-billed" => tr(lang, "anomaly-visit-shorter-than-billed"),
        "no-visit" => tr(lang, "anomaly-no-visit"),
        "duplicate-claim" => tr(lang, "anomaly-duplicate-claim"),
        "disputed-visit" => tr(lang, "anomaly-disputed-visit"),
        "visit-not-checked-out" => tr(lang, "anomaly-visit-not-checked-out"),
        "visit-mismatch" => tr(lang, "anomaly-visit-mismatch"),
        _ => tr(lang, "anomaly-other"),
    }
}

/// A reason or anomaly as shown: its name, and the core's message (in English).
#[derive(Debug, Serialize)]
struct Why {
    name: String,
    message: String,
}

fn whys(lang: Lang, items: &serde_json::Value, name: fn(Lang, &str) -> String) -> Vec<Why> {
    items
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| Why {
                    name: name(lang, x["code"].as_str().unwrap_or_default()),
                    message: x["message"].as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug, Serialize)]
struct AgreementView {
    id: i64,
    person_id: i64,
    person: String,
    service: String,
    period: String,
    price: String,
    covered: String,
    co_payment: Option<String>,
    per_month: String,
    remaining: String,
    allocated: String,
}

#[derive(Debug, Serialize)]
struct OpenVisit {
    id: i64,
    person: String,
    specialist: String,
    times: String,
    field: String,
}

#[derive(Debug, Serialize)]
struct ServiceLine {
    service: String,
    claims: i64,
    quantity: String,
    claimed: String,
    approved: String,
    held: String,
}

#[derive(Debug, Serialize)]
struct RefusedView {
    claim_id: i64,
    date: String,
    person: String,
    reasons: Vec<Why>,
}

fn provider_of(who: &SignedIn) -> Result<i64, Fail> {
    require_to(who, Action::SeeProviderClients)?;
    who.user.provider_id.ok_or(Fail::Forbidden)
}

/// A fresh idempotency key for the claim form.
fn fresh_key() -> String {
    let t = ibis_store::auth::random_token();
    format!("web-{}", t.get(..24).unwrap_or(&t))
}

/// The fields of the page's forms and their labels.
fn label(lang: Lang, key: &str) -> Option<(String, bool)> {
    let k = match key {
        "claim-agreement_id" => "field-agreement",
        "claim-service_date" => "field-service-date",
        "claim-quantity" => "field-quantity",
        "claim-unit_price_eur" => "field-unit-price",
        "claim-visit_id" => "field-visit-id",
        "visit-person_id" => "field-client",
        "visit-specialist" => "field-specialist",
        "visit-start" => "field-visit-start",
        "visit-end" => "field-visit-end",
        "visit-kind" => "col-session-kind",
        "visit-method" => "field-visit-method",
        k if k.starts_with("out-") && k.ends_with("-end") => "field-visit-end",
        "idempotency_key" => return Some((tr(lang, "problem-claim"), false)),
        "provider_id" => return Some((tr(lang, "problem-provider"), false)),
        _ => return super::cycle_ui::general_label(lang, key),
    };
    Some((tr(lang, k), true))
}

/// `GET /my-clients?month=&claim=`.
pub async fn page(State(state): State<AppState>, v: Visitor) -> Response {
    let q = query(&v);
    v.finish(
        show(
            &state,
            &v,
            &q,
            StatusCode::OK,
            BTreeMap::new(),
            Shown::default(),
        )
        .await,
    )
}

async fn show(
    state: &AppState,
    v: &Visitor,
    q: &Form,
    status: StatusCode,
    values: BTreeMap<String, String>,
    shown: Shown,
) -> PageResult {
    let who = v.signed_in()?;
    let provider_id = provider_of(who)?;
    let lang = v.lang;
    let month = month_asked(q)?;
    let provider = state.store.provider(provider_id).await?;
    let c = caller(v, who);
    let agreements: Vec<AgreementView> = state
        .store
        .provider_agreement_list(&v.auditor()?, provider_id)
        .await?
        .into_iter()
        .map(|a| {
            let g = &a.agreement.agreement;
            let co = g.co_payment_per_unit.to_string();
            AgreementView {
                id: a.agreement.id,
                person_id: a.agreement.person_id,
                person: a.person_name,
                service: service_name(state, lang, &g.service),
                period: match g.period.to {
                    Some(to) => period_text(lang, &g.period.from.to_string(), &to.to_string()),
                    None => super::cycle_ui::day(lang, g.period.from),
                },
                price: eur(lang, &g.price.to_string()),
                covered: eur(lang, &g.covered_price.to_string()),
                co_payment: (g.co_payment_per_unit > ibis_core::money::UnitPrice::default())
                    .then(|| eur(lang, &co)),
                per_month: quantity(lang, &g.quantity_per_month.to_string(), &a.agreement.unit),
                remaining: eur(lang, &a.remaining_eur),
                allocated: eur(lang, &a.allocated_eur),
            }
        })
        .collect();
    let agreement_choices: Vec<Opt> = agreements
        .iter()
        .map(|a| {
            Opt::new(
                a.id.to_string(),
                format!("{} – {} (#{})", a.person, a.service, a.id),
            )
        })
        .collect();
    let clients = state
        .store
        .persons(
            &v.auditor()?,
            &who.scope(),
            None,
            PageRequest::new(Some(200), None),
        )
        .await?
        .items;
    let names: BTreeMap<i64, String> = clients
        .iter()
        .map(|p| (p.id, format!("{} {}", p.given_name, p.family_name)))
        .collect();
    let client_choices: Vec<Opt> = names
        .iter()
        .map(|(id, n)| Opt::new(id.to_string(), n.clone()))
        .collect();
    let open: Vec<OpenVisit> = state
        .store
        .provider_open_visits(provider_id)
        .await?
        .into_iter()
        .map(|x| OpenVisit {
            id: x.id,
            person: names
                .get(&x.person_id)
                .cloned()
                .unwrap_or_else(|| format!("#{}", x.person_id)),
            specialist: x.specialist.clone(),
            times: visit_times(lang, &x),
            field: format!("out-{}-end", x.id),
        })
        .collect();
    let result = match q.opt("claim").map(|c| parse_id(&c)) {
        Some(Ok(id)) => {
            let r = state.store.provider_claim(provider_id, id).await?;
            let d = &r.decision;
            Some(context! {
                id => r.claim_id,
                accepted => d["accepted"].as_bool().unwrap_or(false),
                needs_review => d["needs_review"].as_bool().unwrap_or(false),
                amount => eur(lang, d["amount"].as_str().unwrap_or("0.00")),
                co_payment => eur(lang, d["co_payment"].as_str().unwrap_or("0.00")),
                date => super::i18n::date(lang, &r.service_date),
                quantity => number(lang, &r.quantity),
                reasons => whys(lang, &d["reasons"], refusal_name),
                anomalies => whys(lang, &d["anomalies"], anomaly_name),
            })
        }
        Some(Err(f)) => return Err(f),
        None => None,
    };
    let s = crate::statements::provider_statement(state, &c, provider_id, month)
        .await
        .map_err(fail_of)?;
    let lines: Vec<ServiceLine> = s
        .lines
        .iter()
        .map(|l| ServiceLine {
            service: service_name(state, lang, &l.service),
            claims: l.claims,
            quantity: number(lang, &l.quantity),
            claimed: eur(lang, &l.claimed_eur),
            approved: eur(lang, &l.approved_eur),
            held: eur(lang, &l.held_eur),
        })
        .collect();
    let refused: Vec<RefusedView> = s
        .refused
        .iter()
        .map(|r| RefusedView {
            claim_id: r.claim_id,
            date: super::i18n::date(lang, &r.service_date),
            person: match (&r.person_name, r.person_id) {
                (Some(n), _) => n.clone(),
                (None, Some(id)) => format!("#{id}"),
                (None, None) => String::new(),
            },
            reasons: r
                .reasons
                .iter()
                .map(|x| Why {
                    name: refusal_name(lang, &x.code),
                    message: x.message.clone(),
                })
                .collect(),
        })
        .collect();
    let mut values = values;
    values
        .entry("idempotency_key".into())
        .or_insert_with(fresh_key);
    values.entry("claim-unit_price_eur".into()).or_default();
    let kinds = vec![
        Opt::new("individual", tr(lang, "visit-kind-individual")),
        Opt::new("group", tr(lang, "visit-kind-group")),
    ];
    let methods = vec![
        Opt::new("manual", tr(lang, "visit-method-manual")),
        Opt::new("card", tr(lang, "visit-method-card")),
        Opt::new("code", tr(lang, "visit-method-code")),
    ];
    v.page_with_status(
        status,
        "provider_desk.html",
        "my-clients",
        context! {
            provider => context! { id => provider.id, name => provider.name },
            month => MonthView::of(lang, &month),
            agreements => agreements,
            agreement_choices => agreement_choices,
            client_choices => client_choices,
            kinds => kinds,
            methods => methods,
            open => open,
            result => result,
            statement => context! {
                claims => s.claims,
                claimed => eur(lang, &s.claimed_eur),
                accepted => s.accepted,
                approved => eur(lang, &s.approved_eur),
                held => eur(lang, &s.held_eur),
                paid => eur(lang, &s.paid_eur),
                payable => eur(lang, &s.payable_eur),
                co_payment => eur(lang, &s.co_payment_eur),
                lines => lines,
                refused => refused,
            },
            values => values,
            problems => shown.problems,
            errors => shown.errors,
        },
    )
}

/// The month the forms came from, for the way back.
fn month_back(form: &Form) -> Form {
    match form.opt("month").filter(|m| parse_month(m).is_ok()) {
        Some(m) => Form::query(Some(&format!("month={m}"))),
        None => Form::default(),
    }
}

fn page_url(q: &Form, extra: &str, fragment: &str) -> String {
    let mut pairs: Vec<String> = q
        .get("month")
        .map(|m| format!("month={m}"))
        .into_iter()
        .collect();
    if !extra.is_empty() {
        pairs.push(extra.to_owned());
    }
    if pairs.is_empty() {
        format!("/my-clients#{fragment}")
    } else {
        format!("/my-clients?{}#{fragment}", pairs.join("&"))
    }
}

fn shown(lang: Lang, errors: &[FieldError], prefix: &str) -> Shown {
    let alias = |k: &str| -> String {
        match k {
            "" | "idempotency_key" | "provider_id" => k.to_owned(),
            k if k.starts_with(prefix) || k.starts_with("out-") => k.to_owned(),
            other => format!("{prefix}{other}"),
        }
    };
    show_errors(lang, errors, &[], &alias, &|k| label(lang, k))
}

/// `POST /my-clients/claims`: one claim line.
pub async fn claim(State(state): State<AppState>, v: Visitor, body: Bytes) -> Response {
    v.finish(claim_page(&state, &v, &Form::parse(&body)).await)
}

fn id_field(form: &Form, name: &str, errors: &mut Vec<FieldError>) -> i64 {
    match form.opt(name) {
        None => {
            errors.push(FieldError::new(name, "is required"));
            0
        }
        Some(s) => s.parse::<i64>().ok().filter(|n| *n > 0).unwrap_or_else(|| {
            errors.push(FieldError::new(name, NOT_A_CHOICE));
            0
        }),
    }
}

async fn claim_page(state: &AppState, v: &Visitor, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    provider_of(who)?;
    let q = month_back(form);
    let keys: Vec<String> = [
        "claim-agreement_id",
        "claim-service_date",
        "claim-quantity",
        "claim-unit_price_eur",
        "claim-visit_id",
        "idempotency_key",
    ]
    .iter()
    .map(|k| (*k).to_owned())
    .collect();
    let values = values_of(form, &keys);
    let mut errors = Vec::new();
    let agreement_id = id_field(form, "claim-agreement_id", &mut errors);
    let visit_id = match form.opt("claim-visit_id") {
        None => None,
        Some(s) => match s.trim_start_matches('#').parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.push(FieldError::new(
                    "claim-visit_id",
                    super::cycle_ui::NOT_A_NUMBER,
                ));
                None
            }
        },
    };
    let input = ClaimLineInput {
        idempotency_key: form.text("idempotency_key"),
        agreement_id: agreement_id.max(1),
        service_date: form.text("claim-service_date"),
        quantity: form.text("claim-quantity").trim().replace(',', "."),
        unit_price_eur: form.text("claim-unit_price_eur").trim().replace(',', "."),
        visit_id,
        ..Default::default()
    };
    let result = if errors.is_empty() {
        crate::spending::claim(state, &caller(v, who), &input).await
    } else {
        Err(crate::error::ApiError::invalid(errors))
    };
    match result {
        Ok(r) => Ok(Redirect::to(&page_url(
            &q,
            &format!("claim={}", r.claim_id),
            "claim-result",
        ))
        .into_response()),
        Err(e) => {
            let errors = refused(e)?;
            let s = shown(v.lang, &errors, "claim-");
            show(state, v, &q, StatusCode::UNPROCESSABLE_ENTITY, values, s).await
        }
    }
}

/// `POST /my-clients/visits`: checks a visit in (with its check-out, if given).
pub async fn check_in(State(state): State<AppState>, v: Visitor, body: Bytes) -> Response {
    v.finish(check_in_page(&state, &v, &Form::parse(&body)).await)
}

async fn check_in_page(state: &AppState, v: &Visitor, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    let provider_id = provider_of(who)?;
    let q = month_back(form);
    let keys: Vec<String> = [
        "visit-person_id",
        "visit-specialist",
        "visit-start",
        "visit-end",
        "visit-kind",
        "visit-method",
    ]
    .iter()
    .map(|k| (*k).to_owned())
    .collect();
    let values = values_of(form, &keys);
    let mut errors = Vec::new();
    let person_id = id_field(form, "visit-person_id", &mut errors);
    let input = VisitInput {
        person_id: person_id.max(1),
        provider_id,
        specialist: form.text("visit-specialist"),
        start: form.text("visit-start"),
        end: form.opt("visit-end"),
        kind: form.text("visit-kind"),
        method: form.opt("visit-method").unwrap_or_else(|| "manual".into()),
    };
    let result = if errors.is_empty() {
        crate::spending::check_in(state, &caller(v, who), &input).await
    } else {
        Err(crate::error::ApiError::invalid(errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&page_url(&q, "", "visits")).into_response()),
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            // The person is not a client of this provider.
            let s = shown(
                v.lang,
                &[FieldError::new("visit-person_id", NOT_A_CHOICE)],
                "visit-",
            );
            show(state, v, &q, StatusCode::UNPROCESSABLE_ENTITY, values, s).await
        }
        Err(e) => {
            let errors = refused(e)?;
            let s = shown(v.lang, &errors, "visit-");
            show(state, v, &q, StatusCode::UNPROCESSABLE_ENTITY, values, s).await
        }
    }
}

/// `POST /my-clients/visits/{id}/check-out` (`out-{id}-end`).
pub async fn check_out(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    v.finish(check_out_page(&state, &v, &id, &Form::parse(&body)).await)
}

async fn check_out_page(state: &AppState, v: &Visitor, id: &str, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    provider_of(who)?;
    let id = parse_id(id)?;
    let q = month_back(form);
    let field = format!("out-{id}-end");
    let values = values_of(form, std::slice::from_ref(&field));
    let end = form.text(&field);
    match crate::spending::visit_action(state, &caller(v, who), id, "check-out", Some(&end)).await {
        Ok(_) => Ok(Redirect::to(&page_url(&q, "", "visits")).into_response()),
        Err(e) => {
            let errors: Vec<FieldError> = refused(e)?
                .into_iter()
                .map(|f| {
                    if f.field == "end" {
                        FieldError::new(field.clone(), f.message)
                    } else {
                        f
                    }
                })
                .collect();
            let s = shown(v.lang, &errors, "out-");
            show(state, v, &q, StatusCode::UNPROCESSABLE_ENTITY, values, s).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_name_in_both_languages() {
        use ibis_core::claim::{AnomalyCode, RefusalCode};
        for lang in Lang::ALL {
            for c in RefusalCode::ALL {
                assert_ne!(refusal_name(lang, c.code()), c.code(), "{}", c.code());
            }
            assert_ne!(refusal_name(lang, "refused-at-review"), "refused-at-review");
            for c in AnomalyCode::ALL {
                assert_ne!(anomaly_name(lang, c.code()), c.code(), "{}", c.code());
            }
            for k in [
                "claim-agreement_id",
                "claim-service_date",
                "claim-quantity",
                "claim-unit_price_eur",
                "claim-visit_id",
                "visit-person_id",
                "visit-specialist",
                "visit-start",
                "visit-end",
                "visit-kind",
                "visit-method",
                "out-7-end",
            ] {
                assert!(label(lang, k).is_some_and(|(_, field)| field), "{k}");
            }
        }
        assert!(fresh_key().starts_with("web-") && fresh_key() != fresh_key());
        assert_eq!(
            page_url(&Form::parse(b"month=2026-06"), "claim=3", "claim-result"),
            "/my-clients?month=2026-06&claim=3#claim-result"
        );
    }
}

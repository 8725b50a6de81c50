//! Support plans: making one on a budget decision and revising a draft (goals in the person's
//! words, needs, service lines with the provider the person chose, tasks; a fixed number of
//! rows, empty rows ignored), the page of a plan (state, lines with their monthly cost against
//! the budget, goals, tasks, signatures, the actions the role may take now, goal attainment at
//! review, versions) and the comparison of two versions.
//!
//! | route | who |
//! | --- | --- |
//! | `GET, POST /decisions/{id}/plans/new`, `GET, POST /plans/{id}/edit` | social workers, brokers |
//! | `GET /plans/{id}`, `GET /plans/{id}/compare?from=&to=` | the person, social workers, assessors, brokers, approvers |
//! | `POST /plans/{id}/sign` | the person, social workers |
//! | `POST /plans/{id}/state` (`action`) | social workers, approvers |
//! | `POST /plans/{id}/goal-reviews` | social workers, assessors, brokers |

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ibis_core::access::Action;
use ibis_core::catalogue::Category;
use ibis_core::field::FieldError;
use ibis_core::money::{line_amount, Money, UnitPrice};
use ibis_core::plan::{
    diff, Change, FundingSource, Goal, GoalInput, GoalTerm, LineStatus, Plan, PlanInput, PlanLine,
    PlanLineInput, PlanState, SignatureInput, SignerRole, Task, TaskInput, TaskOwner,
};
use ibis_core::policy::parse_date;
use ibis_core::review::{GoalAttainment, GoalReviewInput};
use ibis_store::cycle::{DecisionRow, PlanRow};
use ibis_store::providers::Provider;
use ibis_store::registry::Person;
use ibis_store::PageRequest;
use minijinja::context;
use serde::Serialize;

use super::assessments::{period_text, rows_label, PersonView};
use super::cycle_ui::{
    caller, day, general_label, money, number, parse_id, query, refused, require_to, show_errors,
    values_of, Opt, OptGroup, RowMap, Shown, NOT_A_NUMBER, NO_GOAL_REVIEWED,
};
use super::forms::Form;
use super::i18n::{code_name, date, tr, Lang};
use super::refdata::{category_name, collate};
use super::visitor::{Fail, PageResult, SignedIn, Visitor};
use crate::cycle::{self};
use crate::AppState;

/// Goal rows on a new plan form.
const GOAL_ROWS: usize = 4;
/// Line rows on a new plan form.
const LINE_ROWS: usize = 8;
/// Task rows on a new plan form.
const TASK_ROWS: usize = 4;
/// Most rows of any list on a form.
const MAX_ROWS: usize = 40;

/// Who signs a plan (the person, or a social worker recording a signed paper).
const SIGNERS: Action = Action::SignPlan;
/// Who moves a plan between states.
const MOVERS: Action = Action::MovePlan;
/// Who records goal attainment.
const GOAL_REVIEWERS: Action = Action::ReviewGoals;

/// The name of a plan's state (its code when unknown).
pub fn plan_state_name(lang: Lang, code: &str) -> String {
    match code.parse::<PlanState>() {
        Ok(s) => lang.pick(s.name_lv(), s.name_en()).to_owned(),
        Err(_) => code.to_owned(),
    }
}

fn line_status_name(lang: Lang, s: LineStatus) -> String {
    lang.pick(s.name_lv(), s.name_en()).to_owned()
}

/// How many rows of each list a form shows.
#[derive(Debug, Clone, Copy, Serialize)]
struct RowCounts {
    goals: usize,
    lines: usize,
    tasks: usize,
}

impl RowCounts {
    fn for_plan(plan: Option<&Plan>) -> Self {
        let more = |n: usize, min: usize| (n + 2).max(min).min(MAX_ROWS);
        match plan {
            None => RowCounts {
                goals: GOAL_ROWS,
                lines: LINE_ROWS,
                tasks: TASK_ROWS,
            },
            Some(p) => RowCounts {
                goals: more(p.goals.len(), GOAL_ROWS),
                lines: more(p.lines.len(), LINE_ROWS),
                tasks: more(p.tasks.len(), TASK_ROWS),
            },
        }
    }

    /// The rows a sent form had (as many as the largest row number sent, within limits).
    fn sent(form: &Form) -> Self {
        let count = |prefix: &str, field: &str, min: usize| {
            (0..MAX_ROWS)
                .filter(|r| form.get(&format!("{prefix}-{r}-{field}")).is_some())
                .max()
                .map_or(min, |r| (r + 1).max(min))
        };
        RowCounts {
            goals: count("goals", "text", GOAL_ROWS),
            lines: count("lines", "service", LINE_ROWS),
            tasks: count("tasks", "text", TASK_ROWS),
        }
    }
}

/// Every field name of a plan form with these rows.
fn keys(rows: RowCounts) -> Vec<String> {
    let mut k: Vec<String> = vec!["period_from".into(), "period_to".into(), "needs".into()];
    for r in 0..rows.goals {
        for f in ["term", "text"] {
            k.push(format!("goals-{r}-{f}"));
        }
    }
    for r in 0..rows.lines {
        for f in [
            "service",
            "quantity_per_month",
            "provider_id",
            "funding",
            "status",
            "barrier",
        ] {
            k.push(format!("lines-{r}-{f}"));
        }
    }
    for r in 0..rows.tasks {
        for f in ["owner", "text", "due_on"] {
            k.push(format!("tasks-{r}-{f}"));
        }
    }
    k
}

/// What a plan form says, as the core's input; the rows of its lists; and what could not be
/// read.
fn input_of(
    values: &BTreeMap<String, String>,
    rows: RowCounts,
) -> (PlanInput, Vec<RowMap>, Vec<FieldError>) {
    let text = |k: &str| values.get(k).cloned().unwrap_or_default();
    let trimmed = |k: &str| text(k).trim().to_owned();
    let mut local = Vec::new();
    let mut goal_rows = RowMap::new("goals");
    let mut goals = Vec::new();
    for r in 0..rows.goals {
        if trimmed(&format!("goals-{r}-text")).is_empty() {
            continue;
        }
        goal_rows.shown.push(r);
        goals.push(GoalInput {
            term: trimmed(&format!("goals-{r}-term")),
            text: text(&format!("goals-{r}-text")),
        });
    }
    let mut line_rows = RowMap::new("lines");
    let mut lines = Vec::new();
    for r in 0..rows.lines {
        let service = trimmed(&format!("lines-{r}-service"));
        if service.is_empty() {
            continue;
        }
        let i = lines.len();
        line_rows.shown.push(r);
        let provider = trimmed(&format!("lines-{r}-provider_id"));
        let provider_id = if provider.is_empty() {
            None
        } else {
            match provider.parse::<i64>() {
                Ok(p) => Some(p),
                Err(_) => {
                    local.push(FieldError::new(
                        format!("lines[{i}].provider_id"),
                        NOT_A_NUMBER,
                    ));
                    None
                }
            }
        };
        lines.push(PlanLineInput {
            service,
            quantity_per_month: trimmed(&format!("lines-{r}-quantity_per_month")).replace(',', "."),
            provider_id,
            funding: trimmed(&format!("lines-{r}-funding")),
            status: trimmed(&format!("lines-{r}-status")),
            barrier: Some(text(&format!("lines-{r}-barrier"))).filter(|b| !b.trim().is_empty()),
        });
    }
    let mut task_rows = RowMap::new("tasks");
    let mut tasks = Vec::new();
    for r in 0..rows.tasks {
        if trimmed(&format!("tasks-{r}-text")).is_empty() {
            continue;
        }
        task_rows.shown.push(r);
        tasks.push(TaskInput {
            owner: trimmed(&format!("tasks-{r}-owner")),
            text: text(&format!("tasks-{r}-text")),
            due_on: trimmed(&format!("tasks-{r}-due_on")),
        });
    }
    (
        PlanInput {
            period_from: trimmed("period_from"),
            period_to: trimmed("period_to"),
            goals,
            needs: text("needs"),
            lines,
            tasks,
        },
        vec![goal_rows, line_rows, task_rows],
        local,
    )
}

/// The form's values for a plan on record.
fn values_from(p: &Plan) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    v.insert("period_from".to_owned(), p.period.from.to_string());
    v.insert(
        "period_to".to_owned(),
        p.period.to.map(|t| t.to_string()).unwrap_or_default(),
    );
    v.insert("needs".to_owned(), p.needs.clone());
    for (r, g) in p.goals.iter().enumerate() {
        v.insert(format!("goals-{r}-term"), g.term.code().to_owned());
        v.insert(format!("goals-{r}-text"), g.text.clone());
    }
    for (r, l) in p.lines.iter().enumerate() {
        v.insert(format!("lines-{r}-service"), l.service.clone());
        v.insert(
            format!("lines-{r}-quantity_per_month"),
            l.quantity_per_month.to_string(),
        );
        v.insert(
            format!("lines-{r}-provider_id"),
            l.provider_id.map(|p| p.to_string()).unwrap_or_default(),
        );
        v.insert(format!("lines-{r}-funding"), l.funding.code().to_owned());
        v.insert(format!("lines-{r}-status"), l.status.code().to_owned());
        v.insert(
            format!("lines-{r}-barrier"),
            l.barrier.clone().unwrap_or_default(),
        );
    }
    for (r, t) in p.tasks.iter().enumerate() {
        v.insert(format!("tasks-{r}-owner"), t.owner.code().to_owned());
        v.insert(format!("tasks-{r}-text"), t.text.clone());
        v.insert(format!("tasks-{r}-due_on"), t.due_on.to_string());
    }
    v
}

/// The values of a new plan form: the decision's period, the usual funding and status.
fn default_values(d: &DecisionRow, rows: RowCounts) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    v.insert("period_from".to_owned(), d.period_from.clone());
    v.insert("period_to".to_owned(), d.period_to.clone());
    for r in 0..rows.goals {
        let term = if r == 0 { "long" } else { "short" };
        v.insert(format!("goals-{r}-term"), term.to_owned());
    }
    for r in 0..rows.lines {
        v.insert(
            format!("lines-{r}-funding"),
            FundingSource::IndividualBudget.code().to_owned(),
        );
        v.insert(
            format!("lines-{r}-status"),
            LineStatus::Received.code().to_owned(),
        );
    }
    for r in 0..rows.tasks {
        v.insert(
            format!("tasks-{r}-owner"),
            TaskOwner::Municipality.code().to_owned(),
        );
    }
    v
}

/// The label of a field of the plan form.
fn label(lang: Lang, key: &str) -> Option<(String, bool)> {
    let k = match key {
        "period_from" => Some("field-plan-from"),
        "period_to" => Some("field-plan-to"),
        "needs" => Some("field-needs"),
        "goals" => Some("plan-goals-title"),
        "lines" => Some("plan-lines-title"),
        "tasks" => Some("plan-tasks-title"),
        _ => None,
    };
    if let Some(k) = k {
        return Some((tr(lang, k), true));
    }
    if let Some(l) = rows_label(lang, key) {
        return Some((l, true));
    }
    general_label(lang, key)
}

/// The problems of a plan form; those of whole lists (the overage of `lines`) first.
fn shown(lang: Lang, errors: &[FieldError], rows: &[RowMap]) -> Shown {
    let mut errors = errors.to_vec();
    errors.sort_by_key(|e| !matches!(e.field.as_str(), "goals" | "lines" | "tasks"));
    show_errors(lang, &errors, rows, &|k| k.to_owned(), &|k| label(lang, k))
}

/// The catalogue as choices, by category, sorted by name in the page's language.
fn service_choices(state: &AppState, lang: Lang) -> Vec<OptGroup> {
    Category::ALL
        .iter()
        .map(|c| {
            let mut options: Vec<Opt> = state
                .policies
                .catalogue
                .iter()
                .filter(|t| t.category == *c)
                .map(|t| {
                    Opt::new(
                        t.code.clone(),
                        format!(
                            "{} ({})",
                            lang.pick(&t.name_lv, &t.name_en),
                            lang.pick(t.unit.name_lv(), t.unit.name_en())
                        ),
                    )
                })
                .collect();
            options.sort_by_cached_key(|o| collate(&o.label));
            OptGroup {
                label: category_name(lang, *c),
                options,
            }
        })
        .filter(|g| !g.options.is_empty())
        .collect()
}

/// The providers serving a municipality.
pub(crate) async fn providers_of(
    state: &AppState,
    municipality: &str,
) -> Result<Vec<Provider>, Fail> {
    Ok(state
        .store
        .providers(Some(municipality), None, PageRequest::new(Some(200), None))
        .await?
        .items)
}

/// The price a provider asks for a service on a day (the offer in force, the latest one).
pub(crate) fn offer_price(p: &Provider, service: &str, on: &str) -> Option<UnitPrice> {
    p.offers
        .iter()
        .filter(|o| {
            o.service == service
                && o.valid_from.as_str() <= on
                && o.valid_to.as_deref().is_none_or(|t| on < t)
        })
        .max_by(|a, b| a.valid_from.cmp(&b.valid_from))
        .and_then(|o| o.price_eur.parse().ok())
}

#[derive(Debug, Serialize)]
struct OfferRow {
    provider: String,
    service: String,
    price: String,
}

/// What the providers of the municipality offer on a day, for choosing on the form.
fn offer_rows(state: &AppState, lang: Lang, providers: &[Provider], on: &str) -> Vec<OfferRow> {
    let mut rows = Vec::new();
    for p in providers {
        let mut services: Vec<&str> = p.offers.iter().map(|o| o.service.as_str()).collect();
        services.sort_unstable();
        services.dedup();
        for s in services {
            if let Some(price) = offer_price(p, s, on) {
                rows.push(OfferRow {
                    provider: p.name.clone(),
                    service: service_name(state, lang, s),
                    price: super::i18n::euro(lang, &price.to_string()),
                });
            }
        }
    }
    rows
}

fn service_name(state: &AppState, lang: Lang, code: &str) -> String {
    state
        .policies
        .catalogue
        .get(code)
        .map(|t| lang.pick(&t.name_lv, &t.name_en).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    name: impl Fn(T) -> String,
) -> Vec<Opt> {
    all.iter().map(|x| Opt::new(code(*x), name(*x))).collect()
}

/// Renders the plan form.
#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    v: &Visitor,
    status: StatusCode,
    person: &Person,
    d: &DecisionRow,
    action: &str,
    editing: Option<(i64, i64)>,
    rows: RowCounts,
    values: &BTreeMap<String, String>,
    shown: Shown,
) -> PageResult {
    let lang = v.lang;
    let providers = providers_of(state, &person.municipality).await?;
    let on = values
        .get("period_from")
        .filter(|f| parse_date(f).is_ok())
        .cloned()
        .unwrap_or_else(|| d.period_from.clone());
    let provider_choices: Vec<Opt> = providers
        .iter()
        .map(|p| Opt::new(p.id.to_string(), p.name.clone()))
        .collect();
    v.page_with_status(
        status,
        "plan_form.html",
        "people",
        context! {
            person => PersonView::of(lang, person),
            decision => context! {
                id => d.id,
                monthly => money(lang, d.monthly()),
                period => period_text(lang, &d.period_from, &d.period_to),
            },
            action => action,
            editing => editing.map(|(id, _)| id),
            version => editing.map(|(_, version)| version),
            rows => rows,
            values => values,
            problems => shown.problems,
            errors => shown.errors,
            services => service_choices(state, lang),
            providers => provider_choices,
            offers => offer_rows(state, lang, &providers, &on),
            offers_on => date(lang, &on),
            fundings => choices(FundingSource::ALL, FundingSource::code, |f| code_name(lang, "funding", f.code())),
            statuses => choices(LineStatus::ALL, LineStatus::code, |s| line_status_name(lang, s)),
            terms => choices(GoalTerm::ALL, GoalTerm::code, |t| code_name(lang, "goal-term", t.code())),
            owners => choices(TaskOwner::ALL, TaskOwner::code, |o| code_name(lang, "task-owner", o.code())),
        },
    )
}

async fn decision_and_person(
    state: &AppState,
    v: &Visitor,
    who: &SignedIn,
    id: i64,
) -> Result<(DecisionRow, Person), Fail> {
    let d = state
        .store
        .decision(&v.auditor()?, &who.scope(), id)
        .await?;
    let person = state
        .store
        .person(&v.auditor()?, &who.scope(), d.person_id)
        .await?;
    Ok((d, person))
}

/// `GET /decisions/{id}/plans/new`: the form for a plan on a decision.
pub async fn new_form(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    v.finish(new_form_page(&state, &v, &id).await)
}

async fn new_form_page(state: &AppState, v: &Visitor, id: &str) -> PageResult {
    let who = v.signed_in()?;
    let id = parse_id(id)?;
    require_to(who, Action::WritePlan)?;
    let (d, person) = decision_and_person(state, v, who, id).await?;
    let rows = RowCounts::for_plan(None);
    form_page(
        state,
        v,
        StatusCode::OK,
        &person,
        &d,
        &format!("/decisions/{id}/plans/new"),
        None,
        rows,
        &default_values(&d, rows),
        Shown::default(),
    )
    .await
}

/// `POST /decisions/{id}/plans/new`: makes the plan and goes to it, or shows the form again
/// with the problems (a plan over the budget with each line's cost and the overage).
pub async fn create(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    v.finish(create_page(&state, &v, &id, &Form::parse(&body)).await)
}

async fn create_page(state: &AppState, v: &Visitor, id: &str, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    let id = parse_id(id)?;
    require_to(who, Action::WritePlan)?;
    let rows = RowCounts::sent(form);
    let values = values_of(form, &keys(rows));
    let (input, maps, local) = input_of(&values, rows);
    let errors = if local.is_empty() {
        match cycle::create_plan(state, &caller(v, who), id, &input).await {
            Ok(p) => return Ok(Redirect::to(&format!("/plans/{}", p.id)).into_response()),
            Err(e) => refused(e)?,
        }
    } else {
        local
    };
    let (d, person) = decision_and_person(state, v, who, id).await?;
    form_page(
        state,
        v,
        StatusCode::UNPROCESSABLE_ENTITY,
        &person,
        &d,
        &format!("/decisions/{id}/plans/new"),
        None,
        rows,
        &values,
        shown(v.lang, &errors, &maps),
    )
    .await
}

/// `GET /plans/{id}/edit`: the form to revise a draft plan.
pub async fn edit_form(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    v.finish(edit_form_page(&state, &v, &id).await)
}

async fn edit_form_page(state: &AppState, v: &Visitor, id: &str) -> PageResult {
    let who = v.signed_in()?;
    let id = parse_id(id)?;
    require_to(who, Action::WritePlan)?;
    let (p, person) = state.store.plan(&v.auditor()?, &who.scope(), id).await?;
    if p.state != PlanState::Draft.code() {
        return Ok(Redirect::to(&format!("/plans/{id}")).into_response());
    }
    let d = state
        .store
        .decision(&v.auditor()?, &who.scope(), p.decision_id)
        .await?;
    let rows = RowCounts::for_plan(Some(&p.plan));
    let mut values = default_values(&d, rows);
    values.extend(values_from(&p.plan));
    form_page(
        state,
        v,
        StatusCode::OK,
        &person,
        &d,
        &format!("/plans/{id}/edit"),
        Some((id, p.version)),
        rows,
        &values,
        Shown::default(),
    )
    .await
}

/// `POST /plans/{id}/edit`: keeps a new version of the draft and goes back to the plan.
pub async fn update(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    v.finish(update_page(&state, &v, &id, &Form::parse(&body)).await)
}

async fn update_page(state: &AppState, v: &Visitor, id: &str, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    let id = parse_id(id)?;
    require_to(who, Action::WritePlan)?;
    let version = form
        .get("version")
        .and_then(|s| s.trim().parse::<i64>().ok())
        .ok_or(Fail::BadRequest)?;
    let rows = RowCounts::sent(form);
    let values = values_of(form, &keys(rows));
    let (input, maps, local) = input_of(&values, rows);
    let errors = if local.is_empty() {
        match cycle::revise_plan(state, &caller(v, who), id, version, &input).await {
            Ok(_) => return Ok(Redirect::to(&format!("/plans/{id}")).into_response()),
            Err(e) => refused(e)?,
        }
    } else {
        local
    };
    let (p, person) = state.store.plan(&v.auditor()?, &who.scope(), id).await?;
    let d = state
        .store
        .decision(&v.auditor()?, &who.scope(), p.decision_id)
        .await?;
    form_page(
        state,
        v,
        StatusCode::UNPROCESSABLE_ENTITY,
        &person,
        &d,
        &format!("/plans/{id}/edit"),
        Some((id, p.version)),
        rows,
        &values,
        shown(v.lang, &errors, &maps),
    )
    .await
}

// ---- The page of a plan ------------------------------------------------------------------

/// A plan line as the plan's page, the person's page and the printed plan show it.
#[derive(Debug, Serialize)]
pub(crate) struct LineView {
    pub(crate) service: String,
    pub(crate) quantity: String,
    pub(crate) unit: String,
    pub(crate) provider: String,
    pub(crate) funding: String,
    pub(crate) status: String,
    pub(crate) barrier: String,
    pub(crate) price: String,
    pub(crate) cost: String,
    pub(crate) counts: bool,
}

#[derive(Debug, Serialize)]
struct GoalView {
    index: usize,
    n: usize,
    term: String,
    text: String,
    reviews: Vec<ReviewView>,
}

#[derive(Debug, Serialize)]
struct ReviewView {
    attainment: String,
    note: String,
    reviewed_on: String,
    reviewed_by: String,
}

#[derive(Debug, Serialize)]
struct TaskView {
    owner: String,
    text: String,
    due_on: String,
}

#[derive(Debug, Serialize)]
struct SignatureView {
    signer: String,
    role: String,
    signed_on: String,
    recorded_by: String,
    version: i64,
}

#[derive(Debug, Serialize)]
struct VersionView {
    version: i64,
    state: String,
    cost: String,
    changed_by: String,
    changed_on: String,
    note: String,
}

#[derive(Debug, Serialize)]
struct ActionView {
    action: &'static str,
    label: String,
}

/// The state changes offered on a plan in a state: each action with the state it leads to.
const ACTIONS: [(&str, PlanState, PlanState); 7] = [
    ("activate", PlanState::Agreed, PlanState::Active),
    ("reopen", PlanState::Agreed, PlanState::Draft),
    ("review", PlanState::Active, PlanState::InReview),
    ("resume", PlanState::InReview, PlanState::Active),
    ("close", PlanState::Draft, PlanState::Closed),
    ("close", PlanState::Active, PlanState::Closed),
    ("close", PlanState::InReview, PlanState::Closed),
];

fn attainment_label(lang: Lang, score: i64) -> String {
    i8::try_from(score)
        .ok()
        .and_then(GoalAttainment::from_score)
        .map(|g| {
            format!(
                "{:+} – {}",
                g.score(),
                lang.pick(g.label_lv(), g.label_en())
            )
        })
        .unwrap_or_else(|| score.to_string())
}

/// Where a plan line's unit price comes from for the page: the chosen provider's offer on the
/// plan's start, or the policy's tariff without a provider. (The plan's total is the one kept
/// when the core checked the plan; this only shows each line's share.)
fn line_price(
    state: &AppState,
    d: &DecisionRow,
    providers: &[Provider],
    l: &PlanLine,
    start: time::Date,
) -> Option<UnitPrice> {
    let on = start.to_string();
    match l.provider_id {
        Some(id) => providers
            .iter()
            .find(|p| p.id == id)
            .and_then(|p| offer_price(p, &l.service, &on)),
        None => {
            let policy = state
                .policies
                .policies
                .iter()
                .find(|p| p.id == d.policy_id && p.version == d.policy_version)?;
            state
                .policies
                .tariffs
                .get(&policy.tariff_table)?
                .entries
                .iter()
                .find(|e| e.service == l.service && e.period.contains(start))
                .map(|e| e.price)
        }
    }
}

/// A plan's lines with their unit price and monthly cost, as the pages and the printed plan
/// show them.
pub(crate) fn line_views(
    state: &AppState,
    lang: Lang,
    d: &DecisionRow,
    providers: &[Provider],
    plan: &Plan,
) -> Vec<LineView> {
    plan.lines
        .iter()
        .map(|l| {
            let price = line_price(state, d, providers, l, plan.period.from);
            let counts = l.counts_against_budget();
            LineView {
                service: service_name(state, lang, &l.service),
                quantity: number(lang, &l.quantity_per_month.to_string()),
                unit: lang.pick(l.unit.name_lv(), l.unit.name_en()).to_owned(),
                provider: l
                    .provider_id
                    .map(|pid| {
                        providers
                            .iter()
                            .find(|p| p.id == pid)
                            .map(|p| p.name.clone())
                            .unwrap_or_else(|| pid.to_string())
                    })
                    .unwrap_or_default(),
                funding: code_name(lang, "funding", l.funding.code()),
                status: line_status_name(lang, l.status),
                barrier: l.barrier.clone().unwrap_or_default(),
                price: price
                    .map(|pr| super::i18n::euro(lang, &pr.to_string()))
                    .unwrap_or_default(),
                cost: match (counts, price) {
                    (true, Some(pr)) => money(lang, line_amount(pr, l.quantity_per_month)),
                    _ => String::new(),
                },
                counts,
            }
        })
        .collect()
}

/// The page of a plan, with the values of its forms and the problems found.
async fn show(
    state: &AppState,
    v: &Visitor,
    id: i64,
    status: StatusCode,
    values: BTreeMap<String, String>,
    shown: Shown,
) -> PageResult {
    let who = v.signed_in()?;
    require_to(who, Action::SeeCycle)?;
    let lang = v.lang;
    let (p, person): (PlanRow, Person) = state.store.plan(&v.auditor()?, &who.scope(), id).await?;
    let d = state
        .store
        .decision(&v.auditor()?, &who.scope(), p.decision_id)
        .await?;
    let providers = providers_of(state, &person.municipality).await?;
    let plan = &p.plan;
    let lines = line_views(state, lang, &d, &providers, plan);
    let total: Money = p.monthly_cost_eur.parse().unwrap_or(Money::ZERO);
    let budget = d.monthly();
    let goals: Vec<GoalView> = plan
        .goals
        .iter()
        .enumerate()
        .map(|(i, g)| GoalView {
            index: i,
            n: i + 1,
            term: code_name(lang, "goal-term", g.term.code()),
            text: g.text.clone(),
            reviews: p
                .goal_reviews
                .iter()
                .filter(|r| r.goal_index == i as i64)
                .map(|r| ReviewView {
                    attainment: attainment_label(lang, r.attainment),
                    note: r.note.clone(),
                    reviewed_on: date(lang, &r.reviewed_on),
                    reviewed_by: r.reviewed_by.clone(),
                })
                .collect(),
        })
        .collect();
    let tasks: Vec<TaskView> = plan
        .tasks
        .iter()
        .map(|t| TaskView {
            owner: code_name(lang, "task-owner", t.owner.code()),
            text: t.text.clone(),
            due_on: day(lang, t.due_on),
        })
        .collect();
    let signatures: Vec<SignatureView> = p
        .signatures
        .iter()
        .map(|s| SignatureView {
            signer: s.signer_name.clone(),
            role: code_name(lang, "signer-role", &s.role),
            signed_on: date(lang, &s.signed_on),
            recorded_by: s.recorded_by.clone(),
            version: s.version,
        })
        .collect();
    let versions: Vec<VersionView> = state
        .store
        .plan_versions(&who.scope(), id)
        .await?
        .into_iter()
        .map(|r| VersionView {
            version: r.version,
            state: plan_state_name(lang, &r.state),
            cost: r
                .monthly_cost_eur
                .parse()
                .map(|m| money(lang, m))
                .unwrap_or_default(),
            changed_by: r.changed_by,
            changed_on: date(lang, &r.changed_at),
            note: code_name(lang, "version-note", &r.note),
        })
        .collect();
    let current: Option<PlanState> = p.state.parse().ok();
    let actions: Vec<ActionView> = match current {
        Some(s) if who.may(MOVERS) => ACTIONS
            .iter()
            .filter(|(_, from, to)| *from == s && s.next_states().contains(to))
            .map(|(action, _, _)| ActionView {
                action,
                label: code_name(lang, "plan-action", action),
            })
            .collect(),
        _ => Vec::new(),
    };
    let is_draft = current == Some(PlanState::Draft);
    let in_review = current == Some(PlanState::InReview);
    let mut values = values;
    values
        .entry("signed_on".to_owned())
        .or_insert_with(|| crate::today().to_string());
    let version_choices: Vec<Opt> = versions
        .iter()
        .map(|r| {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("version", r.version);
            args.set("state", r.state.clone());
            Opt::new(
                r.version.to_string(),
                super::i18n::tr_args(lang, "version-option", Some(&args)),
            )
        })
        .collect();
    let last = versions.last().map(|r| r.version).unwrap_or(1);
    values
        .entry("from".to_owned())
        .or_insert_with(|| (last - 1).max(1).to_string());
    values
        .entry("to".to_owned())
        .or_insert_with(|| last.to_string());
    v.page_with_status(
        status,
        "plan.html",
        "people",
        context! {
            person => PersonView::of(lang, &person),
            p => context! {
                id => p.id,
                state => p.state,
                state_name => plan_state_name(lang, &p.state),
                version => p.version,
                period => plan.period.to.map(|t| period_text(lang, &plan.period.from.to_string(), &t.to_string())),
                needs => plan.needs,
                decision_id => p.decision_id,
            },
            lines => lines,
            total => money(lang, total),
            budget => money(lang, budget),
            remaining => (total <= budget).then(|| money(lang, budget - total)),
            over => (total > budget).then(|| money(lang, total - budget)),
            goals => goals,
            tasks => tasks,
            signatures => signatures,
            versions => versions,
            version_choices => version_choices,
            actions => actions,
            may_edit => is_draft && who.may(Action::WritePlan),
            may_sign => is_draft && who.may(SIGNERS),
            signer_roles => choices(SignerRole::ALL, SignerRole::code, |r| code_name(lang, "signer-role", r.code())),
            may_review_goals => in_review && who.may(GOAL_REVIEWERS) && !plan.goals.is_empty(),
            attainments => GoalAttainment::ALL.iter().map(|g| Opt::new(g.score().to_string(), format!("{:+} – {}", g.score(), lang.pick(g.label_lv(), g.label_en())))).collect::<Vec<_>>(),
            values => values,
            problems => shown.problems,
            errors => shown.errors,
        },
    )
}

/// `GET /plans/{id}`: a plan.
pub async fn page(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    v.finish(page_of(&state, &v, &id).await)
}

async fn page_of(state: &AppState, v: &Visitor, id: &str) -> PageResult {
    v.signed_in()?;
    let id = parse_id(id)?;
    show(
        state,
        v,
        id,
        StatusCode::OK,
        BTreeMap::new(),
        Shown::default(),
    )
    .await
}

/// The label of a field of the plan page's forms.
fn page_label(lang: Lang, key: &str) -> Option<(String, bool)> {
    let k = match key {
        "signer_name" => "field-signer-name",
        "role" => "field-signer-role",
        "signed_on" => "field-signed-on",
        _ => {
            return rows_label(lang, key)
                .map(|l| (l, true))
                .or_else(|| general_label(lang, key))
        }
    };
    Some((tr(lang, k), true))
}

/// Re-renders the plan page with the problems of a refused form.
async fn refused_page(
    state: &AppState,
    v: &Visitor,
    id: i64,
    errors: Vec<FieldError>,
    rows: &[RowMap],
    values: BTreeMap<String, String>,
) -> PageResult {
    let s = show_errors(v.lang, &errors, rows, &|k| k.to_owned(), &|k| {
        page_label(v.lang, k)
    });
    show(state, v, id, StatusCode::UNPROCESSABLE_ENTITY, values, s).await
}

/// `POST /plans/{id}/sign`: records a signature; the plan is then agreed.
pub async fn sign(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    v.finish(sign_page(&state, &v, &id, &Form::parse(&body)).await)
}

async fn sign_page(state: &AppState, v: &Visitor, id: &str, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    let id = parse_id(id)?;
    require_to(who, SIGNERS)?;
    let keys = ["signer_name", "role", "signed_on"].map(str::to_owned);
    let values = values_of(form, &keys);
    let input = SignatureInput {
        signer_name: form.text("signer_name"),
        role: form.text("role").trim().to_owned(),
        signed_on: form.text("signed_on").trim().to_owned(),
    };
    match cycle::sign_plan(state, &caller(v, who), id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}")).into_response()),
        Err(e) => refused_page(state, v, id, refused(e)?, &[], values).await,
    }
}

/// `POST /plans/{id}/state` (`action`: activate, review, resume, close, reopen).
pub async fn move_state(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    v.finish(move_page(&state, &v, &id, &Form::parse(&body)).await)
}

async fn move_page(state: &AppState, v: &Visitor, id: &str, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    let id = parse_id(id)?;
    require_to(who, MOVERS)?;
    let action = form.text("action");
    match cycle::move_plan(state, &caller(v, who), id, action.trim()).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}")).into_response()),
        Err(e) => refused_page(state, v, id, refused(e)?, &[], BTreeMap::new()).await,
    }
}

/// `POST /plans/{id}/goal-reviews`: records goal attainment (-2..+2) for the goals chosen.
pub async fn review_goals(
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
    require_to(who, GOAL_REVIEWERS)?;
    let mut keys = Vec::new();
    let mut inputs = Vec::new();
    let mut rows = RowMap::new("goals");
    let mut local = Vec::new();
    for g in 0..MAX_ROWS {
        let (a, n) = (format!("goals-{g}-attainment"), format!("goals-{g}-note"));
        keys.push(a.clone());
        keys.push(n.clone());
        let Some(score) = form.opt(&a) else {
            continue;
        };
        let attainment = match score.trim_start_matches('+').parse::<i8>() {
            Ok(s) => s,
            Err(_) => {
                local.push(FieldError::new(
                    format!("goals[{}].attainment", inputs.len()),
                    NOT_A_NUMBER,
                ));
                0
            }
        };
        rows.shown.push(g);
        inputs.push(GoalReviewInput {
            goal_index: g,
            attainment,
            note: form.text(&n),
        });
    }
    let values = values_of(form, &keys);
    let rows = [rows];
    if inputs.is_empty() {
        local.push(FieldError::new("", NO_GOAL_REVIEWED));
    }
    if !local.is_empty() {
        return refused_page(state, v, id, local, &rows, values).await;
    }
    match cycle::review_goals(state, &caller(v, who), id, &inputs).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}#goals")).into_response()),
        Err(e) => refused_page(state, v, id, refused(e)?, &rows, values).await,
    }
}

// ---- Comparing versions ----------------------------------------------------------------------

#[derive(Debug, Serialize)]
struct ChangeView {
    what: String,
    before: String,
    after: String,
}

fn goal_text(lang: Lang, g: &Goal) -> String {
    format!(
        "{}: {}",
        code_name(lang, "goal-term", g.term.code()),
        g.text
    )
}

fn line_text(state: &AppState, lang: Lang, providers: &[Provider], l: &PlanLine) -> String {
    let mut parts = vec![
        service_name(state, lang, &l.service),
        format!(
            "{} {}",
            number(lang, &l.quantity_per_month.to_string()),
            lang.pick(l.unit.name_lv(), l.unit.name_en())
        ),
    ];
    if let Some(pid) = l.provider_id {
        parts.push(
            providers
                .iter()
                .find(|p| p.id == pid)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| pid.to_string()),
        );
    }
    parts.push(code_name(lang, "funding", l.funding.code()));
    parts.push(line_status_name(lang, l.status));
    if let Some(b) = &l.barrier {
        parts.push(b.clone());
    }
    parts.join("; ")
}

fn task_text(lang: Lang, t: &Task) -> String {
    format!(
        "{}: {} ({})",
        code_name(lang, "task-owner", t.owner.code()),
        t.text,
        day(lang, t.due_on)
    )
}

fn what(lang: Lang, key: &str, fields: &[&str]) -> String {
    let base = code_name(lang, "change", key);
    if fields.is_empty() {
        return base;
    }
    let names: Vec<String> = fields
        .iter()
        .map(|f| code_name(lang, "changed-field", f))
        .collect();
    format!("{base} ({})", names.join(", "))
}

fn change_view(state: &AppState, lang: Lang, providers: &[Provider], c: &Change) -> ChangeView {
    let period = |p: &ibis_core::Period| match p.to {
        Some(t) => period_text(lang, &p.from.to_string(), &t.to_string()),
        None => day(lang, p.from),
    };
    let cv = |key: &str, fields: &[&str], before: String, after: String| ChangeView {
        what: what(lang, key, fields),
        before,
        after,
    };
    match c {
        Change::Period { before, after } => cv("period", &[], period(before), period(after)),
        Change::Needs { before, after } => cv("needs", &[], before.clone(), after.clone()),
        Change::GoalAdded { goal, .. } => {
            cv("goal-added", &[], String::new(), goal_text(lang, goal))
        }
        Change::GoalRemoved { goal, .. } => {
            cv("goal-removed", &[], goal_text(lang, goal), String::new())
        }
        Change::GoalChanged {
            before,
            after,
            fields,
            ..
        } => cv(
            "goal-changed",
            fields,
            goal_text(lang, before),
            goal_text(lang, after),
        ),
        Change::LineAdded { line, .. } => cv(
            "line-added",
            &[],
            String::new(),
            line_text(state, lang, providers, line),
        ),
        Change::LineRemoved { line, .. } => cv(
            "line-removed",
            &[],
            line_text(state, lang, providers, line),
            String::new(),
        ),
        Change::LineChanged {
            before,
            after,
            fields,
            ..
        } => cv(
            "line-changed",
            fields,
            line_text(state, lang, providers, before),
            line_text(state, lang, providers, after),
        ),
        Change::TaskAdded { task, .. } => {
            cv("task-added", &[], String::new(), task_text(lang, task))
        }
        Change::TaskRemoved { task, .. } => {
            cv("task-removed", &[], task_text(lang, task), String::new())
        }
        Change::TaskChanged {
            before,
            after,
            fields,
            ..
        } => cv(
            "task-changed",
            fields,
            task_text(lang, before),
            task_text(lang, after),
        ),
    }
}

/// `GET /plans/{id}/compare?from=&to=`: what changed between two versions of a plan.
pub async fn compare(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    v.finish(compare_page(&state, &v, &id).await)
}

async fn compare_page(state: &AppState, v: &Visitor, id: &str) -> PageResult {
    let who = v.signed_in()?;
    let id = parse_id(id)?;
    require_to(who, Action::SeeCycle)?;
    let lang = v.lang;
    let q = query(v);
    let version = |name: &str| -> Result<i64, Fail> {
        q.get(name)
            .and_then(|s| s.trim().parse::<i64>().ok())
            .ok_or(Fail::BadRequest)
    };
    let (from, to) = (version("from")?, version("to")?);
    let versions = state.store.plan_versions(&who.scope(), id).await?;
    let find = |n: i64| {
        versions
            .iter()
            .find(|r| r.version == n)
            .ok_or(Fail::NotFound)
    };
    let (a, b) = (find(from)?, find(to)?);
    let (p, person) = state.store.plan(&v.auditor()?, &who.scope(), id).await?;
    let providers = providers_of(state, &person.municipality).await?;
    let changes: Vec<ChangeView> = diff(&a.plan, &b.plan)
        .iter()
        .map(|c| change_view(state, lang, &providers, c))
        .collect();
    v.page(
        "plan_compare.html",
        "people",
        context! {
            person => PersonView::of(lang, &person),
            p => context! { id => p.id },
            from => from,
            to => to,
            from_state => plan_state_name(lang, &a.state),
            to_state => plan_state_name(lang, &b.state),
            changes => changes,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::super::i18n::has;
    use super::*;

    #[test]
    fn empty_rows_are_skipped_and_errors_point_at_the_rows_shown() {
        let rows = RowCounts::for_plan(None);
        let mut values = BTreeMap::new();
        values.insert("lines-3-service".to_owned(), "mentor".to_owned());
        values.insert("lines-3-quantity_per_month".to_owned(), "7,5".to_owned());
        values.insert("lines-3-provider_id".to_owned(), "x".to_owned());
        values.insert("goals-2-text".to_owned(), "Strādāt".to_owned());
        let (input, maps, local) = input_of(&values, rows);
        assert_eq!(input.lines.len(), 1);
        assert_eq!(
            input.lines[0].quantity_per_month, "7.5",
            "a decimal comma is read"
        );
        assert_eq!(input.goals.len(), 1);
        let s = shown(Lang::Lv, &local, &maps);
        assert_eq!(s.problems[0].field, "lines-3-provider_id");
        let errors = [FieldError::new("goals[0].text", "is required")];
        assert_eq!(
            shown(Lang::En, &errors, &maps).problems[0].field,
            "goals-2-text"
        );
    }

    #[test]
    fn names_exist_in_both_languages() {
        for lang in Lang::ALL {
            for f in FundingSource::ALL {
                assert!(has(lang, &format!("funding-{}", f.code())));
            }
            for t in GoalTerm::ALL {
                assert!(has(lang, &format!("goal-term-{}", t.code())));
            }
            for o in TaskOwner::ALL {
                assert!(has(lang, &format!("task-owner-{}", o.code())));
            }
            for r in SignerRole::ALL {
                assert!(has(lang, &format!("signer-role-{}", r.code())));
            }
            for (a, _, _) in ACTIONS {
                assert!(has(lang, &format!("plan-action-{a}")));
            }
            for s in PlanState::ALL {
                assert!(has(lang, &format!("version-note-{}", s.code())));
            }
            for n in ["created", "revised"] {
                assert!(has(lang, &format!("version-note-{n}")));
            }
            for c in [
                "period",
                "needs",
                "goal-added",
                "goal-removed",
                "goal-changed",
                "line-added",
                "line-removed",
                "line-changed",
                "task-added",
                "task-removed",
                "task-changed",
            ] {
                assert!(has(lang, &format!("change-{c}")));
            }
            for f in [
                "term",
                "text",
                "quantity_per_month",
                "provider_id",
                "funding",
                "status",
                "barrier",
                "service_name",
                "unit",
                "owner",
                "due_on",
            ] {
                assert!(
                    has(lang, &format!("changed-field-{f}")),
                    "changed-field-{f}"
                );
            }
            for key in keys(RowCounts::for_plan(None)) {
                assert!(label(lang, &key).is_some(), "{key}");
            }
            for key in [
                "signer_name",
                "role",
                "signed_on",
                "goals-0-attainment",
                "goals-1-note",
            ] {
                assert!(page_label(lang, key).is_some(), "{key}");
            }
        }
    }
}

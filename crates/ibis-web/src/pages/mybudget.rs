//! "Mans budžets / My budget": the page of a signed-in person (or legal representative) about
//! their own budget: the budget in force, what is left in plain words with a bar that has its
//! text beside it, the month's statement, the visits to confirm or dispute, and links to the
//! decision and its notice.
//!
//! | route | who |
//! | --- | --- |
//! | `GET /my-budget?person=&month=YYYY-MM` | the person or representative (role `person`) |
//! | `POST /my-budget/visits/{id}/confirm` | the same: the visit took place |
//! | `POST /my-budget/visits/{id}/dispute` | the same, with the reason |

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ibis_core::access::Action;
use ibis_core::claim::{Confirmation, Visit};
use ibis_core::money::Money;
use ibis_core::outcome::BudgetGroup;
use ibis_core::Period;
use ibis_store::cycle::DecisionRow;
use ibis_store::registry::Person;
use ibis_store::statements::PersonStatement;
use ibis_store::PageRequest;
use minijinja::context;
use serde::Serialize;

use super::assessments::period_text;
use super::cycle_ui::{
    caller, fail_of, number, parse_id, query, refused, require, require_to, show_errors, Shown,
};
use super::forms::Form;
use super::i18n::{euro, tr, tr_args, Lang};
use super::refdata::unit_name;
use super::visitor::{Fail, PageResult, SignedIn, Visitor};
use crate::statements::{month_of, neighbours, parse_month};
use crate::AppState;

/// The name of a month and its year (`jūnijs 2026`, `June 2026`).
pub fn month_label(lang: Lang, month: &Period) -> String {
    let key = match u8::from(month.from.month()) {
        1 => tr(lang, "month-january"),
        2 => tr(lang, "month-february"),
        3 => tr(lang, "month-march"),
        4 => tr(lang, "month-april"),
        5 => tr(lang, "month-may"),
        6 => tr(lang, "month-june"),
        7 => tr(lang, "month-july"),
        8 => tr(lang, "month-august"),
        9 => tr(lang, "month-september"),
        10 => tr(lang, "month-october"),
        11 => tr(lang, "month-november"),
        _ => tr(lang, "month-december"),
    };
    format!("{key} {}", month.from.year())
}

/// The month a page shows: `?month=YYYY-MM`, or the current month in Riga.
pub fn month_asked(q: &Form) -> Result<Period, Fail> {
    match q.opt("month") {
        Some(m) => parse_month(&m).map_err(|_| Fail::BadRequest),
        None => Ok(month_of(crate::today())),
    }
}

/// The month, its name, and the months before and after, for a page's month switch.
#[derive(Debug, Serialize)]
pub struct MonthView {
    /// `YYYY-MM`.
    pub code: String,
    /// Its name.
    pub label: String,
    /// The month before, `YYYY-MM`.
    pub prev: String,
    /// Its name.
    pub prev_label: String,
    /// The month after, `YYYY-MM`.
    pub next: String,
    /// Its name.
    pub next_label: String,
}

impl MonthView {
    /// The view of a month.
    pub fn of(lang: Lang, month: &Period) -> Self {
        let (prev, next) = neighbours(month);
        MonthView {
            code: ibis_store::statements::month_code(month),
            label: month_label(lang, month),
            prev: ibis_store::statements::month_code(&prev),
            prev_label: month_label(lang, &prev),
            next: ibis_store::statements::month_code(&next),
            next_label: month_label(lang, &next),
        }
    }
}

/// A service's name in the page's language.
pub fn service_name(state: &AppState, lang: Lang, code: &str) -> String {
    state
        .policies
        .catalogue
        .get(code)
        .map(|t| lang.pick(&t.name_lv, &t.name_en).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// An amount given as decimal text, as the pages write it.
pub fn eur(lang: Lang, amount: &str) -> String {
    euro(lang, amount)
}

/// A quantity with its unit (`2 stundas` is left to the unit's name: `2 h`).
pub fn quantity(lang: Lang, q: &str, unit: &str) -> String {
    let u = unit_name(lang, unit);
    if u.is_empty() {
        number(lang, q)
    } else {
        format!("{} ({u})", number(lang, q))
    }
}

fn hm(t: time::PrimitiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A visit's day and times as the pages write them (`03.06.2026 10:00–12:00`).
pub fn visit_times(lang: Lang, v: &Visit) -> String {
    let day = super::cycle_ui::day(lang, v.start.date());
    match v.end {
        Some(e) if e.date() == v.start.date() => format!("{day} {}–{}", hm(v.start), hm(e)),
        Some(e) => format!(
            "{day} {}–{} {}",
            hm(v.start),
            super::cycle_ui::day(lang, e.date()),
            hm(e)
        ),
        None => format!("{day} {}–", hm(v.start)),
    }
}

/// Whether a visit was individual or in a group, in words.
pub fn session_kind_name(lang: Lang, code: &str) -> String {
    match code {
        "group" => tr(lang, "visit-kind-group"),
        _ => tr(lang, "visit-kind-individual"),
    }
}

fn confirmation_name(lang: Lang, c: &Confirmation) -> String {
    match c {
        Confirmation::Unconfirmed => tr(lang, "visit-state-unconfirmed"),
        Confirmation::Confirmed => tr(lang, "visit-state-confirmed"),
        Confirmation::Disputed { .. } => tr(lang, "visit-state-disputed"),
    }
}

/// A line of the statement table.
#[derive(Debug, Serialize)]
pub struct LineView {
    /// Service.
    pub service: String,
    /// Provider.
    pub provider: String,
    /// Claims.
    pub claims: i64,
    /// Quantity with unit.
    pub quantity: String,
    /// From the budget.
    pub amount: String,
    /// Of which held.
    pub held: Option<String>,
    /// Co-payment.
    pub co_payment: String,
}

/// The lines of a month's statement as the pages and the printed statement show them.
pub fn statement_lines(state: &AppState, lang: Lang, s: &PersonStatement) -> Vec<LineView> {
    s.lines
        .iter()
        .map(|l| LineView {
            service: service_name(state, lang, &l.service),
            provider: l.provider_name.clone(),
            claims: l.claims,
            quantity: quantity(lang, &l.quantity, &l.unit),
            amount: eur(lang, &l.amount_eur),
            held: (l.held_eur != "0.00").then(|| eur(lang, &l.held_eur)),
            co_payment: eur(lang, &l.co_payment_eur),
        })
        .collect()
}

/// The month's statement as the pages show it.
pub fn statement_view(state: &AppState, lang: Lang, s: &PersonStatement) -> minijinja::Value {
    let lines = statement_lines(state, lang, s);
    let total: Money = s
        .lines
        .iter()
        .filter_map(|l| l.amount_eur.parse::<Money>().ok())
        .sum();
    let p = &s.position;
    context! {
        lines => lines,
        total => eur(lang, &total.to_string()),
        approved => eur(lang, &s.approved_eur),
        held => eur(lang, &s.held_eur),
        paid => eur(lang, &s.paid_eur),
        co_payment => eur(lang, &s.co_payment_eur),
        refused => s.refused_claims,
        as_of => super::i18n::date(lang, &s.as_of),
        position => context! {
            allocated => eur(lang, &p.allocated_eur),
            approved => eur(lang, &p.approved_eur),
            reserved => eur(lang, &p.reserved_eur),
            paid => eur(lang, &p.paid_eur),
            remaining => eur(lang, &p.remaining_eur),
        },
    }
}

#[derive(Debug, Serialize)]
struct PersonLink {
    id: i64,
    name: String,
    current: bool,
}

#[derive(Debug, Serialize)]
struct VisitView {
    id: i64,
    times: String,
    provider: String,
    specialist: String,
    kind: String,
    state: String,
    disputed_reason: Option<String>,
    may_confirm: bool,
    may_dispute: bool,
    field: String,
}

#[derive(Debug, Serialize)]
struct DecisionLink {
    id: i64,
    period: String,
    monthly: String,
    current: bool,
}

/// What is left, in words and as a share for the bar.
pub(crate) fn left_view(lang: Lang, b: &ibis_store::spending::BudgetBalances) -> minijinja::Value {
    let m = |s: &str| s.parse::<Money>().unwrap_or(Money::ZERO);
    let total = m(&b.allocated_eur) + m(&b.adjusted_eur);
    let used = m(&b.approved_eur) + m(&b.reserved_eur);
    let pct = if total.cents() > 0 {
        (used.cents().clamp(0, total.cents()) * 100 / total.cents()).clamp(0, 100)
    } else {
        0
    };
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("left", eur(lang, &b.remaining_eur));
    args.set("total", eur(lang, &total.to_string()));
    args.set("used", eur(lang, &used.to_string()));
    let sentence = tr_args(lang, "mybudget-left-sentence", Some(&args));
    let held = m(&b.reserved_eur);
    let held_text = (!held.is_zero()).then(|| {
        let mut a = fluent_bundle::FluentArgs::new();
        a.set("held", eur(lang, &b.reserved_eur));
        tr_args(lang, "mybudget-held-sentence", Some(&a))
    });
    let returned = m(&b.returned_eur);
    let returned_text = (!returned.is_zero()).then(|| {
        let mut a = fluent_bundle::FluentArgs::new();
        a.set("returned", eur(lang, &b.returned_eur));
        tr_args(lang, "mybudget-returned-sentence", Some(&a))
    });
    context! {
        remaining => eur(lang, &b.remaining_eur),
        total => eur(lang, &total.to_string()),
        used => eur(lang, &used.to_string()),
        paid => eur(lang, &b.paid_eur),
        pct => pct,
        sentence => sentence,
        held => held_text,
        returned => returned_text,
    }
}

/// The people the signed-in person sees: themselves, or those they represent.
pub(crate) async fn linked_people(
    state: &AppState,
    v: &Visitor,
    who: &SignedIn,
) -> Result<Vec<Person>, Fail> {
    Ok(state
        .store
        .persons(
            &v.auditor()?,
            &who.scope(),
            None,
            PageRequest::new(Some(50), None),
        )
        .await?
        .items)
}

/// The decision a month's page is about: the latest whose period overlaps the month, else the
/// latest of all.
pub(crate) fn decision_for(decisions: &[DecisionRow], month: &Period) -> Option<usize> {
    let overlaps = |d: &DecisionRow| {
        let from = ibis_core::policy::parse_date(&d.period_from).ok();
        let to = ibis_core::policy::parse_date(&d.period_to).ok();
        match (from, to) {
            (Some(f), Some(t)) => Period::new(f, t).is_ok_and(|p| p.overlaps(month)),
            _ => false,
        }
    };
    decisions
        .iter()
        .position(overlaps)
        .or(if decisions.is_empty() { None } else { Some(0) })
}

/// `GET /my-budget?person=&month=YYYY-MM`.
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
    require_to(who, Action::SeeOwnBudget)?;
    let lang = v.lang;
    let month = month_asked(q)?;
    let people = linked_people(state, v, who).await?;
    let chosen = match q.opt("person") {
        Some(p) => {
            let id = parse_id(&p)?;
            people.iter().find(|x| x.id == id).ok_or(Fail::NotFound)?
        }
        None => match people.first() {
            Some(p) => p,
            None => {
                return v.page_with_status(
                    status,
                    "mybudget.html",
                    "my-budget",
                    context! { person => None::<()>, month => MonthView::of(lang, &month) },
                )
            }
        },
    };
    let links: Vec<PersonLink> = people
        .iter()
        .map(|p| PersonLink {
            id: p.id,
            name: format!("{} {}", p.given_name, p.family_name),
            current: p.id == chosen.id,
        })
        .collect();
    let scope = who.scope();
    let decisions = state.store.decisions_of(&scope, chosen.id).await?;
    let current = decision_for(&decisions, &month);
    let c = caller(v, who);
    let mut budget = None;
    if let Some(d) = current.and_then(|i| decisions.get(i)) {
        let balances = crate::spending::balances(state, &c, d.id)
            .await
            .map_err(fail_of)?;
        let statement = crate::statements::person_statement(state, &c, d.id, month)
            .await
            .map_err(fail_of)?;
        budget = Some(context! {
            id => d.id,
            group => d
                .group
                .parse::<BudgetGroup>()
                .map(|g| lang.pick(g.name_lv(), g.name_en()).to_owned())
                .unwrap_or_else(|_| d.group.clone()),
            level => d.level,
            monthly => eur(lang, &d.monthly_eur),
            period => period_text(lang, &d.period_from, &d.period_to),
            left => left_view(lang, &balances),
            statement => statement_view(state, lang, &statement),
        });
    }
    let decision_links: Vec<DecisionLink> = decisions
        .iter()
        .enumerate()
        .map(|(i, d)| DecisionLink {
            id: d.id,
            period: period_text(lang, &d.period_from, &d.period_to),
            monthly: eur(lang, &d.monthly_eur),
            current: Some(i) == current,
        })
        .collect();
    // The month's visits, and any visit still waiting for an answer.
    let all = state.store.visits_of(&scope, chosen.id).await?;
    let mut providers: HashMap<i64, String> = HashMap::new();
    let mut visits = Vec::new();
    for vis in all
        .iter()
        .filter(|x| month.contains(x.start.date()) || x.confirmation == Confirmation::Unconfirmed)
    {
        let provider = match providers.get(&vis.provider_id) {
            Some(n) => n.clone(),
            None => {
                let n = state
                    .store
                    .provider(vis.provider_id)
                    .await
                    .map(|p| p.name)
                    .unwrap_or_default();
                providers.insert(vis.provider_id, n.clone());
                n
            }
        };
        let field = format!("visit-{}-reason", vis.id);
        visits.push(VisitView {
            id: vis.id,
            times: visit_times(lang, vis),
            provider,
            specialist: vis.specialist.clone(),
            kind: session_kind_name(lang, vis.kind.code()),
            state: confirmation_name(lang, &vis.confirmation),
            disputed_reason: match &vis.confirmation {
                Confirmation::Disputed { reason } => Some(reason.clone()),
                _ => None,
            },
            may_confirm: vis.end.is_some() && vis.confirmation != Confirmation::Confirmed,
            may_dispute: !matches!(vis.confirmation, Confirmation::Disputed { .. }),
            field,
        });
    }
    v.page_with_status(
        status,
        "mybudget.html",
        "my-budget",
        context! {
            person => context! {
                id => chosen.id,
                name => format!("{} {}", chosen.given_name, chosen.family_name),
            },
            people => links,
            month => MonthView::of(lang, &month),
            budget => budget,
            decisions => decision_links,
            visits => visits,
            values => values,
            problems => shown.problems,
            errors => shown.errors,
        },
    )
}

/// `POST /my-budget/visits/{id}/confirm`.
pub async fn confirm(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    v.finish(answer(&state, &v, &id, "confirm", &Form::parse(&body)).await)
}

/// `POST /my-budget/visits/{id}/dispute` (`reason`).
pub async fn dispute(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    v.finish(answer(&state, &v, &id, "dispute", &Form::parse(&body)).await)
}

/// Where to return to: the page with the person and month the form was sent from.
fn back(form: &Form) -> Form {
    let mut pairs = Vec::new();
    if let Some(p) = form.opt("person").filter(|p| parse_id(p).is_ok()) {
        pairs.push(format!("person={p}"));
    }
    if let Some(m) = form.opt("month").filter(|m| parse_month(m).is_ok()) {
        pairs.push(format!("month={m}"));
    }
    Form::query(Some(&pairs.join("&")))
}

fn back_url(q: &Form) -> String {
    let mut pairs = Vec::new();
    for k in ["person", "month"] {
        if let Some(v) = q.get(k) {
            pairs.push(format!("{k}={v}"));
        }
    }
    if pairs.is_empty() {
        "/my-budget#visits".to_owned()
    } else {
        format!("/my-budget?{}#visits", pairs.join("&"))
    }
}

async fn answer(state: &AppState, v: &Visitor, id: &str, action: &str, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    require_to(who, Action::SeeOwnBudget)?;
    let id = parse_id(id)?;
    let q = back(form);
    let field = format!("visit-{id}-reason");
    let reason = form.text(&field);
    let value = (action == "dispute").then_some(reason.as_str());
    match crate::spending::visit_action(state, &caller(v, who), id, action, value).await {
        Ok(_) => Ok(Redirect::to(&back_url(&q)).into_response()),
        Err(e) => {
            let errors = refused(e)?;
            let lang = v.lang;
            let alias = |k: &str| match k {
                "reason" => field.clone(),
                other => other.to_owned(),
            };
            let label = |k: &str| {
                if k == field {
                    Some((tr(lang, "field-dispute-reason"), true))
                } else if k == "visit" {
                    Some((tr(lang, "problem-visit"), false))
                } else {
                    super::cycle_ui::general_label(lang, k)
                }
            };
            let s = show_errors(lang, &errors, &[], &alias, &label);
            let mut values = BTreeMap::new();
            values.insert(field.clone(), reason.clone());
            show(state, v, &q, StatusCode::UNPROCESSABLE_ENTITY, values, s).await
        }
    }
}

/// The month a decision's statement page shows by default: this month, moved into the
/// decision's period when it lies outside it.
pub(crate) fn default_month(d: &DecisionRow, today: time::Date) -> Period {
    let from = ibis_core::policy::parse_date(&d.period_from).ok();
    let last = ibis_core::policy::parse_date(&d.period_to)
        .ok()
        .and_then(|t| t.previous_day());
    let day = match (from, last) {
        (Some(f), _) if today < f => f,
        (_, Some(l)) if today > l => l,
        _ => today,
    };
    month_of(day)
}

/// `GET /decisions/{id}/statement?month=YYYY-MM`: a budget's monthly statement for the person,
/// social workers and approvers (in scope).
pub async fn decision_statement(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    v.finish(decision_statement_page(&state, &v, &id).await)
}

async fn decision_statement_page(state: &AppState, v: &Visitor, id: &str) -> PageResult {
    let who = v.signed_in()?;
    require(who, crate::statements::STATEMENT_READERS)?;
    let id = parse_id(id)?;
    let lang = v.lang;
    let d = state
        .store
        .decision(&v.auditor()?, &who.scope(), id)
        .await?;
    let q = query(v);
    let month = match q.opt("month") {
        Some(_) => month_asked(&q)?,
        None => default_month(&d, crate::today()),
    };
    let s = crate::statements::person_statement(state, &caller(v, who), id, month)
        .await
        .map_err(fail_of)?;
    v.page(
        "decision_statement.html",
        "people",
        context! {
            d => context! {
                id => d.id,
                person_id => d.person_id,
                person => d.notice.person_name,
                monthly => eur(lang, &d.monthly_eur),
                period => period_text(lang, &d.period_from, &d.period_to),
            },
            month => MonthView::of(lang, &month),
            st => statement_view(state, lang, &s),
            month_link => format!("/decisions/{id}/statement?month="),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_in_both_languages() {
        let m = Period::month(2026, time::Month::June);
        assert_eq!(month_label(Lang::En, &m), "June 2026");
        assert!(month_label(Lang::Lv, &m).ends_with(" 2026"));
        for n in 1..=12u8 {
            let m = Period::month(2026, time::Month::try_from(n).unwrap_or(time::Month::June));
            for lang in Lang::ALL {
                assert!(!month_label(lang, &m).starts_with("month-"));
            }
        }
        let mv = MonthView::of(Lang::En, &Period::month(2026, time::Month::January));
        assert_eq!((mv.prev.as_str(), mv.next.as_str()), ("2025-12", "2026-02"));
        assert_eq!(
            month_of(date!(2026 - 11 - 22)),
            Period::month(2026, time::Month::November)
        );
    }

    #[test]
    fn return_to_the_page_the_form_came_from() {
        let f = Form::parse(b"person=12&month=2026-06&csrf=x");
        assert_eq!(
            back_url(&back(&f)),
            "/my-budget?person=12&month=2026-06#visits"
        );
        let bad = Form::parse(b"person=x&month=2026-13");
        assert_eq!(back_url(&back(&bad)), "/my-budget#visits");
    }
}

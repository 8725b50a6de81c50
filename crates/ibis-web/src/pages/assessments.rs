//! Assessments: recording one from a person's record (a child's, an adult's or a support
//! person's, by the person's target group), editing a draft, signing it; and the page of an
//! assessment, which for a signed one shows the budget the policy proposes with every line
//! explained and, for approvers, the form that decides it.
//!
//! | route | who |
//! | --- | --- |
//! | `GET, POST /people/{id}/assessments/new?kind=child\|adult\|support` | assessors, social workers |
//! | `GET /assessments/{id}` | the person, social workers, assessors, brokers, approvers |
//! | `GET, POST /assessments/{id}/edit`, `POST /assessments/{id}/sign` | assessors, social workers |
//! | `POST /assessments/{id}/decision` | approvers |

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ibis_core::access::Action;
use ibis_core::assessment::{
    instruments_for_age, AdultAssessmentInput, AdultDomainsInput, AgeGroup, Assessment,
    AssessmentInput, AssessmentPlace, CareLevel, ChildAssessmentInput, ChildRatingsInput,
    ConsultationInput, InstrumentResultInput, PreAssessmentInput, RatingInput,
    SupportAssessmentInput, SupportLevel, TeamMemberInput, TeamRole,
};
use ibis_core::budget::{ExplainedBudget, LevelBasis};
use ibis_core::decision::DecisionInput;
use ibis_core::field::FieldError;
use ibis_core::outcome::TargetGroup;
use ibis_core::policy::{parse_date, CapSpan};
use ibis_core::registry::age_on;
use ibis_store::cycle::AssessmentRow;
use ibis_store::registry::Person;
use minijinja::context;
use serde::Serialize;

use super::cycle_ui::{
    caller, core_lang, day, fail_of, general_label, money, next_month_start, number, parse_id,
    refused, require_to, row_key, show_errors, values_of, Opt, RowMap, Shown, NOT_A_NUMBER,
};
use super::forms::Form;
use super::i18n::{code_name, date, tr, tr_args, Lang};
use super::visitor::{Fail, PageResult, Visitor};
use crate::cycle::{self};
use crate::AppState;

/// Rows for instrument results on a child's form.
const INSTRUMENT_ROWS: usize = 3;
/// Rows for the assessment team (the three required roles and a physiotherapist).
const TEAM_ROWS: usize = 4;
/// Rows for consultations.
const CONSULTATION_ROWS: usize = 3;
/// A child's four domains, as named in the core's paths (`ratings.physical`).
const CHILD_DOMAINS: [&str; 4] = ["physical", "intellectual", "social", "behaviour"];
/// An adult's four domains, as named in the core's paths (`domains.self_care`).
const ADULT_DOMAINS: [&str; 4] = ["health", "self_care", "communication", "daily_living"];

/// The kind of an assessment form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Child,
    Adult,
    Support,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Child => "child",
            Kind::Adult => "adult",
            Kind::Support => "support",
        }
    }

    fn parse(code: &str) -> Option<Kind> {
        match code {
            "child" => Some(Kind::Child),
            "adult" => Some(Kind::Adult),
            "support" => Some(Kind::Support),
            _ => None,
        }
    }

    /// The kinds that may be recorded for a person of a target group: the group's own, and the
    /// support person's level for anyone.
    fn allowed(group: &str) -> Vec<Kind> {
        match group.parse::<TargetGroup>() {
            Ok(TargetGroup::ChildFt) => vec![Kind::Child, Kind::Support],
            Ok(TargetGroup::AdultGrt) => vec![Kind::Adult, Kind::Support],
            Err(_) => vec![Kind::Support],
        }
    }
}

/// The name of a kind of assessment.
pub fn kind_name(lang: Lang, kind: &str) -> String {
    code_name(lang, "assessment-kind", kind)
}

/// The name of an assessment's status.
pub fn status_name(lang: Lang, status: &str) -> String {
    code_name(lang, "assessment-status", status)
}

/// Every field name of a form of this kind.
fn keys(kind: Kind) -> Vec<String> {
    let mut k: Vec<String> = vec!["assessed_on".into(), "next_review_on".into()];
    match kind {
        Kind::Child => {
            for d in CHILD_DOMAINS {
                k.push(format!("ratings-{d}"));
                k.push(format!("ratings-{d}-note"));
            }
            for r in 0..INSTRUMENT_ROWS {
                k.push(format!("instruments-{r}-instrument"));
                k.push(format!("instruments-{r}-result"));
            }
            for r in 0..TEAM_ROWS {
                k.push(format!("team-{r}-role"));
                k.push(format!("team-{r}-name"));
            }
            for f in ["impairment_type", "technical_aids", "education"] {
                k.push(format!("pre_assessment-{f}"));
            }
            k.push("place".into());
            for r in 0..CONSULTATION_ROWS {
                k.push(format!("consultations-{r}-topic"));
                k.push(format!("consultations-{r}-minutes"));
            }
        }
        Kind::Adult => {
            k.push("care_level".into());
            for d in ADULT_DOMAINS {
                k.push(format!("domains-{d}"));
                k.push(format!("domains-{d}-note"));
            }
            k.push("rationale".into());
        }
        Kind::Support => {
            k.push("level".into());
            k.push("rationale".into());
        }
    }
    k
}

fn rating(form: &BTreeMap<String, String>, key: &str) -> Option<RatingInput> {
    let r = form.get(key)?.trim().parse::<u8>().ok()?;
    Some(RatingInput {
        rating: r,
        note: form
            .get(&format!("{key}-note"))
            .cloned()
            .unwrap_or_default(),
    })
}

/// What a form says, as the core's input; the rows the lists came from; and the problems
/// found in reading it (numbers that are not numbers).
fn input_of(
    kind: Kind,
    values: &BTreeMap<String, String>,
) -> (AssessmentInput, Vec<RowMap>, Vec<FieldError>) {
    let text = |k: &str| values.get(k).cloned().unwrap_or_default();
    let blank = |k: &str| text(k).trim().is_empty();
    let next_review_on = Some(text("next_review_on")).filter(|s| !s.trim().is_empty());
    let mut local = Vec::new();
    match kind {
        Kind::Child => {
            let mut instruments = Vec::new();
            let mut instrument_rows = RowMap::new("instruments");
            for r in 0..INSTRUMENT_ROWS {
                let (i, res) = (
                    format!("instruments-{r}-instrument"),
                    format!("instruments-{r}-result"),
                );
                if blank(&i) && blank(&res) {
                    continue;
                }
                instrument_rows.shown.push(r);
                instruments.push(InstrumentResultInput {
                    instrument: text(&i).trim().to_owned(),
                    result: text(&res),
                });
            }
            let mut team = Vec::new();
            let mut team_rows = RowMap::new("team");
            for r in 0..TEAM_ROWS {
                let name = format!("team-{r}-name");
                if blank(&name) {
                    continue;
                }
                team_rows.shown.push(r);
                team.push(TeamMemberInput {
                    role: text(&format!("team-{r}-role")).trim().to_owned(),
                    name: text(&name),
                });
            }
            let mut consultations = Vec::new();
            let mut consultation_rows = RowMap::new("consultations");
            for r in 0..CONSULTATION_ROWS {
                let (t, m) = (
                    format!("consultations-{r}-topic"),
                    format!("consultations-{r}-minutes"),
                );
                if blank(&t) && blank(&m) {
                    continue;
                }
                let i = consultations.len();
                consultation_rows.shown.push(r);
                let minutes = match text(&m).trim().parse::<u32>() {
                    Ok(n) => n,
                    Err(_) => {
                        local.push(FieldError::new(
                            format!("consultations[{i}].minutes"),
                            NOT_A_NUMBER,
                        ));
                        0
                    }
                };
                consultations.push(ConsultationInput {
                    topic: text(&t),
                    minutes,
                });
            }
            let input = ChildAssessmentInput {
                assessed_on: text("assessed_on"),
                ratings: ChildRatingsInput {
                    physical: rating(values, "ratings-physical"),
                    intellectual: rating(values, "ratings-intellectual"),
                    social: rating(values, "ratings-social"),
                    behaviour: rating(values, "ratings-behaviour"),
                },
                instruments,
                team,
                pre_assessment: PreAssessmentInput {
                    impairment_type: text("pre_assessment-impairment_type"),
                    technical_aids: text("pre_assessment-technical_aids"),
                    education: text("pre_assessment-education"),
                },
                place: text("place").trim().to_owned(),
                consultations,
                next_review_on,
            };
            (
                AssessmentInput::Child(input),
                vec![instrument_rows, team_rows, consultation_rows],
                local,
            )
        }
        Kind::Adult => (
            AssessmentInput::Adult(AdultAssessmentInput {
                assessed_on: text("assessed_on"),
                care_level: text("care_level").trim().to_owned(),
                domains: AdultDomainsInput {
                    health: rating(values, "domains-health"),
                    self_care: rating(values, "domains-self_care"),
                    communication: rating(values, "domains-communication"),
                    daily_living: rating(values, "domains-daily_living"),
                },
                rationale: text("rationale"),
                next_review_on,
            }),
            Vec::new(),
            local,
        ),
        Kind::Support => (
            AssessmentInput::Support(SupportAssessmentInput {
                assessed_on: text("assessed_on"),
                level: text("level").trim().to_owned(),
                rationale: text("rationale"),
                next_review_on,
            }),
            Vec::new(),
            local,
        ),
    }
}

/// The form's values for an assessment on record (to edit a draft).
fn values_from(a: &Assessment) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    let mut put = |k: String, val: String| {
        v.insert(k, val);
    };
    put("assessed_on".into(), a.assessed_on().to_string());
    put("next_review_on".into(), a.next_review_on().to_string());
    match a {
        Assessment::Child(c) => {
            let r = &c.ratings;
            let n = &c.notes;
            for (d, rating, note) in [
                ("physical", r.physical, &n.physical),
                ("intellectual", r.intellectual, &n.intellectual),
                ("social", r.social, &n.social),
                ("behaviour", r.behaviour, &n.behaviour),
            ] {
                put(format!("ratings-{d}"), rating.to_string());
                put(format!("ratings-{d}-note"), note.clone());
            }
            for (r, i) in c.instruments.iter().enumerate() {
                put(
                    format!("instruments-{r}-instrument"),
                    i.instrument.code().into(),
                );
                put(format!("instruments-{r}-result"), i.result.clone());
            }
            for (r, m) in c.team.iter().enumerate() {
                put(format!("team-{r}-role"), m.role.code().into());
                put(format!("team-{r}-name"), m.name.clone());
            }
            put(
                "pre_assessment-impairment_type".into(),
                c.pre_assessment.impairment_type.clone(),
            );
            put(
                "pre_assessment-technical_aids".into(),
                c.pre_assessment.technical_aids.clone(),
            );
            put(
                "pre_assessment-education".into(),
                c.pre_assessment.education.clone(),
            );
            put("place".into(), c.place.code().into());
            for (r, k) in c.consultations.iter().enumerate() {
                put(format!("consultations-{r}-topic"), k.topic.clone());
                put(format!("consultations-{r}-minutes"), k.minutes.to_string());
            }
        }
        Assessment::Adult(a) => {
            put("care_level".into(), a.care_level.code().into());
            for (d, r) in [
                ("health", &a.domains.health),
                ("self_care", &a.domains.self_care),
                ("communication", &a.domains.communication),
                ("daily_living", &a.domains.daily_living),
            ] {
                put(format!("domains-{d}"), r.rating.to_string());
                put(format!("domains-{d}-note"), r.note.clone());
            }
            put("rationale".into(), a.rationale.clone());
        }
        Assessment::Support(s) => {
            put("level".into(), s.level.code().into());
            put("rationale".into(), s.rationale.clone());
        }
    }
    v
}

/// The default values of a new form.
fn default_values(kind: Kind) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    v.insert("assessed_on".to_owned(), crate::today().to_string());
    if kind == Kind::Child {
        for (r, role) in TeamRole::ALL.iter().enumerate().take(TEAM_ROWS) {
            v.insert(format!("team-{r}-role"), role.code().to_owned());
        }
    }
    v
}

/// A row field's label: `Instruments 2: result`.
fn row_label(lang: Lang, prefix: &str, row: usize, field: &str) -> Option<String> {
    let row_key = match prefix {
        "instruments" => "row-instrument",
        "team" => "row-team-member",
        "consultations" => "row-consultation",
        "goals" => "row-goal",
        "lines" => "row-line",
        "tasks" => "row-task",
        _ => return None,
    };
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("n", row as i64 + 1);
    let row_name = tr_args(lang, row_key, Some(&args));
    let field_key = match (prefix, field) {
        ("instruments", "instrument") => "field-instrument",
        ("instruments", "result") => "field-instrument-result",
        ("team", "role") => "field-team-role",
        ("team", "name") => "field-team-name",
        ("consultations", "topic") => "field-consultation-topic",
        ("consultations", "minutes") => "field-consultation-minutes",
        ("goals", "term") => "field-goal-term",
        ("goals", "text") => "field-goal-text",
        ("goals", "attainment") => "field-attainment",
        ("goals", "note") => "field-review-note",
        ("goals", "goal_index") => "field-goal",
        ("lines", "service") => "field-service",
        ("lines", "quantity_per_month") => "field-quantity-per-month",
        ("lines", "provider_id") => "field-provider",
        ("lines", "funding") => "field-funding",
        ("lines", "status") => "field-line-status",
        ("lines", "barrier") => "field-barrier",
        ("tasks", "owner") => "field-task-owner",
        ("tasks", "text") => "field-task-text",
        ("tasks", "due_on") => "field-due-on",
        (_, "") => return Some(row_name),
        _ => return None,
    };
    Some(format!("{row_name}: {}", tr(lang, field_key)))
}

/// Labels of the rows of the cycle's forms, for [`show_errors`].
pub fn rows_label(lang: Lang, key: &str) -> Option<String> {
    let (prefix, row, field) = row_key(key)?;
    row_label(lang, prefix, row, field)
}

fn domain_label(lang: Lang, d: &str) -> String {
    code_name(lang, "domain", &d.replace('_', "-"))
}

/// The label of a field of an assessment form.
fn label(lang: Lang, key: &str) -> Option<(String, bool)> {
    let simple = match key {
        "assessed_on" => Some("field-assessed-on"),
        "next_review_on" => Some("field-next-review-on"),
        "pre_assessment-impairment_type" => Some("field-impairment-type"),
        "pre_assessment-technical_aids" => Some("field-technical-aids"),
        "pre_assessment-education" => Some("field-education"),
        "place" => Some("field-place"),
        "care_level" => Some("field-care-level"),
        "level" => Some("field-support-level"),
        "rationale" => Some("field-rationale"),
        "team" => Some("team-title"),
        _ => None,
    };
    if let Some(k) = simple {
        return Some((tr(lang, k), true));
    }
    for prefix in ["ratings-", "domains-"] {
        if let Some(d) = key.strip_prefix(prefix) {
            let (d, note) = match d.strip_suffix("-note") {
                Some(d) => (d, true),
                None => (d, false),
            };
            let name = domain_label(lang, d);
            return Some(if note {
                let mut args = fluent_bundle::FluentArgs::new();
                args.set("domain", name);
                (tr_args(lang, "field-domain-note", Some(&args)), true)
            } else {
                (name, true)
            });
        }
    }
    if let Some(l) = rows_label(lang, key) {
        return Some((l, true));
    }
    general_label(lang, key)
}

/// Where an error of the core is shown on an assessment form: a rating's errors at its group
/// of buttons.
fn alias(key: &str) -> String {
    key.strip_suffix("-rating").unwrap_or(key).to_owned()
}

/// The problems of an assessment form.
fn shown(lang: Lang, errors: &[FieldError], rows: &[RowMap]) -> Shown {
    show_errors(lang, errors, rows, &alias, &|k| label(lang, k))
}

/// The person as the cycle's pages show them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    /// Id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Target group in words.
    pub group: String,
    /// Date of birth.
    pub birth_date: String,
}

impl PersonView {
    /// The view of a person.
    pub fn of(lang: Lang, p: &Person) -> Self {
        PersonView {
            id: p.id,
            name: format!("{} {}", p.given_name, p.family_name),
            group: code_name(lang, "group", &p.target_group),
            birth_date: date(lang, &p.birth_date),
        }
    }
}

/// The 0-4 scale with its words.
fn scale(lang: Lang) -> Vec<Opt> {
    (0..=4)
        .map(|n| {
            Opt::new(
                n.to_string(),
                format!("{n} – {}", code_name(lang, "rating", &n.to_string())),
            )
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct DomainField {
    key: String,
    label: String,
}

/// Renders an assessment form (new or edit).
#[allow(clippy::too_many_arguments)]
fn form_page(
    v: &Visitor,
    status: StatusCode,
    person: &Person,
    kind: Kind,
    action: &str,
    editing: Option<i64>,
    values: &BTreeMap<String, String>,
    shown: Shown,
) -> PageResult {
    let lang = v.lang;
    let today = crate::today();
    let birth = parse_date(&person.birth_date).ok();
    let on = values
        .get("assessed_on")
        .and_then(|d| parse_date(d).ok())
        .filter(|d| *d <= today)
        .unwrap_or(today);
    let age = birth.map(|b| age_on(b, on));
    let child = if kind == Kind::Child {
        let instruments: Vec<Opt> = age
            .map(instruments_for_age)
            .unwrap_or_default()
            .into_iter()
            .map(|i| Opt::new(i.code(), lang.pick(i.name_lv(), i.name_en())))
            .collect();
        Some(context! {
            age_years => age,
            age_group => birth.and_then(|b| AgeGroup::of(b, on)).map(|g| g.code()),
            on => day(lang, on),
            instruments => instruments,
            instrument_rows => INSTRUMENT_ROWS,
            team_roles => TeamRole::ALL.iter().map(|r| Opt::new(r.code(), lang.pick(r.name_lv(), r.name_en()))).collect::<Vec<_>>(),
            team_rows => TEAM_ROWS,
            consultation_rows => CONSULTATION_ROWS,
            places => AssessmentPlace::ALL.iter().map(|p| Opt::new(p.code(), code_name(lang, "place", p.code()))).collect::<Vec<_>>(),
            domains => CHILD_DOMAINS.iter().map(|d| DomainField { key: format!("ratings-{d}"), label: domain_label(lang, d) }).collect::<Vec<_>>(),
        })
    } else {
        None
    };
    let adult = if kind == Kind::Adult {
        Some(context! {
            care_levels => CareLevel::ALL.iter().map(|c| {
                let mut args = fluent_bundle::FluentArgs::new();
                args.set("level", c.code());
                Opt::new(c.code(), tr_args(lang, "care-level-option", Some(&args)))
            }).collect::<Vec<_>>(),
            domains => ADULT_DOMAINS.iter().map(|d| DomainField { key: format!("domains-{d}"), label: domain_label(lang, d) }).collect::<Vec<_>>(),
        })
    } else {
        None
    };
    let support = if kind == Kind::Support {
        Some(context! {
            levels => SupportLevel::ALL.iter().map(|l| Opt::new(l.code(), code_name(lang, "support-level", l.code()))).collect::<Vec<_>>(),
        })
    } else {
        None
    };
    v.page_with_status(
        status,
        "assessment_form.html",
        "people",
        context! {
            person => PersonView::of(lang, person),
            kind => kind.code(),
            kind_name => kind_name(lang, kind.code()),
            action => action,
            editing => editing,
            values => values,
            problems => shown.problems,
            errors => shown.errors,
            scale => scale(lang),
            child => child,
            adult => adult,
            support => support,
            review_months => if kind == Kind::Child { 6 } else { 12 },
        },
    )
}

async fn person_of(state: &AppState, v: &Visitor, id: i64) -> Result<Person, Fail> {
    let who = v.signed_in()?;
    Ok(state.store.person(&v.auditor()?, &who.scope(), id).await?)
}

fn kind_for(v: &Visitor, form: Option<&Form>, person: &Person) -> Result<Kind, Fail> {
    let allowed = Kind::allowed(&person.target_group);
    let asked = match form {
        Some(f) => f.get("kind").map(str::to_owned),
        None => super::cycle_ui::query(v).opt("kind"),
    };
    match asked {
        None => allowed.first().copied().ok_or(Fail::NotFound),
        Some(k) => Kind::parse(&k)
            .filter(|k| allowed.contains(k))
            .ok_or(Fail::NotFound),
    }
}

/// `GET /people/{id}/assessments/new?kind=`: the form for a new assessment.
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
    require_to(who, Action::RecordAssessment)?;
    let person = person_of(state, v, id).await?;
    let kind = kind_for(v, None, &person)?;
    let action = format!("/people/{id}/assessments/new");
    form_page(
        v,
        StatusCode::OK,
        &person,
        kind,
        &action,
        None,
        &default_values(kind),
        Shown::default(),
    )
}

/// Problems the core finds in an input, for a form that could not be read completely: the
/// local problems first, then the core's on other fields.
fn with_core_errors(
    local: Vec<FieldError>,
    input: &AssessmentInput,
    person: &Person,
) -> Vec<FieldError> {
    let mut errors = local;
    if let Ok(birth) = parse_date(&person.birth_date) {
        if let Err(more) = input.check(birth, crate::today()) {
            for e in more {
                if !errors.iter().any(|l| l.field == e.field) {
                    errors.push(e);
                }
            }
        }
    }
    errors
}

/// `POST /people/{id}/assessments/new`: records the assessment as a draft and goes to it.
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
    require_to(who, Action::RecordAssessment)?;
    let person = person_of(state, v, id).await?;
    let kind = kind_for(v, Some(form), &person)?;
    let values = values_of(form, &keys(kind));
    let (input, rows, local) = input_of(kind, &values);
    let errors = if local.is_empty() {
        match cycle::record_assessment(state, &caller(v, who), id, &input).await {
            Ok(a) => return Ok(Redirect::to(&format!("/assessments/{}", a.id)).into_response()),
            Err(e) => refused(e)?,
        }
    } else {
        with_core_errors(local, &input, &person)
    };
    let action = format!("/people/{id}/assessments/new");
    form_page(
        v,
        StatusCode::UNPROCESSABLE_ENTITY,
        &person,
        kind,
        &action,
        None,
        &values,
        shown(v.lang, &errors, &rows),
    )
}

/// `GET /assessments/{id}/edit`: the form to change a draft.
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
    require_to(who, Action::RecordAssessment)?;
    let (a, person) = state
        .store
        .assessment(&v.auditor()?, &who.scope(), id)
        .await?;
    if a.status != "draft" {
        return Ok(Redirect::to(&format!("/assessments/{id}")).into_response());
    }
    let kind = Kind::parse(&a.kind).ok_or(Fail::NotFound)?;
    form_page(
        v,
        StatusCode::OK,
        &person,
        kind,
        &format!("/assessments/{id}/edit"),
        Some(id),
        &values_from(&a.assessment),
        Shown::default(),
    )
}

/// `POST /assessments/{id}/edit`: replaces the draft and goes back to it.
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
    require_to(who, Action::RecordAssessment)?;
    let (a, person) = state
        .store
        .assessment(&v.auditor()?, &who.scope(), id)
        .await?;
    let kind = Kind::parse(&a.kind).ok_or(Fail::NotFound)?;
    let values = values_of(form, &keys(kind));
    let (input, rows, local) = input_of(kind, &values);
    let errors = if local.is_empty() {
        match cycle::revise_assessment(state, &caller(v, who), id, &input).await {
            Ok(_) => return Ok(Redirect::to(&format!("/assessments/{id}")).into_response()),
            Err(e) => refused(e)?,
        }
    } else {
        with_core_errors(local, &input, &person)
    };
    form_page(
        v,
        StatusCode::UNPROCESSABLE_ENTITY,
        &person,
        kind,
        &format!("/assessments/{id}/edit"),
        Some(id),
        &values,
        shown(v.lang, &errors, &rows),
    )
}

/// `POST /assessments/{id}/sign`: signs a draft.
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
    require_to(who, Action::RecordAssessment)?;
    match cycle::sign_assessment(state, &caller(v, who), id).await {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{id}")).into_response()),
        Err(e) => {
            let errors = refused(e)?;
            let s = show_errors(v.lang, &errors, &[], &alias, &|k| general_label(v.lang, k));
            show(
                state,
                v,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                BTreeMap::new(),
                s,
            )
            .await
        }
    }
}

// ---- The page of an assessment ---------------------------------------------------------------

#[derive(Debug, Serialize)]
struct RatedView {
    label: String,
    rating: u8,
    word: String,
    note: String,
}

fn rated(lang: Lang, label: String, rating: u8, note: &str) -> RatedView {
    RatedView {
        label,
        rating,
        word: code_name(lang, "rating", &rating.to_string()),
        note: note.to_owned(),
    }
}

#[derive(Debug, Serialize)]
struct Pair {
    name: String,
    value: String,
}

/// What an assessment says, in the page's language.
fn details(lang: Lang, a: &Assessment) -> minijinja::Value {
    match a {
        Assessment::Child(c) => {
            let r = &c.ratings;
            let n = &c.notes;
            let ratings: Vec<RatedView> = [
                ("physical", r.physical, &n.physical),
                ("intellectual", r.intellectual, &n.intellectual),
                ("social", r.social, &n.social),
                ("behaviour", r.behaviour, &n.behaviour),
            ]
            .iter()
            .map(|(d, rating, note)| rated(lang, domain_label(lang, d), *rating, note))
            .collect();
            context! {
                child => context! {
                    age_years => c.age_years,
                    age_group => c.age_group.code(),
                    ratings => ratings,
                    score => u32::from(r.physical) + u32::from(r.intellectual) + u32::from(r.social) + u32::from(r.behaviour),
                    instruments => c.instruments.iter().map(|i| Pair { name: lang.pick(i.instrument.name_lv(), i.instrument.name_en()).to_owned(), value: i.result.clone() }).collect::<Vec<_>>(),
                    team => c.team.iter().map(|m| Pair { name: lang.pick(m.role.name_lv(), m.role.name_en()).to_owned(), value: m.name.clone() }).collect::<Vec<_>>(),
                    impairment_type => c.pre_assessment.impairment_type,
                    technical_aids => c.pre_assessment.technical_aids,
                    education => c.pre_assessment.education,
                    place => code_name(lang, "place", c.place.code()),
                    consultations => c.consultations.iter().map(|k| Pair { name: k.topic.clone(), value: k.minutes.to_string() }).collect::<Vec<_>>(),
                    consultation_minutes => c.consultation_minutes(),
                }
            }
        }
        Assessment::Adult(ad) => {
            let domains: Vec<RatedView> = [
                ("health", &ad.domains.health),
                ("self_care", &ad.domains.self_care),
                ("communication", &ad.domains.communication),
                ("daily_living", &ad.domains.daily_living),
            ]
            .iter()
            .map(|(d, r)| rated(lang, domain_label(lang, d), r.rating, &r.note))
            .collect();
            context! {
                adult => context! {
                    care_level => ad.care_level.code(),
                    domains => domains,
                    rationale => ad.rationale,
                }
            }
        }
        Assessment::Support(s) => context! {
            support => context! {
                level => code_name(lang, "support-level", s.level.code()),
                rationale => s.rationale,
            }
        },
    }
}

#[derive(Debug, Serialize)]
struct LineView {
    service: String,
    code: String,
    quantity: String,
    unit: String,
    price: String,
    amount: String,
    illustrative: bool,
}

#[derive(Debug, Serialize)]
struct CapView {
    services: String,
    max: String,
    per: String,
    planned: String,
    source: String,
}

fn service_name(state: &AppState, lang: Lang, code: &str) -> String {
    state
        .policies
        .catalogue
        .get(code)
        .map(|t| lang.pick(&t.name_lv, &t.name_en).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// An explained budget in the page's language.
fn budget_view(state: &AppState, lang: Lang, b: &ExplainedBudget) -> minijinja::Value {
    let lines: Vec<LineView> = b
        .lines
        .iter()
        .map(|l| LineView {
            service: lang.pick(&l.name_lv, &l.name_en).to_owned(),
            code: l.service.clone(),
            quantity: number(lang, &l.quantity.to_string()),
            unit: lang.pick(l.unit.name_lv(), l.unit.name_en()).to_owned(),
            price: super::i18n::euro(lang, &l.unit_price_eur.to_string()),
            amount: money(lang, l.amount_eur),
            illustrative: l.price_basis.illustrative,
        })
        .collect();
    let caps: Vec<CapView> = b
        .caps
        .iter()
        .map(|c| CapView {
            services: c
                .services
                .iter()
                .map(|s| service_name(state, lang, s))
                .collect::<Vec<_>>()
                .join(", "),
            max: number(lang, &c.max.to_string()),
            per: tr(
                lang,
                match c.per {
                    CapSpan::Month => "cap-per-month",
                    CapSpan::Year => "cap-per-year",
                },
            ),
            planned: number(lang, &c.package_quantity_per_month.to_string()),
            source: c.source.clone(),
        })
        .collect();
    let basis = match &b.level_basis {
        LevelBasis::Assessed { level } => {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("level", level.clone());
            tr_args(lang, "budget-level-assessed", Some(&args))
        }
        LevelBasis::Score {
            score,
            band_min,
            band_max,
            level,
            ..
        } => {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("level", level.clone());
            args.set("score", i64::from(*score));
            args.set("min", i64::from(*band_min));
            args.set("max", i64::from(*band_max));
            tr_args(lang, "budget-level-score", Some(&args))
        }
    };
    context! {
        total => money(lang, b.total_eur),
        on => day(lang, b.on),
        group => lang.pick(b.group.name_lv(), b.group.name_en()),
        level => b.level,
        basis => basis,
        living => b.living.map(|l| lang.pick(l.name_lv(), l.name_en()).to_owned()),
        policy => context! {
            id => b.policy.id,
            version => b.policy.version,
            title => lang.pick(&b.policy.title_lv, &b.policy.title_en),
            illustrative => b.policy.illustrative,
            source => b.policy.source,
            valid_from => day(lang, b.policy.valid_from),
        },
        tariff => format!("{} v{}", b.tariff.id, b.tariff.version),
        lines => lines,
        caps => caps,
    }
}

#[derive(Debug, Serialize)]
struct DecisionLink {
    id: i64,
    period: String,
    monthly: String,
    decided_on: String,
}

/// The values of a new decision form: the period from the first of next month, for 12 months.
fn decision_defaults() -> BTreeMap<String, String> {
    let from = next_month_start(crate::today());
    let mut v = BTreeMap::new();
    v.insert("period_from".to_owned(), from.to_string());
    v.insert(
        "period_to".to_owned(),
        ibis_core::review::add_months(from, 12).to_string(),
    );
    v
}

/// The label of a field of the decision form.
fn decision_label(lang: Lang, key: &str) -> Option<(String, bool)> {
    let k = match key {
        "period_from" => "field-period-from",
        "period_to" => "field-period-to",
        "amount_eur" => "field-amount",
        "override_reason" => "field-override-reason",
        _ => return general_label(lang, key),
    };
    Some((tr(lang, k), true))
}

/// A period `[from, to)` as the pages show it: first and last day.
pub fn period_text(lang: Lang, from: &str, to: &str) -> String {
    format!(
        "{} – {}",
        date(lang, from),
        date(lang, &super::refdata::day_before(to))
    )
}

/// The page of an assessment, with the decision form's values and problems.
async fn show(
    state: &AppState,
    v: &Visitor,
    id: i64,
    status: StatusCode,
    decision_values: BTreeMap<String, String>,
    shown: Shown,
) -> PageResult {
    let who = v.signed_in()?;
    require_to(who, Action::SeeCycle)?;
    let lang = v.lang;
    let c = caller(v, who);
    let decision_values = if decision_values.is_empty() {
        decision_defaults()
    } else {
        decision_values
    };
    let on = decision_values
        .get("period_from")
        .and_then(|d| parse_date(d).ok())
        .unwrap_or_else(|| next_month_start(crate::today()));
    let (a, person, budget, budget_error): (AssessmentRow, Person, _, _) =
        match cycle::propose(state, &c, id, on).await {
            Ok((a, p, b)) => (a, p, Some(b), None),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                let message = e.fields.first().map(|f| f.message.clone());
                let (a, p) = state
                    .store
                    .assessment(&v.auditor()?, &who.scope(), id)
                    .await?;
                (a, p, None, message)
            }
            Err(e) => return Err(fail_of(e)),
        };
    let signed = a.status == "signed";
    let decisions: Vec<DecisionLink> = state
        .store
        .decisions_of(&who.scope(), person.id)
        .await?
        .into_iter()
        .filter(|d| d.assessment_id == id)
        .map(|d| DecisionLink {
            id: d.id,
            period: period_text(lang, &d.period_from, &d.period_to),
            monthly: money(lang, d.monthly()),
            decided_on: date(lang, &d.decided_on),
        })
        .collect();
    let is_assessor = who.may(Action::RecordAssessment);
    let is_approver = who.may(Action::DecideBudget);
    v.page_with_status(
        status,
        "assessment.html",
        "people",
        context! {
            person => PersonView::of(lang, &person),
            a => context! {
                id => a.id,
                kind => a.kind,
                kind_name => kind_name(lang, &a.kind),
                status => a.status,
                status_name => status_name(lang, &a.status),
                assessed_on => date(lang, &a.assessed_on),
                next_review_on => date(lang, &a.next_review_on),
                assessors => a.assessors.join(", "),
                signed_at => a.signed_at.as_deref().map(|s| date(lang, s)),
                superseded_by => a.superseded_by,
            },
            details => details(lang, &a.assessment),
            may_edit => is_assessor && a.status == "draft",
            budget => if signed { budget.as_ref().map(|b| budget_view(state, lang, b)) } else { None },
            budget_error => if signed { budget_error } else { None },
            may_decide => is_approver && signed,
            proposed => budget.as_ref().map(|b| money(lang, b.total_eur)),
            values => decision_values,
            problems => shown.problems,
            errors => shown.errors,
            decisions => decisions,
            notice_lang => core_lang(lang).code(),
        },
    )
}

/// `GET /assessments/{id}`: an assessment; when signed, the proposed budget and, for
/// approvers, the decision form.
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

/// `POST /assessments/{id}/decision`: decides the budget (approvers) and goes to the decision.
pub async fn decide(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    v.finish(decide_page(&state, &v, &id, &Form::parse(&body)).await)
}

async fn decide_page(state: &AppState, v: &Visitor, id: &str, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    let id = parse_id(id)?;
    require_to(who, Action::DecideBudget)?;
    let keys: Vec<String> = ["period_from", "period_to", "amount_eur", "override_reason"]
        .iter()
        .map(|k| (*k).to_owned())
        .collect();
    let values = values_of(form, &keys);
    let input = DecisionInput {
        period_from: form.text("period_from").trim().to_owned(),
        period_to: form.text("period_to").trim().to_owned(),
        amount_eur: form.opt("amount_eur").map(|a| a.replace(',', ".")),
        override_reason: form.opt("override_reason"),
    };
    match cycle::decide(state, &caller(v, who), id, &input).await {
        Ok(d) => Ok(Redirect::to(&format!("/decisions/{}", d.id)).into_response()),
        Err(e) => {
            let errors = refused(e)?;
            let s = show_errors(v.lang, &errors, &[], &|k| k.to_owned(), &|k| {
                decision_label(v.lang, k)
            });
            show(state, v, id, StatusCode::UNPROCESSABLE_ENTITY, values, s).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_rows_are_skipped_and_errors_map_back_to_them() {
        let mut values = default_values(Kind::Child);
        values.insert("instruments-2-instrument".into(), "barthel".into());
        values.insert("instruments-2-result".into(), "ok".into());
        values.insert("consultations-1-topic".into(), "with the mother".into());
        values.insert("consultations-1-minutes".into(), "sixty".into());
        let (input, rows, local) = input_of(Kind::Child, &values);
        let AssessmentInput::Child(c) = input else {
            panic!("a child's input")
        };
        assert_eq!(c.instruments.len(), 1);
        assert_eq!(c.team.len(), 0, "rows without a name are not sent");
        assert_eq!(local.len(), 1);
        let s = shown(Lang::En, &local, &rows);
        assert_eq!(s.problems[0].field, "consultations-1-minutes");
        assert_eq!(s.problems[0].message, tr(Lang::En, "error-not-a-number"));
        assert_eq!(
            alias(&super::super::cycle_ui::key_of(
                "ratings.social.rating",
                &[]
            )),
            "ratings-social"
        );
    }

    #[test]
    fn every_label_and_name_exists_in_both_languages() {
        for lang in Lang::ALL {
            for kind in [Kind::Child, Kind::Adult, Kind::Support] {
                for key in keys(kind) {
                    let l = label(lang, &key);
                    assert!(l.is_some(), "{key} has no label");
                    let text = l.map(|(t, _)| t).unwrap_or_default();
                    assert!(
                        !text.contains("field-") && !text.contains("domain-"),
                        "{key}: {text}"
                    );
                }
            }
            for n in 0..=4 {
                assert!(super::super::i18n::has(lang, &format!("rating-{n}")));
            }
            for k in ["child", "adult", "support"] {
                assert!(super::super::i18n::has(
                    lang,
                    &format!("assessment-kind-{k}")
                ));
            }
            for s in ["draft", "signed", "superseded"] {
                assert!(super::super::i18n::has(
                    lang,
                    &format!("assessment-status-{s}")
                ));
            }
            for p in AssessmentPlace::ALL {
                assert!(super::super::i18n::has(
                    lang,
                    &format!("place-{}", p.code())
                ));
            }
            for l in SupportLevel::ALL {
                assert!(super::super::i18n::has(
                    lang,
                    &format!("support-level-{}", l.code())
                ));
            }
            for d in CHILD_DOMAINS.iter().chain(ADULT_DOMAINS.iter()) {
                assert!(super::super::i18n::has(
                    lang,
                    &format!("domain-{}", d.replace('_', "-"))
                ));
            }
            for key in ["period_from", "period_to", "amount_eur", "override_reason"] {
                assert!(decision_label(lang, key).is_some());
            }
        }
    }
}

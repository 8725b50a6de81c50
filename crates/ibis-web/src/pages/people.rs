//! People: the list in the caller's scope, registering a person, a person's record.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ibis_core::access::Action;
use ibis_core::outcome::{LivingSituation, TargetGroup};
use ibis_core::registry::PersonInput;
use ibis_store::registry::{Person, PersonRecord};
use ibis_store::StoreError;
use minijinja::context;
use serde::Serialize;

use super::forms::{problems, Form, Problem};
use super::i18n::{code_name, date, tr, Lang};
use super::refdata::{day_before, Choice, Municipalities, Pager};
use super::visitor::{Fail, PageResult, Visitor};
use crate::AppState;

/// Rows on a page of the list.
const PAGE_SIZE: i64 = 25;
/// Longest search text read.
const MAX_QUERY: usize = 100;

/// A person in the list.
#[derive(Debug, Serialize)]
struct PersonRow {
    id: i64,
    name: String,
    personal_code: String,
    birth_date: String,
    group: String,
    municipality: String,
    living: String,
}

fn living_name(lang: Lang, code: &str) -> String {
    match code.parse::<LivingSituation>() {
        Ok(l) => lang.pick(l.name_lv(), l.name_en()).to_owned(),
        Err(_) => code.to_owned(),
    }
}

fn row(lang: Lang, m: &Municipalities, p: &Person) -> PersonRow {
    PersonRow {
        id: p.id,
        name: format!("{} {}", p.given_name, p.family_name),
        personal_code: p.personal_code.clone(),
        birth_date: date(lang, &p.birth_date),
        group: code_name(lang, "group", &p.target_group),
        municipality: m.name(&p.municipality),
        living: living_name(lang, &p.living),
    }
}

/// `GET /people?q=&page=`: people in the caller's scope.
pub async fn list(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(list_page(&state, &v).await)
}

async fn list_page(state: &AppState, v: &Visitor) -> PageResult {
    let who = v.signed_in()?;
    if !who.may(Action::ListPersons) {
        return Err(Fail::Forbidden);
    }
    let query = Form::query(v.path.split_once('?').map(|(_, q)| q));
    let q = query
        .opt("q")
        .map(|q| q.chars().take(MAX_QUERY).collect::<String>());
    let page_no = query.page_no();
    let page = state
        .store
        .persons(
            &v.auditor()?,
            &who.scope(),
            q.as_deref(),
            Pager::request(page_no, PAGE_SIZE),
        )
        .await?;
    let m = Municipalities::load(state, v.lang).await?;
    let rows: Vec<PersonRow> = page.items.iter().map(|p| row(v.lang, &m, p)).collect();
    let pager = Pager::new(
        "/people",
        &[("q", q.clone())],
        page_no,
        PAGE_SIZE,
        page.total,
    );
    v.page(
        "people.html",
        "people",
        context! {
            q => q.unwrap_or_default(),
            rows => rows,
            total => page.total,
            pager => pager,
            may_register => who.may(Action::WritePerson),
        },
    )
}

const PERSON_FIELDS: [&str; 7] = [
    "personal_code",
    "given_name",
    "family_name",
    "birth_date",
    "target_group",
    "municipality",
    "living",
];

fn person_labels(lang: Lang) -> Vec<(&'static str, String)> {
    PERSON_FIELDS
        .iter()
        .map(|f| {
            let label = match *f {
                "personal_code" => tr(lang, "field-personal-code"),
                "given_name" => tr(lang, "field-given-name"),
                "family_name" => tr(lang, "field-family-name"),
                "birth_date" => tr(lang, "field-birth-date"),
                "target_group" => tr(lang, "field-target-group"),
                "municipality" => tr(lang, "field-municipality"),
                _ => tr(lang, "field-living"),
            };
            (*f, label)
        })
        .collect()
}

/// The registration form with the values sent and the problems found.
async fn person_form(
    state: &AppState,
    v: &Visitor,
    status: StatusCode,
    input: &PersonInput,
    problems: Vec<Problem>,
) -> PageResult {
    let lang = v.lang;
    let m = Municipalities::load(state, lang).await?;
    let groups: Vec<Choice> = TargetGroup::ALL
        .iter()
        .map(|g| Choice {
            value: g.code().into(),
            label: code_name(lang, "group", g.code()),
            selected: g.code() == input.target_group,
        })
        .collect();
    let living: Vec<Choice> = LivingSituation::ALL
        .iter()
        .map(|l| Choice {
            value: l.code().into(),
            label: lang.pick(l.name_lv(), l.name_en()).into(),
            selected: l.code() == input.living,
        })
        .collect();
    let mut errors: std::collections::BTreeMap<String, Vec<Problem>> =
        std::collections::BTreeMap::new();
    for p in problems.iter().filter(|p| !p.field.is_empty()) {
        errors.entry(p.field.clone()).or_default().push(p.clone());
    }
    v.page_with_status(
        status,
        "person_new.html",
        "register",
        context! {
            form => context! {
                personal_code => input.personal_code,
                given_name => input.given_name,
                family_name => input.family_name,
                birth_date => input.birth_date,
            },
            groups => groups,
            living => living,
            municipalities => m.choices(&input.municipality),
            problems => problems,
            errors => errors,
        },
    )
}

/// `GET /people/new`: the registration form (social workers), municipality preset to theirs.
pub async fn new_form(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(new_form_page(&state, &v).await)
}

async fn new_form_page(state: &AppState, v: &Visitor) -> PageResult {
    let who = v.signed_in()?;
    if !who.may(Action::WritePerson) {
        return Err(Fail::Forbidden);
    }
    let input = PersonInput {
        municipality: who.user.municipality.clone().unwrap_or_default(),
        ..PersonInput::default()
    };
    person_form(state, v, StatusCode::OK, &input, Vec::new()).await
}

/// `POST /people/new`: registers the person and goes to their record, or shows the form
/// again with every problem next to its field.
pub async fn create(State(state): State<AppState>, v: Visitor, body: Bytes) -> Response {
    v.finish(create_person(&state, &v, &Form::parse(&body)).await)
}

async fn create_person(state: &AppState, v: &Visitor, form: &Form) -> PageResult {
    let who = v.check_form(form)?;
    if !who.may(Action::WritePerson) {
        return Err(Fail::Forbidden);
    }
    let input = PersonInput {
        personal_code: form.text("personal_code"),
        given_name: form.text("given_name"),
        family_name: form.text("family_name"),
        birth_date: form.text("birth_date"),
        target_group: form.text("target_group"),
        municipality: form.text("municipality"),
        living: form.text("living"),
    };
    let errors = match input.check(crate::today()) {
        Ok(person) => match state
            .store
            .create_person(&v.auditor()?, &who.scope(), &person)
            .await
        {
            Ok(created) => {
                return Ok(Redirect::to(&format!("/people/{}", created.id)).into_response())
            }
            Err(StoreError::Invalid(errors)) => errors,
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let problems = problems(v.lang, &errors, &person_labels(v.lang));
    person_form(state, v, StatusCode::UNPROCESSABLE_ENTITY, &input, problems).await
}

/// A disability determination as shown.
#[derive(Debug, Serialize)]
struct DeterminationRow {
    kind: String,
    severe: bool,
    special_care: bool,
    decision_no: String,
    valid_from: String,
    /// The last day it is valid; empty when lifelong.
    last_day: String,
    lifelong: bool,
}

/// A relative as shown.
#[derive(Debug, Serialize)]
struct RelativeRow {
    name: String,
    relation: String,
    legal_representative: bool,
    personal_code: String,
    phone: String,
    email: String,
}

/// A consent as shown.
#[derive(Debug, Serialize)]
struct ConsentRow {
    purpose: String,
    given_by: String,
    given_on: String,
    withdrawn_on: String,
    note: String,
}

/// `GET /people/{id}`: a person's record, if in the caller's scope (otherwise the same 404 as
/// for no such person).
pub async fn show(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    v.finish(show_page(&state, &v, &id).await)
}

async fn show_page(state: &AppState, v: &Visitor, id: &str) -> PageResult {
    let who = v.signed_in()?;
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(Fail::NotFound)?;
    if !who.may(Action::ReadPerson) {
        return Err(Fail::NotFound);
    }
    let PersonRecord {
        person,
        relatives,
        determinations,
        consents,
    } = state
        .store
        .person_record(&v.auditor()?, &who.scope(), id)
        .await?;
    let lang = v.lang;
    let m = Municipalities::load(state, lang).await?;
    let relatives: Vec<RelativeRow> = relatives
        .into_iter()
        .map(|r| RelativeRow {
            name: r.name,
            relation: code_name(lang, "relation", &r.relation),
            legal_representative: r.legal_representative,
            personal_code: r.personal_code.unwrap_or_default(),
            phone: r.phone.unwrap_or_default(),
            email: r.email.unwrap_or_default(),
        })
        .collect();
    let determinations: Vec<DeterminationRow> = determinations
        .into_iter()
        .map(|d| DeterminationRow {
            kind: code_name(lang, "disability", &d.kind),
            severe: d.severe_functional_impairment,
            special_care: d.special_care_need,
            decision_no: d.decision_no.unwrap_or_default(),
            valid_from: date(lang, &d.valid_from),
            last_day: d
                .valid_to
                .as_deref()
                .map(|t| date(lang, &day_before(t)))
                .unwrap_or_default(),
            lifelong: d.valid_to.is_none(),
        })
        .collect();
    let consents: Vec<ConsentRow> = consents
        .into_iter()
        .map(|c| ConsentRow {
            purpose: code_name(lang, "consent-purpose", &c.purpose),
            given_by: c.given_by,
            given_on: date(lang, &c.given_on),
            withdrawn_on: c
                .withdrawn_on
                .as_deref()
                .map(|w| date(lang, w))
                .unwrap_or_default(),
            note: c.note,
        })
        .collect();
    let cycle = super::worklist::person_sections(state, who, lang, &person).await?;
    v.page(
        "person.html",
        "people",
        context! {
            cycle => cycle,
            person => row(lang, &m, &person),
            registered_on => date(lang, &person.created_at),
            relatives => relatives,
            determinations => determinations,
            consents => consents,
        },
    )
}

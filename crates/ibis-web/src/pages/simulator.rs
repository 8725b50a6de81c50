//! "Politikas simulators / Policy simulator": drafts of policy and tariff files uploaded or
//! pasted, their simulation over the current population with every figure's reason, and their
//! adoption as a new policy version from a day.
//!
//! | route | who |
//! | --- | --- |
//! | `GET /simulator` | approvers, social workers, analysts, administrators: the drafts; the form to add one (approvers, analysts, administrators) |
//! | `POST /simulator` | the same: a draft (multipart: title, files, or a pasted file) |
//! | `GET /simulator/drafts/{id}?on=` | the simulation on a day: approvers and social workers see their municipality's people, analysts and administrators aggregates only |
//! | `POST /simulator/drafts/{id}/adopt` | approvers: adopt the draft from a day |

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentArgs;
use ibis_core::field::FieldError;
use ibis_core::money::Money;
use ibis_core::simulate::{LineChangeKind, Reason, SubjectResult, Totals};
use minijinja::context;
use serde::Serialize;

use super::cycle_ui::{
    caller, day, fail_of, has_role, money, parse_id, query, refused, require, Opt,
};
use super::forms::{problems, Form, Problem};
use super::i18n::{date, tr, tr_args, Lang};
use super::refdata::Municipalities;
use super::visitor::{constant_time_eq, Fail, PageResult, SignedIn, Visitor};
use crate::simulator::{self as sim, DraftFile, DraftInput, SimulationReport};
use crate::AppState;

/// A draft as the list shows it.
#[derive(Debug, Serialize)]
struct DraftView {
    id: i64,
    title: String,
    files: String,
    by: String,
    at: String,
    adopted_from: String,
}

/// `GET /simulator`: the drafts, and the form to add one.
pub async fn page(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(list(&state, &v, StatusCode::OK, "", Vec::new()).await)
}

async fn list(
    state: &AppState,
    v: &Visitor,
    status: StatusCode,
    title: &str,
    problems: Vec<Problem>,
) -> PageResult {
    let who = v.signed_in()?;
    require(who, sim::SIMULATE_ROLES)?;
    let lang = v.lang;
    let drafts: Vec<DraftView> = sim::drafts(state, &caller(v, who))
        .await
        .map_err(fail_of)?
        .into_iter()
        .map(|d| DraftView {
            id: d.id,
            title: d.title,
            files: d
                .files
                .iter()
                .map(|f| f.0.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            by: d.created_by_name,
            at: date(lang, d.created_at.get(..10).unwrap_or(&d.created_at)),
            adopted_from: d.adopted_from.map(|f| date(lang, &f)).unwrap_or_default(),
        })
        .collect();
    let mut errors: BTreeMap<String, Vec<Problem>> = BTreeMap::new();
    for p in &problems {
        errors.entry(p.field.clone()).or_default().push(p.clone());
    }
    v.page_with_status(
        status,
        "simulator.html",
        "simulator",
        context! {
            drafts => drafts,
            may_draft => has_role(who, sim::DRAFT_ROLES),
            title_value => title,
            problems => problems,
            errors => errors,
        },
    )
}

/// What was read from the draft form.
#[derive(Default)]
struct Sent {
    csrf: String,
    title: String,
    files: Vec<(String, String)>,
    pasted_name: String,
    pasted: String,
    not_utf8: Vec<String>,
    unreadable: bool,
}

async fn read_form(mut mp: Multipart) -> Sent {
    let mut sent = Sent::default();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                sent.unreadable = true;
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let read = match name.as_str() {
            "csrf" => field.text().await.map(|t| sent.csrf = t),
            "title" => field.text().await.map(|t| sent.title = t),
            "pasted_name" => field.text().await.map(|t| sent.pasted_name = t),
            "pasted" => field.text().await.map(|t| sent.pasted = t),
            "files" => field.bytes().await.map(|b| {
                let n = file_name.unwrap_or_default();
                if b.is_empty() && n.is_empty() {
                    return;
                }
                match String::from_utf8(b.to_vec()) {
                    Ok(t) => sent.files.push((n, t)),
                    Err(_) => sent.not_utf8.push(n),
                }
            }),
            _ => Ok(()),
        };
        if read.is_err() {
            sent.unreadable = true;
            break;
        }
    }
    sent
}

/// The labels of the draft form's fields.
fn draft_fields(lang: Lang) -> Vec<(&'static str, String)> {
    vec![
        ("title", tr(lang, "simulator-draft-title")),
        ("files", tr(lang, "simulator-draft-files")),
        ("pasted", tr(lang, "simulator-draft-pasted")),
    ]
}

/// `POST /simulator`: keeps a draft and shows its simulation.
pub async fn create(
    State(state): State<AppState>,
    v: Visitor,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    v.finish(create_page(&state, &v, multipart).await)
}

async fn create_page(
    state: &AppState,
    v: &Visitor,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let who = v.signed_in()?;
    require(who, sim::DRAFT_ROLES)?;
    let sent = read_form(multipart.map_err(|_| Fail::BadRequest)?).await;
    if !v.same_origin || !constant_time_eq(&sent.csrf, &who.csrf) {
        return Err(Fail::Csrf);
    }
    let lang = v.lang;
    let mut errors = Vec::new();
    if sent.unreadable {
        errors.push(FieldError::new(
            "files",
            tr(lang, "simulator-error-unreadable"),
        ));
    }
    for n in &sent.not_utf8 {
        errors.push(FieldError::new(
            "files",
            format!("{n}: {}", tr(lang, "simulator-error-not-utf8")),
        ));
    }
    let mut files: Vec<DraftFile> = sent
        .files
        .into_iter()
        .map(|(name, text)| DraftFile { name, text })
        .collect();
    if !sent.pasted.trim().is_empty() {
        let name = if sent.pasted_name.trim().is_empty() {
            "pasted.toml".to_owned()
        } else {
            sent.pasted_name.trim().to_owned()
        };
        files.push(DraftFile {
            name,
            text: sent.pasted,
        });
    }
    if files.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "files",
            tr(lang, "simulator-error-no-files"),
        ));
    }
    if errors.is_empty() {
        let input = DraftInput {
            title: sent.title.clone(),
            files,
        };
        match sim::save_draft(state, &caller(v, who), input).await {
            Ok(d) => {
                return Ok(Redirect::to(&format!("/simulator/drafts/{}", d.id)).into_response())
            }
            Err(e) => errors = refused(e)?,
        }
    }
    // A file's problems are named "files: <file>: <field>": shown at the files field.
    let errors: Vec<FieldError> = errors
        .into_iter()
        .map(|e| match e.field.strip_prefix("files: ") {
            Some(rest) => FieldError::new("files", format!("{rest}: {}", e.message)),
            None if e.field.starts_with("files[") => FieldError::new("files", e.message),
            None => e,
        })
        .collect();
    let shown = problems(lang, &errors, &draft_fields(lang));
    list(
        state,
        v,
        StatusCode::UNPROCESSABLE_ENTITY,
        &sent.title,
        shown,
    )
    .await
}

/// Totals as a page shows them.
#[derive(Debug, Serialize)]
struct TotalsView {
    name: String,
    people: u64,
    current_monthly: String,
    draft_monthly: String,
    difference_monthly: String,
    current_yearly: String,
    draft_yearly: String,
    difference_yearly: String,
    gainers: u64,
    losers: u64,
    suppressed: bool,
}

fn signed(lang: Lang, m: Money) -> String {
    if m.is_negative() || m.is_zero() {
        money(lang, m)
    } else {
        format!("+{}", money(lang, m))
    }
}

fn totals_view(lang: Lang, name: String, t: Option<&Totals>) -> TotalsView {
    match t {
        Some(t) => TotalsView {
            name,
            people: t.people,
            current_monthly: money(lang, t.current_monthly_eur),
            draft_monthly: money(lang, t.draft_monthly_eur),
            difference_monthly: signed(lang, t.difference_monthly_eur),
            current_yearly: money(lang, t.current_yearly_eur),
            draft_yearly: money(lang, t.draft_yearly_eur),
            difference_yearly: signed(lang, t.difference_yearly_eur),
            gainers: t.gainers,
            losers: t.losers,
            suppressed: false,
        },
        None => TotalsView {
            name,
            people: 0,
            current_monthly: String::new(),
            draft_monthly: String::new(),
            difference_monthly: String::new(),
            current_yearly: String::new(),
            draft_yearly: String::new(),
            difference_yearly: String::new(),
            gainers: 0,
            losers: 0,
            suppressed: true,
        },
    }
}

/// A person as the gainers and losers tables show them.
#[derive(Debug, Serialize)]
struct PersonView {
    person: String,
    /// Whether the person is a record (a synthetic person is not).
    link: bool,
    municipality: String,
    group: String,
    level: String,
    current: String,
    draft: String,
    difference: String,
    reasons: Vec<String>,
}

fn qty(lang: Lang, q: Option<ibis_core::money::Quantity>) -> String {
    q.map(|q| super::cycle_ui::number(lang, &q.to_string()))
        .unwrap_or_else(|| "0".into())
}

fn price(lang: Lang, p: Option<ibis_core::money::UnitPrice>) -> String {
    p.map(|p| super::i18n::euro(lang, &p.to_string()))
        .unwrap_or_else(|| "-".into())
}

/// A reason in words.
fn reason_text(lang: Lang, r: &Reason) -> String {
    let mut args = FluentArgs::new();
    match r {
        Reason::Level {
            current,
            draft,
            score,
            current_band,
            draft_band,
        } => {
            args.set("current", current.clone());
            args.set("draft", draft.clone());
            match (score, current_band, draft_band) {
                (Some(s), Some(cb), Some(db)) => {
                    args.set("score", *s);
                    args.set("current_band", cb.clone());
                    args.set("draft_band", db.clone());
                    tr_args(lang, "simulator-reason-level-score", Some(&args))
                }
                _ => tr_args(lang, "simulator-reason-level", Some(&args)),
            }
        }
        Reason::Band {
            score,
            current_band,
            draft_band,
        } => {
            args.set("score", *score);
            args.set("current_band", current_band.clone());
            args.set("draft_band", draft_band.clone());
            tr_args(lang, "simulator-reason-band", Some(&args))
        }
        Reason::Line(l) => {
            args.set("service", lang.pick(&l.name_lv, &l.name_en).to_owned());
            args.set("current_quantity", qty(lang, l.current_quantity));
            args.set("draft_quantity", qty(lang, l.draft_quantity));
            args.set("current_price", price(lang, l.current_price));
            args.set("draft_price", price(lang, l.draft_price));
            args.set("current", money(lang, l.current_eur));
            args.set("draft", money(lang, l.draft_eur));
            args.set("difference", signed(lang, l.difference_eur));
            let key = match l.change {
                LineChangeKind::Added => "simulator-reason-line-added",
                LineChangeKind::Removed => "simulator-reason-line-removed",
                LineChangeKind::Quantity => "simulator-reason-line-quantity",
                LineChangeKind::Price => "simulator-reason-line-price",
                LineChangeKind::QuantityAndPrice => "simulator-reason-line-both",
            };
            tr_args(lang, key, Some(&args))
        }
        Reason::Cap {
            services,
            current,
            draft,
        } => {
            args.set("services", services.join(", "));
            args.set("current", current.clone().unwrap_or_else(|| "-".into()));
            args.set("draft", draft.clone().unwrap_or_else(|| "-".into()));
            tr_args(lang, "simulator-reason-cap", Some(&args))
        }
    }
}

fn person_view(lang: Lang, m: &Municipalities, s: &SubjectResult) -> PersonView {
    PersonView {
        person: s.person.clone(),
        link: s.person.parse::<i64>().is_ok(),
        municipality: m.name(&s.municipality),
        group: lang.pick(s.group.name_lv(), s.group.name_en()).to_owned(),
        level: match (&s.current_level, &s.draft_level) {
            (Some(c), Some(d)) if c != d => format!("{c} → {d}"),
            (Some(c), _) => c.clone(),
            _ => String::new(),
        },
        current: s.current_eur.map(|x| money(lang, x)).unwrap_or_default(),
        draft: s.draft_eur.map(|x| money(lang, x)).unwrap_or_default(),
        difference: signed(lang, s.difference_eur),
        reasons: s.reasons.iter().map(|r| reason_text(lang, r)).collect(),
    }
}

/// A change of the draft in words.
fn change_lines(lang: Lang, r: &SimulationReport) -> Vec<String> {
    let mut out = Vec::new();
    for p in &r.changes.policies {
        let mut args = FluentArgs::new();
        args.set(
            "group",
            lang.pick(p.group.name_lv(), p.group.name_en()).to_owned(),
        );
        args.set("title", lang.pick(&p.title_lv, &p.title_en).to_owned());
        args.set(
            "current",
            p.current_version.clone().unwrap_or_else(|| "-".into()),
        );
        args.set("draft", p.draft_version.clone());
        out.push(tr_args(lang, "simulator-change-policy", Some(&args)));
    }
    for p in &r.changes.prices {
        let mut args = FluentArgs::new();
        let service = match &p.variant {
            Some(v) => format!("{} ({v})", p.service),
            None => p.service.clone(),
        };
        args.set("service", service);
        args.set("table", p.table.clone());
        args.set("current", price(lang, p.current_price));
        args.set("draft", price(lang, Some(p.draft_price)));
        out.push(tr_args(lang, "simulator-change-price", Some(&args)));
    }
    for t in &r.changes.new_tables {
        let mut args = FluentArgs::new();
        args.set("table", t.clone());
        out.push(tr_args(lang, "simulator-change-table", Some(&args)));
    }
    out
}

/// `GET /simulator/drafts/{id}?on=YYYY-MM-DD`: the simulation of a draft on a day.
pub async fn draft(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    v.finish(draft_page(&state, &v, &id, StatusCode::OK, None, Vec::new()).await)
}

async fn draft_page(
    state: &AppState,
    v: &Visitor,
    id: &str,
    status: StatusCode,
    from_value: Option<String>,
    problems: Vec<Problem>,
) -> PageResult {
    let who = v.signed_in()?;
    require(who, sim::SIMULATE_ROLES)?;
    let id = parse_id(id)?;
    let lang = v.lang;
    let q = query(v);
    let on = match q.opt("on") {
        Some(d) => ibis_core::policy::parse_date(&d).map_err(|_| Fail::BadRequest)?,
        None => crate::today(),
    };
    let population_value = q.opt("population").unwrap_or_else(|| "current".into());
    let people_value = q.opt("people").unwrap_or_else(|| "1000".into());
    let seed_value = q.opt("seed").unwrap_or_else(|| "1".into());
    let draft = state.store.policy_draft(id).await?;
    let population = sim::Population::parse(
        Some(&population_value),
        people_value.trim().parse().ok().or(Some(0)),
        seed_value.trim().parse().ok().or(Some(1)),
    );
    let report = match population {
        Ok(p) => sim::run(state, &caller(v, who), id, on, p)
            .await
            .map_err(refused),
        Err(e) => Err(Ok(vec![e])),
    };
    let (report, run_error) = match report {
        Ok(r) => (Some(r), Vec::new()),
        Err(e) => (None, e?),
    };
    let m = Municipalities::load(state, lang).await?;
    let (changes, totals, by_municipality, by_level, gainers, losers, failed, aggregates_only) =
        match &report {
            Some(r) => {
                let s = &r.simulation;
                (
                    change_lines(lang, r),
                    Some(totals_view(
                        lang,
                        tr(lang, "simulator-all"),
                        Some(&s.totals),
                    )),
                    s.by_municipality
                        .iter()
                        .map(|x| totals_view(lang, m.name(&x.municipality), x.totals.as_ref()))
                        .collect::<Vec<_>>(),
                    s.by_level
                        .iter()
                        .map(|x| {
                            totals_view(
                                lang,
                                format!(
                                    "{} {}",
                                    lang.pick(x.group.name_lv(), x.group.name_en()),
                                    x.level
                                ),
                                x.totals.as_ref(),
                            )
                        })
                        .collect::<Vec<_>>(),
                    s.gainers()
                        .into_iter()
                        .map(|p| person_view(lang, &m, p))
                        .collect::<Vec<_>>(),
                    s.losers()
                        .into_iter()
                        .map(|p| person_view(lang, &m, p))
                        .collect::<Vec<_>>(),
                    s.failed,
                    s.aggregates_only,
                )
            }
            None => (
                Vec::new(),
                None,
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                0,
                false,
            ),
        };
    let run_errors: Vec<String> = run_error.into_iter().map(|e| e.message).collect();
    let status = if run_errors.is_empty() {
        status
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut errors: BTreeMap<String, Vec<Problem>> = BTreeMap::new();
    for p in &problems {
        errors.entry(p.field.clone()).or_default().push(p.clone());
    }
    let may_adopt = has_role(who, sim::ADOPT_ROLES) && draft.adopted_from.is_none();
    v.page_with_status(
        status,
        "simulator_draft.html",
        "simulator",
        context! {
            id => draft.id,
            title => draft.title,
            files => draft.files.iter().map(|f| f.0.clone()).collect::<Vec<_>>(),
            adopted_from => draft.adopted_from.as_deref().map(|f| date(lang, f)).unwrap_or_default(),
            on => day(lang, on),
            on_value => on.to_string(),
            populations => vec![
                Opt::new("current", tr(lang, "simulator-population-current")),
                Opt::new("synthetic", tr(lang, "simulator-population-synthetic")),
            ],
            population_value => population_value,
            people_value => people_value,
            seed_value => seed_value,
            changes => changes,
            totals => totals,
            by_municipality => by_municipality,
            by_level => by_level,
            gainers => gainers,
            losers => losers,
            failed => failed,
            aggregates_only => aggregates_only,
            run_errors => run_errors,
            may_adopt => may_adopt,
            from_value => from_value.unwrap_or_else(|| on.max(crate::today()).to_string()),
            problems => problems,
            errors => errors,
        },
    )
}

/// `POST /simulator/drafts/{id}/adopt`: adopts the draft from a day (approvers).
pub async fn adopt(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    v.finish(adopt_page(&state, &v, &id, &Form::parse(&body)).await)
}

async fn adopt_page(state: &AppState, v: &Visitor, id: &str, form: &Form) -> PageResult {
    let who: &SignedIn = v.check_form(form)?;
    require(who, sim::ADOPT_ROLES)?;
    let draft_id = parse_id(id)?;
    let lang = v.lang;
    let from_text = form.text("from");
    let result = match ibis_core::policy::parse_date(&from_text) {
        Ok(from) => sim::adopt(state, &caller(v, who), draft_id, from)
            .await
            .map(|_| from)
            .map_err(refused),
        Err(m) => Err(Ok(vec![FieldError::new("from", m)])),
    };
    match result {
        Ok(from) => {
            Ok(Redirect::to(&format!("/simulator/drafts/{draft_id}?on={from}")).into_response())
        }
        Err(e) => {
            let errors = e?;
            let shown = problems(lang, &errors, &[("from", tr(lang, "simulator-adopt-from"))]);
            draft_page(
                state,
                v,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(from_text),
                shown,
            )
            .await
        }
    }
}

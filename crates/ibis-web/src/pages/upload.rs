//! "Rēķinu augšupielāde / Claim upload": provider staff send a CSV file of claims from a form
//! and see each line's outcome while the file is processed, without JavaScript.
//!
//! | route | who |
//! | --- | --- |
//! | `GET /my-clients/upload` | provider staff: the form |
//! | `POST /my-clients/upload` | the same: the file (multipart), answered with a streamed report |
//!
//! The answer to a good upload is one HTML page sent in parts as the lines are kept (each
//! transaction's lines once it commits, see [`crate::spending::bulk_each`]): the top of the layout and a heading first, then a list item
//! per line and a `<progress>` every [`PROGRESS_EVERY`] lines, then the summary with a table of
//! every bad line, then the bottom of the layout. A browser shows the page as it arrives. A
//! form that cannot be used (no file, not UTF-8, over 1 MiB, a wrong first line, no mode) is
//! shown again with its problems, and nothing is processed.

use std::collections::BTreeMap;
use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use ibis_core::access::Action;
use ibis_core::field::FieldError;
use minijinja::{context, Value};
use serde::Serialize;
use tokio::sync::mpsc;

use super::cycle_ui::{caller, require_to, Opt, Shown};
use super::forms::{problems, Problem};
use super::i18n::{code_name, has, tr, Lang};
use super::mybudget::eur;
use super::views::render;
use super::visitor::{constant_time_eq, Fail, PageResult, SignedIn, Visitor};
use crate::spending::{bulk_each, BulkLine};
use crate::AppState;

/// The first line of a claims file.
pub const HEADER: &str =
    "idempotency_key,agreement_id,service_date,quantity,unit_price_eur,visit_id";

/// An example line of a claims file.
pub const EXAMPLE: &str = "rekins-2026-08-0001,12,2026-08-03,2,5.00,";

/// The modes of an upload.
const MODES: [&str; 2] = ["all-or-nothing", "good-lines-only"];

/// A `<progress>` snapshot is sent after every this many lines.
pub const PROGRESS_EVERY: usize = 50;

/// Where the report goes in the rendered page (split there into the top and the bottom).
const MARK: &str = "<!--ibis-upload-stream-->";

fn provider_of(who: &SignedIn) -> Result<i64, Fail> {
    require_to(who, Action::SendClaims)?;
    who.user.provider_id.ok_or(Fail::Forbidden)
}

fn mode_name(lang: Lang, mode: &str) -> String {
    if mode == "good-lines-only" {
        tr(lang, "upload-mode-good-lines-only")
    } else {
        tr(lang, "upload-mode-all-or-nothing")
    }
}

/// `GET /my-clients/upload`.
pub async fn form(v: Visitor) -> Response {
    v.finish(show(&v, StatusCode::OK, "", Shown::default()))
}

fn show(v: &Visitor, status: StatusCode, mode: &str, shown: Shown) -> PageResult {
    provider_of(v.signed_in()?)?;
    let lang = v.lang;
    let modes: Vec<Opt> = MODES
        .iter()
        .map(|m| Opt::new(*m, mode_name(lang, m)))
        .collect();
    v.page_with_status(
        status,
        "upload.html",
        "my-clients",
        context! {
            header => HEADER,
            example => EXAMPLE,
            modes => modes,
            mode => if mode.is_empty() { MODES[0] } else { mode },
            problems => shown.problems,
            errors => shown.errors,
        },
    )
}

/// The problems of the form, each next to its field.
fn shown(list: Vec<Problem>) -> Shown {
    let mut errors: BTreeMap<String, Vec<Problem>> = BTreeMap::new();
    for p in &list {
        errors.entry(p.field.clone()).or_default().push(p.clone());
    }
    Shown {
        problems: list,
        errors,
    }
}

fn file_problem(lang: Lang, message: String, detail: Option<String>) -> Problem {
    Problem {
        field: "file".into(),
        label: tr(lang, "upload-file"),
        message,
        detail,
    }
}

/// What was read from the multipart form.
#[derive(Default)]
struct Sent {
    csrf: String,
    mode: String,
    file: Option<Bytes>,
    /// Why the form could not be read, if it could not.
    unreadable: Option<StatusCode>,
}

async fn read_form(mut mp: Multipart) -> Sent {
    let mut sent = Sent::default();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                sent.unreadable = Some(e.status());
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let read = match name.as_str() {
            "csrf" => field.text().await.map(|t| sent.csrf = t),
            "mode" => field.text().await.map(|t| sent.mode = t),
            "file" => field.bytes().await.map(|b| sent.file = Some(b)),
            _ => Ok(()),
        };
        if let Err(e) = read {
            sent.unreadable = Some(e.status());
            break;
        }
    }
    sent
}

/// `POST /my-clients/upload`: the file, answered with the streamed report.
pub async fn send(
    State(state): State<AppState>,
    v: Visitor,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    v.finish(upload(state, &v, multipart).await)
}

async fn upload(
    state: AppState,
    v: &Visitor,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let who = v.signed_in()?;
    provider_of(who)?;
    let lang = v.lang;
    let sent = read_form(multipart.map_err(|_| Fail::BadRequest)?).await;
    // A form that was read whole, or whose token came before what could not be read, must
    // carry the session's token; one cut short before it gets its problem shown only.
    if (sent.unreadable.is_none() || !sent.csrf.is_empty())
        && (!v.same_origin || !constant_time_eq(&sent.csrf, &who.csrf))
    {
        return Err(Fail::Csrf);
    }
    let mut list = Vec::new();
    let mode = sent.mode.clone();
    if !MODES.contains(&mode.as_str()) {
        let why = if mode.is_empty() {
            "is required"
        } else {
            super::cycle_ui::NOT_A_CHOICE
        };
        let mut p = problems(
            lang,
            &[FieldError::new("mode", why)],
            &[("mode", tr(lang, "upload-mode"))],
        );
        list.append(&mut p);
    }
    let mut csv = String::new();
    match (sent.unreadable, &sent.file) {
        (Some(StatusCode::PAYLOAD_TOO_LARGE), _) => {
            list.push(file_problem(lang, tr(lang, "upload-error-too-large"), None));
        }
        (Some(_), _) => {
            list.push(file_problem(
                lang,
                tr(lang, "upload-error-unreadable"),
                None,
            ));
        }
        (None, None) => list.push(file_problem(lang, tr(lang, "upload-error-no-file"), None)),
        (None, Some(b)) if b.is_empty() => {
            list.push(file_problem(lang, tr(lang, "upload-error-no-file"), None));
        }
        (None, Some(b)) if b.len() > crate::BODY_LIMIT => {
            list.push(file_problem(lang, tr(lang, "upload-error-too-large"), None));
        }
        (None, Some(b)) => match std::str::from_utf8(b) {
            Ok(text) => csv = text.to_owned(),
            Err(_) => list.push(file_problem(lang, tr(lang, "upload-error-not-utf8"), None)),
        },
    }
    let mut total = 0;
    if !csv.is_empty() {
        let parsed = ibis_core::csv_import::parse_claims_csv(&csv);
        match parsed.header_error {
            Some(h) => list.push(file_problem(lang, tr(lang, "upload-error-header"), Some(h))),
            None => total = parsed.lines.len(),
        }
    }
    if !list.is_empty() {
        return show(v, StatusCode::UNPROCESSABLE_ENTITY, &mode, shown(list));
    }
    stream_report(state, v, who, csv, mode, total).await
}

/// A reason shown for a line: its name, and the English detail.
#[derive(Debug, Clone, Serialize)]
struct Why {
    name: String,
    message: String,
}

/// One line of the report as shown.
#[derive(Debug, Clone, Serialize)]
struct LineView {
    no: usize,
    outcome: String,
    amount: Option<String>,
    reasons: Vec<Why>,
}

#[derive(Debug, Default, Serialize)]
struct Counts {
    imported: usize,
    refused: usize,
    invalid: usize,
    not_imported: usize,
}

fn coded(lang: Lang, prefix: &str, other: &str, items: &serde_json::Value) -> Vec<Why> {
    items
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    let code = x["code"].as_str().unwrap_or_default();
                    let key = format!("{prefix}-{code}");
                    Why {
                        name: if has(lang, &key) {
                            code_name(lang, prefix, code)
                        } else {
                            tr(lang, other)
                        },
                        message: x["message"].as_str().unwrap_or_default().to_owned(),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn line_view(lang: Lang, line: &BulkLine) -> LineView {
    let outcome = match line.status.as_str() {
        "imported" => tr(lang, "upload-status-imported"),
        "refused" => tr(lang, "upload-status-refused"),
        "invalid" => tr(lang, "upload-status-invalid"),
        _ => tr(lang, "upload-status-not-imported"),
    };
    let decision = line.result.as_ref().map(|r| &r.decision);
    let mut reasons = Vec::new();
    if let Some(d) = decision {
        reasons.extend(coded(lang, "refusal", "refusal-other", &d["reasons"]));
        reasons.extend(coded(lang, "anomaly", "anomaly-other", &d["anomalies"]));
    }
    if !line.problems.is_empty() {
        let columns = [
            ("idempotency_key", tr(lang, "upload-col-key")),
            ("agreement_id", tr(lang, "field-agreement")),
            ("service_date", tr(lang, "field-service-date")),
            ("quantity", tr(lang, "field-quantity")),
            ("unit_price_eur", tr(lang, "field-unit-price")),
            ("visit_id", tr(lang, "field-visit-id")),
        ];
        let named: Vec<(&str, String)> = columns.iter().map(|(k, l)| (*k, l.clone())).collect();
        for p in problems(lang, &line.problems, &named) {
            reasons.push(Why {
                name: format!("{}: {}", p.label, p.message),
                message: p.detail.unwrap_or_default(),
            });
        }
    }
    LineView {
        no: line.line_no,
        outcome,
        amount: decision
            .filter(|_| line.status == "imported")
            .and_then(|d| d["amount"].as_str())
            .map(|a| eur(lang, a)),
        reasons,
    }
}

/// A part of the streamed report.
fn part(lang: Lang, part: &str, ctx: Value) -> Bytes {
    match render(
        "upload_stream.html",
        context! { lang => lang.code(), part => part, ..ctx },
    ) {
        Ok(html) => Bytes::from(html),
        Err(e) => {
            tracing::error!(error = %e, part, "a part of the upload report does not render");
            Bytes::new()
        }
    }
}

async fn stream_report(
    state: AppState,
    v: &Visitor,
    who: &SignedIn,
    csv: String,
    mode: String,
    total: usize,
) -> PageResult {
    let lang = v.lang;
    let page = v.page(
        "upload_report.html",
        "my-clients",
        context! {
            mode_name => mode_name(lang, &mode),
            stream => Value::from_safe_string(MARK.to_owned()),
        },
    )?;
    let html = axum::body::to_bytes(page.into_body(), usize::MAX)
        .await
        .map_err(|e| Fail::Server(format!("upload page: {e}")))?;
    let html =
        String::from_utf8(html.to_vec()).map_err(|e| Fail::Server(format!("upload page: {e}")))?;
    let (top, bottom) = html
        .split_once(MARK)
        .ok_or_else(|| Fail::Server("upload page: no place for the report".into()))?;
    let bottom = Bytes::from(bottom.to_owned());
    let c = caller(v, who);
    let (tx, rx) = mpsc::unbounded_channel::<Bytes>();
    // A closed channel means the browser left; the file is still processed to the end, so
    // every line is decided or not, never half.
    let _ = tx.send(Bytes::from(top.to_owned()));
    let _ = tx.send(part(lang, "start", context! { total => total }));
    tokio::spawn(async move {
        let mut done = 0;
        let mut counts = Counts::default();
        let mut bad: Vec<LineView> = Vec::new();
        let result = bulk_each(&state, &c, &csv, &mode, |line| {
            done += 1;
            let view = line_view(lang, line);
            match line.status.as_str() {
                "imported" => counts.imported += 1,
                "refused" => counts.refused += 1,
                "invalid" => counts.invalid += 1,
                _ => counts.not_imported += 1,
            }
            let _ = tx.send(part(lang, "line", context! { line => &view }));
            if matches!(line.status.as_str(), "refused" | "invalid") {
                bad.push(view);
            }
            if done % PROGRESS_EVERY == 0 && done < total {
                let _ = tx.send(part(
                    lang,
                    "progress",
                    context! { done => done, total => total },
                ));
            }
        })
        .await;
        match result {
            Ok(_) => {
                let _ = tx.send(part(
                    lang,
                    "summary",
                    context! { total => total, counts => counts, bad => bad },
                ));
            }
            Err(e) => {
                tracing::error!(status = %e.status, error = e.message, "the upload stopped");
                let _ = tx.send(part(lang, "failed", context! {}));
            }
        }
        let _ = tx.send(bottom);
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<Bytes, Infallible>(b), rx))
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

//! Printed documents: the decision notice, the support plan (with lines to sign for the
//! person or representative and the case manager) and the monthly statement, each as a
//! print-friendly page and as an A4 PDF ([`crate::pdf`]). The page and the PDF of a document
//! are drawn from one [`Document`] built here, and its text comes from where the screens take
//! theirs: the notice from [`ibis_core::decision::render_text`], the plan's lines from
//! [`super::plans::line_views`], the statement's lines from
//! [`super::mybudget::statement_lines`]. Every read goes through the store's audited reads.
//!
//! | route | who |
//! | --- | --- |
//! | `GET /decisions/{id}/notice.pdf?lang=` | whoever may read the notice |
//! | `GET /plans/{id}/print`, `GET /plans/{id}/plan.pdf` | whoever may read the plan |
//! | `GET /decisions/{id}/statement/print?month=`, `GET /decisions/{id}/statement.pdf?month=` | whoever may read the statement |

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ibis_core::access::Action;
use ibis_core::decision::{render_text, DecisionNotice};
use ibis_core::Period;
use ibis_store::cycle::{DecisionRow, PlanRow};
use ibis_store::registry::Person;
use ibis_store::statements::PersonStatement;
use minijinja::context;

use super::assessments::period_text;
use super::cycle_ui::{
    caller, core_lang, day, fail_of, money, parse_id, query, require, require_to,
};
use super::i18n::{code_name, date, tr, tr_args, Lang};
use super::mybudget::{eur, month_asked, month_label, statement_lines};
use super::plans::{line_views, plan_state_name, providers_of};
use super::visitor::{Fail, PageResult, Visitor};
use crate::pdf::{render, Block, Document};
use crate::AppState;

fn field(label: String, value: String) -> Block {
    Block::Field { label, value }
}

fn footer(lang: Lang) -> (String, String) {
    let mut a = fluent_bundle::FluentArgs::new();
    a.set("date", date(lang, &crate::today().to_string()));
    let mut p = fluent_bundle::FluentArgs::new();
    p.set("n", "{n}");
    p.set("total", "{total}");
    (
        tr_args(lang, "mydoc-footer", Some(&a)),
        tr_args(lang, "mydoc-page-of", Some(&p)),
    )
}

/// The decision notice as a printed document: the lines of
/// [`ibis_core::decision::render_text`] (the plain-text notice), the first as the title,
/// `label: value` lines as fields, `section:` lines as headings, `- ` lines as list items.
pub fn notice_document(lang: Lang, n: &DecisionNotice) -> Document {
    let text = render_text(n, core_lang(lang));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let title = lines.next().unwrap_or_default().to_owned();
    let mut blocks = Vec::new();
    let mut in_section = false;
    for line in lines {
        if let Some(item) = line.strip_prefix("- ") {
            blocks.push(Block::Bullet { text: item.into() });
        } else if let Some(h) = line.strip_suffix(':') {
            in_section = true;
            blocks.push(Block::Heading { text: h.into() });
        } else if let (false, Some((label, value))) = (in_section, line.split_once(": ")) {
            blocks.push(field(label.into(), value.into()));
        } else {
            blocks.push(Block::Para { text: line.into() });
        }
    }
    let (footer, page_of) = footer(lang);
    Document {
        title,
        lang: lang.code().into(),
        blocks,
        footer,
        page_of,
    }
}

/// The support plan as a printed document, with lines to sign.
pub(crate) fn plan_document(
    state: &AppState,
    lang: Lang,
    person: &Person,
    d: &DecisionRow,
    p: &PlanRow,
    providers: &[ibis_store::providers::Provider],
) -> Document {
    let name = format!("{} {}", person.given_name, person.family_name);
    let plan = &p.plan;
    let mut blocks = vec![
        field(tr(lang, "mydoc-person"), name.clone()),
        field(tr(lang, "col-status"), plan_state_name(lang, &p.state)),
    ];
    if let Some(to) = plan.period.to {
        blocks.push(field(
            tr(lang, "col-period"),
            period_text(lang, &plan.period.from.to_string(), &to.to_string()),
        ));
    }
    blocks.push(field(tr(lang, "plan-budget"), money(lang, d.monthly())));
    blocks.push(field(tr(lang, "plan-cost"), eur(lang, &p.monthly_cost_eur)));
    if !plan.needs.trim().is_empty() {
        blocks.push(Block::Heading {
            text: tr(lang, "field-needs"),
        });
        blocks.push(Block::Para {
            text: plan.needs.clone(),
        });
    }
    blocks.push(Block::Heading {
        text: tr(lang, "plan-goals-title"),
    });
    for g in &plan.goals {
        blocks.push(Block::Bullet {
            text: format!(
                "{}: {}",
                code_name(lang, "goal-term", g.term.code()),
                g.text
            ),
        });
    }
    let lines = line_views(state, lang, d, providers, plan);
    blocks.push(Block::Table {
        caption: tr(lang, "plan-lines-caption"),
        head: vec![
            tr(lang, "col-service"),
            tr(lang, "col-provider"),
            tr(lang, "col-quantity"),
            tr(lang, "mydoc-col-cost"),
        ],
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    l.service.clone(),
                    if l.provider.is_empty() {
                        l.status.clone()
                    } else {
                        l.provider.clone()
                    },
                    format!("{} {}", l.quantity, l.unit),
                    l.cost.clone(),
                ]
            })
            .collect(),
        widths: vec![0.36, 0.32, 0.16, 0.16],
        right: vec![false, false, true, true],
    });
    if !plan.tasks.is_empty() {
        blocks.push(Block::Heading {
            text: tr(lang, "plan-tasks-title"),
        });
        for t in &plan.tasks {
            blocks.push(Block::Bullet {
                text: format!(
                    "{} ({}, {})",
                    t.text,
                    code_name(lang, "task-owner", t.owner.code()),
                    day(lang, t.due_on)
                ),
            });
        }
    }
    if !p.signatures.is_empty() {
        blocks.push(Block::Heading {
            text: tr(lang, "plan-signatures-title"),
        });
        for s in &p.signatures {
            blocks.push(Block::Bullet {
                text: format!(
                    "{} ({}), {}",
                    s.signer_name,
                    code_name(lang, "signer-role", &s.role),
                    date(lang, &s.signed_on)
                ),
            });
        }
    }
    blocks.push(Block::Heading {
        text: tr(lang, "mydoc-sign-title"),
    });
    blocks.push(Block::Signatures {
        signers: vec![
            tr(lang, "mydoc-sign-person"),
            tr(lang, "mydoc-sign-case-manager"),
        ],
        date_label: tr(lang, "mydoc-sign-date"),
        sign_label: tr(lang, "mydoc-sign-signature"),
    });
    let (footer, page_of) = footer(lang);
    Document {
        title: format!("{} – {name}", tr(lang, "plan-title")),
        lang: lang.code().into(),
        blocks,
        footer,
        page_of,
    }
}

/// The monthly statement as a printed document.
pub(crate) fn statement_document(
    state: &AppState,
    lang: Lang,
    d: &DecisionRow,
    month: &Period,
    s: &PersonStatement,
) -> Document {
    let label = month_label(lang, month);
    let arg = |k: &str, v: String| {
        let mut a = fluent_bundle::FluentArgs::new();
        a.set(k.to_owned(), v);
        a
    };
    let lines = statement_lines(state, lang, s);
    let total: ibis_core::money::Money = s
        .lines
        .iter()
        .filter_map(|l| l.amount_eur.parse::<ibis_core::money::Money>().ok())
        .sum();
    let mut rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            vec![
                l.service.clone(),
                l.provider.clone(),
                l.quantity.clone(),
                match &l.held {
                    Some(h) => format!(
                        "{} ({})",
                        l.amount,
                        tr_args(
                            lang,
                            "statement-of-which-held",
                            Some(&arg("amount", h.clone()))
                        )
                    ),
                    None => l.amount.clone(),
                },
                l.co_payment.clone(),
            ]
        })
        .collect();
    rows.push(vec![
        tr(lang, "statement-total"),
        String::new(),
        String::new(),
        money(lang, total),
        eur(lang, &s.co_payment_eur),
    ]);
    let p = &s.position;
    let mut blocks = vec![
        field(tr(lang, "mydoc-person"), d.notice.person_name.clone()),
        field(
            tr(lang, "col-period"),
            period_text(lang, &d.period_from, &d.period_to),
        ),
        field(tr(lang, "mybudget-monthly"), eur(lang, &d.monthly_eur)),
    ];
    if lines.is_empty() {
        blocks.push(Block::Para {
            text: tr(lang, "statement-none"),
        });
    } else {
        blocks.push(Block::Table {
            caption: tr_args(
                lang,
                "statement-caption",
                Some(&arg("month", label.clone())),
            ),
            head: vec![
                tr(lang, "col-service"),
                tr(lang, "col-provider"),
                tr(lang, "col-units"),
                tr(lang, "col-from-budget"),
                tr(lang, "col-co-payment"),
            ],
            rows,
            widths: vec![0.25, 0.25, 0.14, 0.18, 0.18],
            right: vec![false, false, true, true, true],
        });
    }
    blocks.extend([
        field(tr(lang, "statement-approved"), eur(lang, &s.approved_eur)),
        field(tr(lang, "statement-held"), eur(lang, &s.held_eur)),
        field(tr(lang, "statement-paid"), eur(lang, &s.paid_eur)),
        field(
            tr(lang, "statement-co-payment"),
            eur(lang, &s.co_payment_eur),
        ),
        field(tr(lang, "statement-refused"), s.refused_claims.to_string()),
        Block::Heading {
            text: tr_args(
                lang,
                "statement-position-title",
                Some(&arg("date", date(lang, &s.as_of))),
            ),
        },
        field(tr(lang, "position-allocated"), eur(lang, &p.allocated_eur)),
        field(tr(lang, "position-approved"), eur(lang, &p.approved_eur)),
        field(tr(lang, "position-reserved"), eur(lang, &p.reserved_eur)),
        field(tr(lang, "position-paid"), eur(lang, &p.paid_eur)),
        field(tr(lang, "position-remaining"), eur(lang, &p.remaining_eur)),
    ]);
    let (footer, page_of) = footer(lang);
    Document {
        title: format!(
            "{} – {}",
            tr_args(lang, "statement-title", Some(&arg("month", label))),
            d.notice.person_name
        ),
        lang: lang.code().into(),
        blocks,
        footer,
        page_of,
    }
}

/// The PDF of a document as a response (not cached: it holds a person's data).
fn pdf_response(doc: &Document, file: &str) -> PageResult {
    let bytes = render(doc).map_err(|e| Fail::Server(format!("pdf: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// The print-friendly page of a document, with a link to its PDF and back.
fn print_page(v: &Visitor, doc: &Document, pdf: &str, back: &str) -> PageResult {
    v.page(
        "document.html",
        "my",
        context! { doc => doc, pdf => pdf, back => back },
    )
}

/// The language a notice is asked for (`?lang=`), else the page's.
fn doc_lang(v: &Visitor) -> Result<Lang, Fail> {
    match query(v).get("lang") {
        None => Ok(v.lang),
        Some(l) => Lang::parse(l).ok_or(Fail::BadRequest),
    }
}

async fn decision(state: &AppState, v: &Visitor, id: &str) -> Result<DecisionRow, Fail> {
    let who = v.signed_in()?;
    require_to(who, Action::SeeCycle)?;
    let id = parse_id(id)?;
    Ok(state
        .store
        .decision(&v.auditor()?, &who.scope(), id)
        .await?)
}

/// `GET /decisions/{id}/notice.pdf?lang=`: the decision notice as a PDF.
pub async fn notice_pdf(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let lang = doc_lang(&v)?;
        let d = decision(&state, &v, &id).await?;
        pdf_response(
            &notice_document(lang, &d.notice),
            &format!("notice-{}.pdf", d.id),
        )
    }
    .await;
    v.finish(result)
}

async fn plan_doc(state: &AppState, v: &Visitor, id: &str) -> Result<(i64, Document), Fail> {
    let who = v.signed_in()?;
    require_to(who, Action::SeeCycle)?;
    let id = parse_id(id)?;
    let (p, person) = state.store.plan(&v.auditor()?, &who.scope(), id).await?;
    let d = state
        .store
        .decision(&v.auditor()?, &who.scope(), p.decision_id)
        .await?;
    let providers = providers_of(state, &person.municipality).await?;
    Ok((
        p.id,
        plan_document(state, v.lang, &person, &d, &p, &providers),
    ))
}

/// `GET /plans/{id}/print`: the support plan, print-friendly, with lines to sign.
pub async fn plan_print(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let (id, doc) = plan_doc(&state, &v, &id).await?;
        print_page(
            &v,
            &doc,
            &format!("/plans/{id}/plan.pdf"),
            &format!("/plans/{id}"),
        )
    }
    .await;
    v.finish(result)
}

/// `GET /plans/{id}/plan.pdf`: the support plan as a PDF.
pub async fn plan_pdf(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let (id, doc) = plan_doc(&state, &v, &id).await?;
        pdf_response(&doc, &format!("plan-{id}.pdf"))
    }
    .await;
    v.finish(result)
}

async fn statement_doc(
    state: &AppState,
    v: &Visitor,
    id: &str,
) -> Result<(i64, String, Document), Fail> {
    let who = v.signed_in()?;
    require(who, crate::statements::STATEMENT_READERS)?;
    let id = parse_id(id)?;
    let d = state
        .store
        .decision(&v.auditor()?, &who.scope(), id)
        .await?;
    let q = query(v);
    let month = match q.opt("month") {
        Some(_) => month_asked(&q)?,
        None => super::mybudget::default_month(&d, crate::today()),
    };
    let s = crate::statements::person_statement(state, &caller(v, who), id, month)
        .await
        .map_err(fail_of)?;
    let code = ibis_store::statements::month_code(&month);
    Ok((id, code, statement_document(state, v.lang, &d, &month, &s)))
}

/// `GET /decisions/{id}/statement/print?month=`: a month's statement, print-friendly.
pub async fn statement_print(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let (id, month, doc) = statement_doc(&state, &v, &id).await?;
        print_page(
            &v,
            &doc,
            &format!("/decisions/{id}/statement.pdf?month={month}"),
            &format!("/decisions/{id}/statement?month={month}"),
        )
    }
    .await;
    v.finish(result)
}

/// `GET /decisions/{id}/statement.pdf?month=`: a month's statement as a PDF.
pub async fn statement_pdf(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let (id, month, doc) = statement_doc(&state, &v, &id).await?;
        pdf_response(&doc, &format!("statement-{id}-{month}.pdf"))
    }
    .await;
    v.finish(result)
}

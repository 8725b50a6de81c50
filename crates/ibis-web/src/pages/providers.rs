//! Providers of services: the list (by municipality served and service offered) and one
//! provider with its offers.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use ibis_core::catalogue::Category;
use ibis_store::providers::Provider;
use minijinja::context;
use serde::Serialize;

use super::forms::Form;
use super::i18n::{code_name, date, euro, Lang};
use super::refdata::{
    category_name, day_before, service_types, Choice, Municipalities, Pager, ServiceView,
};
use super::visitor::{Fail, PageResult, Visitor};
use crate::AppState;

const PAGE_SIZE: i64 = 25;

/// A provider in the list.
#[derive(Debug, Serialize)]
struct ProviderRow {
    id: i64,
    name: String,
    register_no: String,
    kind: String,
    municipalities: String,
    services: usize,
}

/// A group of service choices under a category.
#[derive(Debug, Serialize)]
struct ChoiceGroup {
    label: String,
    choices: Vec<Choice>,
}

fn row(lang: Lang, m: &Municipalities, p: &Provider) -> ProviderRow {
    let mut services: Vec<&str> = p.offers.iter().map(|o| o.service.as_str()).collect();
    services.sort_unstable();
    services.dedup();
    ProviderRow {
        id: p.id,
        name: p.name.clone(),
        register_no: p.register_no.clone(),
        kind: code_name(lang, "provider-kind", &p.kind),
        municipalities: p
            .municipalities
            .iter()
            .map(|c| m.name(c))
            .collect::<Vec<_>>()
            .join(", "),
        services: services.len(),
    }
}

/// `GET /providers?municipality=&service=&page=`.
pub async fn list(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(list_page(&state, &v).await)
}

async fn list_page(state: &AppState, v: &Visitor) -> PageResult {
    v.signed_in()?;
    let lang = v.lang;
    let query = Form::query(v.path.split_once('?').map(|(_, q)| q));
    let m = Municipalities::load(state, lang).await?;
    let types = service_types(state, None, None).await?;
    let municipality = query.opt("municipality").filter(|c| m.contains(c));
    let service = query
        .opt("service")
        .filter(|c| types.iter().any(|t| &t.code == c));
    let page_no = query.page_no();
    let page = state
        .store
        .providers(
            municipality.as_deref(),
            service.as_deref(),
            Pager::request(page_no, PAGE_SIZE),
        )
        .await?;
    let rows: Vec<ProviderRow> = page.items.iter().map(|p| row(lang, &m, p)).collect();
    let groups: Vec<ChoiceGroup> = Category::ALL
        .iter()
        .map(|c| ChoiceGroup {
            label: category_name(lang, *c),
            choices: types
                .iter()
                .filter(|t| t.category == c.code())
                .map(|t| Choice {
                    value: t.code.clone(),
                    label: ServiceView::of(lang, t).name,
                    selected: service.as_deref() == Some(t.code.as_str()),
                })
                .collect(),
        })
        .filter(|g| !g.choices.is_empty())
        .collect();
    let pager = Pager::new(
        "/providers",
        &[
            ("municipality", municipality.clone()),
            ("service", service.clone()),
        ],
        page_no,
        PAGE_SIZE,
        page.total,
    );
    v.page(
        "providers.html",
        "providers",
        context! {
            rows => rows,
            total => page.total,
            pager => pager,
            municipalities => m.choices(municipality.as_deref().unwrap_or("")),
            service_groups => groups,
            filtered => municipality.is_some() || service.is_some(),
        },
    )
}

/// An offer as shown.
#[derive(Debug, Serialize)]
struct OfferRow {
    service: String,
    code: String,
    unit: String,
    price: String,
    valid_from: String,
    /// The last day; empty when open-ended.
    last_day: String,
}

/// `GET /providers/{id}`.
pub async fn show(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    v.finish(show_page(&state, &v, &id).await)
}

async fn show_page(state: &AppState, v: &Visitor, id: &str) -> PageResult {
    v.signed_in()?;
    let lang = v.lang;
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(Fail::NotFound)?;
    let p = state.store.provider(id).await?;
    let m = Municipalities::load(state, lang).await?;
    let types: HashMap<String, ServiceView> = service_types(state, None, None)
        .await?
        .iter()
        .map(|t| (t.code.clone(), ServiceView::of(lang, t)))
        .collect();
    let offers: Vec<OfferRow> = p
        .offers
        .iter()
        .map(|o| {
            let t = types.get(&o.service);
            OfferRow {
                service: t
                    .map(|t| t.name.clone())
                    .unwrap_or_else(|| o.service.clone()),
                code: o.service.clone(),
                unit: t.map(|t| t.unit.clone()).unwrap_or_default(),
                price: euro(lang, &o.price_eur),
                valid_from: date(lang, &o.valid_from),
                last_day: o
                    .valid_to
                    .as_deref()
                    .map(|d| date(lang, &day_before(d)))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let municipalities: Vec<String> = p.municipalities.iter().map(|c| m.name(c)).collect();
    v.page(
        "provider.html",
        "providers",
        context! {
            provider => row(lang, &m, &p),
            iban => p.iban.clone().unwrap_or_default(),
            municipalities => municipalities,
            offers => offers,
        },
    )
}

//! The service catalogue: the service types of the 8 categories, filtered by category and
//! text, with names, units and recipients in the page's language.

use axum::extract::State;
use axum::response::Response;
use ibis_core::catalogue::Category;
use minijinja::context;
use serde::Serialize;

use super::forms::Form;
use super::refdata::{category_name, service_types, Choice, ServiceView};
use super::visitor::{PageResult, Visitor};
use crate::AppState;

/// Longest search text read.
const MAX_QUERY: usize = 100;

/// The service types of one category.
#[derive(Debug, Serialize)]
struct Group {
    code: String,
    name: String,
    services: Vec<ServiceView>,
}

/// `GET /catalogue?category=&q=`.
pub async fn list(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(list_page(&state, &v).await)
}

async fn list_page(state: &AppState, v: &Visitor) -> PageResult {
    v.signed_in()?;
    let lang = v.lang;
    let query = Form::query(v.path.split_once('?').map(|(_, q)| q));
    let category = query
        .opt("category")
        .and_then(|c| Category::ALL.into_iter().find(|k| k.code() == c));
    let q = query
        .opt("q")
        .map(|q| q.chars().take(MAX_QUERY).collect::<String>());
    let types = service_types(state, category.map(Category::code), q.as_deref()).await?;
    let total = types.len();
    let groups: Vec<Group> = Category::ALL
        .iter()
        .map(|c| Group {
            code: c.code().to_owned(),
            name: category_name(lang, *c),
            services: types
                .iter()
                .filter(|t| t.category == c.code())
                .map(|t| ServiceView::of(lang, t))
                .collect(),
        })
        .filter(|g| !g.services.is_empty())
        .collect();
    let categories: Vec<Choice> = Category::ALL
        .iter()
        .map(|c| Choice {
            value: c.code().to_owned(),
            label: category_name(lang, *c),
            selected: Some(*c) == category,
        })
        .collect();
    v.page(
        "catalogue.html",
        "catalogue",
        context! {
            q => q.clone().unwrap_or_default(),
            categories => categories,
            groups => groups,
            total => total,
            filtered => category.is_some() || q.is_some(),
        },
    )
}

//! The policy simulator in the API: drafts of policy and tariff files kept as data, their
//! simulation over the current population, and their adoption as a new policy version from a
//! day.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ibis_store::simulator::{PolicyAdoptionRow, PolicyDraftRow};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Id, QueryParams};
use crate::json::JsonBody;
use crate::simulator::{self, AdoptionReport, DraftFile, DraftInput, SimulationReport};
use crate::AppState;

/// The routes of the simulator.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/policy-drafts", get(list_drafts).post(create_draft))
        .route("/api/v1/policy-drafts/{id}", get(get_draft))
        .route("/api/v1/policy-drafts/{id}/simulation", get(simulation))
        .route("/api/v1/policy-drafts/{id}/adoption", post(adopt))
}

/// Keeps a draft: policy and/or tariff files in the format of `policies/`, each replacing the
/// file of the same name (or kind and id) in the policies the server started with. The files
/// are checked together as `ibis policy check` checks them; every problem is named by file and
/// field (422). Nothing changes until the draft is adopted. For approvers, analysts and
/// administrators.
#[utoipa::path(post, path = "/api/v1/policy-drafts", security(("bearer" = [])), request_body = DraftInput,
    responses((status = 201, body = PolicyDraftRow), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_draft(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<DraftInput>,
) -> Result<(StatusCode, Json<PolicyDraftRow>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(simulator::save_draft(&state, &caller, input).await?),
    ))
}

/// Every draft, newest first, with the day it was adopted from where it was.
#[utoipa::path(get, path = "/api/v1/policy-drafts", security(("bearer" = [])),
    responses((status = 200, body = Vec<PolicyDraftRow>), (status = 403, body = ErrorBody)))]
async fn list_drafts(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<PolicyDraftRow>>, ApiError> {
    Ok(Json(simulator::drafts(&state, &caller).await?))
}

/// One draft with its files.
#[utoipa::path(get, path = "/api/v1/policy-drafts/{id}", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = PolicyDraftRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_draft(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<PolicyDraftRow>, ApiError> {
    simulator::drafts(&state, &caller).await?;
    Ok(Json(state.store.policy_draft(id).await?))
}

/// The day and the population of a simulation.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SimulationQuery {
    /// YYYY-MM-DD; today if left out.
    pub on: Option<String>,
    /// `current` (the default: the people with a budget decision in force) or `synthetic`.
    pub population: Option<String>,
    /// Synthetic people, 1 to 50,000 (default 1,000).
    pub people: Option<u32>,
    /// The generator's seed (default 1).
    pub seed: Option<u64>,
}

/// Runs a draft over the people with a budget decision in force on a day (today if left out),
/// or over a synthetic population from the generator (`population=synthetic&people=N&seed=S`):
/// each person's budget now and under the draft with the reasons it differs (level, band,
/// lines with quantity and price, caps), the totals a month and a year, by municipality and by
/// level, gainers and losers. Over the current population approvers and social workers see
/// their municipality's people; analysts and administrators see aggregates only (no person
/// rows; groups of fewer than 5 people withheld); the read is recorded in the audit log.
/// Synthetic people are shown to every role.
#[utoipa::path(get, path = "/api/v1/policy-drafts/{id}/simulation", security(("bearer" = [])), params(("id" = i64, Path), SimulationQuery),
    responses((status = 200, body = SimulationReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn simulation(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    QueryParams(q): QueryParams<SimulationQuery>,
) -> Result<Json<SimulationReport>, ApiError> {
    let population = simulator::Population::parse(q.population.as_deref(), q.people, q.seed)
        .map_err(|e| ApiError::bad_request(&e.field, e.message))?;
    let on = match q.on {
        Some(s) => ibis_core::policy::parse_date(&s).map_err(|m| ApiError::bad_request("on", m))?,
        None => crate::today(),
    };
    Ok(Json(
        simulator::run(&state, &caller, id, on, population).await?,
    ))
}

/// The day an adoption takes effect.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptionInput {
    /// YYYY-MM-DD, today or later.
    pub from: String,
}

/// Adopts a draft as a new policy version from a day (approvers). From that day budgets are
/// computed with the draft's policies and prices; budgets for earlier days and every decided
/// budget stay as they were. A draft is adopted once; one that changes nothing is refused.
#[utoipa::path(post, path = "/api/v1/policy-drafts/{id}/adoption", security(("bearer" = [])), params(("id" = i64, Path)), request_body = AdoptionInput,
    responses((status = 201, body = AdoptionReport), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn adopt(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<AdoptionInput>,
) -> Result<(StatusCode, Json<AdoptionReport>), ApiError> {
    let from = ibis_core::policy::parse_date(&input.from)
        .map_err(|m| ApiError::invalid(vec![ibis_core::field::FieldError::new("from", m)]))?;
    Ok((
        StatusCode::CREATED,
        Json(simulator::adopt(&state, &caller, id, from).await?),
    ))
}

/// The OpenAPI paths of the simulator.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(create_draft, list_drafts, get_draft, simulation, adopt),
    components(schemas(
        DraftInput,
        DraftFile,
        PolicyDraftRow,
        PolicyAdoptionRow,
        SimulationReport,
        AdoptionReport,
        AdoptionInput
    ))
)]
pub struct SimulatorDoc;

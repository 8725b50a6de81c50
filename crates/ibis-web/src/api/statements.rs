//! Statements and grants in the API: a person's monthly statement of a budget, a provider's
//! monthly statement, and a municipality's monthly grant for its adult clients.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ibis_store::statements::{
    PersonStatement, Position, ProviderLine, ProviderStatement, RefusalReason, RefusedClaim,
    StatementLine,
};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Id, QueryParams};
use crate::statements::{self, GrantLevel, GrantReport};
use crate::AppState;

/// The routes of statements and grants.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/decisions/{id}/statement", get(person_statement))
        .route("/api/v1/providers/{id}/statement", get(provider_statement))
        .route("/api/v1/grants", get(grant))
}

/// Which month.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MonthQuery {
    /// The month, `YYYY-MM`.
    pub month: String,
}

/// A person's monthly statement of a budget decision: the month's accepted claims per service
/// and provider with quantities, amounts and co-payments; what was approved, held for review,
/// paid and refused for the month; and the budget's position (allocated to date, reserved,
/// approved, paid, remaining) from every ledger entry booked up to the month's end. For the
/// person or their representative, social workers and approvers, in scope; the read is
/// recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/decisions/{id}/statement", security(("bearer" = [])), params(("id" = i64, Path), MonthQuery),
    responses((status = 200, body = PersonStatement), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn person_statement(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    QueryParams(q): QueryParams<MonthQuery>,
) -> Result<Json<PersonStatement>, ApiError> {
    let month = statements::parse_month(&q.month)?;
    Ok(Json(
        statements::person_statement(&state, &caller, id, month).await?,
    ))
}

/// A provider's monthly statement for services given in the month: claims and what they
/// asked, approved, held for review, paid, and every refused claim with its reasons (the
/// person is named only to callers who may read the person's record). For the provider's
/// staff; social workers and approvers of a municipality the provider serves see the claims
/// of their municipality's people.
#[utoipa::path(get, path = "/api/v1/providers/{id}/statement", security(("bearer" = [])), params(("id" = i64, Path), MonthQuery),
    responses((status = 200, body = ProviderStatement), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn provider_statement(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    QueryParams(q): QueryParams<MonthQuery>,
) -> Result<Json<ProviderStatement>, ApiError> {
    let month = statements::parse_month(&q.month)?;
    Ok(Json(
        statements::provider_statement(&state, &caller, id, month).await?,
    ))
}

/// Which month and municipality.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct GrantQuery {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// The municipality's code (analysts; social workers and approvers see their own).
    pub municipality: Option<String>,
}

/// A municipality's monthly grant for its adult clients (seed 001, Table 3): each client's
/// decided monthly amount, halved when services ran on fewer than half the month's working
/// days (Latvian calendar), nothing for a client not served. Counts and amounts by care level
/// only, no names. For social workers and approvers (their municipality) and analysts.
#[utoipa::path(get, path = "/api/v1/grants", security(("bearer" = [])), params(GrantQuery),
    responses((status = 200, body = GrantReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn grant(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(q): QueryParams<GrantQuery>,
) -> Result<Json<GrantReport>, ApiError> {
    let month = statements::parse_month(&q.month)?;
    Ok(Json(
        statements::grant(&state, &caller, month, q.municipality.as_deref()).await?,
    ))
}

/// The OpenAPI paths of statements and grants.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(person_statement, provider_statement, grant),
    components(schemas(
        PersonStatement,
        Position,
        StatementLine,
        ProviderStatement,
        ProviderLine,
        RefusedClaim,
        RefusalReason,
        GrantReport,
        GrantLevel
    ))
)]
pub struct StatementsDoc;

//! Monitoring in the API: the indicators of a municipality, a planning region or the country
//! for a half-open period, the service-gap map, and the people behind a figure.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ibis_core::monitoring::{Coverage, Dashboard, Figure, GapMap, GapRow};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::QueryParams;
use crate::monitoring::{self, PersonRow};
use crate::AppState;

/// The routes of monitoring.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/monitoring/dashboard", get(dashboard))
        .route("/api/v1/monitoring/gaps", get(gaps))
        .route("/api/v1/monitoring/rows", get(rows))
}

/// Which area and period.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AreaQuery {
    /// `country`, `region:<code>` (riga, vidzeme, kurzeme, zemgale, latgale) or a municipality
    /// code; by default the caller's municipality, else the country.
    pub area: Option<String>,
    /// First day, `YYYY-MM-DD` (default: 1 January of this year).
    pub from: Option<String>,
    /// First day after the period, `YYYY-MM-DD` (default: 1 January of next year).
    pub to: Option<String>,
    /// The figure whose rows are asked for (rows only), e.g. `served`,
    /// `target-group:child-ft`, `service:di-2-20`, `overdue`, `gap:needed-not-available:di-2-48`.
    pub figure: Option<String>,
}

impl AreaQuery {
    /// The area and period asked for, checked against the caller ([`monitoring::filter`]).
    async fn filter(
        &self,
        state: &AppState,
        caller: &Caller,
    ) -> Result<monitoring::Filter, ApiError> {
        monitoring::filter(
            state,
            caller,
            self.area.as_deref(),
            self.from.as_deref(),
            self.to.as_deref(),
        )
        .await
    }
}

/// The indicators of an area and period: people served by target group, level, age group and
/// living situation; budgets allocated, spent, reserved and returned; spending by service,
/// category, provider and funding source; cost per person per month; overdue reviews; goal
/// attainment at review; anomalies raised and resolved; providers per service per
/// municipality; people aged 16-18 needing transition plans. For social workers, approvers,
/// analysts and administrators; a figure on fewer than 5 people is withheld (`suppressed`)
/// unless the caller reads the records of the area (their own municipality).
#[utoipa::path(get, path = "/api/v1/monitoring/dashboard", security(("bearer" = [])), params(AreaQuery),
    responses((status = 200, body = Dashboard), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(q): QueryParams<AreaQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    let f = q.filter(&state, &caller).await?;
    Ok(Json(monitoring::dashboard(&state, &caller, &f).await?))
}

/// The service-gap map of an area and period: plan lines *needed but not available* and
/// *available but not received* by service and municipality (people counted, barriers for
/// callers who read the records), services ranked by unmet need, and the essential services of
/// seed 000 (physiotherapy, occupational therapy, psychology, speech therapy, transport) with
/// no provider in a municipality.
#[utoipa::path(get, path = "/api/v1/monitoring/gaps", security(("bearer" = [])), params(AreaQuery),
    responses((status = 200, body = GapMap), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn gaps(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(q): QueryParams<AreaQuery>,
) -> Result<Json<GapMap>, ApiError> {
    let f = q.filter(&state, &caller).await?;
    Ok(Json(monitoring::gaps(&state, &caller, &f).await?))
}

/// The people behind a figure of a dashboard, for social workers and approvers in their own
/// municipality (403 for anyone else). Every person listed is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/monitoring/rows", security(("bearer" = [])), params(AreaQuery),
    responses((status = 200, body = Vec<PersonRow>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn rows(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(q): QueryParams<AreaQuery>,
) -> Result<Json<Vec<PersonRow>>, ApiError> {
    let f = q.filter(&state, &caller).await?;
    let figure = q.figure.unwrap_or_default();
    Ok(Json(monitoring::rows(&state, &caller, &f, &figure).await?))
}

/// The OpenAPI paths of monitoring.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(dashboard, gaps, rows),
    components(schemas(Dashboard, Figure, Coverage, GapMap, GapRow, PersonRow))
)]
pub struct MonitoringDoc;

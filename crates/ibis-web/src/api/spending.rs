//! Spending in the API: agreements, visits, claims and budget balances.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use ibis_core::agreement::AgreementInput;
use ibis_core::claim::{ClaimLineInput, Visit, VisitInput};
use ibis_store::spending::{AgreementRow, BudgetBalances, ClaimResult};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::Id;
use crate::json::JsonBody;
use crate::spending;
use crate::AppState;

/// Spending's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/plans/{id}/agreements", post(create_agreement))
        .route("/api/v1/agreements/{id}", axum::routing::get(get_agreement))
        .route("/api/v1/visits", post(check_in))
        .route("/api/v1/visits/{id}/check-out", post(check_out))
        .route("/api/v1/visits/{id}/confirm", post(confirm))
        .route("/api/v1/visits/{id}/dispute", post(dispute))
        .route("/api/v1/claims", post(claim))
        .route(
            "/api/v1/decisions/{id}/balances",
            axum::routing::get(balances),
        )
}

/// Registers an agreement for a plan line (social workers): provider, service, price per unit
/// (anything above the tariff is the person's co-payment), period, quantity a month.
#[utoipa::path(post, path = "/api/v1/plans/{id}/agreements", security(("bearer" = [])), params(("id" = i64, Path)), request_body = AgreementInput,
    responses((status = 201, body = AgreementRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_agreement(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<AgreementInput>,
) -> Result<(StatusCode, Json<AgreementRow>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(spending::create_agreement(&state, &caller, id, &input).await?),
    ))
}

/// One agreement.
#[utoipa::path(get, path = "/api/v1/agreements/{id}", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = AgreementRow), (status = 404, body = ErrorBody)))]
async fn get_agreement(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<AgreementRow>, ApiError> {
    Ok(Json(state.store.agreement(&caller.scope(), id).await?))
}

/// Checks a visit in (provider staff): person, specialist, start (and end if known), individual
/// or group, and how it was recorded (manual, card, code).
#[utoipa::path(post, path = "/api/v1/visits", security(("bearer" = [])), request_body = VisitInput,
    responses((status = 201, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check_in(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<VisitInput>,
) -> Result<(StatusCode, Json<Visit>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(spending::check_in(&state, &caller, &input).await?),
    ))
}

/// A check-out time.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckOut {
    /// Riga local time, `YYYY-MM-DDTHH:MM`.
    pub end: String,
}

/// Checks a visit out.
#[utoipa::path(post, path = "/api/v1/visits/{id}/check-out", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CheckOut,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check_out(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<CheckOut>,
) -> Result<Json<Visit>, ApiError> {
    Ok(Json(
        spending::visit_action(&state, &caller, id, "check-out", Some(&input.end)).await?,
    ))
}

/// The person (or a social worker) confirms a visit took place.
#[utoipa::path(post, path = "/api/v1/visits/{id}/confirm", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Visit>, ApiError> {
    Ok(Json(
        spending::visit_action(&state, &caller, id, "confirm", None).await?,
    ))
}

/// Why a visit is disputed.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dispute {
    /// What is wrong with it.
    pub reason: String,
}

/// The person (or a social worker) disputes a visit; claims on it are flagged.
#[utoipa::path(post, path = "/api/v1/visits/{id}/dispute", security(("bearer" = [])), params(("id" = i64, Path)), request_body = Dispute,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn dispute(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<Dispute>,
) -> Result<Json<Visit>, ApiError> {
    Ok(Json(
        spending::visit_action(&state, &caller, id, "dispute", Some(&input.reason)).await?,
    ))
}

/// Sends one claim line (provider staff). Every rule is checked as one decision with every
/// reason; anomalies are flagged for the case manager. The same idempotency key sent again is
/// answered the same (200) and charged once.
#[utoipa::path(post, path = "/api/v1/claims", security(("bearer" = [])), request_body = ClaimLineInput,
    responses((status = 201, body = ClaimResult), (status = 200, body = ClaimResult), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn claim(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<ClaimLineInput>,
) -> Result<(StatusCode, Json<ClaimResult>), ApiError> {
    let r = spending::claim(&state, &caller, &input).await?;
    Ok((
        if r.replay {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        Json(r),
    ))
}

/// The balances of a budget decision, derived from its ledger: allocated, reserved, approved,
/// paid, returned, remaining.
#[utoipa::path(get, path = "/api/v1/decisions/{id}/balances", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = BudgetBalances), (status = 404, body = ErrorBody)))]
async fn balances(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<BudgetBalances>, ApiError> {
    Ok(Json(spending::balances(&state, &caller, id).await?))
}

/// The OpenAPI paths of spending.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        create_agreement,
        get_agreement,
        check_in,
        check_out,
        confirm,
        dispute,
        claim,
        balances
    ),
    components(schemas(CheckOut, Dispute))
)]
pub struct SpendingDoc;

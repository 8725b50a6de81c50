//! Spending in the API: agreements, visits, claims and budget balances.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use ibis_core::agreement::AgreementInput;
use ibis_core::claim::{ClaimLineInput, Visit, VisitInput};
use ibis_store::payments::RunRow;
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
        .route("/api/v1/payment-runs", post(prepare_run))
        .route("/api/v1/payment-runs/{id}", axum::routing::get(get_run))
        .route("/api/v1/payment-runs/{id}/state", post(move_run))
        .route(
            "/api/v1/payment-runs/{id}/pain.001.xml",
            axum::routing::get(run_file),
        )
        .route("/api/v1/claims/bulk", post(bulk))
        .route("/api/v1/anomalies", axum::routing::get(anomalies))
        .route("/api/v1/claims/{id}/review", post(review_claim))
        .route("/api/v1/decisions/{id}/close", post(close_budget))
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
    Ok(Json(
        state
            .store
            .read_agreement(&caller.auditor(), &caller.scope(), id)
            .await?,
    ))
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

/// A payment run to prepare.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunInput {
    /// The paying municipality's name as the bank knows it.
    pub debtor_name: String,
    /// The municipality's account.
    pub debtor_iban: String,
    /// Requested execution date, YYYY-MM-DD.
    pub execution_date: String,
}

/// Prepares a payment run of every approved, unpaid claim of the municipality's people that is
/// in no other live run (approvers).
#[utoipa::path(post, path = "/api/v1/payment-runs", security(("bearer" = [])), request_body = RunInput,
    responses((status = 201, body = RunRow), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn prepare_run(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<RunInput>,
) -> Result<(StatusCode, Json<RunRow>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            spending::prepare_run(
                &state,
                &caller,
                &input.debtor_name,
                &input.debtor_iban,
                &input.execution_date,
            )
            .await?,
        ),
    ))
}

/// One payment run.
#[utoipa::path(get, path = "/api/v1/payment-runs/{id}", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RunRow), (status = 404, body = ErrorBody)))]
async fn get_run(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<RunRow>, ApiError> {
    Ok(Json(spending::run(&state, &caller, id).await?))
}

/// A change of a run's state.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunAction {
    /// `review` (by someone other than who prepared it), `release`, `cancel` or `reopen`.
    pub action: String,
}

/// Reviews, releases, cancels or reopens a run. Release enters the payments in the ledger and
/// makes the SEPA file; releasing again changes nothing.
#[utoipa::path(post, path = "/api/v1/payment-runs/{id}/state", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RunAction,
    responses((status = 200, body = RunRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn move_run(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<RunAction>,
) -> Result<Json<RunRow>, ApiError> {
    Ok(Json(
        spending::move_run(&state, &caller, id, &input.action).await?,
    ))
}

/// The SEPA credit-transfer file (ISO 20022 pain.001.001.03) of a released run.
#[utoipa::path(get, path = "/api/v1/payment-runs/{id}/pain.001.xml", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = String, content_type = "application/xml"), (status = 404, body = ErrorBody)))]
async fn run_file(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<([(axum::http::HeaderName, &'static str); 1], String), ApiError> {
    let run = spending::run(&state, &caller, id).await?;
    let xml = run.xml.ok_or_else(|| {
        ApiError::invalid(vec![ibis_core::field::FieldError::new(
            "state",
            "the file exists once the run is released",
        )])
    })?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "application/xml; charset=utf-8",
        )],
        xml,
    ))
}

/// How an upload treats bad lines.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BulkQuery {
    /// `all-or-nothing` (default: one bad line stops the file) or `good-lines-only`.
    pub mode: Option<String>,
}

/// Uploads claims as CSV (`Content-Type: text/csv`; header
/// `idempotency_key,agreement_id,service_date,quantity,unit_price_eur,visit_id`). The answer
/// reports every line by number: imported, refused with reasons, invalid with its fields, or
/// not imported. `all-or-nothing` decides the whole file in one transaction, so a bad line, an
/// error or the request timeout (30 s) keeps nothing of it; `good-lines-only` commits every 50
/// lines. Sending the same file again is always safe: lines already kept get the answers they
/// got, and nothing is charged twice.
#[utoipa::path(post, path = "/api/v1/claims/bulk", security(("bearer" = [])), params(BulkQuery), request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = crate::spending::BulkReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn bulk(
    State(state): State<AppState>,
    caller: Caller,
    crate::extract::QueryParams(q): crate::extract::QueryParams<BulkQuery>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<crate::spending::BulkReport>, ApiError> {
    let is_csv = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    if !is_csv {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "send the file with Content-Type: text/csv",
        ));
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::bad_request("(body)", "the file is not valid UTF-8"))?;
    Ok(Json(
        spending::bulk(
            &state,
            &caller,
            text,
            q.mode.as_deref().unwrap_or("all-or-nothing"),
        )
        .await?,
    ))
}

/// Claims with anomalies for the caller's people, and whether each is held for review.
#[utoipa::path(get, path = "/api/v1/anomalies", security(("bearer" = [])),
    responses((status = 200, body = [ibis_store::spending::FlaggedClaim]), (status = 403, body = ErrorBody)))]
async fn anomalies(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ibis_store::spending::FlaggedClaim>>, ApiError> {
    Ok(Json(spending::flagged(&state, &caller).await?))
}

/// The case manager's decision on a held claim.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimReview {
    /// Approve (pay it) or refuse (release the reservation).
    pub approve: bool,
    /// Why.
    pub note: String,
}

/// Approves or refuses a claim held for review.
#[utoipa::path(post, path = "/api/v1/claims/{id}/review", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ClaimReview,
    responses((status = 200, body = BudgetBalances), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn review_claim(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<ClaimReview>,
) -> Result<Json<BudgetBalances>, ApiError> {
    Ok(Json(
        spending::review_claim(&state, &caller, id, input.approve, &input.note).await?,
    ))
}

/// Closes a budget's period (approvers): what is unspent is returned.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/close", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = BudgetBalances), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn close_budget(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<BudgetBalances>, ApiError> {
    Ok(Json(spending::close_budget(&state, &caller, id).await?))
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
        balances,
        prepare_run,
        get_run,
        move_run,
        run_file,
        bulk,
        anomalies,
        review_claim,
        close_budget
    ),
    components(schemas(CheckOut, Dispute, RunInput, RunAction, ClaimReview))
)]
pub struct SpendingDoc;

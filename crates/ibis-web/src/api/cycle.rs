//! The cycle in the API: assessments, budget proposals and decisions with their notice,
//! requests for review, support plans with their versions, signatures and goal reviews, and
//! the worklist.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ibis_core::assessment::AssessmentInput;
use ibis_core::budget::ExplainedBudget;
use ibis_core::decision::{render_text, DecisionInput};
use ibis_core::lang::Lang;
use ibis_core::plan::{diff, PlanInput, SignatureInput};
use ibis_core::review::GoalReviewInput;
use ibis_store::cycle::{AssessmentRow, DecisionRow, PlanRow, PlanVersionRow};
use serde::{Deserialize, Serialize};

use crate::auth::Caller;
use crate::cycle::{self, WorklistRow};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Id, QueryParams};
use crate::json::JsonBody;
use crate::AppState;

use super::Created;

/// The cycle's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/persons/{id}/assessments",
            get(list_assessments).post(create_assessment),
        )
        .route(
            "/api/v1/assessments/{id}",
            get(get_assessment).put(update_assessment),
        )
        .route("/api/v1/assessments/{id}/sign", post(sign_assessment))
        .route("/api/v1/assessments/{id}/proposal", get(proposal))
        .route("/api/v1/assessments/{id}/decision", post(decide))
        .route("/api/v1/persons/{id}/decisions", get(list_decisions))
        .route("/api/v1/persons/{id}/budget", get(budget_in_force))
        .route("/api/v1/decisions/{id}", get(get_decision))
        .route("/api/v1/decisions/{id}/notice", get(get_notice))
        .route(
            "/api/v1/decisions/{id}/review-requests",
            post(request_review),
        )
        .route("/api/v1/review-requests/{id}/outcome", post(review_outcome))
        .route("/api/v1/decisions/{id}/plans", post(create_plan))
        .route("/api/v1/plans/{id}", get(get_plan).put(revise_plan))
        .route("/api/v1/plans/{id}/versions", get(plan_versions))
        .route("/api/v1/plans/{id}/diff", get(plan_diff))
        .route("/api/v1/plans/{id}/sign", post(sign_plan))
        .route("/api/v1/plans/{id}/state", post(move_plan))
        .route("/api/v1/plans/{id}/goal-reviews", post(review_goals))
        .route("/api/v1/worklist", get(worklist))
}

/// A person's assessments, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/assessments", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = [AssessmentRow]), (status = 404, body = ErrorBody)))]
async fn list_assessments(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Vec<AssessmentRow>>, ApiError> {
    Ok(Json(
        state
            .store
            .read_assessments_of(&caller.auditor(), &caller.scope(), id)
            .await?,
    ))
}

/// Records an assessment as a draft: `kind` is `child` (four domains, instruments for the
/// child's age, team, pre-assessment, consultations), `adult` (care level I-IV with its
/// domains and rationale) or `support` (support level 1-3).
#[utoipa::path(post, path = "/api/v1/persons/{id}/assessments", security(("bearer" = [])), params(("id" = i64, Path)), request_body = Object,
    responses((status = 201, body = AssessmentRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_assessment(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<AssessmentInput>,
) -> Result<(StatusCode, Json<AssessmentRow>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(cycle::record_assessment(&state, &caller, id, &input).await?),
    ))
}

/// One assessment.
#[utoipa::path(get, path = "/api/v1/assessments/{id}", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = AssessmentRow), (status = 404, body = ErrorBody)))]
async fn get_assessment(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<AssessmentRow>, ApiError> {
    Ok(Json(
        state
            .store
            .assessment(&caller.auditor(), &caller.scope(), id)
            .await?
            .0,
    ))
}

/// Replaces a draft assessment (a signed one is never edited, only superseded).
#[utoipa::path(put, path = "/api/v1/assessments/{id}", security(("bearer" = [])), params(("id" = i64, Path)), request_body = Object,
    responses((status = 200, body = AssessmentRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_assessment(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<AssessmentInput>,
) -> Result<Json<AssessmentRow>, ApiError> {
    Ok(Json(
        cycle::revise_assessment(&state, &caller, id, &input).await?,
    ))
}

/// Signs a draft assessment; it supersedes the person's earlier signed one of the same kind.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/sign", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = AssessmentRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn sign_assessment(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<AssessmentRow>, ApiError> {
    Ok(Json(cycle::sign_assessment(&state, &caller, id).await?))
}

/// The day the proposal is priced on.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OnQuery {
    /// YYYY-MM-DD; today if left out.
    pub on: Option<String>,
}

/// The explained budget the current policy proposes for an assessment.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/proposal", security(("bearer" = [])), params(("id" = i64, Path), OnQuery),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn proposal(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    QueryParams(q): QueryParams<OnQuery>,
) -> Result<Json<ExplainedBudget>, ApiError> {
    let on = match q.on {
        Some(s) => ibis_core::policy::parse_date(&s).map_err(|m| ApiError::bad_request("on", m))?,
        None => crate::today(),
    };
    Ok(Json(cycle::propose(&state, &caller, id, on).await?.2))
}

/// Decides the budget for a period of 6 to 12 months (approvers). An amount other than the
/// proposal needs a written reason, which is kept. The decision and its notice never change.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/decision", security(("bearer" = [])), params(("id" = i64, Path)), request_body = Object,
    responses((status = 201, body = DecisionRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<DecisionInput>,
) -> Result<(StatusCode, Json<DecisionRow>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(cycle::decide(&state, &caller, id, &input).await?),
    ))
}

/// A person's budget decisions, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/decisions", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = [DecisionRow]), (status = 404, body = ErrorBody)))]
async fn list_decisions(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Vec<DecisionRow>>, ApiError> {
    Ok(Json(
        state
            .store
            .read_decisions_of(&caller.auditor(), &caller.scope(), id)
            .await?,
    ))
}

/// The budget decision in force for a person on a day (a later decision from a stated date
/// supersedes the earlier one from that date).
#[utoipa::path(get, path = "/api/v1/persons/{id}/budget", security(("bearer" = [])), params(("id" = i64, Path), OnQuery),
    responses((status = 200, body = DecisionRow), (status = 404, body = ErrorBody)))]
async fn budget_in_force(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    QueryParams(q): QueryParams<OnQuery>,
) -> Result<Json<DecisionRow>, ApiError> {
    let on = match q.on {
        Some(s) => ibis_core::policy::parse_date(&s).map_err(|m| ApiError::bad_request("on", m))?,
        None => crate::today(),
    };
    if !state.store.person_in_scope(&caller.scope(), id).await? {
        return Err(ApiError::not_found());
    }
    let d = state
        .store
        .decision_in_force(id, on)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(
        state
            .store
            .decision(&caller.auditor(), &caller.scope(), d.id)
            .await?,
    ))
}

/// One decision with its requests for review.
#[utoipa::path(get, path = "/api/v1/decisions/{id}", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = DecisionRow), (status = 404, body = ErrorBody)))]
async fn get_decision(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<DecisionRow>, ApiError> {
    Ok(Json(
        state
            .store
            .decision(&caller.auditor(), &caller.scope(), id)
            .await?,
    ))
}

/// Language of a document.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LangQuery {
    /// `lv` (default) or `en`.
    pub lang: Option<String>,
}

/// The decision notice as text, in Latvian or English: amount, period, every factor of the
/// amount, the policy version, and how and by when to contest it.
#[utoipa::path(get, path = "/api/v1/decisions/{id}/notice", security(("bearer" = [])), params(("id" = i64, Path), LangQuery),
    responses((status = 200, body = String, content_type = "text/plain"), (status = 404, body = ErrorBody)))]
async fn get_notice(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    QueryParams(q): QueryParams<LangQuery>,
) -> Result<([(axum::http::HeaderName, &'static str); 1], String), ApiError> {
    let lang = match q.lang.as_deref().unwrap_or("lv") {
        "lv" => Lang::Lv,
        "en" => Lang::En,
        other => {
            return Err(ApiError::bad_request(
                "lang",
                format!("\"{other}\" is not allowed; allowed: lv, en"),
            ))
        }
    };
    let d = state
        .store
        .decision(&caller.auditor(), &caller.scope(), id)
        .await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        render_text(&d.notice, lang),
    ))
}

/// A request for review of a decision.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequestInput {
    /// Who asks (the person, their representative).
    pub requested_by: String,
    /// Why.
    pub reason: String,
}

/// Records a request for review of a decision.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/review-requests", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ReviewRequestInput,
    responses((status = 201, body = Created), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn request_review(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<ReviewRequestInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = cycle::request_review(&state, &caller, id, &input.requested_by, &input.reason).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The outcome of a request for review.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewOutcomeInput {
    /// `upheld`, `changed` or `withdrawn`.
    pub outcome: String,
    /// The reasons.
    pub note: String,
}

/// Records the outcome of a request for review (approvers).
#[utoipa::path(post, path = "/api/v1/review-requests/{id}/outcome", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ReviewOutcomeInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn review_outcome(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<ReviewOutcomeInput>,
) -> Result<StatusCode, ApiError> {
    cycle::review_outcome(&state, &caller, id, &input.outcome, &input.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates a support plan on a decision: the person's goals in their words, needs, lines
/// (service, quantity a month, chosen provider, funding, status), tasks. Refused with the cost
/// of each line and the overage when it costs more than the budget, or when a line breaks a
/// policy cap.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/plans", security(("bearer" = [])), params(("id" = i64, Path)), request_body = Object,
    responses((status = 201, body = PlanRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_plan(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<PlanInput>,
) -> Result<(StatusCode, Json<PlanRow>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(cycle::create_plan(&state, &caller, id, &input).await?),
    ))
}

/// A plan with its current version, signatures and goal reviews.
#[utoipa::path(get, path = "/api/v1/plans/{id}", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = PlanRow), (status = 404, body = ErrorBody)))]
async fn get_plan(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<PlanRow>, ApiError> {
    Ok(Json(
        state
            .store
            .plan(&caller.auditor(), &caller.scope(), id)
            .await?
            .0,
    ))
}

/// A revision of a draft plan, against the version it was made from.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRevision {
    /// The version the revision was made against.
    pub version: i64,
    /// The plan.
    #[schema(value_type = Object)]
    pub plan: PlanInput,
}

/// Revises a draft plan; the earlier version is kept.
#[utoipa::path(put, path = "/api/v1/plans/{id}", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PlanRevision,
    responses((status = 200, body = PlanRow), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn revise_plan(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<PlanRevision>,
) -> Result<Json<PlanRow>, ApiError> {
    Ok(Json(
        cycle::revise_plan(&state, &caller, id, input.version, &input.plan).await?,
    ))
}

/// Every version of a plan.
#[utoipa::path(get, path = "/api/v1/plans/{id}/versions", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = [PlanVersionRow]), (status = 404, body = ErrorBody)))]
async fn plan_versions(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Vec<PlanVersionRow>>, ApiError> {
    Ok(Json(
        state
            .store
            .read_plan_versions(&caller.auditor(), &caller.scope(), id)
            .await?,
    ))
}

/// Two versions to compare.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// The earlier version.
    pub from: i64,
    /// The later version.
    pub to: i64,
}

/// What changed between two versions of a plan.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanDiff {
    /// The earlier version.
    pub from: i64,
    /// The later version.
    pub to: i64,
    /// The changes.
    #[schema(value_type = Vec<Object>)]
    pub changes: serde_json::Value,
}

/// Compares two versions of a plan.
#[utoipa::path(get, path = "/api/v1/plans/{id}/diff", security(("bearer" = [])), params(("id" = i64, Path), DiffQuery),
    responses((status = 200, body = PlanDiff), (status = 404, body = ErrorBody)))]
async fn plan_diff(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    QueryParams(q): QueryParams<DiffQuery>,
) -> Result<Json<PlanDiff>, ApiError> {
    let versions = state
        .store
        .read_plan_versions(&caller.auditor(), &caller.scope(), id)
        .await?;
    let find = |v: i64| {
        versions
            .iter()
            .find(|r| r.version == v)
            .ok_or_else(ApiError::not_found)
    };
    let (a, b) = (find(q.from)?, find(q.to)?);
    let changes = serde_json::to_value(diff(&a.plan, &b.plan)).unwrap_or_default();
    Ok(Json(PlanDiff {
        from: q.from,
        to: q.to,
        changes,
    }))
}

/// Signs a draft plan (the person, or a social worker recording a signed paper); the plan is
/// then agreed. The same signer cannot sign twice.
#[utoipa::path(post, path = "/api/v1/plans/{id}/sign", security(("bearer" = [])), params(("id" = i64, Path)), request_body = Object,
    responses((status = 200, body = PlanRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn sign_plan(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<SignatureInput>,
) -> Result<Json<PlanRow>, ApiError> {
    Ok(Json(cycle::sign_plan(&state, &caller, id, &input).await?))
}

/// A change of a plan's state.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateChange {
    /// `activate`, `review`, `resume`, `close` or `reopen`.
    pub action: String,
}

/// Moves a plan through draft → agreed → active → in review → closed.
#[utoipa::path(post, path = "/api/v1/plans/{id}/state", security(("bearer" = [])), params(("id" = i64, Path)), request_body = StateChange,
    responses((status = 200, body = PlanRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn move_plan(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<StateChange>,
) -> Result<Json<PlanRow>, ApiError> {
    Ok(Json(
        cycle::move_plan(&state, &caller, id, &input.action).await?,
    ))
}

/// Goal attainment recorded at review.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalReviews {
    /// One per goal reviewed: index, attainment -2..+2, note.
    #[schema(value_type = Vec<Object>)]
    pub goals: Vec<GoalReviewInput>,
}

/// Records goal attainment (-2..+2) per goal at review.
#[utoipa::path(post, path = "/api/v1/plans/{id}/goal-reviews", security(("bearer" = [])), params(("id" = i64, Path)), request_body = GoalReviews,
    responses((status = 200, body = PlanRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn review_goals(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<GoalReviews>,
) -> Result<Json<PlanRow>, ApiError> {
    Ok(Json(
        cycle::review_goals(&state, &caller, id, &input.goals).await?,
    ))
}

/// The day the worklist is for.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct WorklistQuery {
    /// YYYY-MM-DD; today if left out.
    pub on: Option<String>,
}

/// The caller's worklist: reviews due (within 30 days) or overdue, plans awaiting a
/// signature, assessments awaiting a decision, and people aged 16-18 for transition planning.
#[utoipa::path(get, path = "/api/v1/worklist", security(("bearer" = [])), params(WorklistQuery),
    responses((status = 200, body = [WorklistRow]), (status = 403, body = ErrorBody)))]
async fn worklist(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(q): QueryParams<WorklistQuery>,
) -> Result<Json<Vec<WorklistRow>>, ApiError> {
    let on = match q.on {
        Some(s) => ibis_core::policy::parse_date(&s).map_err(|m| ApiError::bad_request("on", m))?,
        None => crate::today(),
    };
    Ok(Json(cycle::worklist_of(&state, &caller, on).await?))
}

/// The OpenAPI paths of the cycle.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_assessments,
        create_assessment,
        get_assessment,
        update_assessment,
        sign_assessment,
        proposal,
        decide,
        list_decisions,
        budget_in_force,
        get_decision,
        get_notice,
        request_review,
        review_outcome,
        create_plan,
        get_plan,
        revise_plan,
        plan_versions,
        plan_diff,
        sign_plan,
        move_plan,
        review_goals,
        worklist
    ),
    components(schemas(
        ReviewRequestInput,
        ReviewOutcomeInput,
        PlanRevision,
        PlanDiff,
        StateChange,
        GoalReviews,
        WorklistRow
    ))
)]
pub struct CycleDoc;

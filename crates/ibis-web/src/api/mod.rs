//! The JSON API, versioned under `/api/v1/`, described by the OpenAPI document served at
//! `/api/openapi.json` (generated from these handlers).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use ibis_core::access::{Action, Role, Scope};
use ibis_core::registry::{
    ConsentInput, DeterminationInput, PersonChangeInput, PersonInput, RelativeInput,
};
use ibis_store::audit::AuditEntry;
use ibis_store::auth::{SessionKind, SignInRefusal, User};
use ibis_store::providers::{Offer, OfferInput, Provider, ProviderInput};
use ibis_store::reference::{MunicipalityRow, ServiceTypeRow};
use ibis_store::registry::{Person, PersonRecord};
use ibis_store::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

use crate::auth::{remote_of, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Id, Ids, QueryParams};
use crate::json::JsonBody;
use crate::AppState;

pub mod cycle;
pub mod simulator;
// Monitoring: indicators, the service-gap map, the rows behind a figure.
pub mod monitoring;
pub mod spending;
pub mod statements;

/// The API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/v1/auth/token", post(token))
        .route("/api/v1/auth/sign-out", post(sign_out))
        .route("/api/v1/me", get(me))
        .route("/api/v1/municipalities", get(municipalities))
        .route("/api/v1/catalogue/service-types", get(service_types))
        .route("/api/v1/catalogue/service-types/{code}", get(service_type))
        .route("/api/v1/persons", get(list_persons).post(create_person))
        .route("/api/v1/persons/{id}", get(get_person).patch(update_person))
        .route("/api/v1/persons/{id}/relatives", post(add_relative))
        .route(
            "/api/v1/persons/{id}/determinations",
            post(add_determination),
        )
        .route("/api/v1/persons/{id}/consents", post(add_consent))
        .route(
            "/api/v1/persons/{id}/consents/{consent_id}/withdraw",
            post(withdraw_consent),
        )
        .route(
            "/api/v1/providers",
            get(list_providers).post(create_provider),
        )
        .route("/api/v1/providers/{id}", get(get_provider))
        .route("/api/v1/providers/{id}/offers", post(add_offer))
        .route("/api/v1/audit", get(audit))
        .merge(cycle::routes())
        .merge(spending::routes())
        .merge(statements::routes())
        // The policy simulator: drafts, simulations, adoption.
        .merge(simulator::routes())
        // Monitoring.
        .merge(monitoring::routes())
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "ibis API", description = "Individual budgets in community-based social services. Errors share one shape: {\"error\": {\"code\", \"message\", \"fields\"}}."),
    paths(
        healthz, token, sign_out, me, municipalities, service_types, service_type, list_persons, create_person,
        get_person, update_person, add_relative, add_determination, add_consent, withdraw_consent,
        list_providers, create_provider, get_provider, add_offer, audit
    ),
    components(schemas(ErrorBody, TokenRequest, TokenResponse, Created, Health)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi_json() -> impl IntoResponse {
    Json(openapi())
}

/// The whole OpenAPI document: the registry and the cycle.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(cycle::CycleDoc::openapi());
    doc.merge(spending::SpendingDoc::openapi());
    doc.merge(statements::StatementsDoc::openapi());
    doc.merge(simulator::SimulatorDoc::openapi());
    doc.merge(monitoring::MonitoringDoc::openapi());
    doc
}

/// Health of the server and its database.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// Whether the server and its database answer.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.store.ping().await.map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the database does not answer",
        )
    })?;
    Ok(Json(Health {
        status: "ok".into(),
    }))
}

/// Sign-in request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// Sign-in name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A bearer token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
}

/// Signs in with a name and password and returns a bearer token. After 5 failures in 15
/// minutes a name is refused (429) until the window passes.
#[utoipa::path(post, path = "/api/v1/auth/token", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn token(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    body: axum::body::Bytes,
) -> Result<Json<TokenResponse>, ApiError> {
    let req: TokenRequest = crate::json::parse(&body)?;
    if req.username.len() > 200 || req.password.len() > 1024 {
        return Err(ApiError::invalid(vec![ibis_core::field::FieldError::new(
            "username", "too long",
        )]));
    }
    match state
        .store
        .sign_in(
            &req.username,
            &req.password,
            SessionKind::Api,
            &remote_of(&parts),
        )
        .await?
    {
        Ok((token, _)) => Ok(Json(TokenResponse {
            token,
            expires_in: ibis_store::auth::SESSION_HOURS * 3600,
        })),
        Err(SignInRefusal::BadCredentials) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "wrong user name or password",
        )),
        Err(SignInRefusal::RateLimited) => Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!(
                "too many failed sign-ins for this name; try again in {} minutes",
                ibis_store::auth::FAILURE_WINDOW_MINUTES
            ),
        )),
    }
}

/// Ends the session of the bearer token.
#[utoipa::path(post, path = "/api/v1/auth/sign-out", security(("bearer" = [])), responses((status = 204), (status = 401, body = ErrorBody)))]
async fn sign_out(
    State(state): State<AppState>,
    _caller: Caller,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode, ApiError> {
    if let Some(t) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        state.store.sign_out(t.trim()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", security(("bearer" = [])), responses((status = 200, body = User), (status = 401, body = ErrorBody)))]
async fn me(caller: Caller) -> Json<User> {
    Json(caller.user)
}

/// Paging parameters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    /// Most rows (1-200, default 50).
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

/// Municipalities with their planning regions.
#[utoipa::path(get, path = "/api/v1/municipalities", security(("bearer" = [])), params(Paging),
    responses((status = 200, body = Page<MunicipalityRow>), (status = 401, body = ErrorBody)))]
async fn municipalities(
    State(state): State<AppState>,
    _caller: Caller,
    QueryParams(p): QueryParams<Paging>,
) -> Result<Json<Page<MunicipalityRow>>, ApiError> {
    let page = PageRequest::new(p.limit, p.offset);
    let all = state.store.municipalities().await?;
    let total = all.len() as i64;
    let items = all
        .into_iter()
        .skip(page.offset as usize)
        .take(page.limit as usize)
        .collect();
    Ok(Json(Page {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// Filters of the catalogue.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CatalogueQuery {
    /// Category code.
    pub category: Option<String>,
    /// Text to look for in either language.
    pub q: Option<String>,
    /// Most rows.
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

/// The service catalogue.
#[utoipa::path(get, path = "/api/v1/catalogue/service-types", security(("bearer" = [])), params(CatalogueQuery),
    responses((status = 200, body = Page<ServiceTypeRow>), (status = 401, body = ErrorBody)))]
async fn service_types(
    State(state): State<AppState>,
    _caller: Caller,
    QueryParams(q): QueryParams<CatalogueQuery>,
) -> Result<Json<Page<ServiceTypeRow>>, ApiError> {
    Ok(Json(
        state
            .store
            .service_types(
                q.category.as_deref(),
                q.q.as_deref(),
                PageRequest::new(q.limit, q.offset),
            )
            .await?,
    ))
}

/// One service type.
#[utoipa::path(get, path = "/api/v1/catalogue/service-types/{code}", security(("bearer" = [])), params(("code" = String, Path, description = "Service type code")),
    responses((status = 200, body = ServiceTypeRow), (status = 404, body = ErrorBody)))]
async fn service_type(
    State(state): State<AppState>,
    _caller: Caller,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Result<Json<ServiceTypeRow>, ApiError> {
    Ok(Json(state.store.service_type(&code).await?))
}

/// Search among people.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PersonQuery {
    /// Name or personal code to look for.
    pub q: Option<String>,
    /// Most rows.
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

/// People in the caller's scope. Every person listed is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/persons", security(("bearer" = [])), params(PersonQuery),
    responses((status = 200, body = Page<Person>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_persons(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(q): QueryParams<PersonQuery>,
) -> Result<Json<Page<Person>>, ApiError> {
    caller.require(Action::ListPersons)?;
    Ok(Json(
        state
            .store
            .persons(
                &caller.auditor(),
                &caller.scope(),
                q.q.as_deref(),
                PageRequest::new(q.limit, q.offset),
            )
            .await?,
    ))
}

/// Registers a person (social workers, in their municipality).
#[utoipa::path(post, path = "/api/v1/persons", security(("bearer" = [])), request_body = PersonInput,
    responses((status = 201, body = Person), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_person(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<PersonInput>,
) -> Result<(StatusCode, Json<Person>), ApiError> {
    caller.require(Action::WritePerson)?;
    let p = input.check(crate::today()).map_err(ApiError::invalid)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .create_person(&caller.auditor(), &caller.scope(), &p)
                .await?,
        ),
    ))
}

/// A person's whole record, if in the caller's scope (otherwise 404, as for no record). The
/// read is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/persons/{id}", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = PersonRecord), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_person(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<PersonRecord>, ApiError> {
    if !caller.user.role.may(Action::ReadPerson) {
        return Err(ApiError::not_found());
    }
    Ok(Json(
        state
            .store
            .person_record(&caller.auditor(), &caller.scope(), id)
            .await?,
    ))
}

/// Changes a person's record; send the `version` you read (409 if someone changed it since).
#[utoipa::path(patch, path = "/api/v1/persons/{id}", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PersonChangeInput,
    responses((status = 200, body = Person), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_person(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<PersonChangeInput>,
) -> Result<Json<Person>, ApiError> {
    write_person_allowed(&state, &caller, id).await?;
    let change = input.check().map_err(ApiError::invalid)?;
    Ok(Json(
        state
            .store
            .update_person(&caller.auditor(), &caller.scope(), id, &change)
            .await?,
    ))
}

/// 404 when the person is out of scope (so a role that may not write learns nothing), 403
/// when they are in scope but the role may not write.
async fn write_person_allowed(state: &AppState, caller: &Caller, id: i64) -> Result<(), ApiError> {
    if !state.store.person_in_scope(&caller.scope(), id).await? {
        return Err(ApiError::not_found());
    }
    caller.require(Action::WritePerson)
}

/// A created record's id.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    /// Id of the new record.
    pub id: i64,
}

/// Adds a relative, legal representative or foster family.
#[utoipa::path(post, path = "/api/v1/persons/{id}/relatives", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RelativeInput,
    responses((status = 201, body = Created), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_relative(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<RelativeInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    write_person_allowed(&state, &caller, id).await?;
    let r = input.check().map_err(ApiError::invalid)?;
    let id = state
        .store
        .add_relative(&caller.auditor(), &caller.scope(), id, &r)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Records a disability determination by VDEĀVK (leave `valid_to` out for a lifelong one).
#[utoipa::path(post, path = "/api/v1/persons/{id}/determinations", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DeterminationInput,
    responses((status = 201, body = Created), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_determination(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<DeterminationInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    write_person_allowed(&state, &caller, id).await?;
    let d = input.check().map_err(ApiError::invalid)?;
    let id = state
        .store
        .add_determination(&caller.auditor(), &caller.scope(), id, &d)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Records a consent.
#[utoipa::path(post, path = "/api/v1/persons/{id}/consents", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ConsentInput,
    responses((status = 201, body = Created), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_consent(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<ConsentInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    write_person_allowed(&state, &caller, id).await?;
    let c = input.check(crate::today()).map_err(ApiError::invalid)?;
    let id = state
        .store
        .add_consent(&caller.auditor(), &caller.scope(), id, &c)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Withdraws a consent as of today (the record of it stays).
#[utoipa::path(post, path = "/api/v1/persons/{id}/consents/{consent_id}/withdraw", security(("bearer" = [])),
    params(("id" = i64, Path), ("consent_id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
async fn withdraw_consent(
    State(state): State<AppState>,
    caller: Caller,
    Ids(id, consent_id): Ids,
) -> Result<StatusCode, ApiError> {
    write_person_allowed(&state, &caller, id).await?;
    state
        .store
        .withdraw_consent(
            &caller.auditor(),
            &caller.scope(),
            id,
            consent_id,
            crate::today(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filters of the provider list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProviderQuery {
    /// Municipality served.
    pub municipality: Option<String>,
    /// Service offered.
    pub service: Option<String>,
    /// Most rows.
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

/// Providers, with the municipalities they serve and their offers.
#[utoipa::path(get, path = "/api/v1/providers", security(("bearer" = [])), params(ProviderQuery),
    responses((status = 200, body = Page<Provider>), (status = 401, body = ErrorBody)))]
async fn list_providers(
    State(state): State<AppState>,
    _caller: Caller,
    QueryParams(q): QueryParams<ProviderQuery>,
) -> Result<Json<Page<Provider>>, ApiError> {
    Ok(Json(
        state
            .store
            .providers(
                q.municipality.as_deref(),
                q.service.as_deref(),
                PageRequest::new(q.limit, q.offset),
            )
            .await?,
    ))
}

/// Registers a provider (administrators).
#[utoipa::path(post, path = "/api/v1/providers", security(("bearer" = [])), request_body = ProviderInput,
    responses((status = 201, body = Provider), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_provider(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<ProviderInput>,
) -> Result<(StatusCode, Json<Provider>), ApiError> {
    if caller.user.role != Role::Admin {
        return Err(ApiError::forbidden(
            "only an administrator registers providers",
        ));
    }
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .create_provider(&caller.auditor(), &input)
                .await?,
        ),
    ))
}

/// One provider.
#[utoipa::path(get, path = "/api/v1/providers/{id}", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Provider), (status = 404, body = ErrorBody)))]
async fn get_provider(
    State(state): State<AppState>,
    _caller: Caller,
    Id(id): Id,
) -> Result<Json<Provider>, ApiError> {
    Ok(Json(state.store.provider(id).await?))
}

/// Adds a service offer at a price from a day (administrators, or the provider's own staff).
/// Earlier prices are kept, never overwritten.
#[utoipa::path(post, path = "/api/v1/providers/{id}/offers", security(("bearer" = [])), params(("id" = i64, Path)), request_body = OfferInput,
    responses((status = 201, body = Offer), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_offer(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    JsonBody(input): JsonBody<OfferInput>,
) -> Result<(StatusCode, Json<Offer>), ApiError> {
    caller.require(Action::WriteProvider)?;
    if caller.user.role == Role::Provider && caller.user.provider_id != Some(id) {
        return Err(ApiError::forbidden(
            "provider staff may change only their own provider's offers",
        ));
    }
    Ok((
        StatusCode::CREATED,
        Json(state.store.add_offer(&caller.auditor(), id, &input).await?),
    ))
}

/// Which person's audit trail.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// The person.
    pub person_id: i64,
    /// Most rows.
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

/// Who read or changed a person's record, newest first: for administrators, and for the
/// person, social workers and approvers within their scope.
#[utoipa::path(get, path = "/api/v1/audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(q): QueryParams<AuditQuery>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    caller.require(Action::ReadAudit)?;
    if caller.user.role != Role::Admin
        && (caller.scope() == Scope::Nothing
            || !state
                .store
                .person_in_scope(&caller.scope(), q.person_id)
                .await?)
    {
        return Err(ApiError::not_found());
    }
    Ok(Json(
        state
            .store
            .audit_for_person(q.person_id, PageRequest::new(q.limit, q.offset))
            .await?,
    ))
}

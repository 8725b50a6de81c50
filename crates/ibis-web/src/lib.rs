//! The ibis web layer: the JSON API with its OpenAPI document and the server-rendered pages.
//! Handlers parse requests into core types, check the caller's role and scope, and let the
//! store and the core decide.

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use ibis_store::Store;

pub mod api;
pub mod auth;
pub mod charts;
pub mod cycle;
pub mod demo_cycle;
pub mod error;
pub mod exports;
pub mod extract;
pub mod json;
pub mod monitoring;
pub mod pages;
pub mod pdf;
pub mod simulator;
pub mod spending;
pub mod statements;

/// Largest request body accepted (1 MiB); larger bodies get 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Store,
    /// The allocation policies in force: the set the server started with and every draft
    /// adopted since (see [`simulator::Policies`]; it dereferences to a `PolicySet`).
    pub policies: simulator::Policies,
    /// Whether cookies are marked `Secure` (on unless serving plain HTTP for development).
    pub secure_cookies: bool,
}

/// Today's date in Riga.
pub fn today() -> time::Date {
    ibis_core::period::riga_date(time::OffsetDateTime::now_utc())
}

/// The whole application: API and pages, with body limits, timeouts and security headers.
pub fn app(state: AppState) -> Router {
    use axum::http::{header, HeaderValue};
    use tower_http::set_header::SetResponseHeaderLayer;
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}

/// Serves the application on a bound listener until the process is stopped.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

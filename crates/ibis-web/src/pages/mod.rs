//! The server-rendered pages (placeholder: being written).

use axum::Router;

use crate::AppState;

/// The pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}

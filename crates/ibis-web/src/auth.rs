//! Who is calling: a bearer token for the API, a session cookie for the pages. Every handler
//! that touches data takes a [`Caller`] and asks it for the role's permission and scope.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use ibis_core::access::{Action, Scope};
use ibis_store::auth::User;
use ibis_store::Auditor;

use crate::error::ApiError;
use crate::AppState;

/// The name of the session cookie of the pages.
pub const SESSION_COOKIE: &str = "ibis_session";

/// An authenticated caller of the API.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user: User,
    /// Where the request came from.
    pub remote: String,
}

impl Caller {
    /// The caller as recorded in the audit log.
    pub fn auditor(&self) -> Auditor {
        self.user.auditor(&self.remote)
    }

    /// The records the caller may see.
    pub fn scope(&self) -> Scope {
        self.user.role.scope(&self.user.scope_facts())
    }

    /// Refuses with 403 unless the role may take the action.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if self.user.role.may(action) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "the role {} may not do this",
                self.user.role
            )))
        }
    }
}

/// The caller's address, from the connection.
pub fn remote_of(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

impl<S> FromRequestParts<S> for Caller
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .ok_or_else(ApiError::unauthorized)?;
        let session = state
            .store
            .session(token)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        Ok(Caller {
            user: session.user,
            remote: remote_of(parts),
        })
    }
}

//! The one error shape of the API: `{"error": {"code", "message", "fields": [{"field", "message"}]}}`,
//! with the HTTP status that fits. Nothing the client sends produces a 500; a 500 says only
//! that something failed on the server, and the details go to the log.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ibis_core::field::FieldError;
use ibis_store::StoreError;
use serde::Serialize;

/// An error answer of the API.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code for programs: `invalid`, `not-found`, `unauthorized`, `forbidden`, ...
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
    /// The fields concerned.
    pub fields: Vec<FieldError>,
}

/// The body of an error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The error itself.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code.
    pub code: String,
    /// Message.
    pub message: String,
    /// Fields concerned.
    pub fields: Vec<FieldDetail>,
}

/// One field's problem.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldDetail {
    /// The field (a path such as `lines[2].quantity`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// 401: no valid credentials.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign in first: send Authorization: Bearer <token>",
        )
    }

    /// 403: the role may not do this.
    pub fn forbidden(why: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", why)
    }

    /// 404: no such record, or not in the caller's scope.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "no such record")
    }

    /// 422 with field errors.
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid",
            message: "the request has invalid fields; see fields".into(),
            fields,
        }
    }

    /// 400: the request could not be read at all.
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad-request",
            message: message.clone(),
            fields: vec![FieldError::new(field, message)],
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Forbidden(why) => ApiError::forbidden(why),
            StoreError::Invalid(fields) => ApiError::invalid(fields),
            StoreError::Conflict { current } => ApiError {
                status: StatusCode::CONFLICT,
                code: "conflict",
                message: format!("the record was changed by someone else; its version is now {current}; reload and try again"),
                fields: vec![FieldError::new("version", format!("current version is {current}"))],
            },
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server-error", "the server could not complete the request; it has been logged")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.into(),
                message: self.message,
                fields: self
                    .fields
                    .into_iter()
                    .map(|f| FieldDetail {
                        field: f.field,
                        message: f.message,
                    })
                    .collect(),
            },
        };
        let mut resp = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        resp
    }
}

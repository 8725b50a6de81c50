//! A JSON body extractor that answers malformed input in the API's error shape, naming the
//! field (by path) that could not be read.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body, parsed with the failing field named.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                format!("the body could not be read: {e}"),
            )
        })?;
        parse(&bytes).map(JsonBody)
    }
}

/// Parses JSON bytes into `T`, naming the path of the field that failed.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if std::str::from_utf8(bytes).is_err() {
        return Err(ApiError::bad_request(
            "(body)",
            "the body is not valid UTF-8",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = inner.to_string();
            let syntax = inner.is_syntax() || inner.is_eof();
            // serde names a missing or unknown field in its message rather than in the path.
            let named = ["missing field `", "unknown field `"].iter().find_map(|p| {
                message
                    .split_once(p)
                    .and_then(|(_, rest)| rest.split_once('`'))
                    .map(|(f, _)| f.to_owned())
            });
            let field = match (named, path.as_str()) {
                (Some(f), ".") => f,
                (Some(f), p) if p == f || p.ends_with(&format!(".{f}")) => p.to_owned(),
                (Some(f), p) => format!("{p}.{f}"),
                (None, ".") => "(body)".to_owned(),
                (None, p) => p.to_owned(),
            };
            if syntax {
                Err(ApiError::bad_request(
                    "(body)",
                    format!("the body is not valid JSON: {message}"),
                ))
            } else {
                Err(ApiError::invalid(vec![ibis_core::field::FieldError::new(
                    field, message,
                )]))
            }
        }
    }
}

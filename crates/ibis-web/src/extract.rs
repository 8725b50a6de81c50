//! Query-string and path extractors that answer bad input in the API's error shape.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Query parameters parsed into `T`; a bad parameter is a 400 naming it.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(QueryParams)
            .map_err(|e| {
                let path = e.path().to_string();
                let message = e.into_inner().to_string();
                let field = if path == "." {
                    message
                        .split_once('`')
                        .and_then(|(_, r)| r.split_once('`'))
                        .map(|(f, _)| f.to_owned())
                        .unwrap_or_else(|| "(query)".into())
                } else {
                    path
                };
                ApiError::bad_request(&field, message)
            })
    }
}

/// A numeric record id in the path; anything else is a 404 (there is no such record).
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        params
            .first()
            .and_then(|(_, v)| v.parse::<i64>().ok())
            .filter(|v| *v > 0)
            .map(Id)
            .ok_or_else(ApiError::not_found)
    }
}

/// Two numeric ids in the path (`/persons/{id}/consents/{consent_id}`).
pub struct Ids(pub i64, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        let n = |i: usize| {
            params
                .get(i)
                .and_then(|(_, v)| v.parse::<i64>().ok())
                .filter(|v| *v > 0)
        };
        match (n(0), n(1)) {
            (Some(a), Some(b)) => Ok(Ids(a, b)),
            _ => Err(ApiError::not_found()),
        }
    }
}

//! Request extractors whose rejections use the error envelope (bad input is a 4xx, never a 500).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body.
pub struct ApiJson<T>(pub T);

/// Query-string parameters.
pub struct ApiQuery<T>(pub T);

/// Path parameters.
pub struct ApiPath<T>(pub T);

fn json_error(r: JsonRejection) -> ApiError {
    if let JsonRejection::MissingJsonContentType(_) = r {
        return ApiError::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Dữ liệu phải được gửi dạng JSON, với tiêu đề Content-Type: application/json.",
            "The body must be sent as JSON, with the header Content-Type: application/json.",
        );
    }
    let detail = r.body_text();
    let mut e = ApiError::bad_request(
        "INVALID_JSON",
        format!("Dữ liệu gửi lên không đúng định dạng JSON yêu cầu: {detail}"),
        format!("The request body is not the expected JSON: {detail}"),
    );
    e.status = r.status();
    e
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(req, state).await.map(|j| ApiJson(j.0)).map_err(json_error)
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state).await.map(|q| ApiQuery(q.0)).map_err(
            |r: QueryRejection| {
                let detail = r.body_text();
                ApiError::bad_request(
                    "INVALID_QUERY",
                    format!("Tham số truy vấn không hợp lệ: {detail}"),
                    format!("Invalid query parameters: {detail}"),
                )
            },
        )
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| ApiPath(p.0)).map_err(
            |r: PathRejection| {
                let detail = r.body_text();
                ApiError::bad_request(
                    "INVALID_PATH",
                    format!("Đường dẫn không hợp lệ: {detail}"),
                    format!("Invalid path: {detail}"),
                )
            },
        )
    }
}

//! The one error envelope `{code, message_vi, message_en, field}` and its HTTP status, mapped once.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_domain::Described;
use motcua_domain::dossier::LifecycleError;
use motcua_domain::ports::{ExecuteError, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

/// Every error response of the API.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine code, e.g. `INVALID_PERSONAL_ID`.
    pub code: String,
    /// Message in Vietnamese.
    pub message_vi: String,
    /// Message in English.
    pub message_en: String,
    /// The input field concerned, when there is one (`applicant.id_number`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &str, vi: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody { code: code.into(), message_vi: vi.into(), message_en: en.into(), field: None },
        }
    }

    /// A domain error rendered with the given status.
    pub fn described(status: StatusCode, e: &dyn Described) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                code: e.code().into(),
                message_vi: e.message_vi(),
                message_en: e.message_en(),
                field: e.field().map(str::to_string),
            },
        }
    }

    /// Bad input: 422 with the domain's explanation.
    pub fn invalid(e: &dyn Described) -> ApiError {
        ApiError::described(StatusCode::UNPROCESSABLE_ENTITY, e)
    }

    pub fn with_field(mut self, field: &str) -> ApiError {
        self.body.field = Some(field.into());
        self
    }

    pub fn bad_request(code: &str, vi: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, vi, en)
    }

    pub fn not_found(what_vi: &str, what_en: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("Không tìm thấy {what_vi}."),
            format!("{what_en} not found."),
        )
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Vui lòng đăng nhập (thiếu hoặc sai mã truy cập).",
            "Please sign in (missing or invalid access token).",
        )
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "Bạn không có quyền thực hiện thao tác này.",
            "You are not allowed to do this.",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let status = match e {
            StoreError::NotFound => StatusCode::NOT_FOUND,
            StoreError::Conflict(_) => StatusCode::CONFLICT,
            StoreError::Backend(ref m) => {
                tracing::error!(error = %m, "storage failure");
                StatusCode::SERVICE_UNAVAILABLE
            }
        };
        ApiError::described(status, &e)
    }
}

impl From<LifecycleError> for ApiError {
    fn from(e: LifecycleError) -> ApiError {
        let status = match e {
            LifecycleError::NotAllowed { .. } | LifecycleError::WrongStep { .. } => StatusCode::CONFLICT,
            LifecycleError::Forbidden { .. } | LifecycleError::OtherUnit { .. } => StatusCode::FORBIDDEN,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::described(status, &e)
    }
}

impl<E: Into<ApiError>> From<ExecuteError<E>> for ApiError {
    fn from(e: ExecuteError<E>) -> ApiError {
        match e {
            ExecuteError::Rejected(e) => e.into(),
            ExecuteError::Store(e) => e.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

//! Staff sign-in: `POST /api/v1/auth/login` returns a bearer token; `GET /api/v1/auth/me`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use motcua_domain::ports::{AdminStore, StaffStore};
use motcua_domain::staff::Staff;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::types::StaffView;
use crate::auth::{StaffAuth, TOKEN_TTL_HOURS, new_token, verify_password};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub staff: StaffView,
}

/// A dummy hash so that an unknown user costs as much time as a wrong password.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3kD0yUz1PaX4Q3ymbJHlhTQ1mYkt6kuI7oTIbvb4dWc";

/// Sign in with a username and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let (token, expires_at, staff) = sign_in(&state, &req.username, req.password).await?;
    Ok(Json(LoginResponse { token, expires_at, staff: StaffView::from(&staff) }))
}

/// Checks a username and password and issues a token (the API and the back-office sign-in page
/// both come here): returns the token, its expiry and the staff member. A disabled account is
/// told so, but only after its password was right.
pub async fn sign_in(state: &AppState, username: &str, password: String) -> ApiResult<(String, DateTime<Utc>, Staff)> {
    let found = state.db.staff_by_username(username.trim()).await?;
    let hash = found.as_ref().map_or(DUMMY_HASH.to_string(), |(_, h)| h.clone());
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
    let staff = match found {
        Some((staff, _)) if ok => staff,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "INVALID_CREDENTIALS",
                "Tên đăng nhập hoặc mật khẩu không đúng.",
                "Wrong username or password.",
            ));
        }
    };
    if !state.db.staff_account(staff.id).await?.is_some_and(|a| a.active) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "ACCOUNT_DISABLED",
            "Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị hệ thống của tỉnh.",
            "This account is disabled. Contact the province's system administrator.",
        ));
    }
    let (token, hash) = new_token();
    let expires_at = state.now() + Duration::hours(TOKEN_TTL_HOURS);
    state.db.create_token(&hash, &staff, expires_at).await?;
    Ok((token, expires_at, staff))
}

/// The signed-in staff member.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = StaffView), (status = 401, body = ErrorBody)))]
pub async fn me(StaffAuth(staff): StaffAuth) -> Json<StaffView> {
    Json(StaffView::from(&staff))
}

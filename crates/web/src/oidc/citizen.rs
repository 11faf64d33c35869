//! Citizens: `GET /dang-nhap/vneid` ("Đăng nhập bằng VNeID") sends the browser to the provider;
//! `GET /dang-nhap/vneid/ve` takes it back, reads the identity number (CCCD) from the configured
//! claim of the verified ID token and opens a session; `POST /dang-xuat` ends it. The session
//! cookie is `HttpOnly`, `SameSite=Lax`, `Secure` behind TLS; only its hash is stored.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use motcua_domain::identity::ApplicantId;
use motcua_domain::ports::StoreError;
use motcua_storage::oidc::{Audience, CitizenSession};

use super::error::error_page;
use super::{Callback, SignInError, clear_state, finish, start};
use crate::auth::{new_token, sha256_hex};
use crate::pages::{Form, Page, PageResult, check_csrf, cookie, set_cookie};
use crate::state::AppState;

/// The cookie holding a signed-in citizen's session token.
pub const CITIZEN_COOKIE: &str = "motcua_citizen";
/// How long a citizen stays signed in.
pub const SESSION_HOURS: i64 = 4;
/// The citizen's own page, where a sign-in ends.
pub const MY_DOSSIERS: &str = "/ho-so-cua-toi";
const START: &str = "/dang-nhap/vneid";

/// The signed-in citizen of this request, if any.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Option<CitizenSession>, StoreError> {
    match cookie(headers, CITIZEN_COOKIE).filter(|t| !t.is_empty()) {
        Some(token) => state.db.citizen_session(&sha256_hex(&token), state.now()).await,
        None => Ok(None),
    }
}

pub async fn start_citizen(State(state): State<AppState>, Page(layout): Page, headers: HeaderMap) -> Response {
    let Some(provider) = state.sign_in.citizen.as_ref() else {
        return error_page(layout, &SignInError::NotConfigured, MY_DOSSIERS);
    };
    match start(&state, provider, Audience::Citizen, &headers).await {
        Ok(res) => res,
        Err(e) => error_page(layout, &e, MY_DOSSIERS),
    }
}

pub async fn citizen_callback(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    answer: Result<Query<Callback>, QueryRejection>,
) -> Response {
    // An unreadable answer has no usable state: refused as such.
    let answer = answer.map(|q| q.0).unwrap_or_default();
    let mut res = match sign_in(&state, &headers, answer).await {
        Ok(token) => {
            let mut res = Redirect::to(MY_DOSSIERS).into_response();
            let h = res.headers_mut();
            h.append(SET_COOKIE, set_cookie(&headers, CITIZEN_COOKIE, &token, "/", SESSION_HOURS * 3600));
            res
        }
        Err(e) => error_page(layout, &e, START),
    };
    clear_state(&headers, &mut res);
    res
}

/// Verifies the answer and opens the session; returns its token.
async fn sign_in(state: &AppState, headers: &HeaderMap, answer: Callback) -> Result<String, SignInError> {
    let provider = state.sign_in.citizen.as_ref().ok_or(SignInError::NotConfigured)?;
    let who = finish(state, provider, Audience::Citizen, headers, answer).await?;
    let claim = &provider.config.claim;
    let value = who.claim(claim).ok_or_else(|| SignInError::IdentityMissing(claim.clone()))?;
    let id_number = ApplicantId::parse(&value).map_err(|_| SignInError::IdentityInvalid(claim.clone()))?;
    let now = state.now();
    let session = CitizenSession {
        id_number,
        full_name: who.name.clone().unwrap_or_default(),
        issuer: who.issuer.clone(),
        subject: who.subject.clone(),
        expires_at: now + Duration::hours(SESSION_HOURS),
    };
    let (token, hash) = new_token();
    state.db.create_citizen_session(&hash, &session, now).await?;
    tracing::info!(issuer = %who.issuer, "citizen signed in");
    Ok(token)
}

pub async fn sign_out_citizen(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    if let Some(token) = cookie(&headers, CITIZEN_COOKIE).filter(|t| !t.is_empty()) {
        state
            .db
            .end_citizen_session(&sha256_hex(&token))
            .await
            .map_err(|e| crate::pages::PageFailure::new(layout.clone(), crate::error::ApiError::from(e)))?;
    }
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().append(SET_COOKIE, set_cookie(&headers, CITIZEN_COOKIE, "", "/", 0));
    Ok(res)
}

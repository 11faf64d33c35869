//! Staff, when a provider is configured: `GET /can-bo/dang-nhap/oidc` ("Đăng nhập bằng OIDC")
//! and `GET /can-bo/dang-nhap/oidc/ve`. The configured claim of the verified ID token (the
//! e-mail address by default, which the provider must have verified) names an existing, active
//! staff account by its username; nobody is created. The account then gets the same bearer token
//! and session cookie as a password sign-in, and a new CSRF token.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use motcua_domain::ports::StaffStore;
use motcua_storage::oidc::Audience;

use super::error::error_page;
use super::{Callback, SignInError, clear_state, finish, start};
use crate::auth::{TOKEN_TTL_HOURS, new_token};
use crate::pages::{CSRF_COOKIE, Page, SESSION_COOKIE, set_cookie};
use crate::state::AppState;

const SIGN_IN: &str = "/can-bo/dang-nhap";
const START: &str = "/can-bo/dang-nhap/oidc";

pub async fn start_staff(State(state): State<AppState>, Page(layout): Page, headers: HeaderMap) -> Response {
    let Some(provider) = state.sign_in.staff.as_ref() else {
        return error_page(layout, &SignInError::NotConfigured, SIGN_IN);
    };
    match start(&state, provider, Audience::Staff, &headers).await {
        Ok(res) => res,
        Err(e) => error_page(layout, &e, SIGN_IN),
    }
}

pub async fn staff_callback(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    answer: Result<Query<Callback>, QueryRejection>,
) -> Response {
    // An unreadable answer has no usable state: refused as such.
    let answer = answer.map(|q| q.0).unwrap_or_default();
    let mut res = match sign_in(&state, &headers, answer).await {
        Ok(token) => {
            let ttl = TOKEN_TTL_HOURS * 3600;
            let mut res = Redirect::to("/can-bo").into_response();
            let h = res.headers_mut();
            h.append(SET_COOKIE, set_cookie(&headers, SESSION_COOKIE, &token, "/", ttl));
            h.append(SET_COOKIE, set_cookie(&headers, CSRF_COOKIE, &new_token().0, "/", ttl));
            res
        }
        Err(e) => error_page(layout, &e, START),
    };
    clear_state(&headers, &mut res);
    res
}

/// Verifies the answer, finds the account and issues its token.
async fn sign_in(state: &AppState, headers: &HeaderMap, answer: Callback) -> Result<String, SignInError> {
    let provider = state.sign_in.staff.as_ref().ok_or(SignInError::NotConfigured)?;
    let who = finish(state, provider, Audience::Staff, headers, answer).await?;
    let claim = &provider.config.claim;
    let name = who.claim(claim).ok_or_else(|| SignInError::IdentityMissing(claim.clone()))?;
    if claim == "email" && who.email_verified != Some(true) {
        return Err(SignInError::EmailNotVerified);
    }
    let found = state.db.staff_for_sign_in(&name).await?.ok_or_else(|| SignInError::StaffUnknown(name.clone()))?;
    if !found.active {
        return Err(SignInError::StaffDisabled(found.username));
    }
    let (staff, _) =
        state.db.staff_by_username(&found.username).await?.ok_or_else(|| SignInError::StaffUnknown(name.clone()))?;
    let (token, hash) = new_token();
    state.db.create_token(&hash, &staff, state.now() + Duration::hours(TOKEN_TTL_HOURS)).await?;
    tracing::info!(username = %staff.username, issuer = %who.issuer, "staff signed in with OpenID Connect");
    Ok(token)
}

//! Sign-in with OpenID Connect: citizens through VNeID (or any provider configured by issuer,
//! client id and secret), and staff through their organisation's provider when one is configured.
//!
//! The flow is the authorization code flow with PKCE. [`start`] records the attempt (the hash of
//! `state`, the nonce and the PKCE verifier) in the database and gives the browser the `state` in
//! a short-lived `HttpOnly` cookie; [`finish`] accepts the provider's answer only with that
//! browser's cookie and an attempt it can take once, exchanges the code and verifies the ID token
//! against the application's clock. Citizens then get a session ([`citizen`]); staff are matched
//! to an existing active account and get the usual staff token ([`staff`]).

pub mod citizen;
pub mod config;
pub mod error;
pub mod provider;
pub mod staff;

use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use motcua_storage::oidc::Audience;
use serde::Deserialize;

pub use config::{ConfigError, ProviderConfig};
pub use error::SignInError;
pub use provider::{Provider, Verified};

use crate::auth::sha256_hex;
use crate::pages::{cookie, set_cookie};
use crate::state::AppState;

/// The cookie binding a sign-in in flight to the browser that started it.
pub const STATE_COOKIE: &str = "motcua_oidc";
/// How long a person may take at the provider.
pub const ATTEMPT_MINUTES: i64 = 10;

/// The configured providers (none: nobody signs in with OpenID Connect).
#[derive(Default)]
pub struct SignIns {
    pub citizen: Option<Provider>,
    pub staff: Option<Provider>,
}

impl SignIns {
    /// The providers named by the `MOTCUA_OIDC_*` and `MOTCUA_STAFF_OIDC_*` variables.
    pub fn from_env() -> Result<SignIns, ConfigError> {
        SignIns::from_vars(|name| std::env::var(name).ok())
    }

    pub fn from_vars(env: impl Fn(&str) -> Option<String>) -> Result<SignIns, ConfigError> {
        Ok(SignIns {
            citizen: config::provider_from(&env, false)?.map(Provider::new),
            staff: config::provider_from(&env, true)?.map(Provider::new),
        })
    }
}

/// What the provider sends the browser back with.
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// Starts a sign-in with `provider`: records the attempt and sends the browser to the provider.
pub async fn start(
    state: &AppState,
    provider: &Provider,
    audience: Audience,
    headers: &HeaderMap,
) -> Result<Response, SignInError> {
    let now = state.now();
    let (url, secret, attempt) = provider.begin(now + Duration::minutes(ATTEMPT_MINUTES)).await?;
    state.db.begin_sign_in(&sha256_hex(&secret), audience, &attempt, now).await?;
    let mut res = Redirect::to(&url).into_response();
    res.headers_mut().append(SET_COOKIE, set_cookie(headers, STATE_COOKIE, &secret, "/", ATTEMPT_MINUTES * 60));
    Ok(res)
}

/// Checks the provider's answer: this browser's state, an attempt taken once and in time, the
/// code exchanged and the ID token verified.
pub async fn finish(
    state: &AppState,
    provider: &Provider,
    audience: Audience,
    headers: &HeaderMap,
    answer: Callback,
) -> Result<Verified, SignInError> {
    let given = answer.state.filter(|s| !s.is_empty());
    let ours = cookie(headers, STATE_COOKIE).filter(|c| !c.is_empty());
    let Some(given) = given.filter(|g| ours.as_deref().is_some_and(|o| same(o, g))) else {
        return Err(SignInError::BadState);
    };
    let attempt = state.db.take_sign_in(&sha256_hex(&given), audience).await?.ok_or(SignInError::BadState)?;
    if let Some(e) = answer.error {
        return Err(SignInError::ProviderRefused(e.chars().take(60).collect()));
    }
    let now = state.now();
    if attempt.expires_at <= now {
        return Err(SignInError::AttemptExpired);
    }
    let code = answer.code.filter(|c| !c.is_empty()).ok_or(SignInError::MissingCode)?;
    provider.finish(&code, attempt, now).await
}

/// Forgets the state cookie (on every answer, good or bad: an attempt is used once).
pub fn clear_state(headers: &HeaderMap, res: &mut Response) {
    res.headers_mut().append(SET_COOKIE, set_cookie(headers, STATE_COOKIE, "", "/", 0));
}

/// Compares two secrets in constant time.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

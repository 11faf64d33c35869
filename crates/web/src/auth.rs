//! Staff sign-in: argon2 password hashes, random bearer tokens stored as SHA-256 hashes.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use motcua_domain::ports::StaffStore;
use motcua_domain::staff::Staff;
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// How long a bearer token lives.
pub const TOKEN_TTL_HOURS: i64 = 12;

/// Hashes a password with Argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rng().fill(&mut salt);
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .expect("argon2 with default parameters and a 16-byte salt cannot fail")
        .to_string()
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), phc).is_ok()
}

/// A fresh random token (256 bits, hex) and the hash that is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    let token = hex::encode(bytes);
    let hash = sha256_hex(&token);
    (token, hash)
}

/// What is stored of a token: its SHA-256 (tokens are random, so no salt is needed).
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// The staff member behind a valid `Authorization: Bearer …` header.
pub struct StaffAuth(pub Staff);

/// The staff member if a valid token was presented, else nobody (citizen access).
pub struct MaybeStaff(pub Option<Staff>);

async fn staff_from(parts: &Parts, state: &AppState) -> Result<Option<Staff>, ApiError> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(ApiError::unauthorized)?;
    let staff = state.db.staff_by_token(&sha256_hex(token), state.now()).await?;
    staff.map(Some).ok_or_else(ApiError::unauthorized)
}

impl FromRequestParts<AppState> for StaffAuth {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        staff_from(parts, state).await?.map(StaffAuth).ok_or_else(ApiError::unauthorized)
    }
}

impl FromRequestParts<AppState> for MaybeStaff {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        staff_from(parts, state).await.map(MaybeStaff)
    }
}

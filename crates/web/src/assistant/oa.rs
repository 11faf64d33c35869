//! Zalo OA's HTTP API, as Zalo documents it.
//!
//! Send a text: `POST {api}/v3.0/oa/message/cs` with header `access_token` and JSON
//! `{"recipient":{"user_id"},"message":{"text"}}`; the answer is `{"error":0,"message":"Success",
//! "data":{"message_id","user_id"}}`, or `{"error":-216,…}` when the access token expired.
//! Refresh: `POST {oauth}/v4/oa/access_token` with header `secret_key` and the form
//! `refresh_token, app_id, grant_type=refresh_token`; the answer is `{"access_token",
//! "refresh_token","expires_in"}` (`expires_in` in seconds, a string) or `{"error",…}`.

use serde::{Deserialize, Deserializer, Serialize};

use super::ZaloConfig;

/// Zalo's error for an invalid or expired access token.
pub const TOKEN_EXPIRED: i64 = -216;
/// The longest text Zalo takes in one message.
pub const MAX_TEXT: usize = 2000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recipient {
    pub user_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TextMessage {
    pub text: String,
}

/// The body of a send.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendRequest {
    pub recipient: Recipient,
    pub message: TextMessage,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SentData {
    #[serde(default)]
    pub message_id: String,
    #[serde(default)]
    pub user_id: String,
}

/// Zalo's answer to a send.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendResponse {
    pub error: i64,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<SentData>,
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Zalo's answer to a token refresh.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TokenResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, deserialize_with = "string_or_number", skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

/// Why a send did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The access token expired (-216): refresh, then send again.
    TokenExpired,
    /// Try again later (network, HTTP 429/5xx, rate limit).
    Temporary(String),
    /// Zalo refused it for good (e.g. the user does not follow the OA).
    Permanent(String),
}

/// Sends `text` to `user_id`; returns Zalo's message id.
pub async fn send_text(
    client: &reqwest::Client,
    cfg: &ZaloConfig,
    access_token: &str,
    user_id: &str,
    text: &str,
) -> Result<String, SendError> {
    let body = SendRequest {
        recipient: Recipient { user_id: user_id.to_string() },
        message: TextMessage { text: text.chars().take(MAX_TEXT).collect() },
    };
    let url = format!("{}/v3.0/oa/message/cs", cfg.api_url.trim_end_matches('/'));
    let resp = client
        .post(url)
        .header("access_token", access_token)
        .json(&body)
        .send()
        .await
        .map_err(|e| SendError::Temporary(format!("Zalo unreachable: {e}")))?;
    let status = resp.status();
    if status.as_u16() == 429 || status.is_server_error() {
        return Err(SendError::Temporary(format!("Zalo HTTP {status}")));
    }
    let parsed: SendResponse =
        resp.json().await.map_err(|e| SendError::Temporary(format!("Zalo HTTP {status}: unreadable answer: {e}")))?;
    match parsed.error {
        0 => Ok(parsed.data.map(|d| d.message_id).unwrap_or_default()),
        TOKEN_EXPIRED => Err(SendError::TokenExpired),
        // -32: too many requests; -50: internal error.
        -32 | -50 => Err(SendError::Temporary(format!("Zalo error {}: {}", parsed.error, parsed.message))),
        e => Err(SendError::Permanent(format!("Zalo error {e}: {}", parsed.message))),
    }
}

/// Exchanges `refresh_token` for new tokens: `(access, refresh, expires_in seconds)`.
pub async fn refresh(
    client: &reqwest::Client,
    cfg: &ZaloConfig,
    refresh_token: &str,
) -> Result<(String, String, i64), String> {
    let url = format!("{}/v4/oa/access_token", cfg.oauth_url.trim_end_matches('/'));
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("refresh_token", refresh_token)
        .append_pair("app_id", &cfg.app_id)
        .append_pair("grant_type", "refresh_token")
        .finish();
    let resp = client
        .post(url)
        .header("secret_key", &cfg.app_secret)
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .map_err(|e| format!("Zalo OAuth unreachable: {e}"))?;
    let status = resp.status();
    let t: TokenResponse = resp.json().await.map_err(|e| format!("Zalo OAuth HTTP {status}: unreadable: {e}"))?;
    match (t.access_token, t.refresh_token) {
        (Some(a), Some(r)) if status.is_success() => Ok((a, r, t.expires_in.unwrap_or(90_000))),
        _ => Err(format!(
            "Zalo OAuth HTTP {status} error {}: {}",
            t.error.unwrap_or_default(),
            t.error_description.unwrap_or_default()
        )),
    }
}

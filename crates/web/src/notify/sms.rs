//! SMS through a brandname-style HTTP gateway.
//!
//! `POST {url}/sms/send` with `Authorization: Bearer {token}` and JSON
//! `{"brandname","to","text","unicode","request_id","callback_url"}`; the gateway answers
//! `{"code":"00","message_id":…}` (any other code: refused for good), HTTP 429/5xx: try later.
//! It applies a `request_id` once, so a resend after a crash is not a second SMS. Later it POSTs
//! `{"message_id","status":"DELIVERED"|"FAILED","reason"}` to `callback_url`.

use motcua_domain::notify::sms::{prepare, size};
use serde::{Deserialize, Serialize};

use super::SendError;

#[derive(Debug, Clone)]
pub struct SmsConfig {
    pub url: String,
    pub token: Option<String>,
    pub brandname: String,
    /// The gateway takes GSM-7 only: send Vietnamese without diacritics.
    pub ascii_only: bool,
    /// Where the gateway sends delivery reports (our `/api/v1/notify/sms-reports`).
    pub callback_url: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SendRequest {
    pub brandname: String,
    pub to: String,
    pub text: String,
    pub unicode: bool,
    pub request_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SendResponse {
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub message_id: Option<String>,
    #[serde(default)]
    pub segments: Option<usize>,
}

/// A delivery report as the gateway posts it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeliveryReport {
    pub message_id: String,
    /// `DELIVERED` or `FAILED`.
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Sends `text` to `to` (84…); returns the gateway's message id.
pub async fn send(
    client: &reqwest::Client,
    cfg: &SmsConfig,
    to: &str,
    key: &str,
    text: &str,
) -> Result<String, SendError> {
    let text = prepare(text, cfg.ascii_only);
    let unicode = size(&text).encoding == motcua_domain::notify::sms::Encoding::Ucs2;
    let body = SendRequest {
        brandname: cfg.brandname.clone(),
        to: to.to_string(),
        text,
        unicode,
        request_id: key.to_string(),
        callback_url: cfg.callback_url.clone(),
    };
    let mut req = client.post(format!("{}/sms/send", cfg.url.trim_end_matches('/'))).json(&body);
    if let Some(t) = &cfg.token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.map_err(|e| SendError::temporary(format!("SMS gateway unreachable: {e}")))?;
    let status = resp.status();
    if status.as_u16() == 429 || status.is_server_error() {
        return Err(SendError::temporary(format!("SMS gateway HTTP {status}")));
    }
    let parsed: Result<SendResponse, _> = resp.json().await;
    match parsed {
        Ok(SendResponse { code, message_id: Some(id), .. }) if code == "00" && status.is_success() => Ok(id),
        Ok(r) => Err(SendError::permanent(format!("SMS gateway HTTP {status} code {}: {}", r.code, r.message))),
        Err(e) => Err(SendError::temporary(format!("SMS gateway HTTP {status}: unreadable answer: {e}"))),
    }
}

//! Zalo ZNS (Zalo Notification Service): template messages to the Zalo account of a phone
//! number, in the shape Zalo documents.
//!
//! - Send: `POST {api}/message/template`, header `access_token`, JSON
//!   `{"phone":"84…","template_id","template_data":{…},"tracking_id"}` → `{"error":0,
//!   "message":"Success","data":{"msg_id",…}}`; any other `error` is a refusal.
//! - Error -124 / -216 (access token invalid or expired): refresh once with
//!   `POST {oauth}/v4/oa/access_token`, header `secret_key`, form `refresh_token`, `app_id`,
//!   `grant_type=refresh_token` → `{"access_token","refresh_token","expires_in"}` (the refresh
//!   token is single-use: the new one replaces it), then send again. The tokens live in the
//!   database (`zns_tokens`), so a restart keeps a refreshed pair and, with several app servers,
//!   exactly one spends the refresh token (a compare-and-swap claim); the others wait for the
//!   new generation and re-read it.
//! - Delivery: Zalo posts the event `user_received_message` (with `msg_id`) to the OA's webhook
//!   (our `/api/v1/notify/zns-events`), signed `X-ZEvent-Signature: mac=sha256(app_id + body +
//!   timestamp + OA secret key)`.

use std::collections::BTreeMap;

use motcua_domain::clock::Clock;
use motcua_domain::notify::NoticeKind;
use motcua_storage::Db;
use motcua_storage::notify::ZnsTokens;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use super::SendError;
use super::zns_token::{current, renew};

/// Zalo's errors meaning the access token must be refreshed.
pub const TOKEN_ERRORS: [i64; 2] = [-124, -216];

#[derive(Debug)]
pub struct ZnsConfig {
    /// `https://business.openapi.zalo.me`.
    pub api_url: String,
    /// `https://oauth.zaloapp.com`.
    pub oauth_url: String,
    pub app_id: String,
    /// The app's secret key (token refresh).
    pub secret_key: String,
    /// The ZNS template registered with Zalo for each notice kind (a kind without one fails over
    /// to the next channel).
    pub templates: BTreeMap<NoticeKind, String>,
    /// The configured (access token, refresh token): stored in the database on first use only.
    pub seed: (String, String),
    /// This server's copy of the stored tokens (loaded on first use, replaced on refresh).
    pub tokens: Mutex<Option<ZnsTokens>>,
}

impl ZnsConfig {
    pub fn new(
        api_url: String,
        oauth_url: String,
        app_id: String,
        secret_key: String,
        templates: BTreeMap<NoticeKind, String>,
        seed: (String, String),
    ) -> ZnsConfig {
        ZnsConfig { api_url, oauth_url, app_id, secret_key, templates, seed, tokens: Mutex::new(None) }
    }

    /// Parses `received=231234,supplement=231235` into template ids per kind.
    pub fn parse_templates(s: &str) -> Result<BTreeMap<NoticeKind, String>, String> {
        let mut out = BTreeMap::new();
        for pair in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, id) = pair.split_once('=').ok_or_else(|| format!("{pair}: expected kind=template_id"))?;
            let kind = NoticeKind::parse(k.trim()).ok_or_else(|| format!("{k}: unknown notice kind"))?;
            let id = id.trim();
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("{pair}: the template id must be letters and digits"));
            }
            out.insert(kind, id.to_string());
        }
        Ok(out)
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TemplateMessage {
    pub phone: String,
    pub template_id: String,
    pub template_data: BTreeMap<String, String>,
    pub tracking_id: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ZaloAnswer {
    pub error: i64,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub data: Option<SentData>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SentData {
    pub msg_id: String,
    #[serde(default)]
    pub sent_time: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TokenAnswer {
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<String>,
    #[serde(default)]
    pub error: Option<i64>,
    #[serde(default)]
    pub error_description: Option<String>,
}

/// Sends one template message; returns Zalo's `msg_id`.
pub async fn send(
    client: &reqwest::Client,
    cfg: &ZnsConfig,
    store: (&Db, &dyn Clock),
    kind: NoticeKind,
    phone: &str,
    key: &str,
    data: BTreeMap<String, String>,
) -> Result<String, SendError> {
    let template_id = cfg.templates.get(&kind).ok_or_else(|| {
        SendError::permanent(format!("no ZNS template for {} / chưa đăng ký mẫu ZNS cho loại tin này", kind.as_str()))
    })?;
    let msg = TemplateMessage {
        phone: phone.to_string(),
        template_id: template_id.clone(),
        template_data: data,
        tracking_id: key.replace(':', "_"),
    };
    let mut refreshed = false;
    loop {
        let current = current(cfg, store).await?;
        let token = current.access.clone();
        let url = format!("{}/message/template", cfg.api_url.trim_end_matches('/'));
        let resp = client
            .post(url)
            .header("access_token", &token)
            .json(&msg)
            .send()
            .await
            .map_err(|e| SendError::temporary(format!("ZNS unreachable: {e}")))?;
        let status = resp.status();
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(SendError::temporary(format!("ZNS HTTP {status}")));
        }
        let answer: ZaloAnswer = resp
            .json()
            .await
            .map_err(|e| SendError::temporary(format!("ZNS HTTP {status}: unreadable answer: {e}")))?;
        match answer {
            ZaloAnswer { error: 0, data: Some(d), .. } => return Ok(d.msg_id),
            ZaloAnswer { error, .. } if TOKEN_ERRORS.contains(&error) && !refreshed => {
                renew(client, cfg, store, &current).await?;
                refreshed = true;
            }
            ZaloAnswer { error, message, .. } if TOKEN_ERRORS.contains(&error) => {
                return Err(SendError::temporary(format!("ZNS error {error}: {message} (after a token refresh)")));
            }
            // Zalo's rate and quota limits pass: try later.
            ZaloAnswer { error, message, .. } if matches!(error, -32 | -1 | -144) => {
                return Err(SendError::temporary(format!("ZNS error {error}: {message}")));
            }
            ZaloAnswer { error, message, .. } => {
                return Err(SendError::permanent(format!("ZNS error {error}: {message}")));
            }
        }
    }
}

/// An event Zalo posts to the OA webhook (only `user_received_message` is read here).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ZaloEvent {
    pub event_name: String,
    #[serde(default)]
    pub app_id: Option<String>,
    #[serde(default)]
    pub timestamp: Option<String>,
    #[serde(default)]
    pub message: Option<ZaloEventMessage>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ZaloEventMessage {
    pub msg_id: String,
    #[serde(default)]
    pub tracking_id: Option<String>,
    #[serde(default)]
    pub delivery_time: Option<String>,
}

/// The `X-ZEvent-Signature` value Zalo computes for a webhook `body`: `mac=` + hex SHA-256 of
/// app id, body, timestamp and the OA secret key.
pub fn signature(app_id: &str, body: &str, timestamp: &str, oa_secret: &str) -> String {
    let mut h = Sha256::new();
    for part in [app_id, body, timestamp, oa_secret] {
        h.update(part.as_bytes());
    }
    format!("mac={}", hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_ids_per_kind() {
        let t = ZnsConfig::parse_templates("received=231234, pakn_answered = 99").unwrap();
        assert_eq!(t.get(&NoticeKind::Received).map(String::as_str), Some("231234"));
        assert_eq!(t.get(&NoticeKind::PaknAnswered).map(String::as_str), Some("99"));
        assert!(ZnsConfig::parse_templates("recieved=1").is_err());
        assert!(ZnsConfig::parse_templates("received=").is_err());
        assert!(ZnsConfig::parse_templates("received").is_err());
    }

    #[test]
    fn signature_is_sha256_of_the_parts() {
        let s = signature("app", "{}", "1700000000000", "secret");
        assert_eq!(s.len(), 4 + 64);
        assert_ne!(s, signature("app", "{ }", "1700000000000", "secret"));
    }
}

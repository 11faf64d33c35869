//! The notification configuration from the environment: SMTP (plain, STARTTLS or implicit
//! TLS), the SMS gateway, Zalo ZNS, the public URL for links, retry policy.

use std::sync::Arc;
use std::time::Duration;

use super::email::SmtpConfig;
use super::sms::SmsConfig;
use super::worker::NotifyConfig;
use super::zns::ZnsConfig;

pub(crate) fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Where the gateway posts delivery reports: `MOTCUA_SMS_CALLBACK_URL`, or our report endpoint;
/// with `?token=` [`REPORT_TOKEN_ENV`] when set, which the endpoint then requires.
fn callback_url(public: &str) -> String {
    let url = env("MOTCUA_SMS_CALLBACK_URL")
        .unwrap_or_else(|| format!("{}/api/v1/notify/sms-reports", public.trim_end_matches('/')));
    match env(REPORT_TOKEN_ENV) {
        Some(t) => {
            let sep = if url.contains('?') { '&' } else { '?' };
            let t: String = form_urlencoded::byte_serialize(t.as_bytes()).collect();
            format!("{url}{sep}token={t}")
        }
        None => url,
    }
}

/// The secret a delivery report must carry (`?token=`), when set.
pub const REPORT_TOKEN_ENV: &str = "MOTCUA_SMS_REPORT_TOKEN";

/// The configured report token, if any.
pub fn report_token() -> Option<String> {
    env(REPORT_TOKEN_ENV)
}

fn env_num(name: &str, default: u64) -> Result<u64, String> {
    env(name).map_or(Ok(default), |v| v.parse().map_err(|e| format!("{name}={v}: {e}")))
}

impl NotifyConfig {
    /// The configuration from the environment; `None` when no channel is configured.
    ///
    /// `MOTCUA_SMTP_URL` (`smtp://`, `smtp+starttls://` or `smtps://host:port`),
    /// `MOTCUA_SMTP_FROM`, `MOTCUA_SMTP_CA` (PEM of extra trusted roots), `MOTCUA_SMTP_USER`,
    /// `MOTCUA_SMTP_PASSWORD`; `MOTCUA_SMS_URL`, `MOTCUA_SMS_TOKEN`, `MOTCUA_SMS_BRANDNAME`,
    /// `MOTCUA_SMS_UNICODE=1` (the gateway takes diacritics), `MOTCUA_SMS_CALLBACK_URL`;
    /// `MOTCUA_ZNS_URL`, `MOTCUA_ZNS_OAUTH_URL`, `MOTCUA_ZNS_APP_ID`, `MOTCUA_ZNS_SECRET_KEY`,
    /// `MOTCUA_ZNS_ACCESS_TOKEN`, `MOTCUA_ZNS_REFRESH_TOKEN`, `MOTCUA_ZNS_TEMPLATES`
    /// (`received=231234,…`); `MOTCUA_PUBLIC_URL` (lookup links);
    /// `MOTCUA_NOTIFY_MAX_ATTEMPTS`, `MOTCUA_NOTIFY_BACKOFF_MS`.
    pub fn from_env() -> Result<Option<NotifyConfig>, String> {
        let public = env("MOTCUA_PUBLIC_URL").unwrap_or_else(|| "http://127.0.0.1:8080".into());
        let mut cfg = NotifyConfig::new(public.clone());
        if let Some(url) = env("MOTCUA_SMTP_URL") {
            let from = env("MOTCUA_SMTP_FROM").unwrap_or_else(|| "Một cửa <motcua@localhost>".into());
            let mut smtp = SmtpConfig::parse(&url, &from)?;
            smtp.ca_file = env("MOTCUA_SMTP_CA");
            smtp.credentials = env("MOTCUA_SMTP_USER").map(|u| (u, env("MOTCUA_SMTP_PASSWORD").unwrap_or_default()));
            cfg.smtp = Some(smtp);
        }
        if let Some(url) = env("MOTCUA_SMS_URL") {
            cfg.sms = Some(SmsConfig {
                url,
                token: env("MOTCUA_SMS_TOKEN"),
                brandname: env("MOTCUA_SMS_BRANDNAME").unwrap_or_else(|| "MOTCUA".into()),
                ascii_only: env("MOTCUA_SMS_UNICODE").is_none_or(|v| v != "1"),
                callback_url: Some(callback_url(&public)),
            });
        }
        if let Some(url) = env("MOTCUA_ZNS_URL") {
            let need = |name: &str| env(name).ok_or_else(|| format!("MOTCUA_ZNS_URL is set: {name} is required"));
            cfg.zns = Some(Arc::new(ZnsConfig::new(
                url,
                env("MOTCUA_ZNS_OAUTH_URL").unwrap_or_else(|| "https://oauth.zaloapp.com".into()),
                need("MOTCUA_ZNS_APP_ID")?,
                need("MOTCUA_ZNS_SECRET_KEY")?,
                ZnsConfig::parse_templates(&need("MOTCUA_ZNS_TEMPLATES")?)?,
                // Stored in the database on first use; a refreshed pair stored there wins.
                (need("MOTCUA_ZNS_ACCESS_TOKEN")?, need("MOTCUA_ZNS_REFRESH_TOKEN")?),
            )));
        }
        if cfg.smtp.is_none() && cfg.sms.is_none() && cfg.zns.is_none() {
            return Ok(None);
        }
        cfg.max_attempts = u32::try_from(env_num("MOTCUA_NOTIFY_MAX_ATTEMPTS", 8)?.max(1)).unwrap_or(8);
        cfg.backoff_base = Duration::from_millis(env_num("MOTCUA_NOTIFY_BACKOFF_MS", 5000)?);
        cfg.backoff_max = cfg.backoff_max.max(cfg.backoff_base);
        Ok(Some(cfg))
    }
}

/// The OA secret key Zalo signs webhook events with (`MOTCUA_ZNS_OA_SECRET`); when set, unsigned
/// or badly signed events are refused. With `MOTCUA_ZNS_APP_ID`.
pub fn zns_webhook_secret() -> Option<(String, String)> {
    Some((env("MOTCUA_ZNS_APP_ID").unwrap_or_default(), env("MOTCUA_ZNS_OA_SECRET")?))
}

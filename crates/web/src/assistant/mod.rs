//! The Zalo OA assistant in the server: its configuration, the catalog indexed for questions
//! ([`Assistant`]), answering a message ([`reply`]), the OA's HTTP API ([`oa`]) and the worker
//! sending queued replies through it ([`worker`]).

pub mod oa;
pub mod reply;
pub mod worker;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use motcua_domain::assistant::Matcher;
use motcua_domain::catalog::Procedure;
use motcua_domain::ports::{CatalogStore, ProcedureQuery, StoreError};
use motcua_storage::Db;

/// How long the indexed catalog is trusted before it is read again.
const CATALOG_REFRESH: Duration = Duration::from_secs(60);

/// The Zalo OA the assistant answers on, from the environment.
#[derive(Clone)]
pub struct ZaloConfig {
    /// The Zalo app id (`app_id` of webhook events, `app_id` of token refreshes).
    pub app_id: String,
    /// The OA secret key the webhook signature is computed with.
    pub oa_secret: String,
    /// The app's secret key, sent as `secret_key` when refreshing the access token.
    pub app_secret: String,
    /// The unit (commune) whose OA this is: its officers answer the human queue.
    pub unit: String,
    /// Zalo's OpenAPI base (`{api}/v3.0/oa/message/cs`).
    pub api_url: String,
    /// Zalo's OAuth base (`{oauth}/v4/oa/access_token`).
    pub oauth_url: String,
    /// The first access and refresh tokens (later ones are kept in the database).
    pub access_token: String,
    pub refresh_token: String,
    /// The public site, for links in answers.
    pub public_url: String,
    pub max_attempts: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub lease: Duration,
    pub timeout: Duration,
    pub idle: Duration,
    /// Sends in flight.
    pub batch: u32,
}

impl std::fmt::Debug for ZaloConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZaloConfig")
            .field("app_id", &self.app_id)
            .field("unit", &self.unit)
            .field("api_url", &self.api_url)
            .field("oauth_url", &self.oauth_url)
            .finish_non_exhaustive()
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl ZaloConfig {
    pub fn new(app_id: &str, oa_secret: &str, unit: &str, api_url: &str) -> ZaloConfig {
        ZaloConfig {
            app_id: app_id.into(),
            oa_secret: oa_secret.into(),
            app_secret: String::new(),
            unit: unit.into(),
            api_url: api_url.into(),
            oauth_url: api_url.into(),
            access_token: String::new(),
            refresh_token: String::new(),
            public_url: "http://127.0.0.1:8080".into(),
            max_attempts: 8,
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(1800),
            lease: Duration::from_secs(60),
            timeout: Duration::from_secs(15),
            idle: Duration::from_millis(200),
            batch: 32,
        }
    }

    /// `MOTCUA_ZALO_APP_ID`, `MOTCUA_ZALO_OA_SECRET`, `MOTCUA_ZALO_UNIT` (all three, or the
    /// assistant is off), `MOTCUA_ZALO_APP_SECRET`, `MOTCUA_ZALO_ACCESS_TOKEN`,
    /// `MOTCUA_ZALO_REFRESH_TOKEN`, `MOTCUA_ZALO_API_URL` (`https://openapi.zalo.me`),
    /// `MOTCUA_ZALO_OAUTH_URL` (`https://oauth.zaloapp.com`), `MOTCUA_ZALO_MAX_ATTEMPTS`,
    /// `MOTCUA_ZALO_BACKOFF_MS`, `MOTCUA_PUBLIC_URL`.
    pub fn from_env() -> Result<Option<ZaloConfig>, String> {
        let (Some(app_id), Some(secret), Some(unit)) =
            (env("MOTCUA_ZALO_APP_ID"), env("MOTCUA_ZALO_OA_SECRET"), env("MOTCUA_ZALO_UNIT"))
        else {
            return Ok(None);
        };
        let api = env("MOTCUA_ZALO_API_URL").unwrap_or_else(|| "https://openapi.zalo.me".into());
        let mut cfg = ZaloConfig::new(&app_id, &secret, &unit, &api);
        cfg.oauth_url = env("MOTCUA_ZALO_OAUTH_URL").unwrap_or_else(|| "https://oauth.zaloapp.com".into());
        cfg.app_secret = env("MOTCUA_ZALO_APP_SECRET").unwrap_or_default();
        cfg.access_token = env("MOTCUA_ZALO_ACCESS_TOKEN").unwrap_or_default();
        cfg.refresh_token = env("MOTCUA_ZALO_REFRESH_TOKEN").unwrap_or_default();
        cfg.public_url = env("MOTCUA_PUBLIC_URL").unwrap_or(cfg.public_url);
        let num = |name: &str, default: u64| -> Result<u64, String> {
            env(name).map_or(Ok(default), |v| v.parse().map_err(|e| format!("{name}={v}: {e}")))
        };
        cfg.max_attempts = u32::try_from(num("MOTCUA_ZALO_MAX_ATTEMPTS", 8)?.max(1)).unwrap_or(8);
        cfg.backoff_base = Duration::from_millis(num("MOTCUA_ZALO_BACKOFF_MS", 5000)?);
        cfg.backoff_max = cfg.backoff_max.max(cfg.backoff_base);
        Ok(Some(cfg))
    }

    /// The wait before retrying after the `attempts`-th failure: `base·2^(attempts-1)` capped,
    /// scaled by `0.5 + jitter/2`.
    pub fn backoff(&self, attempts: u32, jitter: f64) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let full = self.backoff_base.saturating_mul(1u32 << exp).min(self.backoff_max);
        full.mul_f64(0.5 + jitter.clamp(0.0, 1.0) / 2.0)
    }
}

/// The configured assistant: its OA and the catalog indexed for questions.
pub struct Assistant {
    pub cfg: ZaloConfig,
    index: Mutex<Option<(Instant, Arc<Index>)>>,
}

/// The catalog and its matcher.
pub struct Index {
    pub matcher: Matcher,
    pub procedures: Vec<Procedure>,
}

impl Assistant {
    pub fn new(cfg: ZaloConfig) -> Assistant {
        Assistant { cfg, index: Mutex::new(None) }
    }

    /// The catalog indexed for questions, re-read at most every minute.
    pub async fn index(&self, db: &Db) -> Result<Arc<Index>, StoreError> {
        if let Some((at, idx)) = self.index.lock().expect("assistant index").as_ref()
            && at.elapsed() < CATALOG_REFRESH
        {
            return Ok(idx.clone());
        }
        let procedures = db.search_procedures(&ProcedureQuery { text: None, field: None, limit: 10_000 }).await?;
        let idx = Arc::new(Index { matcher: Matcher::new(&procedures), procedures });
        *self.index.lock().expect("assistant index") = Some((Instant::now(), idx.clone()));
        Ok(idx)
    }
}

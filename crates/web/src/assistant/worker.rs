//! The reply worker: a background task of `motcua serve` that claims queued replies under a
//! lease, sends each through the OA's message API and records the outcome (sent with Zalo's
//! message id, retried with backoff and jitter, or failed for good with the reason). When Zalo
//! answers that the access token expired (-216), the token is refreshed once (the new pair is
//! kept in the database, so every server and the next start use it) and the send repeated.

use std::sync::Arc;
use std::time::Duration;

use motcua_domain::assistant::store::{AssistantStore, OaTokens, Outgoing, SendOutcome};
use motcua_domain::clock::Clock;
use motcua_storage::Db;
use tokio::sync::Mutex;
use tokio::task::JoinSet;

use super::ZaloConfig;
use super::oa::{self, SendError};

struct Sender {
    db: Db,
    clock: Arc<dyn Clock>,
    cfg: ZaloConfig,
    client: reqwest::Client,
    /// The access token in use (the database holds the truth; refreshes are serialised here).
    token: Mutex<Option<OaTokens>>,
}

/// Starts the worker; abort the handle to stop it.
pub fn spawn(db: Db, clock: Arc<dyn Clock>, cfg: ZaloConfig) -> Result<tokio::task::JoinHandle<()>, String> {
    let client = reqwest::Client::builder()
        .timeout(cfg.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let s = Arc::new(Sender { db, clock, cfg, client, token: Mutex::new(None) });
    Ok(tokio::spawn(run(s)))
}

impl Sender {
    /// The stored tokens, seeded from the configuration the first time.
    async fn load(&self) -> Result<Option<OaTokens>, String> {
        let db = &self.db;
        if let Some(t) = db.oa_tokens(&self.cfg.app_id).await.map_err(|e| e.to_string())? {
            return Ok(Some(t));
        }
        if self.cfg.access_token.is_empty() {
            return Ok(None);
        }
        let now = self.clock.now();
        let seed = OaTokens {
            access_token: self.cfg.access_token.clone(),
            refresh_token: self.cfg.refresh_token.clone(),
            expires_at: now + chrono::Duration::hours(1),
        };
        db.save_oa_tokens(&self.cfg.app_id, &seed, None, now).await.map_err(|e| e.to_string())?;
        db.oa_tokens(&self.cfg.app_id).await.map_err(|e| e.to_string())
    }

    async fn access_token(&self) -> Result<String, String> {
        let mut cur = self.token.lock().await;
        if cur.is_none() {
            *cur = self.load().await?;
        }
        cur.as_ref()
            .map(|t| t.access_token.clone())
            .ok_or_else(|| "no Zalo access token (MOTCUA_ZALO_ACCESS_TOKEN)".into())
    }

    /// A fresh access token after `used` was refused; refreshes unless someone already did.
    async fn refreshed(&self, used: &str) -> Result<String, String> {
        let mut cur = self.token.lock().await;
        let stored = self.load().await?.ok_or("no Zalo tokens to refresh")?;
        if stored.access_token != used {
            *cur = Some(stored.clone());
            return Ok(stored.access_token);
        }
        let (access, refresh, expires_in) = oa::refresh(&self.client, &self.cfg, &stored.refresh_token).await?;
        let now = self.clock.now();
        let fresh = OaTokens {
            access_token: access,
            refresh_token: refresh,
            expires_at: now + chrono::Duration::seconds(expires_in),
        };
        let saved = self
            .db
            .save_oa_tokens(&self.cfg.app_id, &fresh, Some(&stored.refresh_token), now)
            .await
            .map_err(|e| e.to_string())?;
        let current = if saved { fresh } else { self.load().await?.ok_or("Zalo tokens vanished")? };
        tracing::info!(app_id = %self.cfg.app_id, "Zalo access token refreshed");
        *cur = Some(current.clone());
        Ok(current.access_token)
    }

    async fn send(&self, m: &Outgoing) -> Result<String, SendError> {
        let token = self.access_token().await.map_err(SendError::Temporary)?;
        match oa::send_text(&self.client, &self.cfg, &token, &m.user_id, &m.text).await {
            Err(SendError::TokenExpired) => {
                let token = self.refreshed(&token).await.map_err(SendError::Temporary)?;
                match oa::send_text(&self.client, &self.cfg, &token, &m.user_id, &m.text).await {
                    Err(SendError::TokenExpired) => {
                        Err(SendError::Temporary("Zalo access token refused after refresh".into()))
                    }
                    other => other,
                }
            }
            other => other,
        }
    }

    fn outcome(&self, m: &Outgoing, result: Result<String, SendError>) -> SendOutcome {
        let at = self.clock.now();
        match result {
            Ok(message_id) => SendOutcome::Sent { id: m.id, message_id, at },
            Err(SendError::Permanent(error)) => {
                tracing::warn!(key = %m.key, %error, "Zalo reply failed for good");
                SendOutcome::Failed { id: m.id, error, at }
            }
            Err(e) => {
                let error = match e {
                    SendError::Temporary(s) | SendError::Permanent(s) => s,
                    SendError::TokenExpired => "Zalo access token expired".into(),
                };
                let wait = self.cfg.backoff(m.attempts, rand::random::<f64>());
                let retry_at = at + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1));
                SendOutcome::Retry { id: m.id, error, at, retry_at }
            }
        }
    }
}

async fn run(s: Arc<Sender>) {
    let lease = chrono::Duration::from_std(s.cfg.lease).unwrap_or(chrono::Duration::seconds(60));
    loop {
        let batch = match s.db.claim_replies(s.clock.now(), lease, s.cfg.batch.max(1)).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "Zalo reply worker: storage error");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if batch.is_empty() {
            tokio::time::sleep(s.cfg.idle).await;
            continue;
        }
        let mut inflight = JoinSet::new();
        for m in batch {
            let s = s.clone();
            inflight.spawn(async move {
                let result = s.send(&m).await;
                s.outcome(&m, result)
            });
        }
        let outcomes: Vec<SendOutcome> = inflight.join_all().await;
        for wait in [0u64, 200, 1000, 3000] {
            tokio::time::sleep(Duration::from_millis(wait)).await;
            match s.db.record_replies(&outcomes, s.cfg.max_attempts).await {
                Ok(()) => break,
                Err(e) => tracing::warn!(error = %e, "Zalo reply worker: recording outcomes failed"),
            }
        }
    }
}

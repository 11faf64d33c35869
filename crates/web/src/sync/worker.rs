//! The delivery worker: a background task of `motcua serve` that claims due outbox messages under
//! a lease, pushes each dossier record to the configured endpoint with its idempotency key, and
//! records the outcome: delivered (with the ack), retried with exponential backoff and jitter, or
//! dead after `max_attempts`. Several servers may run it on one PostgreSQL database.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use motcua_domain::catalog::{Procedure, ProcedureCode};
use motcua_domain::clock::Clock;
use motcua_domain::dossier::Dossier;
use motcua_domain::ports::{CatalogStore, DVCQG, Delivery, OutboxMessage, SyncStore};
use motcua_storage::Db;
use tokio::task::JoinSet;

use super::record::dvcqg_record;

/// The header carrying `{code}:{seq}`; the portal applies a key once.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// How the worker reaches the national portal and how hard it retries.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// The endpoint each record is POSTed to (`MOTCUA_DVCQG_URL`).
    pub url: String,
    /// Sent as `Authorization: Bearer …` (`MOTCUA_DVCQG_TOKEN`).
    pub token: Option<String>,
    /// Attempts before a message is dead-lettered.
    pub max_attempts: u32,
    /// The first retry waits about this long; each further one twice as long…
    pub backoff_base: Duration,
    /// …up to this.
    pub backoff_max: Duration,
    /// Messages claimed and pushed at once.
    pub batch: u32,
    /// How long a claim holds a message against other servers.
    pub lease: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Sleep when nothing is due.
    pub idle: Duration,
}

impl SyncConfig {
    pub fn new(url: String, token: Option<String>) -> SyncConfig {
        SyncConfig {
            url,
            token,
            max_attempts: 8,
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(600),
            batch: 64,
            lease: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
            idle: Duration::from_millis(200),
        }
    }
}

/// The wait before retrying after the `attempts`-th failure: `base·2^(attempts-1)` capped at
/// `max`, scaled by `0.5 + jitter/2` (`jitter` in [0, 1)) so retries of an outage spread out.
pub fn backoff(cfg: &SyncConfig, attempts: u32, jitter: f64) -> Duration {
    let exp = attempts.saturating_sub(1).min(30);
    let full = cfg.backoff_base.saturating_mul(1u32 << exp).min(cfg.backoff_max);
    full.mul_f64(0.5 + jitter.clamp(0.0, 1.0) / 2.0)
}

/// Starts the worker for the national portal; abort the handle to stop it.
pub fn spawn(db: Db, clock: Arc<dyn Clock>, cfg: SyncConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = match reqwest::Client::builder().timeout(cfg.timeout).build() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "sync worker: cannot build the HTTP client");
                return;
            }
        };
        let mut worker = Worker { db, clock, cfg: Arc::new(cfg), client, procedures: HashMap::new() };
        loop {
            match worker.round().await {
                Ok(0) => tokio::time::sleep(worker.cfg.idle).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "sync worker: storage error");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    })
}

struct Worker {
    db: Db,
    clock: Arc<dyn Clock>,
    cfg: Arc<SyncConfig>,
    client: reqwest::Client,
    procedures: HashMap<String, Option<Arc<Procedure>>>,
}

impl Worker {
    /// Claims one batch, pushes it, records the outcomes; returns how many were claimed.
    async fn round(&mut self) -> Result<usize, motcua_domain::ports::StoreError> {
        let now = self.clock.now();
        let lease = chrono::Duration::from_std(self.cfg.lease).unwrap_or(chrono::Duration::seconds(60));
        let batch = self.db.claim(DVCQG, now, lease, self.cfg.batch).await?;
        let n = batch.len();
        let mut pushes = JoinSet::new();
        for m in batch {
            let body = self.body(&m).await;
            let (client, cfg, clock) = (self.client.clone(), self.cfg.clone(), self.clock.clone());
            pushes.spawn(async move {
                let result = match body {
                    Ok(body) => push(&client, &cfg, &m, body).await,
                    Err(e) => Err(e),
                };
                let at = clock.now();
                match result {
                    Ok(ack) => Delivery::Delivered { id: m.id, ack, at },
                    Err(error) => {
                        let wait = backoff(&cfg, m.attempts, rand::random::<f64>());
                        let retry_at = at + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1));
                        tracing::debug!(key = %m.key, attempts = m.attempts, %error, "sync push failed");
                        Delivery::Failed { id: m.id, error, at, retry_at }
                    }
                }
            });
        }
        let mut outcomes = Vec::with_capacity(n);
        while let Some(r) = pushes.join_next().await {
            if let Ok(o) = r {
                outcomes.push(o);
            }
        }
        self.db.record(&outcomes, self.cfg.max_attempts).await?;
        Ok(n)
    }

    /// The JSON record of a message, or why it cannot be built (a poison message).
    async fn body(&mut self, m: &OutboxMessage) -> Result<serde_json::Value, String> {
        let d: Dossier = serde_json::from_str(&m.payload).map_err(|e| format!("unreadable payload: {e}"))?;
        let key = d.procedure.as_str().to_string();
        if !self.procedures.contains_key(&key) {
            let p = match ProcedureCode::parse(&key) {
                Ok(code) => self.db.procedure(&code).await.map_err(|e| e.to_string())?.map(Arc::new),
                Err(_) => None,
            };
            self.procedures.insert(key.clone(), p);
        }
        Ok(dvcqg_record(&d, self.procedures.get(&key).and_then(|p| p.as_deref())))
    }
}

/// POSTs one record; the ack id on a 2xx answer, else the error to record.
async fn push(
    client: &reqwest::Client,
    cfg: &SyncConfig,
    m: &OutboxMessage,
    body: serde_json::Value,
) -> Result<String, String> {
    let mut req = client.post(&cfg.url).header(IDEMPOTENCY_HEADER, &m.key).json(&body);
    if let Some(t) = &cfg.token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.map_err(|e| format!("request failed: {e}"))?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| format!("HTTP {status}, response lost: {e}"))?;
    if !status.is_success() {
        return Err(format!("HTTP {status}: {}", text.chars().take(300).collect::<String>()));
    }
    let ack = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("ack").and_then(|a| a.as_str()).map(str::to_string))
        .unwrap_or_else(|| format!("http-{}", status.as_u16()));
    Ok(ack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitter_stays_within_half_to_full() {
        let cfg = SyncConfig::new("http://x".into(), None);
        assert_eq!(backoff(&cfg, 1, 1.0), Duration::from_secs(2));
        assert_eq!(backoff(&cfg, 3, 1.0), Duration::from_secs(8));
        assert_eq!(backoff(&cfg, 3, 0.0), Duration::from_secs(4));
        assert_eq!(backoff(&cfg, 40, 1.0), Duration::from_secs(600));
    }
}

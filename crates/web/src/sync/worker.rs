//! The delivery worker: a background task of `motcua serve` that claims due outbox messages under
//! a lease, pushes each record to the configured endpoint with its idempotency key, and records
//! the outcome: delivered (with the ack), retried with exponential backoff and jitter, rejected
//! for good (a permanent 4xx or an unreadable message: dead at once, with the reason), or dead
//! after `max_attempts`. Pushes are pipelined: a window of up to `batch` calls is kept in flight
//! and topped up as calls finish, so one slow call never stalls the others. Several servers may
//! run it on one PostgreSQL database. It also prunes delivered rows past the retention.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use motcua_domain::catalog::{Procedure, ProcedureCode};
use motcua_domain::clock::Clock;
use motcua_domain::dossier::Dossier;
use motcua_domain::ports::{CatalogStore, DVCQG, Delivery, OutboxMessage, POPULATION, StoreError, SyncStore};
use motcua_storage::Db;
use tokio::task::JoinSet;

use super::population;
use super::push::{PushError, push};
use super::record::record_for;

/// How the worker reaches one connector's remote system and how hard it retries.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// The outbox connector served (`dvcqg`: the national portal).
    pub connector: String,
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
    /// Calls kept in flight at once (and the most claimed at once).
    pub batch: u32,
    /// How long a claim holds a message against other servers.
    pub lease: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Sleep when nothing is due.
    pub idle: Duration,
    /// Delivered rows older than this are pruned (each dossier's latest one is kept); `None`: never.
    pub retention: Option<Duration>,
    /// How often this server reconciles with the portal (national portal only); `None`: never.
    pub reconcile_every: Option<Duration>,
    /// How many days (up to today) each scheduled reconciliation covers.
    pub reconcile_days: u32,
}

impl SyncConfig {
    pub fn new(url: String, token: Option<String>) -> SyncConfig {
        SyncConfig {
            connector: DVCQG.to_string(),
            url,
            token,
            max_attempts: 8,
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(600),
            batch: 64,
            lease: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
            idle: Duration::from_millis(200),
            retention: Some(Duration::from_secs(90 * 86_400)),
            reconcile_every: Some(Duration::from_secs(3600)),
            reconcile_days: 7,
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

/// How often delivered rows past the retention are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// Starts the worker of `cfg.connector`; abort the handle to stop it.
pub fn spawn(db: Db, clock: Arc<dyn Clock>, cfg: SyncConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = match reqwest::Client::builder()
            .timeout(cfg.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(cfg.batch as usize)
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "sync worker: cannot build the HTTP client");
                return;
            }
        };
        let mut worker = Worker { db, clock, cfg: Arc::new(cfg), client, procedures: HashMap::new() };
        worker.run().await;
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
    async fn run(&mut self) {
        let mut inflight: JoinSet<Delivery> = JoinSet::new();
        let mut pruned_at: Option<Instant> = None;
        let window = self.cfg.batch.max(1) as usize;
        loop {
            if pruned_at.is_none_or(|t| t.elapsed() >= PRUNE_EVERY) {
                self.prune().await;
                pruned_at = Some(Instant::now());
            }
            let room = window - inflight.len().min(window);
            let mut claimed = 0;
            if room * 2 >= window {
                match self.claim(room).await {
                    Ok(batch) => {
                        claimed = batch.len();
                        for m in batch {
                            self.start(&mut inflight, m).await;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, connector = %self.cfg.connector, "sync worker: storage error");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
            if inflight.is_empty() {
                if claimed == 0 {
                    tokio::time::sleep(self.cfg.idle).await;
                }
                continue;
            }
            let outcomes = collect(&mut inflight, self.cfg.idle, window / 2).await;
            self.record(&outcomes).await;
        }
    }

    async fn claim(&self, room: usize) -> Result<Vec<OutboxMessage>, StoreError> {
        let lease = chrono::Duration::from_std(self.cfg.lease).unwrap_or(chrono::Duration::seconds(60));
        let limit = u32::try_from(room).unwrap_or(u32::MAX);
        self.db.claim(&self.cfg.connector, self.clock.now(), lease, limit).await
    }

    /// Records outcomes; a storage error is retried a few times (if it persists, the rows' leases
    /// lapse and they are pushed again: the remote applies a key once).
    async fn record(&self, outcomes: &[Delivery]) {
        for wait in [0u64, 200, 1000, 3000] {
            tokio::time::sleep(Duration::from_millis(wait)).await;
            match self.db.record(outcomes, self.cfg.max_attempts).await {
                Ok(()) => return,
                Err(e) => tracing::warn!(error = %e, "sync worker: recording outcomes failed"),
            }
        }
    }

    async fn prune(&self) {
        let Some(keep) = self.cfg.retention.and_then(|r| chrono::Duration::from_std(r).ok()) else { return };
        let before = self.clock.now() - keep;
        loop {
            match self.db.prune_delivered(&self.cfg.connector, before, 5_000).await {
                Ok(n) if n >= 5_000 => continue,
                Ok(n) => {
                    if n > 0 {
                        tracing::info!(pruned = n, connector = %self.cfg.connector, "sync: pruned delivered rows");
                    }
                    return;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "sync worker: pruning failed");
                    return;
                }
            }
        }
    }

    /// Builds the message's record and starts its push.
    async fn start(&mut self, inflight: &mut JoinSet<Delivery>, m: OutboxMessage) {
        let body = self.body(&m).await;
        let (client, cfg, clock) = (self.client.clone(), self.cfg.clone(), self.clock.clone());
        let db = self.db.clone();
        inflight.spawn(async move {
            let result = match body {
                Ok(body) if m.connector == POPULATION => {
                    population::check(&client, &cfg, &db, &m, body, clock.now()).await
                }
                Ok(body) => push(&client, &cfg, &m, body).await,
                Err(e) => Err(e),
            };
            let at = clock.now();
            match result {
                Ok(ack) => Delivery::Delivered { id: m.id, ack, at },
                Err(PushError { permanent: true, message }) => {
                    tracing::warn!(key = %m.key, error = %message, "sync push rejected for good: dead-lettered");
                    Delivery::Rejected { id: m.id, error: message, at }
                }
                Err(PushError { message, .. }) => {
                    let wait = backoff(&cfg, m.attempts, rand::random::<f64>());
                    let retry_at = at + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1));
                    tracing::debug!(key = %m.key, attempts = m.attempts, error = %message, "sync push failed");
                    Delivery::Failed { id: m.id, error: message, at, retry_at }
                }
            }
        });
    }

    /// The JSON record of a message, or why it can never be built (a poison message: rejected).
    async fn body(&mut self, m: &OutboxMessage) -> Result<serde_json::Value, PushError> {
        let d: Dossier = serde_json::from_str(&m.payload)
            .map_err(|e| PushError { permanent: true, message: format!("unreadable payload: {e}") })?;
        if m.connector == POPULATION {
            return Ok(population::population_request(&d, &m.key));
        }
        let key = d.procedure.as_str().to_string();
        if !self.procedures.contains_key(&key) {
            let p = match ProcedureCode::parse(&key) {
                Ok(code) => self
                    .db
                    .procedure(&code)
                    .await
                    .map_err(|e| PushError { permanent: false, message: e.to_string() })?
                    .map(Arc::new),
                Err(_) => None,
            };
            self.procedures.insert(key.clone(), p);
        }
        record_for(&m.connector, &d, self.procedures.get(&key).and_then(|p| p.as_deref()))
            .ok_or_else(|| PushError { permanent: true, message: format!("no record format for {}", m.connector) })
    }
}

/// How long outcomes are gathered after the first one, so that they are recorded together (one
/// commit, one fsync) rather than one by one.
const GATHER: Duration = Duration::from_millis(10);

/// Waits up to `idle` for a push to finish, then gathers further outcomes for up to [`GATHER`]
/// or until `enough` are in.
async fn collect(inflight: &mut JoinSet<Delivery>, idle: Duration, enough: usize) -> Vec<Delivery> {
    let mut outcomes = Vec::new();
    let mut until = tokio::time::Instant::now() + idle;
    while outcomes.len() < enough.max(1) {
        match tokio::time::timeout_at(until, inflight.join_next()).await {
            Ok(Some(Ok(o))) => {
                if outcomes.is_empty() {
                    until = until.min(tokio::time::Instant::now() + GATHER);
                }
                outcomes.push(o);
            }
            Ok(Some(Err(e))) => tracing::error!(error = %e, "sync worker: a push task failed"),
            Ok(None) | Err(_) => break,
        }
    }
    outcomes
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

//! `motcua serve`: migrate, then serve until Ctrl-C or SIGTERM; with `MOTCUA_DVCQG_URL` set, the
//! sync worker delivering dossier changes to the national portal runs in the same process.

use std::sync::Arc;

use anyhow::Context;
use motcua_storage::Db;
use motcua_web::AppState;

use crate::clock::SystemClock;
use crate::setup;

/// Where and how dossier changes are pushed to the national portal (DVCQG).
#[derive(clap::Args, Clone, Debug)]
pub struct SyncArgs {
    /// The portal's endpoint receiving dossier records; unset: no sync worker runs (changes wait
    /// in the outbox until it is set).
    #[arg(long, env = "MOTCUA_DVCQG_URL")]
    dvcqg_url: Option<String>,
    /// Bearer token for the portal.
    #[arg(long, env = "MOTCUA_DVCQG_TOKEN", hide_env_values = true)]
    dvcqg_token: Option<String>,
    /// Attempts before a change is dead-lettered.
    #[arg(long, env = "MOTCUA_SYNC_MAX_ATTEMPTS", default_value_t = 8)]
    sync_max_attempts: u32,
    /// First retry delay in milliseconds (doubled per attempt, with jitter, up to 10 minutes).
    #[arg(long, env = "MOTCUA_SYNC_BACKOFF_MS", default_value_t = 2000)]
    sync_backoff_ms: u64,
    /// How long a claimed change is held against other servers, in milliseconds (a server that
    /// dies mid-push releases its changes after this); each push times out at half of it.
    #[arg(long, env = "MOTCUA_SYNC_LEASE_MS", default_value_t = 60_000)]
    sync_lease_ms: u64,
    /// The civil-registry system's endpoint receiving hộ tịch decisions and results; unset: they
    /// wait in the outbox.
    #[arg(long, env = "MOTCUA_HOTICH_URL")]
    hotich_url: Option<String>,
    /// Bearer token for the civil registry.
    #[arg(long, env = "MOTCUA_HOTICH_TOKEN", hide_env_values = true)]
    hotich_token: Option<String>,
    /// The national population database's identity-check endpoint; unset: intake checks wait in
    /// the outbox (the staff page shows them pending).
    #[arg(long, env = "MOTCUA_DANCU_URL")]
    dancu_url: Option<String>,
    /// Bearer token for the population database.
    #[arg(long, env = "MOTCUA_DANCU_TOKEN", hide_env_values = true)]
    dancu_token: Option<String>,
    /// Longest wait between retries, in milliseconds.
    #[arg(long, env = "MOTCUA_SYNC_BACKOFF_MAX_MS", default_value_t = 600_000)]
    sync_backoff_max_ms: u64,
    /// Days delivered changes are kept (each dossier's latest acknowledgement is kept anyway); 0: forever.
    #[arg(long, env = "MOTCUA_SYNC_RETENTION_DAYS", default_value_t = 90)]
    sync_retention_days: u64,
    /// Minutes between scheduled reconciliations with the national portal; 0: only on demand.
    #[arg(long, env = "MOTCUA_RECONCILE_EVERY_MIN", default_value_t = 60)]
    reconcile_every_min: u64,
    /// Days (up to today) each scheduled reconciliation covers.
    #[arg(long, env = "MOTCUA_RECONCILE_DAYS", default_value_t = 7)]
    reconcile_days: u32,
}

impl SyncArgs {
    /// Every configured connector's worker configuration (national portal, civil registry).
    pub fn configs(&self) -> Vec<motcua_web::sync::SyncConfig> {
        let mut out: Vec<_> = self.config().into_iter().collect();
        if let Some(url) = self.hotich_url.clone().filter(|u| !u.trim().is_empty()) {
            let mut cfg =
                self.tune(motcua_web::sync::SyncConfig::new(url, self.hotich_token.clone().filter(|t| !t.is_empty())));
            cfg.connector = motcua_domain::ports::CIVIL_REGISTRY.to_string();
            out.push(cfg);
        }
        if let Some(url) = self.dancu_url.clone().filter(|u| !u.trim().is_empty()) {
            let mut cfg =
                self.tune(motcua_web::sync::SyncConfig::new(url, self.dancu_token.clone().filter(|t| !t.is_empty())));
            cfg.connector = motcua_domain::ports::POPULATION.to_string();
            out.push(cfg);
        }
        out
    }

    /// The national portal worker's configuration, or `None` when no endpoint is configured.
    pub fn config(&self) -> Option<motcua_web::sync::SyncConfig> {
        let url = self.dvcqg_url.clone().filter(|u| !u.trim().is_empty())?;
        Some(self.tune(motcua_web::sync::SyncConfig::new(url, self.dvcqg_token.clone().filter(|t| !t.is_empty()))))
    }

    /// Applies the retry, lease and retention settings.
    fn tune(&self, mut cfg: motcua_web::sync::SyncConfig) -> motcua_web::sync::SyncConfig {
        cfg.max_attempts = self.sync_max_attempts.max(1);
        cfg.backoff_base = std::time::Duration::from_millis(self.sync_backoff_ms);
        cfg.lease = std::time::Duration::from_millis(self.sync_lease_ms.max(100));
        cfg.timeout = cfg.timeout.min(cfg.lease / 2);
        cfg.backoff_max = std::time::Duration::from_millis(self.sync_backoff_max_ms.max(self.sync_backoff_ms));
        cfg.retention =
            (self.sync_retention_days > 0).then(|| std::time::Duration::from_secs(self.sync_retention_days * 86_400));
        cfg.reconcile_every =
            (self.reconcile_every_min > 0).then(|| std::time::Duration::from_secs(self.reconcile_every_min * 60));
        cfg.reconcile_days = self.reconcile_days.max(1);
        cfg
    }
}

pub async fn run(database: &str, listen: &str, sync: &SyncArgs) -> anyhow::Result<()> {
    let db = setup::open(database).await?;
    serve_with_sync(db, listen, sync.configs(), None, |addr| {
        tracing::info!(%addr, "serving");
        println!("Motcua đang chạy tại / is serving at http://{addr}/api/v1/health");
    })
    .await
}

/// Serves an opened database; `on_ready` is told the bound address.
pub async fn serve_db(db: Db, listen: &str, on_ready: impl FnOnce(std::net::SocketAddr)) -> anyhow::Result<()> {
    serve_with_sync(db, listen, None::<motcua_web::sync::SyncConfig>, None, on_ready).await
}

/// Serves an opened database and, given a configuration, runs the sync worker beside it.
pub async fn serve_with_sync(
    db: Db,
    listen: &str,
    sync: impl IntoIterator<Item = motcua_web::sync::SyncConfig>,
    payments: Option<motcua_web::payments::Gateways>,
    on_ready: impl FnOnce(std::net::SocketAddr),
) -> anyhow::Result<()> {
    let sync: Vec<_> = sync.into_iter().collect();
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
    let clock: Arc<dyn motcua_domain::clock::Clock> = Arc::new(SystemClock);
    let portal = sync.iter().find(|c| c.connector == motcua_domain::ports::DVCQG);
    let report =
        portal.map(|cfg| motcua_web::sync::reconcile::PortalReport { url: cfg.url.clone(), token: cfg.token.clone() });
    let reconciler_job = match (portal.and_then(|c| c.reconcile_every.map(|e| (e, c.reconcile_days))), &report) {
        (Some((every, days)), Some(target)) => {
            Some(motcua_web::sync::reconcile_job::spawn(db.clone(), clock.clone(), target.clone(), every, days))
        }
        _ => None,
    };
    if report.is_none() {
        tracing::info!("MOTCUA_DVCQG_URL is not set: no sync worker; changes wait in the outbox");
    }
    let workers: Vec<_> = sync
        .into_iter()
        .map(|cfg| {
            tracing::info!(url = %cfg.url, connector = %cfg.connector, "sync worker started");
            motcua_web::sync::spawn(db.clone(), clock.clone(), cfg)
        })
        .collect();
    on_ready(listener.local_addr()?);
    let mut state = AppState::new(db.clone(), clock);
    if let Some(report) = report {
        state = state.with_sync_report(report);
    }
    // Online payment (given, or MOTCUA_PAYMENTS_CONFIG): gateways per unit and the reconciliation job.
    let payments = match payments {
        Some(p) => p,
        None => motcua_web::payments::Gateways::from_env()?,
    };
    let state = state.with_payments(payments);
    // Sign-in with OpenID Connect (MOTCUA_OIDC_*: citizens through VNeID; MOTCUA_STAFF_OIDC_*: staff).
    let state = state.with_sign_in(motcua_web::oidc::SignIns::from_env()?);
    let reconciler = (!state.payments.is_empty()).then(|| motcua_web::payments::reconcile::spawn(state.clone()));
    // Citizen notifications (MOTCUA_SMTP_URL, MOTCUA_SMS_URL): the sending worker.
    let notifier = match motcua_web::notify::NotifyConfig::from_env().map_err(anyhow::Error::msg)? {
        Some(cfg) => Some(motcua_web::notify::spawn(db.clone(), state.clock.clone(), cfg).map_err(anyhow::Error::msg)?),
        None => None,
    };
    // The Zalo OA assistant (MOTCUA_ZALO_APP_ID, _OA_SECRET, _UNIT): the webhook and the reply worker.
    let (state, zalo) = match motcua_web::assistant::ZaloConfig::from_env().map_err(anyhow::Error::msg)? {
        Some(cfg) => {
            tracing::info!(app_id = %cfg.app_id, unit = %cfg.unit, "Zalo OA assistant on");
            let w = motcua_web::assistant::worker::spawn(db.clone(), state.clock.clone(), cfg.clone())
                .map_err(anyhow::Error::msg)?;
            (state.with_assistant(cfg), Some(w))
        }
        None => (state, None),
    };
    let served = motcua_web::serve(listener, state, shutdown_signal()).await;
    if let Some(z) = zalo {
        z.abort();
    }
    if let Some(n) = notifier {
        n.abort();
    }
    if let Some(r) = reconciler {
        r.abort();
    }
    if let Some(r) = reconciler_job {
        r.abort();
    }
    for w in workers {
        w.abort();
        let _ = w.await;
    }
    served?;
    db.close().await;
    Ok(())
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

//! The sending worker: a background task of `motcua serve` that claims due notices under a
//! lease, renders the Vietnamese template, sends each on its channel (a window of `batch` sends
//! in flight) and records the outcome: accepted (SMS gateway), delivered (SMTP), retried with
//! exponential backoff and jitter, or failed for good with the reason (the fallback channel is
//! then queued by storage). A crash between a send and its record re-sends after the lease under
//! the same idempotency key, which the SMS gateway applies once.

use std::sync::Arc;
use std::time::Duration;

use motcua_domain::clock::Clock;
use std::collections::HashMap;

use motcua_domain::notify::outbox::{NotifyMessage, NotifyOutcome, NotifyStore, TemplateStore};
use motcua_domain::notify::template::Template;
use motcua_domain::notify::{Channel, NoticeKind};
use motcua_storage::Db;
use tokio::task::JoinSet;

use super::SendError;
use super::email::{Mailer, SmtpConfig};
use super::sms::{SmsConfig, send as send_sms};
use super::zns::{ZnsConfig, send as send_zns};

#[derive(Debug, Clone)]
pub struct NotifyConfig {
    pub smtp: Option<SmtpConfig>,
    pub sms: Option<SmsConfig>,
    pub zns: Option<Arc<ZnsConfig>>,
    /// The public site, for the lookup link (`{base}/tra-cuu/{code}`).
    pub public_url: String,
    pub max_attempts: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub batch: u32,
    pub lease: Duration,
    pub timeout: Duration,
    pub idle: Duration,
}

impl NotifyConfig {
    pub fn new(public_url: String) -> NotifyConfig {
        NotifyConfig {
            smtp: None,
            sms: None,
            zns: None,
            public_url,
            max_attempts: 8,
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(1800),
            batch: 64,
            lease: Duration::from_secs(60),
            timeout: Duration::from_secs(15),
            idle: Duration::from_millis(200),
        }
    }

    /// The wait before retrying after the `attempts`-th failure: `base·2^(attempts-1)` capped at
    /// `max`, scaled by `0.5 + jitter/2`.
    pub fn backoff(&self, attempts: u32, jitter: f64) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let full = self.backoff_base.saturating_mul(1u32 << exp).min(self.backoff_max);
        full.mul_f64(0.5 + jitter.clamp(0.0, 1.0) / 2.0)
    }
}

/// Everything one send needs, shared by the tasks in flight.
struct Senders {
    cfg: NotifyConfig,
    mailer: Option<Mailer>,
    client: reqwest::Client,
    /// Where the ZNS tokens are shared with the other app servers.
    db: Db,
    clock: Arc<dyn Clock>,
}

/// Starts the worker; abort the handle to stop it.
pub fn spawn(db: Db, clock: Arc<dyn Clock>, cfg: NotifyConfig) -> Result<tokio::task::JoinHandle<()>, String> {
    let mailer = cfg.smtp.as_ref().map(|s| Mailer::new(s, cfg.timeout)).transpose()?;
    let client = reqwest::Client::builder()
        .timeout(cfg.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(cfg.batch as usize)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let senders = Arc::new(Senders { cfg, mailer, client, db: db.clone(), clock: clock.clone() });
    Ok(tokio::spawn(run(db, clock, senders)))
}

async fn run(db: Db, clock: Arc<dyn Clock>, s: Arc<Senders>) {
    let window = s.cfg.batch.max(1) as usize;
    let lease = chrono::Duration::from_std(s.cfg.lease).unwrap_or(chrono::Duration::seconds(60));
    let mut inflight: JoinSet<NotifyOutcome> = JoinSet::new();
    loop {
        let room = window - inflight.len().min(window);
        let mut claimed = 0;
        if room * 2 >= window {
            match db.claim_notices(clock.now(), lease, u32::try_from(room).unwrap_or(u32::MAX)).await {
                Ok(batch) => {
                    claimed = batch.len();
                    let own = unit_templates(&db, &batch).await;
                    for m in batch {
                        let (s, clock) = (s.clone(), clock.clone());
                        let template = m
                            .unit
                            .as_ref()
                            .and_then(|u| own.get(&(u.clone(), m.notice.kind)).cloned())
                            .unwrap_or_else(|| Arc::new(Template::default_for(m.notice.kind)));
                        inflight.spawn(async move {
                            let result = send(&s, &m, &template).await;
                            outcome(&s.cfg, &m, result, clock.now())
                        });
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "notify worker: storage error");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        if inflight.is_empty() {
            if claimed == 0 {
                tokio::time::sleep(s.cfg.idle).await;
            }
            continue;
        }
        let mut outcomes = Vec::new();
        if let Some(Ok(o)) = inflight.join_next().await {
            outcomes.push(o);
        }
        while let Some(Ok(o)) = inflight.try_join_next() {
            outcomes.push(o);
        }
        record(&db, &outcomes, s.cfg.max_attempts).await;
    }
}

/// The templates the units of `batch` replaced (the defaults apply when they cannot be read).
async fn unit_templates(db: &Db, batch: &[NotifyMessage]) -> HashMap<(String, NoticeKind), Arc<Template>> {
    let mut units: Vec<String> = batch.iter().filter_map(|m| m.unit.clone()).collect();
    units.sort();
    units.dedup();
    match db.templates_of(&units).await {
        Ok(list) => list.into_iter().map(|t| ((t.unit, t.kind), Arc::new(t.template))).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "notify worker: cannot read the units' templates; using the defaults");
            HashMap::new()
        }
    }
}

/// Records outcomes, retrying a storage error a few times (if it persists, the leases lapse and
/// the messages are sent again under the same key).
async fn record(db: &Db, outcomes: &[NotifyOutcome], max_attempts: u32) {
    for wait in [0u64, 200, 1000, 3000] {
        tokio::time::sleep(Duration::from_millis(wait)).await;
        match db.record_notices(outcomes, max_attempts).await {
            Ok(()) => return,
            Err(e) => tracing::warn!(error = %e, "notify worker: recording outcomes failed"),
        }
    }
}

/// The citizen's page of the message's subject: the dossier lookup, or the petition lookup.
fn link(public: &str, m: &NotifyMessage) -> String {
    let base = public.trim_end_matches('/');
    match m.notice.kind {
        NoticeKind::PaknAnswered => format!("{base}/phan-anh-kien-nghi/tra-cuu?code={}", m.dossier),
        _ => format!("{base}/tra-cuu/{}", m.dossier),
    }
}

/// Renders and sends one message: `Ok((provider id, delivered))`.
async fn send(s: &Senders, m: &NotifyMessage, template: &Template) -> Result<(String, bool), SendError> {
    let mut params = m.notice.params.clone();
    params.insert("link".into(), link(&s.cfg.public_url, m));
    match m.channel {
        Channel::Email => {
            let mailer =
                s.mailer.as_ref().ok_or_else(|| SendError::temporary("e-mail is not configured (MOTCUA_SMTP_URL)"))?;
            mailer.send(&m.recipient, &m.key, &template.render(&params)).await.map(|id| (id, true))
        }
        Channel::Sms => {
            let cfg =
                s.cfg.sms.as_ref().ok_or_else(|| SendError::temporary("SMS is not configured (MOTCUA_SMS_URL)"))?;
            let text = template.render(&params).sms;
            send_sms(&s.client, cfg, &m.recipient, &m.key, &text).await.map(|id| (id, false))
        }
        Channel::Zns => {
            // Not configured: fail for good so that the fallback channel takes over.
            let cfg = s
                .cfg
                .zns
                .as_ref()
                .ok_or_else(|| SendError::permanent("Zalo ZNS is not configured (MOTCUA_ZNS_URL)"))?;
            let store = (&s.db, s.clock.as_ref());
            send_zns(&s.client, cfg, store, m.notice.kind, &m.recipient, &m.key, params).await.map(|id| (id, false))
        }
    }
}

fn outcome(
    cfg: &NotifyConfig,
    m: &NotifyMessage,
    result: Result<(String, bool), SendError>,
    at: chrono::DateTime<chrono::Utc>,
) -> NotifyOutcome {
    match result {
        Ok((provider_id, true)) => NotifyOutcome::Delivered { id: m.id, provider_id, at },
        Ok((provider_id, false)) => NotifyOutcome::Accepted { id: m.id, provider_id, at },
        Err(SendError { permanent: true, message }) => {
            tracing::warn!(key = %m.key, error = %message, "notice failed for good");
            NotifyOutcome::Failed { id: m.id, error: message, at }
        }
        Err(SendError { message, .. }) => {
            let wait = cfg.backoff(m.attempts, rand::random::<f64>());
            let retry_at = at + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1));
            NotifyOutcome::Retry { id: m.id, error: message, at, retry_at }
        }
    }
}

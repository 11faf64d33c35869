//! The notification outbox: rows written with each dossier change that concerns the citizen
//! ([`enqueue`], called by `dossiers`), claimed under a lease by the sending worker, then
//! accepted, delivered, retried or failed (queuing the fallback channel once).
//!
//! `idempotency_key = {code}:{seq}:{channel}` is unique: an event is never queued twice on one
//! channel, whether by a retried transaction, a fallback or a restarted worker.

use chrono::{DateTime, Utc};
use motcua_domain::dossier::{Dossier, EventKind};
use motcua_domain::notify::outbox::{NotifyMessage, NotifyOutcome, NotifyStore, SentMessage};
use motcua_domain::notify::{Channel, ChannelOrder, Notice, notice_for, notice_for_petition};
use motcua_domain::pakn::{Petition, PetitionEvent};
use motcua_domain::ports::StoreError;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::rows::{instant, int, ms, small};
use crate::{Backend, Db, store_err};

mod templates;
mod zns_tokens;

pub use zns_tokens::ZnsTokens;

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("corrupt {what}: {e}"))
}

/// Queues the citizen's notices for the events `(seq, at, event JSON)` just appended to the
/// dossier whose state after them is `d`, on the connection of the change's own transaction.
/// The applicant's chosen channel order applies (default: e-mail, then SMS).
pub(crate) async fn enqueue<'a>(
    conn: &mut AnyConnection,
    d: &Dossier,
    events: impl Iterator<Item = (u32, DateTime<Utc>, &'a str)>,
) -> Result<(), StoreError> {
    let mut notices = Vec::new();
    for (seq, at, json) in events {
        let kind: EventKind = serde_json::from_str(json).map_err(|e| corrupt("event", e))?;
        if let Some(notice) = notice_for(d, &kind) {
            notices.push((seq, at, notice));
        }
    }
    if notices.is_empty() {
        return Ok(());
    }
    let a = &d.applicant;
    let order = templates::order_of(&mut *conn, a.id_number.as_str()).await?.unwrap_or_default();
    let channels = order.reach(a.email.as_deref(), a.phone.as_deref());
    let Some((channel, recipient)) = channels.first() else { return Ok(()) };
    let unit = d.receiving_unit.as_str();
    for (seq, at, notice) in notices {
        let row = Row1 { code: &d.code.to_string(), unit: Some(unit), seq, channel: *channel, recipient };
        insert(conn, &row, channels.get(1), &notice, at).await?;
    }
    Ok(())
}

/// Queues the petitioner's notice for a petition event (an answer), in the event's transaction.
pub(crate) async fn enqueue_petition(
    conn: &mut AnyConnection,
    p: &Petition,
    seq: u32,
    at: DateTime<Utc>,
    event: &PetitionEvent,
) -> Result<(), StoreError> {
    let Some(notice) = notice_for_petition(p, event) else { return Ok(()) };
    let who = &p.petitioner;
    let channels = ChannelOrder::default().reach(who.email.as_deref(), who.phone.as_deref());
    let Some((channel, recipient)) = channels.first() else { return Ok(()) };
    let code = p.code.to_string();
    let row = Row1 { code: &code, unit: Some(p.unit.as_str()), seq, channel: *channel, recipient };
    insert(conn, &row, channels.get(1), &notice, at).await
}

/// Where one outbox row goes.
struct Row1<'a> {
    code: &'a str,
    unit: Option<&'a str>,
    seq: u32,
    channel: Channel,
    recipient: &'a str,
}

async fn insert(
    conn: &mut AnyConnection,
    r: &Row1<'_>,
    fallback: Option<&(Channel, String)>,
    notice: &Notice,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(notice).map_err(|e| corrupt("notice", e))?;
    sqlx::query(
        "INSERT INTO notify_outbox (dossier_code, seq, channel, recipient, fallback_channel, fallback_recipient,
           notice, idempotency_key, status, attempts, next_at, created_at, updated_at, unit_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, $9, $9, $10)
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(r.code.to_string())
    .bind(i64::from(r.seq))
    .bind(r.channel.as_str())
    .bind(r.recipient.to_string())
    .bind(fallback.map(|f| f.0.as_str()))
    .bind(fallback.map(|f| f.1.clone()))
    .bind(json)
    .bind(format!("{}:{}:{}", r.code, r.seq, r.channel.as_str()))
    .bind(ms(at))
    .bind(r.unit.map(str::to_string))
    .execute(conn)
    .await
    .map_err(store_err)?;
    Ok(())
}

fn channel(r: &AnyRow) -> Result<Channel, StoreError> {
    let s: String = r.try_get("channel").map_err(store_err)?;
    Channel::parse(&s).ok_or_else(|| corrupt("channel", s))
}

/// Fails message `id` for good with `error` and queues its fallback channel (once).
async fn fail(conn: &mut AnyConnection, id: i64, error: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
    let row = sqlx::query(
        "UPDATE notify_outbox SET status = 'failed', updated_at = $1, locked_until = NULL, last_error = $2
         WHERE id = $3 AND status IN ('queued', 'accepted')
         RETURNING dossier_code, unit_code, seq, fallback_channel, fallback_recipient, notice",
    )
    .bind(ms(at))
    .bind(error.chars().take(2000).collect::<String>())
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(store_err)?;
    let Some(r) = row else { return Ok(()) };
    let fallback: Option<String> = r.try_get("fallback_channel").map_err(store_err)?;
    let Some(ch) = fallback.as_deref().and_then(Channel::parse) else { return Ok(()) };
    let recipient: String = r.try_get("fallback_recipient").map_err(store_err)?;
    let notice: String = r.try_get("notice").map_err(store_err)?;
    let notice: Notice = serde_json::from_str(&notice).map_err(|e| corrupt("notice", e))?;
    let code: String = r.try_get("dossier_code").map_err(store_err)?;
    let unit: Option<String> = r.try_get("unit_code").map_err(store_err)?;
    let row =
        Row1 { code: &code, unit: unit.as_deref(), seq: small(int(&r, "seq")?), channel: ch, recipient: &recipient };
    insert(conn, &row, None, &notice, at).await
}

impl NotifyStore for Db {
    async fn claim_notices(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<NotifyMessage>, StoreError> {
        let skip_locked = match self.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE notify_outbox SET locked_until = $1, attempts = attempts + 1, updated_at = $2
             WHERE id IN (
               SELECT id FROM notify_outbox
               WHERE status = 'queued' AND next_at <= $2 AND (locked_until IS NULL OR locked_until < $2)
               ORDER BY next_at, id LIMIT $3{skip_locked})
             RETURNING id, dossier_code, unit_code, seq, channel, recipient, notice, idempotency_key, attempts"
        );
        let mut w = self.write().await?;
        let rows = sqlx::query(&sql)
            .bind(ms(now + lease))
            .bind(ms(now))
            .bind(i64::from(limit.max(1)))
            .fetch_all(w.conn())
            .await
            .map_err(store_err)?;
        w.commit().await?;
        let mut out = rows
            .iter()
            .map(|r| {
                let notice: String = r.try_get("notice").map_err(store_err)?;
                Ok(NotifyMessage {
                    id: int(r, "id")?,
                    dossier: r.try_get("dossier_code").map_err(store_err)?,
                    unit: r.try_get("unit_code").map_err(store_err)?,
                    seq: small(int(r, "seq")?),
                    channel: channel(r)?,
                    recipient: r.try_get("recipient").map_err(store_err)?,
                    notice: serde_json::from_str(&notice).map_err(|e| corrupt("notice", e))?,
                    key: r.try_get("idempotency_key").map_err(store_err)?,
                    attempts: small(int(r, "attempts")?),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        out.sort_by_key(|m| m.id);
        Ok(out)
    }

    async fn record_notices(&self, outcomes: &[NotifyOutcome], max_attempts: u32) -> Result<(), StoreError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let mut w = self.write().await?;
        for o in outcomes {
            let (id, status, provider, at) = match o {
                NotifyOutcome::Accepted { id, provider_id, at } => (*id, "accepted", provider_id, at),
                NotifyOutcome::Delivered { id, provider_id, at } => (*id, "delivered", provider_id, at),
                NotifyOutcome::Failed { id, error, at } => {
                    fail(w.conn(), *id, error, *at).await?;
                    continue;
                }
                NotifyOutcome::Retry { id, error, at, retry_at } => {
                    let attempts: Option<i64> = sqlx::query_scalar("SELECT attempts FROM notify_outbox WHERE id = $1")
                        .bind(*id)
                        .fetch_optional(w.conn())
                        .await
                        .map_err(store_err)?;
                    if attempts.is_some_and(|a| a >= i64::from(max_attempts)) {
                        let error = format!("{error} (after {max_attempts} attempts / sau {max_attempts} lần thử)");
                        fail(w.conn(), *id, &error, *at).await?;
                        continue;
                    }
                    sqlx::query(
                        "UPDATE notify_outbox SET next_at = $1, updated_at = $2, locked_until = NULL, last_error = $3
                         WHERE id = $4 AND status = 'queued'",
                    )
                    .bind(ms(*retry_at))
                    .bind(ms(*at))
                    .bind(error.chars().take(2000).collect::<String>())
                    .bind(*id)
                    .execute(w.conn())
                    .await
                    .map_err(store_err)?;
                    continue;
                }
            };
            // A delivery report may have arrived before the acceptance was recorded: never go back.
            sqlx::query(
                "UPDATE notify_outbox SET status = $1, provider_id = $2, updated_at = $3, locked_until = NULL,
                   last_error = NULL
                 WHERE id = $4 AND status = 'queued'",
            )
            .bind(status)
            .bind(provider.clone())
            .bind(ms(*at))
            .bind(id)
            .execute(w.conn())
            .await
            .map_err(store_err)?;
        }
        w.commit().await
    }

    async fn delivery_report(
        &self,
        provider_id: &str,
        delivered: bool,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut w = self.write().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM notify_outbox WHERE provider_id = $1 AND status IN ('accepted', 'delivered', 'failed')",
        )
        .bind(provider_id.to_string())
        .fetch_optional(w.conn())
        .await
        .map_err(store_err)?;
        let Some(id) = id else {
            w.rollback().await;
            return Ok(false);
        };
        if delivered {
            sqlx::query(
                "UPDATE notify_outbox SET status = 'delivered', updated_at = $1 WHERE id = $2 AND status = 'accepted'",
            )
            .bind(ms(at))
            .bind(id)
            .execute(w.conn())
            .await
            .map_err(store_err)?;
        } else {
            let reason = reason.unwrap_or("undelivered");
            fail(w.conn(), id, &format!("delivery report / báo cáo phát: {reason}"), at).await?;
        }
        w.commit().await?;
        Ok(true)
    }

    async fn notices(&self, dossier: &str) -> Result<Vec<SentMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, channel, recipient, notice, status, attempts, provider_id, last_error, created_at, updated_at
             FROM notify_outbox WHERE dossier_code = $1 ORDER BY seq, id",
        )
        .bind(dossier.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(store_err)?;
        rows.iter()
            .map(|r| {
                let notice: String = r.try_get("notice").map_err(store_err)?;
                let notice: Notice = serde_json::from_str(&notice).map_err(|e| corrupt("notice", e))?;
                Ok(SentMessage {
                    seq: small(int(r, "seq")?),
                    channel: channel(r)?,
                    recipient: r.try_get("recipient").map_err(store_err)?,
                    kind: notice.kind,
                    status: r.try_get("status").map_err(store_err)?,
                    attempts: small(int(r, "attempts")?),
                    provider_id: r.try_get("provider_id").map_err(store_err)?,
                    error: r.try_get("last_error").map_err(store_err)?,
                    created_at: instant(int(r, "created_at")?),
                    updated_at: instant(int(r, "updated_at")?),
                })
            })
            .collect()
    }
}

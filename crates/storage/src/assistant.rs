//! The Zalo OA assistant's tables (migration 0012): messages (each `msg_id` once), the human
//! queue, the reply outbox (claimed under a lease, retried with backoff; a citizen's replies are
//! sent in order, each only after the previous one was sent or failed) and the OA tokens.

use chrono::{DateTime, Utc};
use motcua_domain::assistant::store::{
    AssistantStore, Handling, Inbound, Line, OaTokens, OutboxCounts, Outgoing, SendOutcome, Waiting,
};
use motcua_domain::ports::StoreError;
use sqlx::{AnyConnection, Row};

use crate::rows::{instant, int, ms, small};
use crate::{Backend, Db, store_err};

#[allow(clippy::too_many_arguments)]
async fn enqueue(
    conn: &mut AnyConnection,
    unit: &str,
    user: &str,
    in_reply_to: i64,
    text: &str,
    sender: &str,
    key: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO zalo_outbox (unit_code, user_id, in_reply_to, text, sender, idempotency_key, status, attempts,
           next_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, $7, $7)",
    )
    .bind(unit.to_string())
    .bind(user.to_string())
    .bind(in_reply_to)
    .bind(text.to_string())
    .bind(sender.to_string())
    .bind(key.to_string())
    .bind(ms(at))
    .execute(conn)
    .await
    .map_err(store_err)?;
    Ok(())
}

impl AssistantStore for Db {
    async fn record_inbound(&self, m: &Inbound, handling: &Handling) -> Result<bool, StoreError> {
        let mut w = self.write().await?;
        let needs_human = i64::from(matches!(handling, Handling::HandedOver { .. }));
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO zalo_messages (unit_code, user_id, msg_id, text, intent, procedure_code, needs_human,
               received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (msg_id) DO NOTHING RETURNING id",
        )
        .bind(m.unit.clone())
        .bind(m.user_id.clone())
        .bind(m.msg_id.clone())
        .bind(m.text.chars().take(2000).collect::<String>())
        .bind(m.intent.clone())
        .bind(m.procedure.clone())
        .bind(needs_human)
        .bind(ms(m.at))
        .fetch_optional(w.conn())
        .await
        .map_err(store_err)?;
        let Some(id) = id else {
            w.rollback().await;
            return Ok(false);
        };
        let reply = match handling {
            Handling::Answered { reply } => Some(reply),
            Handling::HandedOver { holding } => {
                let others: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM zalo_messages
                     WHERE user_id = $1 AND unit_code = $2 AND needs_human = 1 AND answered_at IS NULL AND id <> $3",
                )
                .bind(m.user_id.clone())
                .bind(m.unit.clone())
                .bind(id)
                .fetch_one(w.conn())
                .await
                .map_err(store_err)?;
                (others == 0).then_some(holding)
            }
        };
        if let Some(text) = reply {
            let key = format!("{}:assistant", m.msg_id);
            enqueue(w.conn(), &m.unit, &m.user_id, id, text, "assistant", &key, m.at).await?;
        }
        w.commit().await?;
        Ok(true)
    }

    async fn waiting(&self, unit: &str, limit: u32) -> Result<Vec<Waiting>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, user_id, text, received_at FROM zalo_messages
             WHERE unit_code = $1 AND needs_human = 1 AND answered_at IS NULL ORDER BY received_at, id LIMIT $2",
        )
        .bind(unit.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_err)?;
        rows.iter()
            .map(|r| {
                Ok(Waiting {
                    id: int(r, "id")?,
                    user_id: r.try_get("user_id").map_err(store_err)?,
                    text: r.try_get("text").map_err(store_err)?,
                    at: instant(int(r, "received_at")?),
                })
            })
            .collect()
    }

    async fn conversation(&self, unit: &str, user_id: &str, limit: u32) -> Result<Vec<Line>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM (
               SELECT 1 AS inbound, text, NULL AS sender, NULL AS status, received_at AS at, id FROM zalo_messages
                 WHERE unit_code = $1 AND user_id = $2
               UNION ALL
               SELECT 0 AS inbound, text, sender, status, created_at AS at, id FROM zalo_outbox
                 WHERE unit_code = $1 AND user_id = $2) lines
             ORDER BY at DESC, inbound, id DESC LIMIT $3",
        )
        .bind(unit.to_string())
        .bind(user_id.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_err)?;
        let mut lines = rows
            .iter()
            .map(|r| {
                Ok(Line {
                    inbound: int(r, "inbound")? == 1,
                    text: r.try_get("text").map_err(store_err)?,
                    sender: r.try_get("sender").map_err(store_err)?,
                    status: r.try_get("status").map_err(store_err)?,
                    at: instant(int(r, "at")?),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        lines.reverse();
        Ok(lines)
    }

    async fn answer(
        &self,
        unit: &str,
        id: i64,
        officer: &str,
        text: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut w = self.write().await?;
        let row = sqlx::query(
            "SELECT user_id, msg_id, received_at FROM zalo_messages
             WHERE id = $1 AND unit_code = $2 AND needs_human = 1 AND answered_at IS NULL",
        )
        .bind(id)
        .bind(unit.to_string())
        .fetch_optional(w.conn())
        .await
        .map_err(store_err)?;
        let Some(r) = row else {
            w.rollback().await;
            return Ok(false);
        };
        let user: String = r.try_get("user_id").map_err(store_err)?;
        let msg_id: String = r.try_get("msg_id").map_err(store_err)?;
        sqlx::query(
            "UPDATE zalo_messages SET answered_at = $1, answered_by = $2
             WHERE unit_code = $3 AND user_id = $4 AND needs_human = 1 AND answered_at IS NULL AND received_at <= $5",
        )
        .bind(ms(at))
        .bind(officer.to_string())
        .bind(unit.to_string())
        .bind(user.clone())
        .bind(int(&r, "received_at")?)
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        enqueue(w.conn(), unit, &user, id, text, officer, &format!("{msg_id}:officer"), at).await?;
        w.commit().await?;
        Ok(true)
    }

    async fn claim_replies(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<Outgoing>, StoreError> {
        let skip_locked = match self.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE zalo_outbox SET locked_until = $1, attempts = attempts + 1, updated_at = $2
             WHERE id IN (
               SELECT id FROM zalo_outbox o
               WHERE status = 'queued' AND next_at <= $2 AND (locked_until IS NULL OR locked_until < $2)
                 AND NOT EXISTS (SELECT 1 FROM zalo_outbox e WHERE e.user_id = o.user_id AND e.status = 'queued' AND e.id < o.id)
               ORDER BY next_at, id LIMIT $3{skip_locked})
             RETURNING id, user_id, text, idempotency_key, attempts"
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
                Ok(Outgoing {
                    id: int(r, "id")?,
                    user_id: r.try_get("user_id").map_err(store_err)?,
                    text: r.try_get("text").map_err(store_err)?,
                    key: r.try_get("idempotency_key").map_err(store_err)?,
                    attempts: small(int(r, "attempts")?),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        out.sort_by_key(|m| m.id);
        Ok(out)
    }

    async fn record_replies(&self, outcomes: &[SendOutcome], max_attempts: u32) -> Result<(), StoreError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let mut w = self.write().await?;
        for o in outcomes {
            let (sql, id, text, at, next) = match o {
                SendOutcome::Sent { id, message_id, at } => (
                    "UPDATE zalo_outbox SET status = 'sent', provider_id = $1, updated_at = $2, locked_until = NULL,
                       last_error = NULL WHERE id = $3 AND status = 'queued'",
                    *id,
                    message_id.clone(),
                    *at,
                    None,
                ),
                SendOutcome::Retry { id, error, at, retry_at } => {
                    let attempts: Option<i64> = sqlx::query_scalar("SELECT attempts FROM zalo_outbox WHERE id = $1")
                        .bind(*id)
                        .fetch_optional(w.conn())
                        .await
                        .map_err(store_err)?;
                    if attempts.is_some_and(|a| a >= i64::from(max_attempts)) {
                        let e = format!("{error} (after {max_attempts} attempts / sau {max_attempts} lần thử)");
                        ("", *id, e, *at, None)
                    } else {
                        (
                            "UPDATE zalo_outbox SET last_error = $1, updated_at = $2, locked_until = NULL, next_at = $4
                             WHERE id = $3 AND status = 'queued'",
                            *id,
                            error.clone(),
                            *at,
                            Some(*retry_at),
                        )
                    }
                }
                SendOutcome::Failed { id, error, at } => ("", *id, error.clone(), *at, None),
            };
            let sql = if sql.is_empty() {
                "UPDATE zalo_outbox SET status = 'failed', last_error = $1, updated_at = $2, locked_until = NULL
                 WHERE id = $3 AND status = 'queued'"
            } else {
                sql
            };
            let mut q = sqlx::query(sql).bind(text.chars().take(2000).collect::<String>()).bind(ms(at)).bind(id);
            if let Some(next) = next {
                q = q.bind(ms(next));
            }
            q.execute(w.conn()).await.map_err(store_err)?;
        }
        w.commit().await
    }

    async fn reply_counts(&self) -> Result<OutboxCounts, StoreError> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM zalo_outbox GROUP BY status")
            .fetch_all(&self.pool)
            .await
            .map_err(store_err)?;
        let mut c = OutboxCounts::default();
        for r in &rows {
            let status: String = r.try_get("status").map_err(store_err)?;
            let n = u64::try_from(int(r, "n")?).unwrap_or(0);
            match status.as_str() {
                "queued" => c.queued = n,
                "sent" => c.sent = n,
                _ => c.failed += n,
            }
        }
        Ok(c)
    }

    async fn oa_tokens(&self, app_id: &str) -> Result<Option<OaTokens>, StoreError> {
        let row = sqlx::query("SELECT access_token, refresh_token, expires_at FROM zalo_tokens WHERE app_id = $1")
            .bind(app_id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_err)?;
        row.map(|r| {
            Ok(OaTokens {
                access_token: r.try_get("access_token").map_err(store_err)?,
                refresh_token: r.try_get("refresh_token").map_err(store_err)?,
                expires_at: instant(int(&r, "expires_at")?),
            })
        })
        .transpose()
    }

    async fn save_oa_tokens(
        &self,
        app_id: &str,
        t: &OaTokens,
        replacing: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut w = self.write().await?;
        let done = match replacing {
            Some(old) => {
                sqlx::query(
                    "UPDATE zalo_tokens SET access_token = $1, refresh_token = $2, expires_at = $3, updated_at = $4
                     WHERE app_id = $5 AND refresh_token = $6",
                )
                .bind(t.access_token.clone())
                .bind(t.refresh_token.clone())
                .bind(ms(t.expires_at))
                .bind(ms(at))
                .bind(app_id.to_string())
                .bind(old.to_string())
                .execute(w.conn())
                .await
                .map_err(store_err)?
                .rows_affected()
                    == 1
            }
            None => {
                sqlx::query(
                    "INSERT INTO zalo_tokens (app_id, access_token, refresh_token, expires_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (app_id) DO NOTHING",
                )
                .bind(app_id.to_string())
                .bind(t.access_token.clone())
                .bind(t.refresh_token.clone())
                .bind(ms(t.expires_at))
                .bind(ms(at))
                .execute(w.conn())
                .await
                .map_err(store_err)?
                .rows_affected()
                    == 1
            }
        };
        w.commit().await?;
        Ok(done)
    }
}

//! The sync outbox: rows written with each dossier change ([`enqueue`], called by `dossiers`),
//! claimed under a lease by the delivery worker, marked delivered, retried or dead.
//!
//! Per-dossier order: only the earliest undelivered message of a dossier can be claimed, so a
//! change is never delivered before the previous one of the same dossier; a dead message holds
//! back its own dossier only. On PostgreSQL the claim skips rows other servers hold
//! (`FOR UPDATE SKIP LOCKED`); SQLite has one writer anyway.

use chrono::{DateTime, Utc};
use motcua_domain::ports::{ConnectorStatus, DeadMessage, Delivery, OutboxMessage, StoreError, SyncStore};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

mod measure;
mod outcomes;
mod route;

use crate::rows::{instant, int, ms, small};
use crate::{Backend, Db, store_err};

/// Writes one outbox row per connector the change goes to ([`route::connectors_for`]) for a
/// dossier change whose last event is `seq`, on the connection of the change's own transaction.
pub(crate) async fn enqueue(
    conn: &mut AnyConnection,
    code: &str,
    seq: u32,
    at: DateTime<Utc>,
    payload: &str,
) -> Result<(), StoreError> {
    for connector in route::connectors_for(conn, code, payload).await? {
        sqlx::query(
            "INSERT INTO sync_outbox (connector, dossier_code, seq, idempotency_key, payload, status, attempts,
               next_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6, $6)",
        )
        .bind(connector.to_string())
        .bind(code.to_string())
        .bind(i64::from(seq))
        .bind(format!("{code}:{seq}"))
        .bind(payload.to_string())
        .bind(ms(at))
        .execute(&mut *conn)
        .await
        .map_err(store_err)?;
    }
    Ok(())
}

impl SyncStore for Db {
    async fn claim(
        &self,
        connector: &str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let skip_locked = match self.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        // `ORDER BY next_at` alone follows the `(connector, next_at)` index, so a claim stops after
        // its batch; a tie-break on id would sort every queued row (50 ms at 18,000 queued on
        // PostgreSQL). Order between dossiers does not matter; within one, NOT EXISTS keeps it.
        let sql = format!(
            "UPDATE sync_outbox SET locked_until = $1, attempts = attempts + 1, updated_at = $2
             WHERE id IN (
               SELECT o.id FROM sync_outbox o
               WHERE o.connector = $3 AND o.status = 'queued' AND o.next_at <= $2
                 AND (o.locked_until IS NULL OR o.locked_until < $2)
                 AND NOT EXISTS (SELECT 1 FROM sync_outbox p WHERE p.connector = o.connector
                   AND p.dossier_code = o.dossier_code AND p.status <> 'delivered'
                   AND (p.seq < o.seq OR (p.seq = o.seq AND p.id < o.id)))
               ORDER BY o.next_at LIMIT $4{skip_locked})
             RETURNING id, connector, dossier_code, seq, idempotency_key, attempts, payload"
        );
        let mut w = self.write().await?;
        let rows = sqlx::query(&sql)
            .bind(ms(now + lease))
            .bind(ms(now))
            .bind(connector.to_string())
            .bind(i64::from(limit.max(1)))
            .fetch_all(w.conn())
            .await
            .map_err(store_err)?;
        w.commit().await?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: int(r, "id")?,
                    connector: r.try_get("connector").map_err(store_err)?,
                    dossier: r.try_get("dossier_code").map_err(store_err)?,
                    seq: small(int(r, "seq")?),
                    key: r.try_get("idempotency_key").map_err(store_err)?,
                    attempts: small(int(r, "attempts")?),
                    payload: r.try_get("payload").map_err(store_err)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        out.sort_by_key(|m| m.id);
        Ok(out)
    }

    async fn record(&self, outcomes: &[Delivery], max_attempts: u32) -> Result<(), StoreError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let mut w = self.write().await?;
        let delivered: Vec<(i64, &str, i64)> = outcomes
            .iter()
            .filter_map(|o| match o {
                Delivery::Delivered { id, ack, at } => Some((*id, ack.as_str(), ms(*at))),
                _ => None,
            })
            .collect();
        for chunk in delivered.chunks(200) {
            outcomes::mark_delivered(w.conn(), chunk).await?;
        }
        for o in outcomes {
            let q = match o {
                Delivery::Delivered { .. } => continue,
                Delivery::Failed { id, error, at, retry_at } => sqlx::query(
                    "UPDATE sync_outbox SET status = CASE WHEN attempts >= $1 THEN 'dead' ELSE 'queued' END,
                       next_at = $2, updated_at = $3, locked_until = NULL, last_error = $4
                     WHERE id = $5 AND status = 'queued'",
                )
                .bind(i64::from(max_attempts))
                .bind(ms(*retry_at))
                .bind(ms(*at))
                .bind(error.chars().take(2000).collect::<String>())
                .bind(*id),
                Delivery::Rejected { id, error, at } => sqlx::query(
                    "UPDATE sync_outbox SET status = 'dead', updated_at = $1, locked_until = NULL, last_error = $2
                     WHERE id = $3 AND status = 'queued'",
                )
                .bind(ms(*at))
                .bind(format!(
                    "rejected for good / bị từ chối vĩnh viễn: {}",
                    error.chars().take(1900).collect::<String>()
                ))
                .bind(*id),
            };
            q.execute(w.conn()).await.map_err(store_err)?;
        }
        w.commit().await
    }

    async fn sync_status(&self) -> Result<Vec<ConnectorStatus>, StoreError> {
        let rows = sqlx::query(
            // Undelivered rows through their partial index; delivered ones only counted (through
            // theirs), never read: the table grows with every change until pruned.
            "SELECT connector,
               CAST(SUM(CASE WHEN status = 'queued' AND attempts = 0 THEN 1 ELSE 0 END) AS BIGINT) AS pending,
               CAST(SUM(CASE WHEN status = 'queued' AND attempts > 0 THEN 1 ELSE 0 END) AS BIGINT) AS retrying,
               CAST(SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END) AS BIGINT) AS dead,
               CAST(SUM(delivered) AS BIGINT) AS delivered,
               MIN(oldest) AS oldest
             FROM (
               SELECT connector, status, attempts, 0 AS delivered, created_at AS oldest
               FROM sync_outbox WHERE status <> 'delivered'
               UNION ALL
               SELECT connector, 'delivered', 0, COUNT(*), NULL
               FROM sync_outbox WHERE status = 'delivered' GROUP BY connector
             ) s GROUP BY connector ORDER BY connector",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(store_err)?;
        let count = |r: &AnyRow, c: &str| -> Result<u64, StoreError> {
            let v: Option<i64> = r.try_get(c).map_err(store_err)?;
            Ok(u64::try_from(v.unwrap_or(0)).unwrap_or(0))
        };
        rows.iter()
            .map(|r| {
                let oldest: Option<i64> = r.try_get("oldest").map_err(store_err)?;
                Ok(ConnectorStatus {
                    connector: r.try_get("connector").map_err(store_err)?,
                    pending: count(r, "pending")?,
                    retrying: count(r, "retrying")?,
                    dead: count(r, "dead")?,
                    delivered: count(r, "delivered")?,
                    oldest_undelivered_at: oldest.map(instant),
                })
            })
            .collect()
    }

    async fn dead_messages(&self, limit: u32) -> Result<Vec<DeadMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, connector, dossier_code, seq, idempotency_key, attempts, last_error, created_at, updated_at
             FROM sync_outbox WHERE status = 'dead' ORDER BY id LIMIT $1",
        )
        .bind(i64::from(limit.clamp(1, 1000)))
        .fetch_all(&self.pool)
        .await
        .map_err(store_err)?;
        rows.iter()
            .map(|r| {
                Ok(DeadMessage {
                    id: int(r, "id")?,
                    connector: r.try_get("connector").map_err(store_err)?,
                    dossier: r.try_get("dossier_code").map_err(store_err)?,
                    seq: small(int(r, "seq")?),
                    key: r.try_get("idempotency_key").map_err(store_err)?,
                    attempts: small(int(r, "attempts")?),
                    last_error: r.try_get("last_error").map_err(store_err)?,
                    created_at: instant(int(r, "created_at")?),
                    updated_at: instant(int(r, "updated_at")?),
                })
            })
            .collect()
    }

    async fn replay(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE sync_outbox SET status = 'queued', attempts = 0, next_at = $1, updated_at = $1,
               locked_until = NULL WHERE id = $2 AND status = 'dead'",
        )
        .bind(ms(now))
        .bind(id)
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        if done.rows_affected() == 0 {
            w.rollback().await;
            return Err(StoreError::NotFound);
        }
        w.commit().await
    }

    async fn repush(&self, connector: &str, code: &str, now: DateTime<Utc>) -> Result<String, StoreError> {
        let mut w = self.write().await?;
        let row: Option<(i64, String)> = sqlx::query_as("SELECT version, data FROM dossiers WHERE code = $1")
            .bind(code.to_string())
            .fetch_optional(w.conn())
            .await
            .map_err(store_err)?;
        let Some((version, data)) = row else {
            w.rollback().await;
            return Err(StoreError::NotFound);
        };
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sync_outbox WHERE connector = $1 AND dossier_code = $2 AND seq = $3",
        )
        .bind(connector.to_string())
        .bind(code.to_string())
        .bind(version)
        .fetch_one(w.conn())
        .await
        .map_err(store_err)?;
        let key = format!("{code}:{version}:r{n}");
        sqlx::query(
            "INSERT INTO sync_outbox (connector, dossier_code, seq, idempotency_key, payload, status, attempts,
               next_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6, $6)",
        )
        .bind(connector.to_string())
        .bind(code.to_string())
        .bind(version)
        .bind(key.clone())
        .bind(data)
        .bind(ms(now))
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await?;
        Ok(key)
    }

    async fn prune_delivered(&self, connector: &str, before: DateTime<Utc>, limit: u32) -> Result<u64, StoreError> {
        let mut w = self.write().await?;
        let done = sqlx::query(
            "DELETE FROM sync_outbox WHERE id IN (
               SELECT o.id FROM sync_outbox o
               WHERE o.connector = $1 AND o.status = 'delivered' AND o.delivered_at < $2
                 AND EXISTS (SELECT 1 FROM sync_outbox n WHERE n.connector = o.connector
                   AND n.dossier_code = o.dossier_code AND n.seq > o.seq AND n.status = 'delivered')
               ORDER BY o.id LIMIT $3)",
        )
        .bind(connector.to_string())
        .bind(ms(before))
        .bind(i64::from(limit.max(1)))
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await?;
        Ok(done.rows_affected())
    }
}

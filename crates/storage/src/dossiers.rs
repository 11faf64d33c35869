//! Dossiers: creation with gap-free daily codes, commands appended to each dossier's hash chain,
//! and the projection written in the same transaction.

use chrono::{DateTime, FixedOffset, Utc};
use motcua_domain::dossier::chain::{GENESIS, Sealed, StoredEvent};
use motcua_domain::dossier::{Dossier, DossierCode, Event, EventKind, LifecycleError, SecretHash, Status, evolve};
use motcua_domain::ports::{Creation, DossierFilter, DossierPage, DossierStore, ExecuteError, FollowUp, StoreError};
use motcua_domain::staff::Actor;
use motcua_domain::unit::AgencyCode;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::rows::{Params, instant, ms};
use crate::{Db, store_err};

mod verify;

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("corrupt {what}: {e}"))
}

fn dossier_from_row(r: &AnyRow) -> Result<Dossier, StoreError> {
    let data: String = r.try_get("data").map_err(store_err)?;
    serde_json::from_str(&data).map_err(|e| corrupt("dossier projection", e))
}

/// The local (UTC+7) calendar day, which dossier codes and sequences are counted by.
fn local_day(at: DateTime<Utc>) -> chrono::NaiveDate {
    let vn = FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
    at.with_timezone(&vn).date_naive()
}

/// One event sealed in memory, ready to insert.
struct SealedRow {
    seq: u32,
    at: DateTime<Utc>,
    actor_json: String,
    command: &'static str,
    before: Option<Status>,
    after: Status,
    data_json: String,
    prev_hash: String,
    hash: String,
}

/// A dossier whose new events are sealed in memory first, then written with its projection in
/// as few statements as possible (one multi-row insert for the events, one write of the row).
struct Pending {
    code: DossierCode,
    head: String,
    last_at: Option<DateTime<Utc>>,
    state: Option<Dossier>,
    rows: Vec<SealedRow>,
}

impl Pending {
    /// Evolves the state and seals the event onto the chain. Its instant is never before the
    /// previous event's, so the chain's time order holds even when servers' clocks disagree.
    fn push(&mut self, actor: &Actor, at: DateTime<Utc>, kind: EventKind) -> Result<(), StoreError> {
        let at = self.last_at.map_or(at, |last| at.max(last));
        let current = self.state.take();
        let seq = current.as_ref().map_or(1, |d| d.version + 1);
        let before = current.as_ref().map(|d| d.status);
        let after = evolve(current, &self.code, at, &kind);
        let actor_json = serde_json::to_string(actor).map_err(|e| corrupt("actor", e))?;
        let data_json = serde_json::to_string(&kind).map_err(|e| corrupt("event", e))?;
        let code = self.code.to_string();
        let hash = Sealed {
            dossier: &code,
            seq,
            at,
            actor_json: &actor_json,
            before,
            after: after.status,
            data_json: &data_json,
            prev_hash: &self.head,
        }
        .hash();
        self.rows.push(SealedRow {
            seq,
            at,
            actor_json,
            command: kind.command(),
            before,
            after: after.status,
            data_json,
            prev_hash: std::mem::replace(&mut self.head, hash.clone()),
            hash,
        });
        self.last_at = Some(at);
        self.state = Some(after);
        Ok(())
    }

    fn state(&self) -> Result<&Dossier, StoreError> {
        self.state.as_ref().ok_or_else(|| StoreError::Backend("a dossier without events".into()))
    }

    /// Inserts the sealed events of dossier `id` in one statement.
    async fn insert_events(&self, conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
        let mut p = Params::default();
        let mut values = Vec::with_capacity(self.rows.len());
        for r in &self.rows {
            let cols = [
                p.int(id),
                p.int(i64::from(r.seq)),
                p.int(ms(r.at)),
                p.text(r.actor_json.clone()),
                p.text(r.command),
                r.before.map_or_else(|| "NULL".to_string(), |b| p.int(i64::from(b.code()))),
                p.int(i64::from(r.after.code())),
                p.text(r.data_json.clone()),
                p.text(r.prev_hash.clone()),
                p.text(r.hash.clone()),
            ];
            values.push(format!("({})", cols.join(", ")));
        }
        let sql = format!(
            "INSERT INTO dossier_events (dossier_id, seq, at, actor, command, before_status, after_status, data, prev_hash, hash)
             VALUES {}",
            values.join(", ")
        );
        p.apply(sqlx::query(&sql)).execute(conn).await.map_err(store_err)?;
        Ok(())
    }

    /// Writes the change's sync outbox rows (one per connector) and the citizen's notices in the
    /// same transaction.
    async fn enqueue_sync(&self, conn: &mut AnyConnection, projection: &str) -> Result<(), StoreError> {
        let (Some(last), Some(at)) = (self.rows.last(), self.last_at) else {
            return Ok(());
        };
        let events = self.rows.iter().map(|r| (r.seq, r.at, r.data_json.as_str()));
        crate::notify::enqueue(&mut *conn, self.state()?, events).await?;
        crate::sync::enqueue(conn, &self.code.to_string(), last.seq, at, projection).await
    }

    /// The projection as stored (serialized once, for the row and the outbox alike).
    fn projection_json(&self) -> Result<String, StoreError> {
        serde_json::to_string(self.state()?).map_err(|e| corrupt("dossier projection", e))
    }

    /// Rewrites the projection of an existing dossier.
    async fn update_row(&self, conn: &mut AnyConnection, id: i64, data: &str) -> Result<(), StoreError> {
        let d = self.state()?;
        sqlx::query(
            "UPDATE dossiers SET handling_unit = $1, status = $2, received_at = $3, due_at = $4, ended_at = $5,
               supplement_requests = $6, version = $7, last_hash = $8, last_event_at = $9, data = $10 WHERE id = $11",
        )
        .bind(d.handling_unit.as_str().to_string())
        .bind(i64::from(d.status.code()))
        .bind(d.received_at.map(ms))
        .bind(d.due_at.map(ms))
        .bind(d.ended_at.map(ms))
        .bind(i64::from(d.supplement_requests))
        .bind(i64::from(d.version))
        .bind(self.head.clone())
        .bind(self.last_at.map(ms).unwrap_or_default())
        .bind(data.to_string())
        .bind(id)
        .execute(conn)
        .await
        .map_err(store_err)?;
        Ok(())
    }

    /// Inserts a new dossier's row with its projection; returns its id.
    async fn insert_row(
        &self,
        conn: &mut AnyConnection,
        province: &str,
        secret: &SecretHash,
        data: &str,
    ) -> Result<i64, StoreError> {
        let d = self.state()?;
        sqlx::query_scalar(
            "INSERT INTO dossiers (code, procedure_code, receiving_unit, handling_unit, province, channel, status,
               submitted_at, received_at, due_at, ended_at, supplement_requests, secret_hash, version, last_hash,
               last_event_at, data)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
        )
        .bind(self.code.to_string())
        .bind(d.procedure.as_str().to_string())
        .bind(d.receiving_unit.as_str().to_string())
        .bind(d.handling_unit.as_str().to_string())
        .bind(province.to_string())
        .bind(i64::from(d.channel.code()))
        .bind(i64::from(d.status.code()))
        .bind(ms(d.submitted_at))
        .bind(d.received_at.map(ms))
        .bind(d.due_at.map(ms))
        .bind(d.ended_at.map(ms))
        .bind(i64::from(d.supplement_requests))
        .bind(secret.as_str().to_string())
        .bind(i64::from(d.version))
        .bind(self.head.clone())
        .bind(self.last_at.map(ms).unwrap_or_default())
        .bind(data.to_string())
        .fetch_one(conn)
        .await
        .map_err(store_err)
    }
}

impl DossierStore for Db {
    async fn create<F>(&self, c: Creation, then: Option<F>) -> Result<Dossier, ExecuteError<LifecycleError>>
    where
        F: FnOnce(&Dossier) -> Result<Vec<FollowUp>, LifecycleError> + Send,
    {
        let mut w = self.write().await?;
        let unit = sqlx::query("SELECT agency, parent FROM units WHERE code = $1")
            .bind(c.new.receiving_unit.as_str().to_string())
            .fetch_optional(w.conn())
            .await
            .map_err(store_err)?
            .ok_or(StoreError::NotFound)?;
        let agency: String = unit.try_get("agency").map_err(store_err)?;
        let province: Option<String> = unit.try_get("parent").map_err(store_err)?;
        let agency = AgencyCode::parse(&agency).map_err(|e| corrupt("unit", e))?;
        let day = local_day(c.at);
        // One row per agency and day, incremented inside this transaction: a rollback takes the
        // number back (no gaps) and the row lock serialises concurrent submissions (no duplicates).
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO dossier_sequences (agency, day, last) VALUES ($1, $2, 1)
             ON CONFLICT (agency, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last",
        )
        .bind(agency.as_str().to_string())
        .bind(day.to_string())
        .fetch_one(w.conn())
        .await
        .map_err(store_err)?;
        let code = DossierCode::new(agency, day, u32::try_from(seq).map_err(|e| corrupt("sequence", e))?);
        let mut pending = Pending { code, head: GENESIS.to_string(), last_at: None, state: None, rows: Vec::new() };
        pending.push(&c.actor, c.at, EventKind::Submitted { dossier: Box::new(c.new) })?;
        if let Some(then) = then {
            match then(pending.state()?) {
                Ok(follow_ups) => {
                    for f in follow_ups {
                        pending.push(&f.actor, f.at, f.kind)?;
                    }
                }
                Err(e) => {
                    w.rollback().await;
                    return Err(ExecuteError::Rejected(e));
                }
            }
        }
        let data = pending.projection_json()?;
        let id = pending.insert_row(w.conn(), province.as_deref().unwrap_or_default(), &c.secret, &data).await?;
        pending.insert_events(w.conn(), id).await?;
        pending.enqueue_sync(w.conn(), &data).await?;
        w.commit().await?;
        Ok(pending.state.take().expect("pushed above"))
    }

    async fn execute<F, E>(
        &self,
        code: &DossierCode,
        actor: &Actor,
        at: DateTime<Utc>,
        decide: F,
    ) -> Result<Dossier, ExecuteError<E>>
    where
        F: FnOnce(&Dossier) -> Result<EventKind, E> + Send,
        E: Send,
    {
        let mut w = self.write().await?;
        let row = sqlx::query(&format!(
            "SELECT id, data, last_hash, last_event_at FROM dossiers WHERE code = $1{}",
            self.for_update()
        ))
        .bind(code.to_string())
        .fetch_optional(w.conn())
        .await
        .map_err(store_err)?
        .ok_or(StoreError::NotFound)?;
        let id: i64 = row.try_get("id").map_err(store_err)?;
        let prev: String = row.try_get("last_hash").map_err(store_err)?;
        let current = dossier_from_row(&row)?;
        let kind = match decide(&current) {
            Ok(k) => k,
            Err(e) => {
                w.rollback().await;
                return Err(ExecuteError::Rejected(e));
            }
        };
        let last_at = instant(row.try_get("last_event_at").map_err(store_err)?);
        let mut pending =
            Pending { code: code.clone(), head: prev, last_at: Some(last_at), state: Some(current), rows: Vec::new() };
        pending.push(actor, at, kind)?;
        let data = pending.projection_json()?;
        pending.insert_events(w.conn(), id).await?;
        pending.update_row(w.conn(), id, &data).await?;
        pending.enqueue_sync(w.conn(), &data).await?;
        w.commit().await?;
        Ok(pending.state.take().expect("pushed above"))
    }

    async fn dossier(&self, code: &DossierCode) -> Result<Option<Dossier>, StoreError> {
        let row = sqlx::query("SELECT data FROM dossiers WHERE code = $1")
            .bind(code.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_err)?;
        row.as_ref().map(dossier_from_row).transpose()
    }

    async fn secret_hash(&self, code: &DossierCode) -> Result<Option<SecretHash>, StoreError> {
        let h: Option<String> = sqlx::query_scalar("SELECT secret_hash FROM dossiers WHERE code = $1")
            .bind(code.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_err)?;
        Ok(h.map(SecretHash::from_stored))
    }

    async fn list(&self, f: &DossierFilter, cursor: Option<&str>, limit: u32) -> Result<DossierPage, StoreError> {
        let mut p = Params::default();
        let mut sql = String::from("SELECT id, data FROM dossiers WHERE 1 = 1");
        if let Some(u) = &f.unit {
            let a = p.text(u.as_str());
            let b = p.text(u.as_str());
            sql.push_str(&format!(" AND (receiving_unit = {a} OR handling_unit = {b})"));
        }
        if let Some(prov) = &f.province {
            sql.push_str(&format!(" AND province = {}", p.text(prov.as_str())));
        }
        if let Some(s) = f.status {
            sql.push_str(&format!(" AND status = {}", p.int(i64::from(s.code()))));
        }
        if let Some(pc) = &f.procedure {
            sql.push_str(&format!(" AND procedure_code = {}", p.text(pc.as_str())));
        }
        if let Some(ch) = f.channel {
            sql.push_str(&format!(" AND channel = {}", p.int(i64::from(ch.code()))));
        }
        if let Some(t) = f.due_before {
            sql.push_str(&format!(" AND due_at < {}", p.int(ms(t))));
        }
        if let Some(t) = f.submitted_from {
            sql.push_str(&format!(" AND submitted_at >= {}", p.int(ms(t))));
        }
        if let Some(t) = f.submitted_to {
            sql.push_str(&format!(" AND submitted_at < {}", p.int(ms(t))));
        }
        if let Some(now) = f.late_at {
            let n = p.int(ms(now));
            let paused = [Status::SupplementRequested.code(), Status::FinancialObligation.code()];
            sql.push_str(&format!(
                " AND due_at IS NOT NULL AND status <> {refused} AND (supplement_requests > 1 OR ended_at > due_at
                   OR (ended_at IS NULL AND status NOT IN ({}, {}) AND due_at < {n}))",
                paused[0],
                paused[1],
                refused = Status::Refused.code()
            ));
        }
        if let Some(c) = cursor {
            let id: i64 = c.parse().map_err(|_| StoreError::Conflict("invalid cursor".into()))?;
            sql.push_str(&format!(" AND id < {}", p.int(id)));
        }
        let limit = i64::from(limit.clamp(1, 500));
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {}", p.int(limit + 1)));
        let rows = p.apply(sqlx::query(&sql)).fetch_all(&self.pool).await.map_err(store_err)?;
        let more = rows.len() as i64 > limit;
        let rows = &rows[..rows.len().min(limit as usize)];
        let next_cursor = if more {
            rows.last().map(|r| r.try_get::<i64, _>("id").map(|id| id.to_string())).transpose().map_err(store_err)?
        } else {
            None
        };
        let items = rows.iter().map(dossier_from_row).collect::<Result<_, _>>()?;
        Ok(DossierPage { items, next_cursor })
    }

    async fn events(&self, code: &DossierCode) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.seq, e.at, e.actor, e.before_status, e.after_status, e.data, e.prev_hash, e.hash
             FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id WHERE d.code = $1 ORDER BY e.seq",
        )
        .bind(code.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(store_err)?;
        rows.iter().map(|r| event_from_row(code, r)).collect()
    }

    async fn verify_all(&self) -> Result<motcua_domain::ports::VerifyReport, StoreError> {
        verify::verify_all(self).await
    }
}

/// Reads a stored event, keeping the exact JSON texts its hash covers. An unreadable payload is
/// reported by the chain check rather than failing the read.
pub(crate) fn event_from_row(code: &DossierCode, r: &AnyRow) -> Result<StoredEvent, StoreError> {
    let actor_json: String = r.try_get("actor").map_err(store_err)?;
    let data_json: String = r.try_get("data").map_err(store_err)?;
    let seq: i64 = r.try_get("seq").map_err(store_err)?;
    let before: Option<i64> = r.try_get("before_status").map_err(store_err)?;
    let after: i64 = r.try_get("after_status").map_err(store_err)?;
    let event = Event {
        dossier: code.clone(),
        seq: u32::try_from(seq).unwrap_or(0),
        at: instant(r.try_get("at").map_err(store_err)?),
        actor: serde_json::from_str(&actor_json).unwrap_or(Actor::System),
        before: before.and_then(Status::from_code),
        after: Status::from_code(after).unwrap_or(Status::Submitted),
        kind: serde_json::from_str(&data_json).unwrap_or(EventKind::ProcessingStarted),
        prev_hash: r.try_get("prev_hash").map_err(store_err)?,
        hash: r.try_get("hash").map_err(store_err)?,
    };
    Ok(StoredEvent { event, actor_json, data_json })
}

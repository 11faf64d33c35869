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

/// A dossier row held under the write lock: where its chain ends and its current state.
struct Locked {
    id: i64,
    code: DossierCode,
    head: String,
    state: Option<Dossier>,
}

impl Locked {
    /// Appends one event to the chain and rewrites the projection, in the caller's transaction.
    async fn append(
        &mut self,
        conn: &mut AnyConnection,
        actor: &Actor,
        at: DateTime<Utc>,
        kind: EventKind,
    ) -> Result<(), StoreError> {
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
        sqlx::query(
            "INSERT INTO dossier_events (dossier_id, seq, at, actor, command, before_status, after_status, data, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(self.id)
        .bind(i64::from(seq))
        .bind(ms(at))
        .bind(actor_json)
        .bind(kind.command())
        .bind(before.map(|s| i64::from(s.code())))
        .bind(i64::from(after.status.code()))
        .bind(data_json)
        .bind(self.head.clone())
        .bind(hash.clone())
        .execute(&mut *conn)
        .await
        .map_err(store_err)?;
        let data = serde_json::to_string(&after).map_err(|e| corrupt("dossier projection", e))?;
        sqlx::query(
            "UPDATE dossiers SET handling_unit = $1, status = $2, received_at = $3, due_at = $4, ended_at = $5,
               supplement_requests = $6, version = $7, last_hash = $8, data = $9 WHERE id = $10",
        )
        .bind(after.handling_unit.as_str().to_string())
        .bind(i64::from(after.status.code()))
        .bind(after.received_at.map(ms))
        .bind(after.due_at.map(ms))
        .bind(after.ended_at.map(ms))
        .bind(i64::from(after.supplement_requests))
        .bind(i64::from(after.version))
        .bind(hash.clone())
        .bind(data)
        .bind(self.id)
        .execute(&mut *conn)
        .await
        .map_err(store_err)?;
        self.head = hash;
        self.state = Some(after);
        Ok(())
    }

    fn into_state(self) -> Result<Dossier, StoreError> {
        self.state.ok_or_else(|| StoreError::Backend("a dossier without events".into()))
    }
}

/// The instant of the dossier's last event: new events are never dated before it, so the
/// chain's time order holds even when app servers' clocks disagree slightly.
async fn last_event_at(conn: &mut AnyConnection, id: i64, seq: u32) -> Result<DateTime<Utc>, StoreError> {
    let at: i64 = sqlx::query_scalar("SELECT at FROM dossier_events WHERE dossier_id = $1 AND seq = $2")
        .bind(id)
        .bind(i64::from(seq))
        .fetch_one(conn)
        .await
        .map_err(store_err)?;
    Ok(instant(at))
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
        let kind = EventKind::Submitted { dossier: Box::new(c.new.clone()) };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO dossiers (code, procedure_code, receiving_unit, handling_unit, province, channel, status,
               submitted_at, supplement_requests, secret_hash, version, last_hash, data)
             VALUES ($1, $2, $3, $3, $4, $5, $6, $7, 0, $8, 0, $9, '{}') RETURNING id",
        )
        .bind(code.to_string())
        .bind(c.new.procedure.as_str().to_string())
        .bind(c.new.receiving_unit.as_str().to_string())
        .bind(province.unwrap_or_default())
        .bind(i64::from(c.new.channel.code()))
        .bind(i64::from(Status::Submitted.code()))
        .bind(ms(c.at))
        .bind(c.secret.as_str().to_string())
        .bind(GENESIS)
        .fetch_one(w.conn())
        .await
        .map_err(store_err)?;
        let mut locked = Locked { id, code, head: GENESIS.to_string(), state: None };
        locked.append(w.conn(), &c.actor, c.at, kind).await?;
        if let Some(then) = then {
            let follow_ups = match then(locked.state.as_ref().expect("just appended")) {
                Ok(f) => f,
                Err(e) => {
                    w.rollback().await;
                    return Err(ExecuteError::Rejected(e));
                }
            };
            let mut at = c.at;
            for f in follow_ups {
                at = at.max(f.at);
                locked.append(w.conn(), &f.actor, at, f.kind).await?;
            }
        }
        w.commit().await?;
        Ok(locked.into_state()?)
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
        let row =
            sqlx::query(&format!("SELECT id, data, last_hash FROM dossiers WHERE code = $1{}", self.for_update()))
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
        let at = at.max(last_event_at(w.conn(), id, current.version).await?);
        let mut locked = Locked { id, code: code.clone(), head: prev, state: Some(current) };
        locked.append(w.conn(), actor, at, kind).await?;
        w.commit().await?;
        Ok(locked.into_state()?)
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

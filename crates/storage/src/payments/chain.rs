//! Appending a payment's event to its dossier's hash chain, in the payment's own transaction.

use chrono::{DateTime, Utc};
use motcua_domain::dossier::chain::Sealed;
use motcua_domain::dossier::{Dossier, DossierCode, EventKind, evolve};
use motcua_domain::payment::Payment;
use motcua_domain::ports::StoreError;
use motcua_domain::staff::Actor;
use sqlx::{AnyConnection, Row};

use super::corrupt;
use crate::rows::{instant, ms};
use crate::store_err;

/// Appends one event to a dossier's chain and rewrites what it changes of the projection (the
/// version, head and data; payment events change no indexed column), with its sync outbox row.
pub(super) async fn append_event(
    conn: &mut AnyConnection,
    for_update: &str,
    code: &DossierCode,
    actor: &Actor,
    at: DateTime<Utc>,
    kind: EventKind,
) -> Result<Dossier, StoreError> {
    let row =
        sqlx::query(&format!("SELECT id, data, last_hash, last_event_at FROM dossiers WHERE code = $1{for_update}"))
            .bind(code.to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(store_err)?
            .ok_or(StoreError::NotFound)?;
    let id: i64 = row.try_get("id").map_err(store_err)?;
    let prev: String = row.try_get("last_hash").map_err(store_err)?;
    let data: String = row.try_get("data").map_err(store_err)?;
    let current: Dossier = serde_json::from_str(&data).map_err(|e| corrupt("dossier projection", e))?;
    let at = at.max(instant(row.try_get("last_event_at").map_err(store_err)?));
    let seq = current.version + 1;
    let before = current.status;
    let actor_json = serde_json::to_string(actor).map_err(|e| corrupt("actor", e))?;
    let data_json = serde_json::to_string(&kind).map_err(|e| corrupt("event", e))?;
    let command = kind.command();
    let after = evolve(Some(current), code, at, &kind);
    let code_text = code.to_string();
    let hash = Sealed {
        dossier: &code_text,
        seq,
        at,
        actor_json: &actor_json,
        before: Some(before),
        after: after.status,
        data_json: &data_json,
        prev_hash: &prev,
    }
    .hash();
    sqlx::query(
        "INSERT INTO dossier_events (dossier_id, seq, at, actor, command, before_status, after_status, data, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(i64::from(seq))
    .bind(ms(at))
    .bind(actor_json)
    .bind(command.to_string())
    .bind(i64::from(before.code()))
    .bind(i64::from(after.status.code()))
    .bind(data_json)
    .bind(prev)
    .bind(hash.clone())
    .execute(&mut *conn)
    .await
    .map_err(store_err)?;
    let projection = serde_json::to_string(&after).map_err(|e| corrupt("dossier projection", e))?;
    sqlx::query("UPDATE dossiers SET version = $1, last_hash = $2, last_event_at = $3, data = $4 WHERE id = $5")
        .bind(i64::from(after.version))
        .bind(hash)
        .bind(ms(at))
        .bind(projection.clone())
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(store_err)?;
    crate::sync::enqueue(conn, &code_text, seq, at, &projection).await?;
    Ok(after)
}

pub(super) fn event(p: &Payment) -> EventKind {
    EventKind::PaymentRecorded {
        payment: p.reference.clone(),
        method: p.method,
        amount: p.amount,
        state: p.state,
        gateway_txn: p.gateway_txn.clone(),
    }
}

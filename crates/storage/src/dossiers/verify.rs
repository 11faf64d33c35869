//! `motcua verify`: every dossier's hash chain, its head, and its projection against a replay.

use motcua_domain::dossier::chain::{self, BrokenLink, StoredEvent};
use motcua_domain::dossier::{Dossier, DossierCode, replay};
use motcua_domain::ports::{StoreError, VerifyReport};
use sqlx::Row;

use super::{dossier_from_row, event_from_row};
use crate::{Db, store_err};

/// Dossiers checked per round trip.
const BATCH: i64 = 500;

pub(super) async fn verify_all(db: &Db) -> Result<VerifyReport, StoreError> {
    let mut report = VerifyReport::default();
    let mut after_id = 0i64;
    loop {
        let dossiers =
            sqlx::query("SELECT id, code, version, last_hash, data FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after_id)
                .bind(BATCH)
                .fetch_all(&db.pool)
                .await
                .map_err(store_err)?;
        let Some(last) = dossiers.last() else { break };
        let last_id: i64 = last.try_get("id").map_err(store_err)?;
        let events = sqlx::query(
            "SELECT dossier_id, seq, at, actor, before_status, after_status, data, prev_hash, hash
             FROM dossier_events WHERE dossier_id > $1 AND dossier_id <= $2 ORDER BY dossier_id, seq",
        )
        .bind(after_id)
        .bind(last_id)
        .fetch_all(&db.pool)
        .await
        .map_err(store_err)?;
        let mut events = events.iter().peekable();
        for d in &dossiers {
            let id: i64 = d.try_get("id").map_err(store_err)?;
            let code_text: String = d.try_get("code").map_err(store_err)?;
            let code = DossierCode::parse(&code_text).map_err(|e| StoreError::Backend(e.to_string()))?;
            let mut mine: Vec<StoredEvent> = Vec::new();
            while let Some(e) = events.next_if(|e| e.try_get::<i64, _>("dossier_id").ok() == Some(id)) {
                mine.push(event_from_row(&code, e)?);
            }
            report.dossiers += 1;
            report.events += mine.len() as u64;
            let version: i64 = d.try_get("version").map_err(store_err)?;
            let head: String = d.try_get("last_hash").map_err(store_err)?;
            if let Err(broken) = check(&code_text, &mine, version, &head) {
                report.broken.push((code_text, broken));
                continue;
            }
            let stored: Option<Dossier> = dossier_from_row(d).ok();
            let replayed = replay(&mine.into_iter().map(|e| e.event).collect::<Vec<_>>());
            if stored != replayed {
                report.drifted.push(code_text);
            }
        }
        after_id = last_id;
    }
    Ok(report)
}

/// The chain itself, then its head: a deleted last event leaves a valid but short chain, which
/// the projection's version and last hash expose.
fn check(code: &str, events: &[StoredEvent], version: i64, head: &str) -> Result<(), BrokenLink> {
    chain::verify(code, events)?;
    let n = events.len() as u32;
    if i64::from(n) != version {
        let recorded = u32::try_from(version).unwrap_or(0);
        return Err(BrokenLink::Missing { seq: n + 1, recorded, found: n });
    }
    if events.last().map_or(chain::GENESIS, |e| e.event.hash.as_str()) != head {
        return Err(BrokenLink::HeadMismatch { seq: n });
    }
    Ok(())
}

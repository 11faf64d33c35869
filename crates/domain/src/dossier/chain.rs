//! The hash chain over each dossier's events: edited, deleted or back-dated events are detectable.
//!
//! Each event stores the hash of the previous one; its own hash covers the dossier code, its
//! sequence number, instant, actor, statuses, payload and that previous hash. Storage keeps
//! the exact JSON text of actor and payload, so the hash is recomputed from what is stored.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{Event, Status};

/// The `prev_hash` of a dossier's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an event as stored, borrowed for hashing.
pub struct Sealed<'a> {
    pub dossier: &'a str,
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub actor_json: &'a str,
    pub before: Option<Status>,
    pub after: Status,
    pub data_json: &'a str,
    pub prev_hash: &'a str,
}

impl Sealed<'_> {
    /// Hex SHA-256 of the event, fields separated by a unit separator so none can bleed into another.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        let before = self.before.map_or(0, Status::code);
        for part in [
            "motcua-event-v1",
            self.dossier,
            &self.seq.to_string(),
            &self.at.timestamp_millis().to_string(),
            self.actor_json,
            &before.to_string(),
            &self.after.code().to_string(),
            self.data_json,
            self.prev_hash,
        ] {
            h.update(part.as_bytes());
            h.update([0x1f]);
        }
        hex::encode(h.finalize())
    }
}

/// The first problem found in a dossier's chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrokenLink {
    #[error("event {seq}: expected sequence number {expected} (an event is missing or duplicated)")]
    Gap { seq: u32, expected: u32 },
    #[error("event {seq}: previous-hash does not match event {prev} (an earlier event was changed or removed)")]
    PrevMismatch { seq: u32, prev: u32 },
    #[error("event {seq}: content does not match its hash (the event was edited)")]
    HashMismatch { seq: u32 },
    #[error("event {seq}: dated before the event preceding it (back-dated)")]
    BackDated { seq: u32 },
    #[error("event {seq}: missing (the dossier records {recorded} events, the log has {found})")]
    Missing { seq: u32, recorded: u32, found: u32 },
    #[error("event {seq}: the dossier's recorded head hash differs (the last event was replaced)")]
    HeadMismatch { seq: u32 },
}

impl BrokenLink {
    pub fn seq(&self) -> u32 {
        match self {
            BrokenLink::Gap { seq, .. }
            | BrokenLink::PrevMismatch { seq, .. }
            | BrokenLink::HashMismatch { seq }
            | BrokenLink::BackDated { seq }
            | BrokenLink::Missing { seq, .. }
            | BrokenLink::HeadMismatch { seq } => *seq,
        }
    }
}

/// An event as read back from storage, with the stored JSON texts.
pub struct StoredEvent {
    pub event: Event,
    pub actor_json: String,
    pub data_json: String,
}

impl StoredEvent {
    fn sealed<'a>(&'a self, dossier: &'a str) -> Sealed<'a> {
        Sealed {
            dossier,
            seq: self.event.seq,
            at: self.event.at,
            actor_json: &self.actor_json,
            before: self.event.before,
            after: self.event.after,
            data_json: &self.data_json,
            prev_hash: &self.event.prev_hash,
        }
    }
}

/// Checks one dossier's events, in sequence order, and names the first broken link.
pub fn verify(dossier_code: &str, events: &[StoredEvent]) -> Result<(), BrokenLink> {
    let mut prev: Option<&StoredEvent> = None;
    for (i, e) in events.iter().enumerate() {
        let expected = i as u32 + 1;
        let seq = e.event.seq;
        if seq != expected {
            return Err(BrokenLink::Gap { seq, expected });
        }
        let want_prev = prev.map_or(GENESIS, |p| p.event.hash.as_str());
        if e.event.prev_hash != want_prev {
            return Err(BrokenLink::PrevMismatch { seq, prev: seq - 1 });
        }
        if e.sealed(dossier_code).hash() != e.event.hash {
            return Err(BrokenLink::HashMismatch { seq });
        }
        if prev.is_some_and(|p| e.event.at < p.event.at) {
            return Err(BrokenLink::BackDated { seq });
        }
        prev = Some(e);
    }
    Ok(())
}

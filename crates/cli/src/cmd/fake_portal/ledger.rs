//! What the fake portal applied: each idempotency key once, each dossier's latest record, and
//! counters of every injected fault, served at `GET /applied`; `GET /dossiers` lists each dossier's
//! latest record the way the portal reports a period (for reconciliation).

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

/// One applied record.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub key: String,
    pub dossier: String,
    pub seq: u32,
    pub status: Value,
    pub ack: String,
}

#[derive(Default, Serialize)]
pub struct Ledger {
    pub requests: u64,
    /// Refused with 503 before applying (error rate and outages).
    pub refused: u64,
    /// Refused with 503 because an outage window was open.
    pub outage_refused: u64,
    /// Applied, then answered with a 504.
    pub lost_responses: u64,
    /// Connections reset (before or after applying).
    pub resets: u64,
    /// Connections reset after the record was applied.
    pub resets_after_apply: u64,
    /// Calls held past the client's timeout after applying.
    pub hangs: u64,
    /// Calls of an already applied key, answered with the first ack.
    pub duplicates: u64,
    /// Fresh records answered as if they were duplicates (`--duplicate-ack-rate`).
    pub duplicate_acks: u64,
    /// Refused for good with a 4xx (validation).
    pub rejected: u64,
    /// Records that arrived with a seq not above the dossier's last applied one.
    pub out_of_order: u64,
    pub applied: Vec<Applied>,
    /// Each dossier's latest record and its seq.
    pub dossiers: HashMap<String, Value>,
    #[serde(skip)]
    acks: HashMap<String, String>,
    #[serde(skip)]
    last_seq: HashMap<String, u32>,
}

impl Ledger {
    /// Applies `record` under `key` (`{code}:{seq}`, or `{code}:{seq}:r{n}` for a re-push) once; returns its ack and whether it had been
    /// applied before.
    pub fn apply(&mut self, key: &str, dossier: &str, seq: u32, record: &Value) -> (String, bool) {
        if let Some(ack) = self.acks.get(key) {
            self.duplicates += 1;
            return (ack.clone(), true);
        }
        let ack = format!("ack-{}", self.applied.len() + 1);
        // A re-push (`{code}:{seq}:r{n}`) carries the same seq as the record it restates.
        let repush = key.split(':').nth(2).is_some();
        if self.last_seq.get(dossier).is_some_and(|&last| last > seq || (last == seq && !repush)) {
            self.out_of_order += 1;
        } else {
            self.last_seq.insert(dossier.to_string(), seq);
            self.dossiers.insert(dossier.to_string(), json!({"seq": seq, "record": record}));
        }
        let status = record.get("TrangThaiHoSo").cloned().unwrap_or(Value::Null);
        self.applied.push(Applied {
            key: key.to_string(),
            dossier: dossier.to_string(),
            seq,
            status,
            ack: ack.clone(),
        });
        self.acks.insert(key.to_string(), ack.clone());
        (ack, false)
    }

    /// Each dossier's latest record whose submission date (`NgayNopHoSo`, `yyyyMMddHHmmss`) falls in
    /// `[from, to]` (`yyyyMMdd`, both optional), by code: the key fields reconciliation compares.
    pub fn report(&self, from: Option<&str>, to: Option<&str>) -> Vec<Value> {
        let mut out: Vec<Value> = self
            .dossiers
            .values()
            .filter_map(|v| {
                let r = v.get("record")?;
                let day: String = r.get("NgayNopHoSo")?.as_str()?.chars().take(8).collect();
                let inside = from.is_none_or(|f| day.as_str() >= f) && to.is_none_or(|t| day.as_str() <= t);
                inside.then(|| {
                    let mut out = json!({"seq": v["seq"]});
                    for f in REPORTED {
                        out[*f] = r.get(*f).cloned().unwrap_or(Value::Null);
                    }
                    out
                })
            })
            .collect();
        out.sort_by(|a, b| a["MaHoSo"].as_str().cmp(&b["MaHoSo"].as_str()));
        out
    }

    /// Forgets a dossier (an operator's tool to stage a difference): its records and keys.
    pub fn forget(&mut self, dossier: &str) -> bool {
        let known = self.dossiers.remove(dossier).is_some();
        self.last_seq.remove(dossier);
        let prefix = format!("{dossier}:");
        self.acks.retain(|k, _| !k.starts_with(&prefix));
        known
    }
}

/// The fields the portal reports per dossier.
pub const REPORTED: &[&str] =
    &["MaHoSo", "TrangThaiHoSo", "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra"];

//! Period statistics as a center reports them upward: received (carried over + new), settled
//! early / on time / late, in progress within time / overdue, paused, withdrawn, refused, and the
//! average processing time against the statutory time — by unit, procedure, field or channel.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::compute::attributed;
use super::config::IndexConfig;
use super::facts::{DossierFacts, IndexInputs};
use super::period::Period;
use super::progress::progress;
use super::report::ProgressCounts;

/// What the rows of a report are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Unit,
    Procedure,
    /// Lĩnh vực of the procedure.
    Field,
    Channel,
}

impl Dimension {
    pub fn parse(s: &str) -> Option<Dimension> {
        match s {
            "unit" | "don-vi" => Some(Dimension::Unit),
            "procedure" | "thu-tuc" => Some(Dimension::Procedure),
            "field" | "linh-vuc" => Some(Dimension::Field),
            "channel" | "kenh" => Some(Dimension::Channel),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatRow {
    /// The unit code, procedure code, field name or channel (`counter`, `online`, `post`); "" for
    /// the total.
    pub key: String,
    pub counts: ProgressCounts,
    /// Settled (with an end) among those received.
    pub settled: u64,
    /// Mean days from receipt to end of the settled ones.
    pub avg_days: Option<f64>,
    /// Mean days allowed (receipt to due) of the same ones.
    pub avg_allowed_days: Option<f64>,
}

fn row(cfg: &IndexConfig, key: String, facts: &[&DossierFacts], period: &Period, now: DateTime<Utc>) -> StatRow {
    let as_of = period.end().min(now);
    let counts = progress(cfg, facts, period, as_of, now).counts;
    let settled: Vec<(f64, f64)> = facts
        .iter()
        .filter_map(|f| {
            let (r, d, e) = (f.received_at?, f.due_at?, f.ended_at.filter(|e| *e <= now)?);
            let in_scope = period.contains(r) || (r < period.start() && e >= period.start());
            in_scope.then(|| ((e - r).num_minutes() as f64 / 1440.0, (d - r).num_minutes() as f64 / 1440.0))
        })
        .collect();
    let n = settled.len();
    let mean = |v: Vec<f64>| (n > 0).then(|| v.iter().sum::<f64>() / n as f64);
    StatRow {
        key,
        counts,
        settled: n as u64,
        avg_days: mean(settled.iter().map(|s| s.0).collect()),
        avg_allowed_days: mean(settled.iter().map(|s| s.1).collect()),
    }
}

/// One row per unit, procedure or channel with dossiers in the period, then the total (key "").
/// Carried-over dossiers still open at the period's start always count here.
pub fn statistics(
    cfg: &IndexConfig,
    inputs: &IndexInputs,
    period: &Period,
    now: DateTime<Utc>,
    by: Dimension,
) -> Vec<StatRow> {
    let cfg = IndexConfig { progress_includes_carried_over: true, ..cfg.clone() };
    let mut groups: BTreeMap<String, Vec<&DossierFacts>> = BTreeMap::new();
    for f in &inputs.dossiers {
        let key = match by {
            Dimension::Unit => attributed(&cfg, f).to_string(),
            Dimension::Procedure => f.procedure.to_string(),
            Dimension::Field if f.field.is_empty() => "?".to_string(),
            Dimension::Field => f.field.clone(),
            Dimension::Channel => f.channel.as_str().to_string(),
        };
        groups.entry(key).or_default().push(f);
    }
    let mut rows: Vec<StatRow> = groups
        .into_iter()
        .map(|(k, facts)| row(&cfg, k, &facts, period, now))
        .filter(|r| r.counts.received + r.counts.refused > 0)
        .collect();
    let all: Vec<&DossierFacts> = inputs.dossiers.iter().collect();
    rows.push(row(&cfg, String::new(), &all, period, now));
    rows
}

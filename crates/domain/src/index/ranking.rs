//! Ranking the communes of a province: descending total, ties share a rank (1, 1, 3), and the
//! movement since the previous period.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::unit::UnitCode;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankRow {
    pub unit: UnitCode,
    pub total: f64,
    pub rank: u32,
    pub previous_rank: Option<u32>,
    /// Places gained since the previous period (positive: moved up).
    pub movement: Option<i64>,
}

/// Totals are compared at 0.01 point, so float noise never splits a tie.
fn key(total: f64) -> i64 {
    (total * 100.0).round() as i64
}

fn ranks(totals: &[(UnitCode, f64)]) -> Vec<(UnitCode, f64, u32)> {
    let mut v: Vec<(UnitCode, f64)> = totals.to_vec();
    v.sort_by(|a, b| key(b.1).cmp(&key(a.1)).then_with(|| a.0.cmp(&b.0)));
    let mut out: Vec<(UnitCode, f64, u32)> = Vec::with_capacity(v.len());
    for (i, (u, t)) in v.into_iter().enumerate() {
        let rank = match out.last() {
            Some((_, prev, r)) if key(*prev) == key(t) => *r,
            _ => i as u32 + 1,
        };
        out.push((u, t, rank));
    }
    out
}

/// The ranking of `current`, with each unit's rank in `previous` (if it was ranked then).
pub fn rank(current: &[(UnitCode, f64)], previous: &[(UnitCode, f64)]) -> Vec<RankRow> {
    let before: HashMap<UnitCode, u32> = ranks(previous).into_iter().map(|(u, _, r)| (u, r)).collect();
    ranks(current)
        .into_iter()
        .map(|(unit, total, rank)| {
            let previous_rank = before.get(&unit).copied();
            RankRow {
                movement: previous_rank.map(|p| i64::from(p) - i64::from(rank)),
                unit,
                total,
                rank,
                previous_rank,
            }
        })
        .collect()
}

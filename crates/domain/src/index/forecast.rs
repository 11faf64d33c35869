//! Forecast: the score a unit would reach at the end of a running period if every dossier in
//! progress finished at the unit's current pace, and the dossiers at risk now (due within a few
//! working hours and not decided) with the points each would cost if it ran late.
//!
//! The pace is the mean share of its allowed time (receipt → due) that each dossier settled in
//! the period actually used; with none settled yet it is 1 (finishing right at the deadline).
//! Only the progress indicator is projected; the others keep their current figures.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::compute::{attributed, compute};
use super::config::{IndexConfig, IndicatorCode, Level};
use super::facts::{DossierFacts, IndexInputs};
use super::period::Period;
use super::report::IndicatorState;
use crate::calendar::WorkCalendar;
use crate::dossier::{DossierCode, Status};
use crate::unit::UnitCode;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AtRisk {
    pub code: DossierCode,
    pub due_at: DateTime<Utc>,
    /// Working hours left before the deadline.
    pub hours_left: f64,
    /// What the progress indicator would lose if it ran late.
    pub points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    pub current_total: f64,
    pub projected_total: f64,
    /// Mean share of the allowed time used by dossiers settled in the period.
    pub pace: f64,
    pub in_progress: u64,
    /// In progress now, projected to finish after their deadline.
    pub projected_late: Vec<DossierCode>,
    pub at_risk: Vec<AtRisk>,
}

fn open(f: &DossierFacts, now: DateTime<Utc>) -> bool {
    f.received_at.is_some_and(|r| r <= now)
        && f.due_at.is_some()
        && f.ended_at.is_none_or(|e| e > now)
        && f.paused_since.is_none()
        && !matches!(
            f.status,
            Status::Refused | Status::Decided | Status::Returned | Status::Withdrawn | Status::Stopped
        )
}

fn pace(facts: &[&DossierFacts], period: &Period, now: DateTime<Utc>) -> f64 {
    let shares: Vec<f64> = facts
        .iter()
        .filter_map(|f| {
            let (r, d, e) = (f.received_at?, f.due_at?, f.ended_at.filter(|e| *e <= now && period.contains(*e))?);
            let allowed = (d - r).num_seconds();
            (allowed > 0).then(|| (e - r).num_seconds().max(0) as f64 / allowed as f64)
        })
        .collect();
    if shares.is_empty() { 1.0 } else { shares.iter().sum::<f64>() / shares.len() as f64 }
}

/// The forecast of `unit` (a commune, or a province with `Level::Province`) for `period` at `now`.
/// `calendar` is the unit's working calendar; `hours` the at-risk horizon in working hours.
#[expect(clippy::too_many_arguments, reason = "the forecast's inputs are independent values")]
pub fn forecast(
    cfg: &IndexConfig,
    unit: &UnitCode,
    level: Level,
    inputs: &IndexInputs,
    period: &Period,
    now: DateTime<Utc>,
    calendar: &WorkCalendar,
    hours: u32,
) -> Forecast {
    let current = compute(cfg, unit, level, inputs, period, now);
    let mine: Vec<&DossierFacts> =
        inputs.dossiers.iter().filter(|f| level == Level::Province || attributed(cfg, f) == unit).collect();
    let pace = pace(&mine, period, now);
    let end = period.end();
    let mut projected = inputs.clone();
    let mut projected_late = Vec::new();
    let mut in_progress = 0;
    for f in projected.dossiers.iter_mut().filter(|f| open(f, now)) {
        in_progress += 1;
        let (Some(r), Some(d)) = (f.received_at, f.due_at) else { continue };
        let finish = (r + Duration::seconds(((d - r).num_seconds() as f64 * pace) as i64)).max(now);
        if finish > d {
            projected_late.push(f.code.clone());
        }
        if finish < end {
            f.ended_at = Some(finish);
            f.status = Status::Decided;
        }
    }
    projected_late.sort();
    // Only the progress indicator depends on when dossiers finish; the others keep today's figures
    // (a projected finish says nothing about, say, whether the result will be electronic).
    let future = compute(cfg, unit, level, &projected, period, end.max(now));
    let on_time =
        |r: &super::report::IndexReport| r.indicator(IndicatorCode::OnTime).and_then(|i| i.points()).unwrap_or(0.0);
    let projected_total = current.total - on_time(&current) + on_time(&future);
    let per_dossier = match current.indicator(IndicatorCode::OnTime).map(|i| (&i.state, i.max_points)) {
        Some((IndicatorState::Scored { denominator, .. }, max)) if *denominator > 0 => max / *denominator as f64,
        _ => 0.0,
    };
    let horizon = Duration::hours(i64::from(hours));
    let mut at_risk: Vec<AtRisk> = mine
        .iter()
        .filter(|f| open(f, now) && f.received_at.is_some_and(|r| period.contains(r)))
        .filter_map(|f| {
            let due = f.due_at.filter(|d| *d >= now)?;
            let left = calendar.working_time_between(now, due);
            (left <= horizon).then(|| AtRisk {
                code: f.code.clone(),
                due_at: due,
                hours_left: left.num_minutes() as f64 / 60.0,
                points: per_dossier,
            })
        })
        .collect();
    at_risk.sort_by(|a, b| a.due_at.cmp(&b.due_at).then_with(|| a.code.cmp(&b.code)));
    Forecast { current_total: current.total, projected_total, pace, in_progress, projected_late, at_risk }
}

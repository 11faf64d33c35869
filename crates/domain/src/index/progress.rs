//! Item 5 (Tiến độ giải quyết): which dossiers are in scope and whether each was settled early,
//! on time or late, or is still within time (§1.3, rule 2.1).

use chrono::{DateTime, Utc};

use super::config::{EarlyRule, IndexConfig};
use super::facts::DossierFacts;
use super::period::Period;
use super::report::ProgressCounts;
use crate::calendar::{Timeliness, to_local};
use crate::dossier::{DossierCode, Status};

/// Early, on time or late under the configured convention. The default (`before_due_day`)
/// is `WorkCalendar::classify`'s: early means settled on a local day before the due day.
pub fn classify(rule: EarlyRule, due: DateTime<Utc>, end: DateTime<Utc>) -> Timeliness {
    if end > due {
        Timeliness::Late
    } else if match rule {
        EarlyRule::BeforeDueDay => to_local(end).date() < to_local(due).date(),
        EarlyRule::BeforeDueInstant => end < due,
    } {
        Timeliness::Early
    } else {
        Timeliness::OnTime
    }
}

/// The progress figures: counts, numerator (settled early or on time + in progress within time),
/// denominator (dossiers in scope) and the dossiers that lost points.
pub struct Progress {
    pub counts: ProgressCounts,
    pub numerator: u64,
    pub denominator: u64,
    pub lost: Vec<DossierCode>,
}

/// `as_of` is the period's cut (its end, or now while it runs): an open dossier is judged as if it
/// ended then. An end status recorded by `now`, even after the period, is the dossier's real end.
pub fn progress(
    cfg: &IndexConfig,
    facts: &[&DossierFacts],
    period: &Period,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Progress {
    let mut c = ProgressCounts::default();
    let mut lost = Vec::new();
    let (start, end) = (period.start(), period.end());
    for f in facts {
        let in_period = start <= f.anchor() && f.anchor() < end && f.anchor() <= as_of;
        if f.status == Status::Refused {
            c.refused += u64::from(in_period);
            continue;
        }
        let (Some(received), Some(due)) = (f.received_at, f.due_at) else { continue };
        let carried = received < start && f.ended_at.is_none_or(|e| e >= start);
        if received > as_of || !(in_period || (cfg.progress_includes_carried_over && carried)) {
            continue;
        }
        c.received += 1;
        c.carried_over += u64::from(!in_period);
        // More than one supplementation request makes the dossier overdue.
        let forced_late = f.supplement_requests > 1;
        match f.ended_at.filter(|e| *e <= now) {
            Some(end) => {
                c.withdrawn += u64::from(f.status == Status::Withdrawn);
                match if forced_late { Timeliness::Late } else { classify(cfg.early_rule, due, end) } {
                    Timeliness::Early => c.settled_early += 1,
                    Timeliness::OnTime => c.settled_on_time += 1,
                    Timeliness::Late => {
                        c.settled_late += 1;
                        lost.push(f.code.clone());
                    }
                }
            }
            None => {
                // Waiting for the citizen: the request time is the end.
                let paused = f.paused_since.filter(|p| *p <= as_of);
                c.paused += u64::from(paused.is_some());
                if !forced_late && paused.unwrap_or(as_of) <= due {
                    c.in_progress_within += 1;
                } else {
                    c.in_progress_overdue += 1;
                    lost.push(f.code.clone());
                }
            }
        }
    }
    lost.sort();
    Progress {
        numerator: c.settled_early + c.settled_on_time + c.in_progress_within,
        denominator: c.received,
        counts: c,
        lost,
    }
}

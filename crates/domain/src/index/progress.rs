//! Item 5 (Tiến độ giải quyết): which dossiers are in scope and whether each was settled early,
//! on time or late, or is still within time (§1.3, rule 2.1).

use chrono::{DateTime, Utc};

use super::config::{EarlyRule, IndexConfig};
use super::facts::DossierFacts;
use super::kernel::{Ctx, Row, Slot, Tally};
use super::period::Period;
use super::report::ProgressCounts;
use crate::calendar::{Timeliness, to_local};
use crate::dossier::DossierCode;

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
/// The rule itself is the kernel's ([`Tally::visit_progress`]).
pub fn progress(
    cfg: &IndexConfig,
    facts: &[&DossierFacts],
    period: &Period,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Progress {
    let ctx = Ctx::new(cfg, period.start(), period.end(), as_of, now);
    let mut t = Tally::default();
    let mut lost = Vec::new();
    for f in facts {
        t.visit_progress(&ctx, &Row::of(f, 0, u32::MAX), &mut |_| lost.push(f.code.clone()));
    }
    lost.sort();
    let slot = Slot::OnTime as usize;
    Progress { numerator: t.num[slot], denominator: t.den[slot], counts: t.progress, lost }
}

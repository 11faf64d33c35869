//! The statutory time limit of a procedure (thời hạn giải quyết), as the catalog states it.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

/// How long a procedure may take by law, counted from receipt of a complete dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StatutoryTime {
    /// N working days (8 working hours each with the default hours).
    WorkingDays { days: u32 },
    /// N working hours.
    WorkingHours { hours: u32 },
    /// Settled the day of receipt; received after `cutoff` (15:00 by default) it falls due
    /// at the end of the next working day.
    SameDay {
        #[serde(default = "default_cutoff")]
        cutoff: NaiveTime,
    },
    /// N calendar days; a deadline that ends on a day off moves to the next working day.
    CalendarDays { days: u32 },
}

/// The 15:00 cut-off of same-day procedures.
pub fn default_cutoff() -> NaiveTime {
    NaiveTime::from_hms_opt(15, 0, 0).expect("15:00 is a valid time")
}

impl StatutoryTime {
    /// Same-day with the usual 15:00 cut-off.
    pub fn same_day() -> Self {
        StatutoryTime::SameDay { cutoff: default_cutoff() }
    }
}

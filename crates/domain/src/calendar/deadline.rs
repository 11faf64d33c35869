//! Deadlines: when a dossier falls due, how a pause moves it, and whether it was settled in time.

use chrono::{DateTime, Days, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::statutory::StatutoryTime;
use super::working::{WorkCalendar, to_local};

/// Statutory amounts are capped at a century of days, far beyond any real time limit, so
/// that absurd catalog input cannot overflow the date arithmetic.
const MAX_DAYS: u32 = 36_500;

/// How a settled dossier compares with its appointment (ngày hẹn trả).
///
/// Ordered from best to worst, so `a <= b` reads "a is no worse than b".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Settled on a day before the appointment day.
    Early,
    /// Settled on the appointment day, by the appointment instant.
    OnTime,
    /// Settled after the appointment instant.
    Late,
}

impl WorkCalendar {
    /// When a dossier received at `received` falls due under `time`.
    ///
    /// - Working days / hours: that much working time (a working day is
    ///   [`WorkingHours::per_day`](super::WorkingHours::per_day)) counted from receipt, or from
    ///   the next working instant when received outside working time.
    /// - Same day: received on a working day before the cut-off (local time), the close of
    ///   that day; otherwise the close of the next working day.
    /// - Calendar days: the close of the local day `n` days after receipt, moved to the next
    ///   working day when that day is off (or, for 0 days, already closed at receipt).
    pub fn due(&self, received: DateTime<Utc>, time: &StatutoryTime) -> DateTime<Utc> {
        match *time {
            StatutoryTime::WorkingDays { days } => {
                let amount = self.hours().per_day() * days.min(MAX_DAYS) as i32;
                self.add_working_time(received, amount)
            }
            StatutoryTime::WorkingHours { hours } => {
                let amount = TimeDelta::hours(i64::from(hours.min(MAX_DAYS * 24)));
                self.add_working_time(received, amount)
            }
            StatutoryTime::SameDay { cutoff } => {
                let local = to_local(received);
                let today = local.date();
                let close = self.closing(today);
                if self.is_working_day(today) && local.time() < cutoff && received <= close {
                    close
                } else {
                    self.closing(self.next_working_day(today))
                }
            }
            StatutoryTime::CalendarDays { days } => {
                let date = to_local(received).date() + Days::new(u64::from(days.min(MAX_DAYS)));
                let date = self.working_day_from(date);
                // Only 0 days can close before the receipt: then the next working day counts.
                if self.closing(date) < received {
                    self.closing(self.next_working_day(date))
                } else {
                    self.closing(date)
                }
            }
        }
    }

    /// The new due instant of a dossier paused at `paused_at` (a supplementation request)
    /// and resumed at `resumed_at`.
    ///
    /// The clock stops exactly: the working time left at the pause is counted again from the
    /// resume. A pause after the due instant changes nothing (the dossier is already late),
    /// and the result is never before `due`.
    pub fn resume_due(&self, due: DateTime<Utc>, paused_at: DateTime<Utc>, resumed_at: DateTime<Utc>) -> DateTime<Utc> {
        if paused_at > due {
            return due;
        }
        let left = self.working_time_between(paused_at, due);
        self.add_working_time(resumed_at.max(paused_at), left).max(due)
    }

    /// Whether a dossier due at `due` and settled at `ended` was early, on time or late.
    pub fn classify(&self, due: DateTime<Utc>, ended: DateTime<Utc>) -> Timeliness {
        // Decision 766 counts a dossier on time when it is settled no later than the
        // appointment; it is "early" when settled on an earlier local (UTC+7) day than the
        // appointment day, not merely earlier in the same day.
        if ended > due {
            Timeliness::Late
        } else if to_local(ended).date() < to_local(due).date() {
            Timeliness::Early
        } else {
            Timeliness::OnTime
        }
    }
}

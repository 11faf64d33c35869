//! Working days and working time: the calendar data at one version, with a unit's office hours.
//!
//! All local times are Vietnam's, UTC+7 all year; the process's time zone is never read.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Utc, Weekday};
use serde::Serialize;

use super::holidays::CalendarData;
use super::hours::WorkingHours;
use super::schedule::{DayTable, SpecialDay};

/// Vietnam's offset from UTC (no daylight saving).
const UTC_OFFSET: TimeDelta = TimeDelta::hours(7);

/// The local (UTC+7) wall-clock time of an instant.
pub fn to_local(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc() + UTC_OFFSET
}

/// The instant of a local (UTC+7) wall-clock time.
pub fn from_local(t: NaiveDateTime) -> DateTime<Utc> {
    (t - UTC_OFFSET).and_utc()
}

/// Whether a date is a working day, and why not (or why, for a working weekend day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayInfo {
    pub date: NaiveDate,
    pub working: bool,
    /// In Vietnamese; `None` for an ordinary working weekday.
    pub reason: Option<String>,
}

/// Working days and hours of one unit, at one version of the calendar data.
///
/// Cheap to clone and to query: the holiday table is shared and precomputed for
/// 1900–2199; later dates have only weekly rest days and amendments.
#[derive(Clone)]
pub struct WorkCalendar {
    version: u32,
    hours: WorkingHours,
    /// Weekly rest days, indexed from Monday.
    rest: [bool; 7],
    days: Arc<DayTable>,
    /// Amendments numbered up to `version`; they override `days`.
    amended: Arc<DayTable>,
}

impl WorkCalendar {
    /// The calendar of `data` with the amendments numbered `version` or less.
    pub fn new(data: &CalendarData, version: u32, hours: WorkingHours) -> Self {
        let mut amended = DayTable::new();
        // In version order, so the latest amendment of a date wins.
        for a in data.amendments().iter().filter(|a| a.version <= version) {
            let (working, reason) = (a.working, a.reason.clone());
            amended.insert(a.date, SpecialDay { working, reason });
        }
        let mut rest = [false; 7];
        for day in data.weekly_rest() {
            rest[day.num_days_from_monday() as usize] = true;
        }
        Self { version, hours, rest, days: Arc::clone(data.days()), amended: Arc::new(amended) }
    }

    /// The amendment version this calendar applies.
    pub fn version(&self) -> u32 {
        self.version
    }

    pub fn hours(&self) -> &WorkingHours {
        &self.hours
    }

    pub fn day(&self, date: NaiveDate) -> DayInfo {
        match self.special(date) {
            Some(s) => DayInfo { date, working: s.working, reason: Some(s.reason.clone()) },
            None => {
                let rest = self.is_rest(date);
                let reason = rest.then(|| weekday_name(date.weekday()).to_owned());
                DayInfo { date, working: !rest, reason }
            }
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.special(date).map_or(!self.is_rest(date), |s| s.working)
    }

    /// Whether `t` lies in an interval of a working day. Both ends of an interval count:
    /// 07:00 and 11:30 are working instants, 11:31 is not.
    pub fn is_working(&self, t: DateTime<Utc>) -> bool {
        let local = to_local(t);
        self.intervals(local.date()).any(|(s, e)| s <= local && local <= e)
    }

    /// Every weekday that is not worked and every weekly rest day that is, in date order.
    pub fn exceptions(&self, year: i32) -> Vec<DayInfo> {
        let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            return Vec::new();
        };
        first
            .iter_days()
            .take_while(|d| d.year() == year)
            .map(|d| self.day(d))
            .filter(|info| info.working == self.is_rest(info.date))
            .collect()
    }

    /// `t` itself when it is a working instant, else the start of the next working interval.
    pub fn next_working_instant(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let local = to_local(t);
        let mut date = local.date();
        loop {
            if let Some((s, _)) = self.intervals(date).find(|&(_, e)| local <= e) {
                return from_local(s.max(local));
            }
            date = next(date);
        }
    }

    /// Working time elapsed from `a` to `b`; zero if `b` is not after `a`.
    pub fn working_time_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
        if b <= a {
            return TimeDelta::zero();
        }
        let (a, b) = (to_local(a), to_local(b));
        let mut total = TimeDelta::zero();
        let mut date = a.date();
        while date <= b.date() {
            for (s, e) in self.intervals(date) {
                let (from, to) = (s.max(a), e.min(b));
                if to > from {
                    total += to - from;
                }
            }
            date = next(date);
        }
        total
    }

    /// The earliest instant by which `amount` of working time has run from `start`.
    ///
    /// A zero (or negative) amount gives `start` rolled forward to working time. An amount
    /// used up exactly at the close of an interval gives that close (11:30, 17:00), not the
    /// next opening, so the result is always a working instant.
    pub fn add_working_time(&self, start: DateTime<Utc>, amount: TimeDelta) -> DateTime<Utc> {
        if amount <= TimeDelta::zero() {
            return self.next_working_instant(start);
        }
        let start = to_local(start);
        let mut left = amount;
        let mut date = start.date();
        loop {
            for (s, e) in self.intervals(date) {
                let from = s.max(start);
                if from >= e {
                    continue;
                }
                if left <= e - from {
                    return from_local(from + left);
                }
                left -= e - from;
            }
            date = next(date);
        }
    }

    /// The close of working day `date` (the end of its last interval), as an instant.
    pub(super) fn closing(&self, date: NaiveDate) -> DateTime<Utc> {
        from_local(date.and_time(self.hours.closing()))
    }

    /// The first working day on or after `date`.
    pub(super) fn working_day_from(&self, mut date: NaiveDate) -> NaiveDate {
        while !self.is_working_day(date) {
            date = next(date);
        }
        date
    }

    /// The first working day strictly after `date`.
    pub(super) fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        self.working_day_from(next(date))
    }

    fn special(&self, date: NaiveDate) -> Option<&SpecialDay> {
        self.amended.get(&date).or_else(|| self.days.get(&date))
    }

    fn is_rest(&self, date: NaiveDate) -> bool {
        self.rest[date.weekday().num_days_from_monday() as usize]
    }

    /// The working intervals of local day `date`, as local date-times; none on a day off.
    fn intervals(&self, date: NaiveDate) -> impl Iterator<Item = (NaiveDateTime, NaiveDateTime)> {
        let hours = if self.is_working_day(date) { self.hours.intervals() } else { &[] };
        hours.iter().map(move |&(s, e)| (date.and_time(s), date.and_time(e)))
    }
}

impl fmt::Debug for WorkCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkCalendar")
            .field("version", &self.version)
            .field("hours", &self.hours.to_string())
            .field("amended_days", &self.amended.len())
            .finish_non_exhaustive()
    }
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

fn next(date: NaiveDate) -> NaiveDate {
    date.succ_opt().expect("working dates lie far inside chrono's range")
}

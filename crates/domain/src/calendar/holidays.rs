//! Holidays as versioned data: statutory rules, announced yearly schedules and amendments.
//!
//! The rules and schedules come from `data/calendar/vn.json`, embedded at build time. An
//! administrator's [`Amendment`]s come on top, each numbered; a calendar built "at version
//! v" applies only amendments numbered v or less, so a deadline can always be recomputed.

use std::fmt;
use std::sync::Arc;

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::schedule::{self, DayTable};
use super::validation::validate;

/// The Vietnamese calendar data shipped with Motcua.
const VIETNAM_JSON: &str = include_str!("../../../../data/calendar/vn.json");

/// An administrator's override of one date: a day off or a working day, with its version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub version: u32,
    pub date: NaiveDate,
    pub working: bool,
    pub reason: String,
}

/// A statutory holiday as a rule that yields its days for any year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayRule {
    /// Stable identifier, referred to by announcements (`tet_nguyen_dan`).
    pub id: String,
    /// Vietnamese name, shown as the reason of the day off.
    pub name: String,
    pub when: RuleDate,
    /// First date the rule applies to, when it is newer than the calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// When a rule's days fall in a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "calendar", rename_all = "snake_case")]
pub enum RuleDate {
    /// One civil date.
    Solar { month: u32, day: u32 },
    /// One lunar date (of the regular month when the month is repeated).
    Lunar { month: u8, day: u8 },
    /// `days` consecutive days starting `first_offset` days from Mùng 1 Tết: the layout
    /// used for a year whose Tết schedule has not been announced.
    Tet { first_offset: i64, days: u32 },
    /// One civil date plus the day before (-1) or after (+1), chosen by its weekday.
    SolarWithAdjacent { month: u32, day: u32, adjacent: ByWeekday },
}

/// A value for each weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByWeekday {
    pub mon: i64,
    pub tue: i64,
    pub wed: i64,
    pub thu: i64,
    pub fri: i64,
    pub sat: i64,
    pub sun: i64,
}

impl ByWeekday {
    /// The values from Monday to Sunday.
    pub fn values(&self) -> [i64; 7] {
        [self.mon, self.tue, self.wed, self.thu, self.fri, self.sat, self.sun]
    }

    pub fn get(&self, day: Weekday) -> i64 {
        self.values()[day.num_days_from_monday() as usize]
    }
}

/// The weekly rest days (Saturday and Sunday for civil servants).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyRest {
    pub days: Vec<Weekday>,
    pub source: String,
}

/// The rule that a holiday on a weekly rest day gives a day off on the next working day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compensatory {
    /// Put before the holiday's name to make the reason: "Nghỉ bù".
    pub prefix: String,
    pub source: String,
}

/// The announced schedule of some occasions of one year; it replaces what their rules
/// (and the compensatory rule) would give for that year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Announcement {
    pub year: i32,
    /// Rule ids this schedule covers.
    pub occasions: Vec<String>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub days: Vec<AnnouncedDay>,
}

/// One day of an announced schedule: a day off, or a working (make-up) weekend day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnouncedDay {
    pub date: NaiveDate,
    pub working: bool,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The JSON document (`data/calendar/vn.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CalendarFile {
    pub format: u32,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub weekly_rest: WeeklyRest,
    pub rules: Vec<HolidayRule>,
    pub compensatory: Compensatory,
    pub announced: Vec<Announcement>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
}

/// Rules, announced schedules and amendments, with the rule days of 1900–2199 precomputed.
#[derive(Clone)]
pub struct CalendarData {
    file: CalendarFile,
    /// Rule and announced days (no amendments), shared by every calendar built from this.
    days: Arc<DayTable>,
}

impl fmt::Debug for CalendarData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CalendarData")
            .field("title", &self.file.title)
            .field("rules", &self.file.rules.len())
            .field("announced", &self.file.announced.len())
            .field("amendments", &self.file.amendments)
            .finish_non_exhaustive()
    }
}

/// Why calendar data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarDataError {
    #[error("calendar data is not valid JSON of the expected shape: {0}")]
    Json(String),
    #[error("calendar data format {0} is not supported (expected 1)")]
    UnsupportedFormat(u32),
    #[error("weekly rest days must be distinct and leave a working day")]
    InvalidWeeklyRest,
    #[error("holiday rule {id:?}: {reason}")]
    InvalidRule { id: String, reason: &'static str },
    #[error("announcement for {year}: {reason}")]
    InvalidAnnouncement { year: i32, reason: String },
    #[error("amendment version {0} is not above the previous one (versions start at 1)")]
    AmendmentOrder(u32),
}

impl CalendarData {
    /// The Vietnamese calendar shipped with Motcua (validated by the test suite).
    pub fn vietnam() -> CalendarData {
        Self::from_json(VIETNAM_JSON).expect("embedded data/calendar/vn.json is valid")
    }

    /// Parses and checks calendar data in the format of `data/calendar/vn.json`.
    pub fn from_json(json: &str) -> Result<CalendarData, CalendarDataError> {
        let file: CalendarFile = serde_json::from_str(json).map_err(|e| CalendarDataError::Json(e.to_string()))?;
        validate(&file)?;
        let days = Arc::new(schedule::expand(&file));
        Ok(CalendarData { file, days })
    }

    pub fn rules(&self) -> &[HolidayRule] {
        &self.file.rules
    }

    pub fn announced(&self) -> &[Announcement] {
        &self.file.announced
    }

    pub fn weekly_rest(&self) -> &[Weekday] {
        &self.file.weekly_rest.days
    }

    /// Amendments in version order.
    pub fn amendments(&self) -> &[Amendment] {
        &self.file.amendments
    }

    /// The highest amendment version, 0 when there is none.
    pub fn latest_version(&self) -> u32 {
        self.file.amendments.last().map_or(0, |a| a.version)
    }

    /// Records an override of `date` under a new version, which it returns.
    pub fn amend(&mut self, date: NaiveDate, working: bool, reason: impl Into<String>) -> u32 {
        let version = self.latest_version() + 1;
        let reason = reason.into();
        self.file.amendments.push(Amendment { version, date, working, reason });
        version
    }

    /// Replaces the amendments (as loaded from storage); they are kept in version order.
    pub fn with_amendments(mut self, mut amendments: Vec<Amendment>) -> Self {
        amendments.sort_by_key(|a| a.version);
        self.file.amendments = amendments;
        self
    }

    pub(super) fn days(&self) -> &Arc<DayTable> {
        &self.days
    }
}

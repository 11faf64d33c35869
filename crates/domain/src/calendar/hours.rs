//! Office hours of a working day: ordered local (UTC+7) intervals such as `07:00-11:30,13:30-17:00`.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveTime, TimeDelta, Timelike};
use serde::{Deserialize, Serialize};

use crate::error::Described;

/// The intervals of a working day, in local time (UTC+7), ordered and separated by gaps.
///
/// Times are whole minutes. An interval cannot run past midnight (23:59 is the latest end).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WorkingHours {
    intervals: Vec<(NaiveTime, NaiveTime)>,
}

/// Why a working-hours text or list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidWorkingHours {
    #[error("working hours have no interval")]
    Empty,
    #[error("{0:?} is not an interval of the form HH:MM-HH:MM")]
    Malformed(String),
    #[error("{0} is not a whole minute")]
    NotWholeMinute(NaiveTime),
    #[error("interval {start}-{end} does not end after it starts")]
    Reversed { start: NaiveTime, end: NaiveTime },
    #[error("interval starting {start} does not start after the previous one ends")]
    Overlap { start: NaiveTime },
}

impl Described for InvalidWorkingHours {
    fn code(&self) -> &'static str {
        "INVALID_WORKING_HOURS"
    }
    fn message_vi(&self) -> String {
        let detail = match self {
            Self::Empty => "chưa có khoảng thời gian nào".to_owned(),
            Self::Malformed(s) => format!("\"{s}\" không có dạng GG:PP-GG:PP"),
            Self::NotWholeMinute(t) => format!("{t} không tròn phút"),
            Self::Reversed { start, end } => {
                format!("khoảng {}-{} kết thúc không sau lúc bắt đầu", hm(*start), hm(*end))
            }
            Self::Overlap { start } => {
                format!("khoảng bắt đầu lúc {} chồng lên khoảng trước", hm(*start))
            }
        };
        format!("Giờ làm việc không hợp lệ: {detail}. Ví dụ đúng: 07:00-11:30,13:30-17:00.")
    }
    fn message_en(&self) -> String {
        format!("Invalid working hours: {self}. Example: 07:00-11:30,13:30-17:00.")
    }
    fn field(&self) -> Option<&str> {
        Some("working_hours")
    }
}

impl WorkingHours {
    /// Checks that every interval ends after it starts and starts after the previous one ends.
    pub fn new(intervals: Vec<(NaiveTime, NaiveTime)>) -> Result<Self, InvalidWorkingHours> {
        if intervals.is_empty() {
            return Err(InvalidWorkingHours::Empty);
        }
        let mut previous_end: Option<NaiveTime> = None;
        for &(start, end) in &intervals {
            for t in [start, end] {
                if t.second() != 0 || t.nanosecond() != 0 {
                    return Err(InvalidWorkingHours::NotWholeMinute(t));
                }
            }
            if end <= start {
                return Err(InvalidWorkingHours::Reversed { start, end });
            }
            if previous_end.is_some_and(|p| start <= p) {
                return Err(InvalidWorkingHours::Overlap { start });
            }
            previous_end = Some(end);
        }
        Ok(Self { intervals })
    }

    /// The intervals, in order.
    pub fn intervals(&self) -> &[(NaiveTime, NaiveTime)] {
        &self.intervals
    }

    /// Working time in one full working day (8 h with the default hours).
    pub fn per_day(&self) -> TimeDelta {
        self.intervals.iter().map(|&(s, e)| e - s).sum()
    }

    /// When the working day ends: the end of its last interval.
    pub fn closing(&self) -> NaiveTime {
        self.intervals.last().map_or(NaiveTime::MIN, |&(_, end)| end)
    }
}

impl Default for WorkingHours {
    /// 07:00–11:30 and 13:30–17:00, the common provincial default.
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid constant time");
        Self { intervals: vec![(t(7, 0), t(11, 30)), (t(13, 30), t(17, 0))] }
    }
}

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

impl fmt::Display for WorkingHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(start, end)) in self.intervals.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            write!(f, "{sep}{}-{}", hm(start), hm(end))?;
        }
        Ok(())
    }
}

impl FromStr for WorkingHours {
    type Err = InvalidWorkingHours;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let time = |part: &str, whole: &str| {
            let part = part.trim();
            let ok = part.len() == 5 && part.as_bytes()[2] == b':';
            ok.then(|| NaiveTime::parse_from_str(part, "%H:%M").ok())
                .flatten()
                .ok_or_else(|| InvalidWorkingHours::Malformed(whole.trim().to_owned()))
        };
        let intervals = s
            .split(',')
            .filter(|part| !part.trim().is_empty())
            .map(|part| {
                let (start, end) =
                    part.split_once('-').ok_or_else(|| InvalidWorkingHours::Malformed(part.trim().to_owned()))?;
                Ok((time(start, part)?, time(end, part)?))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(intervals)
    }
}

impl TryFrom<String> for WorkingHours {
    type Error = InvalidWorkingHours;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<WorkingHours> for String {
    fn from(hours: WorkingHours) -> String {
        hours.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_eight_hours_and_round_trips() {
        let hours = WorkingHours::default();
        assert_eq!(hours.per_day(), TimeDelta::hours(8));
        assert_eq!(hours.to_string(), "07:00-11:30,13:30-17:00");
        assert_eq!("07:00-11:30, 13:30-17:00".parse::<WorkingHours>(), Ok(hours.clone()));
        let json = serde_json::to_string(&hours).unwrap();
        assert_eq!(json, "\"07:00-11:30,13:30-17:00\"");
        assert_eq!(serde_json::from_str::<WorkingHours>(&json).unwrap(), hours);
    }

    #[test]
    fn refuses_bad_hours() {
        let err = |s: &str| s.parse::<WorkingHours>().unwrap_err();
        assert_eq!(err(""), InvalidWorkingHours::Empty);
        assert!(matches!(err("7h-11h"), InvalidWorkingHours::Malformed(_)));
        assert!(matches!(err("07:00-24:00"), InvalidWorkingHours::Malformed(_)));
        assert!(matches!(err("11:30-07:00"), InvalidWorkingHours::Reversed { .. }));
        assert!(matches!(err("07:00-12:00,11:30-17:00"), InvalidWorkingHours::Overlap { .. }));
        assert!(matches!(err("07:00-11:30,11:30-17:00"), InvalidWorkingHours::Overlap { .. }));
        assert!(serde_json::from_str::<WorkingHours>("\"17:00-07:00\"").is_err());
    }
}

//! A session's recurrence rule (weekly on one weekday, between two dates, at set hours) and
//! its expansion into dated occurrences on the work calendar: a public holiday or an announced
//! day off cancels that week's session; an ordinary weekend day does not (Saturday sessions
//! are common).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::SupportError;
use crate::calendar::{WorkCalendar, from_local};

/// The longest a rule may run, so an expansion stays small.
const MAX_SPAN_DAYS: i64 = 2 * 366;

/// Weekday codes as forms and the API send them, Monday first.
const CODES: [(&str, Weekday, &str, &str); 7] = [
    ("mon", Weekday::Mon, "Thứ Hai", "Monday"),
    ("tue", Weekday::Tue, "Thứ Ba", "Tuesday"),
    ("wed", Weekday::Wed, "Thứ Tư", "Wednesday"),
    ("thu", Weekday::Thu, "Thứ Năm", "Thursday"),
    ("fri", Weekday::Fri, "Thứ Sáu", "Friday"),
    ("sat", Weekday::Sat, "Thứ Bảy", "Saturday"),
    ("sun", Weekday::Sun, "Chủ nhật", "Sunday"),
];

/// Parses `mon`…`sun` (also `t2`…`t7`, `cn`, any case).
pub fn parse_weekday(s: &str) -> Result<Weekday, SupportError> {
    let s = s.trim().to_ascii_lowercase();
    let vn = ["t2", "t3", "t4", "t5", "t6", "t7", "cn"];
    CODES
        .iter()
        .zip(vn)
        .find(|((code, ..), v)| *code == s || *v == s)
        .map(|((_, day, ..), _)| *day)
        .ok_or(SupportError::Weekday(s))
}

/// The code of `day` (`fri`).
pub fn weekday_code(day: Weekday) -> &'static str {
    CODES[day.num_days_from_monday() as usize].0
}

/// The weekday's name: `Thứ Sáu` / `Friday`.
pub fn weekday_name(day: Weekday, english: bool) -> &'static str {
    let (_, _, vi, en) = CODES[day.num_days_from_monday() as usize];
    if english { en } else { vi }
}

/// Weekly on `weekday` from `first` to `last` (inclusive), `start`–`end` local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurrence {
    pub weekday: Weekday,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

fn date(s: &str) -> Result<NaiveDate, SupportError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| SupportError::Date)
}

fn time(s: &str) -> Result<NaiveTime, SupportError> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| SupportError::Time)
}

impl Recurrence {
    /// Parses the rule as entered: weekday code, dates `YYYY-MM-DD`, times `HH:MM`.
    pub fn parse(weekday: &str, first: &str, last: &str, start: &str, end: &str) -> Result<Recurrence, SupportError> {
        let weekday = parse_weekday(weekday)?;
        let (first, last) = (date(first)?, date(last)?);
        if last < first || (last - first).num_days() > MAX_SPAN_DAYS {
            return Err(SupportError::Period);
        }
        let (start, end) = (time(start)?, time(end)?);
        if end <= start {
            return Err(SupportError::Hours);
        }
        Ok(Recurrence { weekday, first, last, start, end })
    }

    /// `Thứ Sáu hằng tuần, 07:30–11:00` / `Every Friday, 07:30–11:00`.
    pub fn describe(&self, english: bool) -> String {
        let (s, e) = (self.start.format("%H:%M"), self.end.format("%H:%M"));
        let day = weekday_name(self.weekday, english);
        if english { format!("Every {day}, {s}–{e}") } else { format!("{day} hằng tuần, {s}–{e}") }
    }

    /// Every scheduled date from `from` to `to` (inclusive), each held or cancelled with the
    /// calendar's reason (a public holiday or an announced day off).
    pub fn occurrences(&self, cal: &WorkCalendar, from: NaiveDate, to: NaiveDate) -> Vec<Occurrence> {
        let from = from.max(self.first);
        let to = to.min(self.last);
        let ahead = (7 + self.weekday.num_days_from_monday() as i64 - from.weekday().num_days_from_monday() as i64) % 7;
        let mut day = from + Duration::days(ahead);
        let mut out = Vec::new();
        while day <= to {
            let info = cal.day(day);
            // The calendar names an ordinary rest day by its weekday; anything else is a holiday.
            let weekend_rest = info.reason.as_deref() == Some(weekday_name(day.weekday(), false));
            let cancelled = (!info.working && !weekend_rest).then(|| info.reason.unwrap_or_default());
            out.push(Occurrence {
                date: day,
                starts: from_local(day.and_time(self.start)),
                ends: from_local(day.and_time(self.end)),
                cancelled,
            });
            day += Duration::days(7);
        }
        out
    }

    /// Whether the session is held on `date`.
    pub fn held_on(&self, cal: &WorkCalendar, date: NaiveDate) -> bool {
        self.occurrences(cal, date, date).iter().any(|o| o.cancelled.is_none())
    }
}

/// One dated session: when it runs, or why it is cancelled that week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    pub date: NaiveDate,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    /// The holiday that cancels it, in Vietnamese.
    pub cancelled: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{CalendarData, WorkingHours};

    fn cal() -> WorkCalendar {
        let data = CalendarData::vietnam();
        WorkCalendar::new(&data, data.latest_version(), WorkingHours::default())
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekdays_parse_in_english_and_vietnamese_codes() {
        assert_eq!(parse_weekday("FRI"), Ok(Weekday::Fri));
        assert_eq!(parse_weekday("t6"), Ok(Weekday::Fri));
        assert_eq!(parse_weekday("cn"), Ok(Weekday::Sun));
        assert_eq!(parse_weekday("funday"), Err(SupportError::Weekday("funday".into())));
        assert_eq!(weekday_code(Weekday::Sat), "sat");
    }

    #[test]
    fn bad_rules_are_refused() {
        let ok = Recurrence::parse("fri", "2026-01-01", "2026-12-31", "07:30", "11:00").unwrap();
        assert_eq!(ok.describe(false), "Thứ Sáu hằng tuần, 07:30–11:00");
        assert_eq!(
            Recurrence::parse("xyz", "2026-01-01", "2026-12-31", "07:30", "11:00"),
            Err(SupportError::Weekday("xyz".into()))
        );
        assert_eq!(Recurrence::parse("fri", "2026-12-31", "2026-01-01", "07:30", "11:00"), Err(SupportError::Period));
        assert_eq!(Recurrence::parse("fri", "2026-01-01", "2029-01-01", "07:30", "11:00"), Err(SupportError::Period));
        assert_eq!(Recurrence::parse("fri", "2026-1-1x", "2026-12-31", "07:30", "11:00"), Err(SupportError::Date));
        assert_eq!(Recurrence::parse("fri", "2026-01-01", "2026-12-31", "11:00", "07:30"), Err(SupportError::Hours));
        assert_eq!(Recurrence::parse("fri", "2026-01-01", "2026-12-31", "7h30", "11:00"), Err(SupportError::Time));
    }

    #[test]
    fn fridays_expand_weekly_within_the_rule_and_the_window() {
        let r = Recurrence::parse("fri", "2026-11-01", "2026-12-31", "07:30", "11:00").unwrap();
        let all = r.occurrences(&cal(), d(2026, 11, 23), d(2026, 12, 12));
        let dates: Vec<_> = all.iter().map(|o| o.date).collect();
        assert_eq!(dates, vec![d(2026, 11, 27), d(2026, 12, 4), d(2026, 12, 11)]);
        assert!(all.iter().all(|o| o.cancelled.is_none()));
        // 07:30 in Vietnam is 00:30 UTC.
        assert_eq!(all[0].starts.to_rfc3339(), "2026-11-27T00:30:00+00:00");
        assert!(r.occurrences(&cal(), d(2027, 1, 1), d(2027, 2, 1)).is_empty(), "after the rule's last date");
    }

    #[test]
    fn a_public_holiday_cancels_that_weeks_session() {
        // 2 September 2026 (National Day) is a Wednesday; 1 January 2027 is a Friday.
        let wed = Recurrence::parse("wed", "2026-08-01", "2026-09-30", "14:00", "16:30").unwrap();
        let sept = wed.occurrences(&cal(), d(2026, 8, 31), d(2026, 9, 10));
        assert_eq!(sept[0].date, d(2026, 9, 2));
        assert!(sept[0].cancelled.is_some(), "{sept:?}");
        assert!(sept[1].cancelled.is_none());
        assert!(!wed.held_on(&cal(), d(2026, 9, 2)));
        assert!(wed.held_on(&cal(), d(2026, 9, 9)));
        assert!(!wed.held_on(&cal(), d(2026, 9, 10)), "a Thursday is not scheduled");
        let fri = Recurrence::parse("fri", "2026-12-01", "2027-01-31", "07:30", "11:00").unwrap();
        let new_year = fri.occurrences(&cal(), d(2027, 1, 1), d(2027, 1, 1));
        assert_eq!(new_year[0].cancelled.as_deref().map(|r| !r.is_empty()), Some(true));
    }

    #[test]
    fn ordinary_weekends_are_held() {
        let sat = Recurrence::parse("sat", "2026-11-01", "2026-12-31", "07:30", "11:00").unwrap();
        let all = sat.occurrences(&cal(), d(2026, 11, 23), d(2026, 12, 6));
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|o| o.cancelled.is_none()), "{all:?}");
        let sun = Recurrence::parse("sun", "2026-11-01", "2026-12-31", "07:30", "11:00").unwrap();
        assert!(sun.held_on(&cal(), d(2026, 11, 29)));
    }
}

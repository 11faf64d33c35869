//! Checks calendar data before it is used: known format, sound rules, consistent announcements.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::holidays::{CalendarDataError, CalendarFile, RuleDate};
use super::schedule::{FIRST_YEAR, LAST_YEAR};

pub(super) fn validate(file: &CalendarFile) -> Result<(), CalendarDataError> {
    use CalendarDataError as E;
    if file.format != 1 {
        return Err(E::UnsupportedFormat(file.format));
    }
    let rest = &file.weekly_rest.days;
    if rest.len() >= 7 || (1..rest.len()).any(|i| rest[..i].contains(&rest[i])) {
        return Err(E::InvalidWeeklyRest);
    }
    let mut ids = HashSet::new();
    for rule in &file.rules {
        let bad = |reason| E::InvalidRule { id: rule.id.clone(), reason };
        if rule.id.is_empty() || rule.name.is_empty() {
            return Err(bad("id and name must not be empty"));
        }
        if !ids.insert(rule.id.as_str()) {
            return Err(bad("duplicate id"));
        }
        let civil = |m, d| NaiveDate::from_ymd_opt(2000, m, d).is_some();
        let ok = match &rule.when {
            RuleDate::Solar { month, day } => civil(*month, *day),
            RuleDate::Lunar { month, day } => (1..=12).contains(month) && (1..=30).contains(day),
            RuleDate::Tet { first_offset, days } => (-10..=10).contains(first_offset) && (1..=10).contains(days),
            RuleDate::SolarWithAdjacent { month, day, adjacent } => {
                civil(*month, *day) && adjacent.values().iter().all(|a| a.abs() == 1)
            }
        };
        if !ok {
            return Err(bad("date out of range"));
        }
    }
    let mut covered = HashSet::new();
    for a in &file.announced {
        let bad = |reason: String| E::InvalidAnnouncement { year: a.year, reason };
        if !(FIRST_YEAR..=LAST_YEAR).contains(&a.year) {
            return Err(bad("year outside 1900–2199".into()));
        }
        if a.occasions.is_empty() || a.days.is_empty() {
            return Err(bad("no occasion or no day".into()));
        }
        for occasion in &a.occasions {
            if !ids.contains(occasion.as_str()) {
                return Err(bad(format!("unknown occasion {occasion:?}")));
            }
            if !covered.insert((a.year, occasion.as_str())) {
                return Err(bad(format!("{occasion:?} announced twice")));
            }
        }
        for (i, day) in a.days.iter().enumerate() {
            if day.reason.is_empty() || a.days[..i].iter().any(|d| d.date == day.date) {
                return Err(bad(format!("{} repeated or without reason", day.date)));
            }
        }
    }
    let mut last = 0;
    for amendment in &file.amendments {
        if amendment.version <= last {
            return Err(E::AmendmentOrder(amendment.version));
        }
        last = amendment.version;
    }
    Ok(())
}

//! Expands holiday rules and announced schedules into the special days of 1900–2199.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, TimeDelta};

use super::holidays::{CalendarFile, HolidayRule, RuleDate};
use super::lunar::{LunarDate, from_lunar};

/// The years whose holidays are precomputed; outside them only weekly rest days and
/// amendments apply.
pub(super) const FIRST_YEAR: i32 = 1900;
pub(super) const LAST_YEAR: i32 = 2199;

/// A date whose status or name differs from an ordinary weekday or weekly rest day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SpecialDay {
    pub working: bool,
    pub reason: String,
}

pub(super) type DayTable = HashMap<NaiveDate, SpecialDay>;

pub(super) fn expand(file: &CalendarFile) -> DayTable {
    let years = (LAST_YEAR - FIRST_YEAR + 1) as usize;
    let mut table = DayTable::with_capacity(years * 16);
    for year in FIRST_YEAR..=LAST_YEAR {
        expand_year(file, year, &mut table);
    }
    table
}

fn expand_year(file: &CalendarFile, year: i32, table: &mut DayTable) {
    let announced: Vec<_> = file.announced.iter().filter(|a| a.year == year).collect();
    for day in announced.iter().flat_map(|a| &a.days) {
        let (working, reason) = (day.working, day.reason.clone());
        table.insert(day.date, SpecialDay { working, reason });
    }
    let mut holidays: Vec<(NaiveDate, &HolidayRule)> = Vec::new();
    for rule in &file.rules {
        if announced.iter().any(|a| a.occasions.contains(&rule.id)) {
            continue;
        }
        for date in rule_dates(&rule.when, year) {
            if rule.from.is_none_or(|from| date >= from) {
                holidays.push((date, rule));
            }
        }
    }
    holidays.sort_by_key(|&(date, _)| date);

    // Name every holiday first, so that compensatory days skip all of them.
    for &(date, rule) in &holidays {
        match table.get_mut(&date) {
            // Two holidays on one date share it: the law grants no extra day for that.
            Some(day) if !day.working && !day.reason.contains(&rule.name) => {
                day.reason = format!("{}; {}", day.reason, rule.name);
            }
            // An announced day takes precedence.
            Some(_) => {}
            None => {
                let reason = rule.name.clone();
                table.insert(date, SpecialDay { working: false, reason });
            }
        }
    }

    // A holiday on a weekly rest day gives a day off on the next working day.
    let rest = |d: NaiveDate| file.weekly_rest.days.contains(&d.weekday());
    let mut previous = None;
    for &(date, rule) in &holidays {
        if !rest(date) || previous == Some(date) {
            continue;
        }
        previous = Some(date);
        let mut day = next(date);
        while rest(day) || table.get(&day).is_some_and(|d| !d.working) {
            day = next(day);
        }
        let reason = format!("{} {}", file.compensatory.prefix, rule.name);
        table.insert(day, SpecialDay { working: false, reason });
    }
}

/// The civil dates a rule gives in `year` (lunar rules: in lunar year `year`).
fn rule_dates(when: &RuleDate, year: i32) -> Vec<NaiveDate> {
    match *when {
        RuleDate::Solar { month, day } => NaiveDate::from_ymd_opt(year, month, day).into_iter().collect(),
        RuleDate::Lunar { month, day } => {
            let date = LunarDate { day, month, year, leap: false };
            from_lunar(date).into_iter().collect()
        }
        RuleDate::Tet { first_offset, days } => {
            let new_year = LunarDate { day: 1, month: 1, year, leap: false };
            let Some(first) = from_lunar(new_year) else {
                return Vec::new();
            };
            (0..i64::from(days)).filter_map(|i| first.checked_add_signed(TimeDelta::days(first_offset + i))).collect()
        }
        RuleDate::SolarWithAdjacent { month, day, adjacent } => {
            let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else {
                return Vec::new();
            };
            let other = date.checked_add_signed(TimeDelta::days(adjacent.get(date.weekday())));
            let mut dates: Vec<_> = [date].into_iter().chain(other).collect();
            dates.sort();
            dates
        }
    }
}

fn next(date: NaiveDate) -> NaiveDate {
    date.succ_opt().expect("holiday years lie far inside chrono's range")
}

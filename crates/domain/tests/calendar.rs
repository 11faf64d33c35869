//! Working time and deadlines: same-day cut-off, working and calendar days, pauses (DOMAIN §2.5).

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua_domain::calendar::{CalendarData, StatutoryTime, Timeliness, WorkCalendar, WorkingHours, from_local};

static CAL: LazyLock<WorkCalendar> =
    LazyLock::new(|| WorkCalendar::new(&CalendarData::vietnam(), 0, WorkingHours::default()));

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A local (UTC+7) time.
fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    from_local(date(y, m, d).and_hms_opt(h, min, 0).unwrap())
}

#[test]
fn working_instants_include_both_ends_of_an_interval() {
    assert!(CAL.is_working(at(2026, 3, 9, 7, 0)));
    assert!(CAL.is_working(at(2026, 3, 9, 11, 30)));
    assert!(!CAL.is_working(at(2026, 3, 9, 11, 31)));
    assert!(!CAL.is_working(at(2026, 3, 9, 17, 1)));
    assert!(!CAL.is_working(at(2026, 3, 7, 9, 0)), "Saturday");
    assert!(CAL.is_working(at(2026, 1, 10, 9, 0)), "make-up Saturday");
    assert_eq!(CAL.next_working_instant(at(2026, 3, 9, 12, 0)), at(2026, 3, 9, 13, 30));
    assert_eq!(CAL.next_working_instant(at(2026, 3, 6, 17, 30)), at(2026, 3, 9, 7, 0));
    assert_eq!(CAL.next_working_instant(at(2026, 3, 9, 8, 15)), at(2026, 3, 9, 8, 15));
}

#[test]
fn working_time_skips_lunch_nights_and_days_off() {
    let h = TimeDelta::hours;
    assert_eq!(CAL.working_time_between(at(2026, 3, 9, 10, 0), at(2026, 3, 9, 14, 0)), h(2));
    assert_eq!(CAL.working_time_between(at(2026, 3, 6, 16, 0), at(2026, 3, 9, 8, 0)), h(2));
    assert_eq!(CAL.working_time_between(at(2026, 3, 9, 14, 0), at(2026, 3, 9, 10, 0)), h(0));
    assert_eq!(CAL.add_working_time(at(2026, 3, 9, 10, 0), h(2)), at(2026, 3, 9, 14, 0));
    // Used up exactly at 11:30: the answer is 11:30, not 13:30.
    assert_eq!(CAL.add_working_time(at(2026, 3, 9, 10, 0), TimeDelta::minutes(90)), at(2026, 3, 9, 11, 30));
    assert_eq!(CAL.add_working_time(at(2026, 3, 9, 12, 0), h(0)), at(2026, 3, 9, 13, 30));
}

#[test]
fn same_day_procedures_respect_the_three_oclock_cutoff() {
    let same_day = StatutoryTime::same_day();
    assert_eq!(CAL.due(at(2026, 3, 10, 14, 59), &same_day), at(2026, 3, 10, 17, 0));
    assert_eq!(CAL.due(at(2026, 3, 10, 15, 0), &same_day), at(2026, 3, 11, 17, 0));
    assert_eq!(CAL.due(at(2026, 3, 13, 16, 0), &same_day), at(2026, 3, 16, 17, 0), "Friday → Monday");
    assert_eq!(CAL.due(at(2026, 3, 14, 9, 0), &same_day), at(2026, 3, 16, 17, 0), "Saturday");
    assert_eq!(CAL.due(at(2026, 3, 10, 6, 30), &same_day), at(2026, 3, 10, 17, 0));
}

#[test]
fn working_days_count_from_the_receipt_and_skip_weekends_and_tet() {
    let days = |n| StatutoryTime::WorkingDays { days: n };
    // Friday afternoon + 3 working days: Wednesday, same time.
    assert_eq!(CAL.due(at(2026, 3, 13, 14, 0), &days(3)), at(2026, 3, 18, 14, 0));
    // Received after closing: counted from Monday morning.
    assert_eq!(CAL.due(at(2026, 3, 13, 18, 0), &days(1)), at(2026, 3, 16, 17, 0));
    // Across Tết 2026 (off Sat 14/2 – Sun 22/2).
    assert_eq!(CAL.due(at(2026, 2, 13, 10, 0), &days(3)), at(2026, 2, 25, 10, 0));
    // The make-up Saturday 26/4/2025 is a working day.
    assert_eq!(CAL.due(at(2025, 4, 25, 9, 0), &days(1)), at(2025, 4, 26, 9, 0));
    let hours = StatutoryTime::WorkingHours { hours: 4 };
    assert_eq!(CAL.due(at(2026, 3, 9, 16, 0), &hours), at(2026, 3, 10, 10, 0));
}

#[test]
fn calendar_days_ending_on_a_holiday_move_to_the_next_working_day() {
    let days = |n| StatutoryTime::CalendarDays { days: n };
    // 20/4/2026 + 10 days = Thu 30/4; 30/4–3/5 are off.
    assert_eq!(CAL.due(at(2026, 4, 20, 9, 0), &days(10)), at(2026, 5, 4, 17, 0));
    assert_eq!(CAL.due(at(2026, 3, 9, 9, 0), &days(3)), at(2026, 3, 12, 17, 0));
    assert_eq!(CAL.due(at(2026, 3, 9, 18, 0), &days(0)), at(2026, 3, 10, 17, 0));
}

#[test]
fn a_pause_stops_the_clock_exactly() {
    let due = at(2026, 3, 11, 17, 0); // Wednesday
    // Paused Monday 10:00 with 21 working hours left, resumed Thursday 10:00.
    assert_eq!(CAL.resume_due(due, at(2026, 3, 9, 10, 0), at(2026, 3, 12, 10, 0)), at(2026, 3, 16, 17, 0));
    // Paused and resumed the same instant: nothing changes.
    let p = at(2026, 3, 10, 9, 0);
    assert_eq!(CAL.resume_due(due, p, p), due);
    // Paused after the due instant: already late, nothing changes.
    assert_eq!(CAL.resume_due(due, at(2026, 3, 12, 8, 0), at(2026, 3, 20, 8, 0)), due);
}

#[test]
fn timeliness_uses_the_local_day_of_the_appointment() {
    let due = at(2026, 3, 11, 17, 0);
    assert_eq!(CAL.classify(due, at(2026, 3, 11, 17, 0)), Timeliness::OnTime);
    assert_eq!(CAL.classify(due, at(2026, 3, 11, 17, 1)), Timeliness::Late);
    assert_eq!(CAL.classify(due, at(2026, 3, 10, 23, 59)), Timeliness::Early);
    // 00:30 local is still the previous day in UTC, yet the same local day as the due.
    assert_eq!(CAL.classify(due, at(2026, 3, 11, 0, 30)), Timeliness::OnTime);
    assert_eq!(serde_json::to_string(&Timeliness::OnTime).unwrap(), "\"on_time\"");
    assert!(Timeliness::Early < Timeliness::OnTime && Timeliness::OnTime < Timeliness::Late);
}

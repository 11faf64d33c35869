//! Properties of working time and deadlines that must hold for any receipt, pause or holiday.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua_domain::calendar::{CalendarData, StatutoryTime, WorkCalendar, WorkingHours, from_local, to_local};
use proptest::prelude::*;

static DATA: LazyLock<CalendarData> = LazyLock::new(CalendarData::vietnam);
static CAL: LazyLock<WorkCalendar> = LazyLock::new(|| WorkCalendar::new(&DATA, 0, WorkingHours::default()));

/// Six years of seconds from 2024-01-01 00:00 local, covering the announced schedules.
const SPAN: i64 = 6 * 366 * 86_400;

fn instant(secs: i64) -> DateTime<Utc> {
    let origin = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    from_local(origin + TimeDelta::seconds(secs))
}

fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0..SPAN).prop_map(instant)
}

/// Instants that land on round minutes of the working day more often than chance would.
fn edgy_instant() -> impl Strategy<Value = DateTime<Utc>> {
    prop_oneof![
        any_instant(),
        (0..SPAN / 86_400, prop::sample::select(vec![420, 690, 810, 1020, 900, 0]))
            .prop_map(|(day, minute)| instant(day * 86_400 + minute * 60)),
    ]
}

fn statutory_time() -> impl Strategy<Value = StatutoryTime> {
    prop_oneof![
        (0u32..40).prop_map(|days| StatutoryTime::WorkingDays { days }),
        (0u32..60).prop_map(|hours| StatutoryTime::WorkingHours { hours }),
        Just(StatutoryTime::same_day()),
        (0u32..60).prop_map(|days| StatutoryTime::CalendarDays { days }),
    ]
}

/// Whether `t` opens a working interval (there the clock runs only forward from it).
fn opens_interval(t: DateTime<Utc>) -> bool {
    let time = to_local(t).time();
    CAL.hours().intervals().iter().any(|&(start, _)| start == time)
}

proptest! {
    #[test]
    fn a_due_date_is_a_working_instant_not_before_receipt(received in edgy_instant(), time in statutory_time()) {
        let due = CAL.due(received, &time);
        prop_assert!(CAL.is_working(due), "{received} {time:?} → {due}");
        prop_assert!(due >= received);
    }

    #[test]
    fn pausing_never_makes_a_dossier_later(
        received in any_instant(),
        time in statutory_time(),
        pause_after in 0i64..40 * 86_400,
        pause_length in 0i64..20 * 86_400,
        end_after in 0i64..80 * 86_400,
    ) {
        let due = CAL.due(received, &time);
        let paused = received + TimeDelta::seconds(pause_after);
        let resumed = paused + TimeDelta::seconds(pause_length);
        let ended = received + TimeDelta::seconds(end_after);
        let new_due = CAL.resume_due(due, paused, resumed);
        prop_assert!(new_due >= due);
        prop_assert!(CAL.classify(new_due, ended) <= CAL.classify(due, ended));
        if paused > due {
            prop_assert_eq!(new_due, due);
        }
    }

    #[test]
    fn a_pause_of_no_working_time_changes_nothing(received in any_instant(), days in 1u32..30, pause_after in 0i64..30 * 86_400) {
        let due = CAL.due(received, &StatutoryTime::WorkingDays { days });
        let paused = received + TimeDelta::seconds(pause_after);
        prop_assert_eq!(CAL.resume_due(due, paused, paused), due);
    }

    #[test]
    fn an_added_holiday_never_brings_a_due_date_forward(
        received in any_instant(),
        time in statutory_time(),
        holiday_after in 0i64..60,
    ) {
        let mut data = DATA.clone();
        let day = to_local(received).date() + TimeDelta::days(holiday_after);
        let version = data.amend(day, false, "Nghỉ đột xuất");
        let before = WorkCalendar::new(&data, version - 1, WorkingHours::default());
        let after = WorkCalendar::new(&data, version, WorkingHours::default());
        prop_assert!(after.due(received, &time) >= before.due(received, &time));
    }

    #[test]
    fn working_time_adds_up_over_splits(a in edgy_instant(), b in edgy_instant(), c in edgy_instant()) {
        let mut points = [a, b, c];
        points.sort();
        let [a, b, c] = points;
        prop_assert_eq!(
            CAL.working_time_between(a, c),
            CAL.working_time_between(a, b) + CAL.working_time_between(b, c)
        );
    }

    #[test]
    fn adding_the_time_between_two_instants_lands_on_the_second(t in edgy_instant(), u in edgy_instant()) {
        let (t, u) = (t.min(u), t.max(u));
        let elapsed = CAL.working_time_between(t, u);
        let landed = CAL.add_working_time(t, elapsed);
        prop_assert!(landed <= CAL.next_working_instant(u));
        prop_assert_eq!(CAL.working_time_between(landed, u), TimeDelta::zero());
        if CAL.is_working(u) && !(opens_interval(u) && elapsed > TimeDelta::zero()) {
            prop_assert_eq!(landed, u);
        }
    }

    #[test]
    fn added_working_time_is_exactly_the_amount(t in edgy_instant(), minutes in 0i64..20_000) {
        let amount = TimeDelta::minutes(minutes);
        let end = CAL.add_working_time(t, amount);
        prop_assert!(CAL.is_working(end));
        prop_assert_eq!(CAL.working_time_between(t, end), amount);
    }

    #[test]
    fn the_next_working_instant_is_the_first_one(t in edgy_instant()) {
        let next = CAL.next_working_instant(t);
        prop_assert!(next >= t && CAL.is_working(next));
        prop_assert_eq!(CAL.working_time_between(t, next), TimeDelta::zero());
        prop_assert_eq!(next == t, CAL.is_working(t));
    }
}

//! Holidays as announced, versioned amendments and the calendar data file (DOMAIN §4).

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use motcua_domain::calendar::{
    Amendment, CalendarData, CalendarDataError, DayInfo, StatutoryTime, WorkCalendar, WorkingHours, from_local,
};

static DATA: LazyLock<CalendarData> = LazyLock::new(CalendarData::vietnam);
static CAL: LazyLock<WorkCalendar> = LazyLock::new(|| WorkCalendar::new(&DATA, 0, WorkingHours::default()));

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A local (UTC+7) time.
fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    from_local(date(y, m, d).and_hms_opt(h, min, 0).unwrap())
}

fn summary(days: &[DayInfo]) -> Vec<(NaiveDate, bool, &str)> {
    days.iter().map(|d| (d.date, d.working, d.reason.as_deref().unwrap_or(""))).collect()
}

#[test]
fn embedded_data_is_valid() {
    let json = include_str!("../../../data/calendar/vn.json");
    let data = CalendarData::from_json(json).expect("vn.json is valid");
    assert_eq!(data.rules().len(), 7);
    assert_eq!(data.announced().iter().filter(|a| a.year == 2026).count(), 5);
    assert_eq!(data.latest_version(), 0);
    assert!(data.rules().iter().all(|r| !r.source.is_empty()));
    assert!(data.announced().iter().all(|a| !a.source.is_empty()));
}

#[test]
fn holidays_2025_are_as_announced() {
    let off = |m, d, r| (date(2025, m, d), false, r);
    let expected = vec![
        off(1, 1, "Tết Dương lịch"),
        off(1, 27, "Tết Nguyên đán"),
        off(1, 28, "Tết Nguyên đán"),
        off(1, 29, "Tết Nguyên đán"),
        off(1, 30, "Tết Nguyên đán"),
        off(1, 31, "Tết Nguyên đán"),
        off(4, 7, "Giỗ Tổ Hùng Vương"),
        (date(2025, 4, 26), true, "Làm bù cho ngày 2/5/2025"),
        off(4, 30, "Ngày Chiến thắng"),
        off(5, 1, "Ngày Quốc tế Lao động"),
        off(5, 2, "Nghỉ hoán đổi, làm bù thứ Bảy 26/4/2025"),
        off(9, 1, "Quốc khánh"),
        off(9, 2, "Quốc khánh"),
    ];
    assert_eq!(summary(&CAL.exceptions(2025)), expected);
    assert!(CAL.is_working_day(date(2025, 11, 24)), "Culture Day starts in 2026");
}

#[test]
fn holidays_2026_are_as_announced() {
    let off = |m, d, r| (date(2026, m, d), false, r);
    let tet = "Tết Nguyên đán";
    let expected = vec![
        off(1, 1, "Tết Dương lịch"),
        off(1, 2, "Nghỉ hoán đổi, làm bù thứ Bảy 10/1/2026"),
        (date(2026, 1, 10), true, "Làm bù cho ngày 2/1/2026"),
        off(2, 16, tet),
        off(2, 17, tet),
        off(2, 18, tet),
        off(2, 19, tet),
        off(2, 20, tet),
        off(4, 27, "Nghỉ bù Giỗ Tổ Hùng Vương"),
        off(4, 30, "Ngày Chiến thắng"),
        off(5, 1, "Ngày Quốc tế Lao động"),
        off(9, 1, "Quốc khánh"),
        off(9, 2, "Quốc khánh"),
        off(11, 24, "Ngày Văn hóa Việt Nam"),
    ];
    assert_eq!(summary(&CAL.exceptions(2026)), expected);
    // Tết 2026: nine days off, Sat 14/2 to Sun 22/2.
    let tet_break: Vec<_> = date(2026, 2, 13).iter_days().take(11).map(|d| CAL.is_working_day(d)).collect();
    assert_eq!(tet_break, [true, false, false, false, false, false, false, false, false, false, true]);
}

#[test]
fn days_say_why_they_are_off() {
    let reason = |d| CAL.day(d).reason;
    assert_eq!(reason(date(2026, 4, 26)).as_deref(), Some("Giỗ Tổ Hùng Vương"));
    assert_eq!(reason(date(2026, 3, 7)).as_deref(), Some("Thứ Bảy"));
    assert_eq!(reason(date(2026, 3, 8)).as_deref(), Some("Chủ nhật"));
    assert_eq!(CAL.day(date(2026, 3, 9)), DayInfo { date: date(2026, 3, 9), working: true, reason: None });
}

#[test]
fn years_without_announcement_follow_the_rules() {
    // Tết 2024 (Mùng 1 on a Saturday): five days from 29 Chạp, two compensatory days.
    let off: Vec<_> = CAL.exceptions(2024).into_iter().filter(|d| d.date.month0() == 1).collect();
    let dates: Vec<_> = off.iter().map(|d| d.date).collect();
    assert_eq!(
        dates,
        date(2024, 2, 8).iter_days().take(7).filter(|d| d.weekday().num_days_from_monday() < 5).collect::<Vec<_>>()
    );
    assert_eq!(off.last().unwrap().reason.as_deref(), Some("Nghỉ bù Tết Nguyên đán"));
    // 2/9/2029 is a Sunday: Sat 1/9 and Sun 2/9 give Mon 3/9 and Tue 4/9.
    let qk: Vec<_> = CAL.exceptions(2029).into_iter().filter(|d| d.date.month() == 9).collect();
    assert_eq!(
        summary(&qk),
        [(date(2029, 9, 3), false, "Nghỉ bù Quốc khánh"), (date(2029, 9, 4), false, "Nghỉ bù Quốc khánh")]
    );
    assert!(!CAL.is_working_day(date(2027, 11, 24)));
    assert!(!CAL.is_working_day(date(2031, 4, 1)), "Giỗ Tổ 2031");
}

#[test]
fn a_calendar_ignores_amendments_newer_than_its_version() {
    let mut data = DATA.clone();
    let storm = data.amend(date(2027, 3, 3), false, "Nghỉ do bão");
    let saturday = data.amend(date(2027, 3, 6), true, "Làm bù ngày nghỉ do bão");
    assert_eq!((storm, saturday, data.latest_version()), (1, 2, 2));
    let received = at(2027, 3, 2, 9, 0);
    let two_days = StatutoryTime::WorkingDays { days: 2 };
    let at_version = |v| WorkCalendar::new(&data, v, WorkingHours::default());
    assert_eq!(at_version(0).due(received, &two_days), at(2027, 3, 4, 9, 0));
    assert_eq!(at_version(1).due(received, &two_days), at(2027, 3, 5, 9, 0));
    assert_eq!(at_version(1).day(date(2027, 3, 3)).reason.as_deref(), Some("Nghỉ do bão"));
    assert!(!at_version(1).is_working_day(date(2027, 3, 6)));
    assert!(at_version(2).is_working_day(date(2027, 3, 6)));
    assert_eq!(summary(&at_version(2).exceptions(2027)).iter().filter(|d| d.0.month() == 3).count(), 2);
    // Reloaded from storage, in any order, the same amendments give the same calendar.
    let mut stored = data.amendments().to_vec();
    stored.reverse();
    let reloaded = DATA.clone().with_amendments(stored);
    assert_eq!(reloaded.amendments(), data.amendments());
    let later = WorkCalendar::new(&reloaded, 1, WorkingHours::default());
    assert_eq!(later.due(received, &two_days), at(2027, 3, 5, 9, 0));
    assert_eq!(later.version(), 1);
}

#[test]
fn amendments_override_announced_days() {
    let data = DATA.clone().with_amendments(vec![Amendment {
        version: 1,
        date: date(2026, 1, 10),
        working: false,
        reason: "Hủy làm bù".into(),
    }]);
    let cal = WorkCalendar::new(&data, 1, WorkingHours::default());
    assert!(!cal.is_working_day(date(2026, 1, 10)));
    assert!(!cal.exceptions(2026).iter().any(|d| d.date == date(2026, 1, 10)));
}

#[test]
fn bad_calendar_data_is_refused() {
    let json = include_str!("../../../data/calendar/vn.json");
    let edit = |from: &str, to: &str| CalendarData::from_json(&json.replacen(from, to, 1)).unwrap_err();
    assert_eq!(edit("\"format\": 1", "\"format\": 2"), CalendarDataError::UnsupportedFormat(2));
    assert!(matches!(edit("[\"quoc_khanh\"]", "[\"quoc_khanhh\"]"), CalendarDataError::InvalidAnnouncement { .. }));
    assert!(matches!(
        edit("\"id\": \"chien_thang\"", "\"id\": \"tet_duong_lich\""),
        CalendarDataError::InvalidRule { .. }
    ));
    assert!(matches!(
        edit("\"month\": 4, \"day\": 30", "\"month\": 4, \"day\": 31"),
        CalendarDataError::InvalidRule { .. }
    ));
    assert!(matches!(edit("\"Sat\", \"Sun\"", "\"Sat\", \"Sunday\", \"Sun\""), CalendarDataError::InvalidWeeklyRest));
    assert!(matches!(edit("\"working\": true", "\"working\": 1"), CalendarDataError::Json(_)));
    let amended = json.replacen(
        "\"announced\"",
        "\"amendments\": [{\"version\": 2, \"date\": \"2027-01-04\", \"working\": false, \"reason\": \"x\"}, {\"version\": 2, \"date\": \"2027-01-05\", \"working\": false, \"reason\": \"y\"}],\n  \"announced\"",
        1,
    );
    assert_eq!(CalendarData::from_json(&amended).unwrap_err(), CalendarDataError::AmendmentOrder(2));
}

#[test]
fn calendars_are_cheap_to_share_across_threads() {
    fn assert_send_sync<T: Clone + Send + Sync>() {}
    assert_send_sync::<WorkCalendar>();
    assert_send_sync::<CalendarData>();
    let start = std::time::Instant::now();
    let cal = WorkCalendar::new(&DATA, 0, WorkingHours::default());
    assert!(start.elapsed() < std::time::Duration::from_millis(10));
    let copy = cal.clone();
    std::thread::spawn(move || assert!(copy.is_working_day(date(2026, 3, 9)))).join().unwrap();
}

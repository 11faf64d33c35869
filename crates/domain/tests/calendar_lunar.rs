//! The lunar calendar against the Vietnamese reference vectors (DOMAIN §4.3).

use chrono::{Datelike, NaiveDate};
use motcua_domain::calendar::{LunarDate, from_lunar, to_lunar};
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn lunar(day: u8, month: u8, year: i32, leap: bool) -> LunarDate {
    LunarDate { day, month, year, leap }
}

#[test]
fn tet_and_gio_to_2024_to_2030_match_the_reference() {
    let vectors = [
        (2024, date(2024, 2, 10), date(2024, 4, 18)),
        (2025, date(2025, 1, 29), date(2025, 4, 7)),
        (2026, date(2026, 2, 17), date(2026, 4, 26)),
        (2027, date(2027, 2, 6), date(2027, 4, 16)),
        (2028, date(2028, 1, 26), date(2028, 4, 4)),
        (2029, date(2029, 2, 13), date(2029, 4, 23)),
        (2030, date(2030, 2, 2), date(2030, 4, 12)),
    ];
    for (year, tet, gio_to) in vectors {
        assert_eq!(from_lunar(lunar(1, 1, year, false)), Some(tet), "Tết {year}");
        assert_eq!(to_lunar(tet), lunar(1, 1, year, false), "Tết {year}");
        assert_eq!(from_lunar(lunar(10, 3, year, false)), Some(gio_to), "Giỗ Tổ {year}");
        assert_eq!(to_lunar(gio_to), lunar(10, 3, year, false), "Giỗ Tổ {year}");
    }
}

#[test]
fn tet_follows_vietnam_not_china_where_they_differ() {
    assert_eq!(from_lunar(lunar(1, 1, 1985, false)), Some(date(1985, 1, 21)));
    assert_eq!(from_lunar(lunar(1, 1, 2007, false)), Some(date(2007, 2, 17)));
    assert_eq!(to_lunar(date(2007, 2, 18)), lunar(2, 1, 2007, false));
}

#[test]
fn mung_1_tet_2025() {
    assert_eq!(to_lunar(date(2025, 1, 29)), lunar(1, 1, 2025, false));
    assert_eq!(to_lunar(date(2025, 1, 29)).to_string(), "1/1/2025");
    // The month before Tết has 29 days in 2025–2030.
    for year in 2025..=2030 {
        let tet = from_lunar(lunar(1, 1, year, false)).unwrap();
        assert_eq!(to_lunar(tet.pred_opt().unwrap()), lunar(29, 12, year - 1, false));
    }
}

#[test]
fn leap_months_are_where_expected() {
    for (year, month) in [(2023, 2), (2025, 6), (2028, 5), (2031, 3)] {
        for m in 1..=12 {
            let leap = from_lunar(lunar(1, m, year, true));
            assert_eq!(leap.is_some(), m == month, "{year}: leap month {m}");
        }
        let regular = from_lunar(lunar(1, month, year, false)).unwrap();
        let repeated = from_lunar(lunar(1, month, year, true)).unwrap();
        assert!(regular < repeated);
        assert_eq!(to_lunar(repeated), lunar(1, month, year, true));
    }
    for year in [2024, 2026, 2027, 2029, 2030] {
        assert!((1..=12).all(|m| from_lunar(lunar(1, m, year, true)).is_none()), "{year}");
    }
    assert_eq!(lunar(15, 6, 2025, true).to_string(), "15/6 nhuận/2025");
}

#[test]
fn gio_to_2031_is_in_the_regular_third_month() {
    assert_eq!(from_lunar(lunar(10, 3, 2031, false)), Some(date(2031, 4, 1)));
    assert_eq!(to_lunar(date(2031, 4, 1)), lunar(10, 3, 2031, false));
}

#[test]
fn a_thirtieth_exists_only_in_long_months() {
    // 12th month of Giáp Thìn (2024) has 29 days: Tết 2025 follows its 29th.
    assert_eq!(from_lunar(lunar(30, 12, 2024, false)), None);
    assert_eq!(from_lunar(lunar(29, 12, 2024, false)), Some(date(2025, 1, 28)));
}

#[test]
fn every_day_1900_to_2199_steps_through_the_lunar_calendar() {
    let mut previous = to_lunar(date(1900, 1, 1));
    // Months counted since the last Tết; none until the first Tết is seen.
    let mut months_per_year: Option<u32> = None;
    for day in date(1900, 1, 2).iter_days().take_while(|d| d.year() < 2200) {
        let now = to_lunar(day);
        if now.day == 1 {
            assert!(matches!(previous.day, 29 | 30), "{day}: month of {} days", previous.day);
            let same_month_repeated = now.leap && now.month == previous.month;
            let next = previous.month % 12 + 1;
            assert!(same_month_repeated || (now.month == next && !now.leap), "{day}");
            let year = if previous.month == 12 && !same_month_repeated { 1 } else { 0 };
            assert_eq!(now.year, previous.year + year, "{day}");
            months_per_year = months_per_year.map(|n| n + 1);
            if now.month == 1 && !now.leap {
                assert!(matches!(months_per_year, None | Some(12 | 13)), "{day}");
                months_per_year = Some(0);
            }
        } else {
            assert_eq!((now.day, now.month, now.leap), (previous.day + 1, previous.month, previous.leap));
        }
        assert_eq!(from_lunar(now), Some(day), "{day} → {now}");
        previous = now;
    }
}

proptest! {
    #[test]
    fn lunar_dates_round_trip(days in 0i64..109_572) {
        let day = date(1900, 1, 1) + chrono::TimeDelta::days(days);
        prop_assert_eq!(from_lunar(to_lunar(day)), Some(day));
    }

    #[test]
    fn lunar_dates_that_exist_round_trip(day in 1u8..=30, month in 1u8..=12, year in 1901i32..2199, leap: bool) {
        let d = LunarDate { day, month, year, leap };
        if let Some(civil) = from_lunar(d) {
            prop_assert_eq!(to_lunar(civil), d);
        }
    }
}

//! The Vietnamese lunar calendar (âm lịch), by Hồ Ngọc Đức's astronomical method at UTC+7.
//!
//! A lunar month starts on the local day of a new moon. Months are numbered from the 11th,
//! the one holding the winter solstice; a span of 13 months between two 11th months has a
//! leap month, the first one during which the sun enters no new 30° sector of longitude.
//! New moons and the sun's longitude follow Meeus' abridged formulas. Everything is
//! computed in Vietnam's zone, UTC+7, never the process's: the Chinese calendar (UTC+8)
//! differs in some years (Tết 1985, 2007).

use std::f64::consts::PI;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// A date of the Vietnamese lunar calendar. `leap` marks the repeated (nhuận) month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LunarDate {
    pub day: u8,
    pub month: u8,
    pub year: i32,
    pub leap: bool,
}

impl fmt::Display for LunarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let leap = if self.leap { " nhuận" } else { "" };
        write!(f, "{}/{}{}/{}", self.day, self.month, leap, self.year)
    }
}

/// Vietnam's calendar meridian, UTC+7, as a fraction of a day.
const ZONE: f64 = 7.0 / 24.0;
/// Mean synodic month, in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;
/// Julian day of the mean new moon numbered 0 (early January 1900).
const NEW_MOON_ZERO: f64 = 2_415_021.076_998_695;
/// Julian day number minus chrono's day count from 0001-01-01 (which is day 1).
const JDN_CE_OFFSET: i64 = 1_721_425;

/// The lunar date of a civil (Gregorian) date, in Vietnam's zone.
///
/// Accurate for the centuries around today; the test suite checks 1900–2199.
pub fn to_lunar(date: NaiveDate) -> LunarDate {
    let day = jdn(date);
    // The mean new moon only approximates the true one, so step back until we are in
    // the month that contains `day`.
    let mut k = ((day as f64 - NEW_MOON_ZERO) / SYNODIC_MONTH).floor() as i64 + 1;
    while new_moon_day(k) > day {
        k -= 1;
    }
    let start = new_moon_day(k);
    let year = date.year();
    let span = if month11(year) <= start { Span::from(year) } else { Span::from(year - 1) };
    let offset = k - span.k;
    let (index, leap) = match span.leap {
        Some(l) if offset >= l => (offset - 1, offset == l),
        _ => (offset, false),
    };
    LunarDate {
        day: (day - start + 1) as u8,
        month: ((index + 10) % 12 + 1) as u8,
        year: if index < 2 { span.year } else { span.year + 1 },
        leap,
    }
}

/// The civil date of a lunar date, or `None` when that lunar date does not exist: a day
/// outside 1–30, a 30th in a 29-day month, or a leap flag on a month that is not repeated.
pub fn from_lunar(date: LunarDate) -> Option<NaiveDate> {
    if !(1..=12).contains(&date.month) || !(1..=30).contains(&date.day) {
        return None;
    }
    // Months 11 and 12 of lunar year Y lie in the span that starts in civil year Y.
    let span = Span::from(if date.month >= 11 { date.year } else { date.year - 1 });
    let index = i64::from((date.month + 1) % 12);
    let offset = match (span.leap, date.leap) {
        (Some(l), true) if l - 1 == index => l,
        (_, true) => return None,
        (Some(l), false) if index >= l => index + 1,
        _ => index,
    };
    let start = new_moon_day(span.k + offset);
    let length = new_moon_day(span.k + offset + 1) - start;
    if i64::from(date.day) > length {
        return None;
    }
    from_jdn(start + i64::from(date.day) - 1)
}

/// The months from the 11th month that begins in civil year `year` up to the next 11th month.
struct Span {
    year: i32,
    /// Index of the new moon starting that 11th month.
    k: i64,
    /// Offset (from the 11th month) of the leap month, when the span has 13 months.
    leap: Option<i64>,
}

impl Span {
    fn from(year: i32) -> Span {
        let start = month11(year);
        let next = month11(year + 1);
        let k = ((start as f64 - NEW_MOON_ZERO) / SYNODIC_MONTH).round() as i64;
        let leap = (next - start > 365).then(|| {
            // The first month whose start and end lie in the same solar sector.
            (1..=12).find(|&i| sun_sector(new_moon_day(k + i)) == sun_sector(new_moon_day(k + i + 1))).unwrap_or(12)
        });
        Span { year, k, leap }
    }
}

/// Julian day number of the first day of the 11th lunar month that begins in civil `year`.
fn month11(year: i32) -> i64 {
    let dec31 = gregorian_jdn(i64::from(year), 12, 31);
    let k = ((dec31 - 2_415_021) as f64 / SYNODIC_MONTH).floor() as i64;
    let day = new_moon_day(k);
    // Past the winter solstice (270°) already: the 11th month began one moon earlier.
    if sun_sector(day) >= 9 { new_moon_day(k - 1) } else { day }
}

/// The local (UTC+7) Julian day number of the day of new moon `k`.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k) + 0.5 + ZONE).floor() as i64
}

/// Julian day (UT, fractional) of new moon `k`, counted from January 1900.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85; // Julian centuries since 1900
    let (t2, t3) = (t * t, t * t * t);
    let rad = PI / 180.0;
    let mean = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3
        + 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * rad).sin();
    let m = (359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3) * rad;
    let mp = (306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3) * rad;
    let f = (21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3) * rad;
    let correction = (0.1734 - 0.000_393 * t) * m.sin() + 0.0021 * (2.0 * m).sin() - 0.4068 * mp.sin()
        + 0.0161 * (2.0 * mp).sin()
        - 0.0004 * (3.0 * mp).sin()
        + 0.0104 * (2.0 * f).sin()
        - 0.0051 * (m + mp).sin()
        - 0.0074 * (m - mp).sin()
        + 0.0004 * (2.0 * f + m).sin()
        - 0.0004 * (2.0 * f - m).sin()
        - 0.0006 * (2.0 * f + mp).sin()
        + 0.0010 * (2.0 * f - mp).sin()
        + 0.0005 * (2.0 * mp + m).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    mean + correction - delta_t
}

/// Which 30° sector (0–11) of ecliptic longitude the sun is in at local midnight that
/// begins Julian day number `day`.
fn sun_sector(day: i64) -> i64 {
    (sun_longitude(day as f64 - 0.5 - ZONE) / PI * 6.0).floor() as i64
}

/// The sun's apparent longitude in radians, in [0, 2π), at Julian day `jd` (UT).
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36_525.0; // Julian centuries since J2000
    let t2 = t * t;
    let rad = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let c = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (rad * m).sin()
        + (0.019_993 - 0.000_101 * t) * (2.0 * rad * m).sin()
        + 0.000_290 * (3.0 * rad * m).sin();
    ((l0 + c) * rad).rem_euclid(2.0 * PI)
}

fn jdn(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JDN_CE_OFFSET
}

fn from_jdn(day: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(day - JDN_CE_OFFSET).ok()?)
}

/// Julian day number of a proleptic Gregorian date, valid for any year.
fn gregorian_jdn(year: i64, month: i64, day: i64) -> i64 {
    let a = (14 - month) / 12;
    let y = year + 4800 - a;
    let m = month + 12 * a - 3;
    day + (153 * m + 2) / 5 + 365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400) - 32_045
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn julian_day_numbers_agree() {
        assert_eq!(jdn(date(2000, 1, 1)), 2_451_545);
        assert_eq!(gregorian_jdn(2000, 1, 1), 2_451_545);
        assert_eq!(gregorian_jdn(1900, 12, 31), jdn(date(1900, 12, 31)));
        assert_eq!(from_jdn(2_451_545), Some(date(2000, 1, 1)));
    }

    #[test]
    fn displays_leap_months() {
        let d = LunarDate { day: 15, month: 6, year: 2025, leap: true };
        assert_eq!(d.to_string(), "15/6 nhuận/2025");
        assert_eq!(to_lunar(date(2025, 1, 29)).to_string(), "1/1/2025");
    }

    #[test]
    fn rejects_impossible_dates() {
        let bad = |day, month, leap| from_lunar(LunarDate { day, month, year: 2025, leap });
        assert_eq!(bad(0, 1, false), None);
        assert_eq!(bad(1, 13, false), None);
        assert_eq!(bad(1, 5, true), None);
        assert!(bad(1, 6, true).is_some());
    }
}

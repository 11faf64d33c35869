//! The PAKN code `PAKN-{unit}-{yyMMdd}-{NNNN}` (mã phản ánh), e.g. `PAKN-28777-261127-0001`:
//! the unit the petition is addressed to, the local day it was sent and that day's number.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::PaknError;
use crate::unit::UnitCode;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PetitionCode {
    unit: UnitCode,
    day: NaiveDate,
    seq: u32,
}

impl PetitionCode {
    pub fn new(unit: UnitCode, day: NaiveDate, seq: u32) -> PetitionCode {
        PetitionCode { unit, day, seq }
    }

    pub fn parse(s: &str) -> Result<PetitionCode, PaknError> {
        let s = s.trim();
        let bad = || PaknError::InvalidCode(s.chars().take(40).collect());
        let parts: Vec<&str> = s.split('-').collect();
        let [prefix, unit, day, seq] = parts.as_slice() else { return Err(bad()) };
        if !prefix.eq_ignore_ascii_case("PAKN") || day.len() != 6 || !day.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if seq.len() < 4 || seq.len() > 6 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n = |r: std::ops::Range<usize>| day[r].parse::<u32>().unwrap_or(0);
        let day = NaiveDate::from_ymd_opt(2000 + n(0..2) as i32, n(2..4), n(4..6)).ok_or_else(bad)?;
        let seq: u32 = seq.parse().map_err(|_| bad())?;
        let unit = UnitCode::parse(unit).map_err(|_| bad())?;
        if seq == 0 {
            return Err(bad());
        }
        Ok(PetitionCode { unit, day, seq })
    }

    pub fn unit(&self) -> &UnitCode {
        &self.unit
    }
    pub fn day(&self) -> NaiveDate {
        self.day
    }
    pub fn seq(&self) -> u32 {
        self.seq
    }
}

impl std::fmt::Display for PetitionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.day;
        write!(f, "PAKN-{}-{:02}{:02}{:02}-{:04}", self.unit.as_str(), d.year() % 100, d.month(), d.day(), self.seq)
    }
}

impl TryFrom<String> for PetitionCode {
    type Error = PaknError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PetitionCode::parse(&s)
    }
}
impl From<PetitionCode> for String {
    fn from(c: PetitionCode) -> String {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_accepts_lower_case_prefix() {
        let c = PetitionCode::parse("pakn-28777-261127-0012").unwrap();
        assert_eq!(c.to_string(), "PAKN-28777-261127-0012");
        assert_eq!(c.seq(), 12);
        assert_eq!(c.unit().as_str(), "28777");
    }

    #[test]
    fn rejects_malformed_codes() {
        for s in [
            "",
            "PAKN-28777-261127",
            "PA-28777-261127-0001",
            "PAKN-2877-261127-0001",
            "PAKN-28777-261327-0001",
            "PAKN-28777-261127-0000",
            "PAKN-28777-261127-01",
            "PAKN-28777-261127-0001-2",
        ] {
            assert!(matches!(PetitionCode::parse(s), Err(PaknError::InvalidCode(_))), "{s}");
        }
    }
}

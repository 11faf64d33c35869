//! The dossier code `{agency}-{yyMMdd}-{NNNN}` (mã hồ sơ), e.g. `000.00.12.H62-251126-0001`.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::Described;
use crate::unit::AgencyCode;

/// A dossier code: the receiving agency, the local day of submission and that day's sequence
/// number at the agency (from 1, at least four digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode {
    agency: AgencyCode,
    day: NaiveDate,
    seq: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid dossier code {0:?}")]
pub struct InvalidDossierCode(pub String);

impl Described for InvalidDossierCode {
    fn code(&self) -> &'static str {
        "INVALID_DOSSIER_CODE"
    }
    fn message_vi(&self) -> String {
        format!(
            "Mã hồ sơ \"{}\" không đúng dạng: mã có dạng 000.00.12.H62-251126-0001 (mã cơ quan, ngày nộp yyMMdd, số thứ tự).",
            self.0
        )
    }
    fn message_en(&self) -> String {
        format!(
            "Dossier code \"{}\" is malformed: expected 000.00.12.H62-251126-0001 (agency, submission day yyMMdd, sequence).",
            self.0
        )
    }
    fn field(&self) -> Option<&str> {
        Some("code")
    }
}

impl DossierCode {
    pub fn new(agency: AgencyCode, day: NaiveDate, seq: u32) -> DossierCode {
        DossierCode { agency, day, seq }
    }

    pub fn parse(s: &str) -> Result<Self, InvalidDossierCode> {
        let s = s.trim();
        let bad = || InvalidDossierCode(s.chars().take(64).collect());
        let mut parts = s.rsplitn(3, '-');
        let (seq, day, agency) = match (parts.next(), parts.next(), parts.next()) {
            (Some(q), Some(d), Some(a)) => (q, d, a),
            _ => return Err(bad()),
        };
        if seq.len() < 4 || seq.len() > 6 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if day.len() != 6 || !day.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n = |r: std::ops::Range<usize>| day[r].parse::<u32>().unwrap_or(0);
        let date = NaiveDate::from_ymd_opt(2000 + n(0..2) as i32, n(2..4), n(4..6)).ok_or_else(bad)?;
        let seq: u32 = seq.parse().map_err(|_| bad())?;
        if seq == 0 {
            return Err(bad());
        }
        let agency = AgencyCode::parse(agency).map_err(|_| bad())?;
        Ok(DossierCode { agency, day: date, seq })
    }

    pub fn agency(&self) -> &AgencyCode {
        &self.agency
    }
    pub fn day(&self) -> NaiveDate {
        self.day
    }
    pub fn seq(&self) -> u32 {
        self.seq
    }
}

impl std::fmt::Display for DossierCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{:02}{:02}{:02}-{:04}",
            self.agency,
            self.day.year() % 100,
            self.day.month(),
            self.day.day(),
            self.seq
        )
    }
}

impl TryFrom<String> for DossierCode {
    type Error = InvalidDossierCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DossierCode::parse(&s)
    }
}
impl From<DossierCode> for String {
    fn from(c: DossierCode) -> String {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let c = DossierCode::parse("000.00.12.H62-251126-0001").unwrap();
        assert_eq!(c.seq(), 1);
        assert_eq!(c.day(), NaiveDate::from_ymd_opt(2025, 11, 26).unwrap());
        assert_eq!(c.to_string(), "000.00.12.H62-251126-0001");
        let big = DossierCode::new(c.agency().clone(), c.day(), 12345);
        assert_eq!(DossierCode::parse(&big.to_string()).unwrap(), big);
    }

    #[test]
    fn rejects_malformed_codes() {
        for s in [
            "",
            "000.00.12.H62-251126",
            "000.00.12.H62-251326-0001",
            "000.00.12.H62-251126-0000",
            "000.00.12.H62-251126-01",
            "x-251126-0001",
            "000.00.12.H62-2511a6-0001",
            "000.00.12.H62--251126-0001",
        ] {
            assert!(DossierCode::parse(s).is_err(), "{s}");
        }
    }
}

//! Administrative units (provinces and communes after the 2025 reform) and their agency codes.

use serde::{Deserialize, Serialize};

use crate::calendar::WorkingHours;
use crate::error::Described;

/// A 2-digit province code (`86`) or a 5-digit commune code (`28777`), Decision 19/2025/QĐ-TTg.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

/// An agency identifier of the e-document coding (`000.00.12.H62`), used in dossier codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidUnit {
    #[error("invalid unit code {0:?}")]
    Code(String),
    #[error("invalid agency code {0:?}")]
    Agency(String),
}

impl Described for InvalidUnit {
    fn code(&self) -> &'static str {
        match self {
            InvalidUnit::Code(_) => "INVALID_UNIT_CODE",
            InvalidUnit::Agency(_) => "INVALID_AGENCY_CODE",
        }
    }
    fn message_vi(&self) -> String {
        match self {
            InvalidUnit::Code(s) => format!(
                "Mã đơn vị \"{s}\" không hợp lệ: mã tỉnh có 2 chữ số (ví dụ 86), mã xã có 5 chữ số (ví dụ 28777)."
            ),
            InvalidUnit::Agency(s) => {
                format!("Mã cơ quan \"{s}\" không hợp lệ: mã có dạng 000.00.12.H62 (bốn phần cách nhau bởi dấu chấm).")
            }
        }
    }
    fn message_en(&self) -> String {
        match self {
            InvalidUnit::Code(s) => format!(
                "Unit code \"{s}\" is invalid: a province code has 2 digits (e.g. 86), a commune code 5 (e.g. 28777)."
            ),
            InvalidUnit::Agency(s) => {
                format!("Agency code \"{s}\" is invalid: expected the form 000.00.12.H62 (four dot-separated parts).")
            }
        }
    }
    fn field(&self) -> Option<&str> {
        Some(match self {
            InvalidUnit::Code(_) => "unit",
            InvalidUnit::Agency(_) => "agency_code",
        })
    }
}

impl UnitCode {
    pub fn parse(s: &str) -> Result<Self, InvalidUnit> {
        let s = s.trim();
        if (s.len() == 2 || s.len() == 5) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(UnitCode(s.to_string()))
        } else {
            Err(InvalidUnit::Code(s.to_string()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_province(&self) -> bool {
        self.0.len() == 2
    }
}

impl AgencyCode {
    pub fn parse(s: &str) -> Result<Self, InvalidUnit> {
        let s = s.trim();
        let parts: Vec<&str> = s.split('.').collect();
        let ok = parts.len() == 4
            && parts.iter().all(|p| {
                !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            });
        if ok { Ok(AgencyCode(s.to_string())) } else { Err(InvalidUnit::Agency(s.to_string())) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The default agency code of a unit when the province has not published one:
    /// `000.00.00.H{province}` for the province and `000.{hi}.{lo}.H{province}` for its
    /// n-th commune (by commune code), `hi`/`lo` being n's hundreds and remainder.
    pub fn default_for(province: &UnitCode, commune_index: Option<u32>) -> AgencyCode {
        let n = commune_index.unwrap_or(0);
        AgencyCode(format!("000.{:02}.{:02}.H{}", n / 100, n % 100, province.as_str()))
    }
}

macro_rules! string_newtype {
    ($t:ty) => {
        impl TryFrom<String> for $t {
            type Error = InvalidUnit;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                <$t>::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(c: $t) -> String {
                c.0
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
string_newtype!(UnitCode);
string_newtype!(AgencyCode);

/// What kind of unit this is (the label is data: cities and provinces change over time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Province,
    City,
    Ward,
    Commune,
    SpecialZone,
}

impl UnitKind {
    fn from_label(label: &str) -> Option<UnitKind> {
        match crate::text::fold(label).as_str() {
            "tinh" => Some(UnitKind::Province),
            "thanh pho" => Some(UnitKind::City),
            "phuong" => Some(UnitKind::Ward),
            "xa" => Some(UnitKind::Commune),
            "dac khu" => Some(UnitKind::SpecialZone),
            _ => None,
        }
    }
}

/// A province or a commune-level unit with its service center settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    /// The province a commune belongs to; `None` for a province.
    pub parent: Option<UnitCode>,
    pub agency: AgencyCode,
    pub working_hours: WorkingHours,
}

/// A row of the units file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct BadUnitRow {
    pub line: usize,
    pub reason: String,
}

/// Reads `admin_units_2025.csv` (`province_code,province_name,commune_code,commune_name,commune_type`)
/// into provinces followed by their communes, giving each the default agency code and hours.
pub fn parse_units_csv(bytes: &[u8]) -> Result<Vec<Unit>, BadUnitRow> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::Reader::from_reader(bytes);
    let mut provinces: Vec<Unit> = Vec::new();
    let mut communes: Vec<Unit> = Vec::new();
    let mut per_province: std::collections::HashMap<String, u32> = Default::default();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| BadUnitRow { line, reason: e.to_string() })?;
        let get = |k: usize| rec.get(k).unwrap_or("").trim().to_string();
        let bad = |reason: String| BadUnitRow { line, reason };
        let province = UnitCode::parse(&get(0)).map_err(|e| bad(e.to_string()))?;
        let commune = UnitCode::parse(&get(2)).map_err(|e| bad(e.to_string()))?;
        if !province.is_province() || commune.is_province() {
            return Err(bad("expected a 2-digit province and a 5-digit commune code".into()));
        }
        let kind = UnitKind::from_label(&get(4)).ok_or_else(|| bad(format!("unknown unit type {:?}", get(4))))?;
        if !provinces.iter().any(|p| p.code == province) {
            let pname = get(1);
            let pkind =
                if crate::text::fold(&pname).starts_with("thanh pho") { UnitKind::City } else { UnitKind::Province };
            provinces.push(Unit {
                agency: AgencyCode::default_for(&province, None),
                code: province.clone(),
                name: pname,
                kind: pkind,
                parent: None,
                working_hours: WorkingHours::default(),
            });
        }
        let n = per_province.entry(province.0.clone()).or_insert(0);
        *n += 1;
        communes.push(Unit {
            agency: AgencyCode::default_for(&province, Some(*n)),
            code: commune,
            name: get(3),
            kind,
            parent: Some(province),
            working_hours: WorkingHours::default(),
        });
    }
    provinces.extend(communes);
    Ok(provinces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse() {
        assert!(UnitCode::parse("28777").is_ok());
        assert!(UnitCode::parse("86").is_ok());
        assert!(UnitCode::parse("2877").is_err());
        assert!(AgencyCode::parse("000.00.12.H62").is_ok());
        assert!(AgencyCode::parse("000.00.12").is_err());
        assert!(AgencyCode::parse("000.00.12.h62;").is_err());
    }

    #[test]
    fn default_agency_codes_are_distinct_per_commune() {
        let p = UnitCode::parse("86").unwrap();
        assert_eq!(AgencyCode::default_for(&p, Some(12)).as_str(), "000.00.12.H86");
        assert_eq!(AgencyCode::default_for(&p, Some(124)).as_str(), "000.01.24.H86");
        assert_eq!(AgencyCode::default_for(&p, None).as_str(), "000.00.00.H86");
    }

    #[test]
    fn reads_the_shipped_units_file() {
        let units = parse_units_csv(include_bytes!("../../../data/admin_units_2025.csv")).unwrap();
        let provinces = units.iter().filter(|u| u.parent.is_none()).count();
        assert_eq!(provinces, 34);
        assert_eq!(units.len(), 34 + 3321);
        let vinh_long: Vec<_> =
            units.iter().filter(|u| u.parent.as_ref().is_some_and(|p| p.as_str() == "86")).collect();
        assert_eq!(vinh_long.len(), 124);
        assert!(vinh_long.iter().any(|u| u.code.as_str() == "28777" && u.name == "Phường An Hội"));
    }
}

//! A procedure (thủ tục hành chính) as published in the national TTHC database.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::StatutoryTime;
use crate::error::Described;

/// A national procedure code such as `1.001193`, optionally followed by a local agency
/// suffix (`2.000815.000.00.00.H55`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProcedureCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid procedure code {0:?}")]
pub struct InvalidProcedureCode(pub String);

impl Described for InvalidProcedureCode {
    fn code(&self) -> &'static str {
        "INVALID_PROCEDURE_CODE"
    }
    fn message_vi(&self) -> String {
        format!("Mã thủ tục \"{}\" không hợp lệ: mã có dạng 1.001193 (một chữ số, dấu chấm, sáu chữ số).", self.0)
    }
    fn message_en(&self) -> String {
        format!("Procedure code \"{}\" is invalid: expected the form 1.001193 (a digit, a dot, six digits).", self.0)
    }
    fn field(&self) -> Option<&str> {
        Some("procedure")
    }
}

impl ProcedureCode {
    pub fn parse(s: &str) -> Result<Self, InvalidProcedureCode> {
        let s = s.trim();
        let bad = || InvalidProcedureCode(s.to_string());
        let b = s.as_bytes();
        if b.len() < 8 || !b[0].is_ascii_digit() || b[1] != b'.' {
            return Err(bad());
        }
        if !b[2..8].iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        let rest = &s[8..];
        if !rest.is_empty() {
            // A local variant: ".000.00.00.H55" style suffix of uppercase letters, digits and dots.
            let ok = rest.starts_with('.')
                && rest.len() <= 32
                && rest[1..]
                    .split('.')
                    .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
            if !ok {
                return Err(bad());
            }
        }
        Ok(ProcedureCode(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProcedureCode {
    type Error = InvalidProcedureCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ProcedureCode::parse(&s)
    }
}
impl From<ProcedureCode> for String {
    fn from(c: ProcedureCode) -> String {
        c.0
    }
}
impl std::fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Level of online service (Decree 42/2022).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// Toàn trình: everything online, result returned online or by post.
    Full,
    /// Một phần: partly online.
    Partial,
    /// Not offered online.
    None,
}

/// What the citizen gets back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    Paper,
    Electronic,
}

/// The level of government competent to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    Commune,
    Province,
}

/// How sure the catalog entry's statutory time is (see DOMAIN.md's legend).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    /// Agreed by two or more independent sources.
    Verified,
    /// One source.
    Single,
    /// From memory of the legal text, not re-checked.
    Recalled,
    /// Sources conflict or unknown: check the province's publication decision.
    Uncertain,
}

/// How a fee line is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeBasis {
    /// A fixed amount per dossier.
    Fixed,
    /// An amount per copy requested.
    PerCopy,
    /// Set by the officer at intake (e.g. depends on the land area).
    SetAtIntake,
}

/// One fee or charge (phí, lệ phí) of a procedure. Amounts are whole đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeSpec {
    pub name: String,
    pub amount: i64,
    pub basis: FeeBasis,
}

/// A document the applicant must provide (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentSpec {
    /// Short code, unique within the procedure (e.g. `TK01`).
    pub code: String,
    pub name: String,
    pub required: bool,
}

/// A procedure of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    pub code: ProcedureCode,
    pub name: String,
    /// Lĩnh vực, e.g. "Hộ tịch", "Chứng thực".
    pub field: String,
    pub online_level: OnlineLevel,
    pub statutory_time: StatutoryTime,
    /// How sure we are of `statutory_time`.
    pub time_certainty: Certainty,
    #[serde(default)]
    pub fees: Vec<FeeSpec>,
    #[serde(default)]
    pub components: Vec<ComponentSpec>,
    pub result_kind: ResultKind,
    pub competent_level: UnitLevel,
    pub published_on: Option<NaiveDate>,
    pub updated_on: Option<NaiveDate>,
}

impl Procedure {
    /// Whether any fee line may be non-zero (the payment indicator counts only these).
    pub fn has_fee(&self) -> bool {
        self.fees.iter().any(|f| f.amount > 0 || f.basis == FeeBasis::SetAtIntake)
    }
}

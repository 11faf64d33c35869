//! Personal identification numbers and tax codes, and the applicant id that is either.

mod personal_id;
mod provinces;
mod tax_code;

use serde::{Deserialize, Serialize};

use crate::error::Described;

pub use personal_id::{InvalidPersonalId, PersonalId, Sex};
pub use provinces::{BIRTH_PROVINCES, birth_province};
pub use tax_code::{InvalidTaxCode, TaxCode};

/// The identifier of an applicant (chủ hồ sơ): a person's 12-digit identification number or
/// an organisation's tax code.
///
/// From 1/7/2025 individuals, households and household businesses use the personal
/// identification number as their tax code (Circular 86/2024/TT-BTC), so a 12-digit value is
/// always read as [`PersonalId`], and only organisations and their branches give a [`TaxCode`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ApplicantId {
    Personal(PersonalId),
    Tax(TaxCode),
}

/// Why a string is not an applicant id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidApplicantId {
    /// Neither 12 characters nor the length of a tax code.
    #[error("expected a 12-digit personal identification number or a 10/13-digit tax code, got {len} characters")]
    Unrecognised { len: usize },
    #[error(transparent)]
    Personal(#[from] InvalidPersonalId),
    #[error(transparent)]
    Tax(#[from] InvalidTaxCode),
}

impl Described for InvalidApplicantId {
    fn code(&self) -> &'static str {
        match self {
            InvalidApplicantId::Unrecognised { .. } => "INVALID_APPLICANT_ID",
            InvalidApplicantId::Personal(e) => e.code(),
            InvalidApplicantId::Tax(e) => e.code(),
        }
    }
    fn message_vi(&self) -> String {
        match self {
            InvalidApplicantId::Unrecognised { len } => format!(
                "Số giấy tờ đã nhập có {len} ký tự. Cá nhân, hộ gia đình, hộ kinh doanh nhập số định danh \
                 cá nhân gồm 12 chữ số (in trên thẻ căn cước); tổ chức nhập mã số thuế gồm 10 chữ số, \
                 hoặc 13 chữ số dạng 0100109106-001 với đơn vị phụ thuộc."
            ),
            InvalidApplicantId::Personal(e) => e.message_vi(),
            InvalidApplicantId::Tax(e) => e.message_vi(),
        }
    }
    fn message_en(&self) -> String {
        match self {
            InvalidApplicantId::Unrecognised { len } => format!(
                "The id number entered has {len} characters. Individuals, households and household \
                 businesses enter the 12-digit personal identification number (printed on the ID card); \
                 organisations enter their 10-digit tax code, or 13 digits written 0100109106-001 for a \
                 dependent unit."
            ),
            InvalidApplicantId::Personal(e) => e.message_en(),
            InvalidApplicantId::Tax(e) => e.message_en(),
        }
    }
    fn field(&self) -> Option<&str> {
        Some("id_number")
    }
}

impl ApplicantId {
    /// Reads 12 characters as a personal identification number, 10, 13 or 14 (dashed)
    /// characters as a tax code, and rejects anything else.
    pub fn parse(s: &str) -> Result<Self, InvalidApplicantId> {
        let s = s.trim();
        match s.chars().count() {
            12 => Ok(ApplicantId::Personal(PersonalId::parse(s)?)),
            10 | 13 | 14 => Ok(ApplicantId::Tax(TaxCode::parse(s)?)),
            len => Err(InvalidApplicantId::Unrecognised { len }),
        }
    }

    /// `"cccd"` for a personal identification number, `"mst"` for a tax code.
    pub fn kind(&self) -> &'static str {
        match self {
            ApplicantId::Personal(_) => "cccd",
            ApplicantId::Tax(_) => "mst",
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ApplicantId::Personal(id) => id.as_str(),
            ApplicantId::Tax(code) => code.as_str(),
        }
    }
}

impl TryFrom<String> for ApplicantId {
    type Error = InvalidApplicantId;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ApplicantId::parse(&s)
    }
}

impl From<ApplicantId> for String {
    fn from(id: ApplicantId) -> String {
        id.as_str().to_string()
    }
}

impl std::fmt::Display for ApplicantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_digits_are_a_personal_id() {
        let id = ApplicantId::parse("001085000001").unwrap();
        assert_eq!(id.kind(), "cccd");
        assert!(matches!(id, ApplicantId::Personal(_)));
    }

    #[test]
    fn ten_or_thirteen_digits_are_a_tax_code() {
        for s in ["0100109106", "0100109106-001", "0100109106001"] {
            let id = ApplicantId::parse(s).unwrap();
            assert_eq!(id.kind(), "mst");
        }
        assert_eq!(ApplicantId::parse("0100109106001").unwrap().to_string(), "0100109106-001");
    }

    #[test]
    fn other_lengths_explain_both_forms() {
        let err = ApplicantId::parse("12345").unwrap_err();
        assert_eq!(err, InvalidApplicantId::Unrecognised { len: 5 });
        assert_eq!(err.code(), "INVALID_APPLICANT_ID");
        assert!(err.message_vi().contains("12 chữ số") && err.message_vi().contains("10 chữ số"));
        assert!(err.message_en().contains("12-digit") && err.message_en().contains("10-digit"));
        assert_eq!(err.field(), Some("id_number"));
    }

    #[test]
    fn inner_errors_keep_their_specific_code() {
        let err = ApplicantId::parse("0100109107").unwrap_err();
        assert_eq!(err.code(), "INVALID_TAX_CODE");
        let err = ApplicantId::parse("003085000001").unwrap_err();
        assert_eq!(err.code(), "INVALID_PERSONAL_ID");
    }

    #[test]
    fn serde_is_a_plain_string_in_canonical_form() {
        let id: ApplicantId = serde_json::from_str("\"0100109106001\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"0100109106-001\"");
        let id: ApplicantId = serde_json::from_str("\"001085000001\"").unwrap();
        assert_eq!(id.kind(), "cccd");
        assert!(serde_json::from_str::<ApplicantId>("\"abc\"").is_err());
    }
}

//! The 12-digit personal identification number (số định danh cá nhân) on the CCCD / căn cước.

use serde::{Deserialize, Serialize};

use super::provinces;
use crate::error::Described;

/// A personal identification number: 12 ASCII digits.
///
/// - digits 1–3: code of the province where the birth was registered (pre-2025 list);
/// - digit 4: century and sex (0/1 → 1900s, 2/3 → 2000s, …, 8/9 → 2300s; even = male);
/// - digits 5–6: last two digits of the birth year;
/// - digits 7–12: random.
///
/// There is no check digit, so a typo in digits 7–12 cannot be detected.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonalId(String);

/// Sex as encoded in digit 4 of a personal identification number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// Why a string is not a personal identification number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPersonalId {
    #[error("a personal identification number has 12 digits, got {len} characters")]
    WrongLength { len: usize },
    #[error("a personal identification number has only digits, found {found:?} at position {position}")]
    NonDigit { found: char, position: usize },
    #[error("{code} is not one of the 63 province codes")]
    UnknownProvince { code: String },
}

impl Described for InvalidPersonalId {
    fn code(&self) -> &'static str {
        "INVALID_PERSONAL_ID"
    }
    fn message_vi(&self) -> String {
        match self {
            InvalidPersonalId::WrongLength { len } => format!(
                "Số định danh cá nhân phải có đúng 12 chữ số, số đã nhập có {len} ký tự. \
                 Vui lòng nhập đủ 12 chữ số in trên thẻ căn cước."
            ),
            InvalidPersonalId::NonDigit { found, position } => format!(
                "Số định danh cá nhân chỉ gồm chữ số, nhưng ký tự thứ {position} là \"{found}\". \
                 Vui lòng bỏ chữ cái, dấu cách hoặc dấu câu."
            ),
            InvalidPersonalId::UnknownProvince { code } => format!(
                "Ba chữ số đầu \"{code}\" không phải mã tỉnh, thành phố nơi đăng ký khai sinh. \
                 Vui lòng kiểm tra lại số in trên thẻ căn cước."
            ),
        }
    }
    fn message_en(&self) -> String {
        match self {
            InvalidPersonalId::WrongLength { len } => format!(
                "A personal identification number has exactly 12 digits; this one has {len} characters. \
                 Enter all 12 digits printed on the ID card."
            ),
            InvalidPersonalId::NonDigit { found, position } => format!(
                "A personal identification number contains only digits, but character {position} is \"{found}\". \
                 Remove letters, spaces and punctuation."
            ),
            InvalidPersonalId::UnknownProvince { code } => format!(
                "The first three digits \"{code}\" are not the code of a province of birth registration. \
                 Check the number printed on the ID card."
            ),
        }
    }
    fn field(&self) -> Option<&str> {
        Some("id_number")
    }
}

impl PersonalId {
    /// Parses a personal identification number, ignoring surrounding whitespace.
    pub fn parse(s: &str) -> Result<Self, InvalidPersonalId> {
        let s = s.trim();
        let len = s.chars().count();
        if len != 12 {
            return Err(InvalidPersonalId::WrongLength { len });
        }
        if let Some((i, found)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(InvalidPersonalId::NonDigit { found, position: i + 1 });
        }
        if provinces::birth_province(&s[..3]).is_none() {
            return Err(InvalidPersonalId::UnknownProvince { code: s[..3].to_string() });
        }
        Ok(PersonalId(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `(code, name)` of the province where the birth was registered.
    pub fn birth_province(&self) -> (&'static str, &'static str) {
        provinces::birth_province(&self.0[..3]).expect("checked by parse")
    }

    pub fn sex(&self) -> Sex {
        if self.digit(3).is_multiple_of(2) { Sex::Male } else { Sex::Female }
    }

    /// The full birth year, from the century digit and the two year digits.
    pub fn birth_year(&self) -> i32 {
        let century = 1900 + 100 * i32::from(self.digit(3) / 2);
        century + i32::from(self.digit(4)) * 10 + i32::from(self.digit(5))
    }

    fn digit(&self, index: usize) -> u8 {
        self.0.as_bytes()[index] - b'0'
    }
}

impl TryFrom<String> for PersonalId {
    type Error = InvalidPersonalId;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PersonalId::parse(&s)
    }
}

impl From<PersonalId> for String {
    fn from(id: PersonalId) -> String {
        id.0
    }
}

impl std::fmt::Display for PersonalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_province_sex_and_year() {
        let id = PersonalId::parse(" 079301012345 ").unwrap();
        assert_eq!(id.as_str(), "079301012345");
        assert_eq!(id.birth_province(), ("079", "TP. Hồ Chí Minh"));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.birth_year(), 2001);

        let id = PersonalId::parse("001085000001").unwrap();
        assert_eq!((id.sex(), id.birth_year()), (Sex::Male, 1985));
        let id = PersonalId::parse("096999000001").unwrap();
        assert_eq!((id.sex(), id.birth_year()), (Sex::Female, 2399));
    }

    #[test]
    fn wrong_length_is_rejected() {
        assert_eq!(PersonalId::parse("07930101234"), Err(InvalidPersonalId::WrongLength { len: 11 }));
        assert_eq!(PersonalId::parse(""), Err(InvalidPersonalId::WrongLength { len: 0 }));
    }

    #[test]
    fn non_digits_are_rejected_with_their_position() {
        assert_eq!(PersonalId::parse("0793010123O5"), Err(InvalidPersonalId::NonDigit { found: 'O', position: 11 }));
        // Full-width or other Unicode digits are not ASCII digits.
        assert!(matches!(PersonalId::parse("０79301012345"), Err(InvalidPersonalId::NonDigit { position: 1, .. })));
    }

    #[test]
    fn unknown_province_is_named() {
        let err = PersonalId::parse("003301012345").unwrap_err();
        assert_eq!(err, InvalidPersonalId::UnknownProvince { code: "003".into() });
        assert_eq!(err.code(), "INVALID_PERSONAL_ID");
        assert!(err.message_vi().contains("003"));
        assert!(err.message_en().contains("003"));
    }

    #[test]
    fn serde_is_a_plain_string() {
        let id: PersonalId = serde_json::from_str("\"001085000001\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"001085000001\"");
        assert!(serde_json::from_str::<PersonalId>("\"12\"").is_err());
    }

    proptest! {
        #[test]
        fn every_valid_number_parses_and_round_trips(
            province in 0..provinces::BIRTH_PROVINCES.len(),
            century_sex in 0u8..10,
            year in 0u8..100,
            rest in 0u32..1_000_000,
        ) {
            let code = provinces::BIRTH_PROVINCES[province].0;
            let s = format!("{code}{century_sex}{year:02}{rest:06}");
            let id = PersonalId::parse(&s).unwrap();
            prop_assert_eq!(id.to_string(), s.clone());
            prop_assert_eq!(PersonalId::parse(&id.to_string()).unwrap(), id.clone());
            prop_assert_eq!(id.birth_year(), 1900 + 100 * i32::from(century_sex / 2) + i32::from(year));
            prop_assert_eq!(id.sex() == Sex::Male, century_sex.is_multiple_of(2));
        }
    }
}

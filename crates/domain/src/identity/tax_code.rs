//! The tax code (mã số thuế): 10 digits with a check digit, or 13 for a dependent unit.

use serde::{Deserialize, Serialize};

use crate::error::Described;

/// Weights of digits 1–9 in the check-digit sum (Circular 105/2020/TT-BTC).
const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/// A tax code in canonical form: `NNNNNNNNNN` or, for a dependent unit (branch),
/// `NNNNNNNNNN-NNN` with branch 001–999.
///
/// The tenth digit is a check digit: N10 = 10 − (Σ Nᵢ·Wᵢ mod 11). When the remainder is 0
/// the formula gives 10, which is not a digit; implementations disagree on what to do, and
/// no such code can be written with ten digits, so we reject those codes rather than
/// guess a mapping to 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxCode(String);

/// Why a string is not a tax code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTaxCode {
    #[error("a tax code has 10 digits, or 13 for a branch, got {len} characters")]
    WrongLength { len: usize },
    #[error("a tax code has only digits (and one dash before the branch), found {found:?} at position {position}")]
    NonDigit { found: char, position: usize },
    #[error("check digit is {found}, expected {expected}")]
    BadCheckDigit { expected: u8, found: u8 },
    #[error("the first nine digits give no valid check digit")]
    NoCheckDigit,
    #[error("branch number must be 001 to 999, got {branch}")]
    BadBranch { branch: String },
}

impl Described for InvalidTaxCode {
    fn code(&self) -> &'static str {
        "INVALID_TAX_CODE"
    }
    fn message_vi(&self) -> String {
        match self {
            InvalidTaxCode::WrongLength { len } => format!(
                "Mã số thuế phải có 10 chữ số, hoặc 13 chữ số (dạng 0100109106-001) với đơn vị phụ thuộc; \
                 mã đã nhập có {len} ký tự. Vui lòng nhập đúng mã trên giấy chứng nhận đăng ký thuế."
            ),
            InvalidTaxCode::NonDigit { found, position } => format!(
                "Mã số thuế chỉ gồm chữ số và một dấu \"-\" trước 3 số cuối của đơn vị phụ thuộc, \
                 nhưng ký tự thứ {position} là \"{found}\". Vui lòng bỏ ký tự này."
            ),
            InvalidTaxCode::BadCheckDigit { expected, found } => format!(
                "Chữ số thứ 10 (chữ số kiểm tra) là {found} nhưng theo 9 chữ số đầu phải là {expected}. \
                 Có thể đã gõ nhầm một chữ số; vui lòng đối chiếu lại mã số thuế."
            ),
            InvalidTaxCode::NoCheckDigit => "9 chữ số đầu của mã số thuế không tạo ra chữ số kiểm tra hợp lệ, \
                 nên mã này không thể đúng. Vui lòng đối chiếu lại mã số thuế."
                .to_string(),
            InvalidTaxCode::BadBranch { branch } => format!(
                "Số thứ tự đơn vị phụ thuộc \"{branch}\" không hợp lệ: phải từ 001 đến 999. \
                 Với trụ sở chính, chỉ nhập 10 chữ số."
            ),
        }
    }
    fn message_en(&self) -> String {
        match self {
            InvalidTaxCode::WrongLength { len } => format!(
                "A tax code has 10 digits, or 13 for a dependent unit (written 0100109106-001); \
                 this one has {len} characters. Enter the code from the tax registration certificate."
            ),
            InvalidTaxCode::NonDigit { found, position } => format!(
                "A tax code has only digits, plus one \"-\" before a dependent unit's last 3 digits, \
                 but character {position} is \"{found}\". Remove it."
            ),
            InvalidTaxCode::BadCheckDigit { expected, found } => format!(
                "The 10th (check) digit is {found}, but the first nine digits require {expected}. \
                 A digit was probably mistyped; check the tax code again."
            ),
            InvalidTaxCode::NoCheckDigit => "The first nine digits of this tax code admit no valid check digit, \
                 so the code cannot be right. Check the tax code again."
                .to_string(),
            InvalidTaxCode::BadBranch { branch } => format!(
                "Dependent-unit number \"{branch}\" is invalid: it must be 001 to 999. \
                 For the head office enter only the 10 digits."
            ),
        }
    }
    fn field(&self) -> Option<&str> {
        Some("id_number")
    }
}

/// The check digit for the first nine digits, or `None` when the remainder is 0.
fn check_digit(first_nine: &[u8]) -> Option<u8> {
    let sum: u32 = first_nine.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    match sum % 11 {
        0 => None,
        r => Some((10 - r) as u8),
    }
}

impl TaxCode {
    /// Parses a tax code, ignoring surrounding whitespace. A branch may be written with or
    /// without the dash (`0100109106-001` or `0100109106001`).
    pub fn parse(s: &str) -> Result<Self, InvalidTaxCode> {
        let s = s.trim();
        let chars: Vec<char> = s.chars().collect();
        let dashed = chars.len() == 14 && !chars[10].is_ascii_digit();
        if !matches!(chars.len(), 10 | 13) && !dashed {
            return Err(InvalidTaxCode::WrongLength { len: chars.len() });
        }
        for (i, &c) in chars.iter().enumerate() {
            let dash_here = dashed && i == 10 && c == '-';
            if !c.is_ascii_digit() && !dash_here {
                return Err(InvalidTaxCode::NonDigit { found: c, position: i + 1 });
            }
        }
        // All characters are ASCII from here on.
        let head = &s[..10];
        let branch = &s[s.len() - 3..];
        let bytes = head.as_bytes();
        let expected = check_digit(&bytes[..9]).ok_or(InvalidTaxCode::NoCheckDigit)?;
        let found = bytes[9] - b'0';
        if found != expected {
            return Err(InvalidTaxCode::BadCheckDigit { expected, found });
        }
        if chars.len() == 10 {
            return Ok(TaxCode(head.to_string()));
        }
        if branch == "000" {
            return Err(InvalidTaxCode::BadBranch { branch: branch.to_string() });
        }
        Ok(TaxCode(format!("{head}-{branch}")))
    }

    /// The canonical form (`0100109106` or `0100109106-001`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ten digits of the head office's code.
    pub fn head_office(&self) -> &str {
        &self.0[..10]
    }

    /// The dependent unit's number (1–999), if this is a branch code.
    pub fn branch(&self) -> Option<u16> {
        self.0.get(11..).map(|b| b.parse().expect("checked by parse"))
    }
}

impl TryFrom<String> for TaxCode {
    type Error = InvalidTaxCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        TaxCode::parse(&s)
    }
}

impl From<TaxCode> for String {
    fn from(c: TaxCode) -> String {
        c.0
    }
}

impl std::fmt::Display for TaxCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn worked_example_is_valid() {
        let code = TaxCode::parse("0100109106").unwrap();
        assert_eq!(code.as_str(), "0100109106");
        assert_eq!(code.branch(), None);
        assert_eq!(code.head_office(), "0100109106");
    }

    #[test]
    fn branch_is_accepted_with_or_without_dash_and_shown_with_it() {
        for s in ["0100109106-001", "0100109106001", " 0100109106-001 "] {
            let code = TaxCode::parse(s).unwrap();
            assert_eq!(code.to_string(), "0100109106-001");
            assert_eq!(code.branch(), Some(1));
            assert_eq!(code.head_office(), "0100109106");
        }
    }

    #[test]
    fn wrong_check_digit_names_the_expected_one() {
        assert_eq!(TaxCode::parse("0100109107"), Err(InvalidTaxCode::BadCheckDigit { expected: 6, found: 7 }));
        let err = TaxCode::parse("0100109107-001").unwrap_err();
        assert!(err.message_vi().contains('6') && err.message_en().contains('6'));
    }

    #[test]
    fn remainder_zero_is_rejected() {
        // Weighted sums 0 and 5·1 + 3·2 = 11 both leave remainder 0.
        for first_nine in ["000000000", "000000012"] {
            assert_eq!(check_digit(first_nine.as_bytes()), None);
            for last in 0..10 {
                assert_eq!(TaxCode::parse(&format!("{first_nine}{last}")), Err(InvalidTaxCode::NoCheckDigit));
            }
        }
    }

    #[test]
    fn malformed_codes_are_rejected() {
        assert_eq!(TaxCode::parse("010010910"), Err(InvalidTaxCode::WrongLength { len: 9 }));
        assert_eq!(TaxCode::parse("01001091060012"), Err(InvalidTaxCode::WrongLength { len: 14 }));
        assert_eq!(TaxCode::parse("0100109106/001"), Err(InvalidTaxCode::NonDigit { found: '/', position: 11 }));
        assert_eq!(TaxCode::parse("01001O9106"), Err(InvalidTaxCode::NonDigit { found: 'O', position: 6 }));
        assert_eq!(TaxCode::parse("0100109106-000"), Err(InvalidTaxCode::BadBranch { branch: "000".into() }));
    }

    fn valid_head() -> impl Strategy<Value = String> {
        (0u32..1_000_000_000).prop_filter_map("remainder 0 has no check digit", |n| {
            let nine = format!("{n:09}");
            check_digit(nine.as_bytes()).map(|d| format!("{nine}{d}"))
        })
    }

    proptest! {
        #[test]
        fn every_valid_code_parses_and_round_trips(
            head in valid_head(),
            branch in proptest::option::of(1u16..1000),
            dash in any::<bool>(),
        ) {
            let input = match branch {
                None => head.clone(),
                Some(b) if dash => format!("{head}-{b:03}"),
                Some(b) => format!("{head}{b:03}"),
            };
            let code = TaxCode::parse(&input).unwrap();
            prop_assert_eq!(code.branch(), branch);
            prop_assert_eq!(code.head_office(), head.as_str());
            prop_assert_eq!(TaxCode::parse(&code.to_string()).unwrap(), code);
        }

        #[test]
        fn changing_the_check_digit_fails(head in valid_head(), delta in 1u8..10) {
            let digits = head.as_bytes();
            let flipped = (digits[9] - b'0' + delta) % 10;
            let input = format!("{}{flipped}", &head[..9]);
            let result = TaxCode::parse(&input);
            prop_assert!(matches!(result, Err(InvalidTaxCode::BadCheckDigit { .. })), "{:?}", result);
        }
    }
}

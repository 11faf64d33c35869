//! SMS text: Vietnamese without diacritics for gateways that require it, and how many segments
//! (billed messages) a text takes: GSM-7 160 characters (153 per part when split), UCS-2 70
//! (67 per part).

use unicode_normalization::UnicodeNormalization;

use crate::error::Described;

/// The GSM 03.38 basic character set (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The GSM 03.38 extension table (two septets each: escape + character).
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// Vietnamese without diacritics, case kept: "Hồ sơ Đăng ký" → "Ho so Dang ky".
pub fn strip_diacritics(s: &str) -> String {
    s.nfd()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .nfc()
        .collect()
}

/// How an SMS text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// GSM 03.38, 7 bits per character: 160 per single message, 153 per part.
    Gsm7,
    /// UCS-2 (any Unicode text, e.g. Vietnamese with diacritics): 70 per message, 67 per part.
    Ucs2,
}

/// The size of an SMS text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmsSize {
    pub encoding: Encoding,
    /// Length in the encoding's units (GSM-7 septets; UCS-2 16-bit units).
    pub units: usize,
    pub segments: usize,
}

/// Counts the segments `text` takes: GSM-7 when every character is in the GSM alphabet
/// (extension characters count twice), UCS-2 otherwise.
pub fn size(text: &str) -> SmsSize {
    let gsm: Option<usize> = text
        .chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum();
    let (encoding, units, single, part) = match gsm {
        Some(n) => (Encoding::Gsm7, n, 160, 153),
        None => (Encoding::Ucs2, text.encode_utf16().count(), 70, 67),
    };
    let segments = match units {
        0 => 1,
        n if n <= single => 1,
        n => n.div_ceil(part),
    };
    SmsSize { encoding, units, segments }
}

/// The text as sent: without diacritics when the gateway requires it (GSM-7, cheaper), as is
/// otherwise.
pub fn prepare(text: &str, ascii_only: bool) -> String {
    if ascii_only { strip_diacritics(text) } else { text.to_string() }
}

/// A phone number a gateway cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid phone number: {0}")]
pub struct PhoneError(pub String);

impl Described for PhoneError {
    fn code(&self) -> &'static str {
        "INVALID_PHONE"
    }
    fn message_vi(&self) -> String {
        format!("Số điện thoại không hợp lệ: «{}» (cần 10 chữ số bắt đầu bằng 0, hoặc +84…).", self.0)
    }
    fn message_en(&self) -> String {
        format!("Invalid phone number: \"{}\" (10 digits starting with 0, or +84…).", self.0)
    }
    fn field(&self) -> Option<&str> {
        Some("phone")
    }
}

/// A Vietnamese mobile number in the international form gateways take: `84` + 9 digits.
/// Accepts `0912345678`, `+84 912 345 678`, `84912345678` (spaces, dots, dashes ignored).
pub fn normalize_phone(s: &str) -> Result<String, PhoneError> {
    let bad = || PhoneError(s.to_string());
    let t: String = s.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    let t = t.strip_prefix('+').unwrap_or(&t);
    if !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let national = if let Some(rest) = t.strip_prefix("84").filter(|r| r.len() == 9) {
        rest
    } else if let Some(rest) = t.strip_prefix('0').filter(|r| r.len() == 9) {
        rest
    } else {
        return Err(bad());
    };
    if national.starts_with('0') {
        return Err(bad());
    }
    Ok(format!("84{national}"))
}

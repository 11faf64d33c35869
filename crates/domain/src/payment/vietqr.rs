//! The NAPAS VietQR payload (EMVCo merchant-presented QR) for a transfer to a unit's account:
//! field 38 carries the bank's BIN and the account number, 54 the amount, 62-08 the purpose
//! (the dossier code), and 63 the CRC16-CCITT-FALSE of everything before it.

use serde::{Deserialize, Serialize};

/// NAPAS's application id in field 38-00.
const NAPAS_GUID: &str = "A000000727";
/// Service code for a transfer to an account number.
const TO_ACCOUNT: &str = "QRIBFTTA";

/// A unit's bank account that citizens transfer fees to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccount {
    /// The bank's 6-digit NAPAS BIN (e.g. 970436 for Vietcombank).
    pub bin: String,
    pub account: String,
    /// The account holder's name, shown beside the code.
    #[serde(default)]
    pub holder: String,
}

fn field(id: &str, value: &str) -> String {
    format!("{id}{:02}{value}", value.len())
}

/// CRC16-CCITT-FALSE (polynomial 0x1021, initial 0xFFFF), as EMVCo requires.
pub fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc
}

/// Keeps what every bank app accepts in a transfer memo: ASCII letters, digits, space, `.`, `-`.
pub fn memo_safe(s: &str) -> String {
    crate::text::fold(s)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-'))
        .take(50)
        .collect::<String>()
        .to_uppercase()
}

/// The payload for a transfer of `amount` đồng to `account` with `purpose` in field 62-08.
pub fn payload(account: &BankAccount, amount: i64, purpose: &str) -> String {
    let beneficiary = field("00", &account.bin) + &field("01", &account.account);
    let merchant = field("00", NAPAS_GUID) + &field("01", &beneficiary) + &field("02", TO_ACCOUNT);
    let mut s = String::new();
    s += &field("00", "01");
    s += &field("01", if amount > 0 { "12" } else { "11" });
    s += &field("38", &merchant);
    s += &field("53", "704");
    if amount > 0 {
        s += &field("54", &amount.to_string());
    }
    s += &field("58", "VN");
    s += &field("62", &field("08", &memo_safe(purpose)));
    s += "6304";
    let crc = crc16(s.as_bytes());
    format!("{s}{crc:04X}")
}

/// Splits a TLV string into (id, value) pairs; `None` if malformed.
pub fn fields(s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let id = rest.get(0..2)?;
        let len: usize = rest.get(2..4)?.parse().ok()?;
        let value = rest.get(4..4 + len)?;
        out.push((id.to_string(), value.to_string()));
        rest = &rest[4 + len..];
    }
    Some(out)
}

/// Whether the payload's CRC (field 63) matches its content.
pub fn crc_ok(s: &str) -> bool {
    match s.len().checked_sub(4) {
        Some(n) if s.is_char_boundary(n) => {
            u16::from_str_radix(&s[n..], 16).is_ok_and(|c| c == crc16(&s.as_bytes()[..n]))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_is_ccitt_false() {
        // The check value of CRC-16/CCITT-FALSE.
        assert_eq!(crc16(b"123456789"), 0x29B1);
    }

    #[test]
    fn payload_carries_account_amount_and_purpose_with_a_valid_crc() {
        let acct = BankAccount { bin: "970436".into(), account: "0011001234567".into(), holder: String::new() };
        let p = payload(&acct, 8000, "000.00.12.H62-261123-0001");
        assert!(crc_ok(&p), "{p}");
        let f = fields(&p).unwrap();
        let get = |id: &str| f.iter().find(|(i, _)| i == id).map(|(_, v)| v.clone()).unwrap();
        assert_eq!(get("54"), "8000");
        assert_eq!(get("62"), "0825000.00.12.H62-261123-0001");
        assert!(get("38").contains("0006970436"));
        let mut tampered = p.clone();
        tampered.replace_range(40..41, "9");
        assert!(!crc_ok(&tampered) || tampered == p);
    }
}

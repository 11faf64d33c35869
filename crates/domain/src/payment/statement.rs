//! Bank statements: reading the CSV exports of Vietnamese banks, and matching their credits to
//! the dossiers that owe fees, by the dossier code in the transfer memo (typos tolerated) and the
//! exact amount.
//!
//! Columns are found by their header, in Vietnamese or English, wherever the header row is (banks
//! put account details above it); `,`, `;` or tab separated, UTF-8 with or without BOM:
//!
//! | role | accepted headers (case and diacritics ignored) |
//! |---|---|
//! | date (required) | Ngày giao dịch, Ngày GD, Ngày hạch toán, Ngày hiệu lực, Ngày, Transaction date, Posting date, Value date, Date |
//! | credit (or a signed amount) | Số tiền ghi có, Ghi có, Có, Số tiền vào, Credit, Credit amount — or Số tiền, Amount |
//! | memo (required) | Nội dung, Nội dung giao dịch, Nội dung chuyển khoản, Mô tả, Diễn giải, Description, Details, Narrative, Remark |
//! | reference | Số tham chiếu, Mã giao dịch, Mã GD, Số bút toán, Số chứng từ, Reference, Ref, Transaction ID |
//!
//! Amounts may be written `1.250.000`, `1,250,000`, `1250000` or `1,250,000.00`; dates
//! `dd/mm/yyyy`, `dd-mm-yyyy` or `yyyy-mm-dd` (a time after them is ignored). Rows without a
//! credit (debits, totals) are skipped.

use std::collections::HashMap;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::error::Described;

/// A credit of the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    /// 1-based line in the file.
    pub line: usize,
    /// The bank's reference, or a digest of the row when the export has none.
    pub bank_ref: String,
    pub booked_on: NaiveDate,
    /// Whole đồng.
    pub amount: i64,
    pub memo: String,
}

/// Why a statement could not be read. Nothing is imported when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct StatementError {
    pub line: usize,
    pub reason: String,
}

impl Described for StatementError {
    fn code(&self) -> &'static str {
        "INVALID_STATEMENT"
    }
    fn message_vi(&self) -> String {
        format!("Sao kê không đọc được ở dòng {}: {}", self.line, self.reason)
    }
    fn message_en(&self) -> String {
        format!("The statement cannot be read at line {}: {}", self.line, self.reason)
    }
    fn field(&self) -> Option<&str> {
        Some("statement")
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Date,
    Credit,
    Debit,
    Amount,
    Memo,
    Reference,
}

fn role(header: &str) -> Option<Role> {
    let h = crate::text::fold(header).trim().to_string();
    let any = |names: &[&str]| names.contains(&h.as_str());
    if any(&[
        "ngay giao dich",
        "ngay gd",
        "ngay hach toan",
        "ngay hieu luc",
        "ngay",
        "transaction date",
        "posting date",
        "value date",
        "date",
    ]) {
        Some(Role::Date)
    } else if any(&["so tien ghi co", "ghi co", "co", "so tien co", "so tien vao", "credit", "credit amount"]) {
        Some(Role::Credit)
    } else if any(&["so tien ghi no", "ghi no", "no", "so tien no", "so tien ra", "debit", "debit amount"]) {
        Some(Role::Debit)
    } else if any(&["so tien", "so tien giao dich", "amount"]) {
        Some(Role::Amount)
    } else if any(&[
        "noi dung",
        "noi dung giao dich",
        "noi dung chuyen khoan",
        "mo ta",
        "dien giai",
        "description",
        "details",
        "transaction details",
        "narrative",
        "remark",
        "remarks",
    ]) {
        Some(Role::Memo)
    } else if any(&[
        "so tham chieu",
        "ma giao dich",
        "ma gd",
        "so but toan",
        "so chung tu",
        "so ct",
        "reference",
        "ref",
        "reference number",
        "transaction id",
    ]) {
        Some(Role::Reference)
    } else {
        None
    }
}

/// Reads a money cell into whole đồng; `None` if it is not a number.
pub fn parse_amount(cell: &str) -> Option<i64> {
    let s: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.trim_end_matches("VND").trim_end_matches("đ").trim_end_matches('đ');
    let negative = s.starts_with('-');
    let s = s.trim_start_matches(['-', '+']);
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    // The separator that appears last, followed by one or two digits, is a decimal point.
    let last = s.rfind(['.', ',']);
    let (int, frac) = match last {
        Some(i) if s.len() - i - 1 <= 2 && s.len() - i > 1 => (&s[..i], &s[i + 1..]),
        _ => (s, ""),
    };
    if !frac.chars().all(|c| c == '0') {
        return None;
    }
    let digits: String = int.chars().filter(char::is_ascii_digit).collect();
    let v: i64 = digits.parse().ok()?;
    Some(if negative { -v } else { v })
}

fn parse_date(cell: &str) -> Option<NaiveDate> {
    let first = cell.split_whitespace().next()?;
    ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y", "%d.%m.%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(first, f).ok())
}

fn delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(30).collect::<Vec<_>>().join("\n");
    [b',', b';', b'\t'].into_iter().max_by_key(|d| head.bytes().filter(|b| b == d).count()).unwrap_or(b',')
}

/// Reads the credits of a statement export.
pub fn parse_statement(bytes: &[u8]) -> Result<Vec<Credit>, Vec<StatementError>> {
    let err = |line: usize, reason: &str| vec![StatementError { line, reason: reason.to_string() }];
    let text = std::str::from_utf8(bytes).map_err(|_| err(1, "not UTF-8 text"))?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let rows: Vec<(usize, Vec<String>)> = reader
        .records()
        .enumerate()
        .filter_map(|(i, r)| {
            r.ok().map(|r| (r.position().map_or(i + 1, |p| p.line() as usize), r.iter().map(str::to_string).collect()))
        })
        .collect();
    let header = rows.iter().take(40).position(|(_, cells)| {
        let roles: Vec<_> = cells.iter().filter_map(|c| role(c)).collect();
        roles.contains(&Role::Date)
            && roles.contains(&Role::Memo)
            && (roles.contains(&Role::Credit) || roles.contains(&Role::Amount))
    });
    let Some(h) = header else {
        return Err(err(1, "no header row with a date, a credit (or amount) and a memo column"));
    };
    let col = |r: Role| rows[h].1.iter().position(|c| role(c) == Some(r));
    let (date, memo, reference) = (col(Role::Date), col(Role::Memo), col(Role::Reference));
    let credit = col(Role::Credit).or(col(Role::Amount));
    let (Some(date), Some(memo), Some(credit)) = (date, memo, credit) else { unreachable!("checked above") };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (line, cells) in &rows[h + 1..] {
        let cell = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
        let amount = match parse_amount(cell(credit)) {
            Some(a) if a > 0 => a,
            Some(_) => continue,
            None if cell(credit).is_empty() => continue,
            None => {
                errors
                    .push(StatementError { line: *line, reason: format!("amount {:?} is not a number", cell(credit)) });
                continue;
            }
        };
        let Some(booked_on) = parse_date(cell(date)) else {
            errors.push(StatementError { line: *line, reason: format!("date {:?} is not a date", cell(date)) });
            continue;
        };
        let memo_text = cell(memo).to_string();
        let bank_ref = match reference.map(cell).filter(|r| !r.is_empty()) {
            Some(r) => r.to_string(),
            None => {
                let key = format!("{booked_on}|{amount}|{memo_text}");
                let n = seen.entry(key.clone()).or_insert(0);
                *n += 1;
                format!("row-{}", &hex::encode(Sha256::digest(format!("{key}|{n}")))[..24])
            }
        };
        out.push(Credit { line: *line, bank_ref, booked_on, amount, memo: memo_text });
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

mod matching;
pub use matching::*;

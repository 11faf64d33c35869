//! Checks on one procedure's fields, shared by the CSV and JSON importers.

use chrono::NaiveDate;

use crate::calendar::StatutoryTime;
use crate::catalog::{ComponentSpec, FeeBasis, FeeSpec};

/// Longest statutory time accepted, in days (hours are eight per day).
const MAX_DAYS: u32 = 365;
/// Largest fee accepted, in đồng: a guard against a misplaced thousands separator.
const MAX_AMOUNT: i64 = 1_000_000_000;
const MAX_TEXT: usize = 1000;

/// One thing wrong with one field of one row, before the row's line is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Problem {
    pub field: String,
    pub vi: String,
    pub en: String,
}

impl Problem {
    pub fn new(field: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Problem { field: field.to_string(), vi: vi.into(), en: en.into() }
    }
}

/// A required text: trimmed, not empty, not absurdly long.
pub(super) fn text(field: &str, value: &str) -> Result<String, Problem> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Problem::new(
            field,
            format!("Cột {field} đang để trống; vui lòng điền giá trị."),
            format!("Column {field} is empty; fill it in."),
        ));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(Problem::new(
            field,
            format!("Cột {field} dài quá {MAX_TEXT} ký tự; vui lòng rút gọn."),
            format!("Column {field} is longer than {MAX_TEXT} characters; shorten it."),
        ));
    }
    Ok(value.to_string())
}

/// A statutory time must be positive and at most a year.
pub(super) fn time(field: &str, time: &StatutoryTime) -> Result<(), Problem> {
    let (count, max, vi_unit, en_unit) = match *time {
        StatutoryTime::WorkingDays { days } => (days, MAX_DAYS, "ngày làm việc", "working days"),
        StatutoryTime::CalendarDays { days } => (days, MAX_DAYS, "ngày", "days"),
        StatutoryTime::WorkingHours { hours } => (hours, MAX_DAYS * 8, "giờ làm việc", "working hours"),
        StatutoryTime::SameDay { .. } => return Ok(()),
    };
    if (1..=max).contains(&count) {
        return Ok(());
    }
    Err(Problem::new(
        field,
        format!("Thời hạn {count} {vi_unit} không hợp lệ: phải từ 1 đến {max} {vi_unit}."),
        format!("A time limit of {count} {en_unit} is invalid: it must be 1 to {max} {en_unit}."),
    ))
}

/// Every fee line needs a name; fixed and per-copy amounts must be positive.
pub(super) fn fees(field: &str, fees: &[FeeSpec]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, fee) in fees.iter().enumerate() {
        let n = i + 1;
        if fee.name.trim().is_empty() {
            problems.push(Problem::new(
                field,
                format!("Khoản phí thứ {n} chưa có tên; vui lòng ghi tên phí, lệ phí."),
                format!("Fee {n} has no name; give the fee's name."),
            ));
        }
        let min = if fee.basis == FeeBasis::SetAtIntake { 0 } else { 1 };
        if !(min..=MAX_AMOUNT).contains(&fee.amount) {
            problems.push(Problem::new(
                field,
                format!(
                    "Khoản phí thứ {n} có số tiền {} đồng không hợp lệ: phải từ {min} đến {MAX_AMOUNT} đồng \
                     (dùng set_at_intake nếu cán bộ xác định số tiền khi tiếp nhận).",
                    fee.amount
                ),
                format!(
                    "Fee {n} has an invalid amount of {} đồng: it must be {min} to {MAX_AMOUNT} \
                     (use set_at_intake when the officer sets the amount at intake).",
                    fee.amount
                ),
            ));
        }
    }
    problems
}

/// Component codes must be present, free of the CSV separators, and unique; names present.
pub(super) fn components(field: &str, components: &[ComponentSpec]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, c) in components.iter().enumerate() {
        let n = i + 1;
        let code = c.code.trim();
        if code.is_empty() || code.contains([':', ';']) || code.chars().any(char::is_whitespace) {
            problems.push(Problem::new(
                field,
                format!(
                    "Thành phần hồ sơ thứ {n} có mã \"{code}\" không hợp lệ: mã phải có, \
                     không chứa dấu cách, \":\" hoặc \";\" (ví dụ TK01)."
                ),
                format!(
                    "Component {n} has an invalid code \"{code}\": it must be present, without spaces, \
                     \":\" or \";\" (e.g. TK01)."
                ),
            ));
        } else if components[..i].iter().any(|o| o.code.trim() == code) {
            problems.push(Problem::new(
                field,
                format!("Mã thành phần hồ sơ \"{code}\" bị lặp; mỗi thành phần cần một mã riêng."),
                format!("Component code \"{code}\" is repeated; give each component its own code."),
            ));
        }
        if c.name.trim().is_empty() {
            problems.push(Problem::new(
                field,
                format!("Thành phần hồ sơ thứ {n} chưa có tên giấy tờ."),
                format!("Component {n} has no document name."),
            ));
        }
    }
    problems
}

/// An update cannot predate the publication.
pub(super) fn dates(published: Option<NaiveDate>, updated: Option<NaiveDate>) -> Result<(), Problem> {
    match (published, updated) {
        (Some(p), Some(u)) if u < p => Err(Problem::new(
            "updated_on",
            format!("Ngày cập nhật {u} sớm hơn ngày công bố {p}; vui lòng kiểm tra lại hai ngày."),
            format!("Update date {u} is before publication date {p}; check both dates."),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_days_and_empty_text_are_rejected() {
        assert!(time("t", &StatutoryTime::WorkingDays { days: 0 }).is_err());
        assert!(time("t", &StatutoryTime::WorkingHours { hours: 1 }).is_ok());
        assert!(time("t", &StatutoryTime::same_day()).is_ok());
        assert_eq!(text("name", "  x ").unwrap(), "x");
        assert!(text("name", " ").is_err());
    }

    #[test]
    fn fee_amounts_depend_on_basis() {
        let fee = |amount, basis| FeeSpec { name: "Phí".into(), amount, basis };
        assert!(fees("fees", &[fee(0, FeeBasis::SetAtIntake)]).is_empty());
        assert_eq!(fees("fees", &[fee(0, FeeBasis::Fixed), fee(-1, FeeBasis::PerCopy)]).len(), 2);
    }

    #[test]
    fn component_codes_must_be_unique() {
        let c = |code: &str| ComponentSpec { code: code.into(), name: "Tờ khai".into(), required: true };
        assert!(components("components", &[c("TK01"), c("GT01")]).is_empty());
        assert_eq!(components("components", &[c("TK01"), c("TK01"), c("a b")]).len(), 2);
    }
}

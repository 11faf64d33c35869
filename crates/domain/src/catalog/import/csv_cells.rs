//! Reading the cells of one CSV catalog row into typed values.

use chrono::{NaiveDate, NaiveTime};

use super::checks::Problem;
use crate::calendar::{StatutoryTime, default_cutoff};
use crate::catalog::{Certainty, ComponentSpec, FeeBasis, FeeSpec, OnlineLevel, ResultKind, UnitLevel};
use crate::text::fold;

/// Folds a keyword so `Toàn trình`, `toan-trinh` and `TOAN TRINH` all read `toan_trinh`.
pub(super) fn keyword(s: &str) -> String {
    fold(s).replace([' ', '-'], "_")
}

fn unknown(field: &str, value: &str, allowed_vi: &str, allowed_en: &str) -> Problem {
    Problem::new(
        field,
        format!("Giá trị \"{value}\" của cột {field} không hợp lệ; dùng {allowed_vi}."),
        format!("Value \"{value}\" of column {field} is invalid; use {allowed_en}."),
    )
}

pub(super) fn online_level(s: &str) -> Result<OnlineLevel, Problem> {
    match keyword(s).as_str() {
        "full" | "toan_trinh" => Ok(OnlineLevel::Full),
        "partial" | "mot_phan" => Ok(OnlineLevel::Partial),
        "none" | "khong" => Ok(OnlineLevel::None),
        _ => Err(unknown(
            "online_level",
            s,
            "full (toàn trình), partial (một phần) hoặc none (không)",
            "full (toàn trình), partial (một phần) or none (không)",
        )),
    }
}

pub(super) fn statutory_time(kind: &str, value: &str) -> Result<StatutoryTime, Problem> {
    let count = || {
        value.parse::<u32>().map_err(|_| {
            Problem::new(
                "time_value",
                format!(
                    "Cột time_value phải là số nguyên ngày hoặc giờ (ví dụ 5), \
                     đang là \"{value}\"."
                ),
                format!(
                    "Column time_value must be a whole number of days or hours (e.g. 5), \
                     got \"{value}\"."
                ),
            )
        })
    };
    match keyword(kind).as_str() {
        "working_days" | "ngay_lam_viec" => Ok(StatutoryTime::WorkingDays { days: count()? }),
        "working_hours" | "gio_lam_viec" => Ok(StatutoryTime::WorkingHours { hours: count()? }),
        "calendar_days" | "ngay" => Ok(StatutoryTime::CalendarDays { days: count()? }),
        "same_day" | "trong_ngay" => Ok(StatutoryTime::SameDay { cutoff: cutoff(value)? }),
        _ => Err(unknown(
            "time_kind",
            kind,
            "working_days, working_hours, same_day hoặc calendar_days",
            "working_days, working_hours, same_day or calendar_days",
        )),
    }
}

/// `HH:MM`, also the common `15h00` / `15h`; empty means 15:00.
pub(super) fn cutoff(s: &str) -> Result<NaiveTime, Problem> {
    if s.is_empty() {
        return Ok(default_cutoff());
    }
    let mut normalized = s.to_ascii_lowercase().replace('h', ":");
    if normalized.ends_with(':') {
        normalized.push_str("00");
    }
    NaiveTime::parse_from_str(&normalized, "%H:%M").map_err(|_| {
        Problem::new(
            "time_value",
            format!(
                "Giờ chốt \"{s}\" không hợp lệ; với same_day ghi giờ dạng HH:MM \
                 (ví dụ 15:00) hoặc để trống."
            ),
            format!(
                "Cut-off \"{s}\" is invalid; for same_day write HH:MM (e.g. 15:00) \
                 or leave it empty."
            ),
        )
    })
}

pub(super) fn certainty(s: &str) -> Result<Certainty, Problem> {
    match keyword(s).as_str() {
        "" | "single" => Ok(Certainty::Single),
        "verified" => Ok(Certainty::Verified),
        "recalled" => Ok(Certainty::Recalled),
        "uncertain" => Ok(Certainty::Uncertain),
        _ => Err(unknown(
            "time_certainty",
            s,
            "verified, single, recalled, uncertain hoặc để trống",
            "verified, single, recalled, uncertain or leave it empty",
        )),
    }
}

pub(super) fn result_kind(s: &str) -> Result<ResultKind, Problem> {
    match keyword(s).as_str() {
        "paper" | "giay" | "ban_giay" => Ok(ResultKind::Paper),
        "electronic" | "dien_tu" | "ban_dien_tu" => Ok(ResultKind::Electronic),
        _ => Err(unknown("result_kind", s, "paper (giấy) hoặc electronic (điện tử)", "paper or electronic")),
    }
}

pub(super) fn competent_level(s: &str) -> Result<UnitLevel, Problem> {
    match keyword(s).as_str() {
        "commune" | "xa" | "cap_xa" => Ok(UnitLevel::Commune),
        "province" | "tinh" | "cap_tinh" => Ok(UnitLevel::Province),
        _ => Err(unknown("competent_level", s, "commune (cấp xã) hoặc province (cấp tỉnh)", "commune or province")),
    }
}

pub(super) fn date(field: &str, s: &str) -> Result<Option<NaiveDate>, Problem> {
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y")).map(Some).map_err(
        |_| {
            Problem::new(
                field,
                format!(
                    "Ngày \"{s}\" không hợp lệ; ghi dạng YYYY-MM-DD hoặc DD/MM/YYYY \
                     (ví dụ 01/07/2025)."
                ),
                format!("Date \"{s}\" is invalid; write YYYY-MM-DD or DD/MM/YYYY (e.g. 01/07/2025)."),
            )
        },
    )
}

/// Whole đồng, written plainly (`8000`) or grouped by `.` or `,` (`8.000`, `100,000`).
pub(super) fn amount(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let sep = if s.contains('.') { '.' } else { ',' };
    let groups: Vec<&str> = s.split(sep).collect();
    let grouped = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    if grouped { groups.concat().parse().ok() } else { None }
}

/// Non-empty `;`-separated items, numbered from 1.
fn items(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.split(';').map(str::trim).filter(|i| !i.is_empty()).enumerate().map(|(i, item)| (i + 1, item))
}

pub(super) fn fees(s: &str) -> Result<Vec<FeeSpec>, Problem> {
    items(s).map(|(n, item)| fee(n, item)).collect()
}

/// One `name:amount:basis` item; the name may itself contain colons.
fn fee(n: usize, item: &str) -> Result<FeeSpec, Problem> {
    let bad = |why_vi: &str, why_en: &str| {
        Problem::new(
            "fees",
            format!(
                "Khoản phí thứ {n} \"{item}\": {why_vi}. Mỗi khoản ghi tên:số tiền:cách tính, \
                 ví dụ \"Lệ phí:8000:per_copy\"."
            ),
            format!(
                "Fee {n} \"{item}\": {why_en}. Write each as name:amount:basis, \
                 e.g. \"Lệ phí:8000:per_copy\"."
            ),
        )
    };
    let mut parts = item.rsplitn(3, ':');
    let (Some(basis), Some(amount_text), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad("thiếu phần", "parts are missing"));
    };
    let basis = match keyword(basis).as_str() {
        "fixed" => FeeBasis::Fixed,
        "per_copy" => FeeBasis::PerCopy,
        "set_at_intake" => FeeBasis::SetAtIntake,
        _ => {
            return Err(bad(
                "cách tính phải là fixed, per_copy hoặc set_at_intake",
                "the basis must be fixed, per_copy or set_at_intake",
            ));
        }
    };
    let amount = match amount(amount_text) {
        Some(a) => a,
        None if basis == FeeBasis::SetAtIntake && amount_text.trim().is_empty() => 0,
        None => {
            return Err(bad(
                "số tiền phải là số đồng, ví dụ 8000 hoặc 8.000",
                "the amount must be whole đồng, e.g. 8000 or 8.000",
            ));
        }
    };
    Ok(FeeSpec { name: name.trim().to_string(), amount, basis })
}

pub(super) fn components(s: &str) -> Result<Vec<ComponentSpec>, Problem> {
    items(s).map(|(n, item)| component(n, item)).collect()
}

/// One `code:name:required` item; the name may itself contain colons.
fn component(n: usize, item: &str) -> Result<ComponentSpec, Problem> {
    let bad = || {
        Problem::new(
            "components",
            format!(
                "Thành phần hồ sơ thứ {n} \"{item}\" phải có dạng mã:tên:bắt buộc (1 hoặc 0), \
                 ví dụ \"TK01:Tờ khai:1\"."
            ),
            format!(
                "Component {n} \"{item}\" must be code:name:required (1 or 0), \
                 e.g. \"TK01:Tờ khai:1\"."
            ),
        )
    };
    let (code, rest) = item.split_once(':').ok_or_else(bad)?;
    let (name, required) = rest.rsplit_once(':').ok_or_else(bad)?;
    let required = match keyword(required).as_str() {
        "1" | "true" | "co" => true,
        "0" | "false" | "khong" => false,
        _ => return Err(bad()),
    };
    Ok(ComponentSpec { code: code.trim().to_string(), name: name.trim().to_string(), required })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_local_notation() {
        assert_eq!(amount("8000"), Some(8000));
        assert_eq!(amount("8.000"), Some(8000));
        assert_eq!(amount("1,200,000"), Some(1_200_000));
        assert_eq!(amount("8.5"), None);
        assert_eq!(amount("1.200,000"), None);
        assert_eq!(amount("-5"), None);
    }

    #[test]
    fn cutoffs_in_local_notation() {
        assert_eq!(cutoff("").unwrap(), default_cutoff());
        assert_eq!(cutoff("15h30").unwrap(), NaiveTime::from_hms_opt(15, 30, 0).unwrap());
        assert_eq!(cutoff("16h").unwrap(), NaiveTime::from_hms_opt(16, 0, 0).unwrap());
        assert!(cutoff("25:00").is_err());
    }

    #[test]
    fn keywords_ignore_case_and_diacritics() {
        assert_eq!(online_level("Toàn Trình").unwrap(), OnlineLevel::Full);
        assert_eq!(online_level("MỘT PHẦN").unwrap(), OnlineLevel::Partial);
        assert!(online_level("fulll").is_err());
        assert_eq!(statutory_time("Working days", "5").unwrap(), StatutoryTime::WorkingDays { days: 5 });
    }

    #[test]
    fn list_cells_allow_colons_in_names_and_a_trailing_semicolon() {
        let fees = fees("Phí: bản sao:2.000:per_copy;").unwrap();
        assert_eq!((fees[0].name.as_str(), fees[0].amount), ("Phí: bản sao", 2000));
        let components = components("TK01:Tờ khai: mẫu 01:1; GT02:Giấy:0").unwrap();
        assert_eq!(components[0].name, "Tờ khai: mẫu 01");
        assert!(!components[1].required);
        assert!(super::components("TK01:Tờ khai").is_err());
    }
}

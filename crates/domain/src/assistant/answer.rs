//! The assistant's answers, in Vietnamese (the citizen wrote in Vietnamese; Zalo shows text only).

use chrono::{DateTime, FixedOffset, Utc};

use crate::calendar::StatutoryTime;
use crate::catalog::{FeeBasis, OnlineLevel, Procedure};
use crate::dossier::Status;

/// Whole đồng with dot thousands separators: `100.000 đồng`.
fn money(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} đồng")
}

fn time_vi(t: &StatutoryTime) -> String {
    match t {
        StatutoryTime::WorkingDays { days } => format!("{days} ngày làm việc"),
        StatutoryTime::WorkingHours { hours } => format!("{hours} giờ làm việc"),
        StatutoryTime::SameDay { cutoff } => {
            format!("trong ngày (nhận sau {} thì trả trong ngày làm việc tiếp theo)", cutoff.format("%H:%M"))
        }
        StatutoryTime::CalendarDays { days } => format!("{days} ngày"),
    }
}

fn when(at: DateTime<Utc>) -> String {
    let vn = FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
    at.with_timezone(&vn).format("%H:%M ngày %d/%m/%Y").to_string()
}

/// What to prepare, the fee, the time and where to file `p`; links start with `public_url`.
pub fn procedure(p: &Procedure, public_url: &str) -> String {
    let base = public_url.trim_end_matches('/');
    let mut out = format!("Thủ tục: {} (mã {})\nGiấy tờ cần chuẩn bị:\n", p.name, p.code);
    for c in &p.components {
        let note = if c.required { "" } else { " (nếu có)" };
        out.push_str(&format!("- {}{note}\n", c.name));
    }
    if p.components.is_empty() {
        out.push_str("- Cán bộ một cửa hướng dẫn khi tiếp nhận\n");
    }
    let fees: Vec<String> = p
        .fees
        .iter()
        .map(|f| match f.basis {
            FeeBasis::Fixed => format!("{}: {}", f.name, money(f.amount)),
            FeeBasis::PerCopy => format!("{}: {} mỗi bản", f.name, money(f.amount)),
            FeeBasis::SetAtIntake => format!("{}: cán bộ thông báo khi tiếp nhận", f.name),
        })
        .collect();
    let fees = if fees.is_empty() { "không mất phí".to_string() } else { fees.join("; ") };
    out.push_str(&format!("Phí, lệ phí: {fees}\nThời hạn giải quyết: {}\n", time_vi(&p.statutory_time)));
    match p.online_level {
        OnlineLevel::None => out.push_str("Thủ tục này nộp trực tiếp hoặc qua bưu chính tại Trung tâm.\n"),
        _ => out.push_str(&format!("Nộp trực tuyến: {base}/nop-ho-so/{}\n", p.code)),
    }
    out.push_str(&format!("Chi tiết: {base}/thu-tuc/{}", p.code));
    out
}

/// What a lookup may tell: the status always, the applicant and the note only with proof.
#[derive(Debug, Clone)]
pub struct LookupFacts {
    pub code: String,
    pub procedure: Option<String>,
    pub status: Status,
    pub due: Option<DateTime<Utc>>,
    pub late: bool,
    /// The secret or the phone number matched: personal details may be shown.
    pub proven: Option<Proven>,
}

/// What is shown only to the applicant.
#[derive(Debug, Clone)]
pub struct Proven {
    pub applicant: String,
    pub note: Option<String>,
}

/// The status of a dossier in words.
pub fn lookup(f: &LookupFacts, public_url: &str) -> String {
    let what = f.procedure.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
    let mut out = format!("Hồ sơ {}{what}: {}.", f.code, f.status.name_vi().to_lowercase());
    if let Some(due) = f.due.filter(|_| !matches!(f.status, Status::Returned | Status::Withdrawn)) {
        out.push_str(&format!("\nNgày hẹn trả kết quả: {}.", when(due)));
        if f.late {
            out.push_str(" Hồ sơ đã quá hạn; Trung tâm xin lỗi và sẽ thông báo ngày hẹn mới.");
        }
    }
    match &f.proven {
        Some(p) => {
            out.push_str(&format!("\nNgười nộp: {}.", p.applicant));
            if let Some(note) = &p.note {
                out.push_str(&format!("\nNội dung cần lưu ý: {note}"));
            }
        }
        None => out
            .push_str("\nĐể xem chi tiết, nhắn kèm mã bí mật trên phiếu hẹn hoặc số điện thoại đã khai khi nộp hồ sơ."),
    }
    out.push_str(&format!("\nTra cứu: {}/tra-cuu?ma={}", public_url.trim_end_matches('/'), f.code));
    out
}

/// No dossier has this code (or it is not shown): the same answer either way.
pub fn not_found(code: &str) -> String {
    format!("Không tìm thấy hồ sơ {code}. Vui lòng kiểm tra lại mã hồ sơ trên phiếu hẹn trả kết quả.")
}

/// "tra cứu" with something that is not a dossier code.
pub fn bad_code(text: &str) -> String {
    format!(
        "\"{text}\" không phải là mã hồ sơ. Mã hồ sơ in trên phiếu hẹn, có dạng 000.00.12.H62-251126-0001. \
         Nhắn: tra cứu <mã hồ sơ>."
    )
}

/// The message goes to an officer.
pub fn handed_over() -> String {
    "Cảm ơn bạn đã nhắn tin. Câu hỏi đã được chuyển đến cán bộ Trung tâm Phục vụ hành chính công; \
     cán bộ sẽ trả lời bạn qua Zalo trong giờ làm việc."
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::seed_procedures;

    #[test]
    fn a_procedure_answer_has_components_fee_time_and_link() {
        let p = seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
        let a = procedure(&p, "https://motcua.example/");
        assert!(a.contains("Đăng ký khai sinh"), "{a}");
        assert!(a.contains("- Tờ khai đăng ký khai sinh"), "{a}");
        assert!(a.contains("không mất phí"), "{a}");
        assert!(a.contains("trong ngày"), "{a}");
        assert!(a.contains("https://motcua.example/nop-ho-so/1.001193"), "{a}");
    }

    #[test]
    fn a_lookup_without_proof_shows_no_personal_data() {
        let mut f = LookupFacts {
            code: "000.00.12.H62-261123-0001".into(),
            procedure: Some("Đăng ký khai sinh".into()),
            status: Status::Received,
            due: None,
            late: false,
            proven: None,
        };
        let a = lookup(&f, "http://x");
        assert!(a.contains("được tiếp nhận") && a.contains("mã bí mật") && !a.contains("Người nộp"), "{a}");
        f.proven = Some(Proven { applicant: "Trần Thị Bình".into(), note: None });
        assert!(lookup(&f, "http://x").contains("Người nộp: Trần Thị Bình"));
        assert_eq!(money(1_250_000), "1.250.000 đồng");
    }
}

//! What pages say about dates, money, statuses, events and procedures, in Vietnamese or English.

use chrono::{DateTime, FixedOffset, Utc};
use motcua_domain::calendar::StatutoryTime;
use motcua_domain::catalog::{OnlineLevel, Procedure, UnitLevel};
use motcua_domain::dossier::chain::StoredEvent;
use motcua_domain::dossier::{EventKind, Status};
use motcua_domain::staff::{Actor, Role};

use super::{Lang, t};
use crate::api::types::statutory_time_vi;

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// An instant in Vietnam time: `09:00 ngày 23/11/2026` or `23/11/2026 09:00`.
pub fn when(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&vietnam());
    match lang {
        Lang::Vi => local.format("%H:%M ngày %d/%m/%Y").to_string(),
        Lang::En => local.format("%d/%m/%Y %H:%M").to_string(),
    }
}

/// Whole đồng with dot thousands separators: `1.000.000 đồng`.
pub fn money(lang: Lang, amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}{grouped} {}", t(lang, "đồng", "VND"))
}

pub fn status(lang: Lang, s: Status) -> &'static str {
    match lang {
        Lang::Vi => s.name_vi(),
        Lang::En => s.name_en(),
    }
}

/// A CSS class for a status badge: `done`, `stopped`, `waiting` or `active`.
pub fn status_class(s: Status) -> &'static str {
    match s {
        Status::Decided | Status::Returned => "done",
        Status::Refused | Status::Withdrawn | Status::Stopped => "stopped",
        Status::SupplementRequested | Status::FinancialObligation => "waiting",
        _ => "active",
    }
}

/// What the citizen should expect or do now.
pub fn next_step(lang: Lang, s: Status) -> &'static str {
    match s {
        Status::Submitted => t(
            lang,
            "Cán bộ một cửa sẽ kiểm tra và tiếp nhận hồ sơ trong giờ làm việc. Ngày hẹn trả được tính từ lúc tiếp nhận.",
            "An intake officer will check and receive the dossier during working hours. The due date counts from receipt.",
        ),
        Status::Received | Status::Processing => t(
            lang,
            "Hồ sơ đang được giải quyết. Bạn chưa cần làm gì thêm.",
            "Your dossier is being handled. You need not do anything now.",
        ),
        Status::SupplementRequested => t(
            lang,
            "Bạn cần bổ sung giấy tờ như nội dung yêu cầu dưới đây. Thời hạn giải quyết tạm dừng cho đến khi nhận đủ.",
            "Please provide the documents requested below. The deadline is paused until they arrive.",
        ),
        Status::FinancialObligation => t(
            lang,
            "Bạn cần nộp phí, lệ phí hoặc nghĩa vụ tài chính. Thời hạn giải quyết tạm dừng cho đến khi hoàn thành.",
            "Please pay the fees or financial obligation. The deadline is paused until it is met.",
        ),
        Status::Decided => t(
            lang,
            "Đã có kết quả. Bạn có thể đến Trung tâm Phục vụ hành chính công để nhận kết quả.",
            "The result is ready. You can collect it at the service center.",
        ),
        Status::Returned => {
            t(lang, "Kết quả đã được trả. Hồ sơ đã hoàn tất.", "The result was handed over. The dossier is complete.")
        }
        Status::Refused | Status::Stopped => t(
            lang,
            "Hồ sơ không được giải quyết tiếp; lý do ghi ở dưới. Bạn có thể liên hệ Trung tâm để được hướng dẫn.",
            "The dossier will not be handled further; the reason is below. Contact the center for guidance.",
        ),
        Status::Withdrawn => t(lang, "Hồ sơ đã được rút theo yêu cầu.", "The dossier was withdrawn on request."),
    }
}

/// The heading of the note that goes with a status: what is missing, or why it ended.
pub fn note_label(lang: Lang, s: Status) -> &'static str {
    match s {
        Status::SupplementRequested => t(lang, "Giấy tờ cần bổ sung", "Documents to add"),
        Status::Refused => t(lang, "Lý do không tiếp nhận", "Why it was not accepted"),
        Status::Stopped | Status::Withdrawn => t(lang, "Lý do", "Reason"),
        _ => t(lang, "Nội dung", "Details"),
    }
}

/// The statutory time in words.
pub fn statutory_time(lang: Lang, time: &StatutoryTime) -> String {
    match lang {
        Lang::Vi => statutory_time_vi(time),
        Lang::En => match time {
            StatutoryTime::WorkingDays { days } => format!("{days} working day{}", if *days == 1 { "" } else { "s" }),
            StatutoryTime::WorkingHours { hours } => {
                format!("{hours} working hour{}", if *hours == 1 { "" } else { "s" })
            }
            StatutoryTime::SameDay { cutoff } => {
                format!("The same day; received after {} it is due the next working day", cutoff.format("%H:%M"))
            }
            StatutoryTime::CalendarDays { days } => format!("{days} day{}", if *days == 1 { "" } else { "s" }),
        },
    }
}

pub fn online_level(lang: Lang, level: OnlineLevel) -> &'static str {
    match level {
        OnlineLevel::Full => t(
            lang,
            "Trực tuyến toàn trình: nộp và nhận kết quả không cần đến Trung tâm",
            "Fully online: file and receive the result without visiting",
        ),
        OnlineLevel::Partial => t(
            lang,
            "Trực tuyến một phần: nộp trực tuyến, đến Trung tâm để đối chiếu hoặc nhận kết quả",
            "Partly online: file online, visit the center to check papers or collect the result",
        ),
        OnlineLevel::None => {
            t(lang, "Chỉ nộp trực tiếp hoặc qua bưu chính tại Trung tâm", "In person or by post at the center only")
        }
    }
}

pub fn competent(lang: Lang, p: &Procedure) -> &'static str {
    match p.competent_level {
        UnitLevel::Commune => t(lang, "Ủy ban nhân dân cấp xã", "The commune People's Committee"),
        UnitLevel::Province => t(
            lang,
            "Cơ quan cấp tỉnh (nộp qua Trung tâm cấp xã)",
            "A provincial agency (filed through the commune center)",
        ),
    }
}

pub fn role(lang: Lang, r: Role) -> &'static str {
    match lang {
        Lang::Vi => r.name_vi(),
        Lang::En => match r {
            Role::IntakeOfficer => "Intake officer",
            Role::Specialist => "Specialist",
            Role::Leader => "Leader",
            Role::CenterDirector => "Center director",
            Role::ProvinceMonitor => "Province monitor",
            Role::Administrator => "Administrator",
        },
    }
}

/// Who did it, as a citizen may read it (roles, never names) or as staff read it (with usernames).
fn actor(lang: Lang, a: &Actor, for_staff: bool) -> String {
    match a {
        Actor::Staff { role: r, username, .. } if for_staff => format!("{} ({username})", role(lang, *r)),
        Actor::Staff { role: r, .. } => role(lang, *r).to_string(),
        Actor::Citizen => t(lang, "Người nộp", "Applicant").into(),
        Actor::System => t(lang, "Hệ thống", "System").into(),
    }
}

/// One line of a dossier's timeline.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    pub when: String,
    pub what: String,
    pub who: String,
}

/// The dossier's events in words, oldest first.
pub fn timeline(lang: Lang, events: &[StoredEvent], for_staff: bool) -> Vec<TimelineEntry> {
    events
        .iter()
        .map(|s| TimelineEntry {
            when: when(lang, s.event.at),
            what: event(lang, &s.event.kind),
            who: actor(lang, &s.event.actor, for_staff),
        })
        .collect()
}

fn event(lang: Lang, kind: &EventKind) -> String {
    let with = |vi: &str, en: &str, text: &str| {
        let head = t(lang, vi, en);
        if text.is_empty() { head.to_string() } else { format!("{head}: {text}") }
    };
    match kind {
        EventKind::Submitted { .. } => t(lang, "Nộp hồ sơ", "Dossier submitted").into(),
        EventKind::Received { due_at, .. } => {
            format!("{} {}", t(lang, "Tiếp nhận hồ sơ; hẹn trả lúc", "Dossier received; due at"), when(lang, *due_at))
        }
        EventKind::Refused { reason } => with("Từ chối tiếp nhận", "Refused", reason),
        EventKind::ProcessingStarted => t(lang, "Bắt đầu xử lý", "Processing started").into(),
        EventKind::Transferred { to, reason, .. } => {
            with(&format!("Chuyển đến đơn vị {to}"), &format!("Transferred to unit {to}"), reason)
        }
        EventKind::SupplementRequested { missing } => with("Yêu cầu bổ sung", "Supplement requested", missing),
        EventKind::SupplementReceived { due_at } => format!(
            "{} {}",
            t(lang, "Đã nhận bổ sung; hẹn trả mới lúc", "Supplement received; new due time"),
            when(lang, *due_at)
        ),
        EventKind::FinancialObligationRequested { fees } => {
            let total: i64 = fees.iter().map(|f| f.total()).sum();
            format!(
                "{} {}",
                t(lang, "Yêu cầu thực hiện nghĩa vụ tài chính:", "Financial obligation requested:"),
                money(lang, total)
            )
        }
        EventKind::FinancialObligationMet { .. } => {
            t(lang, "Đã hoàn thành nghĩa vụ tài chính", "Financial obligation met").into()
        }
        EventKind::Withdrawn { reason } => with("Rút hồ sơ", "Withdrawn", reason),
        EventKind::Stopped { reason } => with("Dừng xử lý", "Processing stopped", reason),
        EventKind::ForwardedForApproval { summary } => {
            with("Trình lãnh đạo phê duyệt", "Forwarded for approval", summary)
        }
        EventKind::SentBack { reason } => with("Lãnh đạo trả lại để xử lý tiếp", "Sent back by the leader", reason),
        EventKind::Decided { .. } => {
            t(lang, "Lãnh đạo phê duyệt; đã có kết quả", "Approved; the result is ready").into()
        }
        EventKind::ResultReturned => t(lang, "Đã trả kết quả", "Result returned").into(),
        EventKind::SupplementProvided { files, note } => with(
            &format!("Công dân đã gửi bổ sung {} giấy tờ", files.len()),
            &format!("The citizen sent {} supplementary document(s)", files.len()),
            note,
        ),
        EventKind::Rated { rating } => format!(
            "{} {}/5{}",
            t(lang, "Công dân đánh giá mức độ hài lòng:", "The citizen rated the service:"),
            rating.score,
            if rating.complaint { t(lang, " (có khiếu nại)", " (with a complaint)") } else { "" }
        ),
        EventKind::PaymentRecorded { method, amount, state, .. } => format!(
            "{} {} — {} ({})",
            t(lang, "Thanh toán phí, lệ phí", "Fee payment"),
            money(lang, *amount),
            t(lang, state.name_vi(), state.name_en()),
            t(lang, method.name_vi(), method.name_en())
        ),
        EventKind::IdentityChecked { matched, detail } => match (matched, detail.as_str()) {
            (true, _) => t(
                lang,
                "CSDL quốc gia về dân cư: thông tin người nộp khớp",
                "Population database: the applicant's identity matches",
            )
            .into(),
            (false, field) => format!(
                "{} {}",
                t(lang, "CSDL quốc gia về dân cư: thông tin không khớp —", "Population database: mismatch —"),
                identity_field(lang, field)
            ),
        },
        EventKind::ApologyIssued { new_due_at, reason } => with(
            &format!("Xin lỗi và hẹn lại ngày trả kết quả: {}", when(lang, *new_due_at)),
            &format!("Apology and new appointment: {}", when(lang, *new_due_at)),
            reason,
        ),
        EventKind::Assisted { helper, session, .. } => {
            with(&format!("Được hỗ trợ nộp hồ sơ bởi {helper}"), &format!("Submitted with help from {helper}"), session)
        }
    }
}

/// The applicant field the population database found different.
pub fn identity_field(lang: Lang, field: &str) -> String {
    match field {
        "id_number" => t(lang, "số định danh cá nhân không có trong CSDL", "identity number not found").into(),
        "name" => t(lang, "họ và tên", "full name").into(),
        "birth_date" => t(lang, "ngày sinh", "birth date").into(),
        other => other.to_string(),
    }
}

/// The state of the intake identity check against the population database: pending until its
/// `IdentityChecked` event, then the outcome; `None` when no check is made (an organisation's
/// tax code, or no birth date given).
pub fn identity_check(
    lang: Lang,
    applicant: &motcua_domain::dossier::Applicant,
    events: &[StoredEvent],
) -> Option<String> {
    if applicant.id_number.kind() != "cccd" || applicant.birth_date.is_none() {
        return None;
    }
    let outcome = events.iter().rev().find_map(|e| match &e.event.kind {
        EventKind::IdentityChecked { matched, detail } => Some((*matched, detail.clone())),
        _ => None,
    });
    Some(match outcome {
        None => t(
            lang,
            "Đang chờ kiểm tra với CSDL quốc gia về dân cư",
            "Awaiting the check with the national population database",
        )
        .into(),
        Some((true, _)) => t(lang, "Đã xác thực: thông tin khớp", "Verified: the identity matches").into(),
        Some((false, field)) => format!("{} {}", t(lang, "Không khớp:", "Mismatch:"), identity_field(lang, &field)),
    })
}

//! Notifications to citizens: which dossier events concern them ([`notice_for`]), by which
//! channel they are reached ([`channels_for`]), the Vietnamese message templates
//! ([`template`]) and how SMS text is encoded and counted ([`sms`]).
//!
//! A [`Notice`] holds the facts of one event as named parameters; the text is rendered from a
//! template at send time, so a unit's edited template applies to messages still queued.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::dossier::{Dossier, EventKind};

pub mod channels;
pub mod outbox;
pub mod preview;
pub mod sms;
pub mod template;

pub use channels::{ChannelOrder, channels_for, notice_for_petition};

/// How a citizen is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
    /// Zalo ZNS: a template message to the phone's Zalo account.
    Zns,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Zns => "zns",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            "zns" => Some(Channel::Zns),
            _ => None,
        }
    }
}

/// The kinds of change a citizen is told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Received, with the due date and the lookup link.
    Received,
    /// Supplementation requested: what is missing.
    Supplement,
    /// A financial obligation to pay.
    Financial,
    /// Late: the apology (Mẫu 04) with the reason and the new date.
    Apology,
    /// The result is ready (decided) or handed over.
    ResultReady,
    /// Refused, with the reasons.
    Refused,
    /// A feedback or complaint (PAKN) was answered.
    PaknAnswered,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 7] = [
        NoticeKind::Received,
        NoticeKind::Supplement,
        NoticeKind::Financial,
        NoticeKind::Apology,
        NoticeKind::ResultReady,
        NoticeKind::Refused,
        NoticeKind::PaknAnswered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Received => "received",
            NoticeKind::Supplement => "supplement",
            NoticeKind::Financial => "financial",
            NoticeKind::Apology => "apology",
            NoticeKind::ResultReady => "result_ready",
            NoticeKind::Refused => "refused",
            NoticeKind::PaknAnswered => "pakn_answered",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Parses a kind named in a request.
    pub fn parse_named(s: &str) -> Result<NoticeKind, UnknownNoticeKind> {
        NoticeKind::parse(s).ok_or_else(|| UnknownNoticeKind(s.to_string()))
    }

    /// The kind in words: (Vietnamese, English).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            NoticeKind::Received => ("Tiếp nhận hồ sơ", "Dossier received"),
            NoticeKind::Supplement => ("Yêu cầu bổ sung", "Supplement requested"),
            NoticeKind::Financial => ("Nghĩa vụ tài chính", "Financial obligation"),
            NoticeKind::Apology => ("Thư xin lỗi, hẹn lại", "Apology and new date"),
            NoticeKind::ResultReady => ("Có kết quả", "Result ready"),
            NoticeKind::Refused => ("Từ chối tiếp nhận", "Refused"),
            NoticeKind::PaknAnswered => ("Trả lời phản ánh, kiến nghị", "Feedback answered"),
        }
    }
}

/// A notice kind that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown notice kind: {0}")]
pub struct UnknownNoticeKind(pub String);

impl crate::error::Described for UnknownNoticeKind {
    fn code(&self) -> &'static str {
        "UNKNOWN_NOTICE_KIND"
    }
    fn message_vi(&self) -> String {
        format!("Không có loại thông báo «{}».", self.0)
    }
    fn message_en(&self) -> String {
        format!("There is no notice kind \"{}\".", self.0)
    }
    fn field(&self) -> Option<&str> {
        Some("kind")
    }
}

/// One event told to the citizen: its kind and the values its template may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    /// Always `code` (the dossier code) and `name` (the applicant); per kind: `due`, `missing`,
    /// `amount`, `fees`, `reason`, `new_due`.
    pub params: BTreeMap<String, String>,
}

/// A date and time as a citizen reads it: local time (UTC+7), `HH:MM dd/mm/yyyy`.
pub fn local_time(at: DateTime<Utc>) -> String {
    let vn = FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
    at.with_timezone(&vn).format("%H:%M %d/%m/%Y").to_string()
}

/// An amount in đồng with dot thousands separators: `1.250.000 đồng`.
pub fn dong(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}{out} đồng")
}

/// The notice the citizen gets for `kind` applied to `d` (the projection after the event), or
/// `None` when the event does not concern them (internal steps, their own actions).
pub fn notice_for(d: &Dossier, kind: &EventKind) -> Option<Notice> {
    let mut params = BTreeMap::new();
    params.insert("code".to_string(), d.code.to_string());
    params.insert("name".to_string(), d.applicant.name.clone());
    let mut put = |k: &str, v: String| {
        params.insert(k.to_string(), v);
    };
    let kind = match kind {
        EventKind::Received { due_at, .. } => {
            put("due", local_time(*due_at));
            NoticeKind::Received
        }
        EventKind::SupplementRequested { missing } => {
            put("missing", missing.clone());
            NoticeKind::Supplement
        }
        EventKind::FinancialObligationRequested { fees } => {
            put("amount", dong(fees.iter().map(|f| f.total()).sum()));
            let lines: Vec<String> = fees.iter().map(|f| format!("{}: {}", f.name, dong(f.total()))).collect();
            put("fees", lines.join("; "));
            NoticeKind::Financial
        }
        EventKind::ApologyIssued { new_due_at, reason } => {
            put("new_due", local_time(*new_due_at));
            put("reason", reason.clone());
            NoticeKind::Apology
        }
        EventKind::Decided { .. } | EventKind::ResultReturned => NoticeKind::ResultReady,
        EventKind::Refused { reason } => {
            put("reason", reason.clone());
            NoticeKind::Refused
        }
        _ => return None,
    };
    Some(Notice { kind, params })
}

#[cfg(test)]
mod tests;

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

pub mod outbox;
pub mod sms;
pub mod template;

/// How a citizen is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// The kinds of change a citizen is told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 6] = [
        NoticeKind::Received,
        NoticeKind::Supplement,
        NoticeKind::Financial,
        NoticeKind::Apology,
        NoticeKind::ResultReady,
        NoticeKind::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Received => "received",
            NoticeKind::Supplement => "supplement",
            NoticeKind::Financial => "financial",
            NoticeKind::Apology => "apology",
            NoticeKind::ResultReady => "result_ready",
            NoticeKind::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == s)
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

/// The channels that reach the applicant, in order of preference: e-mail when one was given,
/// then SMS when a phone was given. The first is used; the next is the fallback when it fails
/// for good.
pub fn channels_for(d: &Dossier) -> Vec<(Channel, String)> {
    let a = &d.applicant;
    let mut out = Vec::new();
    if let Some(e) = a.email.as_deref().map(str::trim).filter(|e| e.contains('@')) {
        out.push((Channel::Email, e.to_string()));
    }
    if let Some(p) = a.phone.as_deref().map(sms::normalize_phone).and_then(Result::ok) {
        out.push((Channel::Sms, p));
    }
    out
}

#[cfg(test)]
mod tests;

//! The messages sent about a dossier, as rows for a page: on the staff dossier page (every
//! message with its recipient, attempts and failure reason) and, shorter, on the citizen's lookup
//! page ("notices sent to you", recipient masked). Rendered by `notify_sent.html`.

use motcua_domain::notify::outbox::SentMessage;
use motcua_domain::notify::{Channel, NoticeKind};

use super::{Lang, t, words};

/// One message on a page.
#[derive(Debug, Clone)]
pub struct SentRow {
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    pub status: String,
    /// `delivered`, `accepted`, `queued` or `failed`: the badge's class.
    pub status_class: String,
    pub attempts: u32,
    /// Why it failed (or the last temporary error), for staff.
    pub error: Option<String>,
    pub when: String,
}

/// The messages shown on a page: the staff's full rows, or the citizen's masked ones.
#[derive(Debug, Clone)]
pub struct SentList {
    pub staff: bool,
    pub rows: Vec<SentRow>,
}

fn channel(lang: Lang, c: Channel) -> &'static str {
    match c {
        Channel::Email => "E-mail",
        Channel::Sms => "SMS",
        Channel::Zns => t(lang, "Zalo (ZNS)", "Zalo (ZNS)"),
    }
}

fn status(lang: Lang, s: &str) -> &'static str {
    match s {
        "queued" => t(lang, "Đang chờ gửi", "Queued"),
        "accepted" => t(lang, "Cổng nhắn tin đã nhận", "Accepted by the gateway"),
        "delivered" => t(lang, "Đã đến người nhận", "Delivered"),
        _ => t(lang, "Không gửi được", "Failed"),
    }
}

/// `09•••••678`, `b•••@example.vn`: enough to recognise one's own contact.
fn mask(recipient: &str) -> String {
    if let Some((user, domain)) = recipient.split_once('@') {
        let first: String = user.chars().take(1).collect();
        return format!("{first}•••@{domain}");
    }
    let digits: Vec<char> = recipient.chars().collect();
    let n = digits.len();
    if n <= 5 {
        return "•••".into();
    }
    let head: String = digits[..2].iter().collect();
    let tail: String = digits[n - 3..].iter().collect();
    format!("{head}•••••{tail}")
}

/// The rows of `sent`, newest last; masked and without errors for the citizen.
pub fn list(lang: Lang, sent: Vec<SentMessage>, staff: bool) -> SentList {
    let rows = sent
        .into_iter()
        .map(|m| {
            let (vi, en) = NoticeKind::label(m.kind);
            let failed = m.status == "failed";
            SentRow {
                kind: t(lang, vi, en).into(),
                channel: channel(lang, m.channel).into(),
                recipient: if staff { m.recipient } else { mask(&m.recipient) },
                status: status(lang, &m.status).into(),
                status_class: m.status.clone(),
                attempts: m.attempts,
                error: if staff && (failed || m.status == "queued") { m.error } else { None },
                when: words::when(lang, m.updated_at),
            }
        })
        .collect();
    SentList { staff, rows }
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn recipients_are_masked_for_citizens() {
        assert_eq!(mask("84912345678"), "84•••••678");
        assert_eq!(mask("binh@example.vn"), "b•••@example.vn");
        assert_eq!(mask("123"), "•••");
    }
}

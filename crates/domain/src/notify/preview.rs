//! Previewing a template before it is saved: the template filled with a sample dossier's values,
//! and the SMS text's length and segments as sent (with diacritics, and without them for
//! gateways that take GSM-7 only).

use std::collections::BTreeMap;

use super::sms::{Encoding, SmsSize, size, strip_diacritics};
use super::template::{Rendered, Template};
use super::{NoticeKind, dong};

/// Sample values for every placeholder of `kind`: a plausible dossier of a ward.
pub fn sample_params(kind: NoticeKind) -> BTreeMap<String, String> {
    let mut p = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        p.insert(k.to_string(), v);
    };
    let code = if kind == NoticeKind::PaknAnswered { "28777-261126-0003" } else { "000.00.12.H62-261126-0001" };
    put("code", code.to_string());
    put("name", "Nguyễn Văn An".to_string());
    put("link", format!("https://motcua.example.vn/tra-cuu/{code}"));
    match kind {
        NoticeKind::Received => put("due", "16:30 04/12/2026".to_string()),
        NoticeKind::Supplement => put("missing", "Bản sao Giấy chứng nhận kết hôn".to_string()),
        NoticeKind::Financial => {
            put("amount", dong(50_000));
            put("fees", format!("Lệ phí: {}", dong(50_000)));
        }
        NoticeKind::Apology => {
            put("reason", "cần xác minh thêm thông tin tại nơi cư trú".to_string());
            put("new_due", "16:30 10/12/2026".to_string());
        }
        NoticeKind::ResultReady => {}
        NoticeKind::Refused => put("reason", "thủ tục không thuộc thẩm quyền của Ủy ban nhân dân phường".to_string()),
        NoticeKind::PaknAnswered => {
            put("title", "Đèn đường hẻm 12 không sáng".to_string());
            put("answer", "Phường đã cử cán bộ kiểm tra và thay bóng đèn ngày 25/11/2026.".to_string());
        }
    }
    p
}

/// A template filled with sample values, and its SMS sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub rendered: Rendered,
    /// The SMS text as written.
    pub sms: SmsSize,
    /// The SMS text without diacritics (what a GSM-7-only gateway receives).
    pub sms_ascii_text: String,
    pub sms_ascii: SmsSize,
}

impl Preview {
    pub fn of(kind: NoticeKind, t: &Template) -> Preview {
        let rendered = t.render(&sample_params(kind));
        let sms_ascii_text = strip_diacritics(&rendered.sms);
        Preview { sms: size(&rendered.sms), sms_ascii: size(&sms_ascii_text), sms_ascii_text, rendered }
    }
}

/// An encoding in words: (Vietnamese, English).
pub fn encoding_label(e: Encoding) -> (&'static str, &'static str) {
    match e {
        Encoding::Gsm7 => ("GSM-7 (không dấu, 160 ký tự/tin, 153 khi ghép)", "GSM-7 (160 per message, 153 per part)"),
        Encoding::Ucs2 => ("UCS-2 (có dấu, 70 ký tự/tin, 67 khi ghép)", "UCS-2 (70 per message, 67 per part)"),
    }
}

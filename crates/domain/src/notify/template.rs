//! Message templates: Vietnamese text with `{name}` placeholders filled from a
//! [`super::Notice`]'s parameters (plus `link`, the citizen's lookup page, added at send time).
//! Each unit may replace the defaults; [`Template::parse`] refuses unknown placeholders, so a
//! template is checked (and can be previewed with [`Template::render`]) before it is saved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::NoticeKind;
use crate::error::Described;

/// The texts of one notice kind: e-mail subject and body, and the short SMS text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub subject: String,
    pub body: String,
    pub sms: String,
}

/// A template that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unknown placeholder {{{0}}}")]
    UnknownPlaceholder(String),
    #[error("unclosed placeholder")]
    Unclosed,
    #[error("empty {0}")]
    Empty(&'static str),
}

impl Described for TemplateError {
    fn code(&self) -> &'static str {
        match self {
            TemplateError::UnknownPlaceholder(_) => "TEMPLATE_UNKNOWN_PLACEHOLDER",
            TemplateError::Unclosed => "TEMPLATE_UNCLOSED_PLACEHOLDER",
            TemplateError::Empty(_) => "TEMPLATE_EMPTY",
        }
    }
    fn message_vi(&self) -> String {
        match self {
            TemplateError::UnknownPlaceholder(p) => format!("Mẫu tin có trường không được hỗ trợ: {{{p}}}."),
            TemplateError::Unclosed => "Mẫu tin có dấu « { » chưa được đóng.".to_string(),
            TemplateError::Empty(what) => format!("Mẫu tin thiếu nội dung ({what})."),
        }
    }
    fn message_en(&self) -> String {
        match self {
            TemplateError::UnknownPlaceholder(p) => format!("The template uses an unsupported placeholder: {{{p}}}."),
            TemplateError::Unclosed => "The template has an unclosed \"{\".".to_string(),
            TemplateError::Empty(what) => format!("The template's {what} is empty."),
        }
    }
    fn field(&self) -> Option<&str> {
        Some("template")
    }
}

/// The placeholders a kind's template may use.
pub fn placeholders(kind: NoticeKind) -> &'static [&'static str] {
    match kind {
        NoticeKind::Received => &["code", "name", "link", "due"],
        NoticeKind::Supplement => &["code", "name", "link", "missing"],
        NoticeKind::Financial => &["code", "name", "link", "amount", "fees"],
        NoticeKind::Apology => &["code", "name", "link", "reason", "new_due"],
        NoticeKind::ResultReady => &["code", "name", "link"],
        NoticeKind::Refused => &["code", "name", "link", "reason"],
        NoticeKind::PaknAnswered => &["code", "name", "link", "title", "answer"],
    }
}

/// Splits `s` into literal text and placeholder names.
fn pieces(s: &str) -> Result<Vec<(bool, &str)>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        out.push((false, &rest[..open]));
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or(TemplateError::Unclosed)?;
        out.push((true, after[..close].trim()));
        rest = &after[close + 1..];
    }
    out.push((false, rest));
    Ok(out)
}

fn fill(s: &str, params: &BTreeMap<String, String>) -> String {
    let Ok(parts) = pieces(s) else { return s.to_string() };
    parts.into_iter().map(|(is_name, t)| if is_name { params.get(t).map_or("", String::as_str) } else { t }).collect()
}

impl Template {
    /// Checks a template for `kind`: every part non-empty, every placeholder known.
    pub fn parse(kind: NoticeKind, subject: &str, body: &str, sms: &str) -> Result<Template, TemplateError> {
        for (what, s) in [("subject", subject), ("body", body), ("sms", sms)] {
            if s.trim().is_empty() {
                return Err(TemplateError::Empty(what));
            }
            for (is_name, t) in pieces(s)? {
                if is_name && !placeholders(kind).contains(&t) {
                    return Err(TemplateError::UnknownPlaceholder(t.to_string()));
                }
            }
        }
        Ok(Template { subject: subject.trim().to_string(), body: body.to_string(), sms: sms.trim().to_string() })
    }

    /// The default Vietnamese template of `kind`.
    pub fn default_for(kind: NoticeKind) -> Template {
        let (subject, body, sms) = match kind {
            NoticeKind::Received => (
                "Hồ sơ {code} đã được tiếp nhận",
                "Kính gửi Ông/Bà {name},\n\nHồ sơ {code} của Ông/Bà đã được tiếp nhận. Ngày hẹn trả kết quả: {due}.\n\nTra cứu tình trạng hồ sơ tại: {link}",
                "Ho so {code} da duoc tiep nhan, hen tra ket qua {due}. Tra cuu: {link}",
            ),
            NoticeKind::Supplement => (
                "Hồ sơ {code} cần bổ sung",
                "Kính gửi Ông/Bà {name},\n\nHồ sơ {code} cần bổ sung, hoàn thiện: {missing}\n\nVui lòng bổ sung tại: {link}",
                "Ho so {code} can bo sung: {missing}. Chi tiet: {link}",
            ),
            NoticeKind::Financial => (
                "Hồ sơ {code}: thông báo nghĩa vụ tài chính",
                "Kính gửi Ông/Bà {name},\n\nHồ sơ {code} có nghĩa vụ tài chính phải nộp: {amount} ({fees}).\n\nXem chi tiết và thanh toán tại: {link}",
                "Ho so {code}: nghia vu tai chinh {amount}. Thanh toan: {link}",
            ),
            NoticeKind::Apology => (
                "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}",
                "Kính gửi Ông/Bà {name},\n\nHồ sơ {code} của Ông/Bà chưa giải quyết được đúng hạn. Lý do: {reason}\n\nChúng tôi thành thật xin lỗi Ông/Bà và hẹn lại ngày trả kết quả: {new_due}.\n\nTra cứu tại: {link}",
                "Xin loi: ho so {code} tre han ({reason}). Hen lai {new_due}. {link}",
            ),
            NoticeKind::ResultReady => (
                "Hồ sơ {code} đã có kết quả",
                "Kính gửi Ông/Bà {name},\n\nHồ sơ {code} đã có kết quả. Ông/Bà vui lòng nhận kết quả theo hình thức đã đăng ký.\n\nTra cứu tại: {link}",
                "Ho so {code} da co ket qua. Tra cuu: {link}",
            ),
            NoticeKind::Refused => (
                "Hồ sơ {code} không được tiếp nhận",
                "Kính gửi Ông/Bà {name},\n\nHồ sơ {code} không được tiếp nhận. Lý do: {reason}\n\nTra cứu tại: {link}",
                "Ho so {code} khong duoc tiep nhan. Ly do: {reason}. {link}",
            ),
            NoticeKind::PaknAnswered => (
                "Phản ánh, kiến nghị {code} đã được trả lời",
                "Kính gửi Ông/Bà {name},\n\nPhản ánh, kiến nghị {code} («{title}») của Ông/Bà đã được trả lời:\n\n{answer}\n\nXem chi tiết và đánh giá mức độ hài lòng tại: {link}",
                "PAKN {code} da duoc tra loi. Xem tai: {link}",
            ),
        };
        Template { subject: subject.to_string(), body: body.to_string(), sms: sms.to_string() }
    }

    /// The e-mail subject, text body and HTML body, and the SMS text, with `params` filled in.
    pub fn render(&self, params: &BTreeMap<String, String>) -> Rendered {
        let text = fill(&self.body, params);
        let html = text
            .split("\n\n")
            .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
            .collect::<Vec<_>>()
            .join("\n");
        Rendered {
            subject: fill(&self.subject, params),
            html: format!("<!DOCTYPE html><html lang=\"vi\"><body>\n{html}\n</body></html>"),
            text,
            sms: fill(&self.sms, params),
        }
    }
}

/// A template with its values filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub sms: String,
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

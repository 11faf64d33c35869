//! An officer's reply to a citizen: not blank, at most the 2,000 characters Zalo takes.

use crate::error::Described;

/// The longest reply, in characters (Zalo's limit for one text message).
pub const MAX_CHARS: usize = 2000;

/// A reply that may be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyText(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidReply {
    #[error("empty reply")]
    Empty,
    #[error("reply too long: {0} characters")]
    TooLong(usize),
}

impl Described for InvalidReply {
    fn code(&self) -> &'static str {
        match self {
            InvalidReply::Empty => "ASSISTANT_REPLY_EMPTY",
            InvalidReply::TooLong(_) => "ASSISTANT_REPLY_TOO_LONG",
        }
    }
    fn message_vi(&self) -> String {
        match self {
            InvalidReply::Empty => "Vui lòng nhập nội dung trả lời.".into(),
            InvalidReply::TooLong(n) => format!("Nội dung trả lời dài {n} ký tự; Zalo nhận tối đa {MAX_CHARS} ký tự."),
        }
    }
    fn message_en(&self) -> String {
        match self {
            InvalidReply::Empty => "Enter the reply.".into(),
            InvalidReply::TooLong(n) => format!("The reply is {n} characters long; Zalo takes at most {MAX_CHARS}."),
        }
    }
    fn field(&self) -> Option<&str> {
        Some("text")
    }
}

impl ReplyText {
    pub fn parse(s: &str) -> Result<ReplyText, InvalidReply> {
        let s = s.trim();
        let n = s.chars().count();
        match n {
            0 => Err(InvalidReply::Empty),
            n if n > MAX_CHARS => Err(InvalidReply::TooLong(n)),
            _ => Ok(ReplyText(s.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_trimmed_and_bounded() {
        assert_eq!(ReplyText::parse("  Chào bạn ").unwrap().as_str(), "Chào bạn");
        assert_eq!(ReplyText::parse(" \n "), Err(InvalidReply::Empty));
        assert_eq!(ReplyText::parse(&"a".repeat(2001)), Err(InvalidReply::TooLong(2001)));
    }
}

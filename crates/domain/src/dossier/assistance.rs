//! Assisted submission: at the counter or on a community support day an officer (or a youth
//! volunteer) walks a citizen through the submission. Who helped, and at which support session,
//! is recorded with the dossier as an [`EventKind::Assisted`] event written in the same
//! transaction as the submission.

use super::EventKind;
use crate::error::Described;
use crate::support::SupportRef;

const MAX_TEXT: usize = 200;

/// Who helped and at which community support session (empty: at the counter, no session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assistance {
    helper: String,
    session: String,
    support: Option<SupportRef>,
}

/// Why the assistance note was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssistanceError {
    #[error("the helper's name is missing or longer than 200 characters")]
    Helper,
    #[error("the support session is longer than 200 characters")]
    Session,
}

impl Described for AssistanceError {
    fn code(&self) -> &'static str {
        match self {
            AssistanceError::Helper => "INVALID_ASSISTANT",
            AssistanceError::Session => "INVALID_SUPPORT_SESSION",
        }
    }
    fn message_vi(&self) -> String {
        match self {
            AssistanceError::Helper => "Vui lòng ghi tên người hỗ trợ (tối đa 200 ký tự).".into(),
            AssistanceError::Session => "Tên buổi hỗ trợ quá dài (tối đa 200 ký tự).".into(),
        }
    }
    fn message_en(&self) -> String {
        match self {
            AssistanceError::Helper => "Enter the name of the person who helped (at most 200 characters).".into(),
            AssistanceError::Session => "The support session's name is too long (at most 200 characters).".into(),
        }
    }
    fn field(&self) -> Option<&str> {
        Some(match self {
            AssistanceError::Helper => "helper",
            AssistanceError::Session => "session",
        })
    }
}

impl Assistance {
    pub fn parse(helper: &str, session: &str) -> Result<Assistance, AssistanceError> {
        let (helper, session) = (helper.trim(), session.trim());
        if helper.is_empty() || helper.chars().count() > MAX_TEXT {
            return Err(AssistanceError::Helper);
        }
        if session.chars().count() > MAX_TEXT {
            return Err(AssistanceError::Session);
        }
        Ok(Assistance { helper: helper.into(), session: session.into(), support: None })
    }

    /// Attributed to a checked session occurrence and helper ([`SupportRef::check`]).
    pub fn attributed(mut self, support: SupportRef) -> Assistance {
        self.support = Some(support);
        self
    }

    /// The event recording it.
    pub fn event(&self) -> EventKind {
        EventKind::Assisted { helper: self.helper.clone(), session: self.session.clone(), support: self.support }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helper_is_required_and_texts_are_bounded() {
        assert_eq!(Assistance::parse("  ", "x"), Err(AssistanceError::Helper));
        assert_eq!(Assistance::parse(&"a".repeat(201), ""), Err(AssistanceError::Helper));
        assert_eq!(Assistance::parse("Lê Văn An", &"b".repeat(201)), Err(AssistanceError::Session));
        let a = Assistance::parse(" Lê Văn An ", " Ngày hỗ trợ cộng đồng 28/11 ").unwrap();
        assert_eq!(
            a.event(),
            EventKind::Assisted {
                helper: "Lê Văn An".into(),
                session: "Ngày hỗ trợ cộng đồng 28/11".into(),
                support: None
            }
        );
    }

    #[test]
    fn an_attribution_is_kept_and_old_events_read_without_one() {
        use crate::support::{HelperId, SessionId};
        let at = SupportRef {
            session: SessionId(3),
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            helper: HelperId(7),
        };
        let kind = Assistance::parse("Lê Văn An", "Khu phố 3").unwrap().attributed(at).event();
        let json = serde_json::to_string(&kind).unwrap();
        assert!(json.contains("\"support\":{\"session\":3,\"date\":\"2026-11-27\",\"helper\":7}"), "{json}");
        assert_eq!(serde_json::from_str::<EventKind>(&json).unwrap(), kind);
        // An event written before attribution existed reads back, and serialises byte for byte
        // as it was (its hash depends on it).
        let old = r#"{"type":"assisted","helper":"Lê Văn An","session":""}"#;
        let back: EventKind = serde_json::from_str(old).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), old);
    }
}

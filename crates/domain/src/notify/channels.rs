//! How a citizen is reached: the channels their contact details allow, in the order they chose
//! ([`ChannelOrder`], default e-mail → SMS), and the notice a petitioner gets when their feedback
//! or complaint is answered.

use std::collections::BTreeMap;

use super::{Channel, Notice, NoticeKind, sms};
use crate::dossier::Dossier;
use crate::error::Described;
use crate::pakn::{Petition, PetitionEvent};

/// A citizen's channel order: the first channel their contact details reach is used, the next
/// one is its fallback when it fails for good. Zalo ZNS goes to the phone's Zalo account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOrder(Vec<Channel>);

/// A channel order that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid channel order: {0}")]
pub struct ChannelOrderError(pub String);

impl Described for ChannelOrderError {
    fn code(&self) -> &'static str {
        "INVALID_CHANNEL_ORDER"
    }
    fn message_vi(&self) -> String {
        format!("Thứ tự kênh nhận thông báo không hợp lệ: «{}» (email, sms, zns; không lặp lại).", self.0)
    }
    fn message_en(&self) -> String {
        format!("Invalid notification channel order: \"{}\" (email, sms, zns; no repeats).", self.0)
    }
    fn field(&self) -> Option<&str> {
        Some("channels")
    }
}

impl Default for ChannelOrder {
    fn default() -> ChannelOrder {
        ChannelOrder(vec![Channel::Email, Channel::Sms])
    }
}

impl ChannelOrder {
    /// Parses `zns,sms` (comma-separated, at least one, no repeats).
    pub fn parse(s: &str) -> Result<ChannelOrder, ChannelOrderError> {
        let bad = || ChannelOrderError(s.to_string());
        let mut out: Vec<Channel> = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let c = Channel::parse(&part.to_ascii_lowercase()).ok_or_else(bad)?;
            if out.contains(&c) {
                return Err(bad());
            }
            out.push(c);
        }
        if out.is_empty() {
            return Err(bad());
        }
        Ok(ChannelOrder(out))
    }

    pub fn channels(&self) -> &[Channel] {
        &self.0
    }

    /// `zns,sms`: the stored form.
    pub fn as_string(&self) -> String {
        self.0.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
    }

    /// The channels `email` and `phone` reach, in this order, with their recipient.
    pub fn reach(&self, email: Option<&str>, phone: Option<&str>) -> Vec<(Channel, String)> {
        let email = email.map(str::trim).filter(|e| e.contains('@'));
        let phone = phone.map(sms::normalize_phone).and_then(Result::ok);
        self.0
            .iter()
            .filter_map(|c| match c {
                Channel::Email => email.map(|e| (*c, e.to_string())),
                Channel::Sms | Channel::Zns => phone.clone().map(|p| (*c, p)),
            })
            .collect()
    }
}

/// The channels that reach the applicant in the default order (e-mail, then SMS).
pub fn channels_for(d: &Dossier) -> Vec<(Channel, String)> {
    let a = &d.applicant;
    ChannelOrder::default().reach(a.email.as_deref(), a.phone.as_deref())
}

/// The notice the petitioner gets for `event` on `p` (the petition after it): only an answer.
pub fn notice_for_petition(p: &Petition, event: &PetitionEvent) -> Option<Notice> {
    let PetitionEvent::Answered { answer } = event else { return None };
    let mut params = BTreeMap::new();
    params.insert("code".to_string(), p.code.to_string());
    params.insert("name".to_string(), p.petitioner.name.clone());
    params.insert("title".to_string(), p.title.clone());
    params.insert("answer".to_string(), answer.clone());
    Some(Notice { kind: NoticeKind::PaknAnswered, params })
}

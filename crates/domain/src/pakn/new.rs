//! What a citizen sends: parsed from raw form or JSON fields into a [`NewPetition`], or refused
//! with the first problem of each field.

use serde::{Deserialize, Serialize};

use super::PaknError;
use crate::dossier::DossierCode;
use crate::unit::UnitCode;

/// What the petition is about (tracked, not scored: DOMAIN.md §1.2, "PAKN classification").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// A procedure: its rules, its handling, a dossier.
    Procedure,
    /// How a staff member behaved.
    StaffConduct,
    Other,
}

impl Topic {
    pub const ALL: [Topic; 3] = [Topic::Procedure, Topic::StaffConduct, Topic::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Procedure => "procedure",
            Topic::StaffConduct => "staff_conduct",
            Topic::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Result<Topic, PaknError> {
        Topic::ALL.into_iter().find(|t| t.as_str() == s.trim()).ok_or_else(|| PaknError::InvalidTopic(s.into()))
    }
    pub fn name_vi(self) -> &'static str {
        match self {
            Topic::Procedure => "Thủ tục hành chính, hồ sơ",
            Topic::StaffConduct => "Thái độ, hành vi của cán bộ",
            Topic::Other => "Khác",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Topic::Procedure => "A procedure or a dossier",
            Topic::StaffConduct => "A staff member's conduct",
            Topic::Other => "Other",
        }
    }
}

/// Who sent it and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Petitioner {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// A checked petition, ready to be given a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPetition {
    pub unit: UnitCode,
    pub topic: Topic,
    pub about_dossier: Option<DossierCode>,
    pub title: String,
    pub content: String,
    pub petitioner: Petitioner,
}

/// The raw fields, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PetitionForm {
    pub unit: String,
    pub topic: String,
    pub about_dossier: String,
    pub title: String,
    pub content: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

pub const MAX_TITLE: usize = 200;
pub const MAX_CONTENT: usize = 5000;
pub const MIN_CONTENT: usize = 10;
const MAX_SHORT: usize = 200;

/// Trimmed text of at most `max` characters; empty is `Ok(None)`.
pub fn text(field: &'static str, s: &str, max: usize) -> Result<Option<String>, PaknError> {
    let s = s.trim();
    if s.chars().count() > max {
        return Err(PaknError::TooLong { field, max });
    }
    Ok((!s.is_empty()).then(|| s.to_string()))
}

/// Required trimmed text of at most `max` characters.
pub fn required(field: &'static str, s: &str, max: usize) -> Result<String, PaknError> {
    text(field, s, max)?.ok_or(PaknError::Missing(field))
}

/// A Vietnamese phone number: 10 digits starting with 0 (spaces, dots and dashes ignored),
/// or +84 followed by 9 digits.
fn phone(s: &str) -> Result<Option<String>, PaknError> {
    let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    if digits.is_empty() {
        return Ok(None);
    }
    let national = match digits.strip_prefix("+84") {
        Some(rest) => format!("0{rest}"),
        None => digits,
    };
    if national.len() == 10 && national.starts_with('0') && national.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(national))
    } else {
        Err(PaknError::InvalidPhone(s.trim().chars().take(30).collect()))
    }
}

fn email(s: &str) -> Result<Option<String>, PaknError> {
    let Some(s) = text("email", s, MAX_SHORT)? else { return Ok(None) };
    let ok = s.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    }) && !s.contains(char::is_whitespace);
    if ok { Ok(Some(s)) } else { Err(PaknError::InvalidEmail(s)) }
}

/// The value, or `None` with the error kept.
fn keep<T>(errors: &mut Vec<PaknError>, r: Result<T, PaknError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

impl PetitionForm {
    /// Checks every field; returns every problem found (one per field), in form order.
    pub fn check(&self) -> Result<NewPetition, Vec<PaknError>> {
        let mut errors = Vec::new();
        let e = &mut errors;
        let unit = keep(e, UnitCode::parse(&self.unit).map_err(|_| PaknError::InvalidUnit(self.unit.clone())));
        let topic = keep(e, Topic::parse(&self.topic));
        let about = keep(
            e,
            match self.about_dossier.trim() {
                "" => Ok(None),
                s => DossierCode::parse(s).map(Some).map_err(|_| PaknError::InvalidDossier(s.into())),
            },
        );
        let title = keep(e, required("title", &self.title, MAX_TITLE));
        let content = keep(
            e,
            required("content", &self.content, MAX_CONTENT).and_then(|c| {
                if c.chars().count() < MIN_CONTENT {
                    Err(PaknError::TooShort { field: "content", min: MIN_CONTENT })
                } else {
                    Ok(c)
                }
            }),
        );
        let name = keep(e, required("name", &self.name, MAX_SHORT));
        let phone = keep(e, phone(&self.phone));
        let email = keep(e, email(&self.email));
        let address = keep(e, text("address", &self.address, MAX_SHORT));
        if let (Some(None), Some(None)) = (&phone, &email) {
            e.push(PaknError::NoContact);
        }
        match (unit, topic, about, title, content, name, phone, email, address) {
            (
                Some(unit),
                Some(topic),
                Some(about_dossier),
                Some(title),
                Some(content),
                Some(name),
                Some(phone),
                Some(email),
                Some(address),
            ) if errors.is_empty() => Ok(NewPetition {
                unit,
                topic,
                about_dossier,
                title,
                content,
                petitioner: Petitioner { name, phone, email, address },
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> PetitionForm {
        PetitionForm {
            unit: "28777".into(),
            topic: "procedure".into(),
            title: "Chậm trả kết quả".into(),
            content: "Hồ sơ của tôi đã quá hạn ba ngày mà chưa có kết quả.".into(),
            name: "Trần Thị Bình".into(),
            phone: "0903 123 456".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_is_accepted_and_normalised() {
        let p = form().check().unwrap();
        assert_eq!(p.petitioner.phone.as_deref(), Some("0903123456"));
        assert_eq!(p.topic, Topic::Procedure);
        let intl = PetitionForm { phone: "+84903123456".into(), ..form() }.check().unwrap();
        assert_eq!(intl.petitioner.phone.as_deref(), Some("0903123456"));
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = PetitionForm {
            unit: "x".into(),
            topic: "spam".into(),
            about_dossier: "nope".into(),
            title: " ".into(),
            content: "ngắn".into(),
            name: "".into(),
            phone: "12345".into(),
            email: "a@b".into(),
            address: "".into(),
        };
        let errors = bad.check().unwrap_err();
        let codes: Vec<&str> = errors.iter().map(|e| e.field_name()).collect();
        assert_eq!(codes, ["unit", "topic", "about_dossier", "title", "content", "name", "phone", "email"]);
    }

    #[test]
    fn a_way_to_answer_is_required() {
        let errs = PetitionForm { phone: "".into(), ..form() }.check().unwrap_err();
        assert_eq!(errs, vec![PaknError::NoContact]);
        assert!(PetitionForm { phone: "".into(), email: "an@example.vn".into(), ..form() }.check().is_ok());
    }
}

//! Checking a new dossier against its procedure before anything is stored.

use serde::{Deserialize, Serialize};

use super::{Applicant, Channel, Component, FeeLine};
use crate::catalog::{FeeBasis, OnlineLevel, Procedure, ProcedureCode};
use crate::error::Described;
use crate::unit::UnitCode;

/// What an applicant (or an officer at the counter) files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub procedure: ProcedureCode,
    /// The commune whose center receives it.
    pub unit: UnitCode,
    pub channel: Channel,
    pub applicant: Applicant,
    #[serde(default)]
    pub components: Vec<Component>,
    /// Copies requested, for per-copy fees.
    #[serde(default = "one")]
    pub copies: u32,
    /// The applicant signed in with a verified national identity.
    #[serde(default)]
    pub identity_verified: bool,
}

fn one() -> u32 {
    1
}

/// The checked content of a submission, as recorded in its first event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDossier {
    pub procedure: ProcedureCode,
    pub receiving_unit: UnitCode,
    pub channel: Channel,
    pub applicant: Applicant,
    pub components: Vec<Component>,
    pub fees: Vec<FeeLine>,
    pub identity_verified: bool,
}

/// Why a submission was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    #[error("applicant name is missing or too long")]
    ApplicantName,
    #[error("phone number {0:?} is invalid")]
    Phone(String),
    #[error("e-mail address {0:?} is invalid")]
    Email(String),
    #[error("procedure {0} is not offered online")]
    NotOnline(String),
    #[error("component {0:?} is not part of this procedure")]
    UnknownComponent(String),
    #[error("required component {0:?} is missing")]
    MissingComponent(String),
    #[error("copies must be between 1 and 100")]
    Copies,
    #[error("unit {0} does not receive dossiers")]
    NotACommune(String),
}

impl Described for SubmissionError {
    fn code(&self) -> &'static str {
        match self {
            SubmissionError::ApplicantName => "INVALID_APPLICANT_NAME",
            SubmissionError::Phone(_) => "INVALID_PHONE",
            SubmissionError::Email(_) => "INVALID_EMAIL",
            SubmissionError::NotOnline(_) => "PROCEDURE_NOT_ONLINE",
            SubmissionError::UnknownComponent(_) => "UNKNOWN_COMPONENT",
            SubmissionError::MissingComponent(_) => "MISSING_COMPONENT",
            SubmissionError::Copies => "INVALID_COPIES",
            SubmissionError::NotACommune(_) => "UNIT_NOT_RECEIVING",
        }
    }
    fn message_vi(&self) -> String {
        match self {
            SubmissionError::ApplicantName => "Vui lòng nhập họ và tên người nộp (tối đa 200 ký tự).".into(),
            SubmissionError::Phone(p) => {
                format!("Số điện thoại \"{p}\" không hợp lệ: nhập 10 chữ số bắt đầu bằng 0, ví dụ 0912345678.")
            }
            SubmissionError::Email(e) => format!("Địa chỉ thư điện tử \"{e}\" không hợp lệ, ví dụ: ten@example.vn."),
            SubmissionError::NotOnline(c) => {
                format!("Thủ tục {c} không nộp trực tuyến được; vui lòng nộp tại Trung tâm Phục vụ hành chính công.")
            }
            SubmissionError::UnknownComponent(c) => format!("Thành phần hồ sơ \"{c}\" không thuộc thủ tục này."),
            SubmissionError::MissingComponent(n) => format!("Còn thiếu giấy tờ bắt buộc: {n}."),
            SubmissionError::Copies => "Số bản sao phải từ 1 đến 100.".into(),
            SubmissionError::NotACommune(u) => format!("Đơn vị {u} không phải cấp xã nên không tiếp nhận hồ sơ."),
        }
    }
    fn message_en(&self) -> String {
        match self {
            SubmissionError::ApplicantName => "Enter the applicant's full name (at most 200 characters).".into(),
            SubmissionError::Phone(p) => {
                format!("Phone number \"{p}\" is invalid: enter 10 digits starting with 0, e.g. 0912345678.")
            }
            SubmissionError::Email(e) => format!("E-mail address \"{e}\" is invalid, e.g. name@example.vn."),
            SubmissionError::NotOnline(c) => {
                format!("Procedure {c} cannot be filed online; please file it at the service center.")
            }
            SubmissionError::UnknownComponent(c) => format!("Component \"{c}\" is not part of this procedure."),
            SubmissionError::MissingComponent(n) => format!("A required document is missing: {n}."),
            SubmissionError::Copies => "The number of copies must be between 1 and 100.".into(),
            SubmissionError::NotACommune(u) => format!("Unit {u} is not a commune and does not receive dossiers."),
        }
    }
    fn field(&self) -> Option<&str> {
        Some(match self {
            SubmissionError::ApplicantName => "applicant.name",
            SubmissionError::Phone(_) => "applicant.phone",
            SubmissionError::Email(_) => "applicant.email",
            SubmissionError::NotOnline(_) => "channel",
            SubmissionError::UnknownComponent(_) | SubmissionError::MissingComponent(_) => "components",
            SubmissionError::Copies => "copies",
            SubmissionError::NotACommune(_) => "unit",
        })
    }
}

/// A Vietnamese phone number: 10 digits starting with 0 (or +84 followed by 9 digits).
fn normalize_phone(p: &str) -> Option<String> {
    let digits: String = p.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    let local = match digits.strip_prefix("+84") {
        Some(rest) => format!("0{rest}"),
        None => digits,
    };
    (local.len() == 10 && local.starts_with('0') && local.bytes().all(|b| b.is_ascii_digit())).then_some(local)
}

fn email_ok(e: &str) -> bool {
    let Some((user, host)) = e.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && e.len() <= 254
        && !e.chars().any(char::is_whitespace)
}

impl Submission {
    /// Checks the submission against its procedure; fee lines are derived from the catalog.
    pub fn check(mut self, procedure: &Procedure) -> Result<NewDossier, SubmissionError> {
        let name = self.applicant.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(SubmissionError::ApplicantName);
        }
        self.applicant.name = name;
        if self.unit.is_province() {
            return Err(SubmissionError::NotACommune(self.unit.to_string()));
        }
        if let Some(p) = self.applicant.phone.take().filter(|p| !p.trim().is_empty()) {
            self.applicant.phone = Some(normalize_phone(&p).ok_or(SubmissionError::Phone(p))?);
        }
        if let Some(e) = self.applicant.email.take().map(|e| e.trim().to_string()).filter(|e| !e.is_empty()) {
            if !email_ok(&e) {
                return Err(SubmissionError::Email(e));
            }
            self.applicant.email = Some(e);
        }
        if self.channel == Channel::Online && procedure.online_level == OnlineLevel::None {
            return Err(SubmissionError::NotOnline(procedure.code.to_string()));
        }
        if !(1..=100).contains(&self.copies) {
            return Err(SubmissionError::Copies);
        }
        for c in &mut self.components {
            let spec = procedure
                .components
                .iter()
                .find(|s| s.code == c.code)
                .ok_or_else(|| SubmissionError::UnknownComponent(c.code.clone()))?;
            c.name = spec.name.clone();
        }
        if let Some(missing) =
            procedure.components.iter().find(|s| s.required && !self.components.iter().any(|c| c.code == s.code))
        {
            return Err(SubmissionError::MissingComponent(missing.name.clone()));
        }
        let fees = procedure
            .fees
            .iter()
            .filter_map(|f| match f.basis {
                FeeBasis::Fixed => Some(FeeLine { name: f.name.clone(), amount: f.amount, copies: 1 }),
                FeeBasis::PerCopy => Some(FeeLine { name: f.name.clone(), amount: f.amount, copies: self.copies }),
                FeeBasis::SetAtIntake => None,
            })
            .filter(|f| f.amount > 0)
            .collect();
        Ok(NewDossier {
            procedure: procedure.code.clone(),
            receiving_unit: self.unit,
            channel: self.channel,
            applicant: self.applicant,
            components: self.components,
            fees,
            identity_verified: self.identity_verified,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalize() {
        assert_eq!(normalize_phone("0912 345 678").as_deref(), Some("0912345678"));
        assert_eq!(normalize_phone("+84912345678").as_deref(), Some("0912345678"));
        assert_eq!(normalize_phone("12345"), None);
        assert!(email_ok("a@b.vn"));
        assert!(!email_ok("a@b"));
        assert!(!email_ok("a b@c.vn"));
    }
}

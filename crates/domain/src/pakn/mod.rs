//! PAKN (phản ánh, kiến nghị): citizens' feedback and complaints to a unit, with their own code,
//! lifecycle and deadlines (DOMAIN.md §1.3, item 5.2): reject within 2 working days, ask for more
//! information within 5, settle within 15, counted on the unit's working calendar from
//! submission. The day counts are configuration ([`PaknDeadlines`], in `data/index/766.json`).
//!
//! - [`code`]: codes of the form `PAKN-{unit}-{yyMMdd}-{NNNN}`.
//! - [`new`]: the citizen's form, parsed into a [`NewPetition`].
//! - [`model`]: the [`Petition`] projection, its events and how each event changes it.
//! - [`lifecycle`]: who may do what when ([`decide`]), and whether a petition was on time.

pub mod code;
pub mod lifecycle;
pub mod model;
pub mod new;

pub use code::PetitionCode;
pub use lifecycle::{PetitionCommand, decide, decide_with};
pub use model::{PaknDeadlines, Petition, PetitionEvent, PetitionRecord, PetitionStatus, Rating, Satisfaction};
pub use new::{NewPetition, PetitionForm, Petitioner, Topic};

use crate::error::Described;

/// Why a petition or an action on it was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaknError {
    #[error("invalid petition code {0:?}")]
    InvalidCode(String),
    #[error("invalid unit {0:?}")]
    InvalidUnit(String),
    #[error("unknown unit {0:?}")]
    UnknownUnit(String),
    #[error("invalid topic {0:?}")]
    InvalidTopic(String),
    #[error("invalid dossier code {0:?}")]
    InvalidDossier(String),
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} is shorter than {min} characters")]
    TooShort { field: &'static str, min: usize },
    #[error("invalid phone {0:?}")]
    InvalidPhone(String),
    #[error("invalid e-mail {0:?}")]
    InvalidEmail(String),
    #[error("no phone or e-mail")]
    NoContact,
    #[error("invalid satisfaction {0:?}")]
    InvalidSatisfaction(String),
    #[error("role may not handle petitions")]
    Forbidden,
    #[error("petition belongs to unit {0}")]
    OtherUnit(String),
    #[error("{action} is not allowed while {status}")]
    NotAllowed { action: &'static str, status: &'static str },
    #[error("already rated")]
    AlreadyRated,
}

/// A field's name in Vietnamese and English, for messages.
fn field_words(field: &str) -> (&'static str, &'static str) {
    match field {
        "title" => ("Tiêu đề", "The title"),
        "content" => ("Nội dung", "The content"),
        "name" => ("Họ và tên", "The name"),
        "address" => ("Địa chỉ", "The address"),
        "email" => ("Thư điện tử", "The e-mail"),
        "reason" => ("Lý do", "The reason"),
        "question" => ("Nội dung yêu cầu bổ sung", "The request"),
        "reply" => ("Thông tin bổ sung", "The additional information"),
        "answer" => ("Nội dung trả lời", "The answer"),
        "comment" => ("Ý kiến", "The comment"),
        _ => ("Trường này", "This field"),
    }
}

impl PaknError {
    /// The input field concerned ("" when none).
    pub fn field_name(&self) -> &str {
        self.field().unwrap_or("")
    }
}

impl Described for PaknError {
    fn code(&self) -> &'static str {
        use PaknError::*;
        match self {
            InvalidCode(_) => "INVALID_PETITION_CODE",
            InvalidUnit(_) => "INVALID_UNIT",
            UnknownUnit(_) => "UNKNOWN_UNIT",
            InvalidTopic(_) => "INVALID_TOPIC",
            InvalidDossier(_) => "INVALID_DOSSIER_CODE",
            Missing(_) => "REQUIRED",
            TooLong { .. } => "TOO_LONG",
            TooShort { .. } => "TOO_SHORT",
            InvalidPhone(_) => "INVALID_PHONE",
            InvalidEmail(_) => "INVALID_EMAIL",
            NoContact => "NO_CONTACT",
            InvalidSatisfaction(_) => "INVALID_SATISFACTION",
            Forbidden => "FORBIDDEN",
            OtherUnit(_) => "OTHER_UNIT",
            NotAllowed { .. } => "PETITION_ACTION_NOT_ALLOWED",
            AlreadyRated => "ALREADY_RATED",
        }
    }
    fn message_vi(&self) -> String {
        use PaknError::*;
        match self {
            InvalidCode(c) => format!("Mã phản ánh \"{c}\" không đúng dạng: mã có dạng PAKN-28777-261127-0001."),
            InvalidUnit(u) => format!("Mã đơn vị \"{u}\" không hợp lệ: chọn xã, phường nhận phản ánh."),
            UnknownUnit(u) => format!("Không có đơn vị mã \"{u}\"."),
            InvalidTopic(_) => "Vui lòng chọn nội dung phản ánh thuộc loại nào.".into(),
            InvalidDossier(c) => {
                format!("Mã hồ sơ \"{c}\" không đúng dạng (ví dụ 000.00.12.H62-261123-0001); có thể để trống.")
            }
            Missing(f) => format!("{} là bắt buộc.", field_words(f).0),
            TooLong { field, max } => format!("{} dài quá {max} ký tự.", field_words(field).0),
            TooShort { field, min } => format!("{} cần ít nhất {min} ký tự.", field_words(field).0),
            InvalidPhone(p) => format!("Số điện thoại \"{p}\" không đúng: số có 10 chữ số, bắt đầu bằng 0."),
            InvalidEmail(e) => format!("Thư điện tử \"{e}\" không đúng dạng, ví dụ ten@example.vn."),
            NoContact => "Vui lòng cho số điện thoại hoặc thư điện tử để cơ quan trả lời bạn.".into(),
            InvalidSatisfaction(_) => "Vui lòng chọn mức độ hài lòng.".into(),
            Forbidden => "Vai trò của bạn không được xử lý phản ánh, kiến nghị.".into(),
            OtherUnit(u) => format!("Phản ánh này thuộc đơn vị {u}; bạn không xử lý được."),
            NotAllowed { action, status } => {
                format!("Không thể {} khi phản ánh đang ở trạng thái \"{}\".", action_vi(action), status_vi(status))
            }
            AlreadyRated => "Bạn đã đánh giá phản ánh này rồi.".into(),
        }
    }
    fn message_en(&self) -> String {
        use PaknError::*;
        match self {
            InvalidCode(c) => format!("Petition code \"{c}\" is malformed: expected PAKN-28777-261127-0001."),
            InvalidUnit(u) => format!("Unit code \"{u}\" is invalid: choose the commune or ward you write to."),
            UnknownUnit(u) => format!("There is no unit with code \"{u}\"."),
            InvalidTopic(_) => "Choose what the petition is about.".into(),
            InvalidDossier(c) => {
                format!("Dossier code \"{c}\" is malformed (e.g. 000.00.12.H62-261123-0001); it may be left empty.")
            }
            Missing(f) => format!("{} is required.", field_words(f).1),
            TooLong { field, max } => format!("{} is longer than {max} characters.", field_words(field).1),
            TooShort { field, min } => format!("{} needs at least {min} characters.", field_words(field).1),
            InvalidPhone(p) => format!("Phone number \"{p}\" is invalid: 10 digits starting with 0."),
            InvalidEmail(e) => format!("E-mail \"{e}\" is malformed, e.g. name@example.vn."),
            NoContact => "Give a phone number or an e-mail so that the office can answer you.".into(),
            InvalidSatisfaction(_) => "Choose how satisfied you are.".into(),
            Forbidden => "Your role may not handle petitions.".into(),
            OtherUnit(u) => format!("This petition belongs to unit {u}; you cannot handle it."),
            NotAllowed { action, status } => {
                format!("You cannot {} while the petition is \"{}\".", action.replace('_', " "), status)
            }
            AlreadyRated => "You have already rated this petition.".into(),
        }
    }
    fn field(&self) -> Option<&str> {
        use PaknError::*;
        match self {
            InvalidCode(_) => Some("code"),
            InvalidUnit(_) | UnknownUnit(_) => Some("unit"),
            InvalidTopic(_) => Some("topic"),
            InvalidDossier(_) => Some("about_dossier"),
            Missing(f) | TooLong { field: f, .. } | TooShort { field: f, .. } => Some(f),
            InvalidPhone(_) | NoContact => Some("phone"),
            InvalidEmail(_) => Some("email"),
            InvalidSatisfaction(_) | AlreadyRated => Some("satisfaction"),
            Forbidden | OtherUnit(_) | NotAllowed { .. } => None,
        }
    }
}

fn action_vi(action: &str) -> &'static str {
    match action {
        "reject" => "từ chối tiếp nhận",
        "request_info" => "yêu cầu bổ sung thông tin",
        "provide_info" => "gửi thông tin bổ sung",
        "answer" => "trả lời",
        "transfer" => "chuyển phản ánh sang đơn vị khác",
        "publish" => "công khai kết quả",
        _ => "đánh giá",
    }
}

fn status_vi(status: &str) -> &'static str {
    PetitionStatus::parse(status).map_or("", PetitionStatus::name_vi)
}

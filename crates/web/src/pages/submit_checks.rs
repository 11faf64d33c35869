//! The checks of each page of the online submission ([`super::submit`]): every problem of a
//! page is shown at once, each linked to its field; and which page a submission error belongs on.

use motcua_domain::catalog::Procedure;
use motcua_domain::identity::ApplicantId;
use motcua_domain::ports::CatalogStore;
use motcua_domain::unit::UnitCode;

use super::submit_draft::{Entered, Step, phone_ok};
use super::{FieldError, Layout, message};
use crate::error::ApiError;
use crate::state::AppState;

/// The id of a component's upload field.
pub fn document_id(code: &str) -> String {
    let safe: String = code.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("tep-{safe}")
}

/// A message for the field `id`.
pub fn err(id: &str, message: impl Into<String>) -> FieldError {
    FieldError { id: id.into(), message: message.into() }
}

/// The checks of one page, so the citizen sees every problem of that page at once.
pub async fn check_step(state: &AppState, layout: &Layout, p: &Procedure, step: Step, e: &Entered) -> Vec<FieldError> {
    let lang = layout.lang;
    let mut errors = Vec::new();
    match step {
        Step::Where => {
            let commune = UnitCode::parse(&e.unit).ok().filter(|u| !u.is_province());
            let known = match commune {
                Some(u) => state
                    .db
                    .unit(&u)
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|u| u.parent.as_ref().map(|p| p.as_str()) == Some(e.province.as_str())),
                None => false,
            };
            if !known {
                errors.push(err(
                    "don-vi",
                    layout.t("Vui lòng chọn xã, phường nơi nộp hồ sơ.", "Choose the commune or ward to file with."),
                ));
            }
        }
        Step::Applicant => {
            if e.name.is_empty() || e.name.chars().count() > 200 {
                errors.push(err(
                    "ho-ten",
                    layout.t("Vui lòng nhập họ và tên người nộp.", "Enter the applicant's full name."),
                ));
            }
            if let Err(x) = ApplicantId::parse(&e.id_number) {
                errors.push(err("so-dinh-danh", message(lang, &ApiError::invalid(&x))));
            }
            if let Err(x) = crate::sync::population::parse_birth_date(&e.birth_date, state.now().date_naive()) {
                errors.push(err("ngay-sinh", layout.t(&x.body.message_vi, &x.body.message_en)));
            }
        }
        Step::Contact => {
            if !phone_ok(&e.phone) {
                errors.push(err(
                    "dien-thoai",
                    layout.t(
                        "Vui lòng nhập số điện thoại 10 chữ số bắt đầu bằng 0, ví dụ 0912345678.",
                        "Enter a 10-digit phone number starting with 0, e.g. 0912345678.",
                    ),
                ));
            }
            if !e.email.is_empty() && (!e.email.contains('@') || e.email.contains(char::is_whitespace)) {
                errors.push(err(
                    "email",
                    layout.t(
                        "Địa chỉ thư điện tử không hợp lệ, ví dụ: ten@example.vn.",
                        "The e-mail address is invalid, e.g. name@example.vn.",
                    ),
                ));
            }
        }
        Step::Documents => {
            for c in p.components.iter().filter(|c| c.required && e.file(&c.code).is_none()) {
                let (vi, en) = (format!("Vui lòng tải lên: {}.", c.name), format!("Upload: {}.", c.name));
                errors.push(err(&document_id(&c.code), layout.t(&vi, &en)));
            }
        }
        Step::Check => {}
    }
    errors
}

/// The page a submission error belongs on.
pub fn step_of(field: Option<&str>) -> (Step, &'static str) {
    match field {
        Some("applicant.name") => (Step::Applicant, "ho-ten"),
        Some("applicant.id_number") => (Step::Applicant, "so-dinh-danh"),
        Some("applicant.birth_date") => (Step::Applicant, "ngay-sinh"),
        Some("applicant.phone") => (Step::Contact, "dien-thoai"),
        Some("applicant.email") => (Step::Contact, "email"),
        Some("unit") => (Step::Where, "don-vi"),
        Some("components") => (Step::Documents, "giay-to"),
        _ => (Step::Check, "gui"),
    }
}

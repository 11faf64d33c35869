//! Why a support-day entry was refused: each error names its field and explains itself in
//! Vietnamese and English.

use crate::error::Described;

/// A refused neighborhood, helper, session or attribution.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupportError {
    #[error("the name is missing or longer than 100 characters")]
    Name,
    #[error("the place is missing or longer than 200 characters")]
    Place,
    #[error("unknown weekday {0:?}")]
    Weekday(String),
    #[error("a date is not YYYY-MM-DD")]
    Date,
    #[error("the last date is before the first, or the span exceeds two years")]
    Period,
    #[error("a time is not HH:MM")]
    Time,
    #[error("the session ends before it starts")]
    Hours,
    #[error("unknown organisation {0:?}")]
    Organisation(String),
    #[error("the phone number is not 10 digits starting with 0")]
    Phone,
    #[error("unknown neighborhood")]
    UnknownNeighborhood,
    #[error("unknown helper")]
    UnknownHelper,
    #[error("unknown session")]
    UnknownSession,
    #[error("the session is not held on that date")]
    NotHeld,
    #[error("the dossier cannot be attributed: {0}")]
    Dossier(&'static str),
    #[error("the name is already used in this unit")]
    Duplicate,
}

impl Described for SupportError {
    fn code(&self) -> &'static str {
        match self {
            SupportError::Name => "INVALID_SUPPORT_NAME",
            SupportError::Place => "INVALID_SUPPORT_PLACE",
            SupportError::Weekday(_) => "UNKNOWN_WEEKDAY",
            SupportError::Date => "INVALID_DATE",
            SupportError::Period => "INVALID_SUPPORT_PERIOD",
            SupportError::Time => "INVALID_TIME",
            SupportError::Hours => "INVALID_SUPPORT_HOURS",
            SupportError::Organisation(_) => "UNKNOWN_ORGANISATION",
            SupportError::Phone => "INVALID_PHONE",
            SupportError::UnknownNeighborhood => "UNKNOWN_NEIGHBORHOOD",
            SupportError::UnknownHelper => "UNKNOWN_HELPER",
            SupportError::UnknownSession => "UNKNOWN_SUPPORT_SESSION",
            SupportError::NotHeld => "SUPPORT_SESSION_NOT_HELD",
            SupportError::Dossier(_) => "DOSSIER_NOT_ATTRIBUTABLE",
            SupportError::Duplicate => "SUPPORT_NAME_TAKEN",
        }
    }

    fn message_vi(&self) -> String {
        match self {
            SupportError::Name => "Vui lòng nhập tên (tối đa 100 ký tự).".into(),
            SupportError::Place => "Vui lòng nhập địa điểm (tối đa 200 ký tự).".into(),
            SupportError::Weekday(w) => format!("Không có thứ \"{w}\" trong tuần: chọn từ Thứ Hai đến Chủ nhật."),
            SupportError::Date => "Ngày phải có dạng năm-tháng-ngày (YYYY-MM-DD).".into(),
            SupportError::Period => "Ngày kết thúc phải sau ngày bắt đầu và cách không quá hai năm.".into(),
            SupportError::Time => "Giờ phải có dạng giờ:phút (HH:MM).".into(),
            SupportError::Hours => "Giờ kết thúc phải sau giờ bắt đầu.".into(),
            SupportError::Organisation(o) => format!("Không có tổ chức \"{o}\"."),
            SupportError::Phone => "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0.".into(),
            SupportError::UnknownNeighborhood => "Không có khu phố, ấp này trong đơn vị.".into(),
            SupportError::UnknownHelper => "Không có người hỗ trợ này trong đơn vị.".into(),
            SupportError::UnknownSession => "Không có buổi hỗ trợ này trong đơn vị.".into(),
            SupportError::NotHeld => "Buổi hỗ trợ không diễn ra vào ngày này (ngoài lịch hoặc ngày nghỉ lễ).".into(),
            SupportError::Dossier(why) => format!("Không thể ghi nhận hỗ trợ cho hồ sơ này: {}.", dossier_vi(why)),
            SupportError::Duplicate => "Tên này đã có trong đơn vị.".into(),
        }
    }

    fn message_en(&self) -> String {
        match self {
            SupportError::Name => "Enter a name (at most 100 characters).".into(),
            SupportError::Place => "Enter the place (at most 200 characters).".into(),
            SupportError::Weekday(w) => format!("There is no weekday \"{w}\": choose Monday to Sunday."),
            SupportError::Date => "Dates are year-month-day (YYYY-MM-DD).".into(),
            SupportError::Period => "The last date must follow the first, at most two years later.".into(),
            SupportError::Time => "Times are hours:minutes (HH:MM).".into(),
            SupportError::Hours => "The end time must be after the start time.".into(),
            SupportError::Organisation(o) => format!("There is no organisation \"{o}\"."),
            SupportError::Phone => "The phone number must be 10 digits starting with 0.".into(),
            SupportError::UnknownNeighborhood => "There is no such neighborhood in the unit.".into(),
            SupportError::UnknownHelper => "There is no such helper in the unit.".into(),
            SupportError::UnknownSession => "There is no such support session in the unit.".into(),
            SupportError::NotHeld => {
                "The session is not held on that date (not scheduled, or a public holiday).".into()
            }
            SupportError::Dossier(why) => format!("This dossier cannot be attributed: {why}."),
            SupportError::Duplicate => "This name is already used in the unit.".into(),
        }
    }

    fn field(&self) -> Option<&str> {
        Some(match self {
            SupportError::Name | SupportError::Duplicate => "name",
            SupportError::Place => "place",
            SupportError::Weekday(_) => "weekday",
            SupportError::Date | SupportError::Period => "until",
            SupportError::Time | SupportError::Hours => "end",
            SupportError::Organisation(_) => "organisation",
            SupportError::Phone => "phone",
            SupportError::UnknownNeighborhood => "neighborhood",
            SupportError::UnknownHelper => "helper",
            SupportError::UnknownSession => "session",
            SupportError::NotHeld => "date",
            SupportError::Dossier(_) => "dossier",
        })
    }
}

/// The Vietnamese reason of [`SupportError::Dossier`] (the English one is the variant's text).
fn dossier_vi(why: &str) -> &'static str {
    match why {
        "not found in this unit" => "không có hồ sơ này tại đơn vị",
        "not submitted online" => "hồ sơ không nộp trực tuyến",
        "not submitted on the session's date" => "hồ sơ không nộp vào ngày của buổi hỗ trợ",
        "already attributed" => "hồ sơ đã được ghi nhận hỗ trợ",
        _ => "hồ sơ không hợp lệ",
    }
}

/// The reasons [`SupportError::Dossier`] carries.
pub mod dossier_reason {
    pub const UNKNOWN: &str = "not found in this unit";
    pub const NOT_ONLINE: &str = "not submitted online";
    pub const OTHER_DAY: &str = "not submitted on the session's date";
    pub const ALREADY: &str = "already attributed";
}

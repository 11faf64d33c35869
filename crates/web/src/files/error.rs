//! Why an upload was refused, in Vietnamese and English, and the HTTP status it answers.

use axum::http::StatusCode;
use motcua_domain::Described;
use motcua_domain::ports::StoreError;

use super::UploadLimits;
use crate::error::ApiError;

/// Why a file was not accepted. Nothing is stored for it.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("file {name:?} is empty")]
    Empty { name: String },
    #[error("file {name:?} is larger than the limit")]
    TooLarge { name: String, limits: UploadLimits },
    #[error("too many files")]
    TooMany { limits: UploadLimits },
    #[error("file {name:?} is not a PDF, JPEG or PNG")]
    UnsupportedType { name: String },
    #[error("file {name:?} is damaged or incomplete")]
    Malformed { name: String },
    #[error("file {name:?} carries scripts, actions or embedded files")]
    ActiveContent { name: String },
    #[error("image {name:?} declares {width}x{height} pixels")]
    TooManyPixels { name: String, width: u32, height: u32, limits: UploadLimits },
    #[error("the dossier's files together exceed the limit")]
    DossierTooLarge { limits: UploadLimits },
    #[error("the upload could not be read: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Described for FileError {
    fn code(&self) -> &'static str {
        match self {
            FileError::Empty { .. } => "FILE_EMPTY",
            FileError::TooLarge { .. } => "FILE_TOO_LARGE",
            FileError::TooMany { .. } => "TOO_MANY_FILES",
            FileError::UnsupportedType { .. } => "FILE_TYPE_NOT_ALLOWED",
            FileError::Malformed { .. } => "FILE_MALFORMED",
            FileError::ActiveContent { .. } => "FILE_ACTIVE_CONTENT",
            FileError::TooManyPixels { .. } => "IMAGE_TOO_MANY_PIXELS",
            FileError::DossierTooLarge { .. } => "DOSSIER_FILES_TOO_LARGE",
            FileError::Unreadable(_) => "UPLOAD_UNREADABLE",
            FileError::Store(e) => e.code(),
        }
    }
    fn message_vi(&self) -> String {
        match self {
            FileError::Empty { name } => format!("Tệp \"{name}\" không có nội dung; vui lòng chọn lại tệp."),
            FileError::TooLarge { name, limits } => {
                format!(
                    "Tệp \"{name}\" lớn hơn {}; vui lòng chụp hoặc quét lại với dung lượng nhỏ hơn.",
                    limits.file_size_text()
                )
            }
            FileError::TooMany { limits } => format!("Mỗi lần chỉ gửi được tối đa {} tệp.", limits.max_files),
            FileError::UnsupportedType { name } => {
                format!("Tệp \"{name}\" không phải PDF, JPEG hoặc PNG; chỉ nhận các loại tệp này.")
            }
            FileError::Malformed { name } => {
                format!("Tệp \"{name}\" bị hỏng hoặc không đầy đủ; vui lòng xuất hoặc quét lại tệp.")
            }
            FileError::ActiveContent { name } => format!(
                "Tệp PDF \"{name}\" chứa mã lệnh, hành động tự chạy hoặc tệp đính kèm; vui lòng in ra PDF thường rồi gửi lại."
            ),
            FileError::TooManyPixels { name, width, height, limits } => format!(
                "Ảnh \"{name}\" có kích thước {width}×{height} điểm ảnh, vượt quá {} triệu điểm ảnh; vui lòng chụp lại với độ phân giải thấp hơn.",
                limits.max_pixels / 1_000_000
            ),
            FileError::DossierTooLarge { limits } => format!(
                "Tổng dung lượng các tệp của một hồ sơ không được quá {}; vui lòng giảm dung lượng tệp.",
                limits.dossier_size_text()
            ),
            FileError::Unreadable(_) => "Không đọc được tệp gửi lên; vui lòng tải lại trang và gửi lại.".into(),
            FileError::Store(e) => e.message_vi(),
        }
    }
    fn message_en(&self) -> String {
        match self {
            FileError::Empty { name } => format!("File \"{name}\" is empty; choose the file again."),
            FileError::TooLarge { name, limits } => {
                format!(
                    "File \"{name}\" is larger than {}; scan or photograph it at a smaller size.",
                    limits.file_size_text()
                )
            }
            FileError::TooMany { limits } => format!("You can send at most {} files at a time.", limits.max_files),
            FileError::UnsupportedType { name } => {
                format!("File \"{name}\" is not a PDF, JPEG or PNG; only these types are accepted.")
            }
            FileError::Malformed { name } => {
                format!("File \"{name}\" is damaged or incomplete; export or scan it again.")
            }
            FileError::ActiveContent { name } => format!(
                "PDF \"{name}\" carries scripts, automatic actions or attached files; print it to a plain PDF and send it again."
            ),
            FileError::TooManyPixels { name, width, height, limits } => format!(
                "Image \"{name}\" is {width}×{height} pixels, over {} million pixels; take it again at a lower resolution.",
                limits.max_pixels / 1_000_000
            ),
            FileError::DossierTooLarge { limits } => format!(
                "All of a dossier's files together may be at most {}; make the files smaller.",
                limits.dossier_size_text()
            ),
            FileError::Unreadable(_) => "The upload could not be read; reload the page and send it again.".into(),
            FileError::Store(e) => e.message_en(),
        }
    }
}

impl From<FileError> for ApiError {
    fn from(e: FileError) -> ApiError {
        match e {
            FileError::Store(s) => s.into(),
            FileError::TooLarge { .. } | FileError::TooMany { .. } | FileError::DossierTooLarge { .. } => {
                ApiError::described(StatusCode::PAYLOAD_TOO_LARGE, &e)
            }
            FileError::Unreadable(_) => ApiError::described(StatusCode::BAD_REQUEST, &e),
            _ => ApiError::described(StatusCode::UNPROCESSABLE_ENTITY, &e),
        }
    }
}

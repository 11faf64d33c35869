//! Reading a `multipart/form-data` upload: its text fields, and each file part's bytes or why
//! it is refused (too large, one too many). A refused file never stops the rest of the form
//! from being read, so what the sender entered can be shown back to them.

use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::http::StatusCode;

use super::{FileError, UploadLimits, clean_name};

/// One file of the upload.
#[derive(Debug)]
pub struct FilePart {
    /// The form field it came in (e.g. the component it is for).
    pub field: String,
    /// The sender's file name, cleaned.
    pub name: String,
    /// Its content, or why it was refused without being kept.
    pub bytes: Result<Vec<u8>, FileError>,
}

/// A read upload.
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

impl Upload {
    /// The first value of text field `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }
}

/// The multipart body, or a clear error when the request is not one.
pub fn accept(m: Result<Multipart, MultipartRejection>) -> Result<Multipart, FileError> {
    m.map_err(|e| FileError::Unreadable(e.body_text()))
}

/// Reads every part. Empty file inputs (nothing chosen) are skipped; a file over the size limit,
/// beyond the count limit or taking the request's files over the dossier total is refused; a body over the route's limit ends the reading with
/// the file being read refused as too large.
pub async fn read(mut m: Multipart, limits: UploadLimits) -> Result<Upload, FileError> {
    let mut upload = Upload::default();
    let (mut kept, mut kept_bytes) = (0usize, 0usize);
    loop {
        let mut field = match m.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                // Skipping the rest of a file already refused as too large may reach the limit:
                // that file is explained once.
                let refused = upload.files.last().is_some_and(|f| matches!(f.bytes, Err(FileError::TooLarge { .. })));
                if !refused {
                    upload.files.push(too_large(String::new(), "tệp".into(), limits));
                }
                break;
            }
            Err(e) => return Err(FileError::Unreadable(e.body_text())),
        };
        let name = field.name().unwrap_or("").to_string();
        let Some(file_name) = field.file_name().map(clean_name) else {
            match field.text().await {
                Ok(text) => upload.fields.push((name, text)),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    upload.files.push(too_large(String::new(), "tệp".into(), limits));
                    break;
                }
                Err(e) => return Err(FileError::Unreadable(e.body_text())),
            }
            continue;
        };
        let mut bytes = Vec::new();
        let mut outcome = Ok(());
        let mut body_limit_hit = false;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > limits.max_file_bytes {
                        outcome = Err(FileError::TooLarge { name: file_name.clone(), limits });
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    outcome = Err(FileError::TooLarge { name: file_name.clone(), limits });
                    body_limit_hit = true;
                    break;
                }
                Err(e) => return Err(FileError::Unreadable(e.body_text())),
            }
        }
        if outcome.is_ok() && bytes.is_empty() && field.file_name().is_none_or(str::is_empty) {
            continue; // an input where nothing was chosen
        }
        let result = match outcome {
            Err(e) => Err(e),
            Ok(()) if kept >= limits.max_files => Err(FileError::TooMany { limits }),
            Ok(()) if kept_bytes + bytes.len() > limits.max_dossier_bytes => Err(FileError::DossierTooLarge { limits }),
            Ok(()) => {
                kept += 1;
                kept_bytes += bytes.len();
                Ok(bytes)
            }
        };
        upload.files.push(FilePart { field: name, name: file_name, bytes: result });
        if body_limit_hit {
            break; // the body itself hit the route's limit: nothing more can be read
        }
    }
    Ok(upload)
}

fn too_large(field: String, name: String, limits: UploadLimits) -> FilePart {
    FilePart { field, bytes: Err(FileError::TooLarge { name: name.clone(), limits }), name }
}

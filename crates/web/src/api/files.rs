//! Files: upload (multipart; PDF, JPEG or PNG recognised from the content) and download of a
//! dossier's file by those who may read the dossier (its staff, or the citizen with its secret).

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use motcua_domain::dossier::DossierCode;
use motcua_domain::ports::BlobStore;
use serde::Serialize;
use utoipa::ToSchema;

use super::dossiers::SecretParam;
use crate::access::{presented_secret, readable_dossier};
use crate::auth::MaybeStaff;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::files::{self, FileError, StoredFile, UploadLimits, multipart};
use crate::state::AppState;

/// A stored file: reference it by `sha256` in a submission's components, a supplement or a result.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileView {
    /// Hex SHA-256 of the content: the file's address.
    pub sha256: String,
    /// `application/pdf`, `image/jpeg` or `image/png`, from the content.
    pub media_type: String,
    pub size: u64,
    /// The sender's file name (display only).
    pub name: String,
}

impl From<StoredFile> for FileView {
    fn from(f: StoredFile) -> FileView {
        FileView { sha256: f.sha256, media_type: f.media_type.as_str().into(), size: f.size, name: f.name }
    }
}

/// The upload form: one or more parts named `file`.
#[derive(Debug, ToSchema)]
#[allow(dead_code, reason = "documents the multipart body for OpenAPI")]
pub struct UploadForm {
    #[schema(value_type = Vec<String>, format = Binary)]
    file: Vec<u8>,
}

/// Upload files (multipart/form-data, parts named `file`). Each must be a PDF, JPEG or PNG by
/// its content, within the size limit (default 10 MiB) and count limit (default 10). If any
/// file is refused, none is stored. The same content uploaded twice has the same address.
#[utoipa::path(post, path = "/api/v1/files", tag = "files",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Vec<FileView>), (status = 400, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_files(
    State(state): State<AppState>,
    m: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<Vec<FileView>>)> {
    let limits = UploadLimits::current();
    let upload = multipart::read(multipart::accept(m)?, limits).await?;
    if upload.files.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "NO_FILE",
            "Chưa có tệp nào được gửi (phần có tên \"file\").",
            "No file was sent (a part named \"file\").",
        )
        .with_field("file"));
    }
    // Every file is checked before any is stored: a refused upload changes nothing.
    let mut checked = Vec::with_capacity(upload.files.len());
    for part in upload.files {
        let bytes = part.bytes?;
        if bytes.is_empty() {
            return Err(FileError::Empty { name: part.name }.into());
        }
        files::check(&bytes, &part.name, limits)?;
        checked.push((part.name, bytes));
    }
    let now = state.now();
    let mut stored = Vec::with_capacity(checked.len());
    for (name, bytes) in checked {
        stored.push(FileView::from(files::store(&state.db, limits, now, &bytes, &name).await?));
    }
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Download a file of a dossier (a document, a supplement or the electronic result), for staff
/// who may see the dossier or the citizen with its secret. A file of another dossier is not found.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/files/{sha256}", tag = "files",
    params(("code" = String, Path, description = "Dossier code"),
        ("sha256" = String, Path, description = "The file's SHA-256"), SecretParam),
    responses((status = 200, description = "The file's bytes", content_type = "application/octet-stream"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn download_file(
    State(state): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    ApiPath((code, sha256)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<SecretParam>,
) -> ApiResult<Response> {
    let code = DossierCode::parse(&code).map_err(|e| ApiError::invalid(&e))?;
    let secret = presented_secret(&headers, q.secret.as_deref());
    let d = readable_dossier(&state, staff.as_ref(), secret.as_deref(), &code).await?;
    dossier_file(&state, &d, &sha256).await
}

/// The file `sha256` of dossier `d` as a download; 404 unless the dossier holds it.
pub async fn dossier_file(state: &AppState, d: &motcua_domain::dossier::Dossier, sha256: &str) -> ApiResult<Response> {
    let missing = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "FILE_NOT_FOUND",
            "Hồ sơ này không có tệp được yêu cầu.",
            "This dossier has no such file.",
        )
    };
    if !files::dossier_holds(d, sha256) {
        return Err(missing());
    }
    let (meta, bytes) = files::get(&state.db, sha256).await?.ok_or_else(missing)?;
    let stem = format!("{}-{}", d.code, &sha256[..8]);
    Ok(files::download(&meta, bytes, &stem))
}

/// Refuses files that were never uploaded (a submission's components, a result), 422, and more files
/// or bytes than a dossier may hold ([`files::check_dossier`]), 413, naming `field`.
pub async fn check_uploaded(state: &AppState, field: &str, hashes: &[String]) -> ApiResult<()> {
    for h in hashes {
        if state.db.blob_meta(h).await?.is_none() {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "UNKNOWN_FILE",
                format!("Không có tệp đã tải lên với mã {h}; vui lòng tải tệp lên trước (POST /api/v1/files)."),
                format!("No uploaded file has the address {h}; upload it first (POST /api/v1/files)."),
            )
            .with_field(field));
        }
    }
    files::check_dossier(&state.db, UploadLimits::current(), hashes.iter().map(String::as_str))
        .await
        .map_err(|e| ApiError::from(e).with_field(field))
}

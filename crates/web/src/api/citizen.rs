//! What the citizen does on their own dossier with its secret: answer a supplementation request
//! with files (an event in the dossier's hash chain; the intake officer then records receipt),
//! and rate the service once after the result was returned (read by the 766 index).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use motcua_domain::Described;
use motcua_domain::dossier::{Component, Dossier, DossierCode, EventKind, Rating, Status};
use motcua_domain::ports::{BlobStore, DossierStore};
use motcua_domain::staff::Actor;
use serde::Deserialize;
use utoipa::ToSchema;

use super::dossiers::{SecretParam, view};
use super::types::DossierView;
use crate::access::{presented_secret, readable_dossier};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::files::UploadLimits;
use crate::state::AppState;

/// Why the citizen's action was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CitizenError {
    #[error("no supplementation was requested")]
    NotAwaitingSupplement,
    #[error("no file")]
    NoFiles,
    #[error("too many files")]
    TooManyFiles(usize),
    #[error("unknown file {0}")]
    UnknownFile(String),
    #[error("not returned yet")]
    NotReturned,
    #[error("already rated")]
    AlreadyRated,
    #[error("score out of range")]
    Score,
    #[error("text too long")]
    TooLong(&'static str),
}

impl Described for CitizenError {
    fn code(&self) -> &'static str {
        match self {
            CitizenError::NotAwaitingSupplement => "SUPPLEMENT_NOT_REQUESTED",
            CitizenError::NoFiles => "NO_FILE",
            CitizenError::TooManyFiles(_) => "TOO_MANY_FILES",
            CitizenError::UnknownFile(_) => "UNKNOWN_FILE",
            CitizenError::NotReturned => "NOT_RETURNED_YET",
            CitizenError::AlreadyRated => "ALREADY_RATED",
            CitizenError::Score => "INVALID_SCORE",
            CitizenError::TooLong(_) => "TEXT_TOO_LONG",
        }
    }
    fn message_vi(&self) -> String {
        match self {
            CitizenError::NotAwaitingSupplement => "Hồ sơ hiện không chờ bổ sung giấy tờ.".into(),
            CitizenError::NoFiles => "Vui lòng chọn ít nhất một tệp giấy tờ bổ sung.".into(),
            CitizenError::TooManyFiles(n) => format!("Mỗi lần chỉ gửi được tối đa {n} tệp."),
            CitizenError::UnknownFile(h) => format!("Không có tệp đã tải lên với mã {h}; vui lòng tải tệp lên trước."),
            CitizenError::NotReturned => "Chỉ đánh giá được sau khi đã nhận kết quả.".into(),
            CitizenError::AlreadyRated => "Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.".into(),
            CitizenError::Score => "Vui lòng chọn mức độ hài lòng từ 1 đến 5.".into(),
            CitizenError::TooLong(_) => "Nội dung quá dài (tối đa 2000 ký tự).".into(),
        }
    }
    fn message_en(&self) -> String {
        match self {
            CitizenError::NotAwaitingSupplement => "The dossier is not waiting for supplementary documents.".into(),
            CitizenError::NoFiles => "Choose at least one supplementary document.".into(),
            CitizenError::TooManyFiles(n) => format!("You can send at most {n} files at a time."),
            CitizenError::UnknownFile(h) => format!("No uploaded file has the address {h}; upload the file first."),
            CitizenError::NotReturned => "You can rate only after receiving the result.".into(),
            CitizenError::AlreadyRated => "This dossier was already rated; each dossier is rated once.".into(),
            CitizenError::Score => "Choose a satisfaction level from 1 to 5.".into(),
            CitizenError::TooLong(_) => "The text is too long (at most 2000 characters).".into(),
        }
    }
    fn field(&self) -> Option<&str> {
        match self {
            CitizenError::NoFiles | CitizenError::TooManyFiles(_) | CitizenError::UnknownFile(_) => Some("files"),
            CitizenError::Score => Some("score"),
            CitizenError::TooLong(f) => Some(f),
            _ => None,
        }
    }
}

impl From<CitizenError> for ApiError {
    fn from(e: CitizenError) -> ApiError {
        let status = match e {
            CitizenError::NotAwaitingSupplement | CitizenError::NotReturned | CitizenError::AlreadyRated => {
                StatusCode::CONFLICT
            }
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::described(status, &e)
    }
}

const MAX_TEXT: usize = 2000;

/// A supplementary document: an uploaded file (`POST /api/v1/files`) and what it is.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SupplementFile {
    pub file_sha256: String,
    /// What the document is, e.g. "Giấy chứng sinh (bản chính)"; default "Giấy tờ bổ sung".
    pub name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SupplementBody {
    pub files: Vec<SupplementFile>,
    /// A note to the officer.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RatingBody {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub score: u8,
    #[serde(default)]
    pub comment: String,
    /// Files a complaint about the handling.
    #[serde(default)]
    pub complaint: bool,
}

/// Records the citizen's supplementary files on the dossier (status 5 only).
pub async fn provide_supplement(
    state: &AppState,
    d: &Dossier,
    files: Vec<SupplementFile>,
    note: String,
) -> ApiResult<Dossier> {
    let limit = UploadLimits::current().max_files;
    if files.is_empty() {
        return Err(CitizenError::NoFiles.into());
    }
    if files.len() > limit {
        return Err(CitizenError::TooManyFiles(limit).into());
    }
    if note.chars().count() > MAX_TEXT {
        return Err(CitizenError::TooLong("note").into());
    }
    for f in &files {
        if state.db.blob_meta(&f.file_sha256).await?.is_none() {
            return Err(CitizenError::UnknownFile(f.file_sha256.chars().take(64).collect()).into());
        }
    }
    let round = d.supplement_requests;
    let components: Vec<Component> = files
        .into_iter()
        .enumerate()
        .map(|(i, f)| Component {
            code: format!("BS{round}-{}", i + 1),
            name: f
                .name
                .map(|n| n.trim().chars().take(200).collect::<String>())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "Giấy tờ bổ sung".into()),
            file_sha256: Some(f.file_sha256),
            digitized: true,
            reused: false,
            from_citizen_store: false,
        })
        .collect();
    let note = note.trim().to_string();
    let done = state
        .db
        .execute(&d.code, &Actor::Citizen, state.now(), move |d: &Dossier| {
            if d.status != Status::SupplementRequested {
                return Err(CitizenError::NotAwaitingSupplement);
            }
            Ok(EventKind::SupplementProvided { files: components, note })
        })
        .await?;
    Ok(done)
}

/// Records the citizen's rating (once, after the result was returned).
pub async fn rate(state: &AppState, d: &Dossier, body: RatingBody) -> ApiResult<Dossier> {
    if !(1..=5).contains(&body.score) {
        return Err(CitizenError::Score.into());
    }
    if body.comment.chars().count() > MAX_TEXT {
        return Err(CitizenError::TooLong("comment").into());
    }
    let rating = Rating { score: body.score, comment: body.comment.trim().to_string(), complaint: body.complaint };
    let done = state
        .db
        .execute(&d.code, &Actor::Citizen, state.now(), move |d: &Dossier| {
            if d.status != Status::Returned {
                return Err(CitizenError::NotReturned);
            }
            if d.rating.is_some() {
                return Err(CitizenError::AlreadyRated);
            }
            Ok(EventKind::Rated { rating })
        })
        .await?;
    Ok(done)
}

/// Answer a supplementation request with uploaded files (citizen, with the dossier's secret).
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/supplement", tag = "citizen", request_body = SupplementBody,
    params(("code" = String, Path, description = "Dossier code"), SecretParam),
    responses((status = 200, body = DossierView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn supplement(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<SecretParam>,
    ApiJson(body): ApiJson<SupplementBody>,
) -> ApiResult<Json<DossierView>> {
    let d = citizen_dossier(&state, &headers, &code, q).await?;
    let d = provide_supplement(&state, &d, body.files, body.note).await?;
    Ok(Json(view(&state, &d).await?))
}

/// Rate the service once the result was returned (citizen, with the dossier's secret); once per dossier.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/rating", tag = "citizen", request_body = RatingBody,
    params(("code" = String, Path, description = "Dossier code"), SecretParam),
    responses((status = 200, body = DossierView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rating(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<SecretParam>,
    ApiJson(body): ApiJson<RatingBody>,
) -> ApiResult<Json<DossierView>> {
    let d = citizen_dossier(&state, &headers, &code, q).await?;
    let d = rate(&state, &d, body).await?;
    Ok(Json(view(&state, &d).await?))
}

/// The dossier for the citizen holding its secret (staff tokens do not act for citizens).
async fn citizen_dossier(state: &AppState, headers: &HeaderMap, code: &str, q: SecretParam) -> ApiResult<Dossier> {
    let code = DossierCode::parse(code).map_err(|e| ApiError::invalid(&e))?;
    let secret = presented_secret(headers, q.secret.as_deref());
    readable_dossier(state, None, secret.as_deref(), &code).await
}

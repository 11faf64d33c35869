//! What a citizen who looked their dossier up with its secret can do there:
//! - `GET /tra-cuu/{code}/tep/{sha256}`: download a document or the electronic result;
//! - `POST /tra-cuu/{code}/bo-sung` (multipart): answer a supplementation request with files;
//! - `POST /tra-cuu/{code}/danh-gia`: rate the service once the result was returned.
//!
//! Each checks the remembered proof again. A form with errors comes back on the dossier's page
//! with what was typed kept; a done action redirects (303) to the page, which confirms it.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_domain::dossier::{Dossier, DossierCode};

use super::lookup::{Proof, open_dossier, remembered, result_page};
use super::{FieldError, Form, Layout, Page, PageFailure, PageResult, check_csrf, message};
use crate::api::citizen::{RatingBody, SupplementFile, provide_supplement, rate};
use crate::api::files::dossier_file;
use crate::error::ApiError;
use crate::files::{self, UploadLimits, multipart};
use crate::state::AppState;

/// The dossier for a citizen who proved it with its secret in this browser.
pub(super) async fn with_secret(
    state: &AppState,
    layout: &Layout,
    headers: &HeaderMap,
    code: &str,
) -> Result<(Dossier, Proof), Response> {
    let back = || Redirect::to("/tra-cuu").into_response();
    let proof = remembered(headers, code).ok_or_else(back)?;
    if !matches!(proof, Proof::Secret(_)) {
        return Err(PageFailure::new(
            layout.clone(),
            ApiError::new(
                StatusCode::FORBIDDEN,
                "SECRET_REQUIRED",
                "Để tải giấy tờ, gửi bổ sung hoặc đánh giá, vui lòng tra cứu bằng mã bí mật.",
                "To download documents, send a supplement or rate, look the dossier up with its secret.",
            ),
        )
        .into_response());
    }
    let code = DossierCode::parse(code)
        .map_err(|e| PageFailure::new(layout.clone(), ApiError::invalid(&e)).into_response())?;
    let d =
        open_dossier(state, &code, &proof).await.map_err(|e| PageFailure::new(layout.clone(), e).into_response())?;
    Ok((d, proof))
}

pub async fn download(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    Path((code, sha256)): Path<(String, String)>,
) -> Result<Response, Response> {
    let (d, _) = with_secret(&state, &layout, &headers, &code).await?;
    dossier_file(&state, &d, &sha256).await.map_err(|e| PageFailure::new(layout, e).into_response())
}

pub async fn supplement(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    Path(code): Path<String>,
    m: Result<Multipart, MultipartRejection>,
) -> Result<Response, Response> {
    let limits = UploadLimits::current();
    let page_err = |layout: &Layout, e: ApiError| PageFailure::new(layout.clone(), e).into_response();
    let upload = match multipart::accept(m) {
        Ok(m) => multipart::read(m, limits).await.map_err(|e| page_err(&layout, e.into()))?,
        Err(e) => return Err(page_err(&layout, e.into())),
    };
    check_csrf(&layout, &Form(upload.fields.clone())).map_err(IntoResponse::into_response)?;
    let (d, proof) = with_secret(&state, &layout, &headers, &code).await?;
    let lang = layout.lang;
    let note = upload.get("ghi_chu").trim().to_string();
    let mut errors = Vec::new();
    let mut stored = Vec::new();
    let now = state.now();
    for part in upload.files.into_iter().filter(|p| p.field == "tep_bo_sung" || p.bytes.is_err()) {
        let outcome = match part.bytes {
            Ok(bytes) => files::store(&state.db, limits, now, &bytes, &part.name).await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(f) => stored.push(SupplementFile { file_sha256: f.sha256, name: Some(f.name) }),
            Err(e) => errors.push(FieldError { id: "tep-bo-sung".into(), message: message(lang, &ApiError::from(e)) }),
        }
    }
    if errors.is_empty() {
        match provide_supplement(&state, &d, stored, note.clone()).await {
            Ok(_) => return Ok(Redirect::to(&format!("/tra-cuu/{}?da=bo-sung", d.code)).into_response()),
            Err(e) if e.status.is_client_error() => {
                errors.push(FieldError { id: "tep-bo-sung".into(), message: message(lang, &e) });
            }
            Err(e) => return Err(page_err(&layout, e)),
        }
    }
    let mut page = result_page(&state, layout, &d, &proof, errors).await.map_err(IntoResponse::into_response)?;
    page.note = note;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn rate_service(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    Path(code): Path<String>,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let (d, proof) = match with_secret(&state, &layout, &headers, &code).await {
        Ok(found) => found,
        Err(res) => return Ok(res),
    };
    let lang = layout.lang;
    let comment = form.get("y_kien").trim().to_string();
    let body = RatingBody {
        score: form.get("diem").parse().unwrap_or(0),
        comment: comment.clone(),
        complaint: form.get("khieu_nai") == "1",
    };
    let error = match rate(&state, &d, body).await {
        Ok(_) => return Ok(Redirect::to(&format!("/tra-cuu/{}?da=danh-gia", d.code)).into_response()),
        Err(e) if e.status.is_client_error() => e,
        Err(e) => return Err(PageFailure::new(layout, e)),
    };
    let id = if error.body.field.as_deref() == Some("comment") { "y-kien" } else { "diem-5" };
    let errors = vec![FieldError { id: id.into(), message: message(lang, &error) }];
    let mut page = result_page(&state, layout.clone(), &d, &proof, errors).await?;
    page.comment = comment;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

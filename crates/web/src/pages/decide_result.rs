//! `POST /can-bo/ho-so/{code}/decide/ket-qua` (multipart): the leader's "approve" on the staff
//! dossier page, with the electronic result attached. The file (PDF, JPEG or PNG, checked from
//! its content) is stored first, then the decision names it (`ResultDoc.file_sha256`), so the
//! citizen can download it from the lookup page once it is returned. Without a file it is the
//! same decision as the plain action.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect};
use motcua_domain::dossier::{Command, ResultDoc};
use motcua_domain::staff::Actor;

use super::staff_dossier::show_with_error;
use super::{Form, OrPage, Page, PageResult, SignedIn, check_csrf};
use crate::api::commands::execute;
use crate::error::ApiError;
use crate::files::{self, UploadLimits, multipart};
use crate::state::AppState;

pub async fn decide_with_result(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path(code): Path<String>,
    m: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let limits = UploadLimits::current();
    let upload = multipart::read(multipart::accept(m).or_page(&layout)?, limits).await.or_page(&layout)?;
    check_csrf(&layout, &Form(upload.fields.clone()))?;
    let name = upload.get("noi_dung").trim().to_string();
    let mut file = None;
    for part in upload.files.into_iter().filter(|p| p.field == "tep_ket_qua" || p.bytes.is_err()) {
        let stored = match part.bytes {
            Ok(bytes) => files::store(&state.db, limits, state.now(), &bytes, &part.name).await,
            Err(e) => Err(e),
        };
        match stored {
            Ok(f) => file = Some(f.sha256),
            Err(e) => return show_with_error(&state, layout, &staff, &code, ApiError::from(e)).await,
        }
    }
    let results = match (name.is_empty(), file) {
        (true, None) => Vec::new(),
        (_, file) => {
            let electronic = file.is_some();
            let name =
                if name.is_empty() { "Kết quả giải quyết thủ tục hành chính".into() } else { name };
            vec![ResultDoc { name, electronic, file_sha256: file }]
        }
    };
    match execute(&state, Actor::staff(&staff), &code, Command::Decide { results }).await {
        Ok(d) => Ok(Redirect::to(&format!("/can-bo/ho-so/{}?xong=decide", d.code)).into_response()),
        Err(e) => show_with_error(&state, layout, &staff, &code, e).await,
    }
}

/// `GET /can-bo/ho-so/{code}/tep/{sha256}`: a file of the dossier (a document, a supplement, the
/// result) for signed-in staff who may see the dossier; anyone else gets "not found".
pub async fn staff_download(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path((code, sha256)): Path<(String, String)>,
) -> PageResult {
    use motcua_domain::dossier::DossierCode;
    use motcua_domain::ports::DossierStore;
    let code = DossierCode::parse(&code).map_err(|e| ApiError::invalid(&e)).or_page(&layout)?;
    let d = state.db.dossier(&code).await.or_page(&layout)?;
    let Some(d) = d else {
        return Err(super::PageFailure::new(layout, crate::access::not_found()));
    };
    if !crate::access::staff_may_read(&state, &staff, &d).await.or_page(&layout)? {
        return Err(super::PageFailure::new(layout, crate::access::not_found()));
    }
    crate::api::files::dossier_file(&state, &d, &sha256).await.or_page(&layout)
}

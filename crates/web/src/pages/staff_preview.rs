//! `GET /can-bo/ho-so/{code}/xem/{sha256}`: a dossier's file shown in place on the staff dossier
//! page (an image in `<img>`, a PDF in an `<iframe>`), for staff who may read the dossier. It is
//! routed outside the pages' middleware, whose `frame-ancestors 'none'` would keep the PDF out of
//! our own frame; the file carries its own headers (`files::inline`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use motcua_domain::dossier::DossierCode;
use motcua_domain::ports::DossierStore;

use super::{OrPage, Page, PageFailure, PageResult, SignedIn};
use crate::access::{not_found, staff_may_read};
use crate::error::ApiError;
use crate::files;
use crate::state::AppState;

/// Where the staff dossier page previews file `sha256` of dossier `code`.
pub fn href(code: &DossierCode, sha256: &str) -> String {
    format!("/can-bo/ho-so/{code}/xem/{sha256}")
}

pub async fn preview(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path((code, sha256)): Path<(String, String)>,
) -> PageResult {
    let code = DossierCode::parse(&code).map_err(|e| ApiError::invalid(&e)).or_page(&layout)?;
    let d = state.db.dossier(&code).await.or_page(&layout)?;
    let Some(d) = d else {
        return Err(PageFailure::new(layout, not_found()));
    };
    if !staff_may_read(&state, &staff, &d).await.or_page(&layout)? {
        return Err(PageFailure::new(layout, not_found()));
    }
    let missing = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "FILE_NOT_FOUND",
            "Hồ sơ này không có tệp được yêu cầu.",
            "This dossier has no such file.",
        )
    };
    if !files::dossier_holds(&d, &sha256) {
        return Err(PageFailure::new(layout, missing()));
    }
    let (meta, bytes) = files::get(&state.db, &sha256).await.or_page(&layout)?.ok_or_else(missing).or_page(&layout)?;
    Ok(files::inline(&meta, bytes, &format!("{}-{}", d.code, &sha256[..8])))
}

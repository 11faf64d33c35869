//! Who may see a dossier: its units' staff, the province's monitors and administrators, or the
//! applicant holding the dossier's secret. Everyone else is told it does not exist.

use axum::http::HeaderMap;
use motcua_domain::dossier::{Dossier, DossierCode};
use motcua_domain::ports::{CatalogStore, DossierStore};
use motcua_domain::staff::{Role, Staff};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The header a citizen presents the dossier's secret in (also accepted as `?secret=`).
pub const SECRET_HEADER: &str = "x-dossier-secret";

pub fn not_found() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "DOSSIER_NOT_FOUND",
        "Không tìm thấy hồ sơ, hoặc mã bí mật không đúng. Vui lòng kiểm tra mã hồ sơ và mã bí mật trên phiếu hẹn.",
        "Dossier not found, or the secret is wrong. Check the dossier code and secret on your receipt.",
    )
}

/// Whether a staff member may read this dossier.
pub async fn staff_may_read(state: &AppState, staff: &Staff, d: &Dossier) -> ApiResult<bool> {
    if d.involves(&staff.unit) {
        return Ok(true);
    }
    if matches!(staff.role, Role::ProvinceMonitor | Role::Administrator) && staff.unit.is_province() {
        let unit = state.db.unit(&d.receiving_unit).await?;
        return Ok(unit.and_then(|u| u.parent).is_some_and(|p| p == staff.unit));
    }
    Ok(false)
}

/// The secret presented with the request, from the header or the query.
pub fn presented_secret(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    headers
        .get(SECRET_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| query.map(str::to_string))
        .filter(|s| !s.trim().is_empty())
}

/// Whether `secret` is this dossier's.
pub async fn secret_matches(state: &AppState, code: &DossierCode, secret: &str) -> ApiResult<bool> {
    Ok(state.db.secret_hash(code).await?.is_some_and(|h| h.matches(secret)))
}

/// Loads a dossier for a reader who is staff or holds the secret; anyone else gets 404.
pub async fn readable_dossier(
    state: &AppState,
    staff: Option<&Staff>,
    secret: Option<&str>,
    code: &DossierCode,
) -> ApiResult<Dossier> {
    let d = state.db.dossier(code).await?.ok_or_else(not_found)?;
    let allowed = match (staff, secret) {
        (Some(s), _) if staff_may_read(state, s, &d).await? => true,
        (_, Some(secret)) => secret_matches(state, code, secret).await?,
        _ => false,
    };
    if allowed { Ok(d) } else { Err(not_found()) }
}

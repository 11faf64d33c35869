//! The procedure catalog: search (diacritic- and case-insensitive) and detail.

use axum::Json;
use axum::extract::State;
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::ports::{CatalogStore, ProcedureQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use super::types::ProcedureView;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct SearchParams {
    /// Free text; `dang ky khai sinh` finds `Đăng ký khai sinh`.
    pub q: Option<String>,
    /// Field (lĩnh vực), e.g. `Hộ tịch`.
    pub field: Option<String>,
    /// At most this many (1–500, default 50).
    pub limit: Option<u32>,
}

/// List or search procedures.
#[utoipa::path(get, path = "/api/v1/procedures", tag = "catalog", params(SearchParams),
    responses((status = 200, body = Vec<ProcedureView>), (status = 400, body = ErrorBody)))]
pub async fn list_procedures(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<Json<Vec<ProcedureView>>> {
    if p.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(ApiError::bad_request(
            "QUERY_TOO_LONG",
            "Từ khóa tìm kiếm quá dài (tối đa 200 ký tự).",
            "The search text is too long (at most 200 characters).",
        )
        .with_field("q"));
    }
    let found =
        state.db.search_procedures(&ProcedureQuery { text: p.q, field: p.field, limit: p.limit.unwrap_or(50) }).await?;
    Ok(Json(found.iter().map(ProcedureView::from).collect()))
}

/// One procedure by its national code.
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "catalog",
    params(("code" = String, Path, description = "National code, e.g. 1.001193")),
    responses((status = 200, body = ProcedureView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_procedure(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<ProcedureView>> {
    let code = ProcedureCode::parse(&code).map_err(|e| ApiError::invalid(&e))?;
    let p = state.db.procedure(&code).await?.ok_or_else(|| ApiError::not_found("thủ tục", "Procedure"))?;
    Ok(Json(ProcedureView::from(&p)))
}

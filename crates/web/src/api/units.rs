//! Provinces and communes.

use axum::Json;
use axum::extract::State;
use motcua_domain::ports::CatalogStore;
use motcua_domain::unit::UnitCode;
use serde::Deserialize;
use utoipa::IntoParams;

use super::types::UnitView;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct UnitParams {
    /// A province code: list its communes. Without it: the provinces.
    pub province: Option<String>,
}

/// Provinces, or the communes of one province.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(UnitParams),
    responses((status = 200, body = Vec<UnitView>), (status = 422, body = ErrorBody)))]
pub async fn list_units(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<UnitParams>,
) -> ApiResult<Json<Vec<UnitView>>> {
    let parent = p.province.as_deref().map(UnitCode::parse).transpose().map_err(|e| ApiError::invalid(&e))?;
    let units = state.db.units(parent.as_ref()).await?;
    Ok(Json(units.iter().map(UnitView::from).collect()))
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "units",
    params(("code" = String, Path, description = "Province (2 digits) or commune (5 digits) code")),
    responses((status = 200, body = UnitView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_unit(State(state): State<AppState>, ApiPath(code): ApiPath<String>) -> ApiResult<Json<UnitView>> {
    let code = UnitCode::parse(&code).map_err(|e| ApiError::invalid(&e))?;
    let u = state.db.unit(&code).await?.ok_or_else(|| ApiError::not_found("đơn vị", "Unit"))?;
    Ok(Json(UnitView::from(&u)))
}

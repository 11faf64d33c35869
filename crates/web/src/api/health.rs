//! `GET /api/v1/health`: the server answers and its database is reachable.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    pub version: String,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/api/v1/health", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = crate::error::ErrorBody)))]
pub async fn health(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    state.db.ping().await?;
    Ok(Json(Health {
        status: "ok".into(),
        database: match state.db.backend() {
            motcua_storage::Backend::Sqlite => "sqlite",
            motcua_storage::Backend::Postgres => "postgres",
        }
        .into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}

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

#[derive(Serialize, ToSchema)]
pub struct Probe {
    /// `ok`, or `unavailable` with the reasons.
    pub status: String,
    /// What is not ready: `database` (does not answer), `migrations` (versions not applied).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// Liveness: the process answers (no database access; restart the process if this fails).
#[utoipa::path(get, path = "/livez", tag = "system", responses((status = 200, body = Probe)))]
pub async fn livez() -> Json<Probe> {
    Json(Probe { status: "ok".into(), problems: Vec::new() })
}

/// Readiness: the database answers and every migration of this version is applied; 503 otherwise
/// (take the server out of the load balancer, do not restart it).
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = Probe), (status = 503, body = Probe)))]
pub async fn readyz(State(state): State<AppState>) -> (axum::http::StatusCode, Json<Probe>) {
    // Details go to the log, not to whoever asks.
    let mut problems = Vec::new();
    match state.db.ping().await {
        Err(e) => {
            tracing::warn!(error = %e, "not ready: database");
            problems.push("database".to_string());
        }
        Ok(()) => match state.db.pending_migrations().await {
            Ok(p) if p.is_empty() => {}
            Ok(p) => problems.push(format!("migrations: {p:?} not applied")),
            Err(e) => {
                tracing::warn!(error = %e, "not ready: migrations");
                problems.push("migrations".to_string());
            }
        },
    }
    let (code, status) = if problems.is_empty() {
        (axum::http::StatusCode::OK, "ok")
    } else {
        (axum::http::StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    (code, Json(Probe { status: status.into(), problems }))
}

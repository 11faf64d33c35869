//! The operator's view of synchronisation with national systems: per-connector health, the
//! dead-letter list, replaying a dead message, reconciliation with the portal for a period and
//! re-pushing a dossier, and the same gauges in Prometheus text at `/metrics`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::dossier::DossierCode;
use motcua_domain::ports::{ConnectorStatus, DVCQG, StoreError, SyncStore};
use motcua_domain::staff::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::StaffAuth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use crate::sync::reconcile::{ReconcileError, Reconciliation, reconcile};

/// One connector's health.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectorView {
    /// `dvcqg`: the national public service portal; `hotich`: the civil registry.
    pub connector: String,
    /// Waiting for their first attempt.
    pub pending: u64,
    /// Waiting for a retry after a failure.
    pub retrying: u64,
    /// Attempts exhausted; an operator must replay them.
    pub dead: u64,
    pub delivered: u64,
    /// Age of the oldest undelivered change, in seconds (0 when everything is delivered).
    pub oldest_undelivered_age_seconds: i64,
}

/// The sync status of every connector.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncStatus {
    pub connectors: Vec<ConnectorView>,
}

/// A dead-lettered change.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadView {
    pub id: i64,
    pub connector: String,
    pub dossier: String,
    pub seq: u32,
    pub idempotency_key: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadList {
    pub items: Vec<DeadView>,
}

/// Who sees sync health and dead letters (API and page).
pub fn may_watch(role: Role) -> bool {
    matches!(role, Role::Administrator | Role::ProvinceMonitor | Role::CenterDirector)
}

/// Who may queue a dead letter again (API and page).
pub fn may_replay(role: Role) -> bool {
    matches!(role, Role::Administrator | Role::CenterDirector)
}

fn view(c: ConnectorStatus, now: DateTime<Utc>) -> ConnectorView {
    ConnectorView {
        oldest_undelivered_age_seconds: c.oldest_undelivered_at.map_or(0, |t| (now - t).num_seconds().max(0)),
        connector: c.connector,
        pending: c.pending,
        retrying: c.retrying,
        dead: c.dead,
        delivered: c.delivered,
    }
}

/// Pending, retrying and dead-lettered changes and the lag of each connector.
#[utoipa::path(get, path = "/api/v1/sync/status", tag = "sync", security(("bearer" = [])),
    responses((status = 200, body = SyncStatus), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn sync_status(State(state): State<AppState>, StaffAuth(staff): StaffAuth) -> ApiResult<Json<SyncStatus>> {
    if !may_watch(staff.role) {
        return Err(ApiError::forbidden());
    }
    let now = state.now();
    let connectors = state.db.sync_status().await?.into_iter().map(|c| view(c, now)).collect();
    Ok(Json(SyncStatus { connectors }))
}

/// Dead-lettered changes, oldest first, with the last error.
#[utoipa::path(get, path = "/api/v1/sync/dead", tag = "sync", security(("bearer" = [])),
    responses((status = 200, body = DeadList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_dead(State(state): State<AppState>, StaffAuth(staff): StaffAuth) -> ApiResult<Json<DeadList>> {
    if !may_watch(staff.role) {
        return Err(ApiError::forbidden());
    }
    let items = state
        .db
        .dead_messages(500)
        .await?
        .into_iter()
        .map(|d| DeadView {
            id: d.id,
            connector: d.connector,
            dossier: d.dossier,
            seq: d.seq,
            idempotency_key: d.key,
            attempts: d.attempts,
            last_error: d.last_error,
            created_at: d.created_at,
            last_attempt_at: d.updated_at,
        })
        .collect();
    Ok(Json(DeadList { items }))
}

/// Queue a dead-lettered change again with fresh attempts (administrators and center directors).
#[utoipa::path(post, path = "/api/v1/sync/dead/{id}/replay", tag = "sync", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The dead message's id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn replay_dead(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    if !may_replay(staff.role) {
        return Err(ApiError::forbidden());
    }
    match state.db.replay(id, state.now()).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StoreError::NotFound) => Err(ApiError::not_found("thông điệp đồng bộ lỗi này", "This dead message")),
        Err(e) => Err(e.into()),
    }
}

/// A Prometheus gauge: name, help text, and its value for one connector.
type Gauge = (&'static str, &'static str, fn(&ConnectorView) -> i64);

/// The sync gauges in Prometheus text format (per connector: pending, retrying, dead, lag), then
/// the HTTP, notification and dossier figures of [`crate::observe::render`].
pub async fn metrics(State(state): State<AppState>) -> ApiResult<impl IntoResponse> {
    let now = state.now();
    let rows: Vec<ConnectorView> = state.db.sync_status().await?.into_iter().map(|c| view(c, now)).collect();
    let mut out = String::new();
    let gauges: [Gauge; 5] = [
        ("motcua_sync_pending", "Changes waiting for their first delivery attempt.", |c| c.pending as i64),
        ("motcua_sync_retrying", "Changes waiting for a retry after a failed attempt.", |c| c.retrying as i64),
        ("motcua_sync_dead", "Changes dead-lettered after exhausting their attempts.", |c| c.dead as i64),
        ("motcua_sync_delivered", "Changes acknowledged by the remote system.", |c| c.delivered as i64),
        ("motcua_sync_lag_seconds", "Age of the oldest undelivered change.", |c| c.oldest_undelivered_age_seconds),
    ];
    for (name, help, value) in gauges {
        out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
        for c in &rows {
            out.push_str(&format!("{name}{{connector=\"{}\"}} {}\n", c.connector, value(c)));
        }
    }
    if let Some(run) = crate::sync::reconcile_job::last_run() {
        let name = "motcua_sync_reconcile_differences";
        out.push_str(&format!(
            "# HELP {name} Differences found by the last scheduled reconciliation (-1: it failed).\n"
        ));
        out.push_str(&format!("# TYPE {name} gauge\n{name} {}\n", run.outcome.map(|n| n as i64).unwrap_or(-1)));
    }
    crate::observe::render(&mut out, &state.db.ops_figures().await?, now);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out))
}

/// A reconciliation period: submission days, inclusive (`YYYY-MM-DD`, Vietnam time).
#[derive(Debug, Deserialize, IntoParams)]
pub struct PeriodQuery {
    pub from: String,
    pub to: String,
}

/// Parses a period of at most 366 days, or says which end is wrong.
pub fn period(from: &str, to: &str) -> ApiResult<(NaiveDate, NaiveDate)> {
    let day = |s: &str, field: &str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_PERIOD",
                format!("Ngày không hợp lệ: \"{s}\" (dạng NNNN-TT-NN, ví dụ 2026-11-27)."),
                format!("Not a valid date: \"{s}\" (use YYYY-MM-DD, e.g. 2026-11-27)."),
            )
            .with_field(field)
        })
    };
    let (from, to) = (day(from, "from")?, day(to, "to")?);
    if to < from || (to - from).num_days() > 366 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "INVALID_PERIOD",
            "Khoảng thời gian không hợp lệ: ngày kết thúc phải sau ngày bắt đầu và không quá 366 ngày.",
            "Invalid period: the end must not be before the start, and at most 366 days later.",
        )
        .with_field("to"));
    }
    Ok((from, to))
}

impl From<ReconcileError> for ApiError {
    fn from(e: ReconcileError) -> ApiError {
        match e {
            ReconcileError::Store(e) => e.into(),
            ReconcileError::Portal(why) => ApiError::new(
                StatusCode::BAD_GATEWAY,
                "PORTAL_UNREACHABLE",
                format!("Không lấy được dữ liệu từ Cổng Dịch vụ công quốc gia: {why}"),
                format!("The national public service portal's report could not be read: {why}"),
            ),
        }
    }
}

/// Compares with the portal for a period, or says that sync is not configured.
pub async fn run_reconcile(state: &AppState, from: NaiveDate, to: NaiveDate) -> ApiResult<Reconciliation> {
    let Some(target) = &state.sync_report else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "SYNC_NOT_CONFIGURED",
            "Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia (MOTCUA_DVCQG_URL).",
            "The national public service portal is not configured (MOTCUA_DVCQG_URL).",
        ));
    };
    Ok(reconcile(&state.db, target, from, to).await?)
}

/// Every difference between our dossiers submitted in a period and the portal's report of them
/// (code, status, key dates).
#[utoipa::path(get, path = "/api/v1/sync/reconcile", tag = "sync", security(("bearer" = [])), params(PeriodQuery),
    responses((status = 200, body = Reconciliation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn reconcile_period(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<Reconciliation>> {
    if !may_watch(staff.role) {
        return Err(ApiError::forbidden());
    }
    let (from, to) = period(&q.from, &q.to)?;
    Ok(Json(run_reconcile(&state, from, to).await?))
}

/// A queued re-push.
#[derive(Debug, Serialize, ToSchema)]
pub struct Repushed {
    /// The fresh idempotency key (`{code}:{seq}:r{n}`).
    pub idempotency_key: String,
}

/// Queue a dossier's current state for the national portal again (after reconciliation).
#[utoipa::path(post, path = "/api/v1/sync/repush/{code}", tag = "sync", security(("bearer" = [])),
    params(("code" = String, Path, description = "The dossier's code")),
    responses((status = 202, body = Repushed), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn repush(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<(StatusCode, Json<Repushed>)> {
    if !may_replay(staff.role) {
        return Err(ApiError::forbidden());
    }
    let key = repush_dossier(&state, &code).await?;
    Ok((StatusCode::ACCEPTED, Json(Repushed { idempotency_key: key })))
}

/// Queues `code` again for the national portal; 404 if there is no such dossier.
pub async fn repush_dossier(state: &AppState, code: &str) -> ApiResult<String> {
    let code = DossierCode::parse(code).map_err(|_| ApiError::not_found("hồ sơ này", "This dossier"))?;
    match state.db.repush(DVCQG, &code.to_string(), state.now()).await {
        Ok(key) => Ok(key),
        Err(StoreError::NotFound) => Err(ApiError::not_found("hồ sơ này", "This dossier")),
        Err(e) => Err(e.into()),
    }
}

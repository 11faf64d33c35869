//! Calendar queries: is an instant working time, working time between two instants, the due
//! instant of a procedure received at an instant, a year's exceptions, and amendments.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use motcua_domain::calendar::{Amendment, WorkCalendar, WorkingHours};
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::ports::{AdminStore, CatalogStore};
use motcua_domain::staff::Role;
use motcua_domain::unit::UnitCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::StaffAuth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

fn vn() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7")
}

async fn calendar(state: &AppState, unit: Option<&str>) -> ApiResult<std::sync::Arc<WorkCalendar>> {
    let hours = match unit {
        None => WorkingHours::default(),
        Some(u) => {
            let code = UnitCode::parse(u).map_err(|e| ApiError::invalid(&e))?;
            state.db.unit(&code).await?.ok_or_else(|| ApiError::not_found("đơn vị", "Unit"))?.working_hours
        }
    };
    Ok(state.work_calendar(None, &hours).await?.0)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AtParams {
    /// The instant, RFC 3339 (e.g. `2026-02-16T09:00:00+07:00`).
    pub at: DateTime<FixedOffset>,
    /// A unit whose working hours apply (default 07:00–11:30, 13:30–17:00).
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IsWorking {
    /// Inside working hours of a working day.
    pub working: bool,
    /// The day is a working day.
    pub working_day: bool,
    /// Why the day is off (or why a weekend day is worked).
    pub reason: Option<String>,
}

/// Whether an instant is working time.
#[utoipa::path(get, path = "/api/v1/calendar/is-working", tag = "calendar", params(AtParams),
    responses((status = 200, body = IsWorking), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn is_working(State(state): State<AppState>, ApiQuery(p): ApiQuery<AtParams>) -> ApiResult<Json<IsWorking>> {
    let cal = calendar(&state, p.unit.as_deref()).await?;
    let at = p.at.with_timezone(&Utc);
    let day = cal.day(p.at.with_timezone(&vn()).date_naive());
    Ok(Json(IsWorking { working: cal.is_working(at), working_day: day.working, reason: day.reason }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct BetweenParams {
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkingTime {
    /// Working minutes between the two instants (0 if `to` is not after `from`).
    pub minutes: i64,
    /// The same in working days of the unit's hours (8 h by default).
    pub working_days: f64,
}

/// Working time between two instants.
#[utoipa::path(get, path = "/api/v1/calendar/working-time", tag = "calendar", params(BetweenParams),
    responses((status = 200, body = WorkingTime), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn working_time(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<BetweenParams>,
) -> ApiResult<Json<WorkingTime>> {
    let cal = calendar(&state, p.unit.as_deref()).await?;
    check_range(p.from.year())?;
    check_range(p.to.year())?;
    let d = cal.working_time_between(p.from.with_timezone(&Utc), p.to.with_timezone(&Utc));
    let per_day = cal.hours().per_day().num_minutes().max(1);
    Ok(Json(WorkingTime { minutes: d.num_minutes(), working_days: d.num_minutes() as f64 / per_day as f64 }))
}

fn check_range(year: i32) -> ApiResult<()> {
    if (1901..=2199).contains(&year) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "DATE_OUT_OF_RANGE",
            "Ngày phải nằm trong khoảng năm 1901–2199.",
            "Dates must fall within the years 1901–2199.",
        ))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DueParams {
    /// National procedure code.
    pub procedure: String,
    /// Receipt instant, RFC 3339.
    pub received: DateTime<FixedOffset>,
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Due {
    /// The due instant in Vietnam time (`+07:00`).
    pub due: DateTime<FixedOffset>,
    /// Holiday-data version used.
    pub calendar_version: u32,
}

/// The due instant of a procedure received at an instant.
#[utoipa::path(get, path = "/api/v1/calendar/due", tag = "calendar", params(DueParams),
    responses((status = 200, body = Due), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn due(State(state): State<AppState>, ApiQuery(p): ApiQuery<DueParams>) -> ApiResult<Json<Due>> {
    let code = ProcedureCode::parse(&p.procedure).map_err(|e| ApiError::invalid(&e))?;
    let procedure = state.db.procedure(&code).await?.ok_or_else(|| ApiError::not_found("thủ tục", "Procedure"))?;
    check_range(p.received.year())?;
    let cal = calendar(&state, p.unit.as_deref()).await?;
    let due = cal.due(p.received.with_timezone(&Utc), &procedure.statutory_time);
    check_range(due.year())?;
    let version = state.calendar_data().await?.latest_version();
    Ok(Json(Due { due: due.with_timezone(&vn()), calendar_version: version }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct YearParams {
    pub year: i32,
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayView {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub working: bool,
    pub reason: Option<String>,
}

/// Every weekday off and every weekend day worked in a year, with the reason.
#[utoipa::path(get, path = "/api/v1/calendar/holidays", tag = "calendar", params(YearParams),
    responses((status = 200, body = Vec<DayView>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn holidays(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<YearParams>,
) -> ApiResult<Json<Vec<DayView>>> {
    check_range(p.year)?;
    let cal = calendar(&state, p.unit.as_deref()).await?;
    Ok(Json(
        cal.exceptions(p.year)
            .into_iter()
            .map(|d| DayView { date: d.date, working: d.working, reason: d.reason })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AmendmentRequest {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// `true` makes the day a working day (make-up Saturday), `false` a day off.
    pub working: bool,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AmendmentView {
    pub version: u32,
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub working: bool,
    pub reason: String,
}

/// Amend the holiday data (administrators). Deadlines already issued keep their version.
#[utoipa::path(post, path = "/api/v1/calendar/amendments", tag = "calendar", security(("bearer" = [])),
    request_body = AmendmentRequest,
    responses((status = 201, body = AmendmentView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_amendment(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiJson(req): ApiJson<AmendmentRequest>,
) -> ApiResult<(StatusCode, Json<AmendmentView>)> {
    if staff.role != Role::Administrator {
        return Err(ApiError::forbidden());
    }
    check_range(req.date.year())?;
    if req.reason.trim().is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "REASON_REQUIRED",
            "Vui lòng ghi lý do điều chỉnh (ví dụ: số văn bản thông báo).",
            "State the reason for the amendment (e.g. the notice number).",
        )
        .with_field("reason"));
    }
    state.invalidate_calendar();
    let data = state.calendar_data().await?;
    let a = Amendment {
        version: data.latest_version() + 1,
        date: req.date,
        working: req.working,
        reason: req.reason.trim().into(),
    };
    // With its audit record, in one transaction (as the administration page does).
    let change = motcua_domain::audit::AdminChange::AddAmendment(a.clone());
    state.db.administer(&change, &staff, state.now()).await?;
    state.invalidate_calendar();
    Ok((
        StatusCode::CREATED,
        Json(AmendmentView { version: a.version, date: a.date, working: a.working, reason: a.reason }),
    ))
}

//! `GET /api/v1/index/units/{code}/forecast`: the projected end-of-period score at the unit's
//! current pace and the dossiers at risk (due within a few working hours, not decided).

use super::*;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ForecastParams {
    /// `2025-11`, `2025-Q4` or `2025`. Default: the current month.
    pub period: Option<String>,
    /// At-risk horizon in working hours (1–200). Default: the configuration's (8).
    pub hours: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AtRiskView {
    pub code: String,
    pub url: String,
    pub due_at: DateTime<Utc>,
    pub hours_left: f64,
    /// Points of the progress indicator lost if it runs late.
    pub points: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ForecastView {
    pub unit: String,
    pub period: String,
    pub hours: u32,
    pub current_total: f64,
    pub projected_total: f64,
    /// Mean share of the allowed time used by the dossiers settled in the period.
    pub pace: f64,
    pub in_progress: u64,
    pub projected_late: Vec<String>,
    pub at_risk: Vec<AtRiskView>,
}

/// The forecast of `unit` for `period` with a horizon of `hours` (default: the configuration's).
pub(crate) async fn unit_forecast(
    state: &AppState,
    unit: &Unit,
    period: &Period,
    hours: Option<u32>,
) -> ApiResult<ForecastView> {
    let (scope, level) = if unit.code.is_province() {
        (IndexScope::Province(unit.code.clone()), Level::Province)
    } else {
        (IndexScope::Unit(unit.code.clone()), Level::Commune)
    };
    let cfg = CONFIGS.for_date(period.from);
    let hours = match hours {
        None => cfg.at_risk_hours,
        Some(h) if (1..=200).contains(&h) => h,
        Some(h) => {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_HOURS",
                format!("Số giờ làm việc {h} không hợp lệ: từ 1 đến 200."),
                format!("{h} working hours is invalid: 1 to 200."),
            )
            .with_field("hours"));
        }
    };
    let inputs = state.db.index_inputs(&scope, period.start(), period.end()).await?;
    let (calendar, _) = state.work_calendar(None, &unit.working_hours).await?;
    let f = index::forecast(cfg, &unit.code, level, &inputs, period, state.now(), &calendar, hours);
    Ok(ForecastView {
        unit: unit.code.to_string(),
        period: period.label(),
        hours,
        current_total: round(f.current_total),
        projected_total: round(f.projected_total),
        pace: round(f.pace),
        in_progress: f.in_progress,
        projected_late: f.projected_late.iter().map(ToString::to_string).collect(),
        at_risk: f
            .at_risk
            .iter()
            .map(|a| AtRiskView {
                code: a.code.to_string(),
                url: format!("/api/v1/dossiers/{}", a.code),
                due_at: a.due_at,
                hours_left: round(a.hours_left),
                points: round(a.points),
            })
            .collect(),
    })
}

/// Forecast: the projected end-of-period score and the dossiers at risk with the points each would cost.
#[utoipa::path(get, path = "/api/v1/index/units/{code}/forecast", tag = "index",
    params(("code" = String, Path, description = "Commune or province code"), ForecastParams),
    security(("bearer" = [])),
    responses((status = 200, body = ForecastView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_forecast(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiQuery(p): ApiQuery<ForecastParams>,
) -> ApiResult<Json<ForecastView>> {
    let unit = visible_unit(&state, &staff, &code).await?;
    let period = resolve_period(&PeriodParams { period: p.period, from: None, to: None }, state.now())?;
    Ok(Json(unit_forecast(&state, &unit, &period, p.hours).await?))
}

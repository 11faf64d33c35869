//! The 766 service index: a unit's (or a province's) score for a period, the ranking of a
//! province's communes, and the drill-down of one indicator to the dossiers that lost points.
//!
//! Staff only: commune staff see their own commune; province monitors and administrators see
//! their province and its communes.

use std::sync::LazyLock;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Datelike, Utc};
use motcua_domain::calendar::to_local;
use motcua_domain::index::{
    self, IndexConfigs, IndexInputs, IndexReport, IndicatorCode, IndicatorReport, IndicatorState, Level, Period,
};
use motcua_domain::ports::{CatalogStore, IndexScope, IndexStore};
use motcua_domain::staff::{Role, Staff};
use motcua_domain::unit::{Unit, UnitCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::StaffAuth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

pub mod forecast;
mod rank;
pub mod report;

pub use rank::*;

/// The embedded, validated index rules (`data/index/766.json`).
pub(crate) static CONFIGS: LazyLock<IndexConfigs> = LazyLock::new(IndexConfigs::embedded);

#[derive(Debug, Deserialize, IntoParams)]
pub struct PeriodParams {
    /// `2025-11` (month), `2025-Q4` (quarter) or `2025` (year). Default: the current month.
    pub period: Option<String>,
    /// First day of a custom range (`2025-07-01`), with `to`.
    pub from: Option<String>,
    /// Last day of a custom range, included.
    pub to: Option<String>,
}

pub(crate) fn resolve_period(p: &PeriodParams, now: DateTime<Utc>) -> ApiResult<Period> {
    let period = match (&p.period, &p.from, &p.to) {
        (Some(s), None, None) => Period::parse(s),
        (None, Some(f), Some(t)) => {
            Period::parse_day(f).and_then(|f| Period::parse_day(t).and_then(|t| Period::custom(f, t)))
        }
        (None, None, None) => {
            let d = to_local(now).date();
            Period::parse(&format!("{}-{:02}", d.year(), d.month()))
        }
        _ => Err(index::IndexError::InvalidPeriod("period=… or from=…&to=…".into())),
    };
    period.map_err(|e| ApiError::invalid(&e))
}

/// A sub-rate of a composite indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartView {
    pub name_vi: String,
    pub name_en: String,
    pub numerator: u64,
    pub denominator: u64,
    pub rate: Option<f64>,
    pub points: f64,
}

/// One indicator: its state (`scored`, `not_applicable` or `missing`) and figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorView {
    /// E.g. `ON_TIME`, `DOSSIER_SYNC`.
    pub code: String,
    /// Item number of the national METRICS sheet.
    pub item: u32,
    pub group: String,
    pub name_vi: String,
    pub name_en: String,
    pub max_points: f64,
    /// `scored`, `not_applicable` or `missing`.
    pub state: String,
    pub numerator: Option<u64>,
    pub denominator: Option<u64>,
    pub rate: Option<f64>,
    /// `null` when the inputs are missing.
    pub points: Option<f64>,
    pub parts: Vec<PartView>,
    /// How many dossiers (or PAKN) lost points (listed by the drill-down).
    pub lost_count: usize,
    /// The inputs Motcua does not hold yet.
    pub missing_inputs: Vec<String>,
    pub explanation_vi: Option<String>,
    pub explanation_en: Option<String>,
}

pub(crate) fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl From<&IndicatorReport> for IndicatorView {
    fn from(i: &IndicatorReport) -> IndicatorView {
        let mut v = IndicatorView {
            code: i.code.as_str(),
            item: i.item,
            group: i.group.clone(),
            name_vi: i.name_vi.clone(),
            name_en: i.name_en.clone(),
            max_points: i.max_points,
            state: String::new(),
            numerator: None,
            denominator: None,
            rate: None,
            points: i.points().map(round),
            parts: Vec::new(),
            lost_count: 0,
            missing_inputs: Vec::new(),
            explanation_vi: None,
            explanation_en: None,
        };
        match &i.state {
            IndicatorState::Scored { numerator, denominator, rate, parts, lost, lost_petitions, .. } => {
                v.state = "scored".into();
                (v.numerator, v.denominator, v.rate, v.lost_count) =
                    (Some(*numerator), Some(*denominator), *rate, lost.len() + lost_petitions.len());
                v.parts = parts
                    .iter()
                    .map(|p| PartView {
                        name_vi: p.name_vi.clone(),
                        name_en: p.name_en.clone(),
                        numerator: p.numerator,
                        denominator: p.denominator,
                        rate: p.rate,
                        points: round(p.points),
                    })
                    .collect();
            }
            IndicatorState::NotApplicable { explanation_vi, explanation_en, .. } => {
                v.state = "not_applicable".into();
                v.explanation_vi = Some(explanation_vi.clone());
                v.explanation_en = Some(explanation_en.clone());
            }
            IndicatorState::Missing { inputs, explanation_vi, explanation_en } => {
                v.state = "missing".into();
                v.missing_inputs = inputs.clone();
                v.explanation_vi = Some(explanation_vi.clone());
                v.explanation_en = Some(explanation_en.clone());
            }
        }
        v
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView {
    /// CKMB, TDGQ, CLGQ, MDSH, TTTT or MDHL.
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub max_points: f64,
    pub points: f64,
    pub missing_max: f64,
    pub indicators: Vec<IndicatorView>,
}

/// The period's dossier statistics behind the progress indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressView {
    pub received: u64,
    pub carried_over: u64,
    pub settled_early: u64,
    pub settled_on_time: u64,
    pub settled_late: u64,
    pub in_progress_within: u64,
    pub in_progress_overdue: u64,
    pub paused: u64,
    pub withdrawn: u64,
    pub refused: u64,
}

/// The 766 index of a commune or a province for one period.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexView {
    pub unit: String,
    pub unit_name: String,
    /// `commune` or `province`.
    pub level: String,
    /// `2025-11`, `2025-Q4`, `2025` or `2025-07-01..2025-11-12`.
    pub period: String,
    #[schema(value_type = String, format = Date)]
    pub from: chrono::NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: chrono::NaiveDate,
    /// The figures stand at this instant (the period's end, or now for a running period).
    pub as_of: DateTime<Utc>,
    pub config_version: u32,
    /// Points of the scored and non-applicable items.
    pub total: f64,
    /// The maximum of those items.
    pub scored_max: f64,
    /// The maximum of the items whose inputs Motcua does not hold yet.
    pub missing_max: f64,
    pub groups: Vec<GroupView>,
    pub progress: ProgressView,
}

impl IndexView {
    fn new(r: &IndexReport, unit: &Unit) -> IndexView {
        let p = &r.progress;
        IndexView {
            unit: r.unit.to_string(),
            unit_name: unit.name.clone(),
            level: if r.level == Level::Province { "province" } else { "commune" }.into(),
            period: r.period.label(),
            from: r.period.from,
            to: r.period.to,
            as_of: r.as_of,
            config_version: r.config_version,
            total: round(r.total),
            scored_max: round(r.scored_max),
            missing_max: round(r.missing_max),
            groups: r
                .groups
                .iter()
                .map(|g| GroupView {
                    code: g.code.clone(),
                    name_vi: g.name_vi.clone(),
                    name_en: g.name_en.clone(),
                    max_points: g.max_points,
                    points: round(g.points),
                    missing_max: g.missing_max,
                    indicators: g.indicators.iter().map(IndicatorView::from).collect(),
                })
                .collect(),
            progress: ProgressView {
                received: p.received,
                carried_over: p.carried_over,
                settled_early: p.settled_early,
                settled_on_time: p.settled_on_time,
                settled_late: p.settled_late,
                in_progress_within: p.in_progress_within,
                in_progress_overdue: p.in_progress_overdue,
                paused: p.paused,
                withdrawn: p.withdrawn,
                refused: p.refused,
            },
        }
    }
}

/// May `staff` see the index of `unit`?
pub(crate) fn may_see(staff: &Staff, unit: &Unit) -> bool {
    if staff.unit == unit.code {
        return true;
    }
    matches!(staff.role, Role::ProvinceMonitor | Role::Administrator)
        && staff.unit.is_province()
        && unit.parent.as_ref() == Some(&staff.unit)
}

pub(crate) async fn visible_unit(state: &AppState, staff: &Staff, code: &str) -> ApiResult<Unit> {
    let code = UnitCode::parse(code).map_err(|e| ApiError::invalid(&e))?;
    let unit = state.db.unit(&code).await?.ok_or_else(|| ApiError::not_found("đơn vị", "Unit"))?;
    if may_see(staff, &unit) { Ok(unit) } else { Err(ApiError::forbidden()) }
}

/// The report of `unit` (a commune, or a whole province) for `period`.
pub(crate) async fn unit_report(state: &AppState, unit: &Unit, period: &Period) -> ApiResult<IndexReport> {
    let (scope, level) = if unit.code.is_province() {
        (IndexScope::Province(unit.code.clone()), Level::Province)
    } else {
        (IndexScope::Unit(unit.code.clone()), Level::Commune)
    };
    let inputs: IndexInputs = state.db.index_inputs(&scope, period.start(), period.end()).await?;
    let cfg = CONFIGS.for_date(period.from);
    Ok(index::compute(cfg, &unit.code, level, &inputs, period, state.now()))
}

/// The 766 index of a commune (or, with a 2-digit code, of a whole province) for a period.
#[utoipa::path(get, path = "/api/v1/index/units/{code}", tag = "index",
    params(("code" = String, Path, description = "Commune (5 digits) or province (2 digits) code"), PeriodParams),
    security(("bearer" = [])),
    responses((status = 200, body = IndexView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_unit_index(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiQuery(p): ApiQuery<PeriodParams>,
) -> ApiResult<Json<IndexView>> {
    let unit = visible_unit(&state, &staff, &code).await?;
    let period = resolve_period(&p, state.now())?;
    let report = unit_report(&state, &unit, &period).await?;
    Ok(Json(IndexView::new(&report, &unit)))
}

/// A dossier that cost points, with the address of its page.
#[derive(Debug, Serialize, ToSchema)]
pub struct LostDossier {
    pub code: String,
    pub url: String,
}

/// One indicator with the dossiers behind the points lost.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDetailView {
    pub unit: String,
    pub period: String,
    pub as_of: DateTime<Utc>,
    pub indicator: IndicatorView,
    pub lost: Vec<LostDossier>,
    /// The PAKN behind the points lost (PAKN indicators).
    pub lost_petitions: Vec<LostDossier>,
}

/// Drill-down: one indicator's numerator, denominator, rate, points and the dossiers that lost points.
#[utoipa::path(get, path = "/api/v1/index/units/{code}/indicators/{indicator}", tag = "index",
    params(("code" = String, Path, description = "Commune or province code"),
        ("indicator" = String, Path, description = "Indicator code, e.g. ON_TIME"), PeriodParams),
    security(("bearer" = [])),
    responses((status = 200, body = IndicatorDetailView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_indicator(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath((code, indicator)): ApiPath<(String, String)>,
    ApiQuery(p): ApiQuery<PeriodParams>,
) -> ApiResult<Json<IndicatorDetailView>> {
    let unit = visible_unit(&state, &staff, &code).await?;
    let indicator = IndicatorCode::parse(&indicator).map_err(|e| ApiError::invalid(&e))?;
    let period = resolve_period(&p, state.now())?;
    let report = unit_report(&state, &unit, &period).await?;
    let i = report.indicator(indicator).ok_or_else(|| ApiError::not_found("chỉ tiêu", "Indicator"))?;
    let (lost, lost_petitions) = match &i.state {
        IndicatorState::Scored { lost, lost_petitions, .. } => (
            lost.iter().map(|c| LostDossier { code: c.to_string(), url: format!("/api/v1/dossiers/{c}") }).collect(),
            lost_petitions
                .iter()
                .map(|c| LostDossier { code: c.to_string(), url: format!("/api/v1/petitions/{c}") })
                .collect(),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    Ok(Json(IndicatorDetailView {
        unit: report.unit.to_string(),
        period: period.label(),
        as_of: report.as_of,
        indicator: IndicatorView::from(i),
        lost,
        lost_petitions,
    }))
}

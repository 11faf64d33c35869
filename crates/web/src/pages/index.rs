//! `GET /can-bo/chi-so`: the 766 index of the staff member's unit (or, for province staff, any
//! commune of the province or the province itself) for a period: the total, the six groups as
//! bars, the trend over the last six periods, every indicator's numerator, denominator, rate and
//! points with a link to its drill-down, the progress counts, and — while the period runs — the
//! forecast with the dossiers at risk.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use motcua_domain::index::{IndexReport, IndicatorState, Period};
use motcua_domain::staff::Staff;
use motcua_domain::unit::Unit;
use serde::Deserialize;

use super::index_chart::{BarChart, TrendChart, bars, percent, points, trend};
use super::{Layout, OrPage, Page, PageResult, SignedIn, t};
use crate::api::index::forecast::{ForecastView, unit_forecast};
use crate::api::index::{PeriodParams, resolve_period, unit_report, visible_unit};
use crate::error::ApiResult;
use crate::state::AppState;

/// The query of every index page: `ky` (2026-11, 2026-Q4, 2026) or `tu`/`den`, and `don_vi`.
#[derive(Debug, Default, Deserialize)]
pub struct IndexQuery {
    pub ky: Option<String>,
    pub tu: Option<String>,
    pub den: Option<String>,
    pub don_vi: Option<String>,
}

impl IndexQuery {
    pub fn period(&self, now: chrono::DateTime<chrono::Utc>) -> ApiResult<Period> {
        let blank = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
        resolve_period(&PeriodParams { period: blank(&self.ky), from: blank(&self.tu), to: blank(&self.den) }, now)
    }
}

/// The unit asked for (default: the staff member's own) if the staff member may see it.
pub async fn chosen_unit(state: &AppState, staff: &Staff, q: &IndexQuery) -> ApiResult<Unit> {
    let code = q.don_vi.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| staff.unit.to_string());
    visible_unit(state, staff, &code).await
}

pub struct IndicatorRow {
    pub code: String,
    pub item: u32,
    pub name: String,
    pub figures: String,
    pub rate: String,
    pub points: String,
    pub max: String,
    pub lost: usize,
    pub note: Option<String>,
}

pub struct GroupRow {
    pub code: String,
    pub name: String,
    pub points: String,
    pub max: String,
    pub indicators: Vec<IndicatorRow>,
}

pub struct RiskRow {
    pub code: String,
    pub due: String,
    pub hours_left: String,
    pub points: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "index_unit.html")]
pub struct IndexPage {
    pub layout: Layout,
    pub unit_code: String,
    pub unit_name: String,
    pub period: String,
    pub query: String,
    pub as_of: String,
    pub total: String,
    pub scored_max: String,
    pub missing_max: String,
    pub groups: Vec<GroupRow>,
    pub bars: BarChart,
    pub trend: TrendChart,
    pub trend_rows: Vec<(String, String)>,
    pub progress: Vec<(String, u64)>,
    pub forecast: Option<ForecastView>,
    pub risks: Vec<RiskRow>,
    /// A dossier of this unit has a broken event chain (see `motcua verify`).
    pub tampered: bool,
}

pub fn rows(layout: &Layout, r: &IndexReport) -> Vec<GroupRow> {
    r.groups
        .iter()
        .map(|g| GroupRow {
            code: g.code.clone(),
            name: layout.t(&g.name_vi, &g.name_en).to_string(),
            points: points(g.points),
            max: points(g.max_points),
            indicators: g
                .indicators
                .iter()
                .map(|i| {
                    let (figures, rate, lost, note) = match &i.state {
                        IndicatorState::Scored { numerator, denominator, rate, lost, lost_petitions, .. } => (
                            format!("{numerator} / {denominator}"),
                            percent(*rate),
                            lost.len() + lost_petitions.len(),
                            None,
                        ),
                        IndicatorState::NotApplicable { explanation_vi, explanation_en, .. }
                        | IndicatorState::Missing { explanation_vi, explanation_en, .. } => {
                            ("—".into(), "—".into(), 0, Some(layout.t(explanation_vi, explanation_en).to_string()))
                        }
                    };
                    IndicatorRow {
                        code: i.code.as_str(),
                        item: i.item,
                        name: layout.t(&i.name_vi, &i.name_en).to_string(),
                        figures,
                        rate,
                        points: i.points().map_or_else(|| layout.t("chưa tính", "not scored").into(), points),
                        max: points(i.max_points),
                        lost,
                        note,
                    }
                })
                .collect(),
        })
        .collect()
}

/// The query string that keeps the period and unit across links.
pub fn keep(period: &Period, unit: &Unit) -> String {
    match period.kind {
        motcua_domain::index::PeriodKind::Custom => {
            format!("tu={}&den={}&don_vi={}", period.from, period.to, unit.code)
        }
        _ => format!("ky={}&don_vi={}", period.label(), unit.code),
    }
}

pub async fn show_index(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Query(q): Query<IndexQuery>,
) -> PageResult {
    let lang = layout.lang;
    let layout = layout.titled("Chỉ số phục vụ (766)", "Service index (766)").signed_in(&staff);
    let unit = chosen_unit(&state, &staff, &q).await.or_page(&layout)?;
    let now = state.now();
    let period = q.period(now).or_page(&layout)?;
    let report = unit_report(&state, &unit, &period).await.or_page(&layout)?;
    let mut history = vec![(period, report.total)];
    let mut p = period;
    for _ in 0..5 {
        p = p.previous();
        history.push((p, unit_report(&state, &unit, &p).await.or_page(&layout)?.total));
    }
    history.reverse();
    let forecast = if period.contains(now) {
        Some(unit_forecast(&state, &unit, &period, None).await.or_page(&layout)?)
    } else {
        None
    };
    let c = &report.progress;
    let w = |vi: &str, en: &str| t(lang, vi, en).to_string();
    Ok(IndexPage {
        unit_code: unit.code.to_string(),
        unit_name: unit.name.clone(),
        period: period.label(),
        query: keep(&period, &unit),
        as_of: super::words::when(lang, report.as_of),
        total: points(report.total),
        scored_max: points(report.scored_max),
        missing_max: points(report.missing_max),
        bars: bars(
            t(lang, "Điểm theo nhóm chỉ số", "Points by group"),
            &report
                .groups
                .iter()
                .map(|g| (t(lang, &g.name_vi, &g.name_en).to_string(), g.points, g.max_points))
                .collect::<Vec<_>>(),
        ),
        trend: trend(
            t(lang, "Tổng điểm các kỳ gần đây", "Total over recent periods"),
            &history.iter().map(|(p, v)| (p.label(), *v)).collect::<Vec<_>>(),
        ),
        trend_rows: history.iter().map(|(p, v)| (p.label(), points(*v))).collect(),
        progress: vec![
            (w("Tiếp nhận trong kỳ", "Received in the period"), c.received),
            (w("Kỳ trước chuyển sang", "Carried over"), c.carried_over),
            (w("Giải quyết trước hạn", "Settled early"), c.settled_early),
            (w("Giải quyết đúng hạn", "Settled on time"), c.settled_on_time),
            (w("Giải quyết quá hạn", "Settled late"), c.settled_late),
            (w("Đang giải quyết trong hạn", "In progress, within time"), c.in_progress_within),
            (w("Đang giải quyết quá hạn", "In progress, overdue"), c.in_progress_overdue),
            (w("Chờ bổ sung", "Waiting for the citizen"), c.paused),
            (w("Rút hồ sơ", "Withdrawn"), c.withdrawn),
            (w("Từ chối tiếp nhận", "Refused"), c.refused),
        ],
        risks: forecast
            .iter()
            .flat_map(|f| &f.at_risk)
            .map(|a| RiskRow {
                code: a.code.clone(),
                due: super::words::when(lang, a.due_at),
                hours_left: points(a.hours_left),
                points: points(a.points),
            })
            .collect(),
        forecast,
        tampered: state.hardening.integrity.unit_broken(&state, &unit.code.to_string()),
        groups: rows(&layout, &report),
        layout,
    }
    .into_response())
}

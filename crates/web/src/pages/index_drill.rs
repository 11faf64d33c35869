//! `GET /can-bo/chi-so/{indicator}`: one indicator of the 766 index — numerator, denominator,
//! rate, points (and sub-rates) — with every dossier or PAKN that lost points, each linking to
//! its page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use motcua_domain::index::{IndicatorCode, IndicatorState};

use super::index::{IndexQuery, chosen_unit, keep};
use super::index_chart::{percent, points};
use super::{Layout, OrPage, Page, PageResult, SignedIn};
use crate::api::index::unit_report;
use crate::error::ApiError;
use crate::state::AppState;

pub struct PartRow {
    pub name: String,
    pub figures: String,
    pub rate: String,
    pub points: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "index_drill.html")]
pub struct DrillPage {
    pub layout: Layout,
    pub unit_name: String,
    pub period: String,
    pub query: String,
    pub code: String,
    pub name: String,
    pub figures: String,
    pub rate: String,
    pub points: String,
    pub max: String,
    pub parts: Vec<PartRow>,
    pub dossiers: Vec<String>,
    pub petitions: Vec<String>,
    pub note: Option<String>,
}

pub async fn show_indicator(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path(code): Path<String>,
    Query(q): Query<IndexQuery>,
) -> PageResult {
    let layout = layout.titled("Chi tiết chỉ tiêu", "Indicator detail").signed_in(&staff);
    let lang = layout.lang;
    let unit = chosen_unit(&state, &staff, &q).await.or_page(&layout)?;
    let indicator = IndicatorCode::parse(&code).map_err(|e| ApiError::invalid(&e)).or_page(&layout)?;
    let period = q.period(state.now()).or_page(&layout)?;
    let report = unit_report(&state, &unit, &period).await.or_page(&layout)?;
    let i = report.indicator(indicator).ok_or_else(|| ApiError::not_found("chỉ tiêu", "Indicator")).or_page(&layout)?;
    let mut page = DrillPage {
        unit_name: unit.name.clone(),
        period: period.label(),
        query: keep(&period, &unit),
        code: i.code.as_str(),
        name: super::t(lang, &i.name_vi, &i.name_en).to_string(),
        figures: "—".into(),
        rate: "—".into(),
        points: i.points().map_or_else(|| layout.t("chưa tính", "not scored").into(), points),
        max: points(i.max_points),
        parts: Vec::new(),
        dossiers: Vec::new(),
        petitions: Vec::new(),
        note: None,
        layout,
    };
    match &i.state {
        IndicatorState::Scored { numerator, denominator, rate, parts, lost, lost_petitions, .. } => {
            page.figures = format!("{numerator} / {denominator}");
            page.rate = percent(*rate);
            page.parts = parts
                .iter()
                .map(|p| PartRow {
                    name: super::t(lang, &p.name_vi, &p.name_en).to_string(),
                    figures: format!("{} / {}", p.numerator, p.denominator),
                    rate: percent(p.rate),
                    points: points(p.points),
                })
                .collect();
            page.dossiers = lost.iter().map(ToString::to_string).collect();
            page.petitions = lost_petitions.iter().map(ToString::to_string).collect();
        }
        IndicatorState::NotApplicable { explanation_vi, explanation_en, .. }
        | IndicatorState::Missing { explanation_vi, explanation_en, .. } => {
            page.note = Some(super::t(lang, explanation_vi, explanation_en).to_string());
        }
    }
    Ok(page.into_response())
}

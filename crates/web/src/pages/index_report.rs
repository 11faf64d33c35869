//! `GET /can-bo/bao-cao`: the period report of a unit (or a province) by unit, procedure, field or
//! channel, as a page, or downloaded as CSV or XLSX (`dinh_dang=csv|xlsx`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use motcua_domain::index::Dimension;
use serde::Deserialize;

use super::index::{IndexQuery, chosen_unit, keep};
use super::{Layout, OrPage, Page, PageFailure, PageResult, SignedIn};
use crate::error::ApiError;
use crate::export::{CSV, XLSX, download};
use crate::report::{Cell, csv, unit_statistics, xlsx};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(flatten)]
    pub index: IndexQuery,
    /// `don-vi`, `thu-tuc`, `linh-vuc` or `kenh`.
    pub theo: Option<String>,
    /// `csv` or `xlsx` to download.
    pub dinh_dang: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "index_report.html")]
pub struct ReportPage {
    pub layout: Layout,
    pub unit_name: String,
    pub period: String,
    pub query: String,
    pub by: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn failed(e: String) -> ApiError {
    tracing::error!(error = %e, "report export failed");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "EXPORT_FAILED",
        "Không tạo được tệp báo cáo.",
        "The report file could not be written.",
    )
}

pub async fn show_report(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let layout = layout.titled("Báo cáo tình hình giải quyết hồ sơ", "Dossier statistics report").signed_in(&staff);
    let unit = chosen_unit(&state, &staff, &q.index).await.or_page(&layout)?;
    let now = state.now();
    let period = q.index.period(now).or_page(&layout)?;
    let by_text = q.theo.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "don-vi".into());
    let Some(by) = Dimension::parse(&by_text) else {
        let e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "INVALID_DIMENSION",
            "Chọn báo cáo theo đơn vị, thủ tục, lĩnh vực hoặc kênh.",
            "Choose a report by unit, procedure, field or channel.",
        )
        .with_field("theo");
        return Err(PageFailure::new(layout, e));
    };
    let report = unit_statistics(&state, &unit, &period, by).await.or_page(&layout)?;
    let file = format!("bao-cao-{}-{}-{by_text}", unit.code, period.label());
    match q.dinh_dang.as_deref() {
        Some("csv") => {
            return Ok(download(csv(&report).map_err(failed).or_page(&layout)?, CSV, &format!("{file}.csv")));
        }
        Some("xlsx") => {
            return Ok(download(
                xlsx(&report, "Báo cáo").map_err(failed).or_page(&layout)?,
                XLSX,
                &format!("{file}.xlsx"),
            ));
        }
        _ => {}
    }
    Ok(ReportPage {
        unit_name: unit.name.clone(),
        period: period.label(),
        query: keep(&period, &unit),
        by: by_text,
        header: report.header.clone(),
        rows: report.rows.iter().map(|r| r.iter().map(Cell::text).collect()).collect(),
        layout,
    }
    .into_response())
}

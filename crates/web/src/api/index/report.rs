//! `GET /api/v1/index/units/{code}/report`: the period statistics of a commune (or a province's
//! communes) by unit, procedure, field or channel, as JSON rows, CSV or XLSX.

use axum::response::{IntoResponse, Response};

use super::*;
use crate::export::{CSV, XLSX, download};
use crate::report::{Cell, csv, unit_statistics, xlsx};

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportParams {
    /// `2025-11`, `2025-Q4` or `2025` (default: the current month); or `from`/`to`.
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// `unit` (default), `procedure`, `field` (lĩnh vực) or `channel`.
    pub by: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    pub format: Option<String>,
}

/// The report's header (Vietnamese) and rows; numbers are numbers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub unit: String,
    pub period: String,
    pub header: Vec<String>,
    #[schema(value_type = Vec<Vec<Object>>)]
    pub rows: Vec<Vec<serde_json::Value>>,
}

fn unprocessable(code: &str, vi: &str, en: &str, field: &str) -> ApiError {
    ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, code, vi, en).with_field(field)
}

#[utoipa::path(get, path = "/api/v1/index/units/{code}/report", tag = "index",
    params(("code" = String, Path, description = "Commune or province code"), ReportParams),
    security(("bearer" = [])),
    responses((status = 200, body = ReportView, description = "JSON, or a CSV / XLSX download with `format`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn get_report(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiQuery(p): ApiQuery<ReportParams>,
) -> ApiResult<Response> {
    let unit = visible_unit(&state, &staff, &code).await?;
    let period = resolve_period(&PeriodParams { period: p.period, from: p.from, to: p.to }, state.now())?;
    let by = index::Dimension::parse(p.by.as_deref().unwrap_or("unit")).ok_or_else(|| {
        unprocessable(
            "INVALID_DIMENSION",
            "Chọn báo cáo theo unit, procedure, field hoặc channel.",
            "Choose by unit, procedure, field or channel.",
            "by",
        )
    })?;
    let report = unit_statistics(&state, &unit, &period, by).await?;
    let failed = |e: String| {
        tracing::error!(error = %e, "report export failed");
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "EXPORT_FAILED",
            "Không tạo được tệp báo cáo.",
            "The report file could not be written.",
        )
    };
    let file = format!("bao-cao-{}-{}", unit.code, period.label());
    Ok(match p.format.as_deref().unwrap_or("json") {
        "json" => Json(ReportView {
            unit: unit.code.to_string(),
            period: period.label(),
            header: report.header.clone(),
            rows: report
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            Cell::Text(s) => serde_json::Value::from(s.clone()),
                            Cell::Number(n) => serde_json::Value::from(*n),
                        })
                        .collect()
                })
                .collect(),
        })
        .into_response(),
        "csv" => download(csv(&report).map_err(failed)?, CSV, &format!("{file}.csv")),
        "xlsx" => download(xlsx(&report, "Báo cáo").map_err(failed)?, XLSX, &format!("{file}.xlsx")),
        _ => {
            return Err(unprocessable(
                "INVALID_FORMAT",
                "Định dạng phải là json, csv hoặc xlsx.",
                "The format must be json, csv or xlsx.",
                "format",
            ));
        }
    })
}

//! `GET /can-bo/ho-tro-cong-dong/bao-cao?tu=&den=[&dinh_dang=csv]`: the unit's assisted dossiers
//! of a period by session occurrence, neighborhood and helper, and their share of the unit's
//! online dossiers; the same table as CSV (UTF-8 with BOM, for Excel).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{Datelike, Duration, NaiveDate};
use motcua_domain::Described;
use motcua_domain::calendar::from_local;
use motcua_domain::ports::SupportStore;
use motcua_domain::support::{ReportLine, SupportError, SupportReport};
use serde::Deserialize;

use super::support::may_manage;
use super::support_rows::today;
use super::{FieldError, Lang, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, t};
use crate::error::ApiError;
use crate::export::{self, Table};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "support_report.html")]
pub struct SupportReportPage {
    pub layout: Layout,
    pub from: String,
    pub to: String,
    pub report: SupportReport,
    pub share: String,
    pub sections: Vec<(&'static str, &'static str, Vec<ReportLine>)>,
    pub errors: Vec<FieldError>,
}

impl SupportReportPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

/// The three breakdowns with their headings.
fn sections(r: &SupportReport) -> Vec<(&'static str, &'static str, Vec<ReportLine>)> {
    vec![
        ("Theo buổi hỗ trợ", "By session", r.by_session.clone()),
        ("Theo khu phố, ấp", "By neighborhood", r.by_neighborhood.clone()),
        ("Theo người hỗ trợ", "By helper", r.by_helper.clone()),
    ]
}

#[derive(Debug, Deserialize)]
pub struct Period {
    pub tu: Option<String>,
    pub den: Option<String>,
    pub dinh_dang: Option<String>,
}

fn date(s: Option<&str>, default: NaiveDate) -> Result<NaiveDate, SupportError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| SupportError::Date),
    }
}

/// The period asked for (default: this month so far), inclusive of both dates.
fn period(q: &Period, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), (SupportError, &'static str)> {
    let first = today.with_day(1).unwrap_or(today);
    let from = date(q.tu.as_deref(), first).map_err(|e| (e, "tu"))?;
    let to = date(q.den.as_deref(), today).map_err(|e| (e, "den"))?;
    if to < from || (to - from).num_days() > 366 {
        return Err((SupportError::Period, "den"));
    }
    Ok((from, to))
}

fn percent(lang: Lang, r: &SupportReport) -> String {
    match r.share_percent() {
        Some(p) => format!("{p:.1}%"),
        None => t(lang, "chưa có hồ sơ trực tuyến", "no online dossiers").into(),
    }
}

fn table(lang: Lang, r: &SupportReport) -> Table {
    let header = [("Nhóm", "Breakdown"), ("Tên", "Name"), ("Chi tiết", "Detail"), ("Số hồ sơ", "Dossiers")];
    let mut header: Vec<String> = header.iter().map(|(vi, en)| t(lang, vi, en).to_string()).collect();
    header.push(t(lang, "Trong đó trực tuyến", "Of which online").into());
    let mut rows = Vec::new();
    let groups = [
        (t(lang, "Buổi hỗ trợ", "Session"), &r.by_session),
        (t(lang, "Khu phố, ấp", "Neighborhood"), &r.by_neighborhood),
        (t(lang, "Người hỗ trợ", "Helper"), &r.by_helper),
    ];
    for (group, lines) in groups {
        for l in lines {
            let cells = [group.to_string(), l.label.clone(), l.detail.clone(), l.dossiers.to_string()];
            rows.push(cells.into_iter().chain([l.online.to_string()]).collect());
        }
    }
    let total = t(lang, "Tổng", "Total").to_string();
    rows.push(vec![
        total.clone(),
        t(lang, "Hồ sơ được hỗ trợ", "Assisted dossiers").into(),
        String::new(),
        r.assisted.to_string(),
        r.online.to_string(),
    ]);
    rows.push(vec![
        total,
        t(lang, "Hồ sơ trực tuyến của đơn vị", "Unit's online dossiers").into(),
        percent(lang, r),
        r.online_total.to_string(),
        r.online_total.to_string(),
    ]);
    Table { header, rows }
}

pub async fn show_support_report(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Query(q): Query<Period>,
) -> PageResult {
    let layout = layout.titled("Báo cáo hỗ trợ cộng đồng", "Support days report").signed_in(&staff);
    if !may_manage(&staff) {
        return Err(PageFailure::new(layout, ApiError::forbidden()));
    }
    let lang = layout.lang;
    let now = today(&state);
    let (from, to) = match period(&q, now) {
        Ok(p) => p,
        Err((e, field)) => {
            let id = if field == "tu" { "tu-ngay" } else { "den-ngay" };
            let errors = vec![FieldError { id: id.into(), message: t(lang, &e.message_vi(), &e.message_en()).into() }];
            let (from, to) = (q.tu.clone().unwrap_or_default(), q.den.clone().unwrap_or_default());
            let page = SupportReportPage {
                layout,
                from,
                to,
                report: SupportReport::default(),
                share: String::new(),
                sections: Vec::new(),
                errors,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let unit = &staff.unit;
    let (start, end) = (
        from_local(from.and_time(chrono::NaiveTime::MIN)),
        from_local((to + Duration::days(1)).and_time(chrono::NaiveTime::MIN)),
    );
    let records = state.db.assisted(unit, start, end).await.or_page(&layout)?;
    let online_total = state.db.online_count(unit, start, end).await.or_page(&layout)?;
    let sessions = state.db.sessions(Some(unit)).await.or_page(&layout)?;
    let hoods = state.db.neighborhoods(unit).await.or_page(&layout)?;
    let helpers = state.db.helpers(unit).await.or_page(&layout)?;
    let report = SupportReport::build(&records, online_total, &sessions, &hoods, &helpers, lang == Lang::En);
    if q.dinh_dang.as_deref() == Some("csv") {
        let bytes = export::csv(&table(lang, &report)).map_err(|e| {
            tracing::error!(error = %e, "support report export failed");
            let vi = "Không xuất được báo cáo; vui lòng thử lại.";
            let e = ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "EXPORT_FAILED",
                vi,
                "The report could not be exported; please try again.",
            );
            PageFailure::new(layout.clone(), e)
        })?;
        let name = format!("ho-tro-cong-dong-{}-{from}-{to}.csv", unit.as_str());
        return Ok(export::download(bytes, export::CSV, &name));
    }
    let share = percent(lang, &report);
    let sections = sections(&report);
    Ok(SupportReportPage {
        layout,
        from: from.to_string(),
        to: to.to_string(),
        report,
        share,
        sections,
        errors: Vec::new(),
    }
    .into_response())
}

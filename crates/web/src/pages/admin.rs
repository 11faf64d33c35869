//! `/can-bo/quan-tri`: administration for the administrator role — the province's units (agency
//! code, working hours) and calendar amendments, each saved with its audit record through
//! `AdminStore::administer`. Every form carries the CSRF token; bad input is explained next to
//! its field and changes nothing. Staff accounts are `admin_staff.rs`, the procedure catalog
//! `admin_catalog.rs`, the audit trail `admin_audit.rs`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::{Datelike, NaiveDate};
use motcua_domain::audit::AdminChange;
use motcua_domain::calendar::{Amendment, WorkingHours};
use motcua_domain::ports::{AdminStore, CalendarStore, CatalogStore, StoreError};
use motcua_domain::staff::{Role, Staff};
use motcua_domain::unit::AgencyCode;
use serde::Deserialize;

use super::{FieldError, Form, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, check_csrf, t};
use crate::error::ApiError;
use crate::state::AppState;

/// A line of a listing: its cells.
pub type Line = Vec<String>;

/// A unit as the units page shows it, with its editable values.
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub code: String,
    pub name: String,
    pub agency: String,
    pub hours: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin.html")]
pub struct AdminPage {
    pub layout: Layout,
    /// `don-vi` or `lich`.
    pub section: &'static str,
    pub units: Vec<UnitRow>,
    pub amendments: Vec<Line>,
    pub values: Vec<(String, String)>,
    pub notice: Option<String>,
    pub errors: Vec<FieldError>,
}

impl AdminPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }

    fn value(&self, name: &str) -> &str {
        self.values.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }
}

#[derive(Debug, Deserialize)]
pub struct Done {
    pub xong: Option<String>,
}

/// Only administrators of a province come in.
pub fn admin_only(layout: &Layout, staff: &Staff) -> Result<(), PageFailure> {
    if staff.role == Role::Administrator && staff.unit.is_province() {
        Ok(())
    } else {
        Err(PageFailure::new(layout.clone(), ApiError::forbidden()))
    }
}

fn layout_for(layout: Layout, staff: &Staff) -> Layout {
    layout.titled("Quản trị", "Administration").signed_in(staff)
}

async fn page(
    state: &AppState,
    layout: Layout,
    admin: &Staff,
    section: &'static str,
    values: Vec<(String, String)>,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<AdminPage, PageFailure> {
    let lang = layout.lang;
    let units = state.db.units(Some(&admin.unit)).await.or_page(&layout)?;
    let units = units
        .into_iter()
        .map(|u| UnitRow {
            code: u.code.to_string(),
            name: u.name,
            agency: u.agency.to_string(),
            hours: u.working_hours.to_string(),
        })
        .collect();
    let amendments = state
        .db
        .amendments()
        .await
        .or_page(&layout)?
        .into_iter()
        .map(|a| {
            let kind = if a.working {
                t(lang, "Ngày làm việc", "Working day")
            } else {
                t(lang, "Ngày nghỉ", "Day off")
            };
            vec![a.version.to_string(), a.date.format("%d/%m/%Y").to_string(), kind.into(), a.reason]
        })
        .collect();
    Ok(AdminPage { layout, section, units, amendments, values, notice, errors })
}

fn done(layout: &Layout, q: &Done) -> Option<String> {
    q.xong.as_ref().map(|_| t(layout.lang, "Đã lưu.", "Saved.").to_string())
}

async fn show(state: AppState, layout: Layout, staff: Staff, section: &'static str, q: Done) -> PageResult {
    let layout = layout_for(layout, &staff);
    admin_only(&layout, &staff)?;
    let notice = done(&layout, &q);
    Ok(page(&state, layout, &staff, section, Vec::new(), Vec::new(), notice).await?.into_response())
}

/// `GET /can-bo/quan-tri/don-vi`: the province's units.
pub async fn show_units(
    State(s): State<AppState>,
    Page(l): Page,
    SignedIn(st): SignedIn,
    Query(q): Query<Done>,
) -> PageResult {
    show(s, l, st, "don-vi", q).await
}

/// `GET /can-bo/quan-tri/lich`: calendar amendments.
pub async fn show_calendar(
    State(s): State<AppState>,
    Page(l): Page,
    SignedIn(st): SignedIn,
    Query(q): Query<Done>,
) -> PageResult {
    show(s, l, st, "lich", q).await
}

fn field(lang: super::Lang, id: &str, vi: &str, en: &str) -> FieldError {
    FieldError { id: id.into(), message: t(lang, vi, en).into() }
}

/// `POST /can-bo/quan-tri/don-vi/{code}`: a commune's agency code and working hours.
pub async fn update_unit(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(admin): SignedIn,
    Path(code): Path<String>,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let layout = layout_for(layout, &admin);
    admin_only(&layout, &admin)?;
    let lang = layout.lang;
    let units = state.db.units(Some(&admin.unit)).await.or_page(&layout)?;
    let Some(mut unit) = units.into_iter().find(|u| u.code.as_str() == code) else {
        return Err(PageFailure::new(
            layout,
            ApiError::not_found("đơn vị này trong tỉnh", "This unit of the province"),
        ));
    };
    let mut errors = Vec::new();
    match AgencyCode::parse(form.get("ma_dinh_danh")) {
        Ok(a) => unit.agency = a,
        Err(_) => errors.push(field(
            lang,
            &format!("ma-{code}"),
            "Mã định danh gồm 4 phần cách nhau bởi dấu chấm, ví dụ 000.00.12.H56.",
            "The agency code has 4 dotted parts, e.g. 000.00.12.H56.",
        )),
    }
    match form.get("gio_lam_viec").parse::<WorkingHours>() {
        Ok(h) => unit.working_hours = h,
        Err(_) => errors.push(field(
            lang,
            &format!("gio-{code}"),
            "Giờ làm việc có dạng 07:00-11:30,13:30-17:00.",
            "Working hours look like 07:00-11:30,13:30-17:00.",
        )),
    }
    if errors.is_empty() {
        match state.db.administer(&AdminChange::SaveUnit(unit), &admin, state.now()).await {
            Ok(_) => return Ok(Redirect::to("/can-bo/quan-tri/don-vi?xong=1").into_response()),
            Err(StoreError::Conflict(_)) => errors.push(field(
                lang,
                &format!("ma-{code}"),
                "Mã định danh này đã dùng cho một đơn vị khác.",
                "This agency code is already used by another unit.",
            )),
            Err(e) => return Err(PageFailure::new(layout, e.into())),
        }
    }
    let page = page(&state, layout, &admin, "don-vi", Vec::new(), errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `POST /can-bo/quan-tri/lich`: a calendar amendment (a new holiday-data version; deadlines
/// already issued keep theirs).
pub async fn add_amendment(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(admin): SignedIn,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let layout = layout_for(layout, &admin);
    admin_only(&layout, &admin)?;
    let lang = layout.lang;
    let mut errors = Vec::new();
    let date = NaiveDate::parse_from_str(form.get("ngay").trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1901..=2199).contains(&d.year()));
    if date.is_none() {
        errors.push(field(
            lang,
            "ngay",
            "Ngày có dạng năm-tháng-ngày (1901–2199), ví dụ 2026-09-01.",
            "Dates are year-month-day (1901–2199), e.g. 2026-09-01.",
        ));
    }
    let working = match form.get("loai") {
        "lam-viec" => Some(true),
        "nghi" => Some(false),
        _ => {
            errors.push(field(
                lang,
                "loai",
                "Vui lòng chọn ngày nghỉ hay ngày làm việc.",
                "Choose day off or working day.",
            ));
            None
        }
    };
    let reason = form.get("ly_do").trim();
    if reason.is_empty() {
        errors.push(field(
            lang,
            "ly-do",
            "Vui lòng ghi lý do (ví dụ số văn bản thông báo).",
            "State the reason (e.g. the notice number).",
        ));
    }
    if let (Some(date), Some(working), true) = (date, working, errors.is_empty()) {
        state.invalidate_calendar();
        let data = state.calendar_data().await.or_page(&layout)?;
        let a = Amendment { version: data.latest_version() + 1, date, working, reason: reason.into() };
        state.db.administer(&AdminChange::AddAmendment(a), &admin, state.now()).await.or_page(&layout)?;
        state.invalidate_calendar();
        return Ok(Redirect::to("/can-bo/quan-tri/lich?xong=1").into_response());
    }
    let values = form.0.into_iter().filter(|(k, _)| k != "csrf").collect();
    let page = page(&state, layout, &admin, "lich", values, errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

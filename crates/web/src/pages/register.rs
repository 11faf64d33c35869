//! `GET /can-bo/so-theo-doi`: the dossier register (Mẫu 06, "Sổ theo dõi hồ sơ") as a page
//! filtered by unit, period (submission date, Vietnam time), status and procedure, 100 rows a
//! page; and `GET /can-bo/so-theo-doi/xuat/{csv|xlsx}`, the same rows (every page) as a file.
//! Commune staff see their unit; province roles choose a commune of their province.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::dossier::{Dossier, Status};
use motcua_domain::ports::{CatalogStore, DossierFilter, DossierStore, StoreError};
use motcua_domain::staff::Staff;
use motcua_domain::unit::UnitCode;
use serde::Deserialize;

use super::submit::Choice;
use super::{FieldError, Lang, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, t, words};
use crate::error::ApiError;
use crate::export::{self, Table};
use crate::state::AppState;

const PAGE_ROWS: u32 = 100;
/// The most rows one export carries.
const EXPORT_ROWS: usize = 100_000;

/// The filters, as typed in the query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegisterQuery {
    pub don_vi: Option<String>,
    pub tu_ngay: Option<String>,
    pub den_ngay: Option<String>,
    pub trang_thai: Option<String>,
    pub thu_tuc: Option<String>,
    /// The cursor of the page.
    pub trang: Option<String>,
}

impl RegisterQuery {
    fn get(v: &Option<String>) -> &str {
        v.as_deref().map_or("", str::trim)
    }

    /// The query string of these filters (without the page), for links.
    pub fn filters(&self) -> String {
        let pairs = [
            ("don_vi", Self::get(&self.don_vi)),
            ("tu_ngay", Self::get(&self.tu_ngay)),
            ("den_ngay", Self::get(&self.den_ngay)),
            ("trang_thai", Self::get(&self.trang_thai)),
            ("thu_tuc", Self::get(&self.thu_tuc)),
        ];
        let mut out = String::new();
        for (k, v) in pairs.into_iter().filter(|(_, v)| !v.is_empty()) {
            let v: String = v
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            out.push_str(&format!("{}{k}={v}", if out.is_empty() { "" } else { "&" }));
        }
        out
    }
}

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7")
}

/// The start of a Vietnam day (`plus` days later), from `YYYY-MM-DD`.
fn day_start(s: &str, plus: i64) -> Option<DateTime<Utc>> {
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()? + chrono::Duration::days(plus);
    vietnam().from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single().map(|t| t.with_timezone(&Utc))
}

/// The store filter for these filters, as `staff` may see; or the fields that are wrong.
pub fn filter_for(lang: Lang, staff: &Staff, q: &RegisterQuery) -> Result<DossierFilter, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut bad =
        |id: &str, vi: &str, en: &str| errors.push(FieldError { id: id.into(), message: t(lang, vi, en).into() });
    let mut f = DossierFilter::default();
    let unit = RegisterQuery::get(&q.don_vi);
    if staff.unit.is_province() {
        f.province = Some(staff.unit.clone());
        if !unit.is_empty() {
            match UnitCode::parse(unit) {
                Ok(u) => f.unit = Some(u),
                Err(_) => bad("don-vi", "Đơn vị không hợp lệ.", "The unit is not valid."),
            }
        }
    } else {
        f.unit = Some(staff.unit.clone());
    }
    for (id, value, plus, slot) in [("tu-ngay", &q.tu_ngay, 0, 0), ("den-ngay", &q.den_ngay, 1, 1)] {
        let v = RegisterQuery::get(value);
        if v.is_empty() {
            continue;
        }
        match day_start(v, plus) {
            Some(at) if slot == 0 => f.submitted_from = Some(at),
            Some(at) => f.submitted_to = Some(at),
            None => bad(
                id,
                "Ngày phải có dạng năm-tháng-ngày, ví dụ 2026-11-23.",
                "Dates are year-month-day, e.g. 2026-11-23.",
            ),
        }
    }
    if f.submitted_from.zip(f.submitted_to).is_some_and(|(a, b)| a >= b) {
        bad(
            "den-ngay",
            "Ngày kết thúc phải từ ngày bắt đầu trở đi.",
            "The end date must not be before the start date.",
        );
    }
    let status = RegisterQuery::get(&q.trang_thai);
    if !status.is_empty() {
        match Status::parse(status) {
            Some(s) => f.status = Some(s),
            None => bad("trang-thai", "Trạng thái không hợp lệ.", "The status is not valid."),
        }
    }
    let procedure = RegisterQuery::get(&q.thu_tuc);
    if !procedure.is_empty() {
        match ProcedureCode::parse(procedure) {
            Ok(p) => f.procedure = Some(p),
            Err(_) => bad(
                "thu-tuc",
                "Mã thủ tục không hợp lệ, ví dụ 1.001193.",
                "The procedure code is not valid, e.g. 1.001193.",
            ),
        }
    }
    if errors.is_empty() { Ok(f) } else { Err(errors) }
}

fn channel(lang: Lang, c: motcua_domain::dossier::Channel) -> &'static str {
    use motcua_domain::dossier::Channel::*;
    match c {
        Counter => t(lang, "Trực tiếp", "In person"),
        Online => t(lang, "Trực tuyến", "Online"),
        Post => t(lang, "Bưu chính", "By post"),
    }
}

/// The register's columns.
fn header(lang: Lang) -> Vec<String> {
    [
        ("STT", "No."),
        ("Mã hồ sơ", "Dossier code"),
        ("Tên thủ tục hành chính", "Procedure"),
        ("Tên cá nhân, tổ chức", "Applicant"),
        ("Địa chỉ, số điện thoại", "Address, phone"),
        ("Kênh nộp", "Channel"),
        ("Ngày nộp", "Submitted"),
        ("Ngày nhận hồ sơ", "Received"),
        ("Ngày hẹn trả kết quả", "Due"),
        ("Ngày có kết quả", "Decided"),
        ("Ngày trả kết quả", "Returned"),
        ("Trạng thái", "Status"),
        ("Ghi chú", "Note"),
    ]
    .iter()
    .map(|(vi, en)| t(lang, vi, en).to_string())
    .collect()
}

/// The register rows of `dossiers`, numbered from `first`.
async fn rows(
    state: &AppState,
    lang: Lang,
    dossiers: &[Dossier],
    first: usize,
) -> Result<Vec<Vec<String>>, StoreError> {
    let mut names: HashMap<String, String> = HashMap::new();
    let now = state.now();
    let mut out = Vec::with_capacity(dossiers.len());
    for (i, d) in dossiers.iter().enumerate() {
        let key = d.procedure.to_string();
        if !names.contains_key(&key) {
            let name = state.db.procedure(&d.procedure).await?.map_or(key.clone(), |p| p.name);
            names.insert(key.clone(), name);
        }
        let when = |t: Option<DateTime<Utc>>| t.map(|t| words::when(lang, t)).unwrap_or_default();
        let contact: Vec<&str> =
            [d.applicant.address.as_deref(), d.applicant.phone.as_deref()].into_iter().flatten().collect();
        let late = match (d.due_at, d.ended_at) {
            (Some(due), Some(end)) => end > due,
            (Some(due), None) => now > due && !d.status.is_final(),
            _ => false,
        };
        let mut note = if late { t(lang, "Quá hạn", "Late").to_string() } else { String::new() };
        if let Some(n) = &d.pending_note {
            note = if note.is_empty() { n.clone() } else { format!("{note}; {n}") };
        }
        out.push(vec![
            (first + i).to_string(),
            d.code.to_string(),
            names[&key].clone(),
            d.applicant.name.clone(),
            contact.join(", "),
            channel(lang, d.channel).to_string(),
            words::when(lang, d.submitted_at),
            when(d.received_at),
            when(d.due_at),
            when(d.ended_at.filter(|_| matches!(d.status, Status::Decided | Status::Returned))),
            when(d.returned_at),
            words::status(lang, d.status).to_string(),
            note,
        ]);
    }
    Ok(out)
}

#[derive(Template, WebTemplate)]
#[template(path = "register.html")]
pub struct RegisterPage {
    pub layout: Layout,
    pub q: RegisterQuery,
    pub units: Vec<Choice>,
    pub statuses: Vec<Choice>,
    /// The text filters: (id, name, label, value).
    pub texts: Vec<(&'static str, &'static str, String, String)>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub next: Option<String>,
    pub filters: String,
    pub errors: Vec<FieldError>,
}

impl RegisterPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

pub async fn show_register(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Query(q): Query<RegisterQuery>,
) -> PageResult {
    let lang = layout.lang;
    let layout = layout.titled("Sổ theo dõi hồ sơ", "Dossier register").signed_in(&staff);
    let units = if staff.unit.is_province() {
        let chosen = RegisterQuery::get(&q.don_vi).to_string();
        let all = state.db.units(Some(&staff.unit)).await.or_page(&layout)?;
        all.into_iter()
            .map(|u| Choice { selected: u.code.to_string() == chosen, value: u.code.to_string(), label: u.name })
            .collect()
    } else {
        Vec::new()
    };
    let chosen = RegisterQuery::get(&q.trang_thai).to_string();
    let statuses = Status::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().into(),
            label: words::status(lang, *s).into(),
            selected: s.as_str() == chosen,
        })
        .collect();
    let (rows, next, errors) = match filter_for(lang, &staff, &q) {
        Ok(f) => {
            let page =
                state.db.list(&f, q.trang.as_deref().filter(|c| !c.is_empty()), PAGE_ROWS).await.or_page(&layout)?;
            (rows(&state, lang, &page.items, 1).await.or_page(&layout)?, page.next_cursor, Vec::new())
        }
        Err(errors) => (Vec::new(), None, errors),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let filters = q.filters();
    let text = |id, name, vi, en, v: &Option<String>| {
        (id, name, t(lang, vi, en).to_string(), RegisterQuery::get(v).to_string())
    };
    let texts = vec![
        text("tu-ngay", "tu_ngay", "Nộp từ ngày (năm-tháng-ngày)", "Submitted from (year-month-day)", &q.tu_ngay),
        text("den-ngay", "den_ngay", "Đến ngày (năm-tháng-ngày)", "To (year-month-day)", &q.den_ngay),
        text("thu-tuc", "thu_tuc", "Mã thủ tục", "Procedure code", &q.thu_tuc),
    ];
    let page = RegisterPage { layout, header: header(lang), units, statuses, texts, rows, next, filters, errors, q };
    Ok((status, page).into_response())
}

pub async fn export_register(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path(format): Path<String>,
    Query(q): Query<RegisterQuery>,
) -> PageResult {
    let lang = layout.lang;
    let layout = layout.signed_in(&staff);
    if format != "csv" && format != "xlsx" {
        return Err(PageFailure::new(layout, ApiError::not_found("định dạng xuất này", "This export format")));
    }
    let f = filter_for(lang, &staff, &q).map_err(|errors| {
        let m = errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join(" ");
        PageFailure::new(
            layout.clone(),
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_FILTER", m.clone(), m),
        )
    })?;
    let mut table = Table { header: header(lang), rows: Vec::new() };
    let mut cursor: Option<String> = None;
    loop {
        let page = state.db.list(&f, cursor.as_deref(), 1_000).await.or_page(&layout)?;
        let first = table.rows.len() + 1;
        table.rows.extend(rows(&state, lang, &page.items, first).await.or_page(&layout)?);
        cursor = page.next_cursor;
        if cursor.is_none() || table.rows.len() >= EXPORT_ROWS {
            break;
        }
    }
    let stamp = state.now().with_timezone(&vietnam()).format("%Y%m%d");
    let name = format!("so-theo-doi-ho-so-{stamp}.{format}");
    let failed = |e: export::ExportError| {
        tracing::error!(error = %e, "register export failed");
        PageFailure::new(
            layout.clone(),
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "EXPORT_FAILED",
                "Không xuất được sổ; vui lòng thử lại.",
                "The register could not be exported; please try again.",
            ),
        )
    };
    Ok(match format.as_str() {
        "csv" => export::download(export::csv(&table).map_err(failed)?, export::CSV, &name),
        _ => export::download(export::xlsx(&table, "Sổ theo dõi hồ sơ").map_err(failed)?, export::XLSX, &name),
    })
}

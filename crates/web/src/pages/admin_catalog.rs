//! `/can-bo/quan-tri/thu-tuc`: the administrator edits a procedure of the catalog — its
//! statutory time, the amount of each fee line, and its components (name, required, a new one)
//! — stored with its audit record (before and after) through `AdminStore::administer`. Dossiers
//! already received keep the deadline and fees they were given.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveTime;
use motcua_domain::calendar::StatutoryTime;
use motcua_domain::catalog::{ComponentSpec, Procedure, ProcedureCode};
use motcua_domain::ports::{AdminStore, CatalogStore, ProcedureQuery};

use super::admin::{Done, admin_only};
use super::{FieldError, Form, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, check_csrf, t, words};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "admin_catalog.html")]
pub struct CatalogPage {
    pub layout: Layout,
    /// (code, name, statutory time) of every procedure, when no procedure is open.
    pub list: Vec<(String, String, String)>,
    pub procedure: Option<Procedure>,
    /// The statutory time's kind and number as the form shows them.
    pub time_kind: String,
    pub time_number: String,
    pub notice: Option<String>,
    pub errors: Vec<FieldError>,
}

impl CatalogPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }

    /// The message for the `i`-th field named `{prefix}-{i}`.
    fn error_at(&self, prefix: &str, i: &usize) -> Option<&str> {
        self.error(&format!("{prefix}-{i}"))
    }
}

fn time_fields(t: &StatutoryTime) -> (String, String) {
    match t {
        StatutoryTime::WorkingDays { days } => ("ngay-lam-viec".into(), days.to_string()),
        StatutoryTime::WorkingHours { hours } => ("gio-lam-viec".into(), hours.to_string()),
        StatutoryTime::SameDay { cutoff } => ("trong-ngay".into(), cutoff.format("%H:%M").to_string()),
        StatutoryTime::CalendarDays { days } => ("ngay".into(), days.to_string()),
    }
}

fn parse_time(kind: &str, number: &str) -> Option<StatutoryTime> {
    let n = || number.trim().parse::<u32>().ok().filter(|n| (1..=365).contains(n));
    Some(match kind {
        "ngay-lam-viec" => StatutoryTime::WorkingDays { days: n()? },
        "gio-lam-viec" => StatutoryTime::WorkingHours { hours: n()? },
        "ngay" => StatutoryTime::CalendarDays { days: n()? },
        "trong-ngay" => StatutoryTime::SameDay { cutoff: NaiveTime::parse_from_str(number.trim(), "%H:%M").ok()? },
        _ => return None,
    })
}

async fn open(state: &AppState, layout: &Layout, code: &str) -> Result<Procedure, PageFailure> {
    let missing = || PageFailure::new(layout.clone(), ApiError::not_found("thủ tục này", "This procedure"));
    let code = ProcedureCode::parse(code).map_err(|_| missing())?;
    state.db.procedure(&code).await.or_page(layout)?.ok_or_else(missing)
}

fn page(layout: Layout, procedure: Option<Procedure>, errors: Vec<FieldError>, notice: Option<String>) -> CatalogPage {
    let (time_kind, time_number) = procedure.as_ref().map(|p| time_fields(&p.statutory_time)).unwrap_or_default();
    CatalogPage { layout, list: Vec::new(), procedure, time_kind, time_number, notice, errors }
}

pub async fn show_catalog(State(state): State<AppState>, Page(layout): Page, SignedIn(admin): SignedIn) -> PageResult {
    let layout = layout.titled("Quản trị thủ tục", "Procedures").signed_in(&admin);
    admin_only(&layout, &admin)?;
    let lang = layout.lang;
    let all =
        state.db.search_procedures(&ProcedureQuery { limit: 1_000, ..Default::default() }).await.or_page(&layout)?;
    let mut p = page(layout, None, Vec::new(), None);
    p.list =
        all.into_iter().map(|x| (x.code.to_string(), x.name, words::statutory_time(lang, &x.statutory_time))).collect();
    Ok(p.into_response())
}

pub async fn show_procedure(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(admin): SignedIn,
    Path(code): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let layout = layout.titled("Quản trị thủ tục", "Procedures").signed_in(&admin);
    admin_only(&layout, &admin)?;
    let p = open(&state, &layout, &code).await?;
    let notice = q.xong.map(|_| t(layout.lang, "Đã lưu.", "Saved.").to_string());
    Ok(page(layout, Some(p), Vec::new(), notice).into_response())
}

pub async fn save_procedure(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(admin): SignedIn,
    Path(code): Path<String>,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let layout = layout.titled("Quản trị thủ tục", "Procedures").signed_in(&admin);
    admin_only(&layout, &admin)?;
    let lang = layout.lang;
    let mut p = open(&state, &layout, &code).await?;
    let mut errors = Vec::new();
    let mut bad =
        |id: &str, vi: &str, en: &str| errors.push(FieldError { id: id.into(), message: t(lang, vi, en).into() });
    match parse_time(form.get("loai_thoi_han"), form.get("thoi_han")) {
        Some(time) => p.statutory_time = time,
        None => bad(
            "thoi-han",
            "Thời hạn là số từ 1 đến 365 (hoặc giờ:phút nhận muộn nhất cho thủ tục trong ngày).",
            "The time is a number from 1 to 365 (or the hour:minute cut-off for same-day procedures).",
        ),
    }
    for (i, fee) in p.fees.iter_mut().enumerate() {
        match form.get(&format!("phi_{i}")).trim().replace('.', "").parse::<i64>() {
            Ok(a) if (0..=1_000_000_000).contains(&a) => fee.amount = a,
            _ => bad(
                &format!("phi-{i}"),
                "Số tiền là số đồng từ 0 đến 1.000.000.000.",
                "The amount is in đồng, from 0 to 1,000,000,000.",
            ),
        }
    }
    for (i, c) in p.components.iter_mut().enumerate() {
        let name = form.get(&format!("ten_{i}")).trim();
        if name.is_empty() || name.chars().count() > 500 {
            bad(
                &format!("ten-{i}"),
                "Tên thành phần không được để trống (tối đa 500 ký tự).",
                "A component needs a name (at most 500 characters).",
            );
        } else {
            c.name = name.into();
        }
        c.required = form.all("bat_buoc").contains(&c.code);
    }
    let (new_code, new_name) = (form.get("ma_moi").trim(), form.get("ten_moi").trim());
    if !new_code.is_empty() || !new_name.is_empty() {
        let code_ok =
            new_code.len() <= 16 && new_code.bytes().all(|b| b.is_ascii_alphanumeric()) && !new_code.is_empty();
        if !code_ok || p.components.iter().any(|c| c.code == new_code) {
            bad(
                "ma-moi",
                "Mã thành phần mới gồm chữ và số (tối đa 16), chưa có trong thủ tục.",
                "A new component code is letters and digits (at most 16), not yet used.",
            );
        } else if new_name.is_empty() {
            bad("ten-moi", "Vui lòng nhập tên thành phần mới.", "Enter the new component's name.");
        } else {
            let required = form.get("bat_buoc_moi") == "1";
            p.components.push(ComponentSpec { code: new_code.into(), name: new_name.into(), required });
        }
    }
    if errors.is_empty() {
        let change = motcua_domain::audit::AdminChange::SaveProcedure(p.clone());
        state.db.administer(&change, &admin, state.now()).await.or_page(&layout)?;
        return Ok(Redirect::to(&format!("/can-bo/quan-tri/thu-tuc/{}?xong=1", p.code)).into_response());
    }
    let original = open(&state, &layout, &code).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page(layout, Some(original), errors, None)).into_response())
}

//! `GET /can-bo/quan-tri/nhat-ky`: "Nhật ký quản trị", the administration audit trail — every
//! account, unit, procedure and calendar change, newest first, with who made it, when, and each
//! value before → after; filtered by kind (`?loai=staff_disabled`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use motcua_domain::audit::{AuditKind, Difference};
use motcua_domain::ports::AdminStore;
use serde::Deserialize;

use super::admin::admin_only;
use super::submit::Choice;
use super::{FieldError, Lang, Layout, OrPage, Page, PageResult, SignedIn, t, words};
use crate::state::AppState;

/// How many records the page shows at most.
pub const SHOWN: u32 = 200;

/// A record as the page shows it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub when: String,
    pub actor: String,
    pub kind: String,
    pub subject: String,
    pub changes: Vec<Difference>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_audit.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub section: &'static str,
    pub kinds: Vec<Choice>,
    pub entries: Vec<Entry>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Deserialize)]
pub struct Filter {
    pub loai: Option<String>,
}

/// The kind in words.
pub fn kind_name(lang: Lang, k: AuditKind) -> &'static str {
    let (vi, en) = match k {
        AuditKind::StaffCreated => ("Thêm cán bộ", "Staff added"),
        AuditKind::StaffEdited => ("Sửa tài khoản cán bộ", "Staff edited"),
        AuditKind::StaffDisabled => ("Khóa tài khoản", "Account disabled"),
        AuditKind::StaffEnabled => ("Mở khóa tài khoản", "Account enabled"),
        AuditKind::UnitEdited => ("Sửa đơn vị", "Unit edited"),
        AuditKind::ProcedureEdited => ("Sửa thủ tục", "Procedure edited"),
        AuditKind::CalendarAmended => ("Điều chỉnh lịch nghỉ", "Calendar amended"),
    };
    t(lang, vi, en)
}

pub async fn show_audit(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(admin): SignedIn,
    Query(filter): Query<Filter>,
) -> PageResult {
    let layout = layout.titled("Nhật ký quản trị", "Administration log").signed_in(&admin);
    admin_only(&layout, &admin)?;
    let lang = layout.lang;
    let chosen = filter.loai.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let kind = chosen.map(AuditKind::parse);
    let mut errors = Vec::new();
    if kind == Some(None) {
        errors.push(FieldError {
            id: "loai".into(),
            message: t(lang, "Loại thay đổi không có trong danh sách.", "This kind of change is not in the list.")
                .into(),
        });
    }
    let kinds = AuditKind::ALL
        .into_iter()
        .map(|k| Choice {
            value: k.as_str().into(),
            label: kind_name(lang, k).into(),
            selected: chosen == Some(k.as_str()),
        })
        .collect();
    let records =
        if errors.is_empty() { state.db.audit_log(kind.flatten(), SHOWN).await.or_page(&layout)? } else { Vec::new() };
    let entries = records
        .iter()
        .map(|r| Entry {
            when: words::when(lang, r.at),
            actor: r.actor.clone(),
            kind: kind_name(lang, r.kind).into(),
            subject: r.subject.clone(),
            changes: r.differences(),
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, AuditPage { layout, section: "nhat-ky", kinds, entries, errors }).into_response())
}

//! `/can-bo/quan-tri/can-bo`: the province administrator's staff accounts — list, create, edit
//! (name, unit, role), disable and enable. Every change goes through `AdminStore::administer`,
//! which writes the audit record in the same transaction and, when an account is disabled or
//! its role or unit changes, deletes its tokens so that its sessions end at once. An
//! administrator cannot disable, re-role or move their own account.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use motcua_domain::Described;
use motcua_domain::audit::AdminChange;
use motcua_domain::ports::{AdminStore, CatalogStore, StoreError};
use motcua_domain::staff::{Role, Staff, StaffAccount, StaffEdit, StaffId};
use motcua_domain::unit::UnitCode;

use super::admin::{Done, admin_only};
use super::submit::Choice;
use super::{FieldError, Form, Lang, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, check_csrf, t, words};
use crate::error::ApiError;
use crate::state::AppState;

/// An account as the list shows it.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: String,
    pub unit: String,
    pub active: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_staff.html")]
pub struct StaffListPage {
    pub layout: Layout,
    pub section: &'static str,
    pub accounts: Vec<AccountRow>,
    pub roles: Vec<Choice>,
    pub values: Vec<(String, String)>,
    pub notice: Option<String>,
    pub errors: Vec<FieldError>,
}

impl StaffListPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }

    fn value(&self, name: &str) -> &str {
        self.values.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_staff_edit.html")]
pub struct StaffEditPage {
    pub layout: Layout,
    pub section: &'static str,
    pub account: AccountRow,
    /// The values the form shows (the stored ones, or those just sent back with errors).
    pub full_name: String,
    pub role: String,
    pub unit: String,
    pub roles: Vec<Choice>,
    /// The administrator is looking at their own account (no disable, no re-role).
    pub own: bool,
    pub notice: Option<String>,
    pub errors: Vec<FieldError>,
}

impl StaffEditPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

fn layout_for(layout: Layout, staff: &Staff) -> Layout {
    layout.titled("Quản trị cán bộ", "Staff administration").signed_in(staff)
}

fn row(lang: Lang, a: &StaffAccount) -> AccountRow {
    let s = &a.staff;
    AccountRow {
        id: s.id.0,
        username: s.username.clone(),
        name: s.full_name.clone(),
        role: words::role(lang, s.role).into(),
        unit: s.unit.to_string(),
        active: a.active,
    }
}

fn roles(lang: Lang) -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|r| Choice { value: r.as_str().into(), label: words::role(lang, *r).into(), selected: false })
        .collect()
}

fn field(lang: Lang, id: &str, vi: &str, en: &str) -> FieldError {
    FieldError { id: id.into(), message: t(lang, vi, en).into() }
}

fn described(lang: Lang, e: &dyn Described) -> FieldError {
    let (vi, en) = (e.message_vi(), e.message_en());
    FieldError { id: e.field().unwrap_or("ho-ten").into(), message: t(lang, &vi, &en).into() }
}

/// The province's units: the administrator's own and its communes.
async fn our_units(state: &AppState, layout: &Layout, admin: &Staff) -> Result<Vec<UnitCode>, PageFailure> {
    let mut units: Vec<UnitCode> =
        state.db.units(Some(&admin.unit)).await.or_page(layout)?.into_iter().map(|u| u.code).collect();
    units.push(admin.unit.clone());
    Ok(units)
}

async fn list(
    state: &AppState,
    layout: Layout,
    admin: &Staff,
    values: Vec<(String, String)>,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<StaffListPage, PageFailure> {
    let lang = layout.lang;
    let ours = our_units(state, &layout, admin).await?;
    let accounts = state.db.staff_accounts().await.or_page(&layout)?;
    let accounts = accounts.iter().filter(|a| ours.contains(&a.staff.unit)).map(|a| row(lang, a)).collect();
    Ok(StaffListPage { layout, section: "can-bo", accounts, roles: roles(lang), values, notice, errors })
}

/// `GET /can-bo/quan-tri/can-bo`: the province's accounts, and the form to add one.
pub async fn show_staff(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(admin): SignedIn,
    Query(q): Query<Done>,
) -> PageResult {
    let layout = layout_for(layout, &admin);
    admin_only(&layout, &admin)?;
    let notice = q.xong.map(|_| t(layout.lang, "Đã lưu.", "Saved.").to_string());
    Ok(list(&state, layout, &admin, Vec::new(), Vec::new(), notice).await?.into_response())
}

/// `POST /can-bo/quan-tri/can-bo`: a new account.
pub async fn create_staff(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(admin): SignedIn,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let layout = layout_for(layout, &admin);
    admin_only(&layout, &admin)?;
    let lang = layout.lang;
    let (username, name, password) =
        (form.get("ten_dang_nhap").trim(), form.get("ho_ten").trim(), form.get("mat_khau"));
    let mut errors = Vec::new();
    if username.is_empty()
        || username.len() > 64
        || !username.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    {
        errors.push(field(
            lang,
            "ten-dang-nhap",
            "Tên đăng nhập gồm chữ không dấu, số, dấu chấm, gạch (tối đa 64 ký tự).",
            "Usernames use letters, digits, dots and dashes (at most 64).",
        ));
    }
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(field(
            lang,
            "ho-ten",
            "Vui lòng nhập họ tên (tối đa 200 ký tự).",
            "Enter the full name (at most 200 characters).",
        ));
    }
    let role = Role::parse(form.get("vai_tro"));
    if role.is_none() {
        errors.push(field(lang, "vai-tro", "Vui lòng chọn vai trò.", "Choose a role."));
    }
    let ours = our_units(&state, &layout, &admin).await?;
    let unit = UnitCode::parse(form.get("don_vi").trim()).ok().filter(|u| ours.contains(u));
    match (&unit, role) {
        (None, _) => errors.push(field(
            lang,
            "don-vi",
            "Đơn vị phải là tỉnh của bạn hoặc một xã, phường của tỉnh.",
            "The unit must be your province or one of its communes.",
        )),
        (Some(u), Some(r)) if u.is_province() != r.province_level() => errors.push(field(
            lang,
            "don-vi",
            "Vai trò cấp tỉnh thuộc đơn vị tỉnh; vai trò một cửa thuộc một xã, phường.",
            "Province roles belong to the province; one-stop roles to a commune.",
        )),
        _ => {}
    }
    if password.chars().count() < 12 {
        errors.push(field(
            lang,
            "mat-khau",
            "Mật khẩu ban đầu phải có ít nhất 12 ký tự.",
            "The first password must have at least 12 characters.",
        ));
    }
    if let (true, Some(role), Some(unit)) = (errors.is_empty(), role, unit) {
        let password_hash = crate::auth::hash_password(password);
        let change =
            AdminChange::CreateStaff { username: username.into(), full_name: name.into(), role, unit, password_hash };
        match state.db.administer(&change, &admin, state.now()).await {
            Ok(_) => return Ok(Redirect::to("/can-bo/quan-tri/can-bo?xong=1").into_response()),
            Err(StoreError::Conflict(_)) => {
                errors.push(field(lang, "ten-dang-nhap", "Tên đăng nhập này đã có.", "This username is taken."))
            }
            Err(e) => return Err(PageFailure::new(layout, e.into())),
        }
    }
    let values = form.0.into_iter().filter(|(k, _)| k != "mat_khau" && k != "csrf").collect();
    let page = list(&state, layout, &admin, values, errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The account `id`, if it belongs to the administrator's province.
async fn open(state: &AppState, layout: &Layout, admin: &Staff, id: i64) -> Result<StaffAccount, PageFailure> {
    let missing = || PageFailure::new(layout.clone(), ApiError::not_found("tài khoản này", "This account"));
    let account = state.db.staff_account(StaffId(id)).await.or_page(layout)?.ok_or_else(missing)?;
    if our_units(state, layout, admin).await?.contains(&account.staff.unit) { Ok(account) } else { Err(missing()) }
}

fn edit_page(layout: Layout, admin: &Staff, account: &StaffAccount, edit: &StaffEdit) -> StaffEditPage {
    let lang = layout.lang;
    StaffEditPage {
        section: "can-bo",
        account: row(lang, account),
        full_name: edit.full_name.clone(),
        role: edit.role.as_str().into(),
        unit: edit.unit.to_string(),
        roles: roles(lang),
        own: account.staff.id == admin.id,
        notice: None,
        errors: Vec::new(),
        layout,
    }
}

/// `GET /can-bo/quan-tri/can-bo/{id}`: one account, to edit, disable or enable.
pub async fn show_account(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(admin): SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> PageResult {
    let layout = layout_for(layout, &admin);
    admin_only(&layout, &admin)?;
    let account = open(&state, &layout, &admin, id).await?;
    let notice = q.xong.map(|_| t(layout.lang, "Đã lưu.", "Saved.").to_string());
    let mut page = edit_page(layout, &admin, &account, &StaffEdit::of(&account));
    page.notice = notice;
    Ok(page.into_response())
}

/// Saves `edit` to `account` when it passes the rules, or shows the form with what is wrong.
async fn save(
    state: &AppState,
    layout: Layout,
    admin: &Staff,
    account: &StaffAccount,
    edit: StaffEdit,
    mut errors: Vec<FieldError>,
) -> PageResult {
    let lang = layout.lang;
    errors.extend(edit.check(admin, account).iter().map(|e| described(lang, e)));
    if errors.is_empty() {
        let change = AdminChange::EditStaff { id: account.staff.id, edit: edit.clone() };
        state.db.administer(&change, admin, state.now()).await.or_page(&layout)?;
        return Ok(Redirect::to(&format!("/can-bo/quan-tri/can-bo/{}?xong=1", account.staff.id.0)).into_response());
    }
    let mut page = edit_page(layout, admin, account, &edit);
    page.errors = errors;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `POST /can-bo/quan-tri/can-bo/{id}`: a new name, role or unit.
pub async fn update_account(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(admin): SignedIn,
    Path(id): Path<i64>,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let layout = layout_for(layout, &admin);
    admin_only(&layout, &admin)?;
    let lang = layout.lang;
    let account = open(&state, &layout, &admin, id).await?;
    let mut edit = StaffEdit::of(&account);
    let mut errors = Vec::new();
    edit.full_name = form.get("ho_ten").trim().into();
    match Role::parse(form.get("vai_tro")) {
        Some(r) => edit.role = r,
        None => errors.push(field(lang, "vai-tro", "Vui lòng chọn vai trò.", "Choose a role.")),
    }
    let ours = our_units(&state, &layout, &admin).await?;
    match UnitCode::parse(form.get("don_vi").trim()).ok().filter(|u| ours.contains(u)) {
        Some(u) => edit.unit = u,
        None => errors.push(field(
            lang,
            "don-vi",
            "Đơn vị phải là tỉnh của bạn hoặc một xã, phường của tỉnh.",
            "The unit must be your province or one of its communes.",
        )),
    }
    save(&state, layout, &admin, &account, edit, errors).await
}

/// `POST /can-bo/quan-tri/can-bo/{id}/trang-thai`: disables (`kich_hoat=0`) or enables (`1`).
pub async fn set_active(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(admin): SignedIn,
    Path(id): Path<i64>,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let layout = layout_for(layout, &admin);
    admin_only(&layout, &admin)?;
    let account = open(&state, &layout, &admin, id).await?;
    let mut edit = StaffEdit::of(&account);
    edit.active = match form.get("kich_hoat") {
        "1" => true,
        "0" => false,
        _ => {
            let bad = field(
                layout.lang,
                "trang-thai",
                "Vui lòng chọn khóa hoặc mở khóa tài khoản.",
                "Choose to disable or enable the account.",
            );
            return save(&state, layout, &admin, &account, edit, vec![bad]).await;
        }
    };
    save(&state, layout, &admin, &account, edit, Vec::new()).await
}

//! `GET|POST /nop-ho-so/{code}`: the online submission form; a successful submission redirects
//! (303) to the confirmation page ([`super::confirmation`]). Bad input re-renders the form with an error
//! summary linked to the fields and everything already entered kept.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use motcua_domain::catalog::{OnlineLevel, Procedure};
use motcua_domain::identity::ApplicantId;
use motcua_domain::ports::CatalogStore;
use motcua_domain::unit::UnitCode;
use serde::Deserialize;

use super::procedure::load;
use super::{FieldError, Form, Layout, OrPage, Page, PageResult, check_csrf, confirmation, message};
use crate::api::dossiers::{ApplicantInput, ComponentInput, SubmitRequest, submit};
use crate::error::ApiError;
use crate::state::AppState;

/// An option of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A component checkbox.
#[derive(Debug, Clone)]
pub struct ComponentBox {
    pub id: String,
    pub code: String,
    pub name: String,
    pub required: bool,
    pub checked: bool,
}

/// What the citizen entered (kept when the form comes back with errors).
#[derive(Debug, Clone, Default)]
pub struct Entered {
    pub province: String,
    pub unit: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub components: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "submit.html")]
pub struct SubmitPage {
    pub layout: Layout,
    pub code: String,
    pub name: String,
    pub provinces: Vec<Choice>,
    pub communes: Vec<Choice>,
    pub entered: Entered,
    pub components: Vec<ComponentBox>,
    pub errors: Vec<FieldError>,
}

impl SubmitPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }

    fn components_error(&self) -> Option<&str> {
        self.components.iter().find_map(|c| self.error(&c.id))
    }
}

#[derive(Debug, Deserialize)]
pub struct ProvinceQuery {
    pub tinh: Option<String>,
}

fn component_id(code: &str) -> String {
    let safe: String = code.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("tp-{safe}")
}

async fn form_page(
    state: &AppState,
    layout: Layout,
    p: &Procedure,
    entered: Entered,
    errors: Vec<FieldError>,
) -> PageResult {
    let layout = layout.titled(&format!("Nộp hồ sơ: {}", p.name), &format!("File online: {}", p.name));
    let provinces = state
        .db
        .units(None)
        .await
        .or_page(&layout)?
        .into_iter()
        .map(|u| Choice { selected: u.code.as_str() == entered.province, value: u.code.to_string(), label: u.name })
        .collect();
    let communes = match UnitCode::parse(&entered.province) {
        Ok(province) if province.is_province() => state
            .db
            .units(Some(&province))
            .await
            .or_page(&layout)?
            .into_iter()
            .map(|u| Choice { selected: u.code.as_str() == entered.unit, value: u.code.to_string(), label: u.name })
            .collect(),
        _ => Vec::new(),
    };
    let components = p
        .components
        .iter()
        .map(|c| ComponentBox {
            id: component_id(&c.code),
            code: c.code.clone(),
            name: c.name.clone(),
            required: c.required,
            checked: entered.components.contains(&c.code),
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = SubmitPage {
        layout,
        code: p.code.to_string(),
        name: p.name.clone(),
        provinces,
        communes,
        entered,
        components,
        errors,
    };
    Ok((status, page).into_response())
}

fn not_online(layout: &Layout, p: &Procedure) -> super::PageFailure {
    super::PageFailure::new(
        layout.clone(),
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "PROCEDURE_NOT_ONLINE",
            format!(
                "Thủ tục \"{}\" chưa nộp trực tuyến được; vui lòng nộp tại Trung tâm Phục vụ hành chính công.",
                p.name
            ),
            format!("\"{}\" cannot be filed online yet; please file it at the service center.", p.name),
        ),
    )
}

pub async fn show_submit_form(
    State(state): State<AppState>,
    Page(layout): Page,
    Path(code): Path<String>,
    Query(q): Query<ProvinceQuery>,
) -> PageResult {
    let p = load(&state, &layout, &code).await?;
    if p.online_level == OnlineLevel::None {
        return Err(not_online(&layout, &p));
    }
    let entered = Entered { province: q.tinh.unwrap_or_default(), ..Entered::default() };
    form_page(&state, layout, &p, entered, Vec::new()).await
}

/// The form field a domain error names.
fn field_id(field: Option<&str>, p: &Procedure) -> String {
    match field {
        Some("applicant.name") => "ho-ten".into(),
        Some("applicant.id_number") => "so-dinh-danh".into(),
        Some("applicant.phone") => "dien-thoai".into(),
        Some("applicant.email") => "email".into(),
        Some("unit") => "don-vi".into(),
        Some("components") => p.components.first().map(|c| component_id(&c.code)).unwrap_or_else(|| "ho-ten".into()),
        _ => "ho-ten".into(),
    }
}

pub async fn submit_form(
    State(state): State<AppState>,
    Page(layout): Page,
    Path(code): Path<String>,
    headers: HeaderMap,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let p = load(&state, &layout, &code).await?;
    if p.online_level == OnlineLevel::None {
        return Err(not_online(&layout, &p));
    }
    let lang = layout.lang;
    let entered = Entered {
        province: form.get("tinh").trim().into(),
        unit: form.get("don_vi").trim().into(),
        name: form.get("ho_ten").trim().into(),
        id_number: form.get("so_dinh_danh").trim().into(),
        phone: form.get("dien_thoai").trim().into(),
        email: form.get("email").trim().into(),
        components: form.all("thanh_phan"),
    };
    // Check what can be checked at once, so the citizen sees every problem in one go.
    let mut errors = Vec::new();
    if entered.unit.is_empty() {
        errors.push(FieldError {
            id: "don-vi".into(),
            message: layout
                .t("Vui lòng chọn xã, phường nơi nộp hồ sơ.", "Choose the commune or ward to file with.")
                .into(),
        });
    }
    if entered.name.is_empty() {
        errors.push(FieldError {
            id: "ho-ten".into(),
            message: layout.t("Vui lòng nhập họ và tên người nộp.", "Enter the applicant's full name.").into(),
        });
    }
    if let Err(e) = ApplicantId::parse(&entered.id_number) {
        errors.push(FieldError { id: "so-dinh-danh".into(), message: message(lang, &ApiError::invalid(&e)) });
    }
    if !errors.is_empty() {
        return form_page(&state, layout, &p, entered, errors).await;
    }
    let optional = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    let req = SubmitRequest {
        procedure: p.code.to_string(),
        unit: entered.unit.clone(),
        channel: None,
        applicant: ApplicantInput {
            name: entered.name.clone(),
            id_number: entered.id_number.clone(),
            phone: optional(&entered.phone),
            email: optional(&entered.email),
            address: None,
        },
        components: entered
            .components
            .iter()
            .map(|c| ComponentInput {
                code: c.clone(),
                file_sha256: None,
                digitized: false,
                reused: false,
                from_citizen_store: false,
            })
            .collect(),
        copies: None,
    };
    let (dossier, secret) = match submit(&state, None, req).await {
        Ok(done) => done,
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = vec![FieldError { id: field_id(e.body.field.as_deref(), &p), message: message(lang, &e) }];
            return form_page(&state, layout, &p, entered, errors).await;
        }
        Err(e) => return Err(super::PageFailure::new(layout, e)),
    };
    // Post/redirect/get: the confirmation is its own page, so refreshing it never files twice.
    let mut res = Redirect::to(confirmation::PATH).into_response();
    res.headers_mut().append(SET_COOKIE, confirmation::receipt_cookie(&headers, &dossier.code, &secret, false));
    Ok(res)
}

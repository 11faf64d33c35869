//! `GET|POST /phan-anh-kien-nghi`: a citizen sends feedback or a complaint (PAKN) to a commune
//! and gets its code, its secret and the deadlines. Choosing the province first is a plain GET,
//! so the page works without JavaScript.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use motcua_domain::pakn::{PaknError, PetitionForm, Topic};
use motcua_domain::ports::CatalogStore;
use motcua_domain::unit::UnitCode;
use serde::Deserialize;

use super::{FieldError, Form, Layout, OrPage, Page, PageFailure, PageResult, check_csrf, t};
use crate::api::pakn::{SubmitError, refusal, submit};
use crate::state::AppState;

/// One option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "pakn_form.html")]
pub struct PaknFormPage {
    pub layout: Layout,
    pub provinces: Vec<Choice>,
    pub communes: Vec<Choice>,
    pub topics: Vec<Choice>,
    pub province: String,
    pub entered: PetitionForm,
    pub errors: Vec<FieldError>,
}

impl PaknFormPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pakn_sent.html")]
pub struct PaknSentPage {
    pub layout: Layout,
    pub code: String,
    pub secret: String,
    pub unit: String,
    pub title: String,
    pub reject_due: String,
    pub settle_due: String,
}

#[derive(Debug, Deserialize)]
pub struct FormQuery {
    pub tinh: Option<String>,
    pub don_vi: Option<String>,
}

/// The form field a domain error belongs to.
pub fn field_id(e: &PaknError) -> &'static str {
    match e.field_name() {
        "unit" => "don-vi",
        "topic" => "loai",
        "about_dossier" => "ho-so",
        "title" => "tieu-de",
        "content" => "noi-dung",
        "name" => "ho-ten",
        "email" => "thu-dien-tu",
        "address" => "dia-chi",
        _ => "dien-thoai",
    }
}

async fn page(
    state: &AppState,
    layout: Layout,
    province: &str,
    entered: PetitionForm,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = layout.lang;
    let provinces = state.db.units(None).await.or_page(&layout)?;
    // A commune chosen (a link from elsewhere) implies its province.
    let chosen = UnitCode::parse(&entered.unit).ok().filter(|u| !u.is_province());
    let mut province = province.to_string();
    if province.is_empty()
        && let Some(u) = &chosen
        && let Some(unit) = state.db.unit(u).await.or_page(&layout)?
    {
        province = unit.parent.map(|p| p.to_string()).unwrap_or_default();
    }
    let communes = match UnitCode::parse(&province).ok().filter(UnitCode::is_province) {
        Some(p) => state.db.units(Some(&p)).await.or_page(&layout)?,
        None => Vec::new(),
    };
    let choice = |value: String, label: String, current: &str| Choice { selected: value == current, value, label };
    Ok((
        if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY },
        PaknFormPage {
            layout,
            provinces: provinces.into_iter().map(|u| choice(u.code.to_string(), u.name, &province)).collect(),
            communes: communes.into_iter().map(|u| choice(u.code.to_string(), u.name, &entered.unit)).collect(),
            topics: Topic::ALL
                .into_iter()
                .map(|x| choice(x.as_str().into(), t(lang, x.name_vi(), x.name_en()).into(), &entered.topic))
                .collect(),
            province,
            entered,
            errors,
        },
    )
        .into_response())
}

pub async fn show_pakn_form(
    State(state): State<AppState>,
    Page(layout): Page,
    Query(q): Query<FormQuery>,
) -> PageResult {
    let layout = layout.titled("Gửi phản ánh, kiến nghị", "Send feedback or a complaint");
    let entered = PetitionForm { unit: q.don_vi.unwrap_or_default(), ..Default::default() };
    page(&state, layout, q.tinh.as_deref().unwrap_or(""), entered, Vec::new()).await
}

pub async fn send_pakn(State(state): State<AppState>, Page(layout): Page, form: Form) -> PageResult {
    check_csrf(&layout, &form)?;
    let lang = layout.lang;
    let layout = layout.titled("Gửi phản ánh, kiến nghị", "Send feedback or a complaint");
    let entered = PetitionForm {
        unit: form.get("don_vi").into(),
        topic: form.get("loai").into(),
        about_dossier: form.get("ho_so").into(),
        title: form.get("tieu_de").into(),
        content: form.get("noi_dung").into(),
        name: form.get("ho_ten").into(),
        phone: form.get("dien_thoai").into(),
        email: form.get("thu_dien_tu").into(),
        address: form.get("dia_chi").into(),
    };
    match submit(&state, &entered).await {
        Ok((p, secret)) => {
            let unit = state.db.unit(&p.unit).await.or_page(&layout)?.map_or_else(|| p.unit.to_string(), |u| u.name);
            Ok(PaknSentPage {
                code: p.code.to_string(),
                secret,
                unit,
                title: p.title.clone(),
                reject_due: super::words::when(lang, p.reject_due),
                settle_due: super::words::when(lang, p.settle_due),
                layout: layout.titled("Đã gửi phản ánh, kiến nghị", "Feedback sent"),
            }
            .into_response())
        }
        Err(SubmitError::Invalid(errors)) => {
            let errors = errors
                .iter()
                .map(|e| FieldError { id: field_id(e).into(), message: super::message(lang, &refusal(e)) })
                .collect();
            page(&state, layout, form.get("tinh"), entered, errors).await
        }
        Err(SubmitError::Failed(e)) => Err(PageFailure::new(layout, e)),
    }
}

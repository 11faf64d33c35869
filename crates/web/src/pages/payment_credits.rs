//! `/can-bo/doi-soat`: the unit's bank statement reconciliation for intake officers and center
//! directors: upload the fee account's statement (CSV export; a matched credit pays its
//! dossier), and the credits left unmatched or ambiguous, to resolve by hand.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use motcua_domain::payment::words::grouped;
use motcua_domain::ports::PaymentStore;
use motcua_domain::staff::{Role, Staff};

use super::{Form, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, check_csrf, t};
use crate::api::payment_statements::{ImportView, import_statement};
use crate::error::ApiError;
use crate::files::{UploadLimits, multipart};
use crate::state::AppState;

/// One credit to resolve.
pub struct CreditRow {
    pub id: i64,
    pub booked_on: String,
    pub bank_ref: String,
    pub amount: String,
    pub memo: String,
    pub status: String,
    pub candidates: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "payment_credits.html")]
pub struct CreditsPage {
    pub layout: Layout,
    pub unit: String,
    pub credits: Vec<CreditRow>,
    /// What the import just done did, if any.
    pub imported: Option<ImportView>,
    pub error: Option<String>,
}

fn allowed(layout: &Layout, staff: &Staff) -> Result<(), PageFailure> {
    if matches!(staff.role, Role::IntakeOfficer | Role::CenterDirector) {
        Ok(())
    } else {
        Err(PageFailure::new(layout.clone(), ApiError::forbidden()))
    }
}

async fn render(
    state: &AppState,
    layout: Layout,
    staff: &Staff,
    imported: Option<ImportView>,
    error: Option<String>,
) -> PageResult {
    let lang = layout.lang;
    let credits = state.db.bank_credits(staff.unit.as_str(), true).await.or_page(&layout)?;
    let page = CreditsPage {
        unit: staff.unit.to_string(),
        credits: credits
            .into_iter()
            .map(|c| CreditRow {
                id: c.id,
                booked_on: c.booked_on,
                bank_ref: c.bank_ref,
                amount: grouped(c.amount),
                memo: c.memo,
                status: if c.status == "ambiguous" {
                    t(lang, "Nhiều hồ sơ phù hợp", "Several dossiers fit").into()
                } else {
                    t(lang, "Chưa khớp", "Unmatched").into()
                },
                candidates: c.candidates,
            })
            .collect(),
        imported,
        error,
        layout,
    };
    Ok(page.into_response())
}

pub async fn show_credits(State(state): State<AppState>, Page(layout): Page, SignedIn(staff): SignedIn) -> PageResult {
    let layout = layout.titled("Đối soát sao kê ngân hàng", "Bank statement reconciliation").signed_in(&staff);
    allowed(&layout, &staff)?;
    render(&state, layout, &staff, None, None).await
}

pub async fn upload_statement(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    m: Result<Multipart, MultipartRejection>,
) -> Result<Response, Response> {
    let layout = layout.titled("Đối soát sao kê ngân hàng", "Bank statement reconciliation").signed_in(&staff);
    let fail = |layout: &Layout, e: ApiError| PageFailure::new(layout.clone(), e).into_response();
    allowed(&layout, &staff).map_err(IntoResponse::into_response)?;
    let upload = match multipart::accept(m) {
        Ok(m) => multipart::read(m, UploadLimits::current()).await.map_err(|e| fail(&layout, e.into()))?,
        Err(e) => return Err(fail(&layout, e.into())),
    };
    check_csrf(&layout, &Form(upload.fields.clone())).map_err(IntoResponse::into_response)?;
    let file = upload.files.into_iter().find(|f| f.field == "sao_ke").map(|f| f.bytes);
    let (imported, error) = match file {
        Some(Ok(bytes)) => match import_statement(&state, &staff.unit, &bytes).await {
            Ok(v) => (Some(v), None),
            Err(e) => (None, Some(super::message(layout.lang, &e))),
        },
        Some(Err(e)) => (None, Some(super::message(layout.lang, &e.into()))),
        None => {
            (None, Some(t(layout.lang, "Vui lòng chọn tệp sao kê (CSV).", "Choose the statement file (CSV).").into()))
        }
    };
    render(&state, layout, &staff, imported, error).await.map_err(IntoResponse::into_response)
}

/// `POST /can-bo/doi-soat/{id}`: the officer names the dossier a credit is for.
pub async fn resolve_credit(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    axum::extract::Path(id): axum::extract::Path<i64>,
    form: Form,
) -> PageResult {
    let layout = layout.titled("Đối soát sao kê ngân hàng", "Bank statement reconciliation").signed_in(&staff);
    allowed(&layout, &staff)?;
    check_csrf(&layout, &form)?;
    match crate::api::payment_statements::resolve(&state, &staff, id, form.get("ma_ho_so").trim()).await {
        Ok(_) => Ok(axum::response::Redirect::to("/can-bo/doi-soat").into_response()),
        Err(e) => {
            let message = super::message(layout.lang, &e);
            render(&state, layout, &staff, None, Some(message)).await
        }
    }
}

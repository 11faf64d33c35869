//! The e-receipt PDF of a paid fee, for the citizen who looked the dossier up in this browser
//! (`GET /tra-cuu/{code}/bien-lai/{reference}`) and for staff who may see the dossier
//! (`GET /can-bo/ho-so/{code}/bien-lai/{reference}`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Datelike, FixedOffset, Utc};
use motcua_domain::dossier::{Dossier, DossierCode};
use motcua_domain::payment::words::{amount_in_words, grouped};
use motcua_domain::payment::{PaymentRef, PaymentState};
use motcua_domain::ports::{CatalogStore, PaymentStore};

use super::lookup::{open_dossier, remembered};
use super::slips::{form_time, lookup_url};
use super::{Layout, Page, PageFailure, SignedIn};
use crate::access::{not_found, readable_dossier};
use crate::error::{ApiError, ApiResult};
use crate::pdf::pdf_response;
use crate::pdf::receipt::{ReceiptFacts, receipt};
use crate::state::AppState;

fn no_receipt() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "RECEIPT_NOT_FOUND",
        "Không có biên lai: khoản thanh toán này không thuộc hồ sơ hoặc chưa được xác nhận.",
        "No receipt: this payment is not the dossier's or is not confirmed yet.",
    )
}

fn place_and_date(place: &str, at: DateTime<Utc>) -> String {
    let l = at.with_timezone(&FixedOffset::east_opt(7 * 3600).expect("UTC+7"));
    format!("{place}, ngày {:02} tháng {:02} năm {}", l.day(), l.month(), l.year())
}

/// The receipt of payment `reference` of dossier `d`, as PDF.
async fn render(state: &AppState, headers: &HeaderMap, d: &Dossier, reference: &str) -> ApiResult<Response> {
    let reference = PaymentRef::parse(reference).map_err(|_| no_receipt())?;
    let p = state.db.payment(&reference).await?.ok_or_else(no_receipt)?;
    if p.dossier != d.code || p.state != PaymentState::Paid {
        return Err(no_receipt());
    }
    let unit = state.db.unit(&d.handling_unit).await?;
    let province = match unit.as_ref().and_then(|u| u.parent.clone()) {
        Some(code) => state.db.unit(&code).await?.map(|u| u.name),
        None => None,
    };
    let procedure = state.db.procedure(&d.procedure).await?;
    let unit_name = unit.map_or_else(|| d.handling_unit.to_string(), |u| u.name);
    let paid_at = p.paid_at.unwrap_or(p.updated_at);
    let facts = ReceiptFacts {
        unit: format!("UBND {}", unit_name.to_uppercase()),
        body_above: province.map(|p| format!("UBND {}", p.to_uppercase())).unwrap_or_default(),
        place_and_date: place_and_date(&unit_name, paid_at),
        reference: p.reference.to_string(),
        payer: d.applicant.name.clone(),
        id_number: d.applicant.id_number.to_string(),
        dossier_code: d.code.to_string(),
        procedure: procedure.map_or_else(|| d.procedure.to_string(), |p| p.name),
        lines: d.fees.iter().map(|f| (f.name.clone(), format!("{} bản", f.copies), grouped(f.total()))).collect(),
        total: grouped(p.amount),
        total_words: amount_in_words(p.amount),
        method: p.method.name_vi().to_string(),
        gateway_txn: p.gateway_txn.clone(),
        paid_at: form_time(paid_at),
        verify_url: lookup_url(headers, &d.code.to_string()),
    };
    let bytes = receipt(&facts).finish().map_err(|e| {
        tracing::error!(error = %e, "receipt PDF");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "PDF_FAILED",
            "Không tạo được biên lai.",
            "The receipt could not be made.",
        )
    })?;
    Ok(pdf_response(bytes, &format!("bien-lai-{}.pdf", p.reference)))
}

fn fail(layout: &Layout, e: ApiError) -> Response {
    PageFailure::new(layout.clone(), e).into_response()
}

pub async fn citizen_receipt(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    Path((code, reference)): Path<(String, String)>,
) -> Response {
    let Some(proof) = remembered(&headers, &code) else { return Redirect::to("/tra-cuu").into_response() };
    let code = match DossierCode::parse(&code) {
        Ok(c) => c,
        Err(e) => return fail(&layout, ApiError::invalid(&e)),
    };
    let d = match open_dossier(&state, &code, &proof).await {
        Ok(d) => d,
        Err(e) => return fail(&layout, e),
    };
    render(&state, &headers, &d, &reference).await.unwrap_or_else(|e| fail(&layout, e))
}

pub async fn staff_receipt(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    headers: HeaderMap,
    Path((code, reference)): Path<(String, String)>,
) -> Response {
    let d = match DossierCode::parse(&code) {
        Ok(code) => readable_dossier(&state, Some(&staff), None, &code).await,
        Err(_) => Err(not_found()),
    };
    match d {
        Ok(d) => render(&state, &headers, &d, &reference).await.unwrap_or_else(|e| fail(&layout, e)),
        Err(e) => fail(&layout, e),
    }
}

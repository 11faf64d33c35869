//! The citizen's payment page, for a dossier looked up in this browser:
//! - `GET /tra-cuu/{code}/thanh-toan`: the fee lines, what is paid and still owed, the payments
//!   so far, a button to pay through VNPay and the unit's VietQR transfer code (SVG, with the
//!   dossier code as the purpose);
//! - `POST /tra-cuu/{code}/thanh-toan`: opens a VNPay payment and redirects (303) to VNPay.
//!
//! Works without JavaScript; the QR code is inline SVG with a text alternative.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_domain::dossier::{Dossier, DossierCode};
use motcua_domain::payment::words::{amount_in_words, grouped};
use motcua_domain::payment::{PaymentMethod, PaymentState, vietqr};
use motcua_domain::ports::PaymentStore;
use motcua_domain::staff::Actor;

use super::lookup::{open_dossier, remembered};
use super::{Form, Layout, OrPage, Page, PageFailure, PageResult, check_csrf, t};
use crate::error::ApiError;
use crate::state::AppState;

/// One fee line or payment, formatted.
pub struct Row {
    pub name: String,
    pub amount: String,
    pub note: String,
    /// A paid payment's e-receipt.
    pub receipt: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "payment.html")]
pub struct PaymentPage {
    pub layout: Layout,
    pub dossier_code: String,
    pub fees: Vec<Row>,
    pub total: String,
    pub paid: String,
    pub due: i64,
    pub due_text: String,
    pub due_words: String,
    pub payments: Vec<Row>,
    pub vnpay: bool,
    /// The VietQR code as inline SVG, with the account shown beside it.
    pub qr_svg: Option<String>,
    pub account: String,
    pub memo: String,
}

/// Dark modules of a QR code as one SVG path (no image dependency), 4 modules of quiet zone.
pub fn qr_svg(data: &str, label: &str) -> Option<String> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    let w = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % w + 4, i / w + 4));
        }
    }
    let size = w + 8;
    let label = label.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;");
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="240" height="240" role="img" aria-label="{label}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}

async fn dossier_for(state: &AppState, layout: &Layout, headers: &HeaderMap, code: &str) -> Result<Dossier, Response> {
    let proof = remembered(headers, code).ok_or_else(|| Redirect::to("/tra-cuu").into_response())?;
    let code = DossierCode::parse(code)
        .map_err(|e| PageFailure::new(layout.clone(), ApiError::invalid(&e)).into_response())?;
    open_dossier(state, &code, &proof).await.map_err(|e| PageFailure::new(layout.clone(), e).into_response())
}

pub async fn show_payment(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, Response> {
    let layout = layout.titled("Thanh toán phí, lệ phí", "Pay fees");
    let d = dossier_for(&state, &layout, &headers, &code).await?;
    render(&state, layout, &d).await.map_err(IntoResponse::into_response)
}

/// What the dossier still owes (fees less verified payments), in đồng.
pub async fn still_owed(state: &AppState, d: &Dossier) -> Result<i64, motcua_domain::ports::StoreError> {
    Ok(owed(d, &state.db.dossier_payments(&d.code).await?).1)
}

/// What `payments` paid of the dossier's fees, and what is still owed.
fn owed(d: &Dossier, payments: &[motcua_domain::payment::Payment]) -> (i64, i64) {
    let paid: i64 = payments.iter().filter(|p| p.state == PaymentState::Paid).map(|p| p.amount).sum();
    (paid, (d.fee_total() - paid).max(0))
}

/// The VietQR transfer payload for what the dossier still owes, when its unit has a bank account
/// configured and something is owed (shown on the payment page, the staff dossier page and Mẫu 01).
pub async fn transfer_payload(
    state: &AppState,
    d: &Dossier,
) -> Result<Option<String>, motcua_domain::ports::StoreError> {
    let Some(account) = state.payments.account(d.handling_unit.as_str()) else {
        return Ok(None);
    };
    let due = still_owed(state, d).await?;
    Ok((due > 0).then(|| vietqr::payload(account, due, &d.code.to_string())))
}

async fn render(state: &AppState, layout: Layout, d: &Dossier) -> PageResult {
    let lang = layout.lang;
    let payments = state.db.dossier_payments(&d.code).await.or_page(&layout)?;
    let total = d.fee_total();
    let (paid, due) = owed(d, &payments);
    let unit = d.handling_unit.as_str();
    let account = state.payments.account(unit).filter(|_| due > 0);
    let payload = account.map(|a| vietqr::payload(a, due, &d.code.to_string()));
    let page = PaymentPage {
        dossier_code: d.code.to_string(),
        fees: d
            .fees
            .iter()
            .map(|f| Row {
                name: f.name.clone(),
                amount: grouped(f.total()),
                note: format!("× {}", f.copies),
                receipt: None,
            })
            .collect(),
        total: grouped(total),
        paid: grouped(paid),
        due,
        due_text: grouped(due),
        due_words: amount_in_words(due),
        payments: payments
            .iter()
            .map(|p| Row {
                name: t(lang, p.method.name_vi(), p.method.name_en()).into(),
                amount: grouped(p.amount),
                note: t(lang, p.state.name_vi(), p.state.name_en()).into(),
                receipt: (p.state == PaymentState::Paid)
                    .then(|| format!("/tra-cuu/{}/bien-lai/{}", d.code, p.reference)),
            })
            .collect(),
        vnpay: due > 0 && state.payments.vnpay.is_some() && state.payments.merchant(unit).is_some(),
        qr_svg: payload.as_deref().and_then(|p| qr_svg(p, t(lang, "Mã VietQR chuyển khoản", "VietQR transfer code"))),
        account: account.map(|a| format!("{} · {} · BIN {}", a.account, a.holder, a.bin)).unwrap_or_default(),
        memo: vietqr::memo_safe(&d.code.to_string()),
        layout,
    };
    Ok(page.into_response())
}

pub async fn pay_with_vnpay(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    Path(code): Path<String>,
    form: Form,
) -> Result<Response, Response> {
    let layout = layout.titled("Thanh toán phí, lệ phí", "Pay fees");
    check_csrf(&layout, &form).map_err(IntoResponse::into_response)?;
    let d = dossier_for(&state, &layout, &headers, &code).await?;
    let locale = if layout.lang == super::Lang::En { "en" } else { "vn" };
    let ip = crate::api::payments::client_ip(&headers);
    let opened = crate::api::payments::open(&state, &d, Actor::Citizen, PaymentMethod::Vnpay, locale, None, ip)
        .await
        .map_err(|e| PageFailure::new(layout.clone(), e).into_response())?;
    match opened.pay_url {
        Some(url) => Ok(Redirect::to(&url).into_response()),
        None => render(&state, layout, &d).await.map_err(IntoResponse::into_response),
    }
}

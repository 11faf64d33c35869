//! `GET /thanh-toan/ket-qua`: where VNPay sends the citizen back after paying. The page checks
//! the signature and shows what VNPay said beside what Motcua knows, but never changes anything:
//! only the IPN or the reconciliation job's own query settle a payment.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use motcua_domain::payment::vnpay::{self, Notice};
use motcua_domain::payment::words::{amount_in_words, grouped};
use motcua_domain::payment::{PaymentRef, PaymentState};
use motcua_domain::ports::PaymentStore;

use super::{Layout, OrPage, Page, PageFailure, PageResult};
use crate::api::payment_ipn::query_params;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "payment_return.html")]
pub struct PaymentReturnPage {
    pub layout: Layout,
    pub dossier_code: String,
    pub reference: String,
    pub amount: String,
    pub amount_words: String,
    /// Our record: `paid`, `pending`, …
    pub state: String,
    pub state_name: String,
    /// What the gateway told the citizen's browser: success or not.
    pub gateway_says_paid: bool,
}

fn unverified(layout: &Layout) -> PageFailure {
    PageFailure::new(
        layout.clone(),
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_PAYMENT_RESULT",
            "Không xác thực được kết quả thanh toán (sai chữ ký hoặc thiếu thông tin). Vui lòng tra cứu hồ sơ để xem tình trạng thanh toán.",
            "The payment result could not be verified (wrong signature or missing data). Look up your dossier to see the payment status.",
        ),
    )
}

pub async fn show_payment_return(
    State(state): State<AppState>,
    Page(layout): Page,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let layout = layout.titled("Kết quả thanh toán", "Payment result");
    let params = query_params(raw.as_deref());
    let merchant = params.get("vnp_TmnCode").and_then(|c| state.payments.merchant_by_code(c));
    if merchant.is_none_or(|m| vnpay::verify(&params, &m.secret).is_err()) {
        return Err(unverified(&layout));
    };
    let notice = Notice::read(&params).map_err(|_| unverified(&layout))?;
    let reference = PaymentRef::parse(&notice.txn_ref).map_err(|_| unverified(&layout))?;
    let payment = state.db.payment(&reference).await.or_page(&layout)?.ok_or_else(|| unverified(&layout))?;
    let lang = layout.lang;
    let page = PaymentReturnPage {
        dossier_code: payment.dossier.to_string(),
        reference: payment.reference.to_string(),
        amount: grouped(payment.amount),
        amount_words: amount_in_words(payment.amount),
        state: payment.state.as_str().into(),
        state_name: super::t(lang, payment.state.name_vi(), payment.state.name_en()).into(),
        gateway_says_paid: notice.outcome() == PaymentState::Paid,
        layout,
    };
    Ok(page.into_response())
}

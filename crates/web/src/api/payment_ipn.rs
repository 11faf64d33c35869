//! VNPay's server-to-server payment notification (IPN): the only callback that may settle a
//! payment, and only once its signature, merchant, order and amount are verified. Replays and
//! concurrent duplicates are answered `02` and change nothing.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{RawQuery, State};
use motcua_domain::payment::vnpay::{self, IpnReply, Notice};
use motcua_domain::payment::{PaymentError, PaymentRef, PaymentState, Report};
use motcua_domain::ports::{ExecuteError, Mismatch, PaymentStore, Recorded, StoreError};
use motcua_domain::staff::Actor;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

/// The answer VNPay expects from the IPN endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct IpnAnswer {
    /// `00` confirmed, `01` order not found, `02` already confirmed, `04` invalid amount,
    /// `97` invalid signature, `99` unknown error (VNPay retries).
    #[serde(rename = "RspCode")]
    pub rsp_code: String,
    #[serde(rename = "Message")]
    pub message: String,
}

impl From<IpnReply> for IpnAnswer {
    fn from(r: IpnReply) -> IpnAnswer {
        IpnAnswer { rsp_code: r.rsp_code().into(), message: r.message().into() }
    }
}

/// Decodes a query string into its parameters (the last of a repeated name wins).
pub fn query_params(raw: Option<&str>) -> BTreeMap<String, String> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect()
}

/// VNPay's server-to-server payment notification (IPN). Verifies the signature, the merchant,
/// the order and the amount, then applies the result once; replays and concurrent duplicates
/// get `02`. Always answers 200 with VNPay's `RspCode`/`Message` JSON.
#[utoipa::path(get, path = "/api/v1/payments/vnpay/ipn", tag = "payments",
    params(("vnp_SecureHash" = String, Query, description = "HMAC-SHA512 over the other vnp_* parameters")),
    responses((status = 200, body = IpnAnswer)))]
pub async fn vnpay_ipn(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Json<IpnAnswer> {
    let params = query_params(raw.as_deref());
    let reply = ipn(&state, &params).await;
    if !matches!(reply, IpnReply::Confirmed | IpnReply::AlreadyConfirmed) {
        tracing::info!(rsp = reply.rsp_code(), txn = params.get("vnp_TxnRef").map(String::as_str), "VNPay IPN refused");
    }
    Json(reply.into())
}

async fn ipn(state: &AppState, params: &BTreeMap<String, String>) -> IpnReply {
    let g = &state.payments;
    let Some(merchant) = params.get("vnp_TmnCode").and_then(|c| g.merchant_by_code(c)) else {
        return IpnReply::InvalidSignature;
    };
    if vnpay::verify(params, &merchant.secret).is_err() {
        return IpnReply::InvalidSignature;
    }
    let notice = match Notice::read(params) {
        Ok(n) => n,
        Err(vnpay::VnpayError::Malformed("vnp_Amount")) => return IpnReply::InvalidAmount,
        Err(_) => return IpnReply::Unknown,
    };
    let Ok(reference) = PaymentRef::parse(&notice.txn_ref) else { return IpnReply::OrderNotFound };
    let p = match state.db.payment(&reference).await {
        Ok(Some(p)) => p,
        Ok(None) => return IpnReply::OrderNotFound,
        Err(_) => return IpnReply::Unknown,
    };
    // The order must belong to the merchant that signed the notice.
    if g.merchant(&p.unit).is_none_or(|m| m.tmn_code != notice.tmn_code) {
        return IpnReply::OrderNotFound;
    }
    let now = state.now();
    if notice.amount != p.amount {
        let m = Mismatch {
            reference: p.reference.to_string(),
            source: "ipn".into(),
            ours: format!("{} {}", p.state.as_str(), p.amount),
            theirs: format!("{} {}", notice.outcome().as_str(), notice.amount),
            detail: "IPN amount differs from the payment".into(),
            at: now,
        };
        let _ = state.db.record_mismatch(&m).await;
        return IpnReply::InvalidAmount;
    }
    if p.state == PaymentState::Paid {
        return IpnReply::AlreadyConfirmed;
    }
    if notice.outcome() == PaymentState::Paid && !p.state.is_open() {
        // Paid wins, but a payment we had given up on is worth a look (and perhaps a refund).
        let m = Mismatch {
            reference: p.reference.to_string(),
            source: "ipn".into(),
            ours: p.state.as_str().into(),
            theirs: "paid".into(),
            detail: format!("paid after being {}; recorded as paid", p.state.as_str()),
            at: now,
        };
        let _ = state.db.record_mismatch(&m).await;
    }
    let report = Report { to: notice.outcome(), amount: notice.amount, gateway_txn: notice.transaction_no, at: now };
    match state.db.report(&reference, &report, &Actor::System).await {
        Ok(Recorded::Moved(after)) => {
            if after.state == PaymentState::Paid {
                crate::payments::after_paid(state, &after).await;
            }
            IpnReply::Confirmed
        }
        Ok(Recorded::Unchanged(_)) => IpnReply::AlreadyConfirmed,
        Err(ExecuteError::Rejected(PaymentError::WrongAmount { .. })) => IpnReply::InvalidAmount,
        Err(ExecuteError::Store(StoreError::NotFound)) => IpnReply::OrderNotFound,
        Err(_) => IpnReply::Unknown,
    }
}

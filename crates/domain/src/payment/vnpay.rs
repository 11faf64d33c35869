//! VNPay payment gateway, protocol version 2.1.0, as pure functions: the signed payment URL, the
//! verification of what VNPay sends back (return URL and IPN carry the same signed parameters),
//! the IPN answers, and the signed status query (`querydr`).
//!
//! Signing, as VNPay documents it: take every `vnp_*` parameter except `vnp_SecureHash` and
//! `vnp_SecureHashType`, drop empty values, sort by name, URL-encode names and values as an HTML
//! form does (space → `+`), join `name=value` with `&`, and HMAC-SHA512 that with the merchant's
//! secret (hex). Amounts travel × 100; times are `yyyyMMddHHmmss` in GMT+7.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha512;

use super::PaymentState;

pub const VERSION: &str = "2.1.0";

/// A merchant secret: never printed, never serialised.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A unit's VNPay merchant account.
#[derive(Debug, Clone)]
pub struct Merchant {
    /// `vnp_TmnCode`.
    pub tmn_code: String,
    /// `vnp_HashSecret`.
    pub secret: Secret,
}

fn vn() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// `yyyyMMddHHmmss` in GMT+7.
pub fn vn_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&vn()).format("%Y%m%d%H%M%S").to_string()
}

/// Reads a `yyyyMMddHHmmss` GMT+7 time.
pub fn parse_vn_time(s: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S").ok()?;
    vn().from_local_datetime(&naive).single().map(|t| t.with_timezone(&Utc))
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// PHP's `urlencode` (VNPay's own samples) also escapes `*`; WHATWG forms do not.
fn encode_php(s: &str) -> String {
    encode(s).replace('*', "%2A")
}

fn hmac_hex(secret: &Secret, data: &[u8]) -> String {
    let mut mac = Hmac::<Sha512>::new_from_slice(secret.expose().as_bytes()).expect("HMAC takes any key length");
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

fn signed_part(k: &str, v: &str) -> bool {
    k.starts_with("vnp_") && k != "vnp_SecureHash" && k != "vnp_SecureHashType" && !v.is_empty()
}

/// The string VNPay signs: sorted, encoded `name=value` pairs joined by `&`.
pub fn sign_data(params: &BTreeMap<String, String>) -> String {
    sign_data_with(params, encode)
}

fn sign_data_with(params: &BTreeMap<String, String>, enc: fn(&str) -> String) -> String {
    let parts: Vec<String> =
        params.iter().filter(|(k, v)| signed_part(k, v)).map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
    parts.join("&")
}

/// `vnp_SecureHash` of the parameters.
pub fn sign(params: &BTreeMap<String, String>, secret: &Secret) -> String {
    hmac_hex(secret, sign_data(params).as_bytes())
}

fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What the citizen is asked to pay, to build the payment URL from.
#[derive(Debug, Clone)]
pub struct PayRequest {
    pub txn_ref: String,
    /// In đồng (sent × 100).
    pub amount: i64,
    pub order_info: String,
    pub return_url: String,
    pub ip_addr: String,
    pub created: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    /// `vn` or `en`.
    pub locale: String,
    pub bank_code: Option<String>,
}

/// The signed parameters of a payment request.
pub fn pay_params(merchant: &Merchant, r: &PayRequest) -> BTreeMap<String, String> {
    let mut p = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        p.insert(k.to_string(), v);
    };
    put("vnp_Version", VERSION.into());
    put("vnp_Command", "pay".into());
    put("vnp_TmnCode", merchant.tmn_code.clone());
    put("vnp_Amount", (r.amount * 100).to_string());
    put("vnp_CurrCode", "VND".into());
    put("vnp_TxnRef", r.txn_ref.clone());
    put("vnp_OrderInfo", r.order_info.clone());
    put("vnp_OrderType", "other".into());
    put("vnp_Locale", r.locale.clone());
    put("vnp_ReturnUrl", r.return_url.clone());
    put("vnp_IpAddr", r.ip_addr.clone());
    put("vnp_CreateDate", vn_time(r.created));
    put("vnp_ExpireDate", vn_time(r.expires));
    if let Some(b) = r.bank_code.as_ref().filter(|b| !b.is_empty()) {
        put("vnp_BankCode", b.clone());
    }
    let hash = sign(&p, &merchant.secret);
    p.insert("vnp_SecureHash".into(), hash);
    p
}

/// The URL the citizen is redirected to: `{gateway}?{signed query}`.
pub fn payment_url(gateway: &str, merchant: &Merchant, r: &PayRequest) -> String {
    let p = pay_params(merchant, r);
    let query: Vec<String> = p.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    let sep = if gateway.contains('?') { '&' } else { '?' };
    format!("{gateway}{sep}{}", query.join("&"))
}

/// Why VNPay's parameters were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VnpayError {
    #[error("missing or wrong signature")]
    BadSignature,
    #[error("missing or malformed parameter {0}")]
    Malformed(&'static str),
}

/// Checks `vnp_SecureHash` over the other `vnp_*` parameters (decoded, as a query parser gives
/// them); both the form encoding and PHP's `urlencode` variant are accepted.
pub fn verify(params: &BTreeMap<String, String>, secret: &Secret) -> Result<(), VnpayError> {
    let given = params.get("vnp_SecureHash").ok_or(VnpayError::BadSignature)?;
    let plain = hmac_hex(secret, sign_data_with(params, encode).as_bytes());
    if same(&plain, given) {
        return Ok(());
    }
    let php = hmac_hex(secret, sign_data_with(params, encode_php).as_bytes());
    if same(&php, given) { Ok(()) } else { Err(VnpayError::BadSignature) }
}

/// A verified payment result (return URL or IPN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub tmn_code: String,
    pub txn_ref: String,
    /// In đồng (`vnp_Amount` / 100).
    pub amount: i64,
    pub response_code: String,
    pub transaction_status: String,
    pub transaction_no: Option<String>,
    pub bank_code: Option<String>,
    pub pay_date: Option<DateTime<Utc>>,
}

impl Notice {
    /// Reads the fields of signed parameters (call [`verify`] first).
    pub fn read(params: &BTreeMap<String, String>) -> Result<Notice, VnpayError> {
        let get = |k: &'static str| params.get(k).filter(|v| !v.is_empty()).cloned().ok_or(VnpayError::Malformed(k));
        let opt = |k: &str| params.get(k).filter(|v| !v.is_empty() && *v != "0").cloned();
        let raw: i64 = get("vnp_Amount")?.parse().map_err(|_| VnpayError::Malformed("vnp_Amount"))?;
        if raw < 0 || raw % 100 != 0 {
            return Err(VnpayError::Malformed("vnp_Amount"));
        }
        Ok(Notice {
            tmn_code: get("vnp_TmnCode")?,
            txn_ref: get("vnp_TxnRef")?,
            amount: raw / 100,
            response_code: get("vnp_ResponseCode")?,
            transaction_status: params.get("vnp_TransactionStatus").cloned().unwrap_or_default(),
            transaction_no: opt("vnp_TransactionNo"),
            bank_code: opt("vnp_BankCode"),
            pay_date: params.get("vnp_PayDate").and_then(|d| parse_vn_time(d)),
        })
    }

    /// What the result means for the payment: paid only when both codes are `00`; `24` is the
    /// citizen cancelling; anything else failed.
    pub fn outcome(&self) -> PaymentState {
        match (self.response_code.as_str(), self.transaction_status.as_str()) {
            ("00", "00") => PaymentState::Paid,
            ("24", _) => PaymentState::Cancelled,
            _ => PaymentState::Failed,
        }
    }
}

/// The IPN answers VNPay documents; VNPay retries until it gets `00` or `02`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpnReply {
    Confirmed,
    OrderNotFound,
    AlreadyConfirmed,
    InvalidAmount,
    InvalidSignature,
    Unknown,
}

/// The JSON body of an IPN answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct IpnBody {
    #[serde(rename = "RspCode")]
    pub rsp_code: String,
    #[serde(rename = "Message")]
    pub message: String,
}

impl IpnReply {
    pub fn rsp_code(self) -> &'static str {
        match self {
            IpnReply::Confirmed => "00",
            IpnReply::OrderNotFound => "01",
            IpnReply::AlreadyConfirmed => "02",
            IpnReply::InvalidAmount => "04",
            IpnReply::InvalidSignature => "97",
            IpnReply::Unknown => "99",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            IpnReply::Confirmed => "Confirm Success",
            IpnReply::OrderNotFound => "Order not found",
            IpnReply::AlreadyConfirmed => "Order already confirmed",
            IpnReply::InvalidAmount => "Invalid amount",
            IpnReply::InvalidSignature => "Invalid signature",
            IpnReply::Unknown => "Unknow error",
        }
    }
    pub fn body(self) -> IpnBody {
        IpnBody { rsp_code: self.rsp_code().into(), message: self.message().into() }
    }
}

mod query;
pub use query::*;

#[cfg(test)]
mod tests;

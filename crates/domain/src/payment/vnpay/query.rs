//! The status query (`querydr`): a JSON POST signed over `|`-joined fields, and its signed answer.
// Field names are VNPay's wire names.
#![allow(non_snake_case)]

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Merchant, Secret, VERSION, VnpayError, hmac_hex, same, vn_time};
use crate::payment::PaymentState;

/// A status query, as sent (`POST` JSON to the merchant API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryRequest {
    pub vnp_RequestId: String,
    pub vnp_Version: String,
    pub vnp_Command: String,
    pub vnp_TmnCode: String,
    pub vnp_TxnRef: String,
    pub vnp_OrderInfo: String,
    /// The payment's `vnp_CreateDate`.
    pub vnp_TransactionDate: String,
    pub vnp_CreateDate: String,
    pub vnp_IpAddr: String,
    pub vnp_SecureHash: String,
}

impl QueryRequest {
    fn hash_data(&self) -> String {
        [
            &self.vnp_RequestId,
            &self.vnp_Version,
            &self.vnp_Command,
            &self.vnp_TmnCode,
            &self.vnp_TxnRef,
            &self.vnp_TransactionDate,
            &self.vnp_CreateDate,
            &self.vnp_IpAddr,
            &self.vnp_OrderInfo,
        ]
        .map(String::as_str)
        .join("|")
    }

    /// A signed query about payment `txn_ref` created at `created`.
    pub fn new(
        merchant: &Merchant,
        request_id: &str,
        txn_ref: &str,
        order_info: &str,
        created: DateTime<Utc>,
        now: DateTime<Utc>,
        ip_addr: &str,
    ) -> QueryRequest {
        let mut q = QueryRequest {
            vnp_RequestId: request_id.into(),
            vnp_Version: VERSION.into(),
            vnp_Command: "querydr".into(),
            vnp_TmnCode: merchant.tmn_code.clone(),
            vnp_TxnRef: txn_ref.into(),
            vnp_OrderInfo: order_info.into(),
            vnp_TransactionDate: vn_time(created),
            vnp_CreateDate: vn_time(now),
            vnp_IpAddr: ip_addr.into(),
            vnp_SecureHash: String::new(),
        };
        q.vnp_SecureHash = hmac_hex(&merchant.secret, q.hash_data().as_bytes());
        q
    }

    /// Checks the query's signature (the gateway's side).
    pub fn verify(&self, secret: &Secret) -> Result<(), VnpayError> {
        let want = hmac_hex(secret, self.hash_data().as_bytes());
        if same(&want, &self.vnp_SecureHash) { Ok(()) } else { Err(VnpayError::BadSignature) }
    }
}

/// The answer to a status query. Absent fields are empty strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueryResponse {
    pub vnp_ResponseId: String,
    pub vnp_Command: String,
    pub vnp_ResponseCode: String,
    pub vnp_Message: String,
    pub vnp_TmnCode: String,
    pub vnp_TxnRef: String,
    /// × 100.
    pub vnp_Amount: String,
    pub vnp_BankCode: String,
    pub vnp_PayDate: String,
    pub vnp_TransactionNo: String,
    pub vnp_TransactionType: String,
    pub vnp_TransactionStatus: String,
    pub vnp_OrderInfo: String,
    pub vnp_PromotionCode: String,
    pub vnp_PromotionAmount: String,
    pub vnp_SecureHash: String,
}

impl QueryResponse {
    fn hash_data(&self) -> String {
        [
            &self.vnp_ResponseId,
            &self.vnp_Command,
            &self.vnp_ResponseCode,
            &self.vnp_Message,
            &self.vnp_TmnCode,
            &self.vnp_TxnRef,
            &self.vnp_Amount,
            &self.vnp_BankCode,
            &self.vnp_PayDate,
            &self.vnp_TransactionNo,
            &self.vnp_TransactionType,
            &self.vnp_TransactionStatus,
            &self.vnp_OrderInfo,
            &self.vnp_PromotionCode,
            &self.vnp_PromotionAmount,
        ]
        .map(String::as_str)
        .join("|")
    }

    /// Signs the answer (the gateway's side).
    pub fn seal(mut self, secret: &Secret) -> QueryResponse {
        self.vnp_SecureHash = hmac_hex(secret, self.hash_data().as_bytes());
        self
    }

    pub fn verify(&self, secret: &Secret) -> Result<(), VnpayError> {
        let want = hmac_hex(secret, self.hash_data().as_bytes());
        if same(&want, &self.vnp_SecureHash) { Ok(()) } else { Err(VnpayError::BadSignature) }
    }

    /// What the gateway knows: `None` while the outcome is still open (not found, not yet paid,
    /// processing), else the state and the amount in đồng.
    pub fn outcome(&self) -> Result<Option<(PaymentState, i64)>, VnpayError> {
        if self.vnp_ResponseCode == "91" {
            return Ok(None);
        }
        if self.vnp_ResponseCode != "00" {
            return Err(VnpayError::Malformed("vnp_ResponseCode"));
        }
        let raw: i64 = self.vnp_Amount.parse().map_err(|_| VnpayError::Malformed("vnp_Amount"))?;
        if raw % 100 != 0 {
            return Err(VnpayError::Malformed("vnp_Amount"));
        }
        Ok(match self.vnp_TransactionStatus.as_str() {
            "00" => Some((PaymentState::Paid, raw / 100)),
            "01" | "05" | "06" => None,
            "02" | "04" | "07" | "09" => Some((PaymentState::Failed, raw / 100)),
            _ => None,
        })
    }
}

//! Payments of a dossier's fees: a monotone state machine whose every transition is an event of
//! the dossier's hash chain, and the gateways' protocols as pure functions.
//!
//! - [`PaymentState`]: created → pending → paid (terminal) / failed / expired / cancelled; a
//!   confirmed "paid" wins over an earlier failed, expired or cancelled, and nothing leaves paid.
//! - [`settle`]: what a gateway's report (IPN, status query, statement line) does to a payment.
//! - [`vnpay`]: VNPay 2.1.0 payment URLs, signatures, IPN answers and the status query.
//! - [`vietqr`]: the NAPAS VietQR (EMVCo) transfer payload.
//! - [`statement`]: bank statement CSV import and matching credits to dossiers.
//! - [`words`]: amounts in Vietnamese words for receipts.

mod model;
pub mod statement;
pub mod vietqr;
pub mod vnpay;
pub mod words;

pub use model::*;

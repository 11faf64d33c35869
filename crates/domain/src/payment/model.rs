//! The payment, its states and the one rule that moves them ([`settle`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::dossier::DossierCode;
use crate::error::Described;

/// A payment's reference (`vnp_TxnRef`): 8–32 ASCII letters, digits, `-` or `_`, unique.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PaymentRef(String);

impl PaymentRef {
    pub fn parse(s: &str) -> Result<PaymentRef, PaymentError> {
        let s = s.trim();
        let ok = (8..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok { Ok(PaymentRef(s.to_string())) } else { Err(PaymentError::BadRef(s.chars().take(40).collect())) }
    }
    /// A fresh reference from 64 random bits: `MC` and 16 upper-case hex digits.
    pub fn generate(random: u64) -> PaymentRef {
        PaymentRef(format!("MC{random:016X}"))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PaymentRef {
    type Error = PaymentError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PaymentRef::parse(&s)
    }
}

impl From<PaymentRef> for String {
    fn from(r: PaymentRef) -> String {
        r.0
    }
}

impl std::fmt::Display for PaymentRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How the fee is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// The VNPay gateway (card, bank app, QR), through Motcua.
    Vnpay,
    /// A bank transfer to the unit's account with the VietQR code, matched from the statement.
    VietQr,
    /// Cash at the counter, recorded by an officer.
    Cash,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Vnpay => "vnpay",
            PaymentMethod::VietQr => "vietqr",
            PaymentMethod::Cash => "cash",
        }
    }
    pub fn parse(s: &str) -> Option<PaymentMethod> {
        [PaymentMethod::Vnpay, PaymentMethod::VietQr, PaymentMethod::Cash].into_iter().find(|m| m.as_str() == s)
    }
    /// The 766 flag `DuocThanhToanTrucTuyen` a verified payment by this method sets: 2 (provincial
    /// gateway / Motcua) for online methods, 0 for cash at the counter.
    pub fn online_flag(self) -> u8 {
        match self {
            PaymentMethod::Vnpay | PaymentMethod::VietQr => 2,
            PaymentMethod::Cash => 0,
        }
    }
    pub fn name_vi(self) -> &'static str {
        match self {
            PaymentMethod::Vnpay => "Cổng thanh toán VNPay",
            PaymentMethod::VietQr => "Chuyển khoản VietQR",
            PaymentMethod::Cash => "Tiền mặt tại quầy",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            PaymentMethod::Vnpay => "VNPay gateway",
            PaymentMethod::VietQr => "VietQR bank transfer",
            PaymentMethod::Cash => "Cash at the counter",
        }
    }
}

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    Created,
    /// The citizen was sent to the gateway (or shown the transfer details); no outcome yet.
    Pending,
    /// Confirmed by a verified gateway report, a matched statement line or an officer (cash).
    Paid,
    Failed,
    /// No outcome before the payment's deadline.
    Expired,
    Cancelled,
}

impl PaymentState {
    pub const ALL: [PaymentState; 6] = [
        PaymentState::Created,
        PaymentState::Pending,
        PaymentState::Paid,
        PaymentState::Failed,
        PaymentState::Expired,
        PaymentState::Cancelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentState::Created => "created",
            PaymentState::Pending => "pending",
            PaymentState::Paid => "paid",
            PaymentState::Failed => "failed",
            PaymentState::Expired => "expired",
            PaymentState::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<PaymentState> {
        PaymentState::ALL.into_iter().find(|p| p.as_str() == s)
    }
    pub fn name_vi(self) -> &'static str {
        match self {
            PaymentState::Created => "Mới tạo",
            PaymentState::Pending => "Đang chờ thanh toán",
            PaymentState::Paid => "Đã thanh toán",
            PaymentState::Failed => "Thanh toán không thành công",
            PaymentState::Expired => "Hết hạn thanh toán",
            PaymentState::Cancelled => "Đã hủy",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            PaymentState::Created => "Created",
            PaymentState::Pending => "Awaiting payment",
            PaymentState::Paid => "Paid",
            PaymentState::Failed => "Payment failed",
            PaymentState::Expired => "Payment expired",
            PaymentState::Cancelled => "Cancelled",
        }
    }
    /// Whether the state may move to `to`. Paid is terminal; failed, expired and cancelled may
    /// still become paid (the money arrived after all), and nothing else.
    pub fn may_become(self, to: PaymentState) -> bool {
        use PaymentState::*;
        match (self, to) {
            (Paid, _) | (_, Created) => false,
            (Created, _) => true,
            (Pending, Pending) => false,
            (Pending, _) => true,
            (Failed | Expired | Cancelled, Paid) => true,
            _ => false,
        }
    }
    /// Whether the reconciliation job still asks the gateway about it.
    pub fn is_open(self) -> bool {
        matches!(self, PaymentState::Created | PaymentState::Pending)
    }
}

/// A payment of a dossier's fees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub reference: PaymentRef,
    pub dossier: DossierCode,
    /// The unit whose merchant account receives it.
    pub unit: String,
    pub method: PaymentMethod,
    /// In whole đồng.
    pub amount: i64,
    pub state: PaymentState,
    /// What is paid for (`vnp_OrderInfo`, the transfer memo).
    pub order_info: String,
    /// The gateway's or bank's own transaction number, once known.
    pub gateway_txn: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// After this, an open payment with no outcome expires.
    pub expires_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}

/// A report about a payment from outside: the gateway's IPN or status answer, a statement line,
/// or an officer's cash receipt. Only verified reports are ever turned into one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub to: PaymentState,
    /// The amount the report says was paid, in đồng.
    pub amount: i64,
    pub gateway_txn: Option<String>,
    pub at: DateTime<Utc>,
}

/// What a report does to a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// The payment moves to this state (recorded as an event of the dossier).
    Move(PaymentState),
    /// Nothing to do: the payment is already there, or the report is older news (a failure
    /// after paid, a duplicate).
    Unchanged,
}

/// Why a report was refused. Nothing changes when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error("invalid payment reference {0:?}")]
    BadRef(String),
    #[error("amount {reported} differs from the payment's {expected}")]
    WrongAmount { expected: i64, reported: i64 },
    #[error("the dossier owes nothing")]
    NothingOwed,
    #[error("the payment is already paid")]
    AlreadyPaid,
    #[error("no payment gateway is configured for unit {0}")]
    NoGateway(String),
}

impl Described for PaymentError {
    fn code(&self) -> &'static str {
        match self {
            PaymentError::BadRef(_) => "INVALID_PAYMENT_REF",
            PaymentError::WrongAmount { .. } => "PAYMENT_AMOUNT_MISMATCH",
            PaymentError::NothingOwed => "NOTHING_OWED",
            PaymentError::AlreadyPaid => "PAYMENT_ALREADY_PAID",
            PaymentError::NoGateway(_) => "PAYMENT_GATEWAY_NOT_CONFIGURED",
        }
    }
    fn message_vi(&self) -> String {
        match self {
            PaymentError::BadRef(r) => format!("Mã giao dịch thanh toán \"{r}\" không hợp lệ."),
            PaymentError::WrongAmount { expected, reported } => format!(
                "Số tiền {} không khớp với số tiền phải nộp {}.",
                super::words::grouped(*reported),
                super::words::grouped(*expected)
            ),
            PaymentError::NothingOwed => "Hồ sơ không có khoản phí, lệ phí nào phải nộp.".into(),
            PaymentError::AlreadyPaid => "Hồ sơ đã được thanh toán đủ.".into(),
            PaymentError::NoGateway(u) => format!("Đơn vị {u} chưa được cấu hình cổng thanh toán trực tuyến."),
        }
    }
    fn message_en(&self) -> String {
        match self {
            PaymentError::BadRef(r) => format!("Payment reference \"{r}\" is invalid."),
            PaymentError::WrongAmount { expected, reported } => format!(
                "Amount {} does not match the amount due {}.",
                super::words::grouped(*reported),
                super::words::grouped(*expected)
            ),
            PaymentError::NothingOwed => "The dossier owes no fee.".into(),
            PaymentError::AlreadyPaid => "The dossier is already paid.".into(),
            PaymentError::NoGateway(u) => format!("Unit {u} has no online payment gateway configured."),
        }
    }
    fn field(&self) -> Option<&str> {
        match self {
            PaymentError::BadRef(_) => Some("reference"),
            PaymentError::WrongAmount { .. } => Some("amount"),
            _ => None,
        }
    }
}

/// Decides what `report` does to `payment`. A "paid" report must carry exactly the payment's
/// amount; a confirmed paid always wins; nothing moves a paid payment.
pub fn settle(payment: &Payment, report: &Report) -> Result<Settlement, PaymentError> {
    if report.to == PaymentState::Paid && report.amount != payment.amount {
        return Err(PaymentError::WrongAmount { expected: payment.amount, reported: report.amount });
    }
    if payment.state.may_become(report.to) { Ok(Settlement::Move(report.to)) } else { Ok(Settlement::Unchanged) }
}

/// What a dossier still owes: its fee lines less what its paid payments cover.
pub fn amount_due(dossier: &crate::dossier::Dossier, payments: &[Payment]) -> Result<i64, PaymentError> {
    let total = dossier.fee_total();
    if total <= 0 {
        return Err(PaymentError::NothingOwed);
    }
    let paid: i64 = payments.iter().filter(|p| p.state == PaymentState::Paid).map(|p| p.amount).sum();
    if paid >= total { Err(PaymentError::AlreadyPaid) } else { Ok(total - paid) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentState::*;

    #[test]
    fn paid_is_terminal_and_wins_over_earlier_failures() {
        for s in PaymentState::ALL {
            assert!(!Paid.may_become(s), "paid → {s:?}");
            assert!(!s.may_become(Created));
        }
        for s in [Failed, Expired, Cancelled] {
            assert!(s.may_become(Paid));
            for t in [Pending, Failed, Expired, Cancelled] {
                assert!(!s.may_become(t), "{s:?} → {t:?}");
            }
        }
        assert!(Created.may_become(Pending) && Pending.may_become(Paid) && Pending.may_become(Expired));
    }

    #[test]
    fn references_parse_and_generate() {
        assert!(PaymentRef::parse("MC0123456789ABCDEF").is_ok());
        assert!(PaymentRef::parse("short").is_err());
        assert!(PaymentRef::parse("has space 12345").is_err());
        assert_eq!(PaymentRef::generate(255).as_str(), "MC00000000000000FF");
    }
}

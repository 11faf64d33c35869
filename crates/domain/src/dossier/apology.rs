//! Mẫu 04, "Phiếu xin lỗi và hẹn lại ngày trả kết quả": when a dossier will not be decided by
//! its due time, the office apologises in writing, says why and gives a new appointment
//! (DOMAIN §2.5 "Late dossiers"). The apology is an event in the dossier's chain
//! ([`EventKind::ApologyIssued`]); it does not move `due_at`: in the 766 index a late dossier
//! stays late, measured against the original appointment.
//!
//! The rule that re-appointment happens only once comes from Decree 61/2018 (DOMAIN marks it
//! [M], carried over to Decree 118/2025 unverified); it is enforced here as [`MAX_APOLOGIES`].

use chrono::{DateTime, Utc};

use super::{Dossier, EventKind, Status};
use crate::error::Described;
use crate::staff::{Actor, Role};

/// How many apologies (new appointments) one dossier may get.
pub const MAX_APOLOGIES: usize = 1;

/// The longest reason kept.
const MAX_REASON: usize = 2_000;

/// Why an apology could not be issued. Nothing changes when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApologyError {
    #[error("only one-stop staff, specialists, leaders and the director issue apologies")]
    Forbidden,
    #[error("staff of unit {0} may not act on this dossier")]
    OtherUnit(String),
    #[error("the dossier is not being handled (status {0:?})")]
    NotOpen(Status),
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the new appointment must be later than now and than the current due time")]
    NotLater,
    #[error("the dossier already has an apology and a new appointment")]
    AlreadyIssued,
}

impl Described for ApologyError {
    fn code(&self) -> &'static str {
        match self {
            ApologyError::Forbidden => "ROLE_NOT_ALLOWED",
            ApologyError::OtherUnit(_) => "UNIT_NOT_ALLOWED",
            ApologyError::NotOpen(_) => "TRANSITION_NOT_ALLOWED",
            ApologyError::ReasonRequired => "REASON_REQUIRED",
            ApologyError::NotLater => "NEW_APPOINTMENT_NOT_LATER",
            ApologyError::AlreadyIssued => "APOLOGY_ALREADY_ISSUED",
        }
    }

    fn message_vi(&self) -> String {
        match self {
            ApologyError::Forbidden => "Vai trò của bạn không được lập phiếu xin lỗi.".into(),
            ApologyError::OtherUnit(u) => format!("Cán bộ của đơn vị {u} không được xử lý hồ sơ này."),
            ApologyError::NotOpen(s) => {
                format!("Chỉ lập phiếu xin lỗi cho hồ sơ đã tiếp nhận và đang giải quyết (hiện: {}).", s.name_vi())
            }
            ApologyError::ReasonRequired => "Vui lòng ghi lý do chậm trả kết quả.".into(),
            ApologyError::NotLater => "Ngày hẹn trả mới phải sau thời điểm hiện tại và sau ngày hẹn trả cũ.".into(),
            ApologyError::AlreadyIssued => {
                "Hồ sơ này đã được xin lỗi và hẹn lại một lần; không hẹn lại lần nữa.".into()
            }
        }
    }

    fn message_en(&self) -> String {
        match self {
            ApologyError::Forbidden => "Your role may not issue an apology.".into(),
            ApologyError::OtherUnit(u) => format!("Staff of unit {u} may not act on this dossier."),
            ApologyError::NotOpen(s) => {
                format!("An apology is only for a received dossier still being handled (now: {}).", s.name_en())
            }
            ApologyError::ReasonRequired => "Please give the reason for the delay.".into(),
            ApologyError::NotLater => "The new appointment must be after now and after the current due time.".into(),
            ApologyError::AlreadyIssued => "This dossier already got an apology and a new appointment.".into(),
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            ApologyError::ReasonRequired => Some("reason"),
            ApologyError::NotLater => Some("new_due"),
            _ => None,
        }
    }
}

/// Decides the apology event from the dossier as locked for the write (its `apologies` count
/// included, so two simultaneous requests cannot both pass the limit).
pub fn issue_apology(
    d: &Dossier,
    actor: &Actor,
    now: DateTime<Utc>,
    new_due_at: DateTime<Utc>,
    reason: &str,
) -> Result<EventKind, ApologyError> {
    let Actor::Staff { unit, role, .. } = actor else { return Err(ApologyError::Forbidden) };
    if !matches!(role, Role::IntakeOfficer | Role::Specialist | Role::Leader | Role::CenterDirector) {
        return Err(ApologyError::Forbidden);
    }
    if !d.involves(unit) {
        return Err(ApologyError::OtherUnit(unit.to_string()));
    }
    use Status::*;
    if !matches!(d.status, Received | Processing | SupplementRequested | FinancialObligation) {
        return Err(ApologyError::NotOpen(d.status));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApologyError::ReasonRequired);
    }
    if d.apologies as usize >= MAX_APOLOGIES {
        return Err(ApologyError::AlreadyIssued);
    }
    if new_due_at <= now || d.due_at.is_some_and(|due| new_due_at <= due) {
        return Err(ApologyError::NotLater);
    }
    Ok(EventKind::ApologyIssued { new_due_at, reason: reason.chars().take(MAX_REASON).collect() })
}

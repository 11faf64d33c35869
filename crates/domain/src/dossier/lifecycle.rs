//! The lifecycle rules: which command may be given, by whom, in which status, and what it records.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Dossier, EventKind, FeeLine, ResultDoc, Status};
use crate::calendar::WorkCalendar;
use crate::catalog::Procedure;
use crate::error::Described;
use crate::staff::{Actor, Role};
use crate::unit::UnitCode;

/// A command on an existing dossier. Each has its own API endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Tiếp nhận: accept a submitted dossier; the deadline starts.
    Receive,
    /// Từ chối tiếp nhận, with the reasons (Mẫu 03).
    Refuse { reason: String },
    /// Chuyển xử lý.
    StartProcessing,
    /// Route to the competent unit (Decree 118/2025).
    Transfer { to_unit: UnitCode, reason: String },
    /// Yêu cầu bổ sung (Mẫu 02); stops the clock. A second request makes the dossier overdue.
    RequestSupplement { missing: String },
    /// The supplement arrived; the clock resumes.
    ReceiveSupplement,
    /// Yêu cầu thực hiện nghĩa vụ tài chính; stops the clock.
    RequestFinancialObligation { fees: Vec<FeeLine> },
    /// The obligation is met; `online_payment` is the 766 flag (0 cash, 1 national portal, 2 Motcua).
    ConfirmFinancialObligation {
        #[serde(default)]
        online_payment: u8,
    },
    /// The citizen withdraws the dossier.
    Withdraw { reason: String },
    /// Dừng xử lý.
    Stop { reason: String },
    /// A specialist proposes the decision to a leader.
    ForwardForApproval { summary: String },
    /// A leader sends the proposal back.
    SendBack { reason: String },
    /// A leader signs the decision; the result is ready.
    Decide {
        #[serde(default)]
        results: Vec<ResultDoc>,
    },
    /// The result is handed to the citizen.
    ReturnResult,
}

impl Command {
    /// The command's name (also its URL segment).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Receive => "receive",
            Command::Refuse { .. } => "refuse",
            Command::StartProcessing => "start_processing",
            Command::Transfer { .. } => "transfer",
            Command::RequestSupplement { .. } => "request_supplement",
            Command::ReceiveSupplement => "receive_supplement",
            Command::RequestFinancialObligation { .. } => "request_financial_obligation",
            Command::ConfirmFinancialObligation { .. } => "confirm_financial_obligation",
            Command::Withdraw { .. } => "withdraw",
            Command::Stop { .. } => "stop",
            Command::ForwardForApproval { .. } => "forward_for_approval",
            Command::SendBack { .. } => "send_back",
            Command::Decide { .. } => "decide",
            Command::ReturnResult => "return_result",
        }
    }

    /// Statuses the command may be given in.
    pub fn from_statuses(&self) -> &'static [Status] {
        use Status::*;
        match self {
            Command::Receive | Command::Refuse { .. } => &[Submitted],
            Command::StartProcessing => &[Received],
            Command::Transfer { .. } => &[Received, Processing],
            Command::RequestSupplement { .. } | Command::RequestFinancialObligation { .. } => &[Received, Processing],
            Command::ReceiveSupplement => &[SupplementRequested],
            Command::ConfirmFinancialObligation { .. } => &[FinancialObligation],
            Command::Withdraw { .. } => &[Submitted, Received, Processing, SupplementRequested, FinancialObligation],
            Command::Stop { .. } => &[Received, Processing, SupplementRequested, FinancialObligation],
            Command::ForwardForApproval { .. } | Command::SendBack { .. } | Command::Decide { .. } => &[Processing],
            Command::ReturnResult => &[Decided],
        }
    }

    /// Staff roles that may give the command (the center director may give all of them).
    pub fn roles(&self) -> &'static [Role] {
        use Role::*;
        match self {
            Command::Receive
            | Command::Refuse { .. }
            | Command::ReceiveSupplement
            | Command::ConfirmFinancialObligation { .. }
            | Command::Withdraw { .. }
            | Command::ReturnResult => &[IntakeOfficer, CenterDirector],
            Command::StartProcessing | Command::ForwardForApproval { .. } => &[Specialist, CenterDirector],
            Command::RequestSupplement { .. } | Command::RequestFinancialObligation { .. } => {
                &[IntakeOfficer, Specialist, CenterDirector]
            }
            Command::Transfer { .. } => &[IntakeOfficer, Specialist, Leader, CenterDirector],
            Command::SendBack { .. } | Command::Decide { .. } | Command::Stop { .. } => &[Leader, CenterDirector],
        }
    }

    fn allows(&self, actor: &Actor) -> bool {
        match actor {
            Actor::Staff { role, .. } => self.roles().contains(role),
            Actor::Citizen => matches!(self, Command::Withdraw { .. }),
            // Motcua itself confirms payments it has verified.
            Actor::System => matches!(self, Command::ConfirmFinancialObligation { .. }),
        }
    }
}

/// Why a command was refused. Nothing changes when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("{command} is not allowed in status {status:?}")]
    NotAllowed { command: &'static str, status: Status },
    #[error("{command} is not allowed in this step")]
    WrongStep { command: &'static str },
    #[error("{command} is not allowed for {actor}")]
    Forbidden { command: &'static str, actor: String },
    #[error("staff of unit {unit} may not act on this dossier")]
    OtherUnit { unit: String },
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the dossier is already handled by unit {0}")]
    SameUnit(String),
    #[error("fee lines must have a name and a positive amount")]
    BadFee,
    #[error("online payment flag must be 0, 1 or 2")]
    BadPaymentFlag,
}

impl Described for LifecycleError {
    fn code(&self) -> &'static str {
        match self {
            LifecycleError::NotAllowed { .. } | LifecycleError::WrongStep { .. } => "TRANSITION_NOT_ALLOWED",
            LifecycleError::Forbidden { .. } => "ROLE_NOT_ALLOWED",
            LifecycleError::OtherUnit { .. } => "UNIT_NOT_ALLOWED",
            LifecycleError::ReasonRequired => "REASON_REQUIRED",
            LifecycleError::SameUnit(_) => "SAME_UNIT",
            LifecycleError::BadFee => "INVALID_FEE",
            LifecycleError::BadPaymentFlag => "INVALID_PAYMENT_FLAG",
        }
    }
    fn message_vi(&self) -> String {
        match self {
            LifecycleError::NotAllowed { command, status } => {
                format!("Không thể thực hiện \"{command}\" khi hồ sơ đang ở trạng thái \"{}\".", status.name_vi())
            }
            LifecycleError::WrongStep { command } => {
                format!("Không thể thực hiện \"{command}\" ở bước xử lý hiện tại của hồ sơ.")
            }
            LifecycleError::Forbidden { command, .. } => {
                format!("Vai trò của bạn không được phép thực hiện \"{command}\".")
            }
            LifecycleError::OtherUnit { unit } => {
                format!("Cán bộ đơn vị {unit} không được thao tác trên hồ sơ của đơn vị khác.")
            }
            LifecycleError::ReasonRequired => "Vui lòng ghi rõ lý do hoặc nội dung.".into(),
            LifecycleError::SameUnit(u) => format!("Hồ sơ đã do đơn vị {u} xử lý."),
            LifecycleError::BadFee => "Mỗi khoản phí phải có tên và số tiền lớn hơn 0.".into(),
            LifecycleError::BadPaymentFlag => "Hình thức thanh toán phải là 0, 1 hoặc 2.".into(),
        }
    }
    fn message_en(&self) -> String {
        match self {
            LifecycleError::NotAllowed { command, status } => {
                format!("\"{command}\" is not allowed while the dossier is \"{}\".", status.name_en())
            }
            LifecycleError::WrongStep { command } => {
                format!("\"{command}\" is not allowed at the dossier's current step.")
            }
            LifecycleError::Forbidden { command, .. } => format!("Your role may not perform \"{command}\"."),
            LifecycleError::OtherUnit { unit } => {
                format!("Staff of unit {unit} may not act on another unit's dossier.")
            }
            LifecycleError::ReasonRequired => "Please state the reason or content.".into(),
            LifecycleError::SameUnit(u) => format!("The dossier is already handled by unit {u}."),
            LifecycleError::BadFee => "Each fee line needs a name and an amount above 0.".into(),
            LifecycleError::BadPaymentFlag => "The online payment flag must be 0, 1 or 2.".into(),
        }
    }
    fn field(&self) -> Option<&str> {
        match self {
            LifecycleError::ReasonRequired => Some("reason"),
            LifecycleError::SameUnit(_) => Some("to_unit"),
            LifecycleError::BadFee => Some("fees"),
            LifecycleError::BadPaymentFlag => Some("online_payment"),
            _ => None,
        }
    }
}

/// What a command needs besides the dossier: the instant, the calendar of the handling unit
/// (at the dossier's calendar version once received), and the procedure.
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub calendar: &'a WorkCalendar,
    /// The calendar version a deadline issued now is recorded under.
    pub calendar_version: u32,
    pub procedure: &'a Procedure,
}

fn required(text: &str) -> Result<(), LifecycleError> {
    if text.trim().is_empty() { Err(LifecycleError::ReasonRequired) } else { Ok(()) }
}

/// Decides whether `actor` may give `command` to `dossier` now, and what event it records.
pub fn decide(dossier: &Dossier, actor: &Actor, command: &Command, ctx: &Context) -> Result<EventKind, LifecycleError> {
    let name = command.name();
    if !command.allows(actor) {
        return Err(LifecycleError::Forbidden { command: name, actor: actor.label() });
    }
    if let Actor::Staff { unit, role, .. } = actor
        && *role != Role::ProvinceMonitor
        && !dossier.involves(unit)
    {
        return Err(LifecycleError::OtherUnit { unit: unit.to_string() });
    }
    if !command.from_statuses().contains(&dossier.status) {
        return Err(LifecycleError::NotAllowed { command: name, status: dossier.status });
    }
    let resumed_due = || match (dossier.due_at, dossier.open_pause()) {
        (Some(due), Some(p)) => ctx.calendar.resume_due(due, p.from, ctx.now),
        (Some(due), None) => due,
        (None, _) => ctx.calendar.due(ctx.now, &ctx.procedure.statutory_time),
    };
    Ok(match command {
        Command::Receive => EventKind::Received {
            due_at: ctx.calendar.due(ctx.now, &ctx.procedure.statutory_time),
            calendar_version: ctx.calendar_version,
        },
        Command::Refuse { reason } => {
            required(reason)?;
            EventKind::Refused { reason: reason.trim().into() }
        }
        Command::StartProcessing => EventKind::ProcessingStarted,
        Command::Transfer { to_unit, reason } => {
            if *to_unit == dossier.handling_unit {
                return Err(LifecycleError::SameUnit(to_unit.to_string()));
            }
            EventKind::Transferred {
                from: dossier.handling_unit.clone(),
                to: to_unit.clone(),
                reason: reason.trim().into(),
            }
        }
        Command::RequestSupplement { missing } => {
            required(missing)?;
            EventKind::SupplementRequested { missing: missing.trim().into() }
        }
        Command::ReceiveSupplement => EventKind::SupplementReceived { due_at: resumed_due() },
        Command::RequestFinancialObligation { fees } => {
            if fees.is_empty() || fees.iter().any(|f| f.name.trim().is_empty() || f.amount <= 0 || f.copies == 0) {
                return Err(LifecycleError::BadFee);
            }
            EventKind::FinancialObligationRequested { fees: fees.clone() }
        }
        Command::ConfirmFinancialObligation { online_payment } => {
            if *online_payment > 2 {
                return Err(LifecycleError::BadPaymentFlag);
            }
            EventKind::FinancialObligationMet { due_at: resumed_due(), online_payment: *online_payment }
        }
        Command::Withdraw { reason } => {
            required(reason)?;
            EventKind::Withdrawn { reason: reason.trim().into() }
        }
        Command::Stop { reason } => {
            required(reason)?;
            EventKind::Stopped { reason: reason.trim().into() }
        }
        Command::ForwardForApproval { summary } => {
            if dossier.awaiting_approval {
                return Err(LifecycleError::WrongStep { command: name });
            }
            EventKind::ForwardedForApproval { summary: summary.trim().into() }
        }
        Command::SendBack { reason } => {
            if !dossier.awaiting_approval {
                return Err(LifecycleError::WrongStep { command: name });
            }
            required(reason)?;
            EventKind::SentBack { reason: reason.trim().into() }
        }
        Command::Decide { results } => {
            if !dossier.awaiting_approval {
                return Err(LifecycleError::WrongStep { command: name });
            }
            EventKind::Decided { results: results.clone() }
        }
        Command::ReturnResult => EventKind::ResultReturned,
    })
}

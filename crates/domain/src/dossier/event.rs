//! Events: the append-only record of everything that happened to a dossier, and how each one
//! changes the projection ([`evolve`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Component, Dossier, DossierCode, FeeLine, NewDossier, Pause, PauseKind, Rating, ResultDoc, Status};
use crate::staff::Actor;
use crate::unit::UnitCode;

/// What happened, with every value needed to rebuild the dossier from its events alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Submitted {
        dossier: Box<NewDossier>,
    },
    Received {
        due_at: DateTime<Utc>,
        calendar_version: u32,
    },
    Refused {
        reason: String,
    },
    ProcessingStarted,
    Transferred {
        from: UnitCode,
        to: UnitCode,
        reason: String,
    },
    SupplementRequested {
        missing: String,
    },
    SupplementReceived {
        due_at: DateTime<Utc>,
    },
    FinancialObligationRequested {
        fees: Vec<FeeLine>,
    },
    FinancialObligationMet {
        due_at: DateTime<Utc>,
        online_payment: u8,
    },
    Withdrawn {
        reason: String,
    },
    Stopped {
        reason: String,
    },
    ForwardedForApproval {
        summary: String,
    },
    SentBack {
        reason: String,
    },
    Decided {
        results: Vec<ResultDoc>,
    },
    ResultReturned,
    /// The citizen answered a supplementation request with these documents (files attached);
    /// the intake officer then records `SupplementReceived`.
    SupplementProvided {
        files: Vec<Component>,
        note: String,
    },
    /// The citizen rated the service after the result was returned (once per dossier).
    Rated {
        rating: Rating,
    },
    /// Mẫu 04: the office apologised for a delay and gave a new appointment (`due_at` and the
    /// 766 timeliness keep the original one).
    ApologyIssued {
        new_due_at: DateTime<Utc>,
        reason: String,
    },
    /// The submission was made with help: who helped, at which community support session;
    /// `support` attributes it to a scheduled session occurrence and a registered helper
    /// (absent in older events and for help noted at the counter, so their hashes are unchanged).
    Assisted {
        helper: String,
        session: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        support: Option<crate::support::SupportRef>,
    },
    /// A payment of the dossier's fees changed state; a verified online payment sets the 766 flag.
    PaymentRecorded {
        payment: crate::payment::PaymentRef,
        method: crate::payment::PaymentMethod,
        amount: i64,
        state: crate::payment::PaymentState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gateway_txn: Option<String>,
    },
    /// The national population database answered the intake identity check (`detail`: which
    /// field differs on a mismatch); a match sets the 766 `identity_verified` flag.
    IdentityChecked {
        matched: bool,
        detail: String,
    },
}

impl EventKind {
    /// The command name that produced it (`submit`, `receive`, …), as shown in the log.
    pub fn command(&self) -> &'static str {
        match self {
            EventKind::Submitted { .. } => "submit",
            EventKind::Received { .. } => "receive",
            EventKind::Refused { .. } => "refuse",
            EventKind::ProcessingStarted => "start_processing",
            EventKind::Transferred { .. } => "transfer",
            EventKind::SupplementRequested { .. } => "request_supplement",
            EventKind::SupplementReceived { .. } => "receive_supplement",
            EventKind::FinancialObligationRequested { .. } => "request_financial_obligation",
            EventKind::FinancialObligationMet { .. } => "confirm_financial_obligation",
            EventKind::Withdrawn { .. } => "withdraw",
            EventKind::Stopped { .. } => "stop",
            EventKind::ForwardedForApproval { .. } => "forward_for_approval",
            EventKind::SentBack { .. } => "send_back",
            EventKind::Decided { .. } => "decide",
            EventKind::ResultReturned => "return_result",
            EventKind::SupplementProvided { .. } => "provide_supplement",
            EventKind::Rated { .. } => "rate",
            EventKind::ApologyIssued { .. } => "issue_apology",
            EventKind::Assisted { .. } => "record_assistance",
            EventKind::PaymentRecorded { .. } => "record_payment",
            EventKind::IdentityChecked { .. } => "check_identity",
        }
    }
}

/// An event as recorded: its place in the dossier's chain, who, when, and the hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub dossier: DossierCode,
    /// 1 for the submission, then +1 per event.
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub before: Option<Status>,
    pub after: Status,
    pub kind: EventKind,
    /// Hex SHA-256 of the previous event (64 zeros for the first).
    pub prev_hash: String,
    pub hash: String,
}

/// Applies one event to the projection. `None` only before the submission event.
///
/// Pure and total: events are facts, so evolving never fails; an event that does not fit
/// (which [`super::decide`] never produces) leaves the state as the event says.
pub fn evolve(state: Option<Dossier>, code: &DossierCode, at: DateTime<Utc>, kind: &EventKind) -> Dossier {
    let mut d = match (state, kind) {
        (_, EventKind::Submitted { dossier }) => {
            let n = dossier.as_ref().clone();
            return Dossier {
                code: code.clone(),
                procedure: n.procedure,
                handling_unit: n.receiving_unit.clone(),
                receiving_unit: n.receiving_unit,
                channel: n.channel,
                applicant: n.applicant,
                status: Status::Submitted,
                awaiting_approval: false,
                submitted_at: at,
                received_at: None,
                due_at: None,
                ended_at: None,
                returned_at: None,
                calendar_version: 0,
                pauses: Vec::new(),
                supplement_requests: 0,
                components: n.components,
                fees: n.fees,
                results: Vec::new(),
                online_payment: 0,
                identity_verified: n.identity_verified,
                pending_note: None,
                rating: None,
                apologies: 0,
                version: 1,
            };
        }
        (Some(d), _) => d,
        (None, _) => unreachable!("the first event of a dossier is always its submission"),
    };
    d.version += 1;
    let close_pause = |d: &mut Dossier| {
        if let Some(p) = d.pauses.last_mut().filter(|p| p.until.is_none()) {
            p.until = Some(at);
        }
    };
    match kind {
        EventKind::Submitted { .. } => {}
        EventKind::Received { due_at, calendar_version } => {
            d.status = Status::Received;
            d.received_at = Some(at);
            d.due_at = Some(*due_at);
            d.calendar_version = *calendar_version;
        }
        EventKind::Refused { reason } => {
            d.status = Status::Refused;
            d.ended_at.get_or_insert(at);
            d.pending_note = Some(reason.clone());
        }
        EventKind::ProcessingStarted => d.status = Status::Processing,
        EventKind::Transferred { to, .. } => d.handling_unit = to.clone(),
        EventKind::SupplementRequested { missing } => {
            d.status = Status::SupplementRequested;
            d.supplement_requests += 1;
            d.awaiting_approval = false;
            d.pauses.push(Pause { kind: PauseKind::Supplement, from: at, until: None });
            d.pending_note = Some(missing.clone());
        }
        EventKind::SupplementReceived { due_at } => {
            d.status = Status::Processing;
            close_pause(&mut d);
            d.due_at = Some(*due_at);
            d.pending_note = None;
        }
        EventKind::FinancialObligationRequested { fees } => {
            d.status = Status::FinancialObligation;
            d.awaiting_approval = false;
            d.fees.extend(fees.iter().cloned());
            d.pauses.push(Pause { kind: PauseKind::FinancialObligation, from: at, until: None });
        }
        EventKind::FinancialObligationMet { due_at, online_payment } => {
            d.status = Status::Processing;
            close_pause(&mut d);
            d.due_at = Some(*due_at);
            d.online_payment = *online_payment;
        }
        EventKind::Withdrawn { reason } => {
            close_pause(&mut d);
            d.awaiting_approval = false;
            if d.received_at.is_some() {
                d.ended_at.get_or_insert(at);
            }
            d.status = Status::Withdrawn;
            d.pending_note = Some(reason.clone());
        }
        EventKind::Stopped { reason } => {
            close_pause(&mut d);
            d.awaiting_approval = false;
            d.status = Status::Stopped;
            d.ended_at.get_or_insert(at);
            d.pending_note = Some(reason.clone());
        }
        EventKind::ForwardedForApproval { .. } => d.awaiting_approval = true,
        EventKind::SentBack { reason } => {
            d.awaiting_approval = false;
            d.pending_note = Some(reason.clone());
        }
        EventKind::Decided { results } => {
            d.status = Status::Decided;
            d.awaiting_approval = false;
            d.results = results.clone();
            // The 766 end of processing is the decision ("Đã xử lý xong") whenever there is one.
            d.ended_at = Some(at);
            d.pending_note = None;
        }
        EventKind::ResultReturned => {
            d.status = Status::Returned;
            d.returned_at = Some(at);
        }
        EventKind::SupplementProvided { files, .. } => d.components.extend(files.iter().cloned()),
        EventKind::Rated { rating } => d.rating = Some(rating.clone()),
        EventKind::ApologyIssued { .. } => d.apologies += 1,
        EventKind::Assisted { .. } => {}
        EventKind::PaymentRecorded { method, state, .. } => {
            if *state == crate::payment::PaymentState::Paid && method.online_flag() > 0 {
                d.online_payment = method.online_flag();
            }
        }
        EventKind::IdentityChecked { matched, .. } => d.identity_verified = *matched,
    }
    d
}

/// Rebuilds a dossier from its events (the projection check of `motcua verify`).
pub fn replay(events: &[Event]) -> Option<Dossier> {
    events.iter().fold(None, |state, e| Some(evolve(state, &e.dossier, e.at, &e.kind)))
}

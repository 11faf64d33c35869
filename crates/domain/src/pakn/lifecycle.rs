//! Who may do what to a petition, and when. Staff of the petition's unit (intake officers,
//! specialists, leaders, the center's director) reject, ask for more information or answer;
//! the citizen holding the secret replies to a request and rates the outcome once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::PaknError;
use super::model::{PaknDeadlines, Petition, PetitionEvent, PetitionStatus, Satisfaction};
use super::new::{required, text};
use crate::calendar::StatutoryTime;
use crate::calendar::WorkCalendar;
use crate::staff::{Actor, Role};
use crate::unit::UnitCode;

pub const MAX_TEXT: usize = 5000;

/// What someone asks to do; the text is as typed and checked by [`decide`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum PetitionCommand {
    Reject {
        reason: String,
    },
    RequestInfo {
        question: String,
    },
    ProvideInfo {
        reply: String,
    },
    Answer {
        answer: String,
    },
    Rate {
        satisfaction: String,
        comment: String,
        recomplaint: bool,
    },
    /// To the unit (code as typed) that should handle it, with the reason.
    Transfer {
        to: String,
        reason: String,
    },
    /// Make the answer public.
    Publish,
}

impl PetitionCommand {
    pub fn name(&self) -> &'static str {
        match self {
            PetitionCommand::Reject { .. } => "reject",
            PetitionCommand::RequestInfo { .. } => "request_info",
            PetitionCommand::ProvideInfo { .. } => "provide_info",
            PetitionCommand::Answer { .. } => "answer",
            PetitionCommand::Rate { .. } => "rate",
            PetitionCommand::Transfer { .. } => "transfer",
            PetitionCommand::Publish => "publish",
        }
    }
}

/// Staff of the petition's unit in a role that handles petitions.
fn handler(p: &Petition, actor: &Actor) -> Result<(), PaknError> {
    match actor {
        Actor::Staff { role, unit, .. } => {
            if !matches!(role, Role::IntakeOfficer | Role::Specialist | Role::Leader | Role::CenterDirector) {
                Err(PaknError::Forbidden)
            } else if *unit != p.unit {
                Err(PaknError::OtherUnit(p.unit.as_str().into()))
            } else {
                Ok(())
            }
        }
        _ => Err(PaknError::Forbidden),
    }
}

fn citizen(actor: &Actor) -> Result<(), PaknError> {
    if matches!(actor, Actor::Citizen) { Ok(()) } else { Err(PaknError::Forbidden) }
}

/// [`decide_with`] under the documented default deadlines (2/5/15 days, publish within 2).
pub fn decide(
    p: &Petition,
    actor: &Actor,
    cmd: &PetitionCommand,
    now: DateTime<Utc>,
    calendar: &WorkCalendar,
) -> Result<PetitionEvent, PaknError> {
    decide_with(p, actor, cmd, now, calendar, &PaknDeadlines::default())
}

/// The event `cmd` produces on `p` at `now`, or why it is refused (then nothing changes).
/// `deadlines` are the configured working-day counts (a transfer restarts the settle clock).
/// Whether a transfer's target exists and is in the same province is the caller's check.
pub fn decide_with(
    p: &Petition,
    actor: &Actor,
    cmd: &PetitionCommand,
    now: DateTime<Utc>,
    calendar: &WorkCalendar,
    deadlines: &PaknDeadlines,
) -> Result<PetitionEvent, PaknError> {
    let allowed = |ok: bool| {
        if ok { Ok(()) } else { Err(PaknError::NotAllowed { action: cmd.name(), status: p.status.as_str() }) }
    };
    use PetitionStatus::*;
    match cmd {
        PetitionCommand::Reject { reason } => {
            handler(p, actor)?;
            allowed(p.status == Received && p.info_request.is_none())?;
            Ok(PetitionEvent::Rejected { reason: required("reason", reason, MAX_TEXT)? })
        }
        PetitionCommand::RequestInfo { question } => {
            handler(p, actor)?;
            allowed(p.status == Received && p.info_request.is_none())?;
            Ok(PetitionEvent::InfoRequested { question: required("question", question, MAX_TEXT)? })
        }
        PetitionCommand::Answer { answer } => {
            handler(p, actor)?;
            allowed(p.status.is_open())?;
            Ok(PetitionEvent::Answered { answer: required("answer", answer, MAX_TEXT)? })
        }
        PetitionCommand::ProvideInfo { reply } => {
            citizen(actor)?;
            allowed(p.status == AwaitingCitizen)?;
            let reply = required("reply", reply, MAX_TEXT)?;
            let paused = p.paused_since.unwrap_or(now);
            Ok(PetitionEvent::InfoProvided { reply, settle_due: calendar.resume_due(p.settle_due, paused, now) })
        }
        PetitionCommand::Transfer { to, reason } => {
            handler(p, actor)?;
            allowed(p.status == Received)?;
            let to = UnitCode::parse(to.trim()).map_err(|_| PaknError::InvalidUnit(to.trim().to_string()))?;
            if to == p.unit || to.is_province() {
                return Err(PaknError::InvalidUnit(to.to_string()));
            }
            let reason = required("reason", reason, MAX_TEXT)?;
            let settle_due = calendar.due(now, &StatutoryTime::WorkingDays { days: deadlines.settle_days });
            Ok(PetitionEvent::Transferred { from: p.unit.clone(), to, reason, settle_due })
        }
        PetitionCommand::Publish => {
            handler(p, actor)?;
            allowed(p.status == Answered && p.published_at.is_none())?;
            let due = p.publish_due(calendar, deadlines.publish_days).unwrap_or(now);
            Ok(PetitionEvent::Published { due })
        }
        PetitionCommand::Rate { satisfaction, comment, recomplaint } => {
            citizen(actor)?;
            allowed(!p.status.is_open())?;
            if p.rating.is_some() {
                return Err(PaknError::AlreadyRated);
            }
            Ok(PetitionEvent::Rated {
                satisfaction: Satisfaction::parse(satisfaction)?,
                comment: text("comment", comment, MAX_TEXT)?,
                recomplaint: *recomplaint,
            })
        }
    }
}

//! Attribution of an assisted dossier to a support-session occurrence and a helper, shared by
//! counter intake and the back office's "assisted online submission" form: the session and the
//! helper must be the unit's, and the session held on that date (public holidays cancel it).

use chrono::NaiveDate;
use motcua_domain::calendar::WorkingHours;
use motcua_domain::dossier::{Assistance, AssistanceError};
use motcua_domain::error::Described;
use motcua_domain::ports::SupportStore;
use motcua_domain::support::{HelperId, Neighborhood, Session, SessionId, SupportError, SupportRef};
use motcua_domain::unit::UnitCode;

use crate::error::ApiError;
use crate::state::AppState;

/// Why an attribution was refused: a support rule or the free-text note.
#[derive(Debug)]
pub enum Refusal {
    Support(SupportError),
    Note(AssistanceError),
}

impl Refusal {
    pub fn described(&self) -> &dyn Described {
        match self {
            Refusal::Support(e) => e,
            Refusal::Note(e) => e,
        }
    }
}

/// "Khu phố 3 — Nhà văn hóa khu phố 3, 27/11/2026": the session as noted on the dossier.
pub fn session_note(s: &Session, hoods: &[Neighborhood], date: NaiveDate) -> String {
    let hood = hoods.iter().find(|n| n.id == s.neighborhood).map_or("", |n| n.name.as_str());
    format!("{hood} — {}, {}", s.place, date.format("%d/%m/%Y"))
}

/// Parses `"{session}@{YYYY-MM-DD}"`, the value of an occurrence select.
pub fn parse_occurrence(v: &str) -> Result<(SessionId, NaiveDate), SupportError> {
    let (s, d) = v.trim().split_once('@').ok_or(SupportError::UnknownSession)?;
    let session = SessionId::parse(s, SupportError::UnknownSession)?;
    let date = NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| SupportError::Date)?;
    Ok((session, date))
}

/// Checks the attribution of help given at `occurrence` by `helper` (the helper's id as sent)
/// for `unit`; `note_helper` overrides the helper's name in the note when not empty.
pub async fn attribute(
    state: &AppState,
    unit: &UnitCode,
    occurrence: &str,
    helper: &str,
    note_helper: &str,
) -> Result<Result<Assistance, Refusal>, ApiError> {
    let (session_id, date) = match parse_occurrence(occurrence) {
        Ok(v) => v,
        Err(e) => return Ok(Err(Refusal::Support(e))),
    };
    let session = state.db.session(session_id).await?.filter(|s| s.unit == *unit);
    let Some(session) = session else { return Ok(Err(Refusal::Support(SupportError::UnknownSession))) };
    let helpers = state.db.helpers(unit).await?;
    let helper_id = match HelperId::parse(helper, SupportError::UnknownHelper) {
        Ok(h) => h,
        Err(e) => return Ok(Err(Refusal::Support(e))),
    };
    let (cal, _) = state.work_calendar(None, &WorkingHours::default()).await?;
    let support = match SupportRef::check(&session, helper_id, &helpers, date, &cal) {
        Ok(r) => r,
        Err(e) => return Ok(Err(Refusal::Support(e))),
    };
    let hoods = state.db.neighborhoods(unit).await?;
    let name = helpers.iter().find(|h| h.id == helper_id).map(|h| h.name.clone()).unwrap_or_default();
    let name = if note_helper.trim().is_empty() { name } else { note_helper.trim().to_string() };
    Ok(Assistance::parse(&name, &session_note(&session, &hoods, date))
        .map(|a| a.attributed(support))
        .map_err(Refusal::Note))
}

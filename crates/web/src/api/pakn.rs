//! PAKN (phản ánh, kiến nghị): citizens send feedback or a complaint to a unit and get a code and
//! a secret; staff of that unit reject it, ask for more information or answer it; the citizen
//! replies and rates the outcome. The pages call the same functions ([`submit`], [`act`],
//! [`readable`]).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use motcua_domain::calendar::to_local;
use motcua_domain::dossier::SecretHash;
use motcua_domain::pakn::{
    PaknError, Petition, PetitionCode, PetitionCommand, PetitionForm, PetitionRecord, PetitionStatus, decide_with,
};
use motcua_domain::ports::{CatalogStore, ExecuteError, PetitionCreation, PetitionFilter, PetitionStore, StoreError};
use motcua_domain::staff::{Actor, Role, Staff};
use motcua_domain::unit::UnitCode;
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::index::CONFIGS;
use crate::auth::{MaybeStaff, StaffAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// The header a citizen presents the petition's secret in (also accepted as `?secret=`).
pub const SECRET_HEADER: &str = "x-petition-secret";

/// A domain refusal as an API error: 403 for who, 409 for when, 422 for what.
pub fn refusal(e: &PaknError) -> ApiError {
    let status = match e {
        PaknError::Forbidden | PaknError::OtherUnit(_) => StatusCode::FORBIDDEN,
        PaknError::NotAllowed { .. } | PaknError::AlreadyRated => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    ApiError::described(status, e)
}

pub fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "PETITION_NOT_FOUND",
        "Không tìm thấy phản ánh, hoặc mã bí mật không đúng. Vui lòng kiểm tra mã phản ánh và mã bí mật đã nhận.",
        "Petition not found, or the secret is wrong. Check the petition code and the secret you were given.",
    )
}

/// A 10-character secret from an alphabet without look-alike characters (about 49 bits).
fn new_secret() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..10).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// Why a submission was refused: every field's problem (pages show them all; the API the first).
pub enum SubmitError {
    Invalid(Vec<PaknError>),
    Failed(ApiError),
}

impl From<SubmitError> for ApiError {
    fn from(e: SubmitError) -> ApiError {
        match e {
            SubmitError::Invalid(errors) => errors.first().map_or_else(not_found, refusal),
            SubmitError::Failed(e) => e,
        }
    }
}

/// Checks the form, counts the deadlines on the unit's calendar, stores it; returns the
/// petition and its secret (only the hash is kept).
pub async fn submit(state: &AppState, form: &PetitionForm) -> Result<(Petition, String), SubmitError> {
    let new = form.check().map_err(SubmitError::Invalid)?;
    let failed = |e: StoreError| SubmitError::Failed(e.into());
    let unit = state.db.unit(&new.unit).await.map_err(failed)?;
    let Some(unit) = unit.filter(|u| !u.code.is_province()) else {
        return Err(SubmitError::Invalid(vec![PaknError::UnknownUnit(new.unit.as_str().into())]));
    };
    let now = state.now();
    let (calendar, _) = state.work_calendar(None, &unit.working_hours).await.map_err(failed)?;
    let deadlines = CONFIGS.for_date(to_local(now).date()).petition_deadlines;
    let submission = Petition::submission(new, now, &calendar, &deadlines);
    let secret = new_secret();
    let creation = PetitionCreation { submission, at: now, secret: SecretHash::of(&secret) };
    let p = state.db.create_petition(creation).await.map_err(failed)?;
    tracing::info!(petition.code = %p.code, unit = %p.unit, "petition received");
    Ok((p, secret))
}

/// Gives `cmd` to the petition `code` as `actor`; the domain decides under the row's lock.
pub async fn act(state: &AppState, actor: &Actor, code: &PetitionCode, cmd: PetitionCommand) -> ApiResult<Petition> {
    let current = state.db.petition(code).await?.ok_or_else(not_found)?;
    let hours = state.db.unit(&current.unit).await?.map(|u| u.working_hours).unwrap_or_default();
    let (calendar, _) = state.work_calendar(None, &hours).await?;
    let now = state.now();
    let deadlines = CONFIGS.for_date(to_local(now).date()).petition_deadlines;
    if let PetitionCommand::Transfer { to, .. } = &cmd {
        // Only to an existing commune of the same province (the domain checks the rest).
        if let Ok(target) = UnitCode::parse(to.trim()) {
            let here = state.db.unit(&current.unit).await?.and_then(|u| u.parent);
            let there = state.db.unit(&target).await?;
            if there.is_none_or(|u| u.parent != here) {
                return Err(refusal(&PaknError::UnknownUnit(target.to_string())));
            }
        }
    }
    match state.db.execute_petition(code, actor, now, |p| decide_with(p, actor, &cmd, now, &calendar, &deadlines)).await
    {
        Ok(p) => Ok(p),
        Err(ExecuteError::Rejected(e)) => Err(refusal(&e)),
        Err(ExecuteError::Store(StoreError::NotFound)) => Err(not_found()),
        Err(ExecuteError::Store(e)) => Err(e.into()),
    }
}

/// May `staff` see petitions of `unit`: its own staff, or the province's monitors and administrators.
pub fn staff_may_see(staff: &Staff, unit: &UnitCode, province: Option<&UnitCode>) -> bool {
    staff.unit == *unit
        || (matches!(staff.role, Role::ProvinceMonitor | Role::Administrator)
            && staff.unit.is_province()
            && province == Some(&staff.unit))
}

/// The petition for staff who may see it or a citizen holding its secret; anyone else gets 404.
pub async fn readable(
    state: &AppState,
    staff: Option<&Staff>,
    secret: Option<&str>,
    code: &PetitionCode,
) -> ApiResult<Petition> {
    let p = state.db.petition(code).await?.ok_or_else(not_found)?;
    let allowed = match (staff, secret) {
        (Some(s), _) if s.unit == p.unit => true,
        (Some(s), _) if staff_may_see(s, &p.unit, state.db.unit(&p.unit).await?.and_then(|u| u.parent).as_ref()) => {
            true
        }
        (_, Some(secret)) => state.db.petition_secret(code).await?.is_some_and(|h| h.matches(secret)),
        _ => false,
    };
    if allowed { Ok(p) } else { Err(not_found()) }
}

pub fn parse_code(s: &str) -> ApiResult<PetitionCode> {
    PetitionCode::parse(s).map_err(|e| ApiError::invalid(&e))
}

/// What a citizen sends.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PetitionRequest {
    /// The commune or ward (5-digit code).
    pub unit: String,
    /// `procedure`, `staff_conduct` or `other`.
    pub topic: String,
    /// The dossier concerned, if any.
    pub about_dossier: String,
    pub title: String,
    pub content: String,
    pub name: String,
    /// A phone or an e-mail is required.
    pub phone: String,
    pub email: String,
    pub address: String,
}

impl From<PetitionRequest> for PetitionForm {
    fn from(r: PetitionRequest) -> PetitionForm {
        PetitionForm {
            unit: r.unit,
            topic: r.topic,
            about_dossier: r.about_dossier,
            title: r.title,
            content: r.content,
            name: r.name,
            phone: r.phone,
            email: r.email,
            address: r.address,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RatingView {
    /// `satisfied`, `neutral` or `dissatisfied`.
    pub satisfaction: String,
    pub comment: Option<String>,
    pub recomplaint: bool,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionView {
    pub code: String,
    pub unit: String,
    pub topic: String,
    pub about_dossier: Option<String>,
    pub title: String,
    pub content: String,
    pub name: String,
    /// `received`, `awaiting_citizen`, `answered` or `rejected`.
    pub status: String,
    pub status_vi: String,
    pub submitted_at: DateTime<Utc>,
    pub reject_due: DateTime<Utc>,
    pub request_due: DateTime<Utc>,
    pub settle_due: DateTime<Utc>,
    pub info_request: Option<String>,
    pub info_reply: Option<String>,
    /// The answer, or the reason for not accepting it.
    pub answer: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Handled on time (`null` while open).
    pub on_time: Option<bool>,
    /// Open and past its deadline now.
    pub overdue: bool,
    pub rating: Option<RatingView>,
}

impl PetitionView {
    pub fn new(p: &Petition, now: DateTime<Utc>) -> PetitionView {
        PetitionView {
            code: p.code.to_string(),
            unit: p.unit.to_string(),
            topic: p.topic.as_str().into(),
            about_dossier: p.about_dossier.as_ref().map(ToString::to_string),
            title: p.title.clone(),
            content: p.content.clone(),
            name: p.petitioner.name.clone(),
            status: p.status.as_str().into(),
            status_vi: p.status.name_vi().into(),
            submitted_at: p.submitted_at,
            reject_due: p.reject_due,
            request_due: p.request_due,
            settle_due: p.settle_due,
            info_request: p.info_request.clone(),
            info_reply: p.info_reply.clone(),
            answer: p.answer.clone(),
            ended_at: p.ended_at,
            on_time: p.ended_on_time(),
            overdue: p.overdue_at(now),
            rating: p.rating.as_ref().map(|r| RatingView {
                satisfaction: r.satisfaction.as_str().into(),
                comment: r.comment.clone(),
                recomplaint: r.recomplaint,
                at: r.at,
            }),
        }
    }
}

pub mod endpoints;

//! Dossiers: submit, read (staff or secret), list with filters and cursor pagination, events.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use motcua_domain::calendar::WorkCalendar;
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::dossier::Context;
use motcua_domain::dossier::{
    Applicant, Channel, Command, Component, Dossier, DossierCode, SecretHash, Status, Submission, decide,
};
use motcua_domain::identity::ApplicantId;
use motcua_domain::ports::{CatalogStore, Creation, DossierFilter, DossierStore, FollowUp};
use motcua_domain::staff::{Actor, Role, Staff};
use motcua_domain::unit::UnitCode;
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::types::DossierView;
use crate::access::{self, presented_secret, readable_dossier};
use crate::auth::{MaybeStaff, StaffAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// The applicant as entered.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplicantInput {
    pub name: String,
    /// 12-digit personal ID (CCCD) or tax code (10 digits, or 10-3 for a branch).
    pub id_number: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// `yyyy-mm-dd`; checked with the ID and name against the national population database.
    pub birth_date: Option<String>,
}

/// A component as entered.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ComponentInput {
    /// The procedure's component code.
    pub code: String,
    /// SHA-256 (hex) of the attached file, if any.
    pub file_sha256: Option<String>,
    #[serde(default)]
    pub digitized: bool,
    #[serde(default)]
    pub reused: bool,
    #[serde(default)]
    pub from_citizen_store: bool,
}

/// A new dossier.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitRequest {
    /// National procedure code, e.g. `1.001193`.
    pub procedure: String,
    /// The receiving commune's code, e.g. `28777`.
    pub unit: String,
    /// `online` (default, no sign-in needed), `counter` or `post` (intake officer only; received at once).
    pub channel: Option<String>,
    pub applicant: ApplicantInput,
    #[serde(default)]
    pub components: Vec<ComponentInput>,
    /// Copies requested (per-copy fees), 1–100.
    pub copies: Option<u32>,
}

/// The submitted dossier and the secret the citizen uses to look it up.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitResponse {
    pub dossier: DossierView,
    /// Shown once; only its hash is stored.
    pub secret: String,
}

fn invalid(code: &str, field: &str, vi: String, en: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, vi, en).with_field(field)
}

/// A 10-character secret from an alphabet without look-alike characters (about 49 bits).
fn new_secret() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..10).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// The calendar a dossier's deadline is computed with: its handling unit's hours, at the
/// holiday-data version it was received under (the latest before receipt).
pub async fn calendar_for(state: &AppState, d: &Dossier) -> ApiResult<(Arc<WorkCalendar>, u32)> {
    let hours = state.db.unit(&d.handling_unit).await?.map(|u| u.working_hours).unwrap_or_default();
    let version = d.received_at.map(|_| d.calendar_version);
    Ok(state.work_calendar(version, &hours).await?)
}

pub async fn view(state: &AppState, d: &Dossier) -> ApiResult<DossierView> {
    let (cal, _) = calendar_for(state, d).await?;
    Ok(DossierView::new(d, &cal, state.now()))
}

/// Submit a dossier. Online submissions need no account; counter and postal intake are
/// recorded by an intake officer and received at once.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossiers", request_body = SubmitRequest,
    responses((status = 201, body = SubmitResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit_dossier(
    State(state): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    ApiJson(req): ApiJson<SubmitRequest>,
) -> ApiResult<(StatusCode, Json<SubmitResponse>)> {
    let (dossier, secret) = submit(&state, staff.as_ref(), req).await?;
    let view = view(&state, &dossier).await?;
    Ok((StatusCode::CREATED, Json(SubmitResponse { dossier: view, secret })))
}

/// Parses, checks and stores a submission (the API and the citizen portal both come here);
/// returns the new dossier and its secret. `staff` records counter or postal intake.
pub async fn submit(state: &AppState, staff: Option<&Staff>, req: SubmitRequest) -> ApiResult<(Dossier, String)> {
    submit_as(state, staff, None, req).await
}

/// [`submit`], for a citizen signed in with a verified identity (VNeID): an online dossier whose
/// applicant is that identity number carries the verified-identity flag the 766 index reads.
pub async fn submit_as(
    state: &AppState,
    staff: Option<&Staff>,
    verified: Option<&ApplicantId>,
    req: SubmitRequest,
) -> ApiResult<(Dossier, String)> {
    let procedure_code = ProcedureCode::parse(&req.procedure).map_err(|e| ApiError::invalid(&e))?;
    let unit_code = UnitCode::parse(&req.unit).map_err(|e| ApiError::invalid(&e))?;
    let channel = match req.channel.as_deref() {
        None => Channel::Online,
        Some(c) => Channel::parse(c).ok_or_else(|| {
            invalid(
                "INVALID_CHANNEL",
                "channel",
                format!("Kênh nộp \"{c}\" không hợp lệ: chọn online, counter hoặc post."),
                format!("Channel \"{c}\" is invalid: use online, counter or post."),
            )
        })?,
    };
    let id_number = ApplicantId::parse(&req.applicant.id_number)
        .map_err(|e| ApiError::invalid(&e).with_field("applicant.id_number"))?;
    let birth_date = crate::sync::population::parse_birth_date(
        req.applicant.birth_date.as_deref().unwrap_or_default(),
        state.now().date_naive(),
    )?;
    let procedure = state.db.procedure(&procedure_code).await?.ok_or_else(|| {
        invalid(
            "UNKNOWN_PROCEDURE",
            "procedure",
            format!("Không có thủ tục mã {procedure_code} trong danh mục."),
            format!("There is no procedure {procedure_code} in the catalog."),
        )
    })?;
    let unit = state.db.unit(&unit_code).await?.ok_or_else(|| {
        invalid(
            "UNKNOWN_UNIT",
            "unit",
            format!("Không có đơn vị mã {unit_code}."),
            format!("There is no unit {unit_code}."),
        )
    })?;
    // Counter and postal intake are an officer's act at their own center.
    let officer = match (channel, staff) {
        (Channel::Online, _) => None,
        (_, None) => return Err(ApiError::unauthorized()),
        (_, Some(s)) if !matches!(s.role, Role::IntakeOfficer | Role::CenterDirector) || s.unit != unit.code => {
            return Err(ApiError::forbidden());
        }
        (_, Some(s)) => Some(Actor::staff(s)),
    };
    let identity_verified = channel == Channel::Online && verified == Some(&id_number);
    let submission = Submission {
        procedure: procedure_code,
        unit: unit_code,
        channel,
        applicant: Applicant {
            name: req.applicant.name,
            id_number,
            phone: req.applicant.phone,
            email: req.applicant.email,
            address: req.applicant.address,
            birth_date,
        },
        components: req
            .components
            .into_iter()
            .map(|c| Component {
                code: c.code,
                name: String::new(),
                file_sha256: c.file_sha256,
                digitized: c.digitized,
                reused: c.reused,
                from_citizen_store: c.from_citizen_store,
            })
            .collect(),
        copies: req.copies.unwrap_or(1),
        identity_verified,
    };
    for c in &submission.components {
        if c.file_sha256.as_ref().is_some_and(|h| h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit())) {
            return Err(invalid(
                "INVALID_FILE_HASH",
                "components",
                format!("Mã băm tệp của thành phần {} phải là SHA-256 (64 ký tự hex).", c.code),
                format!("The file hash of component {} must be a SHA-256 (64 hex characters).", c.code),
            ));
        }
    }
    let attached: Vec<String> = submission.components.iter().filter_map(|c| c.file_sha256.clone()).collect();
    super::files::check_uploaded(state, "components", &attached).await?;
    let new = submission.check(&procedure).map_err(|e| ApiError::invalid(&e))?;
    let now = state.now();
    let secret = new_secret();
    let actor = officer.clone().unwrap_or(Actor::Citizen);
    let creation = Creation { new, actor, at: now, secret: SecretHash::of(&secret) };
    let dossier = match officer {
        None => state.db.create(creation, None::<fn(&Dossier) -> _>).await?,
        Some(officer) => {
            let (cal, version) = state.work_calendar(None, &unit.working_hours).await?;
            let receive = move |d: &Dossier| {
                let ctx = Context { now, calendar: &cal, calendar_version: version, procedure: &procedure };
                let kind = decide(d, &officer, &Command::Receive, &ctx)?;
                Ok(vec![FollowUp { actor: officer, at: now, kind }])
            };
            state.db.create(creation, Some(receive)).await?
        }
    };
    Ok((dossier, secret))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SecretParam {
    /// The dossier's secret (or send it in the `X-Dossier-Secret` header).
    pub secret: Option<String>,
}

/// A dossier, for staff who may see it or for the applicant with its secret.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", tag = "dossiers",
    params(("code" = String, Path, description = "Dossier code"), SecretParam),
    responses((status = 200, body = DossierView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_dossier(
    State(state): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<SecretParam>,
) -> ApiResult<Json<DossierView>> {
    let code = DossierCode::parse(&code).map_err(|e| ApiError::invalid(&e))?;
    let secret = presented_secret(&headers, q.secret.as_deref());
    let d = readable_dossier(&state, staff.as_ref(), secret.as_deref(), &code).await?;
    Ok(Json(view(&state, &d).await?))
}

/// One event of a dossier's log.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub seq: u32,
    pub at: DateTime<Utc>,
    /// `staff:7:leader`, `citizen` or `system`.
    pub actor: String,
    pub command: String,
    pub before: Option<String>,
    pub after: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The dossier's events, oldest first, with their hash chain.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/events", tag = "dossiers",
    params(("code" = String, Path, description = "Dossier code"), SecretParam),
    responses((status = 200, body = Vec<EventView>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_events(
    State(state): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<SecretParam>,
) -> ApiResult<Json<Vec<EventView>>> {
    let code = DossierCode::parse(&code).map_err(|e| ApiError::invalid(&e))?;
    let secret = presented_secret(&headers, q.secret.as_deref());
    readable_dossier(&state, staff.as_ref(), secret.as_deref(), &code).await?;
    let events = state.db.events(&code).await?;
    Ok(Json(
        events
            .into_iter()
            .map(|s| EventView {
                seq: s.event.seq,
                at: s.event.at,
                actor: s.event.actor.label(),
                command: s.event.kind.command().into(),
                before: s.event.before.map(|b| b.as_str().into()),
                after: s.event.after.as_str().into(),
                data: serde_json::from_str(&s.data_json).unwrap_or_default(),
                prev_hash: s.event.prev_hash,
                hash: s.event.hash,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParams {
    /// A commune: dossiers it received or handles. Staff of a commune always see only theirs.
    pub unit: Option<String>,
    /// Status name (`processing`) or national code (`4`).
    pub status: Option<String>,
    pub procedure: Option<String>,
    /// `online`, `counter` or `post`.
    pub channel: Option<String>,
    /// Only dossiers due before this instant (RFC 3339).
    pub due_before: Option<DateTime<Utc>>,
    /// `true`: only late dossiers (as of now).
    pub late: Option<bool>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
}

/// A page of dossiers, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierList {
    pub items: Vec<DossierView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Dossiers the signed-in staff member may see, filtered, newest first.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossiers", params(ListParams),
    security(("bearer" = [])),
    responses((status = 200, body = DossierList), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_dossiers(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<DossierList>> {
    let bad = |field: &str, value: &str| {
        invalid(
            "INVALID_FILTER",
            field,
            format!("Giá trị lọc \"{value}\" của {field} không hợp lệ."),
            format!("Filter value \"{value}\" for {field} is invalid."),
        )
    };
    let mut filter = DossierFilter {
        unit: p.unit.as_deref().map(UnitCode::parse).transpose().map_err(|e| ApiError::invalid(&e))?,
        status: p.status.as_deref().map(|s| Status::parse(s).ok_or_else(|| bad("status", s))).transpose()?,
        procedure: p.procedure.as_deref().map(ProcedureCode::parse).transpose().map_err(|e| ApiError::invalid(&e))?,
        channel: p.channel.as_deref().map(|c| Channel::parse(c).ok_or_else(|| bad("channel", c))).transpose()?,
        due_before: p.due_before,
        late_at: p.late.filter(|l| *l).map(|_| state.now()),
        ..DossierFilter::default()
    };
    if let Some(c) = p.cursor.as_deref()
        && (c.is_empty() || c.len() > 20 || !c.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad("cursor", c));
    }
    // Scope: commune staff see their unit; province roles see their province.
    if staff.unit.is_province() {
        filter.province = Some(staff.unit.clone());
    } else {
        if filter.unit.as_ref().is_some_and(|u| *u != staff.unit) {
            return Err(ApiError::forbidden().with_field("unit"));
        }
        filter.unit = Some(staff.unit.clone());
    }
    let page = state.db.list(&filter, p.cursor.as_deref(), p.limit.unwrap_or(50)).await?;
    let mut calendars: HashMap<(String, u32), Arc<WorkCalendar>> = HashMap::new();
    let now = state.now();
    let mut items = Vec::with_capacity(page.items.len());
    for d in &page.items {
        let key = (d.handling_unit.to_string(), d.calendar_version);
        let cal = match calendars.get(&key) {
            Some(c) => c.clone(),
            None => {
                let (c, _) = calendar_for(&state, d).await?;
                calendars.insert(key, c.clone());
                c
            }
        };
        items.push(DossierView::new(d, &cal, now));
    }
    Ok(Json(DossierList { items, next_cursor: page.next_cursor }))
}

pub use access::SECRET_HEADER;

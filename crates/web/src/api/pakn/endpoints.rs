//! The PAKN endpoints under `/api/v1/petitions`.

use super::*;

/// The submitted petition and the secret the citizen looks it up with.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedPetition {
    pub petition: PetitionView,
    /// Shown once; only its hash is stored.
    pub secret: String,
}

/// Send feedback or a complaint to a commune (no account needed).
#[utoipa::path(post, path = "/api/v1/petitions", tag = "pakn", request_body = PetitionRequest,
    responses((status = 201, body = SubmittedPetition), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit_petition(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PetitionRequest>,
) -> ApiResult<(StatusCode, Json<SubmittedPetition>)> {
    let (p, secret) = submit(&state, &req.into()).await?;
    Ok((StatusCode::CREATED, Json(SubmittedPetition { petition: PetitionView::new(&p, state.now()), secret })))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParams {
    /// `received`, `awaiting_citizen`, `answered` or `rejected`.
    pub status: Option<String>,
    /// A commune of the caller's province (province staff); default: the caller's unit.
    pub unit: Option<String>,
    /// At most this many (1–500, default 100).
    pub limit: Option<u32>,
}

/// The filter staff may list: their own unit, or their province's (one commune or all).
pub async fn scoped_filter(state: &AppState, staff: &Staff, p: &ListParams) -> ApiResult<PetitionFilter> {
    let status = match p.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(PetitionStatus::parse(s).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_STATUS",
                format!("Trạng thái \"{s}\" không hợp lệ: received, awaiting_citizen, answered hoặc rejected."),
                format!("Status \"{s}\" is invalid: received, awaiting_citizen, answered or rejected."),
            )
            .with_field("status")
        })?),
    };
    let limit = p.limit.unwrap_or(100).clamp(1, 500);
    let mut f = PetitionFilter { status, limit, ..Default::default() };
    match p.unit.as_deref().filter(|s| !s.is_empty()) {
        Some(u) => {
            let code = UnitCode::parse(u).map_err(|e| ApiError::invalid(&e))?;
            let parent = state.db.unit(&code).await?.and_then(|u| u.parent);
            if !staff_may_see(staff, &code, parent.as_ref()) {
                return Err(ApiError::forbidden());
            }
            f.unit = Some(code);
        }
        None if staff.unit.is_province() => f.province = Some(staff.unit.clone()),
        None => f.unit = Some(staff.unit.clone()),
    }
    Ok(f)
}

/// PAKN of the caller's unit (or province): open ones first by deadline, then newest first.
#[utoipa::path(get, path = "/api/v1/petitions", tag = "pakn", params(ListParams), security(("bearer" = [])),
    responses((status = 200, body = [PetitionView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn list_petitions(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<Vec<PetitionView>>> {
    let f = scoped_filter(&state, &staff, &p).await?;
    let now = state.now();
    Ok(Json(state.db.petitions(&f).await?.iter().map(|p| PetitionView::new(p, now)).collect()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SecretQuery {
    /// The petition's secret (or send it in the `X-Petition-Secret` header).
    pub secret: Option<String>,
}

fn secret_of(headers: &HeaderMap, q: Option<String>) -> Option<String> {
    headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string).or(q).filter(|s| !s.trim().is_empty())
}

/// A petition with its history, for its unit's staff or the citizen holding its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionDetail {
    pub petition: PetitionView,
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub seq: u32,
    pub at: DateTime<Utc>,
    /// `submitted`, `rejected`, `info_requested`, `info_provided`, `answered`, `rated`, `transferred`
    /// or `published`.
    pub kind: String,
}

pub fn history(records: &[PetitionRecord]) -> Vec<HistoryEntry> {
    records.iter().map(|r| HistoryEntry { seq: r.seq, at: r.at, kind: r.event.name().into() }).collect()
}

#[utoipa::path(get, path = "/api/v1/petitions/{code}", tag = "pakn",
    params(("code" = String, Path, description = "PAKN-28777-261127-0001"), SecretQuery),
    responses((status = 200, body = PetitionDetail), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_petition(
    State(state): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<SecretQuery>,
) -> ApiResult<Json<PetitionDetail>> {
    let code = parse_code(&code)?;
    let secret = secret_of(&headers, q.secret);
    let p = readable(&state, staff.as_ref(), secret.as_deref(), &code).await?;
    let records = state.db.petition_events(&code).await?;
    Ok(Json(PetitionDetail { petition: PetitionView::new(&p, state.now()), history: history(&records) }))
}

/// The text of an action, or the citizen's rating.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActionBody {
    /// The reason (reject), the question (request-info), the answer (answer) or the reply (provide-info).
    pub text: String,
    /// For `rate`: `satisfied`, `neutral` or `dissatisfied`.
    pub satisfaction: String,
    pub comment: String,
    /// For `rate`: the citizen complains again about the same matter.
    pub recomplaint: bool,
    /// For `transfer`: the code of the commune (same province) that should handle it.
    pub to: String,
}

/// The command an action path names, or 404 for an unknown one.
pub fn command(action: &str, b: ActionBody) -> ApiResult<PetitionCommand> {
    Ok(match action {
        "reject" => PetitionCommand::Reject { reason: b.text },
        "request-info" => PetitionCommand::RequestInfo { question: b.text },
        "answer" => PetitionCommand::Answer { answer: b.text },
        "transfer" => PetitionCommand::Transfer { to: b.to, reason: b.text },
        "publish" => PetitionCommand::Publish,
        "provide-info" => PetitionCommand::ProvideInfo { reply: b.text },
        "rate" => {
            PetitionCommand::Rate { satisfaction: b.satisfaction, comment: b.comment, recomplaint: b.recomplaint }
        }
        _ => return Err(ApiError::not_found("thao tác", "Action")),
    })
}

/// Staff of the petition's unit: `reject` (within 2 working days), `request-info` (within 5),
/// `answer` (within 15), `transfer` (to another commune of the province, with `to` and the reason
/// as `text`; the 15 days restart), `publish` (the answer, within 2 working days). The citizen,
/// with the secret: `provide-info`, `rate` (once, once handled).
#[utoipa::path(post, path = "/api/v1/petitions/{code}/{action}", tag = "pakn", request_body = ActionBody,
    params(("code" = String, Path, description = "PAKN-28777-261127-0001"),
        ("action" = String, Path, description = "reject, request-info, answer, transfer, publish, provide-info or rate"), SecretQuery),
    security((), ("bearer" = [])),
    responses((status = 200, body = PetitionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act_on_petition(
    State(state): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    ApiPath((code, action)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<SecretQuery>,
    ApiJson(body): ApiJson<ActionBody>,
) -> ApiResult<Json<PetitionView>> {
    let code = parse_code(&code)?;
    let cmd = command(&action, body)?;
    let actor = match (&staff, secret_of(&headers, q.secret)) {
        (Some(s), _) => {
            readable(&state, Some(s), None, &code).await?;
            Actor::staff(s)
        }
        (None, Some(secret)) => {
            readable(&state, None, Some(&secret), &code).await?;
            Actor::Citizen
        }
        (None, None) => return Err(ApiError::unauthorized()),
    };
    let p = act(&state, &actor, &code, cmd).await?;
    Ok(Json(PetitionView::new(&p, state.now())))
}

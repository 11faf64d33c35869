//! One endpoint per lifecycle command: `POST /api/v1/dossiers/{code}/{command}`.
//!
//! Every command goes through [`run`]: the domain decides under the dossier's write lock, and
//! the event and projection are written in one transaction. An illegal command changes nothing.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use motcua_domain::dossier::{Command, Context, Dossier, DossierCode, FeeLine, ResultDoc, decide};
use motcua_domain::ports::{CatalogStore, DossierStore};
use motcua_domain::staff::Actor;
use motcua_domain::unit::UnitCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::dossiers::{SecretParam, calendar_for, view};
use super::types::DossierView;
use crate::access::{self, presented_secret, secret_matches};
use crate::auth::{MaybeStaff, StaffAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

async fn run(state: &AppState, actor: Actor, code: &str, command: Command) -> ApiResult<Json<DossierView>> {
    let after = execute(state, actor, code, command).await?;
    Ok(Json(view(state, &after).await?))
}

/// Gives `command` to the dossier `code` as `actor` (the API and the back-office pages both come
/// here): the domain decides under the dossier's write lock; returns the dossier afterwards.
pub async fn execute(state: &AppState, actor: Actor, code: &str, command: Command) -> ApiResult<Dossier> {
    let code = DossierCode::parse(code).map_err(|e| ApiError::invalid(&e))?;
    let current = state.db.dossier(&code).await?.ok_or_else(access::not_found)?;
    let procedure = state
        .db
        .procedure(&current.procedure)
        .await?
        .ok_or_else(|| ApiError::not_found("thủ tục của hồ sơ", "The dossier's procedure"))?;
    let (calendar, version) = calendar_for(state, &current).await?;
    let now = state.now();
    let ctx = Context { now, calendar: &calendar, calendar_version: version, procedure: &procedure };
    Ok(state.db.execute(&code, &actor, now, |d| decide(d, &actor, &command, &ctx)).await?)
}

/// A reason or content text.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonBody {
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TransferBody {
    /// The competent commune of the same province.
    pub to_unit: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SupplementBody {
    /// What is missing, in words the citizen understands.
    pub missing: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FeeInput {
    pub name: String,
    /// Whole đồng.
    pub amount: i64,
    #[serde(default = "one")]
    pub copies: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FeesBody {
    pub fees: Vec<FeeInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentBody {
    /// 0 cash or not online, 1 national portal, 2 Motcua / provincial gateway.
    #[serde(default)]
    pub online_payment: u8,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SummaryBody {
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResultInput {
    pub name: String,
    #[serde(default)]
    pub electronic: bool,
    pub file_sha256: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecideBody {
    #[serde(default)]
    pub results: Vec<ResultInput>,
}

/// Tiếp nhận: accept a submitted dossier; its deadline starts now.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/receive", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = DossierView), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn receive(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<DossierView>> {
    run(&s, Actor::staff(&st), &code, Command::Receive).await
}

/// Từ chối tiếp nhận, with the reasons (Mẫu 03).
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/refuse", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = ReasonBody, responses((status = 200, body = DossierView), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn refuse(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<Json<DossierView>> {
    run(&s, Actor::staff(&st), &code, Command::Refuse { reason: b.reason }).await
}

/// Chuyển xử lý: a specialist takes the dossier up.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/start_processing", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = DossierView), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn start_processing(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<DossierView>> {
    run(&s, Actor::staff(&st), &code, Command::StartProcessing).await
}

/// Route the dossier to the competent commune of the same province (Decree 118/2025).
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/transfer", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = TransferBody, responses((status = 200, body = DossierView), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transfer(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<TransferBody>,
) -> ApiResult<Json<DossierView>> {
    let to = UnitCode::parse(&b.to_unit).map_err(|e| ApiError::invalid(&e).with_field("to_unit"))?;
    let target = s.db.unit(&to).await?;
    let here = s.db.unit(&st.unit).await?;
    let same_province = matches!((&target, &here), (Some(t), Some(h)) if t.parent.is_some() && t.parent == h.parent);
    if !same_province {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "INVALID_TRANSFER_UNIT",
            format!("Đơn vị {to} không phải cấp xã cùng tỉnh nên không thể chuyển hồ sơ đến."),
            format!("Unit {to} is not a commune of the same province; the dossier cannot be routed there."),
        )
        .with_field("to_unit"));
    }
    run(&s, Actor::staff(&st), &code, Command::Transfer { to_unit: to, reason: b.reason }).await
}

/// Yêu cầu bổ sung (Mẫu 02): the clock stops until the supplement arrives.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/request_supplement", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = SupplementBody, responses((status = 200, body = DossierView), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn request_supplement(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<SupplementBody>,
) -> ApiResult<Json<DossierView>> {
    run(&s, Actor::staff(&st), &code, Command::RequestSupplement { missing: b.missing }).await
}

/// The supplement arrived: the clock resumes with the working time that was left.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/receive_supplement", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = DossierView), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn receive_supplement(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<DossierView>> {
    run(&s, Actor::staff(&st), &code, Command::ReceiveSupplement).await
}

/// Yêu cầu thực hiện nghĩa vụ tài chính: fees to pay; the clock stops.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/request_financial_obligation", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = FeesBody, responses((status = 200, body = DossierView), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn request_financial_obligation(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<FeesBody>,
) -> ApiResult<Json<DossierView>> {
    let fees = b.fees.into_iter().map(|f| FeeLine { name: f.name, amount: f.amount, copies: f.copies }).collect();
    run(&s, Actor::staff(&st), &code, Command::RequestFinancialObligation { fees }).await
}

/// The financial obligation is met: the clock resumes.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/confirm_financial_obligation", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = PaymentBody, responses((status = 200, body = DossierView), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn confirm_financial_obligation(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<PaymentBody>,
) -> ApiResult<Json<DossierView>> {
    run(&s, Actor::staff(&st), &code, Command::ConfirmFinancialObligation { online_payment: b.online_payment }).await
}

/// The applicant withdraws the dossier: with its secret, or through an intake officer.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/withdraw", tag = "lifecycle",
    params(("code" = String, Path), SecretParam), request_body = ReasonBody, responses((status = 200, body = DossierView), (status = 400, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn withdraw(
    State(s): State<AppState>,
    MaybeStaff(st): MaybeStaff,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<SecretParam>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<Json<DossierView>> {
    let actor = match st {
        Some(st) => Actor::staff(&st),
        None => {
            let parsed = DossierCode::parse(&code).map_err(|e| ApiError::invalid(&e))?;
            let secret = presented_secret(&headers, q.secret.as_deref()).ok_or_else(access::not_found)?;
            if !secret_matches(&s, &parsed, &secret).await? {
                return Err(access::not_found());
            }
            Actor::Citizen
        }
    };
    run(&s, actor, &code, Command::Withdraw { reason: b.reason }).await
}

/// Dừng xử lý, with the reason.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/stop", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = ReasonBody, responses((status = 200, body = DossierView), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn stop(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<Json<DossierView>> {
    run(&s, Actor::staff(&st), &code, Command::Stop { reason: b.reason }).await
}

/// A specialist proposes the decision to a leader.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/forward_for_approval", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = SummaryBody, responses((status = 200, body = DossierView), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn forward_for_approval(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<SummaryBody>,
) -> ApiResult<Json<DossierView>> {
    run(&s, Actor::staff(&st), &code, Command::ForwardForApproval { summary: b.summary }).await
}

/// A leader sends the proposal back to the specialist.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/send_back", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = ReasonBody, responses((status = 200, body = DossierView), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn send_back(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<Json<DossierView>> {
    run(&s, Actor::staff(&st), &code, Command::SendBack { reason: b.reason }).await
}

/// A leader signs the decision; the result is ready.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/decide", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = DecideBody, responses((status = 200, body = DossierView), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide_dossier(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<DecideBody>,
) -> ApiResult<Json<DossierView>> {
    let files: Vec<String> = b.results.iter().filter_map(|r| r.file_sha256.clone()).collect();
    super::files::check_uploaded(&s, "results", &files).await?;
    let results = b
        .results
        .into_iter()
        .map(|r| ResultDoc { name: r.name, electronic: r.electronic, file_sha256: r.file_sha256 })
        .collect();
    run(&s, Actor::staff(&st), &code, Command::Decide { results }).await
}

/// The result is handed to the citizen.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/return_result", tag = "lifecycle", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = DossierView), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn return_result(
    State(s): State<AppState>,
    StaffAuth(st): StaffAuth,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<DossierView>> {
    run(&s, Actor::staff(&st), &code, Command::ReturnResult).await
}

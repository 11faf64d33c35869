//! The Zalo OA webhook (`POST /api/v1/zalo/webhook`: signed events, each message once) and the
//! human queue for officers (`GET /api/v1/assistant/waiting`, `POST …/{id}/reply`).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use motcua_domain::assistant::reply_text::ReplyText;
use motcua_domain::assistant::store::{AssistantStore, Handling, Inbound};
use motcua_domain::assistant::zalo::{WebhookError, verify};
use motcua_domain::staff::{Role, Staff};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::assistant::Assistant;
use crate::assistant::reply::decide;
use crate::auth::StaffAuth;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// The header Zalo signs its events in.
pub const SIGNATURE_HEADER: &str = "x-zevent-signature";

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ZaloParty {
    pub id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ZaloMessage {
    #[serde(default)]
    pub text: Option<String>,
    pub msg_id: String,
}

/// An OA event as Zalo posts it (only `user_send_text` is answered; others are acknowledged).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ZaloEvent {
    pub event_name: String,
    pub app_id: String,
    #[serde(default)]
    pub sender: Option<ZaloParty>,
    #[serde(default)]
    pub recipient: Option<ZaloParty>,
    #[serde(default)]
    pub message: Option<ZaloMessage>,
    /// Milliseconds since the epoch, as Zalo sends it (a string or a number).
    #[schema(value_type = String)]
    pub timestamp: serde_json::Value,
}

/// What was done with an event.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookAck {
    /// `answered` (the assistant's reply is queued), `queued` (waits for an officer),
    /// `duplicate` (this msg_id was handled before) or `ignored` (not a text message).
    pub status: String,
}

fn not_configured() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "ZALO_NOT_CONFIGURED",
        "Trợ lý Zalo chưa được cấu hình (MOTCUA_ZALO_APP_ID, MOTCUA_ZALO_OA_SECRET, MOTCUA_ZALO_UNIT).",
        "The Zalo assistant is not configured (MOTCUA_ZALO_APP_ID, MOTCUA_ZALO_OA_SECRET, MOTCUA_ZALO_UNIT).",
    )
}

fn refused(e: &WebhookError) -> ApiError {
    let status = match e {
        WebhookError::Malformed(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::UNAUTHORIZED,
    };
    ApiError::described(status, e)
}

/// The configured assistant, or 503.
pub fn assistant(state: &AppState) -> ApiResult<Arc<Assistant>> {
    state.assistant.clone().ok_or_else(not_configured)
}

/// Receives a Zalo OA event: checks the signature, answers or queues a citizen's text once.
#[utoipa::path(post, path = "/api/v1/zalo/webhook", tag = "assistant", request_body = ZaloEvent,
    params(("X-ZEvent-Signature" = String, Header, description = "mac=sha256(app_id + body + timestamp + OA secret key)")),
    responses((status = 200, body = WebhookAck), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
pub async fn zalo_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<WebhookAck>> {
    let a = assistant(&state)?;
    let presented = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    if presented.is_none_or(|p| p.trim().is_empty()) {
        return Err(refused(&WebhookError::MissingSignature));
    }
    let event: ZaloEvent =
        serde_json::from_slice(&body).map_err(|e| refused(&WebhookError::Malformed(e.to_string())))?;
    let timestamp = match &event.timestamp {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    verify(presented, &a.cfg.app_id, &body, &timestamp, &a.cfg.oa_secret).map_err(|e| refused(&e))?;
    if event.app_id != a.cfg.app_id {
        return Err(refused(&WebhookError::WrongApp));
    }
    let ack = |s: &str| Ok(Json(WebhookAck { status: s.into() }));
    if event.event_name != "user_send_text" {
        return ack("ignored");
    }
    let (Some(sender), Some(message)) = (event.sender, event.message) else {
        return Err(refused(&WebhookError::Malformed("sender and message are required".into())));
    };
    if sender.id.trim().is_empty() || message.msg_id.trim().is_empty() {
        return Err(refused(&WebhookError::Malformed("sender.id and message.msg_id must not be empty".into())));
    }
    let text = message.text.unwrap_or_default();
    let decision = decide(&state, &a, &text).await?;
    let inbound = Inbound {
        msg_id: message.msg_id,
        user_id: sender.id,
        unit: a.cfg.unit.clone(),
        text,
        intent: decision.intent.into(),
        procedure: decision.procedure,
        at: state.now(),
    };
    if !state.db.record_inbound(&inbound, &decision.handling).await? {
        return ack("duplicate");
    }
    match decision.handling {
        Handling::Answered { .. } => ack("answered"),
        Handling::HandedOver { .. } => ack("queued"),
    }
}

/// Whether `staff` answers the OA's human queue: the OA unit's intake officers and center director.
pub fn may_answer(staff: &Staff, a: &Assistant) -> bool {
    staff.unit.as_str() == a.cfg.unit && matches!(staff.role, Role::IntakeOfficer | Role::CenterDirector)
}

/// A citizen's message waiting for an officer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaitingView {
    pub id: i64,
    /// The citizen's Zalo user id.
    pub user_id: String,
    pub text: String,
    pub received_at: DateTime<Utc>,
}

/// An officer's answer.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReplyRequest {
    pub text: String,
}

/// The OA's unanswered messages, oldest first (the unit's intake officers and center director).
#[utoipa::path(get, path = "/api/v1/assistant/waiting", tag = "assistant",
    responses((status = 200, body = Vec<WaitingView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
pub async fn list_waiting(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
) -> ApiResult<Json<Vec<WaitingView>>> {
    let a = assistant(&state)?;
    if !may_answer(&staff, &a) {
        return Err(ApiError::forbidden());
    }
    let list = state.db.waiting(&a.cfg.unit, 500).await?;
    Ok(Json(
        list.into_iter()
            .map(|w| WaitingView { id: w.id, user_id: w.user_id, text: w.text, received_at: w.at })
            .collect(),
    ))
}

/// Answers waiting message `id` (and the citizen's earlier waiting ones) through the OA.
pub async fn answer(state: &AppState, staff: &Staff, id: i64, text: &str) -> ApiResult<()> {
    let a = assistant(state)?;
    if !may_answer(staff, &a) {
        return Err(ApiError::forbidden());
    }
    let text = ReplyText::parse(text).map_err(|e| ApiError::invalid(&e))?;
    if state.db.answer(&a.cfg.unit, id, &staff.username, text.as_str(), state.now()).await? {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "ASSISTANT_MESSAGE_NOT_WAITING",
            "Tin nhắn này không còn chờ trả lời (đã có cán bộ trả lời, hoặc không có tin nhắn này).",
            "This message is no longer waiting (another officer answered it, or there is no such message).",
        ))
    }
}

/// Sends an officer's answer to a waiting message through the OA; it is queued and retried
/// until Zalo takes it.
#[utoipa::path(post, path = "/api/v1/assistant/waiting/{id}/reply", tag = "assistant", request_body = ReplyRequest,
    params(("id" = i64, Path, description = "The waiting message")),
    responses((status = 202, body = WebhookAck), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn reply_waiting(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReplyRequest>,
) -> ApiResult<(StatusCode, Json<WebhookAck>)> {
    answer(&state, &staff, id, &body.text).await?;
    Ok((StatusCode::ACCEPTED, Json(WebhookAck { status: "queued".into() })))
}

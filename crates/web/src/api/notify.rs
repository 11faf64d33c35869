//! Notifications of a dossier (what was sent, on which channel, with its delivery status) and
//! the SMS gateway's delivery reports.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use motcua_domain::dossier::DossierCode;
use motcua_domain::notify::outbox::NotifyStore;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dossiers::SecretParam;
use crate::access::{presented_secret, readable_dossier};
use crate::auth::MaybeStaff;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::notify::sms::DeliveryReport;
use crate::state::AppState;

/// One message sent (or being sent) to the citizen.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    /// The event it tells of.
    pub seq: u32,
    /// `email` or `sms`.
    pub channel: String,
    pub recipient: String,
    /// `received`, `supplement`, `financial`, `apology`, `result_ready`, `refused`.
    pub kind: String,
    /// `queued`, `accepted`, `delivered` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub provider_id: Option<String>,
    /// Why it failed (or the last temporary error).
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The dossier's notifications and their delivery status, oldest first.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/notifications", tag = "dossiers",
    params(("code" = String, Path, description = "Dossier code"), SecretParam),
    responses((status = 200, body = Vec<NotificationView>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_notifications(
    State(state): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<SecretParam>,
) -> ApiResult<Json<Vec<NotificationView>>> {
    let code = DossierCode::parse(&code).map_err(|e| ApiError::invalid(&e))?;
    let secret = presented_secret(&headers, q.secret.as_deref());
    readable_dossier(&state, staff.as_ref(), secret.as_deref(), &code).await?;
    let sent = state.db.notices(&code.to_string()).await?;
    Ok(Json(
        sent.into_iter()
            .map(|m| NotificationView {
                seq: m.seq,
                channel: m.channel.as_str().into(),
                recipient: m.recipient,
                kind: m.kind.as_str().into(),
                status: m.status,
                attempts: m.attempts,
                provider_id: m.provider_id,
                error: m.error,
                created_at: m.created_at,
                updated_at: m.updated_at,
            })
            .collect(),
    ))
}

/// The secret the report URL carries (`MOTCUA_SMS_REPORT_TOKEN`).
#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportToken {
    pub token: Option<String>,
}

/// A delivery report from the SMS gateway (to the callback URL given with each message).
#[utoipa::path(post, path = "/api/v1/notify/sms-reports", tag = "notify",
    request_body = DeliveryReport, params(ReportToken),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn sms_report(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ReportToken>,
    ApiJson(r): ApiJson<DeliveryReport>,
) -> ApiResult<StatusCode> {
    if let Some(expected) = crate::notify::config::report_token() {
        let given = q.token.unwrap_or_default();
        let same = given.len() == expected.len()
            && given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if !same {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "BAD_REPORT_TOKEN",
                "Báo cáo phát tin không mang đúng mã bí mật của cổng SMS.",
                "The delivery report does not carry the SMS gateway's secret token.",
            ));
        }
    }
    let delivered = match r.status.as_str() {
        "DELIVERED" => true,
        "FAILED" => false,
        other => {
            return Err(ApiError::bad_request(
                "INVALID_DELIVERY_STATUS",
                format!("Trạng thái phát tin không hợp lệ: «{other}» (DELIVERED hoặc FAILED)."),
                format!("Invalid delivery status \"{other}\" (DELIVERED or FAILED)."),
            ));
        }
    };
    let found = state.db.delivery_report(&r.message_id, delivered, r.reason.as_deref(), state.now()).await?;
    if !found {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "UNKNOWN_MESSAGE",
            format!("Không có tin nhắn nào mang mã «{}».", r.message_id),
            format!("No message has id \"{}\".", r.message_id),
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

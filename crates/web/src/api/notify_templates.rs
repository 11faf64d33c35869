//! A unit's notice templates (read, preview, save, reset: administrator or center director of
//! the unit), a citizen's channel order, and Zalo's delivery events for ZNS messages.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use motcua_domain::dossier::DossierCode;
use motcua_domain::notify::outbox::{NotifyStore, TemplateStore, UnitTemplate};
use motcua_domain::notify::preview::Preview;
use motcua_domain::notify::template::{Template, placeholders};
use motcua_domain::notify::{ChannelOrder, NoticeKind};
use motcua_domain::staff::{Role, Staff};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dossiers::SecretParam;
use crate::access::{presented_secret, readable_dossier};
use crate::auth::{MaybeStaff, StaffAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::notify::zns::{ZaloEvent, signature};
use crate::state::AppState;

/// Who edits a unit's templates (API and page).
pub fn may_edit(staff: &Staff) -> bool {
    matches!(staff.role, Role::Administrator | Role::CenterDirector)
}

/// A template's texts as written (or submitted).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TemplateText {
    pub subject: String,
    pub body: String,
    pub sms: String,
}

/// One notice kind's template in force for the unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    /// `received`, `supplement`, `financial`, `apology`, `result_ready`, `refused`, `pakn_answered`.
    pub kind: String,
    pub label_vi: String,
    pub label_en: String,
    /// The placeholders it may use, written `{name}`.
    pub placeholders: Vec<String>,
    /// True when the unit replaced the default.
    pub custom: bool,
    pub template: TemplateText,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A template filled with a sample dossier, and its SMS size.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewView {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub sms: String,
    pub sms_encoding: String,
    pub sms_units: usize,
    pub sms_segments: usize,
    /// Without diacritics (what a GSM-7-only gateway sends).
    pub sms_ascii: String,
    pub sms_ascii_segments: usize,
}

pub fn preview_view(p: &Preview) -> PreviewView {
    let enc = |e| match e {
        motcua_domain::notify::sms::Encoding::Gsm7 => "gsm7",
        motcua_domain::notify::sms::Encoding::Ucs2 => "ucs2",
    };
    PreviewView {
        subject: p.rendered.subject.clone(),
        text: p.rendered.text.clone(),
        html: p.rendered.html.clone(),
        sms: p.rendered.sms.clone(),
        sms_encoding: enc(p.sms.encoding).into(),
        sms_units: p.sms.units,
        sms_segments: p.sms.segments,
        sms_ascii: p.sms_ascii_text.clone(),
        sms_ascii_segments: p.sms_ascii.segments,
    }
}

/// Every kind's template in force for the staff member's unit.
pub async fn in_force(state: &AppState, staff: &Staff) -> ApiResult<Vec<TemplateView>> {
    let own = state.db.unit_templates(&staff.unit).await?;
    Ok(NoticeKind::ALL
        .into_iter()
        .map(|kind| {
            let mine = own.iter().find(|t| t.kind == kind);
            let t = mine.map_or_else(|| Template::default_for(kind), |t| t.template.clone());
            TemplateView {
                kind: kind.as_str().into(),
                label_vi: kind.label().0.into(),
                label_en: kind.label().1.into(),
                placeholders: placeholders(kind).iter().map(|p| format!("{{{p}}}")).collect(),
                custom: mine.is_some(),
                template: TemplateText { subject: t.subject, body: t.body, sms: t.sms },
                updated_by: mine.map(|t| t.updated_by.clone()),
                updated_at: mine.map(|t| t.updated_at),
            }
        })
        .collect())
}

/// Parses the kind and the texts: the template, or the error naming what is wrong.
pub fn check(kind: &str, t: &TemplateText) -> ApiResult<(NoticeKind, Template)> {
    let kind = NoticeKind::parse_named(kind).map_err(|e| ApiError::described(StatusCode::NOT_FOUND, &e))?;
    let template = Template::parse(kind, &t.subject, &t.body, &t.sms).map_err(|e| ApiError::invalid(&e))?;
    Ok((kind, template))
}

/// Saves a checked template as the staff member's unit's own.
pub async fn save(state: &AppState, staff: &Staff, kind: NoticeKind, template: Template) -> ApiResult<()> {
    let t = UnitTemplate {
        unit: staff.unit.as_str().to_string(),
        kind,
        template,
        updated_by: staff.username.clone(),
        updated_at: state.now(),
    };
    Ok(state.db.save_template(&t).await?)
}

fn editor(staff: &Staff) -> ApiResult<()> {
    if may_edit(staff) { Ok(()) } else { Err(ApiError::forbidden()) }
}

/// The templates in force for the caller's unit (defaults where it has none of its own).
#[utoipa::path(get, path = "/api/v1/notify/templates", tag = "notify",
    responses((status = 200, body = Vec<TemplateView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_templates(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
) -> ApiResult<Json<Vec<TemplateView>>> {
    editor(&staff)?;
    Ok(Json(in_force(&state, &staff).await?))
}

/// Fills a template with a sample dossier without saving it (unknown placeholders refused).
#[utoipa::path(post, path = "/api/v1/notify/templates/{kind}/preview", tag = "notify", request_body = TemplateText,
    params(("kind" = String, Path, description = "Notice kind")),
    responses((status = 200, body = PreviewView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview_template(
    StaffAuth(staff): StaffAuth,
    ApiPath(kind): ApiPath<String>,
    ApiJson(body): ApiJson<TemplateText>,
) -> ApiResult<Json<PreviewView>> {
    editor(&staff)?;
    let (kind, t) = check(&kind, &body)?;
    Ok(Json(preview_view(&Preview::of(kind, &t))))
}

/// Saves the unit's own template of a kind (used for messages sent from now on).
#[utoipa::path(put, path = "/api/v1/notify/templates/{kind}", tag = "notify", request_body = TemplateText,
    params(("kind" = String, Path, description = "Notice kind")),
    responses((status = 200, body = PreviewView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_template(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(kind): ApiPath<String>,
    ApiJson(body): ApiJson<TemplateText>,
) -> ApiResult<Json<PreviewView>> {
    editor(&staff)?;
    let (kind, t) = check(&kind, &body)?;
    let preview = preview_view(&Preview::of(kind, &t));
    save(&state, &staff, kind, t).await?;
    Ok(Json(preview))
}

/// Goes back to the default template of a kind.
#[utoipa::path(delete, path = "/api/v1/notify/templates/{kind}", tag = "notify",
    params(("kind" = String, Path, description = "Notice kind")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reset_template(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(kind): ApiPath<String>,
) -> ApiResult<StatusCode> {
    editor(&staff)?;
    let kind = NoticeKind::parse_named(&kind).map_err(|e| ApiError::described(StatusCode::NOT_FOUND, &e))?;
    state.db.reset_template(&staff.unit, kind).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A citizen's channel order.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ChannelsBody {
    /// `zns,sms`: the first channel the contact details reach is used, the next is its fallback.
    pub channels: String,
}

/// Sets the applicant's channel order (for this dossier's later notices and their other ones),
/// with the dossier's secret or by its staff.
#[utoipa::path(put, path = "/api/v1/dossiers/{code}/notify-channels", tag = "dossiers", request_body = ChannelsBody,
    params(("code" = String, Path, description = "Dossier code"), SecretParam),
    responses((status = 200, body = ChannelsBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_channels(
    State(state): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<SecretParam>,
    ApiJson(body): ApiJson<ChannelsBody>,
) -> ApiResult<Json<ChannelsBody>> {
    let code = DossierCode::parse(&code).map_err(|e| ApiError::invalid(&e))?;
    let order = ChannelOrder::parse(&body.channels).map_err(|e| ApiError::invalid(&e))?;
    let secret = presented_secret(&headers, q.secret.as_deref());
    let d = readable_dossier(&state, staff.as_ref(), secret.as_deref(), &code).await?;
    state.db.set_channel_order(&d.applicant.id_number, &order, state.now()).await?;
    Ok(Json(ChannelsBody { channels: order.as_string() }))
}

/// Zalo's webhook events for the OA: `user_received_message` marks a ZNS message delivered;
/// other events are acknowledged and ignored. Signed with `X-ZEvent-Signature` when
/// `MOTCUA_ZNS_OA_SECRET` is set.
#[utoipa::path(post, path = "/api/v1/notify/zns-events", tag = "notify", request_body = ZaloEvent,
    responses((status = 200), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn zns_event(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult<StatusCode> {
    let text = std::str::from_utf8(&body).map_err(|_| bad_event("not UTF-8"))?;
    let ev: ZaloEvent = serde_json::from_str(text).map_err(|e| bad_event(&e.to_string()))?;
    if let Some((app_id, secret)) = crate::notify::config::zns_webhook_secret() {
        let expected = signature(&app_id, text, ev.timestamp.as_deref().unwrap_or_default(), &secret);
        let given = headers.get("x-zevent-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
        let same = given.len() == expected.len()
            && given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if !same {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "BAD_ZALO_SIGNATURE",
                "Sự kiện không mang chữ ký hợp lệ của Zalo (X-ZEvent-Signature).",
                "The event does not carry a valid Zalo signature (X-ZEvent-Signature).",
            ));
        }
    }
    let Some(msg) = ev.message.filter(|_| ev.event_name == "user_received_message") else {
        return Ok(StatusCode::OK);
    };
    if !state.db.delivery_report(&msg.msg_id, true, None, state.now()).await? {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "UNKNOWN_MESSAGE",
            format!("Không có tin nhắn nào mang mã «{}».", msg.msg_id),
            format!("No message has id \"{}\".", msg.msg_id),
        ));
    }
    Ok(StatusCode::OK)
}

fn bad_event(why: &str) -> ApiError {
    ApiError::bad_request(
        "INVALID_ZALO_EVENT",
        format!("Sự kiện Zalo không đọc được: {why}"),
        format!("Unreadable Zalo event: {why}"),
    )
}

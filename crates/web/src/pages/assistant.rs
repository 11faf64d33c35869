//! The back office's Zalo queue: `GET /can-bo/tro-ly` lists the OA's messages the assistant
//! could not answer (oldest first), `GET /can-bo/tro-ly/{id}` shows the conversation with that
//! citizen and a reply form, `POST /can-bo/tro-ly/{id}` sends the officer's reply through the OA
//! (queued, retried until Zalo takes it). For the OA unit's intake officers and center director.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use motcua_domain::assistant::store::AssistantStore;
use motcua_domain::staff::Staff;
use serde::Deserialize;

use super::{FieldError, Form, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, check_csrf, message, words};
use crate::api::zalo::{answer, assistant, may_answer};
use crate::error::ApiError;
use crate::state::AppState;

/// A message of the queue.
pub struct WaitingRow {
    pub id: i64,
    pub user: String,
    pub text: String,
    pub at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "assistant_queue.html")]
pub struct QueuePage {
    pub layout: Layout,
    pub rows: Vec<WaitingRow>,
    pub sent: bool,
    /// False when this server has no Zalo OA configured: the page explains how to set it up.
    pub configured: bool,
}

/// A line of the conversation.
pub struct ChatLine {
    pub inbound: bool,
    pub who: String,
    pub text: String,
    pub at: String,
    pub status: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "assistant_reply.html")]
pub struct ReplyPage {
    pub layout: Layout,
    pub id: i64,
    pub user: String,
    pub lines: Vec<ChatLine>,
    pub text: String,
    pub errors: Vec<FieldError>,
}

impl ReplyPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

#[derive(Debug, Deserialize)]
pub struct SentQuery {
    pub xong: Option<String>,
}

/// The layout for `staff`, or the refusal when they do not answer the OA's queue.
fn allowed(state: &AppState, layout: Layout, staff: &Staff) -> Result<Layout, PageFailure> {
    let layout = layout.titled("Tin nhắn Zalo chờ trả lời", "Zalo messages waiting").signed_in(staff);
    let a = assistant(state).or_page(&layout)?;
    if !may_answer(staff, &a) {
        return Err(PageFailure::new(layout, ApiError::forbidden()));
    }
    Ok(layout)
}

fn short(user: &str) -> String {
    let tail: String = user.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
    format!("Zalo …{tail}")
}

pub async fn show_queue(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Query(q): Query<SentQuery>,
) -> PageResult {
    if state.assistant.is_none() {
        let layout = layout.titled("Tin nhắn Zalo chờ trả lời", "Zalo messages waiting").signed_in(&staff);
        return Ok(QueuePage { layout, rows: Vec::new(), sent: false, configured: false }.into_response());
    }
    let layout = allowed(&state, layout, &staff)?;
    let a = assistant(&state).or_page(&layout)?;
    let list = state.db.waiting(&a.cfg.unit, 500).await.or_page(&layout)?;
    let rows = list
        .into_iter()
        .map(|w| WaitingRow { id: w.id, user: short(&w.user_id), text: w.text, at: words::when(layout.lang, w.at) })
        .collect();
    Ok(QueuePage { layout, rows, sent: q.xong.is_some(), configured: true }.into_response())
}

async fn reply_page(
    state: &AppState,
    layout: Layout,
    id: i64,
    text: String,
    errors: Vec<FieldError>,
) -> Result<ReplyPage, PageFailure> {
    let a = assistant(state).or_page(&layout)?;
    let waiting = state.db.waiting(&a.cfg.unit, 500).await.or_page(&layout)?;
    let Some(w) = waiting.into_iter().find(|w| w.id == id) else {
        return Err(PageFailure::new(
            layout,
            ApiError::new(
                StatusCode::NOT_FOUND,
                "ASSISTANT_MESSAGE_NOT_WAITING",
                "Tin nhắn này không còn chờ trả lời (đã có cán bộ trả lời, hoặc không có tin nhắn này).",
                "This message is no longer waiting (another officer answered it, or there is no such message).",
            ),
        ));
    };
    let lines = state.db.conversation(&a.cfg.unit, &w.user_id, 30).await.or_page(&layout)?;
    let lang = layout.lang;
    let lines = lines
        .into_iter()
        .map(|l| ChatLine {
            inbound: l.inbound,
            who: match (&l.sender, l.inbound) {
                (_, true) => layout.t("Người dân", "Citizen").into(),
                (Some(s), _) if s == "assistant" => layout.t("Trợ lý tự động", "Assistant").into(),
                (Some(s), _) => s.clone(),
                (None, _) => String::new(),
            },
            text: l.text,
            at: words::when(lang, l.at),
            status: match l.status.as_deref() {
                Some("queued") => layout.t("đang gửi", "sending").into(),
                Some("sent") => layout.t("đã gửi", "sent").into(),
                Some("failed") => layout.t("gửi không được", "not delivered").into(),
                _ => String::new(),
            },
        })
        .collect();
    Ok(ReplyPage { layout, id, user: short(&w.user_id), lines, text, errors })
}

pub async fn show_reply(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let layout = allowed(&state, layout, &staff)?;
    Ok(reply_page(&state, layout, id, String::new(), Vec::new()).await?.into_response())
}

pub async fn send_reply(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path(id): Path<i64>,
    form: Form,
) -> PageResult {
    let layout = allowed(&state, layout, &staff)?;
    check_csrf(&layout, &form)?;
    let text = form.get("noi_dung").to_string();
    match answer(&state, &staff, id, &text).await {
        Ok(()) => Ok(Redirect::to("/can-bo/tro-ly?xong=1").into_response()),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = vec![FieldError { id: "noi-dung".into(), message: message(layout.lang, &e) }];
            let page = reply_page(&state, layout, id, text, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(PageFailure::new(layout, e)),
    }
}

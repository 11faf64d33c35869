//! `GET|POST /phan-anh-kien-nghi/tra-cuu`: a citizen follows a PAKN with its code and secret:
//! its status in words, the deadline, the office's request or answer; replies to a request
//! (`…/bo-sung`) and rates the outcome (`…/danh-gia`). A wrong code or secret gets the same
//! answer as a missing petition.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use motcua_domain::notify::outbox::NotifyStore;
use motcua_domain::pakn::{Petition, PetitionCode, PetitionCommand, PetitionStatus, Satisfaction};
use motcua_domain::staff::Actor;
use serde::Deserialize;

use super::{FieldError, Form, Layout, OrPage, Page, PageFailure, PageResult, check_csrf, message, t};
use crate::api::pakn::{act, not_found, readable};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "pakn_lookup.html")]
pub struct PaknLookupPage {
    pub layout: Layout,
    pub code: String,
    pub errors: Vec<FieldError>,
}

impl PaknLookupPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

/// One choice of the rating.
pub struct RateChoice {
    pub value: &'static str,
    pub label: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "pakn_result.html")]
pub struct PaknResultPage {
    pub layout: Layout,
    pub code: String,
    /// Carried in the reply and rating forms (the citizen's own browser).
    pub secret: String,
    pub title: String,
    pub content: String,
    pub status: String,
    pub status_class: &'static str,
    pub submitted: String,
    pub settle_due: String,
    pub overdue: bool,
    pub info_request: Option<String>,
    pub answer: Option<String>,
    pub answer_label: &'static str,
    pub may_reply: bool,
    pub may_rate: bool,
    pub rating: Option<String>,
    pub choices: Vec<RateChoice>,
    pub notice: Option<String>,
    pub errors: Vec<FieldError>,
    /// The notices sent to the petitioner (recipient masked).
    pub sent: super::notify_sent::SentList,
}

impl PaknResultPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

#[derive(Debug, Deserialize)]
pub struct CodeQuery {
    pub ma: Option<String>,
}

pub async fn show_pakn_lookup(Page(layout): Page, Query(q): Query<CodeQuery>) -> PageResult {
    let layout = layout.titled("Tra cứu phản ánh, kiến nghị", "Look up a petition");
    Ok(PaknLookupPage { layout, code: q.ma.unwrap_or_default(), errors: Vec::new() }.into_response())
}

/// The petition's page for the citizen who proved it with its secret.
pub async fn result_page(
    state: &AppState,
    layout: Layout,
    p: &Petition,
    secret: &str,
) -> Result<PaknResultPage, PageFailure> {
    let lang = layout.lang;
    let now = state.now();
    let w = |at| super::words::when(lang, at);
    let sent = NotifyStore::notices(&state.db, &p.code.to_string()).await.or_page(&layout)?;
    Ok(PaknResultPage {
        code: p.code.to_string(),
        secret: secret.into(),
        title: p.title.clone(),
        content: p.content.clone(),
        status: t(lang, p.status.name_vi(), p.status.name_en()).into(),
        status_class: match p.status {
            PetitionStatus::Answered => "done",
            PetitionStatus::Rejected => "stopped",
            PetitionStatus::AwaitingCitizen => "waiting",
            PetitionStatus::Received => "active",
        },
        submitted: w(p.submitted_at),
        settle_due: w(p.settle_due),
        overdue: p.overdue_at(now),
        info_request: p.info_request.clone(),
        answer: p.answer.clone(),
        answer_label: if p.status == PetitionStatus::Rejected {
            t(lang, "Lý do không tiếp nhận", "Why it was not accepted")
        } else {
            t(lang, "Trả lời của cơ quan", "The office's answer")
        },
        may_reply: p.status == PetitionStatus::AwaitingCitizen,
        may_rate: !p.status.is_open() && p.rating.is_none(),
        rating: p.rating.as_ref().map(|r| t(lang, r.satisfaction.name_vi(), r.satisfaction.name_en()).into()),
        choices: Satisfaction::ALL
            .into_iter()
            .map(|s| RateChoice { value: s.as_str(), label: t(lang, s.name_vi(), s.name_en()) })
            .collect(),
        notice: None,
        errors: Vec::new(),
        sent: super::notify_sent::list(lang, sent, false),
        layout,
    })
}

/// The code and secret of a form, or the look-up page again with what is wrong.
fn credentials(layout: &Layout, form: &Form) -> Result<(PetitionCode, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = form.get("ma").trim();
    let parsed = match PetitionCode::parse(code) {
        Ok(c) => Some(c),
        Err(e) => {
            let m = if code.is_empty() {
                layout.t("Vui lòng nhập mã phản ánh.", "Enter the petition code.").into()
            } else {
                message(layout.lang, &ApiError::invalid(&e))
            };
            errors.push(FieldError { id: "ma".into(), message: m });
            None
        }
    };
    let secret = form.get("bi_mat").trim().to_string();
    if secret.is_empty() {
        errors.push(FieldError {
            id: "bi-mat".into(),
            message: layout.t("Vui lòng nhập mã bí mật.", "Enter the secret.").into(),
        });
    }
    match parsed {
        Some(c) if errors.is_empty() => Ok((c, secret)),
        _ => Err(errors),
    }
}

fn again(layout: Layout, code: &str, errors: Vec<FieldError>) -> PageResult {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, PaknLookupPage { layout, code: code.into(), errors }).into_response())
}

pub async fn look_up_pakn(State(state): State<AppState>, Page(layout): Page, form: Form) -> PageResult {
    check_csrf(&layout, &form)?;
    let layout = layout.titled("Tra cứu phản ánh, kiến nghị", "Look up a petition");
    let (code, secret) = match credentials(&layout, &form) {
        Ok(c) => c,
        Err(errors) => return again(layout, form.get("ma").trim(), errors),
    };
    match readable(&state, None, Some(&secret), &code).await {
        Ok(p) => Ok(result_page(&state, layout, &p, &secret).await?.into_response()),
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            let m = message(layout.lang, &e);
            again(layout, form.get("ma").trim(), vec![FieldError { id: "ma".into(), message: m }])
        }
        Err(e) => Err(PageFailure::new(layout, e)),
    }
}

/// `POST /phan-anh-kien-nghi/tra-cuu/{bo-sung|danh-gia}`: the citizen's reply or rating.
pub async fn answer_pakn(
    State(state): State<AppState>,
    Page(layout): Page,
    Path(action): Path<String>,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let layout = layout.titled("Tra cứu phản ánh, kiến nghị", "Look up a petition");
    let (code, secret) = match credentials(&layout, &form) {
        Ok(c) => c,
        Err(errors) => return again(layout, form.get("ma").trim(), errors),
    };
    let (cmd, field, done_vi, done_en) = match action.as_str() {
        "bo-sung" => (
            PetitionCommand::ProvideInfo { reply: form.get("bo_sung").into() },
            "bo-sung",
            "Đã gửi thông tin bổ sung.",
            "Your additional information was sent.",
        ),
        "danh-gia" => (
            PetitionCommand::Rate {
                satisfaction: form.get("muc_do").into(),
                comment: form.get("y_kien").into(),
                recomplaint: form.get("phan_anh_lai") == "1",
            },
            "muc-do",
            "Cảm ơn bạn đã đánh giá.",
            "Thank you for your rating.",
        ),
        _ => return Err(PageFailure::new(layout, ApiError::not_found("thao tác này", "This action"))),
    };
    // The secret is checked first: without it the petition does not exist.
    let current = match readable(&state, None, Some(&secret), &code).await {
        Ok(p) => p,
        Err(_) => return Err(PageFailure::new(layout, not_found())),
    };
    match act(&state, &Actor::Citizen, &code, cmd).await {
        Ok(p) => {
            let mut page = result_page(&state, layout, &p, &secret).await?;
            page.notice = Some(t(page.layout.lang, done_vi, done_en).into());
            Ok(page.into_response())
        }
        Err(e) => {
            let status = e.status;
            let m = message(layout.lang, &e);
            let id = if e.body.field.as_deref() == Some("comment") { "y-kien" } else { field };
            let mut page = result_page(&state, layout, &current, &secret).await?;
            page.errors = vec![FieldError { id: id.into(), message: m }];
            Ok((status, page).into_response())
        }
    }
}

//! `GET|POST /tra-cuu`: a citizen looks up their dossier with its code and secret and sees the
//! status in words, what to do now, the due date and the timeline. A wrong code or secret gets
//! the same answer as a missing dossier, so nobody can probe other people's dossiers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use motcua_domain::dossier::DossierCode;
use motcua_domain::ports::{CatalogStore, DossierStore};
use serde::Deserialize;

use super::words::{self, TimelineEntry};
use super::{FieldError, Form, Layout, OrPage, Page, PageResult, check_csrf, message};
use crate::access::readable_dossier;
use crate::api::dossiers::calendar_for;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "lookup.html")]
pub struct LookupPage {
    pub layout: Layout,
    pub code: String,
    pub errors: Vec<FieldError>,
}

impl LookupPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "lookup_result.html")]
pub struct LookupResultPage {
    pub layout: Layout,
    pub code: String,
    pub procedure: String,
    pub status: String,
    pub status_class: String,
    pub next_step: String,
    pub pending_note: Option<String>,
    /// The heading of the note: what is missing, or why the dossier ended.
    pub note_label: String,
    pub submitted: String,
    pub due: Option<String>,
    pub late: bool,
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Deserialize)]
pub struct CodeQuery {
    pub ma: Option<String>,
}

pub async fn show_lookup(Page(layout): Page, Query(q): Query<CodeQuery>) -> PageResult {
    let layout = layout.titled("Tra cứu hồ sơ", "Look up a dossier");
    Ok(LookupPage { layout, code: q.ma.unwrap_or_default(), errors: Vec::new() }.into_response())
}

pub async fn look_up(State(state): State<AppState>, Page(layout): Page, form: Form) -> PageResult {
    check_csrf(&layout, &form)?;
    let lang = layout.lang;
    let layout = layout.titled("Tra cứu hồ sơ", "Look up a dossier");
    let code_text = form.get("ma").trim().to_string();
    let secret = form.get("bi_mat").trim().to_string();
    let again = |layout: Layout, errors: Vec<FieldError>| {
        (StatusCode::UNPROCESSABLE_ENTITY, LookupPage { layout, code: code_text.clone(), errors }).into_response()
    };
    let mut errors = Vec::new();
    let code = match DossierCode::parse(&code_text) {
        Ok(c) => Some(c),
        Err(e) => {
            let m = if code_text.is_empty() {
                layout.t("Vui lòng nhập mã hồ sơ.", "Enter the dossier code.").to_string()
            } else {
                message(lang, &ApiError::invalid(&e))
            };
            errors.push(FieldError { id: "ma".into(), message: m });
            None
        }
    };
    if secret.is_empty() {
        errors.push(FieldError {
            id: "bi-mat".into(),
            message: layout.t("Vui lòng nhập mã bí mật.", "Enter the secret.").into(),
        });
    }
    let Some(code) = code.filter(|_| errors.is_empty()) else {
        return Ok(again(layout, errors));
    };
    let d = match readable_dossier(&state, None, Some(&secret), &code).await {
        Ok(d) => d,
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            return Ok(again(layout, vec![FieldError { id: "ma".into(), message: message(lang, &e) }]));
        }
        Err(e) => return Err(super::PageFailure::new(layout, e)),
    };
    let procedure = state.db.procedure(&d.procedure).await.or_page(&layout)?.map(|p| p.name);
    let events = state.db.events(&code).await.or_page(&layout)?;
    let (calendar, _) = calendar_for(&state, &d).await.or_page(&layout)?;
    let late = d.timeliness(&calendar, state.now()) == Some(motcua_domain::calendar::Timeliness::Late);
    Ok(LookupResultPage {
        code: d.code.to_string(),
        procedure: procedure.unwrap_or_else(|| d.procedure.to_string()),
        status: words::status(lang, d.status).into(),
        status_class: words::status_class(d.status).into(),
        next_step: words::next_step(lang, d.status).into(),
        pending_note: d.pending_note.clone(),
        note_label: words::note_label(lang, d.status).into(),
        submitted: words::when(lang, d.submitted_at),
        due: d.due_at.map(|t| words::when(lang, t)),
        late,
        timeline: words::timeline(lang, &events, false),
        layout,
    }
    .into_response())
}

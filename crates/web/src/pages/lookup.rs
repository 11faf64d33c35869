//! `GET|POST /tra-cuu` and `GET /tra-cuu/{code}`: a citizen looks up their dossier with its code
//! and secret, or its code and the phone number given when filing, and sees the status in words,
//! what to do now, the due date and the timeline. A wrong code, secret or phone gets the same
//! answer as a missing dossier, so nobody can probe other people's dossiers.
//!
//! A successful lookup remembers what was proven in a short-lived `HttpOnly` cookie scoped to
//! `/tra-cuu` (checked again on every request) and redirects to the dossier's page (post/
//! redirect/get). With the secret, the page also offers the files (documents, result), the
//! supplement upload and the rating ([`super::lookup_actions`]); a phone number shows the
//! status only, since a phone number is no secret.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use motcua_domain::dossier::{Dossier, DossierCode, Status};
use motcua_domain::notify::outbox::NotifyStore;
use motcua_domain::ports::{CatalogStore, DossierStore};
use serde::Deserialize;

use super::words::{self, TimelineEntry};
use super::{FieldError, Form, Layout, OrPage, Page, PageResult, check_csrf, cookie, message, set_cookie};
use crate::access::{not_found, readable_dossier};
use crate::api::dossiers::calendar_for;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The cookie remembering a lookup: `{code}:s:{secret}` or `{code}:p:{phone}`.
pub const LOOKUP_COOKIE: &str = "motcua_lookup";
const LOOKUP_MAX_AGE: i64 = 30 * 60;

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

/// A file the citizen may download.
#[derive(Debug, Clone)]
pub struct FileLink {
    pub name: String,
    pub href: String,
    pub result: bool,
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
    /// Looked up with the secret: files, supplement and rating are offered.
    pub full: bool,
    pub files: Vec<FileLink>,
    pub can_supplement: bool,
    pub can_rate: bool,
    /// What is still owed in fees, formatted, when the citizen may pay now (with the secret).
    pub owed: Option<String>,
    pub rated: Option<u8>,
    /// What was just done (`bo-sung`, `danh-gia`), to confirm it.
    pub done: Option<String>,
    /// Entered in a form that came back with errors.
    pub note: String,
    pub comment: String,
    pub errors: Vec<FieldError>,
    /// The notices sent to the citizen (recipient masked).
    pub sent: super::notify_sent::SentList,
    /// With the secret: the notification channel orders to choose from.
    pub channels: Vec<super::lookup_channels::ChannelChoice>,
}

impl LookupResultPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

/// What the citizen proved.
#[derive(Debug, Clone)]
pub enum Proof {
    Secret(String),
    Phone(String),
}

#[derive(Debug, Deserialize)]
pub struct CodeQuery {
    pub ma: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    pub da: Option<String>,
}

fn normalize_phone(p: &str) -> String {
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("84") {
        Some(rest) if p.trim_start().starts_with('+') => format!("0{rest}"),
        _ => digits,
    }
}

/// The dossier, if `proof` opens it; anyone else gets the not-found answer.
pub async fn open_dossier(state: &AppState, code: &DossierCode, proof: &Proof) -> ApiResult<Dossier> {
    match proof {
        Proof::Secret(s) => readable_dossier(state, None, Some(s), code).await,
        Proof::Phone(p) => {
            let d = state.db.dossier(code).await?.ok_or_else(not_found)?;
            let given = normalize_phone(p);
            let ok = given.len() == 10 && d.applicant.phone.as_deref().is_some_and(|ph| normalize_phone(ph) == given);
            if ok { Ok(d) } else { Err(not_found()) }
        }
    }
}

/// The proof remembered for `code`, if any.
pub fn remembered(headers: &HeaderMap, code: &str) -> Option<Proof> {
    let value = cookie(headers, LOOKUP_COOKIE)?;
    let mut parts = value.splitn(3, ':');
    (parts.next()? == code).then_some(())?;
    let kind = parts.next()?;
    let v = parts.next().filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric()))?.to_string();
    match kind {
        "s" => Some(Proof::Secret(v)),
        "p" => Some(Proof::Phone(v)),
        _ => None,
    }
}

pub async fn show_lookup(Page(layout): Page, Query(q): Query<CodeQuery>) -> PageResult {
    let layout = layout.titled("Tra cứu hồ sơ", "Look up a dossier");
    Ok(LookupPage { layout, code: q.ma.unwrap_or_default(), errors: Vec::new() }.into_response())
}

pub async fn look_up(State(state): State<AppState>, Page(layout): Page, headers: HeaderMap, form: Form) -> PageResult {
    check_csrf(&layout, &form)?;
    let lang = layout.lang;
    let layout = layout.titled("Tra cứu hồ sơ", "Look up a dossier");
    let code_text = form.get("ma").trim().to_string();
    let secret = form.get("bi_mat").trim().to_string();
    let phone = normalize_phone(form.get("dien_thoai"));
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
    let proof = match (secret.is_empty(), phone.is_empty()) {
        (false, _) => Some(Proof::Secret(secret.clone())),
        (true, false) => Some(Proof::Phone(phone.clone())),
        (true, true) => {
            errors.push(FieldError {
                id: "bi-mat".into(),
                message: layout
                    .t(
                        "Vui lòng nhập mã bí mật, hoặc số điện thoại đã khai khi nộp.",
                        "Enter the secret, or the phone number you gave when filing.",
                    )
                    .into(),
            });
            None
        }
    };
    let (Some(code), Some(proof)) = (code.filter(|_| errors.is_empty()), proof) else {
        return Ok(again(layout, errors));
    };
    match open_dossier(&state, &code, &proof).await {
        Ok(_) => {}
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            return Ok(again(layout, vec![FieldError { id: "ma".into(), message: message(lang, &e) }]));
        }
        Err(e) => return Err(super::PageFailure::new(layout, e)),
    }
    let value = match &proof {
        Proof::Secret(s) => format!("{code}:s:{s}"),
        Proof::Phone(p) => format!("{code}:p:{p}"),
    };
    let mut res = Redirect::to(&format!("/tra-cuu/{code}")).into_response();
    res.headers_mut().append(SET_COOKIE, set_cookie(&headers, LOOKUP_COOKIE, &value, "/tra-cuu", LOOKUP_MAX_AGE));
    Ok(res)
}

/// The dossier's page for whoever proved it in this browser; others go to the lookup form.
pub async fn show_dossier(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let Some(proof) = remembered(&headers, &code) else {
        return Ok(Redirect::to(&format!(
            "/tra-cuu?ma={}",
            code.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-')).collect::<String>()
        ))
        .into_response());
    };
    let code = DossierCode::parse(&code).map_err(|e| ApiError::invalid(&e)).or_page(&layout)?;
    let d = open_dossier(&state, &code, &proof).await.or_page(&layout)?;
    let mut page = result_page(&state, layout, &d, &proof, Vec::new()).await?;
    page.done = q.da.filter(|d| matches!(d.as_str(), "bo-sung" | "danh-gia" | "kenh"));
    Ok(page.into_response())
}

/// The result page of `d` (also re-rendered by the actions when their form has errors).
pub async fn result_page(
    state: &AppState,
    layout: Layout,
    d: &Dossier,
    proof: &Proof,
    errors: Vec<FieldError>,
) -> Result<LookupResultPage, super::PageFailure> {
    let lang = layout.lang;
    let layout = layout.titled("Tra cứu hồ sơ", "Look up a dossier");
    let procedure = state.db.procedure(&d.procedure).await.or_page(&layout)?.map(|p| p.name);
    let events = state.db.events(&d.code).await.or_page(&layout)?;
    let sent = super::notify_sent::list(
        lang,
        NotifyStore::notices(&state.db, &d.code.to_string()).await.or_page(&layout)?,
        false,
    );
    let (calendar, _) = calendar_for(state, d).await.or_page(&layout)?;
    let late = d.timeliness(&calendar, state.now()) == Some(motcua_domain::calendar::Timeliness::Late);
    let full = matches!(proof, Proof::Secret(_));
    let channels = match full {
        true => super::lookup_channels::choices(state, lang, d).await.or_page(&layout)?,
        false => Vec::new(),
    };
    let owed = match full && d.ended_at.is_none() && d.fee_total() > 0 {
        true => Some(super::payment::still_owed(state, d).await.or_page(&layout)?).filter(|o| *o > 0),
        false => None,
    }
    .map(|o| words::money(lang, o));
    let mut files = Vec::new();
    if full {
        for c in &d.components {
            if let Some(h) = &c.file_sha256 {
                files.push(FileLink {
                    name: c.name.clone(),
                    href: format!("/tra-cuu/{}/tep/{h}", d.code),
                    result: false,
                });
            }
        }
        for r in &d.results {
            if let Some(h) = &r.file_sha256 {
                files.push(FileLink {
                    name: r.name.clone(),
                    href: format!("/tra-cuu/{}/tep/{h}", d.code),
                    result: true,
                });
            }
        }
    }
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
        full,
        files,
        can_supplement: full && d.status == Status::SupplementRequested,
        can_rate: full && d.status == Status::Returned && d.rating.is_none(),
        owed,
        rated: d.rating.as_ref().map(|r| r.score),
        done: None,
        note: String::new(),
        comment: String::new(),
        errors,
        sent,
        channels,
        layout,
    })
}

//! `GET /da-nop`: the confirmation after an online submission (post/redirect/get). The
//! submission answers `303 See Other` to this page, carrying the dossier code and its secret in a
//! short-lived `HttpOnly` cookie scoped to this path (never in the URL, so it stays out of
//! history, logs and `Referer`). The page shows the secret once, then remembers that it was
//! shown: refreshing shows the code, the due date and what happens next again, but neither files
//! the dossier twice nor shows the secret again. The cookie proves itself with the secret, so a
//! forged one shows nothing; without it the citizen is sent to the lookup page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect};
use motcua_domain::dossier::DossierCode;
use motcua_domain::ports::CatalogStore;

use super::{Layout, OrPage, Page, PageResult, cookie, set_cookie, words};
use crate::access::readable_dossier;
use crate::state::AppState;

/// The confirmation page's path.
pub const PATH: &str = "/da-nop";
/// The cookie carrying `{code}:{secret}:{shown}` from the submission to this page.
pub const RECEIPT_COOKIE: &str = "motcua_receipt";
/// How long the confirmation can be reloaded (seconds).
const RECEIPT_MAX_AGE: i64 = 30 * 60;

#[derive(Template, WebTemplate)]
#[template(path = "confirmation.html")]
pub struct ConfirmationPage {
    pub layout: Layout,
    pub dossier_code: String,
    /// The secret, on the first showing only.
    pub secret: Option<String>,
    pub procedure: String,
    pub unit: String,
    pub time: String,
    /// The due date: set when received, else estimated as if received now.
    pub due: String,
    pub received: bool,
}

/// The cookie that carries a fresh submission to its confirmation page.
pub fn receipt_cookie(headers: &HeaderMap, code: &DossierCode, secret: &str, shown: bool) -> axum::http::HeaderValue {
    let value = format!("{code}:{secret}:{}", u8::from(shown));
    set_cookie(headers, RECEIPT_COOKIE, &value, PATH, RECEIPT_MAX_AGE)
}

fn parse_receipt(value: &str) -> Option<(DossierCode, String, bool)> {
    let mut parts = value.splitn(3, ':');
    let code = DossierCode::parse(parts.next()?).ok()?;
    let secret = parts.next().filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric()))?;
    let shown = parts.next()? == "1";
    Some((code, secret.to_string(), shown))
}

pub async fn show_confirmation(State(state): State<AppState>, Page(layout): Page, headers: HeaderMap) -> PageResult {
    let to_lookup = || Ok(Redirect::to("/tra-cuu").into_response());
    let Some((code, secret, shown)) = cookie(&headers, RECEIPT_COOKIE).and_then(|v| parse_receipt(&v)) else {
        return to_lookup();
    };
    let Ok(d) = readable_dossier(&state, None, Some(&secret), &code).await else {
        return to_lookup();
    };
    let lang = layout.lang;
    let layout = layout.titled("Đã nộp hồ sơ", "Dossier submitted");
    let procedure = state.db.procedure(&d.procedure).await.or_page(&layout)?;
    let unit = state.db.unit(&d.receiving_unit).await.or_page(&layout)?;
    let due = match (d.due_at, &procedure) {
        (Some(t), _) => words::when(lang, t),
        (None, Some(p)) => {
            let hours = unit.as_ref().map(|u| u.working_hours.clone()).unwrap_or_default();
            let (calendar, _) = state.work_calendar(None, &hours).await.or_page(&layout)?;
            words::when(lang, calendar.due(state.now(), &p.statutory_time))
        }
        (None, None) => String::new(),
    };
    let page = ConfirmationPage {
        dossier_code: d.code.to_string(),
        secret: (!shown).then(|| secret.clone()),
        procedure: procedure.as_ref().map_or_else(|| d.procedure.to_string(), |p| p.name.clone()),
        unit: unit.map_or_else(|| d.receiving_unit.to_string(), |u| u.name),
        time: procedure.as_ref().map(|p| words::statutory_time(lang, &p.statutory_time)).unwrap_or_default(),
        due,
        received: d.due_at.is_some(),
        layout,
    };
    let mut res = page.into_response();
    if !shown {
        res.headers_mut().append(SET_COOKIE, receipt_cookie(&headers, &code, &secret, true));
    }
    Ok(res)
}

//! Server-rendered pages: the citizen portal and the back office, Vietnamese first, one file per
//! page, each a typed askama template (`templates/`). They work without JavaScript.
//!
//! Every page shares a [`Layout`] (language, CSRF token, path, signed-in staff). The language
//! comes from `?lang=en|vi` (remembered in a cookie) or the `lang` cookie; the CSRF token is a
//! random per-browser-session value in an `HttpOnly` cookie, repeated in each form's hidden
//! `csrf` field and compared on every POST ([`check_csrf`]).

pub mod admin;
pub mod admin_audit;
pub mod admin_catalog;
pub mod admin_staff;
pub mod assets;
pub mod assistant;
pub mod confirmation;
pub mod dashboard;
pub mod decide_result;
pub mod home;
pub mod inbox;
pub mod index;
pub mod index_chart;
pub mod index_drill;
pub mod index_report;
pub mod intake;
pub mod lookup;
pub mod lookup_actions;
pub mod lookup_channels;
pub mod my_dossiers;
pub mod not_found;
pub mod notify_sent;
pub mod notify_templates;
pub mod pakn;
pub mod pakn_lookup;
pub mod pakn_staff;
pub mod payment;
pub mod payment_credits;
pub mod payment_receipt;
pub mod payment_return;
pub mod procedure;
pub mod ranking;
pub mod register;
pub mod slips;
pub mod staff_dossier;
pub mod staff_preview;
pub mod staff_sign_in;
pub mod submit;
pub mod submit_checks;
pub mod submit_draft;
pub mod support;
pub mod support_attribution;
pub mod support_public;
pub mod support_report;
pub mod support_rows;
pub mod sync;
mod words;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequestParts, Request};
use axum::http::header::{CACHE_CONTROL, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_domain::ports::StaffStore;
use motcua_domain::staff::Staff;

use crate::auth::{new_token, sha256_hex};
use crate::error::ApiError;
use crate::state::AppState;

/// The cookie holding the staff member's bearer token (set by the sign-in page).
pub const SESSION_COOKIE: &str = "motcua_session";
/// The cookie holding the CSRF token.
pub const CSRF_COOKIE: &str = "motcua_csrf";
/// The cookie remembering the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// The language a page is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    fn parse(s: &str) -> Option<Lang> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// The text in the page's language.
pub fn t<'a>(lang: Lang, vi: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// An error message in the page's language.
pub fn message(lang: Lang, e: &ApiError) -> String {
    t(lang, &e.body.message_vi, &e.body.message_en).to_string()
}

/// What the shared layout (`base.html`) needs.
#[derive(Debug, Clone)]
pub struct Layout {
    pub lang: Lang,
    pub csrf: String,
    /// The current path, for the language switch.
    pub path: String,
    /// The signed-in staff member's name, shown with a sign-out button.
    pub staff_name: Option<String>,
    /// The back-office pages the signed-in staff member may open (href, Vietnamese, English).
    pub nav: Vec<(&'static str, &'static str, &'static str)>,
    pub title: String,
}

impl Layout {
    pub fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        t(self.lang, vi, en)
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// The same page in the other language.
    pub fn switch_href(&self) -> String {
        let other = match self.lang {
            Lang::Vi => "en",
            Lang::En => "vi",
        };
        format!("{}?lang={other}", self.path)
    }

    pub fn switch_label(&self) -> &'static str {
        match self.lang {
            Lang::Vi => "English",
            Lang::En => "Tiếng Việt",
        }
    }

    pub fn switch_lang(&self) -> &'static str {
        match self.lang {
            Lang::Vi => "en",
            Lang::En => "vi",
        }
    }

    pub fn titled(mut self, vi: &str, en: &str) -> Layout {
        self.title = t(self.lang, vi, en).to_string();
        self
    }

    pub fn signed_in(mut self, staff: &Staff) -> Layout {
        self.staff_name = Some(staff.full_name.clone());
        self.nav = staff_nav(staff);
        self
    }
}

/// The staff bar's links, by what the role may open.
fn staff_nav(staff: &Staff) -> Vec<(&'static str, &'static str, &'static str)> {
    use motcua_domain::staff::Role::*;
    let role = staff.role;
    let province = staff.unit.is_province();
    let mut nav = Vec::new();
    if role != Administrator {
        nav.push(("/can-bo", "Hồ sơ", "Dossiers"));
    }
    if matches!(role, IntakeOfficer | CenterDirector) {
        nav.push(("/can-bo/tiep-nhan", "Tiếp nhận tại quầy", "Counter intake"));
        nav.push(("/can-bo/doi-soat", "Đối soát thu phí", "Fee reconciliation"));
    }
    if support::may_manage(staff) {
        nav.push((support::PATH, "Hỗ trợ cộng đồng", "Support days"));
    }
    if role != Administrator {
        nav.push(("/can-bo/tong-quan", "Tổng quan", "Dashboard"));
        nav.push(("/can-bo/so-theo-doi", "Sổ theo dõi", "Register"));
        nav.push(("/can-bo/phan-anh", "Phản ánh", "Petitions"));
        nav.push(("/can-bo/chi-so", "Chỉ số 766", "766 index"));
        nav.push(("/can-bo/bao-cao", "Báo cáo", "Reports"));
    }
    if province {
        nav.push(("/can-bo/xep-hang", "Xếp hạng", "Ranking"));
    }
    if matches!(role, IntakeOfficer | CenterDirector) && !province {
        nav.push(("/can-bo/tro-ly", "Tin nhắn Zalo", "Zalo messages"));
    }
    if crate::api::notify_templates::may_edit(staff) {
        nav.push(("/can-bo/mau-thong-bao", "Mẫu tin", "Notice templates"));
    }
    if crate::api::sync::may_watch(role) {
        nav.push(("/can-bo/dong-bo", "Đồng bộ", "Sync"));
    }
    if role == Administrator && province {
        nav.push(("/can-bo/quan-tri/can-bo", "Quản trị", "Administration"));
    }
    nav
}

/// The CSRF token of this request, put in the request by [`page_layer`].
#[derive(Debug, Clone)]
struct CsrfToken(String);

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Whether the request reached us over TLS (directly or through a proxy that says so).
fn behind_tls(headers: &HeaderMap) -> bool {
    let proto = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).unwrap_or("");
    let forwarded = headers.get("forwarded").and_then(|v| v.to_str().ok()).unwrap_or("");
    proto.eq_ignore_ascii_case("https") || forwarded.to_ascii_lowercase().contains("proto=https")
}

/// A `Set-Cookie` value: `HttpOnly; SameSite=Lax`, `Secure` behind TLS, `max_age` 0 deletes it.
pub fn set_cookie(headers: &HeaderMap, name: &str, value: &str, path: &str, max_age: i64) -> HeaderValue {
    let secure = if behind_tls(headers) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"))
        .expect("cookie names and values are ASCII")
}

fn csrf_like(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Middleware of every page: issues the CSRF cookie, remembers `?lang=`, and adds the headers
/// that keep pages out of frames and caches.
pub async fn page_layer(mut req: Request, next: Next) -> Response {
    let headers = req.headers().clone();
    let existing = cookie(&headers, CSRF_COOKIE).filter(|c| csrf_like(c));
    let csrf = existing.clone().unwrap_or_else(|| new_token().0);
    req.extensions_mut().insert(CsrfToken(csrf.clone()));
    let chosen = query_param(req.uri(), "lang").and_then(|l| Lang::parse(&l));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if existing.is_none() {
        h.append(SET_COOKIE, set_cookie(&headers, CSRF_COOKIE, &csrf, "/", 60 * 60 * 24));
    }
    if let Some(lang) = chosen {
        h.append(SET_COOKIE, set_cookie(&headers, LANG_COOKIE, lang.code(), "/", 60 * 60 * 24 * 365));
    }
    page_headers(h);
    res
}

/// The headers every page carries: out of caches and frames, scripts and forms only from us.
pub fn page_headers(h: &mut HeaderMap) {
    h.entry(CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    h.insert(
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(HeaderName::from_static("x-content-type-options"), HeaderValue::from_static("nosniff"));
    h.insert(HeaderName::from_static("referrer-policy"), HeaderValue::from_static("same-origin"));
}

/// A query parameter's decoded value.
fn query_param(uri: &axum::http::Uri, name: &str) -> Option<String> {
    let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri).map(|q| q.0).unwrap_or_default();
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The page's [`Layout`], taken from the request: every page handler extracts it.
pub struct Page(pub Layout);

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let lang = query_param(&parts.uri, "lang")
            .and_then(|l| Lang::parse(&l))
            .or_else(|| cookie(&parts.headers, LANG_COOKIE).and_then(|l| Lang::parse(&l)))
            .unwrap_or(Lang::Vi);
        let csrf = parts.extensions.get::<CsrfToken>().map(|c| c.0.clone()).unwrap_or_default();
        Ok(Page(Layout {
            lang,
            csrf,
            path: parts.uri.path().to_string(),
            staff_name: None,
            nav: Vec::new(),
            title: String::new(),
        }))
    }
}

/// A signed-in staff member (from the session cookie); anyone else is sent to the sign-in page.
pub struct SignedIn(pub Staff);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let to_sign_in = || Redirect::to("/can-bo/dang-nhap").into_response();
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(to_sign_in)?;
        match state.db.staff_by_token(&sha256_hex(&token), state.now()).await {
            Ok(Some(staff)) => Ok(SignedIn(staff)),
            Ok(None) => Err(to_sign_in()),
            Err(e) => Err(ApiError::from(e).into_response()),
        }
    }
}

/// Whether a form's `csrf` field matches this session's token (compared in constant time).
pub fn csrf_ok(layout: &Layout, presented: &str) -> bool {
    let (a, b) = (layout.csrf.as_bytes(), presented.as_bytes());
    !a.is_empty() && a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Refuses a POST whose form does not carry this session's CSRF token.
pub fn check_csrf(layout: &Layout, form: &Form) -> Result<(), PageFailure> {
    if csrf_ok(layout, form.get("csrf")) {
        return Ok(());
    }
    Err(PageFailure::new(
        layout.clone(),
        ApiError::new(
            StatusCode::FORBIDDEN,
            "CSRF_REJECTED",
            "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng quay lại trang trước, tải lại và gửi lại.",
            "Your session expired or the form is not valid. Go back, reload the page and send it again.",
        ),
    ))
}

/// A submitted form, as its (name, value) pairs (checkboxes repeat a name).
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for Form {
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<Vec<(String, String)>>::from_request(req, state).await.map(|f| Form(f.0)).map_err(|_| {
            ApiError::bad_request(
                "INVALID_FORM",
                "Biểu mẫu gửi lên không đọc được; vui lòng tải lại trang và thử lại.",
                "The form could not be read; reload the page and try again.",
            )
            .into_response()
        })
    }
}

/// The error page: what went wrong, in the page's language, and the way back.
#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub message: String,
}

/// An error on its way to a person: rendered as the error page with its status (boxed: it
/// travels in every page handler's `Result`).
pub struct PageFailure(Box<(Layout, ApiError)>);

impl PageFailure {
    pub fn new(layout: Layout, error: ApiError) -> PageFailure {
        PageFailure(Box::new((layout, error)))
    }
}

impl IntoResponse for PageFailure {
    fn into_response(self) -> Response {
        let (layout, error) = *self.0;
        let lang = layout.lang;
        let layout = layout.titled("Có lỗi xảy ra", "Something went wrong");
        let message = message(lang, &error);
        (error.status, ErrorPage { layout, message }).into_response()
    }
}

pub type PageResult = Result<Response, PageFailure>;

/// Turns an API error into the error page of this layout.
pub trait OrPage<T> {
    fn or_page(self, layout: &Layout) -> Result<T, PageFailure>;
}

impl<T, E: Into<ApiError>> OrPage<T> for Result<T, E> {
    fn or_page(self, layout: &Layout) -> Result<T, PageFailure> {
        self.map_err(|e| PageFailure::new(layout.clone(), e.into()))
    }
}

/// An error shown in a form's summary, linked to the field (`id`) it concerns.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub id: String,
    pub message: String,
}

/// The message for the field `id`, if it has one (templates call this next to each input).
pub fn error_for<'a>(errors: &'a [FieldError], id: &str) -> Option<&'a str> {
    errors.iter().find(|e| e.id == id).map(|e| e.message.as_str())
}

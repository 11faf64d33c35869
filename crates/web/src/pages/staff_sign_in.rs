//! `GET|POST /can-bo/dang-nhap` and `POST /can-bo/dang-xuat`: staff sign in with the same check
//! and token as `POST /api/v1/auth/login`; the token is kept in an `HttpOnly` session cookie and
//! the CSRF token is renewed, so a token planted before sign-in is worthless afterwards.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};

use super::{CSRF_COOKIE, FieldError, Form, Layout, Page, PageResult, SESSION_COOKIE, check_csrf, message, set_cookie};
use crate::api::auth::sign_in;
use crate::auth::{TOKEN_TTL_HOURS, new_token};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    pub layout: Layout,
    pub username: String,
    pub errors: Vec<FieldError>,
    /// Whether staff may also sign in with OpenID Connect (`MOTCUA_STAFF_OIDC_*`).
    pub oidc: bool,
}

impl SignInPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

pub async fn show_sign_in(State(state): State<AppState>, Page(layout): Page) -> PageResult {
    let layout = layout.titled("Đăng nhập cán bộ", "Staff sign-in");
    let oidc = state.sign_in.staff.is_some();
    Ok(SignInPage { layout, username: String::new(), errors: Vec::new(), oidc }.into_response())
}

pub async fn sign_in_staff(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let layout = layout.titled("Đăng nhập cán bộ", "Staff sign-in");
    let username = form.get("ten_dang_nhap").trim().to_string();
    let password = form.get("mat_khau").to_string();
    let mut errors = Vec::new();
    if username.is_empty() {
        errors.push(FieldError {
            id: "ten-dang-nhap".into(),
            message: layout.t("Vui lòng nhập tên đăng nhập.", "Enter your username.").into(),
        });
    }
    if password.is_empty() {
        errors.push(FieldError {
            id: "mat-khau".into(),
            message: layout.t("Vui lòng nhập mật khẩu.", "Enter your password.").into(),
        });
    }
    if errors.is_empty() {
        match sign_in(&state, &username, password).await {
            Ok((token, _, _)) => {
                let ttl = TOKEN_TTL_HOURS * 3600;
                let mut res = Redirect::to("/can-bo").into_response();
                let h = res.headers_mut();
                h.append(SET_COOKIE, set_cookie(&headers, SESSION_COOKIE, &token, "/", ttl));
                h.append(SET_COOKIE, set_cookie(&headers, CSRF_COOKIE, &new_token().0, "/", ttl));
                return Ok(res);
            }
            Err(e) if e.status == StatusCode::UNAUTHORIZED => {
                errors.push(FieldError { id: "ten-dang-nhap".into(), message: message(layout.lang, &e) });
            }
            Err(e) => return Err(super::PageFailure::new(layout, e)),
        }
    }
    let oidc = state.sign_in.staff.is_some();
    Ok((StatusCode::UNPROCESSABLE_ENTITY, SignInPage { layout, username, errors, oidc }).into_response())
}

pub async fn sign_out_staff(Page(layout): Page, headers: HeaderMap, form: Form) -> PageResult {
    check_csrf(&layout, &form)?;
    let mut res = Redirect::to("/can-bo/dang-nhap").into_response();
    res.headers_mut().append(SET_COOKIE, set_cookie(&headers, SESSION_COOKIE, "", "/", 0));
    Ok(res)
}

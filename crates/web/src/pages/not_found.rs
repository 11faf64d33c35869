//! The "page not found" page: a person who follows a broken link or mistypes an address outside
//! `/api/` gets an HTML page in their language with the ways on, not the API's JSON envelope.
//!
//! It is a middleware over the whole application ([`html_outside_api`]): the router's fallback
//! keeps answering the JSON envelope (`ROUTE_NOT_FOUND`, `METHOD_NOT_ALLOWED`), and for paths
//! outside `/api/`, unless the client asks for JSON and not HTML in `Accept`, that answer is
//! replaced with this page, same status.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequestParts, Request};
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{Layout, Page, page_headers};

#[derive(Template, WebTemplate)]
#[template(path = "not_found.html")]
pub struct NotFoundPage {
    pub layout: Layout,
    pub method_not_allowed: bool,
}

/// Whether the request is for the API (by path) or asks for JSON rather than a page.
fn wants_api(req: &Request) -> bool {
    let path = req.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        return true;
    }
    let accept = req.headers().get(ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    accept.contains("application/json") && !accept.contains("text/html")
}

fn is_json(headers: &HeaderMap) -> bool {
    headers.get(CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
}

/// Replaces the fallback's JSON 404/405 with the HTML page for people.
pub async fn html_outside_api(req: Request, next: Next) -> Response {
    if wants_api(&req) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let Ok(Page(layout)) = Page::from_request_parts(&mut parts, &()).await;
    let res = next.run(Request::from_parts(parts, body)).await;
    let status = res.status();
    if !matches!(status, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED) || !is_json(res.headers()) {
        return res;
    }
    let layout = layout.titled("Không tìm thấy trang", "Page not found");
    let page = NotFoundPage { layout, method_not_allowed: status == StatusCode::METHOD_NOT_ALLOWED };
    let mut html = (status, page).into_response();
    if let Some(allow) = res.headers().get(axum::http::header::ALLOW) {
        html.headers_mut().insert(axum::http::header::ALLOW, allow.clone());
    }
    page_headers(html.headers_mut());
    html
}

//! Hardening of every response and of the operator endpoints: security headers ([`headers`]),
//! who may read `/metrics` ([`metrics_allowed`]), the client address behind a proxy
//! ([`client_ip`]), and the configuration of all of it ([`Hardening`], from the environment).
//!
//! The rate limits and the sign-in lockout live in [`crate::ratelimit`]; the cached list of
//! units whose event chains are broken in [`crate::integrity`].

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::ratelimit::{Limiter, Policies};
use crate::state::AppState;

/// Pages: everything from this origin only, no inline script, never framed by another site.
pub const PAGE_CSP: &str =
    "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// JSON, files and metrics: nothing may run or load from them, and nobody may frame them.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// One year, subdomains included.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The operator's hardening settings and the in-process state that goes with them.
pub struct Hardening {
    /// Served behind TLS (`MOTCUA_BEHIND_TLS=1`): every response carries HSTS.
    pub behind_tls: bool,
    /// Trust the last `X-Forwarded-For` entry as the client (`MOTCUA_TRUST_PROXY=1`).
    pub trust_proxy: bool,
    /// Bearer token that opens `/metrics` from anywhere (`MOTCUA_METRICS_TOKEN`).
    pub metrics_token: Option<String>,
    /// Client addresses that may read `/metrics` without a token (`MOTCUA_METRICS_ALLOW`).
    pub metrics_allow: Vec<IpAddr>,
    /// Failed sign-ins and look-ups, per account, code and address.
    pub limiter: Limiter,
    /// Units with a broken event chain, recomputed in the background.
    pub integrity: crate::integrity::Integrity,
}

impl Default for Hardening {
    fn default() -> Self {
        Hardening {
            behind_tls: false,
            trust_proxy: false,
            metrics_token: None,
            metrics_allow: vec![IpAddr::from([127, 0, 0, 1]), IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1])],
            limiter: Limiter::new(Policies::default()),
            integrity: Default::default(),
        }
    }
}

fn flag(name: &str) -> Result<bool, String> {
    match std::env::var(name).unwrap_or_default().trim() {
        "" | "0" | "false" | "no" => Ok(false),
        "1" | "true" | "yes" => Ok(true),
        other => Err(format!("{name}={other}: expected 1 or 0")),
    }
}

impl Hardening {
    /// The settings from the environment (unset: the defaults); a bad value is an error naming it.
    pub fn from_env() -> Result<Hardening, String> {
        let mut h = Hardening {
            behind_tls: flag("MOTCUA_BEHIND_TLS")?,
            trust_proxy: flag("MOTCUA_TRUST_PROXY")?,
            ..Default::default()
        };
        h.metrics_token = std::env::var("MOTCUA_METRICS_TOKEN").ok().filter(|t| !t.trim().is_empty());
        if let Ok(list) = std::env::var("MOTCUA_METRICS_ALLOW") {
            h.metrics_allow = list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().map_err(|_| format!("MOTCUA_METRICS_ALLOW: {s} is not an IP address")))
                .collect::<Result<_, _>>()?;
        }
        h.limiter = Limiter::new(Policies::from_env()?);
        Ok(h)
    }
}

/// The client's address: the peer, or behind a trusted proxy the address it appended last.
pub fn client_ip(req: &Request, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy {
        let forwarded = req.headers().get_all("x-forwarded-for").iter().rev().find_map(|v| v.to_str().ok());
        if let Some(ip) = forwarded.and_then(|v| v.rsplit(',').next()).and_then(|s| s.trim().parse().ok()) {
            return Some(ip);
        }
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

/// Whether the path is a server-rendered page (not the API, a file download or metrics).
fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/") || path == "/metrics" || path == "/livez" || path == "/readyz")
}

/// Adds the security headers to a response (keeping a stricter policy a handler already set).
pub fn add_headers(h: &mut HeaderMap, page: bool, behind_tls: bool) {
    let html = h.get(axum::http::header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let csp = if page && html { PAGE_CSP } else { API_CSP };
    // A response with its own policy (a file previewed in our own frame) keeps it.
    if !h.contains_key(CONTENT_SECURITY_POLICY) {
        h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
        h.insert(HeaderName::from_static("x-frame-options"), HeaderValue::from_static("DENY"));
    }
    h.insert(HeaderName::from_static("x-content-type-options"), HeaderValue::from_static("nosniff"));
    h.entry(REFERRER_POLICY).or_insert(HeaderValue::from_static("same-origin"));
    if behind_tls {
        h.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
}

/// Middleware over the whole application: the security headers on every response.
pub async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let page = is_page(req.uri().path());
    let mut res = next.run(req).await;
    add_headers(res.headers_mut(), page, state.hardening.behind_tls);
    res
}

/// Whether this request may read `/metrics`: from an allowed address, or with the token.
pub fn metrics_allowed(req: &Request, h: &Hardening) -> bool {
    if let Some(token) = &h.metrics_token {
        let presented =
            req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        if presented.is_some_and(|p| constant_time_eq(p.trim().as_bytes(), token.as_bytes())) {
            return true;
        }
    }
    client_ip(req, h.trust_proxy).is_some_and(|ip| h.metrics_allow.contains(&ip.to_canonical()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Middleware of `/metrics`: anyone not allowed gets 403 `METRICS_FORBIDDEN`.
pub async fn guard_metrics(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if metrics_allowed(&req, &state.hardening) {
        return next.run(req).await;
    }
    ApiError::new(
        StatusCode::FORBIDDEN,
        "METRICS_FORBIDDEN",
        "Chỉ địa chỉ được phép hoặc người có mã truy cập mới xem được số liệu vận hành.",
        "Operational metrics are open only to allowed addresses or with the metrics token.",
    )
    .into_response()
}

//! Failed sign-ins and failed look-ups are limited with exponential backoff, per account or
//! dossier/petition code and per client address ([`limit`], a middleware over the whole app).
//!
//! Each key may fail `free` times; every failure after that locks it for `first_lock`, doubled
//! per further failure up to `max_lock`, answered `429` with `Retry-After` and a vi/en code
//! ([`Throttled`]). A successful sign-in or look-up clears its account or code (never the
//! address); a key quiet for [`FORGET`] is forgotten. The counters live in this process (see
//! SECURITY.md for several app servers). Time is the application clock ([`AppState::now`]).
//! The same answer is given whether the account exists or not.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use motcua_domain::Described;

use crate::error::ApiError;
use crate::pages::{ErrorPage, Page};
use crate::state::AppState;

/// A key with no failure for this long starts afresh.
pub const FORGET: Duration = Duration::hours(1);
/// Keys kept before expired ones are swept.
const SWEEP_ABOVE: usize = 50_000;

/// How many failures a key may have, and how long it is locked after that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub free: u32,
    pub first_lock_secs: i64,
    pub max_lock_secs: i64,
}

impl Policy {
    /// `free/first/max`, e.g. `5/30/900`.
    pub fn parse(name: &str, s: &str) -> Result<Policy, String> {
        let bad = || format!("{name}={s}: expected FREE/FIRST_LOCK_SECONDS/MAX_LOCK_SECONDS, e.g. 5/30/900");
        let parts: Vec<&str> = s.trim().split('/').collect();
        let [free, first, max] = parts[..] else { return Err(bad()) };
        let p = Policy {
            free: free.trim().parse().map_err(|_| bad())?,
            first_lock_secs: first.trim().parse().map_err(|_| bad())?,
            max_lock_secs: max.trim().parse().map_err(|_| bad())?,
        };
        if p.first_lock_secs < 1 || p.max_lock_secs < p.first_lock_secs { Err(bad()) } else { Ok(p) }
    }

    /// The lock after `failures` failures, if any.
    fn lock_after(&self, failures: u32) -> Option<Duration> {
        let over = failures.checked_sub(self.free).filter(|o| *o > 0)?;
        let secs = self.first_lock_secs.saturating_mul(1i64 << (over - 1).min(30)).min(self.max_lock_secs);
        Some(Duration::seconds(secs))
    }
}

/// The four policies (environment variable, default).
#[derive(Debug, Clone, Copy)]
pub struct Policies {
    /// `MOTCUA_LIMIT_LOGIN_ACCOUNT`, `5/30/900`.
    pub login_account: Policy,
    /// `MOTCUA_LIMIT_LOGIN_IP`, `20/30/900`.
    pub login_ip: Policy,
    /// `MOTCUA_LIMIT_LOOKUP_CODE`, `5/60/3600`.
    pub lookup_code: Policy,
    /// `MOTCUA_LIMIT_LOOKUP_IP`, `20/60/3600`.
    pub lookup_ip: Policy,
}

impl Default for Policies {
    fn default() -> Self {
        let p = |free, first_lock_secs, max_lock_secs| Policy { free, first_lock_secs, max_lock_secs };
        Policies {
            login_account: p(5, 30, 900),
            login_ip: p(20, 30, 900),
            lookup_code: p(5, 60, 3600),
            lookup_ip: p(20, 60, 3600),
        }
    }
}

impl Policies {
    pub fn from_env() -> Result<Policies, String> {
        let mut p = Policies::default();
        for (name, slot) in [
            ("MOTCUA_LIMIT_LOGIN_ACCOUNT", &mut p.login_account),
            ("MOTCUA_LIMIT_LOGIN_IP", &mut p.login_ip),
            ("MOTCUA_LIMIT_LOOKUP_CODE", &mut p.lookup_code),
            ("MOTCUA_LIMIT_LOOKUP_IP", &mut p.lookup_ip),
        ] {
            if let Ok(v) = std::env::var(name) {
                *slot = Policy::parse(name, &v)?;
            }
        }
        Ok(p)
    }
}

struct Entry {
    failures: u32,
    last: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
}

/// The failure counters of this process.
pub struct Limiter {
    pub policies: Policies,
    entries: Mutex<HashMap<String, Entry>>,
}

impl Limiter {
    pub fn new(policies: Policies) -> Limiter {
        Limiter { policies, entries: Mutex::new(HashMap::new()) }
    }

    /// How long `key` is still locked at `now`.
    pub fn locked(&self, key: &str, now: DateTime<Utc>) -> Option<Duration> {
        let entries = self.entries.lock().expect("limiter lock");
        let until = entries.get(key)?.locked_until?;
        (until > now).then(|| until - now)
    }

    /// Records a failure of `key` under `policy`.
    pub fn fail(&self, key: &str, policy: &Policy, now: DateTime<Utc>) {
        let mut entries = self.entries.lock().expect("limiter lock");
        if entries.len() > SWEEP_ABOVE {
            entries.retain(|_, e| now - e.last < FORGET || e.locked_until.is_some_and(|u| u > now));
        }
        let e = entries.entry(key.to_string()).or_insert(Entry { failures: 0, last: now, locked_until: None });
        if now - e.last >= FORGET && e.locked_until.is_none_or(|u| u <= now) {
            e.failures = 0;
        }
        e.failures += 1;
        e.last = now;
        if let Some(lock) = policy.lock_after(e.failures) {
            e.locked_until = Some(now + lock);
        }
    }

    /// Forgets `key` (a success).
    pub fn clear(&self, key: &str) {
        self.entries.lock().expect("limiter lock").remove(key);
    }
}

/// A request refused because its account, code or address failed too often.
#[derive(Debug, Clone, Copy)]
pub struct Throttled {
    pub sign_in: bool,
    pub retry_after_secs: i64,
}

impl Described for Throttled {
    fn code(&self) -> &'static str {
        if self.sign_in { "TOO_MANY_SIGN_IN_ATTEMPTS" } else { "TOO_MANY_LOOKUPS" }
    }
    fn message_vi(&self) -> String {
        let what = if self.sign_in { "Đăng nhập sai" } else { "Tra cứu không đúng" };
        format!("{what} quá nhiều lần. Vui lòng thử lại sau {} giây.", self.retry_after_secs)
    }
    fn message_en(&self) -> String {
        let what = if self.sign_in { "failed sign-in attempts" } else { "failed look-ups" };
        format!("Too many {what}. Try again in {} seconds.", self.retry_after_secs)
    }
}

/// What a limited request is about.
struct Target {
    sign_in: bool,
    /// The account (lower-cased) or the dossier/petition code, when known.
    subject: Option<String>,
    /// A form answering a wrong proof with 422 and success with a redirect (look-up, sign-in).
    form: bool,
    page: bool,
}

/// The dossier or petition code whose secret a request to the API presents (staff included: a
/// token does not entitle anyone to guess another unit's secrets).
fn api_subject(req: &Request) -> Option<String> {
    let rest = req.uri().path().strip_prefix("/api/v1/")?;
    let mut segs = rest.split('/');
    let (kind, code) = (segs.next()?, segs.next()?);
    let query = req.uri().query().unwrap_or_default();
    let secret = req.headers().contains_key(crate::access::SECRET_HEADER)
        || form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == "secret");
    ((kind == "dossiers" || kind == "petitions") && !code.is_empty() && secret).then(|| code.to_string())
}

fn classify(req: &Request) -> Option<(Target, Option<&'static str>)> {
    let path = req.uri().path();
    let post = req.method() == Method::POST;
    let t = |sign_in, subject, form, page| Target { sign_in, subject, form, page };
    match path {
        "/api/v1/auth/login" if post => Some((t(true, None, false, false), Some("username"))),
        "/can-bo/dang-nhap" if post => Some((t(true, None, true, true), Some("ten_dang_nhap"))),
        "/tra-cuu" | "/phan-anh-kien-nghi/tra-cuu" if post => Some((t(false, None, true, true), Some("ma"))),
        _ if post && path.starts_with("/phan-anh-kien-nghi/tra-cuu/") => {
            Some((t(false, None, false, true), Some("ma")))
        }
        _ if path.starts_with("/tra-cuu/") => {
            let code = path["/tra-cuu/".len()..].split('/').next().unwrap_or_default().to_string();
            Some((t(false, Some(code), false, true), None))
        }
        _ => api_subject(req).map(|code| (t(false, Some(code), false, false), None)),
    }
}

/// The value of `field` in a form or JSON body.
fn field_of(body: &[u8], field: &str) -> Option<String> {
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body) {
        return map.get(field).and_then(|v| v.as_str()).map(str::to_string);
    }
    form_urlencoded::parse(body).find(|(k, _)| k == field).map(|(_, v)| v.into_owned())
}

/// Middleware over the whole application: refuses locked keys, counts failures, clears on success.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some((mut target, field)) = classify(&req) else { return next.run(req).await };
    let ip = crate::security::client_ip(&req, state.hardening.trust_proxy).map_or("-".to_string(), |ip| ip.to_string());
    let req = match field {
        None => req,
        Some(field) => {
            let (parts, body) = req.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
                return ApiError::bad_request(
                    "BODY_TOO_LARGE",
                    "Nội dung gửi lên quá lớn.",
                    "The request body is too large.",
                )
                .into_response();
            };
            target.subject = field_of(&bytes, field).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            Request::from_parts(parts, Body::from(bytes))
        }
    };
    let limiter = &state.hardening.limiter;
    let p = &limiter.policies;
    let (kind, subject_policy, ip_policy) = if target.sign_in {
        ("login", &p.login_account, &p.login_ip)
    } else {
        ("lookup", &p.lookup_code, &p.lookup_ip)
    };
    let subject_key = target.subject.as_ref().map(|s| format!("{kind}:s:{}", s.to_lowercase()));
    let ip_key = format!("{kind}:ip:{ip}");
    let now = state.now();
    let wait = [Some(&ip_key), subject_key.as_ref()].into_iter().flatten().filter_map(|k| limiter.locked(k, now)).max();
    if let Some(wait) = wait {
        return refuse(req, &target, wait).await;
    }
    let res = next.run(req).await;
    let status = res.status();
    let failed = matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
        || (status == StatusCode::UNPROCESSABLE_ENTITY && target.form);
    // Elsewhere a redirect may mean "no proof remembered": only a page or a document clears.
    let succeeded = status.is_success() || (status.is_redirection() && target.form);
    if failed {
        limiter.fail(&ip_key, ip_policy, now);
        if let Some(k) = &subject_key {
            limiter.fail(k, subject_policy, now);
        }
    } else if let Some(k) = subject_key.as_ref().filter(|_| succeeded) {
        limiter.clear(k);
    }
    res
}

/// The 429 answer: the envelope for the API, the error page for people.
async fn refuse(req: Request, target: &Target, wait: Duration) -> Response {
    let secs = (wait.num_milliseconds() + 999) / 1000;
    let t = Throttled { sign_in: target.sign_in, retry_after_secs: secs.max(1) };
    let error = ApiError::described(StatusCode::TOO_MANY_REQUESTS, &t);
    let mut res = if target.page {
        let (mut parts, _) = req.into_parts();
        let Ok(Page(layout)) = Page::from_request_parts(&mut parts, &()).await;
        let lang = layout.lang;
        let layout = layout.titled("Vui lòng thử lại sau", "Please try again later");
        let message = crate::pages::message(lang, &error);
        (StatusCode::TOO_MANY_REQUESTS, ErrorPage { layout, message }).into_response()
    } else {
        error.into_response()
    };
    res.headers_mut().insert(RETRY_AFTER, HeaderValue::from(t.retry_after_secs));
    res
}

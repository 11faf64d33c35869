//! Observability: a request id and a span on every request, and the Prometheus figures.
//!
//! [`request_id`] accepts a well-formed incoming `X-Request-Id` (1–64 of `A-Z a-z 0-9 - _ .`) or
//! makes one, puts it on the request for the [`trace`] span and echoes it on the response; it
//! also counts the request by route template, method and status class and times it. The span
//! carries the method, route and path, never the query string (look-ups put secrets there) nor
//! headers (tokens, cookies).
//!
//! The figures are kept in-process in a tiny hand-rolled registry rendered as Prometheus text by
//! [`render`]: two metric families do not justify the `metrics` facade, its exporter and their
//! dependencies in every build. Dossiers by status and the notification backlog are read from the
//! database at scrape time ([`motcua_storage::observe`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use motcua_domain::dossier::Status;
use motcua_storage::observe::OpsFigures;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tracing::{Level, Span};

/// The request id header, on requests and responses.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Upper bounds (seconds) of the latency histogram's buckets.
pub const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Whether an incoming request id may be reused: short, and safe in logs and headers.
pub fn well_formed(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// A fresh request id: 128 random bits in hex.
fn new_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// The request id layer (outermost): see the module documentation.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let incoming = req.headers().get(&X_REQUEST_ID).and_then(|v| v.to_str().ok()).filter(|s| well_formed(s));
    let id = incoming.map(str::to_owned).unwrap_or_else(new_id);
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
    req.headers_mut().insert(X_REQUEST_ID.clone(), value.clone());
    let route = route_of(&req);
    let method = method_label(req.method());
    let started = Instant::now();
    let mut res = next.run(req).await;
    record(&route, method, res.status(), started.elapsed());
    res.headers_mut().insert(X_REQUEST_ID.clone(), value);
    res
}

/// The matched route template (`/api/v1/dossiers/{code}`), or `unmatched` (bounded labels).
fn route_of(req: &Request) -> String {
    req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string())
}

fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// The span of one request, with its id: every log line of the request carries it.
fn span(req: &Request<Body>) -> Span {
    let id = req.headers().get(&X_REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
    tracing::info_span!("request", request_id = id, method = %req.method(), route = %route_of(req),
        path = req.uri().path())
}

/// How a request's span is made.
pub type MakeSpan = fn(&Request<Body>) -> Span;

/// The tracing layer type of [`trace`].
pub type Trace = TraceLayer<SharedClassifier<ServerErrorsAsFailures>, MakeSpan, DefaultOnRequest, DefaultOnResponse>;

/// The tracing layer (inside [`request_id`]): the span above, one INFO line per response.
pub fn trace() -> Trace {
    TraceLayer::new_for_http()
        .make_span_with(span as MakeSpan)
        .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(tower_http::LatencyUnit::Millis))
}

#[derive(Default, Clone, Copy)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// Requests by (route, method, status class), latency by route.
struct Registry {
    requests: BTreeMap<(String, &'static str, &'static str), u64>,
    latency: BTreeMap<String, Histogram>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry { requests: BTreeMap::new(), latency: BTreeMap::new() });

fn record(route: &str, method: &'static str, status: StatusCode, took: Duration) {
    let class = match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    let seconds = took.as_secs_f64();
    let mut r = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    *r.requests.entry((route.to_string(), method, class)).or_default() += 1;
    let h = r.latency.entry(route.to_string()).or_default();
    for (i, le) in BUCKETS.iter().enumerate() {
        if seconds <= *le {
            h.buckets[i] += 1;
        }
    }
    h.sum += seconds;
    h.count += 1;
}

fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = write!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n");
}

/// Appends the HTTP figures and the database figures (at `now`) in Prometheus text format.
pub fn render(out: &mut String, figures: &OpsFigures, now: DateTime<Utc>) {
    let (requests, latency) = {
        let r = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
        (r.requests.clone(), r.latency.clone())
    };
    let name = "motcua_http_requests_total";
    family(out, name, "counter", "HTTP requests answered, by route template, method and status class.");
    for ((route, method, class), n) in &requests {
        let _ = writeln!(out, "{name}{{route=\"{}\",method=\"{method}\",status=\"{class}\"}} {n}", label(route));
    }
    let name = "motcua_http_request_duration_seconds";
    family(out, name, "histogram", "Time to answer an HTTP request, by route template.");
    for (route, h) in &latency {
        let route = label(route);
        for (le, n) in BUCKETS.iter().zip(h.buckets) {
            let _ = writeln!(out, "{name}_bucket{{route=\"{route}\",le=\"{le}\"}} {n}");
        }
        let _ = writeln!(out, "{name}_bucket{{route=\"{route}\",le=\"+Inf\"}} {}", h.count);
        let _ = writeln!(out, "{name}_sum{{route=\"{route}\"}} {}", h.sum);
        let _ = writeln!(out, "{name}_count{{route=\"{route}\"}} {}", h.count);
    }
    let name = "motcua_notify_queued";
    family(out, name, "gauge", "Notifications waiting for a delivery attempt.");
    let _ = writeln!(out, "{name} {}", figures.notify_queued);
    let name = "motcua_notify_lag_seconds";
    family(out, name, "gauge", "Age of the oldest notification waiting for delivery (0: none).");
    let lag = figures.notify_oldest_queued.map_or(0, |t| (now - t).num_seconds().max(0));
    let _ = writeln!(out, "{name} {lag}");
    let name = "motcua_dossiers";
    family(out, name, "gauge", "Dossiers by current status (code and name as in the national standard).");
    for s in Status::ALL {
        let n = figures.dossiers_by_status.iter().find(|(t, _)| *t == s).map_or(0, |(_, n)| *n);
        let _ = writeln!(out, "{name}{{status=\"{}\",code=\"{}\"}} {n}", s.as_str(), s.code());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_checked() {
        assert!(well_formed("abc-123_x.y"));
        assert!(!well_formed(""));
        assert!(!well_formed(&"a".repeat(65)));
        assert!(!well_formed("a b"));
        assert!(!well_formed("a\"b"));
        assert_eq!(new_id().len(), 32);
    }
}

//! `motcua fake-portal`: a stand-in for the national portal (DVCQG) to test synchronisation
//! against. It takes the same JSON records over HTTP (`POST /dossiers` with an `Idempotency-Key`),
//! applies each key once (a re-sent key gets its first ack back: a duplicate acknowledgement), and
//! injects faults on request: errors, latency, connection resets (before or after applying), hangs
//! past the client's timeout, responses lost after applying, duplicate acknowledgements of fresh
//! records, permanent 4xx rejections, and outage windows (from the command line or started at run
//! time with `POST /control/outage`). `GET /applied` shows what it applied, in order, each
//! dossier's latest record and the fault counters; `GET /dossiers?from=yyyyMMdd&to=yyyyMMdd`
//! reports each dossier's key fields (for reconciliation). Everything is kept in memory.

mod ledger;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use ledger::Ledger;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Notify;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: String,
    /// Share of calls refused with 503 before applying (0–1).
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Delay before answering each call, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of calls applied whose answer is then lost (a 504 after the write) (0–1).
    #[arg(long, default_value_t = 0.0)]
    lose_response_rate: f64,
    /// Share of calls whose connection is reset (TCP RST), half before and half after applying (0–1).
    #[arg(long, default_value_t = 0.0)]
    reset_rate: f64,
    /// Share of calls applied and then held for --hang-ms before answering (0–1).
    #[arg(long, default_value_t = 0.0)]
    hang_rate: f64,
    /// How long a hung call is held, in milliseconds (longer than the client's timeout).
    #[arg(long, default_value_t = 30_000)]
    hang_ms: u64,
    /// Share of fresh records acknowledged as if already applied (`"duplicate": true`) (0–1).
    #[arg(long, default_value_t = 0.0)]
    duplicate_ack_rate: f64,
    /// Records whose holder name (`ChuHoSo`) contains this text are refused for good with 422.
    #[arg(long)]
    reject_name: Option<String>,
    /// An outage window `FROM-UNTIL` in seconds after start-up (every call gets 503); repeatable.
    #[arg(long = "outage", value_parser = parse_window)]
    outages: Vec<(f64, f64)>,
    /// Start of an outage, in seconds after start-up (until --down-until, or for good).
    #[arg(long)]
    down_from: Option<f64>,
    /// End of the --down-from outage, in seconds after start-up.
    #[arg(long)]
    down_until: Option<f64>,
}

fn parse_window(s: &str) -> Result<(f64, f64), String> {
    let (a, b) = s.split_once('-').ok_or("expected FROM-UNTIL in seconds, e.g. 5-12")?;
    let (a, b): (f64, f64) = (a.trim().parse().map_err(|_| "bad FROM")?, b.trim().parse().map_err(|_| "bad UNTIL")?);
    if b <= a {
        return Err("UNTIL must be after FROM".into());
    }
    Ok((a, b))
}

struct Portal {
    args: Args,
    started: Instant,
    /// An outage started at run time lasts until this instant.
    outage_until: Mutex<Option<Instant>>,
    ledger: Mutex<Ledger>,
}

impl Portal {
    fn down(&self) -> bool {
        let since = self.started.elapsed().as_secs_f64();
        let legacy = self.args.down_from.is_some_and(|f| since >= f) && self.args.down_until.is_none_or(|u| since < u);
        let window = self.args.outages.iter().any(|&(f, u)| since >= f && since < u);
        let live = self.outage_until.lock().expect("outage lock").is_some_and(|u| Instant::now() < u);
        legacy || window || live
    }

    fn count(&self, f: impl FnOnce(&mut Ledger)) {
        f(&mut self.ledger.lock().expect("ledger lock"));
    }
}

/// Asks the connection task to drop the connection; its socket has SO_LINGER 0, so the client sees
/// a reset.
#[derive(Clone)]
struct Reset(Arc<Notify>);

impl Reset {
    async fn now(&self) -> Response {
        self.0.notify_one();
        std::future::pending().await
    }
}

fn answer(status: StatusCode, v: Value) -> Response {
    (status, Json(v)).into_response()
}

fn chance(rate: f64) -> bool {
    rate > 0.0 && rand::random::<f64>() < rate
}

async fn receive(
    State(p): State<Arc<Portal>>,
    Extension(reset): Extension<Reset>,
    headers: HeaderMap,
    body: Json<Value>,
) -> Response {
    let a = &p.args;
    if a.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(a.latency_ms)).await;
    }
    p.count(|l| l.requests += 1);
    if p.down() {
        p.count(|l| (l.refused, l.outage_refused) = (l.refused + 1, l.outage_refused + 1));
        return answer(StatusCode::SERVICE_UNAVAILABLE, json!({"error": "injected: outage"}));
    }
    if chance(a.error_rate) {
        p.count(|l| l.refused += 1);
        return answer(StatusCode::SERVICE_UNAVAILABLE, json!({"error": "injected failure"}));
    }
    let reset_now = chance(a.reset_rate);
    let reset_after = reset_now && rand::random::<bool>();
    if reset_now && !reset_after {
        p.count(|l| l.resets += 1);
        return reset.now().await;
    }
    let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string) else {
        p.count(|l| l.rejected += 1);
        return answer(StatusCode::BAD_REQUEST, json!({"error": "missing Idempotency-Key"}));
    };
    let dossier = body.get("MaHoSo").and_then(Value::as_str).unwrap_or_default().to_string();
    let seq = key.split(':').nth(1).and_then(|s| s.parse::<u32>().ok());
    let (Some(seq), false) = (seq, dossier.is_empty()) else {
        p.count(|l| l.rejected += 1);
        return answer(StatusCode::UNPROCESSABLE_ENTITY, json!({"error": "MaHoSo and a {code}:{seq} key needed"}));
    };
    let holder = body.get("ChuHoSo").and_then(Value::as_str).unwrap_or_default();
    if a.reject_name.as_deref().is_some_and(|r| !r.is_empty() && holder.contains(r)) {
        p.count(|l| l.rejected += 1);
        return answer(StatusCode::UNPROCESSABLE_ENTITY, json!({"error": "ChuHoSo: tên không hợp lệ / invalid name"}));
    }
    let (ack, duplicate) = p.ledger.lock().expect("ledger lock").apply(&key, &dossier, seq, &body.0);
    if reset_after {
        p.count(|l| (l.resets, l.resets_after_apply) = (l.resets + 1, l.resets_after_apply + 1));
        return reset.now().await;
    }
    if chance(a.hang_rate) {
        p.count(|l| l.hangs += 1);
        tokio::time::sleep(Duration::from_millis(a.hang_ms)).await;
    }
    if chance(a.lose_response_rate) {
        p.count(|l| l.lost_responses += 1);
        return answer(StatusCode::GATEWAY_TIMEOUT, json!({"error": "injected: response lost after applying"}));
    }
    let claimed_duplicate = !duplicate && chance(a.duplicate_ack_rate);
    if claimed_duplicate {
        p.count(|l| l.duplicate_acks += 1);
    }
    answer(StatusCode::OK, json!({"ack": ack, "duplicate": duplicate || claimed_duplicate}))
}

async fn applied(State(p): State<Arc<Portal>>) -> Response {
    let ledger = p.ledger.lock().expect("ledger lock");
    Json(serde_json::to_value(&*ledger).unwrap_or(Value::Null)).into_response()
}

#[derive(Deserialize)]
struct Period {
    from: Option<String>,
    to: Option<String>,
}

async fn report(State(p): State<Arc<Portal>>, Query(q): Query<Period>) -> Response {
    let items = p.ledger.lock().expect("ledger lock").report(q.from.as_deref(), q.to.as_deref());
    Json(json!({"items": items})).into_response()
}

#[derive(Deserialize)]
struct Outage {
    seconds: f64,
}

/// Starts an outage now, lasting `seconds`.
async fn outage(State(p): State<Arc<Portal>>, Json(o): Json<Outage>) -> StatusCode {
    let until = Instant::now() + Duration::from_secs_f64(o.seconds.clamp(0.0, 86_400.0));
    *p.outage_until.lock().expect("outage lock") = Some(until);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Forget {
    dossier: String,
}

/// Forgets a dossier's records (stages a difference for reconciliation).
async fn forget(State(p): State<Arc<Portal>>, Json(f): Json<Forget>) -> StatusCode {
    if p.ledger.lock().expect("ledger lock").forget(&f.dossier) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

impl Args {
    /// A portal on `listen` that never fails (benchmarks).
    pub fn healthy(listen: &str) -> Args {
        Args {
            listen: listen.to_string(),
            error_rate: 0.0,
            latency_ms: 0,
            lose_response_rate: 0.0,
            reset_rate: 0.0,
            hang_rate: 0.0,
            hang_ms: 30_000,
            duplicate_ack_rate: 0.0,
            reject_name: None,
            outages: Vec::new(),
            down_from: None,
            down_until: None,
        }
    }
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let (addr, server) = spawn(args).await?;
    println!("Cổng DVCQG giả / fake national portal at http://{addr}/dossiers (GET http://{addr}/applied)");
    super::serve::shutdown_signal().await;
    server.abort();
    Ok(())
}

/// Binds and serves the fake portal in the background; returns its address.
pub async fn spawn(args: Args) -> anyhow::Result<(std::net::SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener =
        tokio::net::TcpListener::bind(&args.listen).await.with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr()?;
    let portal = Arc::new(Portal {
        args,
        started: Instant::now(),
        outage_until: Mutex::new(None),
        ledger: Mutex::new(Ledger::default()),
    });
    let app = axum::Router::new()
        .route("/dossiers", axum::routing::post(receive).get(report))
        .route("/applied", axum::routing::get(applied))
        .route("/control/outage", axum::routing::post(outage))
        .route("/control/forget", axum::routing::post(forget))
        .with_state(portal);
    Ok((addr, tokio::spawn(accept(listener, app))))
}

async fn accept(listener: tokio::net::TcpListener, app: axum::Router) {
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(e) => {
                tracing::warn!(error = %e, "fake portal: accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        // Dropping a connection then sends RST instead of FIN: that is how a reset is injected.
        let _ = stream.set_zero_linger();
        let kill = Arc::new(Notify::new());
        let svc = TowerToHyperService::new(app.clone().layer(Extension(Reset(kill.clone()))));
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
            }
        });
    }
}

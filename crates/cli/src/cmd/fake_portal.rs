//! `motcua fake-portal`: a stand-in for the national portal (DVCQG) to test synchronisation
//! against. It takes the same JSON records over HTTP (`POST /dossiers` with an `Idempotency-Key`),
//! applies each key once (a duplicate gets the first ack back), and injects faults on request:
//! errors, latency, responses lost after applying, an outage window. `GET /applied` shows what
//! it applied, in order, and each dossier's latest record. Everything is kept in memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: String,
    /// Share of calls refused with 503 before applying (0–1).
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Delay before answering each call, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of calls applied whose answer is then lost (a 504 after the write) (0–1).
    #[arg(long, default_value_t = 0.0)]
    lose_response_rate: f64,
    /// Start of an outage, in seconds after start-up (every call gets 503 until --down-until).
    #[arg(long)]
    down_from: Option<f64>,
    /// End of the outage, in seconds after start-up.
    #[arg(long)]
    down_until: Option<f64>,
}

/// One applied record.
#[derive(Debug, Clone, Serialize)]
struct Applied {
    key: String,
    dossier: String,
    seq: u32,
    status: Value,
    ack: String,
}

#[derive(Default, Serialize)]
struct Ledger {
    requests: u64,
    refused: u64,
    lost_responses: u64,
    duplicates: u64,
    /// Records that arrived with a seq not above the dossier's last applied one.
    out_of_order: u64,
    applied: Vec<Applied>,
    /// Each dossier's latest record and its seq.
    dossiers: HashMap<String, Value>,
    #[serde(skip)]
    acks: HashMap<String, String>,
    #[serde(skip)]
    last_seq: HashMap<String, u32>,
}

struct Portal {
    args: Args,
    started: Instant,
    ledger: Mutex<Ledger>,
}

fn answer(status: StatusCode, v: Value) -> Response {
    (status, Json(v)).into_response()
}

async fn receive(State(p): State<Arc<Portal>>, headers: HeaderMap, body: Json<Value>) -> Response {
    if p.args.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(p.args.latency_ms)).await;
    }
    let since = p.started.elapsed().as_secs_f64();
    let down = p.args.down_from.is_some_and(|f| since >= f) && p.args.down_until.is_none_or(|u| since < u);
    let refuse = down || rand::random::<f64>() < p.args.error_rate;
    let mut ledger = p.ledger.lock().expect("ledger lock");
    ledger.requests += 1;
    if refuse {
        ledger.refused += 1;
        return answer(StatusCode::SERVICE_UNAVAILABLE, json!({"error": "injected failure"}));
    }
    let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string) else {
        return answer(StatusCode::BAD_REQUEST, json!({"error": "missing Idempotency-Key"}));
    };
    let dossier = body.get("MaHoSo").and_then(Value::as_str).unwrap_or_default().to_string();
    let seq = key.rsplit_once(':').and_then(|(_, s)| s.parse::<u32>().ok());
    let (Some(seq), false) = (seq, dossier.is_empty()) else {
        return answer(StatusCode::UNPROCESSABLE_ENTITY, json!({"error": "MaHoSo and a {code}:{seq} key needed"}));
    };
    let (ack, duplicate) = match ledger.acks.get(&key) {
        Some(ack) => (ack.clone(), true),
        None => {
            let ack = format!("ack-{}", ledger.applied.len() + 1);
            if ledger.last_seq.get(&dossier).is_some_and(|&last| last >= seq) {
                ledger.out_of_order += 1;
            } else {
                ledger.last_seq.insert(dossier.clone(), seq);
                ledger.dossiers.insert(dossier.clone(), json!({"seq": seq, "record": body.0.clone()}));
            }
            let status = body.get("TrangThaiHoSo").cloned().unwrap_or(Value::Null);
            ledger.applied.push(Applied { key: key.clone(), dossier, seq, status, ack: ack.clone() });
            ledger.acks.insert(key, ack.clone());
            (ack, false)
        }
    };
    if duplicate {
        ledger.duplicates += 1;
    }
    if rand::random::<f64>() < p.args.lose_response_rate {
        ledger.lost_responses += 1;
        return answer(StatusCode::GATEWAY_TIMEOUT, json!({"error": "injected: response lost after applying"}));
    }
    answer(StatusCode::OK, json!({"ack": ack, "duplicate": duplicate}))
}

async fn applied(State(p): State<Arc<Portal>>) -> Response {
    let ledger = p.ledger.lock().expect("ledger lock");
    Json(serde_json::to_value(&*ledger).unwrap_or(Value::Null)).into_response()
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let listener =
        tokio::net::TcpListener::bind(&args.listen).await.with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr()?;
    let portal = Arc::new(Portal { args, started: Instant::now(), ledger: Mutex::new(Ledger::default()) });
    let app = axum::Router::new()
        .route("/dossiers", axum::routing::post(receive))
        .route("/applied", axum::routing::get(applied))
        .with_state(portal);
    println!("Cổng DVCQG giả / fake national portal at http://{addr}/dossiers (GET http://{addr}/applied)");
    axum::serve(listener, app).with_graceful_shutdown(super::serve::shutdown_signal()).await?;
    Ok(())
}

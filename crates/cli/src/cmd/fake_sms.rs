//! `motcua fake-sms`: a local brandname SMS gateway speaking the JSON protocol of
//! `motcua_web::notify::sms` over HTTP, to test and measure notifications against.
//!
//! `POST /sms/send` answers `{"code":"00","message_id"}` (the same id again for a repeated
//! `request_id`: never a second SMS); `--fail-first N` answers HTTP 503 to the first N sends;
//! a number listed with `--undeliverable` is accepted but reported FAILED. Each accepted
//! message's delivery report is POSTed to its `callback_url` after `--report-delay-ms`.
//! `GET /sms/messages` lists what was accepted (for tests).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use motcua_web::notify::sms::{DeliveryReport, SendRequest, SendResponse};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9095")]
    listen: String,
    /// Answer HTTP 503 to this many first send requests.
    #[arg(long, default_value_t = 0)]
    fail_first: u64,
    /// Numbers (84…) accepted but reported FAILED (repeatable).
    #[arg(long)]
    undeliverable: Vec<String>,
    /// Wait before posting each delivery report.
    #[arg(long, default_value_t = 300)]
    report_delay_ms: u64,
    /// Post no delivery reports.
    #[arg(long)]
    no_reports: bool,
}

/// The gateway's state.
pub struct FakeSms {
    fail_first: u64,
    undeliverable: Vec<String>,
    report_delay: Option<Duration>,
    requests: AtomicU64,
    accepted: Mutex<(HashMap<String, String>, Vec<SendRequest>)>,
    client: reqwest::Client,
}

impl FakeSms {
    pub fn new(fail_first: u64, undeliverable: Vec<String>, report_delay: Option<Duration>) -> Arc<FakeSms> {
        Arc::new(FakeSms {
            fail_first,
            undeliverable,
            report_delay,
            requests: AtomicU64::new(0),
            accepted: Mutex::new((HashMap::new(), Vec::new())),
            client: reqwest::Client::new(),
        })
    }

    /// How many distinct messages were accepted.
    pub fn accepted(&self) -> usize {
        self.accepted.lock().expect("fake sms lock").1.len()
    }

    pub fn router(self: &Arc<FakeSms>) -> Router {
        Router::new().route("/sms/send", post(send)).route("/sms/messages", get(list)).with_state(self.clone())
    }
}

async fn send(State(g): State<Arc<FakeSms>>, Json(r): Json<SendRequest>) -> (StatusCode, Json<SendResponse>) {
    let n = g.requests.fetch_add(1, Ordering::SeqCst);
    if n < g.fail_first {
        let body = SendResponse {
            code: "99".into(),
            message: "temporarily unavailable".into(),
            message_id: None,
            segments: None,
        };
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body));
    }
    if !r.to.starts_with("84") || r.to.len() != 11 || r.text.trim().is_empty() {
        let body = SendResponse {
            code: "12".into(),
            message: "invalid number or empty text".into(),
            message_id: None,
            segments: None,
        };
        return (StatusCode::BAD_REQUEST, Json(body));
    }
    let segments = motcua_domain::notify::sms::size(&r.text).segments;
    let (id, fresh) = {
        let mut acc = g.accepted.lock().expect("fake sms lock");
        match acc.0.get(&r.request_id) {
            Some(id) => (id.clone(), false),
            None => {
                let id = format!("SMS{:08}", acc.1.len() + 1);
                acc.0.insert(r.request_id.clone(), id.clone());
                (id, true)
            }
        }
    };
    if fresh {
        if let (Some(delay), Some(url)) = (g.report_delay, r.callback_url.clone()) {
            let failed = g.undeliverable.contains(&r.to);
            let (client, id) = (g.client.clone(), id.clone());
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let report = DeliveryReport {
                    message_id: id,
                    status: if failed { "FAILED" } else { "DELIVERED" }.into(),
                    reason: failed.then(|| "subscriber unreachable".into()),
                };
                if let Err(e) = client.post(&url).json(&report).send().await {
                    tracing::warn!(error = %e, "fake sms: delivery report not posted");
                }
            });
        }
        g.accepted.lock().expect("fake sms lock").1.push(r);
    }
    (
        StatusCode::OK,
        Json(SendResponse {
            code: "00".into(),
            message: "accepted".into(),
            message_id: Some(id),
            segments: Some(segments),
        }),
    )
}

async fn list(State(g): State<Arc<FakeSms>>) -> Json<Vec<SendRequest>> {
    let acc = g.accepted.lock().expect("fake sms lock");
    Json(acc.1.iter().map(clone_req).collect())
}

fn clone_req(r: &SendRequest) -> SendRequest {
    SendRequest {
        brandname: r.brandname.clone(),
        to: r.to.clone(),
        text: r.text.clone(),
        unicode: r.unicode,
        request_id: r.request_id.clone(),
        callback_url: r.callback_url.clone(),
    }
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let delay = (!args.no_reports).then(|| Duration::from_millis(args.report_delay_ms));
    let fake = FakeSms::new(args.fail_first, args.undeliverable, delay);
    let listener =
        tokio::net::TcpListener::bind(&args.listen).await.with_context(|| format!("binding {}", args.listen))?;
    println!("Cổng SMS giả lập / fake SMS gateway at http://{}/sms/send", listener.local_addr()?);
    axum::serve(listener, fake.router()).with_graceful_shutdown(super::serve::shutdown_signal()).await?;
    Ok(())
}

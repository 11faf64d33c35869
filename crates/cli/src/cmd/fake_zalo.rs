//! `motcua fake-zalo`: a local Zalo Official Account platform speaking Zalo's protocol over HTTP,
//! to test and measure the assistant against.
//!
//! - `POST /v3.0/oa/message/cs` (header `access_token`): records the text and answers
//!   `{"error":0,"data":{"message_id"}}`; an unknown token gets `{"error":-216}`. With
//!   `--expire-token-once` the first token expires at the first send, so the OA's client must
//!   refresh; `--fail-first N` answers HTTP 503 to the first N sends.
//! - `POST /v4/oa/access_token` (header `secret_key`, form `refresh_token, app_id, grant_type`):
//!   issues a new token pair; each refresh token works once.
//! - `POST /simulate` `{"user_id","text","msg_id"?}`: builds a `user_send_text` event, signs it
//!   (`X-ZEvent-Signature: mac=sha256(app_id + body + timestamp + OA secret)`) and POSTs it to
//!   `--webhook-url`; answers with Motcua's status and body. `?bad_signature=1` signs wrongly.
//! - `GET /messages`: what was sent to citizens; `GET /stats`: sends, refreshes, expired answers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use motcua_domain::assistant::zalo::signature;
use motcua_domain::clock::Clock;
use motcua_web::assistant::oa::{SendRequest, SendResponse, SentData, TOKEN_EXPIRED, TokenResponse};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::SystemClock;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9096")]
    listen: String,
    #[arg(long, default_value = "4318000000000000001")]
    app_id: String,
    /// The OA secret key webhook events are signed with.
    #[arg(long, env = "FAKE_ZALO_OA_SECRET", default_value = "oa-secret", hide_env_values = true)]
    oa_secret: String,
    /// The app secret key token refreshes must present.
    #[arg(long, env = "FAKE_ZALO_APP_SECRET", default_value = "app-secret", hide_env_values = true)]
    app_secret: String,
    #[arg(long, default_value = "access-1")]
    access_token: String,
    #[arg(long, default_value = "refresh-1")]
    refresh_token: String,
    /// The first access token expires at the first send (answered -216 until refreshed).
    #[arg(long)]
    expire_token_once: bool,
    /// Answer HTTP 503 to this many first sends.
    #[arg(long, default_value_t = 0)]
    fail_first: u64,
    /// Motcua's webhook, for `POST /simulate`.
    #[arg(long, default_value = "http://127.0.0.1:8080/api/v1/zalo/webhook")]
    webhook_url: String,
}

/// A text the OA sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sent {
    pub message_id: String,
    pub user_id: String,
    pub text: String,
    pub access_token: String,
}

struct Tokens {
    access: String,
    refresh: String,
    /// Expire `access` at the next send.
    expire_next: bool,
    issued: u64,
}

/// The fake platform's state.
pub struct FakeZalo {
    app_id: String,
    oa_secret: String,
    app_secret: String,
    webhook_url: String,
    fail_first: u64,
    tokens: Mutex<Tokens>,
    requests: AtomicU64,
    expired_answers: AtomicU64,
    refreshes: AtomicU64,
    simulated: AtomicU64,
    sent: Mutex<Vec<Sent>>,
    client: reqwest::Client,
}

impl FakeZalo {
    pub fn new(args: &Args) -> Arc<FakeZalo> {
        Arc::new(FakeZalo {
            app_id: args.app_id.clone(),
            oa_secret: args.oa_secret.clone(),
            app_secret: args.app_secret.clone(),
            webhook_url: args.webhook_url.clone(),
            fail_first: args.fail_first,
            tokens: Mutex::new(Tokens {
                access: args.access_token.clone(),
                refresh: args.refresh_token.clone(),
                expire_next: args.expire_token_once,
                issued: 1,
            }),
            requests: AtomicU64::new(0),
            expired_answers: AtomicU64::new(0),
            refreshes: AtomicU64::new(0),
            simulated: AtomicU64::new(0),
            sent: Mutex::new(Vec::new()),
            client: reqwest::Client::new(),
        })
    }

    /// The default arguments with this webhook and secrets (benchmarks, tests).
    pub fn args(webhook_url: &str, app_id: &str, oa_secret: &str) -> Args {
        Args {
            listen: "127.0.0.1:0".into(),
            app_id: app_id.into(),
            oa_secret: oa_secret.into(),
            app_secret: "app-secret".into(),
            access_token: "access-1".into(),
            refresh_token: "refresh-1".into(),
            expire_token_once: false,
            fail_first: 0,
            webhook_url: webhook_url.into(),
        }
    }

    /// How many texts were sent to citizens.
    pub fn sent(&self) -> usize {
        self.sent.lock().expect("fake zalo lock").len()
    }

    pub fn router(self: &Arc<FakeZalo>) -> Router {
        Router::new()
            .route("/v3.0/oa/message/cs", post(send))
            .route("/v4/oa/access_token", post(refresh))
            .route("/simulate", post(simulate))
            .route("/messages", get(messages))
            .route("/stats", get(stats))
            .with_state(self.clone())
    }

    /// A signed `user_send_text` event: (body, signature header).
    pub fn event(&self, user_id: &str, text: &str, msg_id: &str, timestamp_ms: i64) -> (String, String) {
        let ts = timestamp_ms.to_string();
        let body = json!({
            "event_name": "user_send_text",
            "app_id": self.app_id,
            "sender": {"id": user_id},
            "recipient": {"id": "oa-1"},
            "message": {"text": text, "msg_id": msg_id},
            "timestamp": ts,
        })
        .to_string();
        let sig = signature(&self.app_id, body.as_bytes(), &ts, &self.oa_secret);
        (body, sig)
    }
}

fn answer(error: i64, message: &str) -> Json<SendResponse> {
    Json(SendResponse { error, message: message.into(), data: None })
}

async fn send(
    State(z): State<Arc<FakeZalo>>,
    headers: HeaderMap,
    Json(r): Json<SendRequest>,
) -> (StatusCode, Json<SendResponse>) {
    if z.requests.fetch_add(1, Ordering::SeqCst) < z.fail_first {
        return (StatusCode::SERVICE_UNAVAILABLE, answer(-50, "temporarily unavailable"));
    }
    let token = headers.get("access_token").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    {
        let mut t = z.tokens.lock().expect("fake zalo lock");
        if t.expire_next && token == t.access {
            t.expire_next = false;
            t.access = format!("expired-{}", t.access);
        }
        if token != t.access {
            z.expired_answers.fetch_add(1, Ordering::SeqCst);
            return (StatusCode::OK, answer(TOKEN_EXPIRED, "Access token is invalid"));
        }
    }
    if r.recipient.user_id.trim().is_empty() || r.message.text.trim().is_empty() {
        return (StatusCode::OK, answer(-201, "Parameters are invalid"));
    }
    let mut sent = z.sent.lock().expect("fake zalo lock");
    let message_id = format!("zmsg{:08}", sent.len() + 1);
    sent.push(Sent {
        message_id: message_id.clone(),
        user_id: r.recipient.user_id.clone(),
        text: r.message.text,
        access_token: token,
    });
    let data = SentData { message_id, user_id: r.recipient.user_id };
    (StatusCode::OK, Json(SendResponse { error: 0, message: "Success".into(), data: Some(data) }))
}

#[derive(Debug, Deserialize)]
struct RefreshForm {
    #[serde(default)]
    refresh_token: String,
    #[serde(default)]
    app_id: String,
    #[serde(default)]
    grant_type: String,
}

async fn refresh(
    State(z): State<Arc<FakeZalo>>,
    headers: HeaderMap,
    Form(f): Form<RefreshForm>,
) -> Json<TokenResponse> {
    let secret = headers.get("secret_key").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let refused = |e: &str| {
        Json(TokenResponse { error: Some(-14014), error_description: Some(e.into()), ..TokenResponse::default() })
    };
    if secret != z.app_secret || f.app_id != z.app_id || f.grant_type != "refresh_token" {
        return refused("invalid app_id, secret_key or grant_type");
    }
    let mut t = z.tokens.lock().expect("fake zalo lock");
    if f.refresh_token != t.refresh {
        return refused("Invalid refresh token");
    }
    t.issued += 1;
    t.access = format!("access-{}", t.issued);
    t.refresh = format!("refresh-{}", t.issued);
    z.refreshes.fetch_add(1, Ordering::SeqCst);
    Json(TokenResponse {
        access_token: Some(t.access.clone()),
        refresh_token: Some(t.refresh.clone()),
        expires_in: Some(90_000),
        ..TokenResponse::default()
    })
}

#[derive(Debug, Deserialize)]
struct Simulate {
    user_id: String,
    text: String,
    #[serde(default)]
    msg_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SimulateQuery {
    #[serde(default)]
    bad_signature: Option<String>,
}

async fn simulate(
    State(z): State<Arc<FakeZalo>>,
    Query(q): Query<SimulateQuery>,
    Json(s): Json<Simulate>,
) -> (StatusCode, Json<Value>) {
    let n = z.simulated.fetch_add(1, Ordering::SeqCst);
    let now = SystemClock.now().timestamp_millis();
    let msg_id = s.msg_id.unwrap_or_else(|| format!("sim-{now}-{n}"));
    let (body, mut sig) = z.event(&s.user_id, &s.text, &msg_id, now);
    if q.bad_signature.is_some() {
        sig = format!("mac={}", "0".repeat(64));
    }
    let sent = z
        .client
        .post(&z.webhook_url)
        .header("X-ZEvent-Signature", sig)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) => {
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            (StatusCode::OK, Json(json!({"status": status, "body": body, "msg_id": msg_id})))
        }
        Err(e) => (StatusCode::BAD_GATEWAY, Json(json!({"error": e.to_string()}))),
    }
}

async fn messages(State(z): State<Arc<FakeZalo>>) -> Json<Vec<Sent>> {
    Json(z.sent.lock().expect("fake zalo lock").clone())
}

async fn stats(State(z): State<Arc<FakeZalo>>) -> Json<Value> {
    Json(json!({
        "sent": z.sent(),
        "refreshes": z.refreshes.load(Ordering::SeqCst),
        "expired_answers": z.expired_answers.load(Ordering::SeqCst),
        "requests": z.requests.load(Ordering::SeqCst),
    }))
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let fake = FakeZalo::new(&args);
    let listener =
        tokio::net::TcpListener::bind(&args.listen).await.with_context(|| format!("binding {}", args.listen))?;
    println!("Zalo OA giả lập / fake Zalo OA at http://{}", listener.local_addr()?);
    axum::serve(listener, fake.router()).with_graceful_shutdown(super::serve::shutdown_signal()).await?;
    Ok(())
}

//! `motcua fake-zns`: a local Zalo ZNS and Zalo OAuth server speaking the protocol of
//! `motcua_web::notify::zns` over HTTP, to test notifications against.
//!
//! - `POST /message/template` (header `access_token`): `{"error":0,"data":{"msg_id"}}`, the
//!   same `msg_id` again for a repeated `tracking_id`; error -124 when the token is not the
//!   current one (it expires after `--token-lifetime` sends); -118 for a number listed with
//!   `--no-zalo` (no Zalo account); HTTP 503 for the first `--fail-first` sends.
//! - `POST /v4/oa/access_token` (header `secret_key`, form `refresh_token`, `app_id`,
//!   `grant_type=refresh_token`): a new access token and a new (single-use) refresh token.
//! - After `--report-delay-ms`, each accepted message's `user_received_message` event is POSTed
//!   to `--webhook`, signed `X-ZEvent-Signature` with `--oa-secret`.
//! - `GET /messages`: what was accepted (for tests); `GET /stats`: refreshes and rejections.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use motcua_web::notify::zns::{
    SentData, TemplateMessage, TokenAnswer, ZaloAnswer, ZaloEvent, ZaloEventMessage, signature,
};
use serde::{Deserialize, Serialize};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9096")]
    listen: String,
    #[arg(long, default_value = "fake-app")]
    app_id: String,
    /// The app's secret key (required on token refresh).
    #[arg(long, default_value = "fake-secret")]
    secret_key: String,
    /// The access and refresh tokens valid at start.
    #[arg(long, default_value = "token-0")]
    access_token: String,
    #[arg(long, default_value = "refresh-0")]
    refresh_token: String,
    /// An access token is refused (-124) after this many sends with it (0: never).
    #[arg(long, default_value_t = 0)]
    token_lifetime: u64,
    /// Answer HTTP 503 to this many first sends.
    #[arg(long, default_value_t = 0)]
    fail_first: u64,
    /// Numbers (84…) without a Zalo account: refused with -118 (repeatable).
    #[arg(long)]
    no_zalo: Vec<String>,
    /// Where delivery events go (the OA webhook).
    #[arg(long)]
    webhook: Option<String>,
    /// The OA secret key events are signed with.
    #[arg(long, default_value = "fake-oa-secret")]
    oa_secret: String,
    #[arg(long, default_value_t = 300)]
    report_delay_ms: u64,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Stats {
    pub sends: u64,
    pub refreshes: u64,
    pub token_rejections: u64,
}

struct Inner {
    access: String,
    refresh: String,
    uses: u64,
    by_tracking: HashMap<String, String>,
    accepted: Vec<TemplateMessage>,
    stats: Stats,
}

/// The server's state.
pub struct FakeZns {
    args: Args,
    inner: Mutex<Inner>,
    client: reqwest::Client,
}

impl FakeZns {
    pub fn new(args: Args) -> Arc<FakeZns> {
        let inner = Inner {
            access: args.access_token.clone(),
            refresh: args.refresh_token.clone(),
            uses: 0,
            by_tracking: HashMap::new(),
            accepted: Vec::new(),
            stats: Stats::default(),
        };
        Arc::new(FakeZns { args, inner: Mutex::new(inner), client: reqwest::Client::new() })
    }

    pub fn router(self: &Arc<FakeZns>) -> Router {
        Router::new()
            .route("/message/template", post(send))
            .route("/v4/oa/access_token", post(refresh))
            .route("/messages", get(list))
            .route("/stats", get(stats))
            .with_state(self.clone())
    }
}

fn refused(error: i64, message: &str) -> (StatusCode, Json<ZaloAnswer>) {
    (StatusCode::OK, Json(ZaloAnswer { error, message: message.into(), data: None }))
}

async fn send(
    State(g): State<Arc<FakeZns>>,
    headers: HeaderMap,
    Json(m): Json<TemplateMessage>,
) -> (StatusCode, Json<ZaloAnswer>) {
    let token = headers.get("access_token").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let (msg_id, fresh) = {
        let mut s = g.inner.lock().expect("fake zns lock");
        s.stats.sends += 1;
        if s.stats.sends <= g.args.fail_first {
            return (StatusCode::SERVICE_UNAVAILABLE, Json(ZaloAnswer { error: -1, ..Default::default() }));
        }
        let expired = g.args.token_lifetime > 0 && s.uses >= g.args.token_lifetime;
        if token != s.access || expired {
            s.stats.token_rejections += 1;
            return refused(-124, "Access token is invalid");
        }
        s.uses += 1;
        if g.args.no_zalo.contains(&m.phone) {
            return refused(-118, "Zalo account not existed");
        }
        if !m.phone.starts_with("84") || m.template_id.is_empty() || m.tracking_id.is_empty() {
            return refused(-108, "Phone number is invalid");
        }
        match s.by_tracking.get(&m.tracking_id) {
            Some(id) => (id.clone(), false),
            None => {
                let id = format!("zns{:010}", s.accepted.len() + 1);
                s.by_tracking.insert(m.tracking_id.clone(), id.clone());
                (id, true)
            }
        }
    };
    if fresh {
        if let Some(url) = g.args.webhook.clone() {
            let (g2, id, tracking) = (g.clone(), msg_id.clone(), m.tracking_id.clone());
            tokio::spawn(async move { report(&g2, &url, id, tracking).await });
        }
        g.inner.lock().expect("fake zns lock").accepted.push(m);
    }
    let data = SentData { msg_id, sent_time: Some("1700000000000".into()) };
    (StatusCode::OK, Json(ZaloAnswer { error: 0, message: "Success".into(), data: Some(data) }))
}

async fn report(g: &FakeZns, url: &str, msg_id: String, tracking_id: String) {
    tokio::time::sleep(Duration::from_millis(g.args.report_delay_ms)).await;
    let ev = ZaloEvent {
        event_name: "user_received_message".into(),
        app_id: Some(g.args.app_id.clone()),
        timestamp: Some("1700000000999".into()),
        message: Some(ZaloEventMessage { msg_id, tracking_id: Some(tracking_id), delivery_time: None }),
    };
    let body = serde_json::to_string(&ev).expect("an event serializes");
    let sig = signature(&g.args.app_id, &body, "1700000000999", &g.args.oa_secret);
    let sent = g
        .client
        .post(url)
        .header("content-type", "application/json")
        .header("X-ZEvent-Signature", sig)
        .body(body)
        .send()
        .await;
    if let Err(e) = sent {
        tracing::warn!(error = %e, "fake zns: delivery event not posted");
    }
}

#[derive(Debug, Deserialize)]
struct RefreshForm {
    refresh_token: String,
    app_id: String,
    grant_type: String,
}

async fn refresh(
    State(g): State<Arc<FakeZns>>,
    headers: HeaderMap,
    Form(f): Form<RefreshForm>,
) -> (StatusCode, Json<TokenAnswer>) {
    let bad = |error: i64, d: &str| {
        let a = TokenAnswer {
            access_token: None,
            refresh_token: None,
            expires_in: None,
            error: Some(error),
            error_description: Some(d.into()),
        };
        (StatusCode::OK, Json(a))
    };
    let secret = headers.get("secret_key").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if secret != g.args.secret_key || f.app_id != g.args.app_id || f.grant_type != "refresh_token" {
        return bad(-14003, "Invalid secret key, app id or grant type");
    }
    let mut s = g.inner.lock().expect("fake zns lock");
    if f.refresh_token != s.refresh {
        return bad(-14014, "Invalid refresh token");
    }
    s.stats.refreshes += 1;
    let n = s.stats.refreshes;
    s.access = format!("token-{n}");
    s.refresh = format!("refresh-{n}");
    s.uses = 0;
    let a = TokenAnswer {
        access_token: Some(s.access.clone()),
        refresh_token: Some(s.refresh.clone()),
        expires_in: Some("90000".into()),
        error: None,
        error_description: None,
    };
    (StatusCode::OK, Json(a))
}

async fn list(State(g): State<Arc<FakeZns>>) -> Json<Vec<TemplateMessage>> {
    let s = g.inner.lock().expect("fake zns lock");
    Json(
        s.accepted
            .iter()
            .map(|m| TemplateMessage {
                phone: m.phone.clone(),
                template_id: m.template_id.clone(),
                template_data: m.template_data.clone(),
                tracking_id: m.tracking_id.clone(),
            })
            .collect(),
    )
}

async fn stats(State(g): State<Arc<FakeZns>>) -> Json<Stats> {
    Json(g.inner.lock().expect("fake zns lock").stats.clone())
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let listen = args.listen.clone();
    let fake = FakeZns::new(args);
    let listener = tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("binding {listen}"))?;
    println!("Zalo ZNS giả lập / fake Zalo ZNS at http://{}/message/template", listener.local_addr()?);
    axum::serve(listener, fake.router()).with_graceful_shutdown(super::serve::shutdown_signal()).await?;
    Ok(())
}

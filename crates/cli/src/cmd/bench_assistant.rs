//! `motcua bench --assistant`: the Zalo assistant's answers per second and latency (figures
//! only, never a timed test). First the pure assistant (intent, procedure match, answer text)
//! over the corpus questions on one core; then, per database, signed webhook events POSTed over
//! HTTP at `--assistant-concurrency` to a server whose reply worker sends every answer to an
//! in-process `fake-zalo` (each event: signature check, matching, message and reply written in
//! one durable transaction; then the send).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use motcua_domain::assistant::{Intent, Matcher, answer, detect};
use motcua_domain::catalog::seed_procedures;
use motcua_domain::clock::Clock;
use motcua_storage::scratch;
use serde::Deserialize;

use super::fake_zalo::FakeZalo;
use crate::clock::SystemClock;
use crate::setup;

#[derive(clap::Args)]
pub struct AssistantArgs {
    /// Run only the assistant benchmark.
    #[arg(long)]
    pub assistant: bool,
    /// Webhook events per database.
    #[arg(long, default_value_t = 5_000)]
    pub assistant_events: usize,
    #[arg(long, default_value_t = 16)]
    pub assistant_concurrency: usize,
}

#[derive(Deserialize)]
struct Question {
    q: String,
}

#[derive(Deserialize)]
struct Corpus {
    questions: Vec<Question>,
}

fn questions() -> Vec<String> {
    let c: Corpus = serde_json::from_str(include_str!("../../../../data/assistant/corpus.json"))
        .expect("data/assistant/corpus.json is checked by the assistant tests");
    c.questions.into_iter().map(|q| q.q).collect()
}

fn p(sorted: &[Duration], q: f64) -> Duration {
    sorted.get(((sorted.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied().unwrap_or_default()
}

pub async fn run(postgres: &str, args: &AssistantArgs) -> anyhow::Result<()> {
    pure();
    let dir = std::env::temp_dir().join(format!("motcua-bench-assistant-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = webhook(&format!("sqlite://{}", dir.join("bench.db").display()), args, "SQLite").await;
    std::fs::remove_dir_all(&dir).ok();
    result?;
    if !postgres.is_empty() {
        let url = scratch::fresh_postgres(postgres, "motcua_bench").await.context("creating a scratch database")?;
        let result = webhook(&url, args, "PostgreSQL").await;
        scratch::drop_postgres(postgres, &url).await;
        result?;
    }
    Ok(())
}

/// The assistant alone: what the webhook computes before it writes.
fn pure() {
    let catalog = seed_procedures();
    let m = Matcher::new(&catalog);
    let qs = questions();
    let rounds = 200;
    let mut lat = Vec::with_capacity(qs.len() * rounds);
    let started = Instant::now();
    let mut answered = 0usize;
    for _ in 0..rounds {
        for q in &qs {
            let t = Instant::now();
            if let Intent::Question(q) = detect(q)
                && let Some(hit) = m.best(&q)
                && let Some(p) = catalog.iter().find(|p| p.code == hit.code)
            {
                answered += answer::procedure(p, "https://motcua.example").len().min(1);
            }
            lat.push(t.elapsed());
        }
    }
    let secs = started.elapsed().as_secs_f64();
    lat.sort();
    println!(
        "Assistant (pure, 1 core): {} questions in {secs:.2} s: {:.0} answers/s, p50 {:?}, p95 {:?} ({answered} matched)",
        lat.len(),
        lat.len() as f64 / secs,
        p(&lat, 0.5),
        p(&lat, 0.95)
    );
}

async fn webhook(url: &str, args: &AssistantArgs, label: &str) -> anyhow::Result<()> {
    let db = setup::open(url).await?;
    setup::load_reference_data(&db).await?;
    let (app_id, secret) = ("4318000000000000001", "bench-oa-secret");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let fake = FakeZalo::new(&FakeZalo::args(&format!("http://{addr}/api/v1/zalo/webhook"), app_id, secret));
    let zl = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let zalo_url = format!("http://{}", zl.local_addr()?);
    let zalo_server = tokio::spawn(axum::serve(zl, fake.router()).into_future());
    let mut cfg = motcua_web::assistant::ZaloConfig::new(app_id, secret, "28777", &zalo_url);
    cfg.app_secret = "app-secret".into();
    cfg.access_token = "access-1".into();
    cfg.refresh_token = "refresh-1".into();
    cfg.idle = Duration::from_millis(5);
    cfg.batch = 64;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let worker =
        motcua_web::assistant::worker::spawn(db.clone(), clock.clone(), cfg.clone()).map_err(anyhow::Error::msg)?;
    let state = motcua_web::AppState::new(db.clone(), clock.clone()).with_assistant(cfg);
    let server = tokio::spawn(motcua_web::serve(listener, state, std::future::pending()));
    let qs = Arc::new(questions());
    let client = reqwest::Client::new();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..args.assistant_concurrency.max(1) {
        let (client, fake, qs, next, n) =
            (client.clone(), fake.clone(), qs.clone(), next.clone(), args.assistant_events);
        let url = format!("http://{addr}/api/v1/zalo/webhook");
        let clock = clock.clone();
        tasks.spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if i >= n {
                    return Ok::<_, anyhow::Error>(lat);
                }
                let (body, sig) = fake.event(
                    &format!("user-{}", i % 997),
                    &qs[i % qs.len()],
                    &format!("bench-{i}"),
                    clock.now().timestamp_millis(),
                );
                let t = Instant::now();
                let r = client.post(&url).header("X-ZEvent-Signature", sig).body(body).send().await?;
                anyhow::ensure!(r.status().is_success(), "webhook answered {}", r.status());
                r.bytes().await?;
                lat.push(t.elapsed());
            }
        });
    }
    let mut lat = Vec::new();
    while let Some(r) = tasks.join_next().await {
        lat.extend(r??);
    }
    let answered_secs = started.elapsed().as_secs_f64();
    lat.sort();
    // Every event gets one reply (an answer, or the holding message of a citizen's first waiting question).
    let expected_min = args.assistant_events / 2;
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut last = usize::MAX;
    while fake.sent() != last || fake.sent() < expected_min {
        last = fake.sent();
        anyhow::ensure!(Instant::now() < deadline, "replies were not drained within 10 minutes");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let drained_secs = started.elapsed().as_secs_f64();
    worker.abort();
    server.abort();
    zalo_server.abort();
    println!(
        "  {label:<10} {} signed events over HTTP (concurrency {}): {:.0} answers/s, p50 {:?}, p95 {:?}; \
         {} replies sent to the fake Zalo OA in {drained_secs:.2} s",
        lat.len(),
        args.assistant_concurrency,
        lat.len() as f64 / answered_secs,
        p(&lat, 0.5),
        p(&lat, 0.95),
        fake.sent()
    );
    db.close().await;
    Ok(())
}

//! `motcua bench --notify`: notification throughput (figures only, never a timed test), per
//! database: a backlog of `--notify-messages` queued SMS notices is drained by the sending
//! worker through the outbox (claim under a lease, render the Vietnamese template, POST to an
//! in-process `fake-sms` gateway over real HTTP, record the outcome). Prints messages/s.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use motcua_domain::notify::{Notice, NoticeKind};
use motcua_storage::{Db, scratch};

use super::fake_sms::FakeSms;
use crate::clock::SystemClock;

#[derive(clap::Args)]
pub struct NotifyArgs {
    /// Run only the notification benchmark.
    #[arg(long)]
    pub notify: bool,
    /// Queued notices to drain per database.
    #[arg(long, default_value_t = 20_000)]
    pub notify_messages: usize,
    /// Sends kept in flight by the worker.
    #[arg(long, default_value_t = 128)]
    pub notify_window: u32,
}

pub async fn run(postgres: &str, args: &NotifyArgs) -> anyhow::Result<()> {
    println!("Notifications: {} queued SMS notices drained to a fake gateway over HTTP", args.notify_messages);
    let dir = std::env::temp_dir().join(format!("motcua-bench-notify-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = drain(&format!("sqlite://{}", dir.join("bench.db").display()), args, "SQLite").await;
    std::fs::remove_dir_all(&dir).ok();
    result?;
    if !postgres.is_empty() {
        let url = scratch::fresh_postgres(postgres, "motcua_bench").await.context("creating a scratch database")?;
        let result = drain(&url, args, "PostgreSQL").await;
        scratch::drop_postgres(postgres, &url).await;
        result?;
    }
    Ok(())
}

/// Queues `n` notices in batched inserts (as a burst of received dossiers would).
async fn fill(db: &Db, n: usize) -> anyhow::Result<()> {
    let mut params = BTreeMap::new();
    params.insert("name".to_string(), "Nguyễn Văn An".to_string());
    params.insert("due".to_string(), "16:30 03/12/2026".to_string());
    for start in (0..n).step_by(500) {
        let mut values = Vec::new();
        for i in start..(start + 500).min(n) {
            let code = format!("000.00.12.H62-261127-{i:06}");
            let mut p = params.clone();
            p.insert("code".to_string(), code.clone());
            let notice = serde_json::to_string(&Notice { kind: NoticeKind::Received, params: p })?.replace('\'', "''");
            values.push(format!(
                "('{code}', 2, 'sms', '8491{:07}', '{notice}', '{code}:2:sms', 'queued', 0, 0, 0, 0)",
                i % 10_000_000
            ));
        }
        let sql = format!(
            "INSERT INTO notify_outbox (dossier_code, seq, channel, recipient, notice, idempotency_key, status,
               attempts, next_at, created_at, updated_at) VALUES {}",
            values.join(", ")
        );
        sqlx::query(&sql).execute(db.pool()).await?;
    }
    Ok(())
}

async fn count_sent(db: &Db) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM notify_outbox WHERE status <> 'queued'").fetch_one(db.pool()).await?)
}

async fn drain(url: &str, args: &NotifyArgs, label: &str) -> anyhow::Result<()> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    fill(&db, args.notify_messages).await?;
    let fake = FakeSms::new(0, Vec::new(), None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(axum::serve(listener, fake.router()).into_future());
    let mut cfg = motcua_web::notify::NotifyConfig::new("http://127.0.0.1:8080".into());
    cfg.sms = Some(motcua_web::notify::sms::SmsConfig {
        url: format!("http://{addr}"),
        token: None,
        brandname: "MOTCUA".into(),
        ascii_only: true,
        callback_url: None,
    });
    cfg.batch = args.notify_window;
    cfg.idle = Duration::from_millis(5);
    let started = Instant::now();
    let worker = motcua_web::notify::spawn(db.clone(), Arc::new(SystemClock), cfg).map_err(anyhow::Error::msg)?;
    let target = i64::try_from(args.notify_messages)?;
    let deadline = started + Duration::from_secs(600);
    while count_sent(&db).await? < target {
        anyhow::ensure!(Instant::now() < deadline, "the backlog was not drained within 10 minutes");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    worker.abort();
    server.abort();
    let accepted: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM notify_outbox WHERE status = 'accepted'").fetch_one(db.pool()).await?;
    anyhow::ensure!(accepted == target && fake.accepted() == args.notify_messages, "some notices were not accepted");
    println!(
        "  {label:<10} {} notices in {secs:.2} s: {:.0} messages/s (window {})",
        args.notify_messages,
        args.notify_messages as f64 / secs,
        args.notify_window
    );
    db.close().await;
    Ok(())
}

//! `motcua bench`: durable submissions per second through the HTTP API at concurrency 64, next to
//! the raw insert rate of the same database with the same durability, and due-date computations
//! per second. Figures only; nothing here is a timed test.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{Duration, TimeZone, Utc};
use motcua_domain::calendar::{CalendarData, WorkCalendar};
use motcua_domain::catalog::seed_procedures;
use motcua_storage::{Backend, scratch};
use serde_json::json;

use crate::{cmd, setup};

#[derive(clap::Args)]
pub struct Args {
    /// Submissions per database.
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// An administrative PostgreSQL URL; a scratch database is created next to it. Empty: skip PostgreSQL.
    #[arg(long, env = "MOTCUA_BENCH_POSTGRES", default_value = "postgres://postgres@127.0.0.1:5432/test")]
    postgres: String,
    /// Due-date computations to time.
    #[arg(long, default_value_t = 1_000_000)]
    due_dates: usize,
    #[command(flatten)]
    sync: super::bench_sync::SyncArgs,
    #[command(flatten)]
    pages: super::bench_pages::PagesArgs,
    #[command(flatten)]
    index: super::bench_index::IndexArgs,
    #[command(flatten)]
    notify: super::bench_notify::NotifyArgs,
    #[command(flatten)]
    assistant: super::bench_assistant::AssistantArgs,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    if args.assistant.assistant {
        return super::bench_assistant::run(&args.postgres, &args.assistant).await;
    }
    if args.notify.notify {
        return super::bench_notify::run(&args.postgres, &args.notify).await;
    }
    if args.index.index {
        return super::bench_index::run(&args.index);
    }
    if args.pages.pages {
        return super::bench_pages::run(&args.postgres, &args.pages).await;
    }
    if args.sync.sync_only {
        return sync(&args).await;
    }
    println!("Motcua benchmark — {} submissions per database, concurrency {}", args.requests, args.concurrency);
    let dir = std::env::temp_dir().join(format!("motcua-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let sqlite = format!("sqlite://{}", dir.join("bench.db").display());
    submissions(&sqlite, &args, "SQLite (WAL, synchronous=FULL: fsync on every commit)").await?;
    std::fs::remove_dir_all(&dir).ok();
    if !args.postgres.is_empty() {
        let url =
            scratch::fresh_postgres(&args.postgres, "motcua_bench").await.context("creating a scratch database")?;
        let result = submissions(&url, &args, "PostgreSQL (fsync=on, synchronous_commit=on)").await;
        scratch::drop_postgres(&args.postgres, &url).await;
        result?;
    }
    due_dates(args.due_dates);
    sync(&args).await
}

/// The sync benchmarks on a fresh SQLite database and a fresh PostgreSQL one.
async fn sync(args: &Args) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("motcua-bench-sync-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let sqlite = format!("sqlite://{}", dir.join("bench.db").display());
    let result = super::bench_sync::run(&sqlite, &args.sync, "SQLite").await;
    std::fs::remove_dir_all(&dir).ok();
    result?;
    if !args.postgres.is_empty() {
        let url =
            scratch::fresh_postgres(&args.postgres, "motcua_bench").await.context("creating a scratch database")?;
        let result = super::bench_sync::run(&url, &args.sync, "PostgreSQL").await;
        scratch::drop_postgres(&args.postgres, &url).await;
        result?;
    }
    Ok(())
}

async fn submissions(url: &str, args: &Args, label: &str) -> anyhow::Result<()> {
    let db = setup::open(url).await?;
    setup::load_reference_data(&db).await?;
    let raw = db.raw_insert_rate(args.requests.min(20_000), args.concurrency).await?;
    let single = db.raw_single_transaction_rate(args.requests.min(5_000), args.concurrency).await?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let server_db = db.clone();
    let server = tokio::spawn(async move {
        cmd::serve::serve_db(server_db, "127.0.0.1:0", move |addr| {
            let _ = tx.send(addr);
        })
        .await
    });
    let addr = rx.await.context("server did not start")?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(args.concurrency).build()?;
    let url = Arc::new(format!("http://{addr}/api/v1/dossiers"));
    let per_task = args.requests / args.concurrency;
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..args.concurrency {
        let (client, url) = (client.clone(), url.clone());
        tasks.spawn(async move {
            for i in 0..per_task {
                let body = json!({
                    "procedure": "1.001193",
                    "unit": "28777",
                    "channel": "online",
                    "applicant": {"name": "Nguyễn Văn An", "id_number": "086090001234", "phone": "0912345678"},
                    "components": [{"code": "TK01", "digitized": true}, {"code": "GT02", "digitized": true}],
                });
                let r = client.post(url.as_str()).json(&body).send().await?;
                anyhow::ensure!(r.status() == 201, "task {t} request {i}: HTTP {}", r.status());
            }
            Ok(())
        });
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    let secs = start.elapsed().as_secs_f64();
    let done = per_task * args.concurrency;
    let rate = done as f64 / secs;
    println!("\n{label}");
    println!("  durable submissions through HTTP: {rate:>9.0} /s  ({done} in {secs:.1} s)");
    println!(
        "  raw one-row inserts, same durable write path: {raw:>9.0} /s  → submissions at {:.0} % of it",
        rate / raw * 100.0
    );
    println!(
        "  raw one-row inserts, one fsynced transaction each: {single:>9.0} /s  → submissions at {:.0} % of it",
        rate / single * 100.0
    );
    server.abort();
    if db.backend() == Backend::Sqlite {
        db.close().await;
    }
    Ok(())
}

fn due_dates(n: usize) {
    let data = CalendarData::vietnam();
    let cal = WorkCalendar::new(&data, data.latest_version(), Default::default());
    let procedures = seed_procedures();
    let base = Utc.with_ymd_and_hms(2026, 1, 5, 1, 0, 0).single().expect("valid instant");
    let start = Instant::now();
    let mut checksum = 0i64;
    for i in 0..n {
        let p = &procedures[i % procedures.len()];
        let received = base + Duration::minutes((i as i64 * 37) % (365 * 24 * 60));
        checksum ^= cal.due(received, &p.statutory_time).timestamp();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "\nDue-date computations: {:>9.0} /s  ({n} over a year of receipt instants and {} procedures; checksum {checksum})",
        n as f64 / secs,
        procedures.len()
    );
}

//! The sync benchmarks of `motcua bench` (figures only, never a timed test), per database:
//! - a 1-hour outage backlog (`--sync-outage-rate` changes/s × 3,600) made through the HTTP API
//!   while no worker runs, then drained to a healthy fake portal over real HTTP: the drain rate
//!   and the time to drain it;
//! - lag under a steady submission load (`--sync-steady-rate` /s for `--sync-steady-secs`) with
//!   the worker running: p50/p99/max of (acknowledged − written) per change.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use motcua_domain::ports::SyncStore;
use motcua_storage::{Backend, Db};
use serde_json::json;

use crate::clock::SystemClock;
use crate::{cmd, setup};

#[derive(clap::Args)]
pub struct SyncArgs {
    /// Run only the sync benchmarks.
    #[arg(long)]
    pub sync_only: bool,
    /// Changes per second while the portal is down for an hour: the backlog drained is 3,600× this.
    /// 0 skips the sync benchmarks.
    #[arg(long, default_value_t = 5.0)]
    pub sync_outage_rate: f64,
    /// Submissions per second of the steady load for the lag measurement.
    #[arg(long, default_value_t = 50.0)]
    pub sync_steady_rate: f64,
    /// Seconds of steady load.
    #[arg(long, default_value_t = 20)]
    pub sync_steady_secs: u64,
}

fn submission() -> serde_json::Value {
    json!({
        "procedure": "1.001193",
        "unit": "28777",
        "channel": "online",
        "applicant": {"name": "Nguyễn Văn An", "id_number": "086090001234", "phone": "0912345678"},
        "components": [{"code": "TK01", "digitized": true}, {"code": "GT02", "digitized": true}],
    })
}

async fn submit(client: &reqwest::Client, url: &str) -> anyhow::Result<()> {
    let r = client.post(url).json(&submission()).send().await?;
    anyhow::ensure!(r.status() == 201, "submission: HTTP {}", r.status());
    Ok(())
}

/// Makes `n` submissions at concurrency 32.
async fn fill(client: &reqwest::Client, url: &Arc<String>, n: usize) -> anyhow::Result<()> {
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..32 {
        let (client, url) = (client.clone(), url.clone());
        let share = n / 32 + usize::from(t < n % 32);
        tasks.spawn(async move {
            for _ in 0..share {
                submit(&client, &url).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    Ok(())
}

/// Waits until nothing is pending or retrying.
async fn drained(db: &Db) -> anyhow::Result<()> {
    loop {
        let s = db.sync_status().await?;
        if s.iter().all(|c| c.pending == 0 && c.retrying == 0) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub async fn run(url: &str, args: &SyncArgs, label: &str) -> anyhow::Result<()> {
    if args.sync_outage_rate <= 0.0 {
        return Ok(());
    }
    let db = setup::open(url).await?;
    setup::load_reference_data(&db).await?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let server_db = db.clone();
    let server = tokio::spawn(async move {
        cmd::serve::serve_db(server_db, "127.0.0.1:0", move |addr| {
            let _ = tx.send(addr);
        })
        .await
    });
    let addr = rx.await.context("server did not start")?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build()?;
    let submit_url = Arc::new(format!("http://{addr}/api/v1/dossiers"));
    let backlog = (args.sync_outage_rate * 3600.0).round() as usize;
    let start = Instant::now();
    fill(&client, &submit_url, backlog).await?;
    let made = start.elapsed().as_secs_f64();
    let (portal, portal_task) = cmd::fake_portal::spawn(cmd::fake_portal::Args::healthy("127.0.0.1:0")).await?;
    let mut cfg = motcua_web::sync::SyncConfig::new(format!("http://{portal}/dossiers"), None);
    cfg.idle = Duration::from_millis(20);
    let start = Instant::now();
    let worker = motcua_web::sync::spawn(db.clone(), Arc::new(SystemClock), cfg);
    drained(&db).await?;
    let secs = start.elapsed().as_secs_f64();
    println!("\n{label}: sync to a healthy fake national portal over HTTP");
    println!(
        "  1-hour outage backlog ({backlog} changes at {}/s, made in {made:.1} s) drained in {secs:.1} s: {:>7.0} records/s",
        args.sync_outage_rate,
        backlog as f64 / secs
    );
    let first_id = db.outbox_high_water().await?;
    let total = (args.sync_steady_rate * args.sync_steady_secs as f64).round() as usize;
    let gap = Duration::from_secs_f64(1.0 / args.sync_steady_rate.max(0.001));
    let mut ticks = tokio::time::interval(gap);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..total {
        ticks.tick().await;
        let (client, url) = (client.clone(), submit_url.clone());
        tasks.spawn(async move { submit(&client, &url).await });
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    drained(&db).await?;
    let mut lags = db.delivery_lags_ms(first_id).await?;
    lags.sort_unstable();
    let pct = |p: f64| lags.get(((lags.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0);
    println!(
        "  lag under a steady {}/s submission load for {} s ({} changes): p50 {} ms, p99 {} ms, max {} ms",
        args.sync_steady_rate,
        args.sync_steady_secs,
        lags.len(),
        pct(0.5),
        pct(0.99),
        lags.last().copied().unwrap_or(0)
    );
    worker.abort();
    portal_task.abort();
    server.abort();
    if db.backend() == Backend::Sqlite {
        db.close().await;
    }
    Ok(())
}

//! `motcua bench-load`: `--servers` app server processes (`motcua serve`, this binary) on ONE
//! fresh PostgreSQL database, driven over HTTP by a client with bounded concurrency and the
//! national mix of requests (per 100: 10 submissions, 60 citizen lookups, 25 officer actions,
//! 5 index or ranking reads). Reports throughput, p50/p95/p99 and errors per kind, and how much
//! the database grew per dossier (bytes and rows). Figures only; the basis of SCALING.md.

use std::collections::VecDeque;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use motcua_domain::ports::StaffStore;
use motcua_domain::staff::Role;
use motcua_domain::unit::UnitCode;
use motcua_storage::scratch;
use serde_json::{Value, json};

use crate::setup;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// PostgreSQL server (a scratch database is created on it and dropped after).
    #[arg(long, env = "MOTCUA_TEST_POSTGRES", default_value = "postgres://postgres@127.0.0.1:5432/test")]
    postgres: String,
    /// App server processes; repeat (`--servers 1 --servers 2`) for one run per count.
    #[arg(long, default_values_t = vec![1])]
    servers: Vec<usize>,
    /// Seconds of traffic per run.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
}

const COMMUNE: &str = "28777";
const PROVINCE: &str = "86";
const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const KINDS: [&str; 4] = ["submission", "lookup", "officer action", "index/ranking"];
/// Officer steps in order, with the role that takes them and the body.
const STEPS: [(&str, usize); 5] =
    [("receive", 0), ("start_processing", 1), ("forward_for_approval", 1), ("decide", 2), ("return_result", 0)];

struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// What the workers share: the servers, staff tokens, dossiers to look up and to act on.
struct Shared {
    client: reqwest::Client,
    bases: Vec<String>,
    /// intake, specialist, leader, province monitor.
    tokens: Vec<String>,
    lookups: Mutex<Vec<(String, String)>>,
    work: Mutex<VecDeque<(String, usize)>>,
    /// The first few failures, to show what they were.
    errors: Mutex<Vec<String>>,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    println!(
        "Motcua load benchmark — {} s per run, {} in flight, mix per 100: 10 submit, 60 lookup, 25 officer, 5 index",
        args.seconds, args.concurrency
    );
    for &n in &args.servers {
        let url = scratch::fresh_postgres(&args.postgres, "motcua_bench_load").await.context("scratch database")?;
        let result = one(&url, n, &args).await;
        scratch::drop_postgres(&args.postgres, &url).await;
        result?;
    }
    Ok(())
}

async fn one(url: &str, n: usize, args: &Args) -> anyhow::Result<()> {
    let db = setup::open(url).await?;
    setup::load_reference_data(&db).await?;
    let password = "mat-khau-bench-load";
    let hash = motcua_web::auth::hash_password(password);
    let staff = [
        ("load.intake", Role::IntakeOfficer, COMMUNE),
        ("load.specialist", Role::Specialist, COMMUNE),
        ("load.leader", Role::Leader, COMMUNE),
        ("load.monitor", Role::ProvinceMonitor, PROVINCE),
    ];
    for (user, role, unit) in staff {
        db.create_staff(user, "Cán bộ đo tải", role, &UnitCode::parse(unit)?, &hash).await?;
    }
    let exe = std::env::current_exe()?;
    let mut children = Servers(Vec::new());
    let mut bases = Vec::new();
    for i in 0..n {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log = std::fs::File::create(std::env::temp_dir().join(format!("motcua-bench-load-{n}-{i}.log")))?;
        let child = Command::new(&exe)
            .args(["serve", "--database", url, "--listen", &format!("127.0.0.1:{port}")])
            .env("MOTCUA_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()?;
        children.0.push(child);
        bases.push(format!("http://127.0.0.1:{port}"));
    }
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    for base in &bases {
        let started = Instant::now();
        while client.get(format!("{base}/livez")).send().await.map(|r| r.status() != 200).unwrap_or(true) {
            anyhow::ensure!(started.elapsed() < Duration::from_secs(30), "server {base} did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let mut tokens = Vec::new();
    for (user, _, _) in staff {
        let r = client
            .post(format!("{}/api/v1/auth/login", bases[0]))
            .json(&json!({"username": user, "password": password}))
            .send()
            .await?
            .json::<Value>()
            .await?;
        tokens.push(r["token"].as_str().context("login token")?.to_string());
    }
    let shared = Arc::new(Shared {
        client,
        bases,
        tokens,
        lookups: Mutex::new(Vec::new()),
        work: Mutex::new(VecDeque::new()),
        errors: Mutex::new(Vec::new()),
    });
    for i in 0..40 {
        let (code, secret) = submit(&shared, i).await?;
        shared.lookups.lock().unwrap().push((code.clone(), secret));
        shared.work.lock().unwrap().push_back((code, 0));
    }
    let (size0, dossiers0, rows0) = size(&db).await?;

    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let start = Instant::now();
    let mut workers = Vec::new();
    for w in 0..args.concurrency {
        let shared = shared.clone();
        workers.push(tokio::spawn(async move {
            let mut seen: Vec<(usize, Duration, bool)> = Vec::new();
            let mut i = w * 37;
            while Instant::now() < deadline {
                let kind = match i % 100 {
                    0..10 => 0,
                    10..70 => 1,
                    70..95 => 2,
                    _ => 3,
                };
                // No dossier waiting for an officer (all in flight): submit one instead.
                let kind = if kind == 2 && shared.work.lock().unwrap().is_empty() { 0 } else { kind };
                let t = Instant::now();
                let outcome = request(&shared, kind, i).await;
                seen.push((kind, t.elapsed(), outcome.is_ok()));
                if let Err(e) = outcome {
                    let mut samples = shared.errors.lock().unwrap();
                    if samples.len() < 5 {
                        samples.push(format!("{}: {e:#}", KINDS[kind]));
                    }
                }
                i += 1;
            }
            seen
        }));
    }
    let mut seen = Vec::new();
    for w in workers {
        seen.extend(w.await?);
    }
    let secs = start.elapsed().as_secs_f64();
    drop(children);
    let (size1, dossiers1, rows1) = size(&db).await?;
    println!(
        "\n{n} app server(s): {} requests in {secs:.1} s = {:.0} per second",
        seen.len(),
        seen.len() as f64 / secs
    );
    for (k, name) in KINDS.iter().enumerate() {
        let mut t: Vec<Duration> = seen.iter().filter(|s| s.0 == k).map(|s| s.1).collect();
        let errors = seen.iter().filter(|s| s.0 == k && !s.2).count();
        t.sort();
        if t.is_empty() {
            continue;
        }
        let at = |q: f64| t[((t.len() as f64 * q).ceil() as usize).clamp(1, t.len()) - 1].as_secs_f64() * 1000.0;
        println!(
            "  {name:<15} {:>6} ({:>5.0}/s)  p50 {:>7.1} ms  p95 {:>7.1} ms  p99 {:>7.1} ms  errors {errors}",
            t.len(),
            t.len() as f64 / secs,
            at(0.50),
            at(0.95),
            at(0.99)
        );
    }
    for e in shared.errors.lock().unwrap().iter() {
        println!("  error: {e}");
    }
    let new = (dossiers1 - dossiers0).max(1);
    println!(
        "  PostgreSQL: {} new dossiers, {:.0} bytes and {:.1} rows per dossier (whole database, with its indexes)",
        dossiers1 - dossiers0,
        (size1 - size0) as f64 / new as f64,
        (rows1 - rows0) as f64 / new as f64
    );
    tables(&db).await?;
    db.close().await;
    Ok(())
}

/// Database bytes, dossiers, and rows in all tables (exact, after `ANALYZE`).
async fn size(db: &motcua_storage::Db) -> anyhow::Result<(i64, i64, i64)> {
    sqlx::query("ANALYZE").execute(db.pool()).await?;
    let bytes: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())").fetch_one(db.pool()).await?;
    let dossiers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dossiers").fetch_one(db.pool()).await?;
    let rows: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(n_live_tup), 0) AS BIGINT) FROM pg_stat_user_tables")
        .fetch_one(db.pool())
        .await?;
    Ok((bytes, dossiers, rows))
}

/// The largest tables: rows and bytes (with indexes and TOAST).
async fn tables(db: &motcua_storage::Db) -> anyhow::Result<()> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT CAST(relname AS TEXT), CAST(n_live_tup AS BIGINT), CAST(pg_total_relation_size(relid) AS BIGINT) \
         FROM pg_stat_user_tables WHERE n_live_tup > 0 ORDER BY pg_total_relation_size(relid) DESC LIMIT 8",
    )
    .fetch_all(db.pool())
    .await?;
    for (name, n, bytes) in rows {
        println!("    {name:<28} {n:>8} rows {:>9.1} KiB", bytes as f64 / 1024.0);
    }
    Ok(())
}

/// One request of `kind`; `Err` when it failed (transport error or an unexpected status).
async fn request(s: &Shared, kind: usize, i: usize) -> anyhow::Result<()> {
    let base = &s.bases[i % s.bases.len()];
    match kind {
        0 => {
            let (code, secret) = submit(s, i).await?;
            s.lookups.lock().unwrap().push((code.clone(), secret));
            s.work.lock().unwrap().push_back((code, 0));
        }
        1 => {
            let (code, secret) = {
                let l = s.lookups.lock().unwrap();
                l[(i * 7919) % l.len()].clone()
            };
            let r = s
                .client
                .post(format!("{base}/tra-cuu"))
                .header("cookie", format!("motcua_csrf={CSRF}"))
                .form(&[("csrf", CSRF), ("ma", code.as_str()), ("bi_mat", secret.as_str())])
                .send()
                .await?;
            anyhow::ensure!(r.status() == 303, "lookup form: HTTP {}", r.status());
            let proof = r
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok()?.split(';').next())
                .find(|kv| !kv.starts_with("motcua_csrf="))
                .unwrap_or_default()
                .to_string();
            let r = s
                .client
                .get(format!("{base}/tra-cuu/{code}"))
                .header("cookie", format!("motcua_csrf={CSRF}; {proof}"))
                .send()
                .await?;
            anyhow::ensure!(r.status() == 200, "lookup page: HTTP {}", r.status());
            r.bytes().await?;
        }
        2 => {
            let Some((code, step)) = s.work.lock().unwrap().pop_front() else { anyhow::bail!("nothing to act on") };
            let (command, who) = STEPS[step];
            let body = match command {
                "forward_for_approval" => json!({"summary": "Đủ điều kiện"}),
                "decide" => json!({"results": [{"name": "Giấy xác nhận", "electronic": true}]}),
                _ => json!({}),
            };
            let r = s
                .client
                .post(format!("{base}/api/v1/dossiers/{code}/{command}"))
                .bearer_auth(&s.tokens[who])
                .json(&body)
                .send()
                .await?;
            let status = r.status();
            let body = r.bytes().await?;
            if status == 200 && step + 1 < STEPS.len() {
                s.work.lock().unwrap().push_back((code, step + 1));
            }
            anyhow::ensure!(
                status == 200,
                "{command}: HTTP {status} {}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            );
        }
        _ => {
            let path = if i.is_multiple_of(2) {
                format!("/api/v1/index/units/{COMMUNE}")
            } else {
                format!("/api/v1/index/provinces/{PROVINCE}/ranking")
            };
            let r = s.client.get(format!("{base}{path}")).bearer_auth(&s.tokens[3]).send().await?;
            anyhow::ensure!(r.status() == 200, "{path}: HTTP {}", r.status());
            r.bytes().await?;
        }
    }
    Ok(())
}

async fn submit(s: &Shared, i: usize) -> anyhow::Result<(String, String)> {
    let body = json!({
        "procedure": "1.001193",
        "unit": COMMUNE,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "086090001234", "phone": "0912345678"},
        "components": [{"code": "TK01", "digitized": true}, {"code": "GT02", "digitized": true}],
    });
    let r = s.client.post(format!("{}/api/v1/dossiers", s.bases[i % s.bases.len()])).json(&body).send().await?;
    anyhow::ensure!(r.status() == 201, "submit: HTTP {}", r.status());
    let v: Value = r.json().await?;
    Ok((v["dossier"]["code"].as_str().context("code")?.into(), v["secret"].as_str().context("secret")?.into()))
}

//! `motcua bench --pages`: time per page (p50/p95, request to last byte over real HTTP on
//! loopback) of the intake officer's inbox, the staff dossier page and the citizen lookup with
//! `--page-dossiers` dossiers (1,000,000 by default) in the database, on SQLite and PostgreSQL.
//!
//! The bulk of the dossiers is written fast with multi-row inserts (a year of a province:
//! every commune of Vĩnh Long, 95% returned, the rest open), each with its submission event;
//! the dossiers whose pages are timed are submitted and received through the HTTP API, so their
//! event chains are real. Figures only; nothing here is a timed test.

use std::time::{Duration as StdDuration, Instant};

use anyhow::Context;
use chrono::{Duration, Utc};
use motcua_domain::dossier::{DossierCode, SecretHash, Status};
use motcua_domain::ports::{CatalogStore, DossierStore, StaffStore};
use motcua_domain::staff::Role;
use motcua_domain::unit::UnitCode;
use motcua_storage::{Db, scratch};
use serde_json::{Value, json};

use crate::{cmd, setup};

#[derive(clap::Args, Debug, Clone)]
pub struct PagesArgs {
    /// Time the inbox, dossier and lookup pages instead of the other benchmarks.
    #[arg(long)]
    pub pages: bool,
    /// Dossiers in the database while the pages are timed.
    #[arg(long, default_value_t = 1_000_000)]
    pub page_dossiers: usize,
    /// Timed requests per page.
    #[arg(long, default_value_t = 300)]
    pub page_requests: usize,
}

const COMMUNE: &str = "28777";
const PROVINCE: &str = "86";
/// Dossiers submitted (and half received) through the API; their pages are the ones timed.
const REAL: usize = 200;
const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

pub async fn run(postgres: &str, args: &PagesArgs) -> anyhow::Result<()> {
    println!("Motcua page benchmark — {} dossiers, {} requests per page", args.page_dossiers, args.page_requests);
    let dir = std::env::temp_dir().join(format!("motcua-bench-pages-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let sqlite = format!("sqlite://{}", dir.join("pages.db").display());
    let result = one(&sqlite, args, "SQLite").await;
    std::fs::remove_dir_all(&dir).ok();
    result?;
    if !postgres.is_empty() {
        let url =
            scratch::fresh_postgres(postgres, "motcua_bench_pages").await.context("creating a scratch database")?;
        let result = one(&url, args, "PostgreSQL").await;
        scratch::drop_postgres(postgres, &url).await;
        result?;
    }
    Ok(())
}

async fn one(url: &str, args: &PagesArgs, label: &str) -> anyhow::Result<()> {
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
    let base = format!("http://{}", rx.await.context("server did not start")?);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let password = "mat-khau-bench-pages";
    let hash = motcua_web::auth::hash_password(password);
    db.create_staff("bench.intake", "Cán bộ một cửa", Role::IntakeOfficer, &UnitCode::parse(COMMUNE)?, &hash).await?;
    let login = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "bench.intake", "password": password}))
        .send()
        .await?
        .json::<Value>()
        .await?;
    let token = login["token"].as_str().context("login token")?.to_string();

    // One real dossier first: the template of the bulk rows.
    let (first, _) = submit(&client, &base).await?;
    let template = db.dossier(&DossierCode::parse(&first)?).await?.context("template dossier")?;
    let start = Instant::now();
    bulk(&db, &serde_json::to_value(&template)?, args.page_dossiers.saturating_sub(REAL + 1)).await?;
    let bulk_secs = start.elapsed().as_secs_f64();
    let mut real = Vec::with_capacity(REAL);
    for i in 0..REAL {
        let (code, secret) = submit(&client, &base).await?;
        if i % 2 == 0 {
            let r = client
                .post(format!("{base}/api/v1/dossiers/{code}/receive"))
                .bearer_auth(&token)
                .json(&json!({}))
                .send()
                .await?;
            anyhow::ensure!(r.status() == 200, "receive {code}: HTTP {}", r.status());
        }
        real.push((code, secret));
    }
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dossiers").fetch_one(db.pool()).await?;
    println!("\n{label}: {total} dossiers ({} written in bulk in {bulk_secs:.0} s)", total - REAL as i64 - 1);
    let cookie = format!("motcua_session={token}; motcua_csrf={CSRF}");
    let n = args.page_requests;
    let inbox = time(n, |_| client.get(format!("{base}/can-bo")).header("cookie", &cookie).send()).await?;
    report("inbox (intake officer, /can-bo)", &inbox);
    let page = time(n, |i| {
        client.get(format!("{base}/can-bo/ho-so/{}", real[i % real.len()].0)).header("cookie", &cookie).send()
    })
    .await?;
    report("dossier page (/can-bo/ho-so/{code})", &page);
    let lookup = time(n, |i| {
        let (client, base) = (client.clone(), base.clone());
        let (code, secret) = real[i % real.len()].clone();
        async move {
            // The form answers 303 with the proof in a cookie; the result page is the next GET.
            let r = client
                .post(format!("{base}/tra-cuu"))
                .header("cookie", format!("motcua_csrf={CSRF}"))
                .form(&[("csrf", CSRF), ("ma", code.as_str()), ("bi_mat", secret.as_str())])
                .send()
                .await?;
            let proof = r
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .filter_map(|v| v.split(';').next())
                .find(|kv| !kv.starts_with("motcua_csrf="))
                .unwrap_or_default()
                .to_string();
            client
                .get(format!("{base}/tra-cuu/{code}"))
                .header("cookie", format!("motcua_csrf={CSRF}; {proof}"))
                .send()
                .await
        }
    })
    .await?;
    report("citizen lookup (POST /tra-cuu, then GET /tra-cuu/{code})", &lookup);
    server.abort();
    db.close().await;
    Ok(())
}

async fn submit(client: &reqwest::Client, base: &str) -> anyhow::Result<(String, String)> {
    let body = json!({
        "procedure": "1.001193",
        "unit": COMMUNE,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "086090001234", "phone": "0912345678"},
        "components": [{"code": "TK01", "digitized": true}, {"code": "GT02", "digitized": true}],
    });
    let r = client.post(format!("{base}/api/v1/dossiers")).json(&body).send().await?;
    anyhow::ensure!(r.status() == 201, "submit: HTTP {}", r.status());
    let v: Value = r.json().await?;
    Ok((v["dossier"]["code"].as_str().context("code")?.into(), v["secret"].as_str().context("secret")?.into()))
}

/// Sends `n` requests one after the other (after 20 to warm up); returns their times, sorted.
async fn time<F, Fut>(n: usize, send: F) -> anyhow::Result<Vec<StdDuration>>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>>,
{
    let mut times = Vec::with_capacity(n);
    for i in 0..n + 20 {
        let start = Instant::now();
        let r = send(i).await?;
        let status = r.status();
        let body = r.bytes().await?;
        anyhow::ensure!(status == 200, "HTTP {status}: {}", String::from_utf8_lossy(&body[..body.len().min(300)]));
        if i >= 20 {
            times.push(start.elapsed());
        }
    }
    times.sort();
    Ok(times)
}

fn report(what: &str, sorted: &[StdDuration]) {
    let at = |q: f64| sorted[((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1];
    let ms = |d: StdDuration| d.as_secs_f64() * 1000.0;
    println!("  {what:<48} p50 {:>7.2} ms   p95 {:>7.2} ms", ms(at(0.50)), ms(at(0.95)));
}

/// Writes `n` dossiers (each with its submission event) across the province's communes.
async fn bulk(db: &Db, template: &Value, n: usize) -> anyhow::Result<()> {
    let communes = db.units(Some(&UnitCode::parse(PROVINCE)?)).await?;
    anyhow::ensure!(!communes.is_empty(), "no communes in province {PROVINCE}");
    let secret = SecretHash::of("BENCH-SECRET");
    let year_ago = Utc::now() - Duration::days(400);
    let zeros = "0".repeat(64);
    const ROWS: usize = 400;
    let mut done = 0;
    while done < n {
        let chunk = (n - done).min(ROWS * 25);
        let mut tx = db.pool().begin().await?;
        let first_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM dossiers").fetch_one(&mut *tx).await?;
        let mut written = 0;
        while written < chunk {
            let rows = (chunk - written).min(ROWS);
            let mut sql = String::from(
                "INSERT INTO dossiers (code, procedure_code, receiving_unit, handling_unit, province, channel, status, \
                 submitted_at, received_at, due_at, ended_at, supplement_requests, secret_hash, version, last_hash, \
                 last_event_at, data) VALUES ",
            );
            let mut values: Vec<Row> = Vec::with_capacity(rows);
            for r in 0..rows {
                let i = done + written + r;
                let unit = &communes[i % communes.len()];
                let per_unit = i / communes.len();
                // About 20 dossiers a day per commune, over 400 days back.
                let day = year_ago + Duration::days((per_unit / 20) as i64 % 400);
                let code = DossierCode::new(
                    unit.agency.clone(),
                    day.date_naive(),
                    (per_unit % 20) as u32 + 1 + (per_unit / 8000) as u32 * 20,
                );
                let status = match i % 100 {
                    0 => Status::Submitted,
                    1 => Status::Received,
                    2 => Status::Processing,
                    3 => Status::SupplementRequested,
                    4 => Status::Refused,
                    _ => Status::Returned,
                };
                let submitted = day + Duration::minutes((i % 480) as i64);
                let received = (status != Status::Submitted).then(|| submitted + Duration::minutes(20));
                let due = received.map(|t| t + Duration::days(3));
                let ended = matches!(status, Status::Returned | Status::Refused).then(|| submitted + Duration::days(2));
                let mut data = template.clone();
                data["code"] = json!(code.to_string());
                data["receiving_unit"] = json!(unit.code.to_string());
                data["handling_unit"] = json!(unit.code.to_string());
                data["status"] = serde_json::to_value(status)?;
                data["submitted_at"] = serde_json::to_value(submitted)?;
                data["received_at"] = serde_json::to_value(received)?;
                data["due_at"] = serde_json::to_value(due)?;
                data["ended_at"] = serde_json::to_value(ended)?;
                let p = r * 17;
                sql.push_str(&format!(
                    "{}(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    if r == 0 { "" } else { ", " },
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5,
                    p + 6,
                    p + 7,
                    p + 8,
                    p + 9,
                    p + 10,
                    p + 11,
                    p + 12,
                    p + 13,
                    p + 14,
                    p + 15,
                    p + 16,
                    p + 17
                ));
                values.push(Row {
                    code: code.to_string(),
                    unit: unit.code.to_string(),
                    status: i64::from(status.code()),
                    submitted: submitted.timestamp_millis(),
                    received: received.map(|t| t.timestamp_millis()),
                    due: due.map(|t| t.timestamp_millis()),
                    ended: ended.map(|t| t.timestamp_millis()),
                    data: data.to_string(),
                });
            }
            let mut q = sqlx::query(&sql);
            for v in values {
                q = q
                    .bind(v.code)
                    .bind("1.001193")
                    .bind(v.unit.clone())
                    .bind(v.unit)
                    .bind(PROVINCE)
                    .bind(2_i64)
                    .bind(v.status)
                    .bind(v.submitted)
                    .bind(v.received)
                    .bind(v.due)
                    .bind(v.ended)
                    .bind(0_i64)
                    .bind(secret.as_str().to_string())
                    .bind(1_i64)
                    .bind(zeros.clone())
                    .bind(v.submitted)
                    .bind(v.data);
            }
            q.execute(&mut *tx).await?;
            written += rows;
        }
        sqlx::query(
            "INSERT INTO dossier_events (dossier_id, seq, at, actor, command, before_status, after_status, data, \
             prev_hash, hash) SELECT id, 1, submitted_at, '{\"kind\":\"citizen\"}', 'submit', NULL, status, '{}', \
             last_hash, last_hash FROM dossiers WHERE id > $1",
        )
        .bind(first_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        done += chunk;
        if done % 100_000 < chunk {
            println!("  … {done} dossiers written");
        }
    }
    Ok(())
}

struct Row {
    code: String,
    unit: String,
    status: i64,
    submitted: i64,
    received: Option<i64>,
    due: Option<i64>,
    ended: Option<i64>,
    data: String,
}

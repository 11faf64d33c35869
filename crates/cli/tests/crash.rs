//! Crash safety on real processes, on SQLite and PostgreSQL: `motcua serve` under a steady load of
//! submissions and lifecycle commands is killed with SIGKILL at random moments (seeded, at least 20
//! times) and restarted. After each kill: every acknowledged dossier is there with at least the
//! acknowledged steps, in order; codes have neither duplicates nor gaps per agency and day (and
//! match the daily counters); each projection's status is its last event's; `motcua verify`
//! (hash chains, projection = replay) passes.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::TempDir;
use common::live::{PASSWORD, Proc, free_port, motcua, post, prepare};
use common::load::{DIRECTOR, Ledger, STEPS, add_director, client};
use motcua_storage::{Db, scratch};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

const KILLS: usize = 20;
const CLIENTS: u64 = 4;

fn seed() -> u64 {
    std::env::var("MOTCUA_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261127)
}

fn serve(dir: &Path, url: &str, port: u16) -> Proc {
    Proc::start(dir, "serve", motcua(), &["serve", "--database", url, "--listen", &format!("127.0.0.1:{port}")], &[])
}

async fn ready(base: &str, proc: &mut Proc) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if reqwest::get(format!("{base}/readyz")).await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        if let Some(status) = proc.0.try_wait().unwrap() {
            panic!("the server exited with {status}: {}", proc.log());
        }
        assert!(Instant::now() < deadline, "the server never became ready: {}", proc.log());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs `motcua verify` and asserts every chain is intact and no projection drifted.
fn verify(dir: &Path, url: &str, round: usize) {
    let out = std::process::Command::new(motcua())
        .current_dir(dir)
        .env_remove("MOTCUA_DATABASE_URL")
        .env("MOTCUA_LOG", "warn")
        .args(["verify", "--database", url])
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("every hash chain is intact"), "round {round}: {text}");
}

/// Checks the database against what the server acknowledged; returns the number of dossiers.
async fn check(url: &str, acked: &BTreeMap<String, usize>, round: usize) -> usize {
    let db = Db::connect(url).await.unwrap();
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT code, status, version FROM dossiers").fetch_all(db.pool()).await.unwrap();
    let events: Vec<(String, i64, String, i64)> = sqlx::query_as(
        "SELECT d.code, e.seq, e.command, e.after_status FROM dossier_events e \
         JOIN dossiers d ON d.id = e.dossier_id ORDER BY d.code, e.seq",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let counters: Vec<(i64,)> =
        sqlx::query_as("SELECT last FROM dossier_sequences").fetch_all(db.pool()).await.unwrap();
    db.close().await;

    let mut log: BTreeMap<&str, Vec<(i64, &str, i64)>> = BTreeMap::new();
    for (code, seq, command, after) in &events {
        log.entry(code.as_str()).or_default().push((*seq, command.as_str(), *after));
    }
    // Codes: per agency and day, the numbers are exactly 1..=n, and the counters agree.
    let mut numbers: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    for (code, status, version) in &rows {
        let (prefix, number) = code.rsplit_once('-').unwrap_or_else(|| panic!("round {round}: code {code}"));
        let number: u32 = number.parse().unwrap_or_else(|_| panic!("round {round}: code {code}"));
        assert!(numbers.entry(prefix).or_default().insert(number), "round {round}: {code} duplicated");
        let history = log.get(code.as_str()).unwrap_or_else(|| panic!("round {round}: {code} has no events"));
        assert_eq!(history.len() as i64, *version, "round {round}: {code} version vs events");
        assert!(history.iter().enumerate().all(|(i, e)| e.0 == i as i64 + 1), "round {round}: {code} seqs");
        assert_eq!(history.last().unwrap().2, *status, "round {round}: {code} status vs its last event");
    }
    for (prefix, set) in &numbers {
        let expected: BTreeSet<u32> = (1..=set.len() as u32).collect();
        assert_eq!(set, &expected, "round {round}: numbers of {prefix} skip");
    }
    let counted: i64 = counters.iter().map(|c| c.0).sum();
    assert_eq!(counted, rows.len() as i64, "round {round}: daily counters vs dossiers");
    // Everything acknowledged is there, with at least the acknowledged steps in order.
    for (code, steps) in acked {
        let history = log.get(code.as_str()).unwrap_or_else(|| panic!("round {round}: acknowledged {code} lost"));
        assert!(history.len() >= *steps, "round {round}: {code} has {} events, {steps} acknowledged", history.len());
        let commands: Vec<&str> = history.iter().map(|e| e.1).collect();
        assert_eq!(commands[..*steps], STEPS[..*steps], "round {round}: {code}");
    }
    rows.len()
}

/// The SQLite file runs in WAL mode with synchronous=FULL on every connection Motcua opens.
async fn sqlite_durability(url: &str) {
    let db = Db::connect(url).await.unwrap();
    let mut conn = db.pool().acquire().await.unwrap();
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(&mut *conn).await.unwrap();
    let (sync,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(&mut *conn).await.unwrap();
    assert_eq!((mode.as_str(), sync), ("wal", 2), "journal_mode=WAL, synchronous=FULL (2)");
    drop(conn);
    db.close().await;
}

async fn run(dir: &TempDir, url: &str) {
    let started = Instant::now();
    prepare(url).await;
    add_director(url).await;
    if url.starts_with("sqlite:") {
        sqlite_durability(url).await;
    }
    let mut rng = StdRng::seed_from_u64(seed());
    let ledger = Ledger::default();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut dossiers = 0;
    for round in 1..=KILLS {
        let mut server = serve(dir.path(), url, port);
        ready(&base, &mut server).await;
        let c = reqwest::Client::new();
        let login = json!({"username": DIRECTOR, "password": PASSWORD});
        let token =
            post(&c, format!("{base}/api/v1/auth/login"), None, login).await["token"].as_str().unwrap().to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let id = round as u64 * CLIENTS + i;
                tokio::spawn(client(base.clone(), token.clone(), id, ledger.clone(), stop.clone()))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(rng.random_range(150..1200))).await;
        server.0.kill().unwrap(); // SIGKILL
        server.0.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            tokio::time::timeout(Duration::from_secs(30), c).await.expect("a client hung").unwrap();
        }
        let failures = ledger.failures.lock().unwrap().clone();
        assert!(failures.is_empty(), "round {round}: refused while alive: {failures:?}\n{}", server.log());
        dossiers = check(url, &ledger.snapshot(), round).await;
        verify(dir.path(), url, round);
    }
    let acked = ledger.snapshot();
    let complete = acked.values().filter(|s| **s == STEPS.len()).count();
    eprintln!(
        "{url}: {KILLS} kills in {:.1}s; {dossiers} dossiers stored, {} acknowledged ({complete} returned)",
        started.elapsed().as_secs_f64(),
        acked.len()
    );
    assert!(acked.len() >= KILLS, "the load made progress: {} acknowledged", acked.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_nothing_acknowledged_on_sqlite() {
    let dir = TempDir::new("crash");
    run(&dir, &format!("sqlite://{}", dir.path().join("motcua.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_nothing_acknowledged_on_postgres() {
    let admin =
        std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let url = scratch::fresh_postgres(&admin, "motcua_cli_crash").await.expect("PostgreSQL for the tests");
    let dir = TempDir::new("crash-pg");
    run(&dir, &url).await;
    scratch::drop_postgres(&admin, &url).await;
}

//! Synchronisation with the national portal, end to end, on real processes: the real
//! `motcua fake-portal` injecting every fault kind (30% of calls refused, answers lost after
//! applying, connection resets before and after applying, hangs past the client's timeout,
//! fresh records acknowledged as duplicates, an outage, records refused for good) and the real
//! `motcua serve`. Afterwards the portal holds exactly the final state of every dossier, each
//! change applied once and in order, and the only dead messages are the refused ones, with their
//! reason, none of them applied.
//!
//! The full fault runs make `MOTCUA_SYNC_FAULT_CHANGES` changes (default 10,000): two servers on
//! one PostgreSQL database with one SIGKILLed mid-run and restarted, and one SQLite server killed
//! and restarted.

mod common;
mod sync_support;

use std::time::{Duration, Instant};

use common::TempDir;
use sync_support::{Api, Load, Proc, REJECTED_NAME, check_portal, drivers, prepare, prepare_db, serve};

/// Every fault kind at once.
fn faults() -> Vec<&'static str> {
    vec![
        "--error-rate",
        "0.3",
        "--lose-response-rate",
        "0.1",
        "--reset-rate",
        "0.05",
        "--hang-rate",
        "0.005",
        "--hang-ms",
        "3000",
        "--duplicate-ack-rate",
        "0.05",
        "--reject-name",
        REJECTED_NAME,
    ]
}

fn fault_changes() -> usize {
    std::env::var("MOTCUA_SYNC_FAULT_CHANGES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_kind_at_small_scale_leaves_the_portal_with_each_final_state_applied_once() {
    let dir = TempDir::new("sync-e2e");
    let url = prepare(&dir).await;
    let mut f = faults();
    f.extend(["--outage", "1-2.5"]);
    let (_portal, portal) = Proc::portal(&dir, &f);
    let mut server = serve(&dir, &url, &portal, "serve");
    let api = Api::new(&server.base()).await;
    let codes = api.run_dossiers(360, 40).await;
    let drained = api.wait_drained(Duration::from_secs(120), 1, &mut server).await;
    let ledger = check_portal(&portal, &url).await;
    assert!(ledger["rejected"].as_u64().unwrap() >= 1, "the refused dossier was refused");
    eprintln!("{} dossiers drained {drained:?} after the last change", codes.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_changes_on_sqlite_with_faults_an_outage_and_a_killed_server_lose_nothing() {
    let dir = TempDir::new("sync-sqlite-10k");
    let url = prepare(&dir).await;
    let (_portal, portal) = Proc::portal(&dir, &faults());
    let load = Load::new(fault_changes());
    let started = Instant::now();
    let mut first = serve(&dir, &url, &portal, "serve1");
    let api = Api::new(&first.base()).await;
    let mut load1 = drivers(&api, &load, 8);
    load.reached(load.target * 2 / 5).await;
    Api::portal_outage(&portal, 4.0).await;
    let before = api.status().await;
    first.kill();
    let mut broken = 0;
    while let Some(r) = load1.join_next().await {
        broken += usize::from(r.unwrap().is_err());
    }
    eprintln!("killed at {} changes with {before} ({broken} lifecycles cut)", load.done());
    let mut second = serve(&dir, &url, &portal, "serve2");
    let api = Api::new(&second.base()).await;
    let mut load2 = drivers(&api, &load, 8);
    while let Some(r) = load2.join_next().await {
        r.unwrap().unwrap();
    }
    let made = started.elapsed();
    api.wait_drained(Duration::from_secs(240), u64::MAX, &mut second).await;
    check_portal(&portal, &url).await;
    eprintln!("{} changes made in {made:?}, drained {:?} after", load.done(), started.elapsed() - made);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_changes_on_two_postgresql_servers_one_killed_mid_run_lose_nothing() {
    let admin =
        std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let url = motcua_storage::scratch::fresh_postgres(&admin, "motcua_sync")
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL must be reachable at {admin}: {e}"));
    let outcome = tokio::spawn(two_servers(url.clone())).await;
    motcua_storage::scratch::drop_postgres(&admin, &url).await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn two_servers(url: String) {
    let dir = TempDir::new("sync-pg-10k");
    prepare_db(&url).await;
    let (_portal, portal) = Proc::portal(&dir, &faults());
    let load = Load::new(fault_changes());
    let started = Instant::now();
    let (mut a, mut b) = (serve(&dir, &url, &portal, "serve-a"), serve(&dir, &url, &portal, "serve-b"));
    let (api_a, api_b) = (Api::new(&a.base()).await, Api::new(&b.base()).await);
    let (mut on_a, mut on_b) = (drivers(&api_a, &load, 6), drivers(&api_b, &load, 6));
    load.reached(load.target * 2 / 5).await;
    Api::portal_outage(&portal, 4.0).await;
    let before = api_a.status().await;
    a.kill();
    let mut broken = 0;
    while let Some(r) = on_a.join_next().await {
        broken += usize::from(r.unwrap().is_err());
    }
    eprintln!("killed server A at {} changes with {before} ({broken} lifecycles cut)", load.done());
    let mut a2 = serve(&dir, &url, &portal, "serve-a2");
    let api_a2 = Api::new(&a2.base()).await;
    let mut on_a2 = drivers(&api_a2, &load, 6);
    for set in [&mut on_a2, &mut on_b] {
        while let Some(r) = set.join_next().await {
            r.unwrap().unwrap();
        }
    }
    let made = started.elapsed();
    api_b.wait_drained(Duration::from_secs(240), u64::MAX, &mut b).await;
    a2.assert_running();
    check_portal(&portal, &url).await;
    eprintln!("{} changes made in {made:?}, drained {:?} after", load.done(), started.elapsed() - made);
    for label in ["serve-b", "serve-a2"] {
        let log = std::fs::read_to_string(dir.0.join(format!("{label}.stderr"))).unwrap_or_default();
        assert!(!log.contains("panicked"), "{label}: {log}");
    }
}

//! The civil-registry connector, end to end: a second connector on the same outbox with its own
//! rows and worker. Birth registrations (hộ tịch) go through their lifecycle on the real
//! `motcua serve`; a real `motcua fake-portal` stands in for the national portal and another for
//! the civil registry, both failing 30% of calls, losing answers and resetting connections. The
//! registry receives exactly each decision and result (the changes leaving a dossier decided or
//! returned), once each and in order, and holds each decided dossier's final state; the portal
//! still receives every change.

mod common;
mod sync_support;

use std::time::Duration;

use common::TempDir;
use motcua_storage::Db;
use serde_json::Value;
use sync_support::{Api, Proc, check_portal, prepare, serve_with};

const FAULTS: &[&str] =
    &["--error-rate", "0.3", "--lose-response-rate", "0.1", "--reset-rate", "0.05", "--duplicate-ack-rate", "0.05"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_civil_registry_receives_each_decision_and_result_once_in_order() {
    let dir = TempDir::new("sync-registry");
    let url = prepare(&dir).await;
    let (_portal, portal) = Proc::fake(&dir, "portal", FAULTS);
    let (_registry, registry) = Proc::fake(&dir, "registry", FAULTS);
    let endpoint = format!("{registry}/dossiers");
    let mut server = serve_with(&dir, &url, &portal, "serve", &[("MOTCUA_HOTICH_URL", &endpoint)]);
    let api = Api::new(&server.base()).await;
    let codes = api.run_dossiers(0, 32).await;
    api.wait_all_drained(Duration::from_secs(120), &mut server).await;
    check_portal(&portal, &url).await;
    let ledger: Value = reqwest::get(format!("{registry}/applied")).await.unwrap().json().await.unwrap();
    assert_eq!(ledger["out_of_order"], 0);
    let applied = ledger["applied"].as_array().unwrap();
    let db = Db::connect(&url).await.unwrap();
    let mut expected_total = 0;
    for code in &codes {
        // The changes that left the dossier decided (9) or returned (10).
        let seqs: Vec<i64> = sqlx::query_scalar(
            "SELECT e.seq FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
             WHERE d.code = $1 AND e.after_status IN (9, 10) ORDER BY e.seq",
        )
        .bind(code)
        .fetch_all(db.pool())
        .await
        .unwrap();
        let got: Vec<i64> =
            applied.iter().filter(|a| a["dossier"] == *code).map(|a| a["seq"].as_i64().unwrap()).collect();
        assert_eq!(got, seqs, "{code}: each decision and result once, in order, nothing else");
        expected_total += seqs.len();
        if let Some(last) = seqs.last() {
            let (status,): (i64,) = sqlx::query_as("SELECT status FROM dossiers WHERE code = $1")
                .bind(code)
                .fetch_one(db.pool())
                .await
                .unwrap();
            let held = &ledger["dossiers"][code];
            assert_eq!((held["seq"].as_i64(), held["record"]["TrangThaiHoSo"].as_i64()), (Some(*last), Some(status)));
            assert_eq!(held["record"]["KetQua"][0]["TenGiayTo"], "Trích lục khai sinh", "{held}");
        }
    }
    assert!(expected_total >= 8, "the run decided dossiers: {expected_total}");
    assert_eq!(applied.len(), expected_total, "nothing but decisions and results");
    let dead: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sync_outbox WHERE connector = 'hotich' AND status <> 'delivered'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(dead, 0);
    db.close().await;
    eprintln!(
        "registry: {} requests, {} refused, {} answers lost, {} resets, {} records",
        ledger["requests"], ledger["refused"], ledger["lost_responses"], ledger["resets"], expected_total
    );
}

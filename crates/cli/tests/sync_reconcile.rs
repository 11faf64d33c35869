//! Reconciliation with the national portal, end to end: the real `motcua serve` syncing to the
//! real `motcua fake-portal`, which is then made to forget dossiers. `motcua reconcile`, the API
//! and the sync page each list exactly those differences; re-pushing them (page button, command,
//! API) brings the portal back in line, and a further reconciliation finds nothing.

mod common;
mod sync_support;

use std::process::Command;
use std::time::Duration;

use chrono::{Duration as Days, Utc};
use common::TempDir;
use serde_json::{Value, json};
use sync_support::{Api, Proc, prepare, serve};

const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn period() -> (String, String) {
    let today = (Utc::now() + Days::hours(7)).date_naive();
    ((today - Days::days(1)).to_string(), (today + Days::days(1)).to_string())
}

fn reconcile(dir: &TempDir, url: &str, portal: &str, extra: &[&str]) -> (i32, String) {
    let (from, to) = period();
    let mut args = vec!["reconcile", "--database", url, "--portal", portal, "--from", &from, "--to", &to];
    args.extend_from_slice(extra);
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .current_dir(&dir.0)
        .args(&args)
        .env_remove("MOTCUA_DATABASE_URL")
        .env_remove("MOTCUA_DVCQG_URL")
        .env("MOTCUA_LOG", "warn")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconciliation_lists_every_difference_and_a_repush_settles_it() {
    let dir = TempDir::new("sync-reconcile");
    let url = prepare(&dir).await;
    let (_portal, portal) = Proc::portal(&dir, &[]);
    let endpoint = format!("{portal}/dossiers");
    let mut server = serve(&dir, &url, &portal, "serve");
    let api = Api::new(&server.base()).await;
    let codes = api.run_dossiers(0, 8).await;
    api.wait_drained(Duration::from_secs(60), 0, &mut server).await;
    let (code, text) = reconcile(&dir, &url, &endpoint, &[]);
    assert_eq!(code, 0, "in line after a clean sync: {text}");
    assert!(text.contains("0 differences"), "{text}");
    // The portal forgets one dossier.
    let forgotten = &codes[3];
    let r = reqwest::Client::new()
        .post(format!("{portal}/control/forget"))
        .json(&json!({"dossier": forgotten}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (code, text) = reconcile(&dir, &url, &endpoint, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("1 differences") && text.contains(&format!("{forgotten}  MaHoSo")), "{text}");
    // The API lists it too, and the sync page shows it with a re-push button.
    let (from, to) = period();
    let q = format!("/api/v1/sync/reconcile?from={from}&to={to}");
    let r = api.get(&q, "qt").await;
    assert_eq!(r["differences"], json!([{"dossier": forgotten, "field": "MaHoSo", "ours": forgotten, "portal": null}]));
    assert_eq!(
        api.get(&format!("/api/v1/sync/reconcile?from={from}&to=2020-01-01"), "qt").await["code"],
        "INVALID_PERIOD"
    );
    let page = api.page(&format!("/can-bo/dong-bo?tu={from}&den={to}"), "qt").await;
    assert!(page.contains(&format!("/can-bo/dong-bo/ho-so/{forgotten}/gui-lai")), "{page}");
    // The page's button queues it again; the worker delivers it.
    let r = api
        .form(
            &format!("/can-bo/dong-bo/ho-so/{forgotten}/gui-lai"),
            "qt",
            &[("csrf", CSRF), ("tu", &from), ("den", &to)],
        )
        .await;
    assert_eq!(r.status(), 303);
    api.wait_drained(Duration::from_secs(60), 0, &mut server).await;
    let (code, text) = reconcile(&dir, &url, &endpoint, &[]);
    assert_eq!(code, 0, "{text}");
    // The portal forgets two; the command re-pushes both, the API re-pushes one more.
    for c in [&codes[1], &codes[6]] {
        reqwest::Client::new()
            .post(format!("{portal}/control/forget"))
            .json(&json!({"dossier": c}))
            .send()
            .await
            .unwrap();
    }
    let (code, text) = reconcile(&dir, &url, &endpoint, &["--repush"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("2 differences") && text.matches("queued again").count() == 2, "{text}");
    let r = api.post_json(&format!("/api/v1/sync/repush/{}", codes[0]), "qt").await;
    assert!(r["idempotency_key"].as_str().unwrap().starts_with(&format!("{}:", codes[0])), "{r}");
    api.wait_drained(Duration::from_secs(60), 0, &mut server).await;
    let (code, text) = reconcile(&dir, &url, &endpoint, &[]);
    assert_eq!(code, 0, "{text}");
    let ledger: Value = reqwest::get(format!("{portal}/applied")).await.unwrap().json().await.unwrap();
    assert_eq!(ledger["out_of_order"], 0);
}

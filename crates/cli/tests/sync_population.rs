//! The population-database connector, end to end: dossiers are submitted on the real
//! `motcua serve` while the population database (a real `motcua fake-dancu`) is not there yet;
//! intake succeeds at once and the officer sees the check pending. Once the service comes up the
//! retried checks complete: the matching citizen is verified (the 766 `identity_verified` flag),
//! a name or birth-date mismatch is recorded with the field, each once, in the hash chain.

mod common;
mod sync_support;

use std::time::{Duration, Instant};

use common::TempDir;
use motcua_storage::Db;
use serde_json::{Value, json};
use sync_support::{Api, Proc, prepare, prepare_db, serve_with};

const MATCHING: (&str, &str, &str) = ("086190012345", "Trần Thị Bình", "1990-05-01");

async fn submit(base: &str, name: &str, id: &str, birth: &str) -> (reqwest::StatusCode, Value) {
    let p = motcua_domain::catalog::seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
    let components: Vec<Value> =
        p.components.iter().filter(|c| c.required).map(|c| json!({"code": c.code, "digitized": true})).collect();
    let body = json!({"procedure": "1.001193", "unit": "28777", "components": components,
        "applicant": {"name": name, "id_number": id, "birth_date": birth}});
    let r = reqwest::Client::new().post(format!("{base}/api/v1/dossiers")).json(&body).send().await.unwrap();
    (r.status(), r.json().await.unwrap())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Each dossier's `IdentityChecked` events' data.
async fn checks(api: &Api, code: &str) -> Vec<Value> {
    let events = api.get(&format!("/api/v1/dossiers/{code}/events"), "tn").await;
    let events = events.as_array().unwrap_or_else(|| panic!("{events}"));
    events.iter().filter(|e| e["command"] == "check_identity").map(|e| e["data"].clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_checks_wait_out_an_outage_then_record_match_and_mismatch_on_sqlite() {
    let dir = TempDir::new("sync-population");
    let url = prepare(&dir).await;
    outage_then_answers(&dir, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_checks_wait_out_an_outage_then_record_match_and_mismatch_on_postgresql() {
    let admin =
        std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let url = motcua_storage::scratch::fresh_postgres(&admin, "motcua_dancu")
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL must be reachable at {admin}: {e}"));
    prepare_db(&url).await;
    let dir = TempDir::new("sync-population-pg");
    let outcome = tokio::spawn({
        let url = url.clone();
        async move { outage_then_answers(&dir, &url).await }
    })
    .await;
    motcua_storage::scratch::drop_postgres(&admin, &url).await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn outage_then_answers(dir: &TempDir, url: &str) {
    let (_portal, portal) = Proc::fake(dir, "portal", &[]);
    let port = free_port();
    let endpoint = format!("http://127.0.0.1:{port}/check");
    let env = [("MOTCUA_DANCU_URL", endpoint.as_str()), ("MOTCUA_DANCU_TOKEN", "dancu-token")];
    let mut server = serve_with(dir, url, &portal, "serve", &env);
    let base = server.base();
    let api = Api::new(&base).await;

    // The service is down: intake still succeeds at once.
    let (id, name, birth) = MATCHING;
    let mut codes = Vec::new();
    for (n, b) in [(name, birth), ("Trần Thị Bính", birth), (name, "1990-05-02")] {
        let (status, body) = submit(&base, n, id, b).await;
        assert_eq!(status, 201, "{body}");
        codes.push(body["dossier"]["code"].as_str().unwrap().to_string());
    }
    let (status, body) = submit(&base, "Công ty An Hội", "0100109106", "1990-05-01").await;
    assert_eq!(status, 201, "{body}");
    let company = body["dossier"]["code"].as_str().unwrap().to_string();
    // A bad birth date is refused with a clear error and creates nothing.
    let (status, body) = submit(&base, name, id, "1990-02-30").await;
    assert_eq!((status.as_u16(), body["code"].as_str()), (422, Some("INVALID_BIRTH_DATE")), "{body}");
    assert!(body["message_vi"].as_str().unwrap().contains("Ngày sinh"), "{body}");
    let page = api.page(&format!("/can-bo/ho-so/{}", codes[0]), "tn").await;
    assert!(page.contains("Đang chờ kiểm tra với CSDL quốc gia về dân cư"), "{page}");
    // The checks are retried while the service is down.
    let start = Instant::now();
    loop {
        let s = api.get("/api/v1/sync/status", "qt").await;
        let dancu = s["connectors"].as_array().unwrap().iter().find(|c| c["connector"] == "dancu").cloned();
        if dancu.as_ref().is_some_and(|c| c["retrying"] == 3) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "not retrying: {s}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(checks(&api, &codes[0]).await.is_empty());

    // The service comes up: every check completes.
    let citizen = format!("{id}|{name}|{birth}");
    let listen = format!("127.0.0.1:{port}");
    let args = ["fake-dancu", "--listen", &listen, "--citizen", &citizen, "--token", "dancu-token"];
    let mut fake = Proc::start(dir, "dancu", &args, &[]);
    fake.announced("http://", "/check", Duration::from_secs(20));
    api.wait_all_drained(Duration::from_secs(60), &mut server).await;

    let expected = [(true, ""), (false, "name"), (false, "birth_date")];
    for (code, (matched, field)) in codes.iter().zip(expected) {
        assert_eq!(
            checks(&api, code).await,
            vec![json!({"type": "identity_checked", "matched": matched, "detail": field})]
        );
        let d = api.get(&format!("/api/v1/dossiers/{code}"), "tn").await;
        assert_eq!(d["identity_verified"], matched, "{d}");
        assert_eq!(d["applicant"]["birth_date"], if field == "birth_date" { "1990-05-02" } else { birth });
    }
    let page = api.page(&format!("/can-bo/ho-so/{}", codes[0]), "tn").await;
    assert!(page.contains("Đã xác thực: thông tin khớp") && !page.contains("Đang chờ kiểm tra"), "{page}");
    let page = api.page(&format!("/can-bo/ho-so/{}?lang=en", codes[1]), "tn").await;
    assert!(page.contains("Mismatch: full name"), "{page}");
    assert!(checks(&api, &company).await.is_empty());

    let log: Value = reqwest::get(format!("http://{listen}/checks")).await.unwrap().json().await.unwrap();
    let keys: Vec<&str> =
        log["checks"].as_array().unwrap().iter().map(|c| c["idempotency_key"].as_str().unwrap()).collect();
    assert_eq!(keys.len(), 3, "one answered call per dossier: {log}");
    let db = Db::connect(url).await.unwrap();
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT dossier_code, status FROM sync_outbox WHERE connector = 'dancu' ORDER BY id")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(rows, codes.iter().map(|c| (c.clone(), "delivered".to_string())).collect::<Vec<_>>());
    db.close().await;
    let report = reqwest::get(format!("{base}/api/v1/health")).await.unwrap();
    assert!(report.status().is_success());
    server.assert_running();
}

//! Zalo ZNS end to end on real processes, on SQLite and PostgreSQL: `motcua serve` sends template
//! messages to `motcua fake-zns` over HTTP. The fake first answers 503 (retried), expires the
//! access token after each send (-124: refreshed with the single-use refresh token, then sent
//! again), refuses a number without Zalo (-118: the SMS fallback through `motcua fake-sms` takes
//! over, rendered with the unit's own template saved by the center director) and posts signed
//! `user_received_message` events, which mark messages delivered. Badly signed events are refused.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::TempDir;
use common::live::{PASSWORD, Proc, free_port, motcua, post, prepare};
use motcua_domain::catalog::seed_procedures;
use motcua_domain::ports::StaffStore;
use motcua_domain::staff::Role;
use motcua_domain::unit::UnitCode;
use motcua_storage::{Db, scratch};
use serde_json::{Value, json};

const OA_SECRET: &str = "bi-mat-oa";

async fn wait_tcp(port: u16, proc: &mut Proc) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        if let Some(status) = proc.0.try_wait().unwrap() {
            panic!("exited with {status}: {}", proc.log());
        }
        assert!(Instant::now() < deadline, "port {port} never opened: {}", proc.log());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn until(what: &str, log: impl Fn() -> String, mut ok: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ok().await {
        assert!(Instant::now() < deadline, "{what} never happened: {}", log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn notifications(c: &reqwest::Client, base: &str, token: &str, code: &str) -> Vec<Value> {
    let r = c.get(format!("{base}/api/v1/dossiers/{code}/notifications")).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// Submits a dossier with `phone`, sets the applicant's channel order to ZNS then SMS (with the
/// secret), and receives it; returns its code.
async fn received_via_zns(c: &reqwest::Client, base: &str, token: &str, phone: &str) -> String {
    let p = seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
    let components: Vec<Value> =
        p.components.iter().filter(|c| c.required).map(|c| json!({"code": c.code, "digitized": true})).collect();
    let applicant = json!({"name": "Trần Thị Bình", "id_number": format!("0861900{}", &phone[5..]), "phone": phone});
    let body = json!({"procedure": "1.001193", "unit": "28777", "components": components, "applicant": applicant});
    let d = post(c, format!("{base}/api/v1/dossiers"), None, body).await;
    let code = d["dossier"]["code"].as_str().unwrap().to_string();
    let secret = d["secret"].as_str().unwrap();
    let url = format!("{base}/api/v1/dossiers/{code}/notify-channels?secret={secret}");
    let bad = c.put(&url).json(&json!({"channels": "zalo"})).send().await.unwrap();
    assert_eq!(bad.status(), 422);
    assert_eq!(bad.json::<Value>().await.unwrap()["code"], "INVALID_CHANNEL_ORDER");
    let r = c.put(&url).json(&json!({"channels": "zns, sms"})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    post(c, format!("{base}/api/v1/dossiers/{code}/receive"), Some(token), json!({})).await;
    code
}

fn serve(dir: &Path, url: &str, port: u16, zns: u16, sms: u16) -> Proc {
    let env = [
        ("MOTCUA_ZNS_URL", format!("http://127.0.0.1:{zns}")),
        ("MOTCUA_ZNS_OAUTH_URL", format!("http://127.0.0.1:{zns}")),
        ("MOTCUA_ZNS_APP_ID", "app-1".into()),
        ("MOTCUA_ZNS_SECRET_KEY", "khoa-app".into()),
        ("MOTCUA_ZNS_ACCESS_TOKEN", "token-0".into()),
        ("MOTCUA_ZNS_REFRESH_TOKEN", "refresh-0".into()),
        ("MOTCUA_ZNS_TEMPLATES", "received=231234,pakn_answered=231240".into()),
        ("MOTCUA_ZNS_OA_SECRET", OA_SECRET.into()),
        ("MOTCUA_SMS_URL", format!("http://127.0.0.1:{sms}")),
        ("MOTCUA_PUBLIC_URL", format!("http://127.0.0.1:{port}")),
        ("MOTCUA_NOTIFY_BACKOFF_MS", "100".into()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Proc::start(dir, "serve", motcua(), &["serve", "--database", url, "--listen", &format!("127.0.0.1:{port}")], &env)
}

async fn run(dir: &TempDir, url: &str) {
    prepare(url).await;
    let db = Db::connect(url).await.unwrap();
    let hash = motcua_web::auth::hash_password(PASSWORD);
    db.create_staff("gd", "gd", Role::CenterDirector, &UnitCode::parse("28777").unwrap(), &hash).await.unwrap();
    db.close().await;
    let (zns_port, sms_port, our_port) = (free_port(), free_port(), free_port());
    let (base, zns) = (format!("http://127.0.0.1:{our_port}"), format!("http://127.0.0.1:{zns_port}"));
    let webhook = format!("{base}/api/v1/notify/zns-events");
    let zns_args = [
        "fake-zns",
        "--listen",
        &format!("127.0.0.1:{zns_port}"),
        "--app-id",
        "app-1",
        "--secret-key",
        "khoa-app",
        "--token-lifetime",
        "1",
        "--fail-first",
        "1",
        "--no-zalo",
        "84911111111",
        "--webhook",
        &webhook,
        "--oa-secret",
        OA_SECRET,
        "--report-delay-ms",
        "200",
    ];
    let mut fake_zns = Proc::start(dir.path(), "fake-zns", motcua(), &zns_args, &[]);
    let sms_args = ["fake-sms", "--listen", &format!("127.0.0.1:{sms_port}"), "--report-delay-ms", "100"];
    let mut fake_sms = Proc::start(dir.path(), "fake-sms", motcua(), &sms_args, &[]);
    let mut server = serve(dir.path(), url, our_port, zns_port, sms_port);
    wait_tcp(zns_port, &mut fake_zns).await;
    wait_tcp(sms_port, &mut fake_sms).await;
    wait_tcp(our_port, &mut server).await;
    let c = reqwest::Client::new();
    let login = |u: &str| json!({"username": u, "password": PASSWORD});
    let token =
        post(&c, format!("{base}/api/v1/auth/login"), None, login("tn")).await["token"].as_str().unwrap().to_string();
    let director =
        post(&c, format!("{base}/api/v1/auth/login"), None, login("gd")).await["token"].as_str().unwrap().to_string();

    // The director's own SMS template: an unknown placeholder is refused, a good one saved.
    let tpl = |sms: &str| json!({"subject": "Hồ sơ {code}", "body": "Kính gửi {name}: hẹn {due}. {link}", "sms": sms});
    let url_tpl = format!("{base}/api/v1/notify/templates/received");
    let r = c.put(&url_tpl).bearer_auth(&director).json(&tpl("Ho so {ma_ho_so}")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "TEMPLATE_UNKNOWN_PLACEHOLDER");
    let r = c.put(&url_tpl).bearer_auth(&token).json(&tpl("Ho so {code}")).send().await.unwrap();
    assert_eq!(r.status(), 403, "an intake officer does not edit templates");
    let r = c
        .put(&url_tpl)
        .bearer_auth(&director)
        .json(&tpl("Phuong An Hoi: ho so {code} hen {due}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["sms_segments"], 1);

    // ZNS: 503 first (retried), then accepted with the first token; Zalo's event delivers it.
    let a = received_via_zns(&c, &base, &token, "0912345678").await;
    until(
        "the ZNS delivery event",
        || server.log(),
        async || notifications(&c, &base, &token, &a).await.first().is_some_and(|n| n["status"] == "delivered"),
    )
    .await;
    let n = notifications(&c, &base, &token, &a).await;
    assert_eq!((n.len(), n[0]["channel"].as_str(), n[0]["attempts"].as_u64()), (1, Some("zns"), Some(2)));

    // No Zalo account: the token expired (refreshed), then -118: the SMS fallback with the
    // unit's own template.
    let b = received_via_zns(&c, &base, &token, "0911111111").await;
    until(
        "the SMS fallback",
        || server.log(),
        async || notifications(&c, &base, &token, &b).await.get(1).is_some_and(|n| n["status"] == "delivered"),
    )
    .await;
    let n = notifications(&c, &base, &token, &b).await;
    assert_eq!((n[0]["channel"].as_str(), n[0]["status"].as_str()), (Some("zns"), Some("failed")));
    assert!(n[0]["error"].as_str().unwrap().contains("-118"), "{}", n[0]);
    assert_eq!(n[1]["channel"], "sms");
    let sms: Vec<Value> =
        c.get(format!("http://127.0.0.1:{sms_port}/sms/messages")).send().await.unwrap().json().await.unwrap();
    let text = sms[0]["text"].as_str().unwrap();
    assert!(text.starts_with(&format!("Phuong An Hoi: ho so {b} hen ")), "{text}");

    // Another expiry, another refresh; accepted and delivered.
    let d = received_via_zns(&c, &base, &token, "0987654321").await;
    until(
        "the third delivery",
        || server.log(),
        async || notifications(&c, &base, &token, &d).await.first().is_some_and(|n| n["status"] == "delivered"),
    )
    .await;
    let stats: Value = c.get(format!("{zns}/stats")).send().await.unwrap().json().await.unwrap();
    assert_eq!(stats["refreshes"], 2, "{stats}");
    let sent: Vec<Value> = c.get(format!("{zns}/messages")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sent.len(), 2, "no duplicate: {sent:?}");
    assert_eq!((sent[0]["phone"].as_str(), sent[0]["template_id"].as_str()), (Some("84912345678"), Some("231234")));
    let data = &sent[0]["template_data"];
    assert_eq!(data["code"], a.as_str());
    assert_eq!(data["link"], format!("{base}/tra-cuu/{a}"));
    assert!(data["due"].as_str().unwrap().ends_with("/2026") || data["due"].as_str().unwrap().len() == 16);

    // A badly signed event is refused and changes nothing.
    let ev = json!({"event_name": "user_received_message", "timestamp": "1", "message": {"msg_id": "zns0000000001"}});
    let r = c.post(&webhook).header("X-ZEvent-Signature", "mac=00").json(&ev).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "BAD_ZALO_SIGNATURE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zalo_zns_with_token_refresh_delivery_events_and_sms_fallback() {
    let dir = TempDir::new("notify-zns");
    run(&dir, &format!("sqlite://{}", dir.path().join("motcua.db").display())).await;
    let admin =
        std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let url = scratch::fresh_postgres(&admin, "motcua_cli_notify_zns").await.expect("PostgreSQL for the tests");
    let dir = TempDir::new("notify-zns-pg");
    run(&dir, &url).await;
    scratch::drop_postgres(&admin, &url).await;
}

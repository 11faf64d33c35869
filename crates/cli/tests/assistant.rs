//! The Zalo OA assistant end to end on real processes, on SQLite and PostgreSQL: `motcua
//! fake-zalo` signs and POSTs citizens' messages to `motcua serve`, which checks the signature,
//! answers each message once (a replay is ignored) through the fake OA's message API, refreshing
//! the expired access token on the way; what it cannot answer waits in the human queue until an
//! officer's reply reaches the citizen through the same API.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::TempDir;
use common::live::{PASSWORD, Proc, free_port, motcua, post, prepare};
use motcua_domain::catalog::seed_procedures;
use motcua_storage::scratch;
use serde_json::{Value, json};

const APP_ID: &str = "4318000000000000001";
const OA_SECRET: &str = "bi-mat-oa";
const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

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

/// Posts `text` from `user` through the fake OA (signed); returns (Motcua's status, body).
async fn say(c: &reqwest::Client, fake: &str, user: &str, text: &str, msg_id: &str, bad: bool) -> (u64, Value) {
    let url = format!("{fake}/simulate{}", if bad { "?bad_signature=1" } else { "" });
    let r = post(c, url, None, json!({"user_id": user, "text": text, "msg_id": msg_id})).await;
    (r["status"].as_u64().unwrap(), r["body"].clone())
}

async fn sent_to(c: &reqwest::Client, fake: &str, user: &str) -> Vec<Value> {
    let all: Vec<Value> = c.get(format!("{fake}/messages")).send().await.unwrap().json().await.unwrap();
    all.into_iter().filter(|m| m["user_id"] == user).collect()
}

async fn until_sent(c: &reqwest::Client, fake: &str, user: &str, n: usize, log: impl Fn() -> String) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let sent = sent_to(c, fake, user).await;
        if sent.len() >= n {
            return sent;
        }
        assert!(Instant::now() < deadline, "{n} message(s) to {user} never arrived: {}", log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn serve(dir: &Path, url: &str, port: u16, zalo: &str) -> Proc {
    let env = [
        ("MOTCUA_ZALO_APP_ID", APP_ID.to_string()),
        ("MOTCUA_ZALO_OA_SECRET", OA_SECRET.to_string()),
        ("MOTCUA_ZALO_UNIT", "28777".to_string()),
        ("MOTCUA_ZALO_APP_SECRET", "bi-mat-app".to_string()),
        ("MOTCUA_ZALO_ACCESS_TOKEN", "access-1".to_string()),
        ("MOTCUA_ZALO_REFRESH_TOKEN", "refresh-1".to_string()),
        ("MOTCUA_ZALO_API_URL", zalo.to_string()),
        ("MOTCUA_ZALO_OAUTH_URL", zalo.to_string()),
        ("MOTCUA_ZALO_BACKOFF_MS", "100".to_string()),
        ("MOTCUA_PUBLIC_URL", "https://motcua.anhoi.example.vn".to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Proc::start(dir, "serve", motcua(), &["serve", "--database", url, "--listen", &format!("127.0.0.1:{port}")], &env)
}

async fn run(dir: &TempDir, url: &str) {
    prepare(url).await;
    let (zalo_port, our_port) = (free_port(), free_port());
    let (base, fake) = (format!("http://127.0.0.1:{our_port}"), format!("http://127.0.0.1:{zalo_port}"));
    let webhook = format!("{base}/api/v1/zalo/webhook");
    let zalo_args = [
        "fake-zalo",
        "--listen",
        &format!("127.0.0.1:{zalo_port}"),
        "--app-id",
        APP_ID,
        "--oa-secret",
        OA_SECRET,
        "--app-secret",
        "bi-mat-app",
        "--expire-token-once",
        "--fail-first",
        "1",
        "--webhook-url",
        &webhook,
    ];
    let mut zalo = Proc::start(dir.path(), "fake-zalo", motcua(), &zalo_args, &[]);
    let mut server = serve(dir.path(), url, our_port, &fake);
    wait_tcp(zalo_port, &mut zalo).await;
    wait_tcp(our_port, &mut server).await;
    let c = reqwest::Client::new();

    // Signatures: a wrong or missing one is refused with its code, and nothing is answered.
    let (status, body) = say(&c, &fake, "u-bad", "khai sinh can gi", "m-bad", true).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("ZALO_SIGNATURE_INVALID")), "{body}");
    let r = c.post(&webhook).body(r#"{"event_name":"user_send_text"}"#).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "ZALO_SIGNATURE_MISSING");

    // A question without diacritics is answered with the procedure; its replay is not answered again.
    let (status, body) = say(&c, &fake, "u-1", "khai sinh can giay to gi", "m-1", false).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("answered")), "{body}");
    let (status, body) = say(&c, &fake, "u-1", "khai sinh can giay to gi", "m-1", false).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("duplicate")), "{body}");
    let sent = until_sent(&c, &fake, "u-1", 1, || server.log()).await;
    let text = sent[0]["text"].as_str().unwrap();
    assert!(text.contains("Thủ tục: Đăng ký khai sinh (mã 1.001193)"), "{text}");
    assert!(text.contains("- Tờ khai đăng ký khai sinh"), "{text}");
    assert!(text.contains("https://motcua.anhoi.example.vn/nop-ho-so/1.001193"), "{text}");
    // The first send met a 503 (retried), then an expired token: refreshed once, sent with the new one.
    assert_eq!(sent[0]["access_token"], "access-2");
    let stats: Value = c.get(format!("{fake}/stats")).send().await.unwrap().json().await.unwrap();
    assert_eq!(stats["refreshes"], 1, "{stats}");
    assert_eq!(sent_to(&c, &fake, "u-bad").await.len(), 0);

    // A lookup without proof tells the status only; with the phone number, the applicant too.
    let procedure = seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
    let components: Vec<Value> = procedure
        .components
        .iter()
        .filter(|c| c.required)
        .map(|c| json!({"code": c.code, "digitized": true}))
        .collect();
    let filed = post(
        &c,
        format!("{base}/api/v1/dossiers"),
        None,
        json!({"procedure": "1.001193", "unit": "28777", "components": components,
               "applicant": {"name": "Trần Thị Bình", "id_number": "086190012345", "phone": "0912 345 678"}}),
    )
    .await;
    let code = filed["dossier"]["code"].as_str().unwrap().to_string();
    say(&c, &fake, "u-3", &format!("tra cứu {code}"), "m-3", false).await;
    let sent = until_sent(&c, &fake, "u-3", 1, || server.log()).await;
    let text = sent[0]["text"].as_str().unwrap();
    assert!(text.contains(&format!("Hồ sơ {code} (Đăng ký khai sinh): mới đăng ký.")), "{text}");
    assert!(!text.contains("Trần Thị Bình"), "no personal data without proof: {text}");
    say(&c, &fake, "u-3", &format!("tra cuu {code} sdt 0912345678"), "m-4", false).await;
    let sent = until_sent(&c, &fake, "u-3", 2, || server.log()).await;
    assert!(sent[1]["text"].as_str().unwrap().contains("Người nộp: Trần Thị Bình."), "{}", sent[1]["text"]);

    // A question it cannot answer waits for an officer (the citizen is told so once).
    let (_, body) = say(&c, &fake, "u-2", "mấy giờ trung tâm mở cửa", "m-2", false).await;
    assert_eq!(body["status"], "queued", "{body}");
    let (_, body) = say(&c, &fake, "u-2", "cho hỏi chỗ gửi xe ở đâu", "m-2b", false).await;
    assert_eq!(body["status"], "queued", "{body}");
    let held = until_sent(&c, &fake, "u-2", 1, || server.log()).await;
    assert!(held[0]["text"].as_str().unwrap().contains("chuyển đến cán bộ"), "{}", held[0]["text"]);
    let login =
        post(&c, format!("{base}/api/v1/auth/login"), None, json!({"username": "tn", "password": PASSWORD})).await;
    let token = login["token"].as_str().unwrap().to_string();
    let waiting: Vec<Value> = c
        .get(format!("{base}/api/v1/assistant/waiting"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(waiting.len(), 2, "{waiting:?}");
    assert_eq!(
        (waiting[0]["user_id"].as_str(), waiting[0]["text"].as_str()),
        (Some("u-2"), Some("mấy giờ trung tâm mở cửa"))
    );

    // An empty reply is refused; the officer's reply reaches the citizen and empties the queue.
    let reply = |id: i64, text: &str| {
        c.post(format!("{base}/api/v1/assistant/waiting/{id}/reply"))
            .bearer_auth(&token)
            .json(&json!({"text": text}))
            .send()
    };
    let last = waiting[1]["id"].as_i64().unwrap();
    let r = reply(last, "   ").await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "ASSISTANT_REPLY_EMPTY");
    let r = reply(last, "Trung tâm làm việc từ 7 giờ 30; xe gửi ở sân sau.").await.unwrap();
    assert_eq!(r.status(), 202);
    let sent = until_sent(&c, &fake, "u-2", 2, || server.log()).await;
    assert_eq!(sent[1]["text"], "Trung tâm làm việc từ 7 giờ 30; xe gửi ở sân sau.");
    let r = reply(last, "lần hai").await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "ASSISTANT_MESSAGE_NOT_WAITING");
    let waiting: Vec<Value> = c
        .get(format!("{base}/api/v1/assistant/waiting"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(waiting.is_empty(), "{waiting:?}");

    // The same through the back-office page, without JavaScript: the queue, the conversation, a reply.
    let (_, body) = say(&c, &fake, "u-4", "tôi muốn phản ánh tiếng ồn ban đêm", "m-5", false).await;
    assert_eq!(body["status"], "queued", "{body}");
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let cookies = format!("motcua_session={token}; motcua_csrf={CSRF}");
    let page = |path: String| browser.get(format!("{base}{path}")).header("cookie", cookies.clone()).send();
    let r = page("/can-bo/tro-ly".into()).await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("tôi muốn phản ánh tiếng ồn ban đêm") && html.contains("Tin nhắn Zalo"), "{html}");
    let id = html.split("href=\"/can-bo/tro-ly/").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let html = page(format!("/can-bo/tro-ly/{id}")).await.unwrap().text().await.unwrap();
    assert!(html.contains("<label for=\"noi-dung\">"), "{html}");
    let form = |text: &str| {
        browser
            .post(format!("{base}/can-bo/tro-ly/{id}"))
            .header("cookie", cookies.clone())
            .form(&[("csrf", CSRF), ("noi_dung", text)])
            .send()
    };
    let r = form("").await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("error-summary") && html.contains("Vui lòng nhập nội dung trả lời."), "{html}");
    let r = form("Xin cảm ơn, cán bộ phường sẽ liên hệ bạn trong ngày.").await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/can-bo/tro-ly?xong=1");
    let sent = until_sent(&c, &fake, "u-4", 2, || server.log()).await;
    assert_eq!(sent[1]["text"], "Xin cảm ơn, cán bộ phường sẽ liên hệ bạn trong ngày.");

    // Nothing is sent twice: u-1 got one answer in all.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sent_to(&c, &fake, "u-1").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_zalo_assistant_answers_once_hands_over_and_relays_officers_replies() {
    let dir = TempDir::new("assistant");
    run(&dir, &format!("sqlite://{}", dir.path().join("motcua.db").display())).await;
    let admin =
        std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let url = scratch::fresh_postgres(&admin, "motcua_cli_assistant").await.expect("PostgreSQL for the tests");
    let dir = TempDir::new("assistant-pg");
    run(&dir, &url).await;
    scratch::drop_postgres(&admin, &url).await;
}

//! Citizen notifications end to end on real processes, on SQLite and PostgreSQL: `motcua serve`
//! sends e-mail to a real SMTP server (Python `aiosmtpd`, started here) and SMS through
//! `motcua fake-sms` over HTTP, which first answers an error (retried with backoff) and later
//! posts a delivery report. A restarted server sends nothing twice.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::TempDir;
use common::live::{PASSWORD, Proc, free_port, motcua, post, prepare};
use motcua_domain::catalog::seed_procedures;
use motcua_storage::scratch;
use serde_json::{Value, json};

fn smtp_server(dir: &Path, port: u16, maildir: &Path) -> Proc {
    let probe = Command::new("python3").args(["-c", "import aiosmtpd"]).status();
    assert!(
        probe.is_ok_and(|s| s.success()),
        "Python's aiosmtpd is required for the notification tests: run scripts/setup \
         (or python3 -m pip install --user aiosmtpd)"
    );
    let listen = format!("127.0.0.1:{port}");
    let args = ["-m", "aiosmtpd", "-n", "-l", &listen, "-c", "aiosmtpd.handlers.Mailbox", maildir.to_str().unwrap()];
    Proc::start(dir, "smtpd", "python3", &args, &[])
}

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

/// (subject, text part) of every message in the maildir, decoded by Python's `email` package.
fn mails(maildir: &Path) -> Vec<(String, String)> {
    let script = concat!(
        "import mailbox,sys,json,email,email.policy\n",
        "box = mailbox.Maildir(sys.argv[1], factory=None, create=False)\n",
        "ms = [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default) for k in sorted(box.keys())]\n",
        "print(json.dumps([[str(m['subject']), m.get_body(('plain',)).get_content(), m.get_body(('html',)) is not None] for m in ms]))\n",
    );
    if !maildir.join("new").exists() {
        return Vec::new();
    }
    let out = Command::new("python3").args(["-c", script, maildir.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Vec<(String, String, bool)> = serde_json::from_slice(&out.stdout).unwrap();
    v.into_iter()
        .map(|(s, t, html)| {
            assert!(html, "an HTML part too");
            (s, t)
        })
        .collect()
}

/// Submits and receives a dossier whose applicant gave `contact`; returns its code.
async fn received(c: &reqwest::Client, base: &str, token: &str, contact: Value) -> String {
    let p = seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
    let components: Vec<Value> =
        p.components.iter().filter(|c| c.required).map(|c| json!({"code": c.code, "digitized": true})).collect();
    let mut applicant = json!({"name": "Trần Thị Bình", "id_number": "086190012345"});
    applicant.as_object_mut().unwrap().extend(contact.as_object().unwrap().clone());
    let body = json!({"procedure": "1.001193", "unit": "28777", "components": components, "applicant": applicant});
    let d = post(c, format!("{base}/api/v1/dossiers"), None, body).await;
    let code = d["dossier"]["code"].as_str().unwrap().to_string();
    post(c, format!("{base}/api/v1/dossiers/{code}/receive"), Some(token), json!({})).await;
    code
}

async fn notifications(c: &reqwest::Client, base: &str, token: &str, code: &str) -> Vec<Value> {
    let r = c.get(format!("{base}/api/v1/dossiers/{code}/notifications")).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn until(what: &str, log: impl Fn() -> String, mut ok: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ok().await {
        assert!(Instant::now() < deadline, "{what} never happened: {}", log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn serve(dir: &Path, url: &str, port: u16, smtp: u16, sms: u16) -> Proc {
    let base = format!("http://127.0.0.1:{port}");
    let env = [
        ("MOTCUA_SMTP_URL", format!("smtp://127.0.0.1:{smtp}")),
        ("MOTCUA_SMTP_FROM", "Một cửa Phường An Hội <motcua@anhoi.example.vn>".to_string()),
        ("MOTCUA_SMS_URL", format!("http://127.0.0.1:{sms}")),
        ("MOTCUA_PUBLIC_URL", base),
        ("MOTCUA_NOTIFY_BACKOFF_MS", "100".to_string()),
        ("MOTCUA_SMS_REPORT_TOKEN", "bi mat/cong sms".to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Proc::start(dir, "serve", motcua(), &["serve", "--database", url, "--listen", &format!("127.0.0.1:{port}")], &env)
}

async fn run(dir: &TempDir, url: &str) {
    prepare(url).await;
    let (smtp_port, sms_port, our_port) = (free_port(), free_port(), free_port());
    let (base, fake) = (format!("http://127.0.0.1:{our_port}"), format!("http://127.0.0.1:{sms_port}"));
    let maildir = dir.path().join("maildir");
    let mut smtpd = smtp_server(dir.path(), smtp_port, &maildir);
    let sms_args =
        ["fake-sms", "--listen", &format!("127.0.0.1:{sms_port}"), "--fail-first", "1", "--report-delay-ms", "200"];
    let mut gateway = Proc::start(dir.path(), "fake-sms", motcua(), &sms_args, &[]);
    let mut server = serve(dir.path(), url, our_port, smtp_port, sms_port);
    wait_tcp(smtp_port, &mut smtpd).await;
    wait_tcp(sms_port, &mut gateway).await;
    wait_tcp(our_port, &mut server).await;
    let c = reqwest::Client::new();
    let login =
        post(&c, format!("{base}/api/v1/auth/login"), None, json!({"username": "tn", "password": PASSWORD})).await;
    let token = login["token"].as_str().unwrap().to_string();

    // E-mail: a real SMTP server receives the Vietnamese message with both parts.
    let by_mail = received(&c, &base, &token, json!({"email": "binh@example.vn", "phone": "0912345678"})).await;
    until("the e-mail", || server.log(), async || mails(&maildir).len() == 1).await;
    let (subject, text) = mails(&maildir).remove(0);
    assert_eq!(subject, format!("Hồ sơ {by_mail} đã được tiếp nhận"));
    assert!(text.contains("Kính gửi Ông/Bà Trần Thị Bình"), "{text}");
    assert!(text.contains("Ngày hẹn trả kết quả: "), "{text}");
    assert!(text.contains(&format!("{base}/tra-cuu/{by_mail}")), "{text}");
    until(
        "delivered status",
        || server.log(),
        async || notifications(&c, &base, &token, &by_mail).await.first().is_some_and(|n| n["status"] == "delivered"),
    )
    .await;

    // SMS: the gateway first answers 503 (retried), then accepts; its report marks it delivered.
    let by_sms = received(&c, &base, &token, json!({"phone": "0987 654 321"})).await;
    until(
        "the SMS delivery report",
        || server.log(),
        async || notifications(&c, &base, &token, &by_sms).await.first().is_some_and(|n| n["status"] == "delivered"),
    )
    .await;
    let n = notifications(&c, &base, &token, &by_sms).await;
    assert_eq!((n.len(), n[0]["channel"].as_str(), n[0]["attempts"].as_u64()), (1, Some("sms"), Some(2)));
    assert_eq!(n[0]["kind"], "received");
    let sent: Vec<Value> = c.get(format!("{fake}/sms/messages")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["to"], "84987654321");
    let text = sent[0]["text"].as_str().unwrap();
    assert!(text.starts_with(&format!("Ho so {by_sms} da duoc tiep nhan, hen tra ket qua ")), "{text}");
    assert_eq!(sent[0]["unicode"], false);

    // A restarted server sends nothing twice.
    drop(server);
    let mut server = serve(dir.path(), url, our_port, smtp_port, sms_port);
    wait_tcp(our_port, &mut server).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(mails(&maildir).len(), 1, "no duplicate e-mail");
    let sent: Vec<Value> = c.get(format!("{fake}/sms/messages")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sent.len(), 1, "no duplicate SMS");
    // A bad delivery report is refused with a clear error and changes nothing.
    let r = c
        .post(format!("{base}/api/v1/notify/sms-reports"))
        .json(&json!({"message_id": "SMS00000001", "status": "LOST"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "BAD_REPORT_TOKEN", "a report without the token is refused");
    let r = c
        .post(format!("{base}/api/v1/notify/sms-reports?token=bi%20mat%2Fcong%20sms"))
        .json(&json!({"message_id": "SMS00000001", "status": "LOST"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "INVALID_DELIVERY_STATUS");
    assert_eq!(notifications(&c, &base, &token, &by_sms).await[0]["status"], "delivered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizens_get_email_and_sms_with_retries_reports_and_no_duplicates() {
    let dir = TempDir::new("notify");
    run(&dir, &format!("sqlite://{}", dir.path().join("motcua.db").display())).await;
    let admin =
        std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let url = scratch::fresh_postgres(&admin, "motcua_cli_notify").await.expect("PostgreSQL for the tests");
    let dir = TempDir::new("notify-pg");
    run(&dir, &url).await;
    scratch::drop_postgres(&admin, &url).await;
}

//! E-mail over TLS end to end, on SQLite and PostgreSQL: the test makes a private CA and a
//! server certificate for `localhost` with `openssl`, starts Python's `aiosmtpd` with STARTTLS
//! required (`smtp+starttls://`) or with implicit TLS (`smtps://`), and `motcua serve` trusting
//! that CA (`MOTCUA_SMTP_CA`) delivers the citizen's Vietnamese message through it.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::TempDir;
use common::live::{PASSWORD, Proc, free_port, motcua, post, prepare};
use motcua_domain::catalog::seed_procedures;
use motcua_storage::scratch;
use serde_json::{Value, json};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(dir).args(args).output().expect("openssl is required");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// `ca.pem` and `server.pem` / `server.key` (for `localhost`, signed by the CA) in `dir`.
fn certificates(dir: &Path) {
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    let mut ca =
        vec!["req", "-x509", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Motcua Test CA"];
    ca.extend(ec);
    openssl(dir, &ca);
    let mut csr = vec!["req", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"];
    csr.extend(ec);
    openssl(dir, &csr);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
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

fn mail_count(maildir: &Path) -> usize {
    std::fs::read_dir(maildir.join("new")).map_or(0, |d| d.count())
}

async fn run(dir: &TempDir, url: &str, implicit: bool) {
    prepare(url).await;
    certificates(dir.path());
    let (smtp_port, our_port) = (free_port(), free_port());
    let base = format!("http://127.0.0.1:{our_port}");
    let maildir = dir.path().join("maildir");
    let (cert, key) = (dir.path().join("server.pem"), dir.path().join("server.key"));
    let listen = format!("localhost:{smtp_port}");
    let (cert_flag, key_flag) = if implicit { ("--smtpscert", "--smtpskey") } else { ("--tlscert", "--tlskey") };
    let args = [
        "-m",
        "aiosmtpd",
        "-n",
        "-l",
        &listen,
        cert_flag,
        cert.to_str().unwrap(),
        key_flag,
        key.to_str().unwrap(),
        "-c",
        "aiosmtpd.handlers.Mailbox",
        maildir.to_str().unwrap(),
    ];
    let mut smtpd = Proc::start(dir.path(), "smtpd", "python3", &args, &[]);
    let scheme = if implicit { "smtps" } else { "smtp+starttls" };
    let env = [
        ("MOTCUA_SMTP_URL", format!("{scheme}://localhost:{smtp_port}")),
        ("MOTCUA_SMTP_CA", dir.path().join("ca.pem").display().to_string()),
        ("MOTCUA_SMTP_FROM", "Một cửa Phường An Hội <motcua@anhoi.example.vn>".to_string()),
        ("MOTCUA_PUBLIC_URL", base.clone()),
        ("MOTCUA_NOTIFY_BACKOFF_MS", "100".to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let serve_args = ["serve", "--database", url, "--listen", &format!("127.0.0.1:{our_port}")];
    let mut server = Proc::start(dir.path(), "serve", motcua(), &serve_args, &env);
    wait_tcp(smtp_port, &mut smtpd).await;
    wait_tcp(our_port, &mut server).await;

    let c = reqwest::Client::new();
    let login = post(&c, format!("{base}/api/v1/auth/login"), None, json!({"username": "tn", "password": PASSWORD}));
    let token = login.await["token"].as_str().unwrap().to_string();
    let p = seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
    let components: Vec<Value> =
        p.components.iter().filter(|c| c.required).map(|c| json!({"code": c.code, "digitized": true})).collect();
    let applicant = json!({"name": "Trần Thị Bình", "id_number": "086190012345", "email": "binh@example.vn"});
    let body = json!({"procedure": "1.001193", "unit": "28777", "components": components, "applicant": applicant});
    let d = post(&c, format!("{base}/api/v1/dossiers"), None, body).await;
    let code = d["dossier"]["code"].as_str().unwrap().to_string();
    post(&c, format!("{base}/api/v1/dossiers/{code}/receive"), Some(&token), json!({})).await;

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = c.get(format!("{base}/api/v1/dossiers/{code}/notifications")).bearer_auth(&token).send().await.unwrap();
        let n: Vec<Value> = r.json().await.unwrap();
        if n.first().is_some_and(|n| n["status"] == "delivered") {
            break;
        }
        assert!(Instant::now() < deadline, "{scheme}: never delivered: {n:?}\n{}\n{}", server.log(), smtpd.log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(mail_count(&maildir), 1, "{scheme}: the server received the message");
    let raw = std::fs::read_dir(maildir.join("new")).unwrap().next().unwrap().unwrap().path();
    let raw = std::fs::read_to_string(raw).unwrap();
    assert!(raw.contains("binh@example.vn") && raw.contains("multipart/alternative"), "{raw}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_goes_over_starttls_or_implicit_tls_to_a_server_with_a_private_ca() {
    for implicit in [false, true] {
        let dir = TempDir::new("notify-tls");
        run(&dir, &format!("sqlite://{}", dir.path().join("motcua.db").display()), implicit).await;
        let admin =
            std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let url = scratch::fresh_postgres(&admin, "motcua_cli_notify_tls").await.expect("PostgreSQL for the tests");
        let dir = TempDir::new("notify-tls-pg");
        run(&dir, &url, implicit).await;
        scratch::drop_postgres(&admin, &url).await;
    }
}

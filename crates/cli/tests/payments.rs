//! Online payment end to end on real processes: `motcua fake-vnpay` and `motcua serve` configured
//! with `MOTCUA_PAYMENTS_CONFIG` (the secret from the environment), over real HTTP, on SQLite and
//! PostgreSQL. One payment is confirmed by VNPay's IPN; one whose IPN never comes is settled by
//! the reconciliation job's status query. No secret (merchant secret, staff password and token,
//! citizens' secrets, metrics token) reaches the server's output, whose log lines are JSON with a
//! request id.

mod common;

use std::time::{Duration, Instant};

use common::TempDir;
use common::live::{PASSWORD, Proc, free_port, motcua, post, prepare};
use common::logs::{assert_json_with_request_ids, assert_no_secret};
use motcua_domain::catalog::seed_procedures;
use motcua_storage::scratch;
use serde_json::{Value, json};

const SECRET: &str = "bi-mat-thu-nghiem-cua-phuong-an-hoi";
const METRICS_TOKEN: &str = "ma-do-luong-khong-duoc-ghi-log";
async fn wait_up(url: &str, proc: &mut Proc) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(url).await.is_err() {
        if let Some(status) = proc.0.try_wait().unwrap() {
            panic!("exited with {status}: {}", proc.log());
        }
        assert!(Instant::now() < deadline, "{url} never answered: {}", proc.log());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A dossier of Phường An Hội waiting for 50,000 đồng; (code, secret).
async fn owing(c: &reqwest::Client, base: &str, token: &str) -> (String, String) {
    let p = seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
    let components: Vec<Value> =
        p.components.iter().filter(|c| c.required).map(|c| json!({"code": c.code, "digitized": true})).collect();
    let body = json!({"procedure": "1.001193", "unit": "28777", "components": components,
        "applicant": {"name": "Trần Thị Bình", "id_number": "086190012345", "phone": "0912345678"}});
    let d = post(c, format!("{base}/api/v1/dossiers"), None, body).await;
    let code = d["dossier"]["code"].as_str().unwrap().to_string();
    post(c, format!("{base}/api/v1/dossiers/{code}/receive"), Some(token), json!({})).await;
    let fees = json!({"fees": [{"name": "Lệ phí", "amount": 50000}]});
    post(c, format!("{base}/api/v1/dossiers/{code}/request_financial_obligation"), Some(token), fees).await;
    (code, d["secret"].as_str().unwrap().to_string())
}

/// Opens a VNPay payment and pays it on the fake gateway's page with the given IPN behaviour.
async fn pay(c: &reqwest::Client, base: &str, fake: &str, code: &str, secret: &str, ipn: &str) {
    let url = format!("{base}/api/v1/dossiers/{code}/payments?secret={secret}");
    let opened = post(c, url, None, json!({"method": "vnpay"})).await;
    let pay_url = opened["pay_url"].as_str().unwrap();
    assert!(pay_url.starts_with(&format!("{fake}/paymentv2/vpcpay.html?")), "{pay_url}");
    assert_eq!(c.get(pay_url).send().await.unwrap().status(), 200);
    let q = pay_url.split_once('?').unwrap().1;
    let form = [("q", q), ("outcome", "paid"), ("ipn", ipn)];
    let r = c.post(format!("{fake}/paymentv2/pay")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
}

async fn status_of(c: &reqwest::Client, base: &str, code: &str, secret: &str) -> (u64, u64) {
    let d: Value =
        c.get(format!("{base}/api/v1/dossiers/{code}?secret={secret}")).send().await.unwrap().json().await.unwrap();
    (d["status_code"].as_u64().unwrap(), d["online_payment"].as_u64().unwrap())
}

async fn run(dir: &TempDir, url: &str) {
    prepare(url).await;
    let (fake_port, our_port) = (free_port(), free_port());
    let (fake, base) = (format!("http://127.0.0.1:{fake_port}"), format!("http://127.0.0.1:{our_port}"));
    let config = json!({
        "vnpay": {"payment_url": format!("{fake}/paymentv2/vpcpay.html"),
                  "api_url": format!("{fake}/merchant_webapi/api/transaction"),
                  "return_url": format!("{base}/thanh-toan/ket-qua"), "expire_minutes": 15},
        "merchants": {"28777": {"tmn_code": "ANHOI001", "secret_env": "MOTCUA_VNPAY_SECRET_28777"}},
        "bank_accounts": {"28777": {"bin": "970436", "account": "0011001234567", "holder": "UBND PHUONG AN HOI"}},
        "reconcile": {"first_ms": 300, "max_ms": 1000, "idle_ms": 50}
    });
    let config_file = dir.path().join("payments.json");
    std::fs::write(&config_file, config.to_string()).unwrap();
    let ipn = format!("{base}/api/v1/payments/vnpay/ipn");
    let mut gateway = Proc::start(
        dir.path(),
        "fake-vnpay",
        motcua(),
        &[
            "fake-vnpay",
            "--listen",
            &format!("127.0.0.1:{fake_port}"),
            "--merchant",
            "ANHOI001:env:S",
            "--ipn-url",
            &ipn,
        ],
        &[("S", SECRET)],
    );
    let mut server = Proc::start(
        dir.path(),
        "serve",
        motcua(),
        &["serve", "--database", url, "--listen", &format!("127.0.0.1:{our_port}")],
        &[
            ("MOTCUA_PAYMENTS_CONFIG", config_file.to_str().unwrap()),
            ("MOTCUA_VNPAY_SECRET_28777", SECRET),
            ("MOTCUA_METRICS_TOKEN", METRICS_TOKEN),
            ("MOTCUA_LOG_FORMAT", "json"),
        ],
    );
    wait_up(&format!("{fake}/ledger"), &mut gateway).await;
    wait_up(&format!("{base}/api/v1/health"), &mut server).await;
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login =
        post(&c, format!("{base}/api/v1/auth/login"), None, json!({"username": "tn", "password": PASSWORD})).await;
    let token = login["token"].as_str().unwrap().to_string();

    // Confirmed by the IPN before the citizen is even sent back.
    let (first, first_secret) = owing(&c, &base, &token).await;
    pay(&c, &base, &fake, &first, &first_secret, "now").await;
    assert_eq!(status_of(&c, &base, &first, &first_secret).await, (4, 2));

    // The IPN never comes: the reconciliation job asks VNPay and settles it.
    let (second, second_secret) = owing(&c, &base, &token).await;
    pay(&c, &base, &fake, &second, &second_secret, "never").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while status_of(&c, &base, &second, &second_secret).await != (4, 2) {
        assert!(Instant::now() < deadline, "never reconciled: {}", server.log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ledger: Value = c.get(format!("{fake}/ledger")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ledger["txns"][0]["ipn_answers"], json!(["00"]));
    assert_eq!(ledger["txns"][1]["ipn_answers"], json!([]));
    assert!(ledger["queries"].as_u64().unwrap() >= 1);
    // A caller's request id is kept; the metrics are read with their token.
    let r = c.get(format!("{base}/metrics")).bearer_auth(METRICS_TOKEN).header("x-request-id", "tram-thu-1").send();
    let r = r.await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["x-request-id"].to_str().unwrap()), (200, "tram-thu-1"));
    assert!(r.text().await.unwrap().contains("motcua_dossiers{status=\"processing\",code=\"4\"} 2"));
    drop(server);
    drop(gateway);
    let secrets = [SECRET, PASSWORD, METRICS_TOKEN, &token, &first_secret, &second_secret];
    for label in ["serve", "fake-vnpay"] {
        assert_no_secret(dir.path(), label, &secrets);
    }
    let ids = assert_json_with_request_ids(dir.path(), "serve");
    assert!(ids.iter().any(|id| id == "tram-thu-1"), "{ids:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vnpay_payments_settle_through_ipn_or_reconciliation_on_real_processes() {
    let dir = TempDir::new("payments");
    run(&dir, &format!("sqlite://{}", dir.path().join("motcua.db").display())).await;
    let admin =
        std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let url = scratch::fresh_postgres(&admin, "motcua_cli_pay").await.expect("PostgreSQL for the tests");
    let dir = TempDir::new("payments-pg");
    run(&dir, &url).await;
    scratch::drop_postgres(&admin, &url).await;
}

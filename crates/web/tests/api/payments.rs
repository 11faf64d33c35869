//! Paying fees through VNPay, end to end over real HTTP on SQLite and PostgreSQL: a second server
//! on the test app's database with payments configured, the in-process fake VNPay (same protocol:
//! payment page, IPN to us, signed return, querydr) and the reconciliation job, all on the test
//! clock. Each refused or repeated notice is checked to change nothing.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use motcua_domain::dossier::DossierCode;
use motcua_domain::payment::vietqr::BankAccount;
use motcua_domain::payment::vnpay::{self, Merchant, Secret};
use motcua_domain::ports::{DossierStore, PaymentStore};
use motcua_domain::staff::Role;
use motcua_web::AppState;
use motcua_web::payments::fake::FakeVnpay;
use motcua_web::payments::{Gateways, ReconcilePolicy, VnpayEndpoints};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{BACKENDS, Backend, TestApp};

pub const TMN: &str = "ANHOI001";
pub const SECRET: &str = "BI-MAT-CUA-PHUONG-AN-HOI-0123456789";

/// The test app, a payments-enabled server on its database, the fake gateway and the job.
pub struct Pay {
    pub app: TestApp,
    pub base: String,
    pub fake: Arc<FakeVnpay>,
    pub fake_base: String,
    /// Does not follow redirects, so each hop is seen.
    pub client: reqwest::Client,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Pay {
    pub async fn start(backend: Backend) -> Pay {
        let app = TestApp::spawn(backend).await;
        let ours = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let theirs = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", ours.local_addr().unwrap());
        let fake_base = format!("http://{}", theirs.local_addr().unwrap());
        let secrets = HashMap::from([(TMN.to_string(), Secret::new(SECRET))]);
        let fake = FakeVnpay::new(secrets, format!("{base}/api/v1/payments/vnpay/ipn"), app.clock.clone());
        let gateways = Gateways::new(Some(VnpayEndpoints {
            payment_url: format!("{fake_base}/paymentv2/vpcpay.html"),
            api_url: format!("{fake_base}/merchant_webapi/api/transaction"),
            return_url: format!("{base}/thanh-toan/ket-qua"),
            expire: StdDuration::from_secs(15 * 60),
        }))
        .with_merchant("28777", Merchant { tmn_code: TMN.into(), secret: Secret::new(SECRET) })
        .with_account(
            "28777",
            BankAccount { bin: "970436".into(), account: "0011001234567".into(), holder: "UBND".into() },
        )
        .with_policy(ReconcilePolicy {
            first: StdDuration::from_secs(60),
            max: StdDuration::from_secs(600),
            grace: StdDuration::from_secs(60),
            idle: StdDuration::from_millis(20),
        });
        let state = AppState::new(app.db.clone(), app.clock.clone()).with_payments(gateways);
        let router = fake.router();
        let tasks = vec![
            tokio::spawn(async move { axum::serve(theirs, router).await.unwrap() }),
            tokio::spawn({
                let state = state.clone();
                async move { motcua_web::serve(ours, state, std::future::pending()).await.unwrap() }
            }),
            motcua_web::payments::reconcile::spawn(state),
        ];
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Pay { app, base, fake, fake_base, client, tasks }
    }

    pub async fn stop(self) {
        for t in &self.tasks {
            t.abort();
        }
        self.app.stop().await;
    }

    /// A received birth registration sent to its financial-obligation step owing 50,000 đồng.
    pub async fn owing_dossier(&self) -> (String, String) {
        let (code, secret) = self.app.submit_birth().await;
        let intake = self.app.token("28777", Role::IntakeOfficer).await;
        self.app.act(&code, "receive", &intake, json!({})).await;
        let fees = json!({"fees": [{"name": "Lệ phí cấp bản sao trích lục", "amount": 25000, "copies": 2}]});
        let d = self.app.act(&code, "request_financial_obligation", &intake, fees).await;
        assert_eq!(d["status_code"], 6, "{d}");
        (code, secret)
    }

    pub async fn open_vnpay(&self, code: &str, secret: &str) -> Value {
        let r = self
            .client
            .post(format!("{}/api/v1/dossiers/{code}/payments", self.base))
            .header("x-dossier-secret", secret)
            .json(&json!({"method": "vnpay"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json().await.unwrap()
    }

    /// Opens the payment page of `pay_url` and submits it; returns the redirect back to us.
    pub async fn pay(&self, pay_url: &str, outcome: &str, ipn: &str, copies: u32) -> String {
        let page = self.client.get(pay_url).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("50000 VND"));
        let q = pay_url.split_once('?').unwrap().1.to_string();
        let form = [("q", q), ("outcome", outcome.into()), ("ipn", ipn.into()), ("copies", copies.to_string())];
        let r = self.client.post(format!("{}/paymentv2/pay", self.fake_base)).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        r.headers()["location"].to_str().unwrap().to_string()
    }

    pub async fn ipn(&self, params: &BTreeMap<String, String>) -> String {
        let r = self.client.get(format!("{}/api/v1/payments/vnpay/ipn", self.base)).query(params).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.unwrap();
        v["RspCode"].as_str().unwrap().to_string()
    }

    /// The dossier's version, events, status, online flag and payment states: what "nothing else
    /// changed" compares.
    pub async fn footprint(&self, code: &str) -> (u32, usize, u8, u8, Vec<String>) {
        let code = DossierCode::parse(code).unwrap();
        let d = self.app.db.dossier(&code).await.unwrap().unwrap();
        let payments = self.app.db.dossier_payments(&code).await.unwrap();
        let states = payments.iter().map(|p| p.state.as_str().to_string()).collect();
        (d.version, self.app.db.events(&code).await.unwrap().len(), d.status.code(), d.online_payment, states)
    }

    pub async fn wait_for_status(&self, code: &str, status: u8) {
        for _ in 0..200 {
            if self.footprint(code).await.2 == status {
                return;
            }
            tokio::time::sleep(StdDuration::from_millis(25)).await;
        }
        panic!("{code} never reached status {status}: {:?}", self.footprint(code).await);
    }

    pub async fn wait_for_state(&self, code: &str, state: &str) {
        for _ in 0..200 {
            if self.footprint(code).await.4.iter().any(|s| s == state) {
                return;
            }
            tokio::time::sleep(StdDuration::from_millis(25)).await;
        }
        panic!("payment of {code} never became {state}: {:?}", self.footprint(code).await);
    }
}

/// The signed result parameters VNPay would send for payment `reference` of `amount` đồng.
pub fn notice(reference: &str, amount: i64, response: &str) -> BTreeMap<String, String> {
    let mut p: BTreeMap<String, String> = [
        ("vnp_Amount", (amount * 100).to_string()),
        ("vnp_BankCode", "NCB".into()),
        ("vnp_OrderInfo", "Thanh toán lệ phí hồ sơ".into()),
        ("vnp_PayDate", "20261123091000".into()),
        ("vnp_ResponseCode", response.into()),
        ("vnp_TmnCode", TMN.into()),
        ("vnp_TransactionNo", "14999999".into()),
        ("vnp_TransactionStatus", if response == "00" { "00".into() } else { "02".into() }),
        ("vnp_TxnRef", reference.into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let hash = vnpay::sign(&p, &Secret::new(SECRET));
    p.insert("vnp_SecureHash".into(), hash);
    p
}

#[tokio::test]
async fn a_citizen_pays_through_vnpay_and_the_dossier_continues() {
    for backend in BACKENDS {
        let pay = Pay::start(backend).await;
        let (code, secret) = pay.owing_dossier().await;
        let opened = pay.open_vnpay(&code, &secret).await;
        assert_eq!(opened["payment"]["amount"], 50_000);
        assert_eq!(opened["payment"]["amount_in_words"], "Năm mươi nghìn đồng");
        assert_eq!(opened["payment"]["state"], "pending");
        // The IPN reaches us before the citizen comes back.
        let back = pay.pay(opened["pay_url"].as_str().unwrap(), "paid", "now", 1).await;
        assert!(back.starts_with(&format!("{}/thanh-toan/ket-qua?", pay.base)), "{back}");
        assert_eq!(pay.fake.transactions()[0].ipn_answers, ["00"]);
        let (_, events, status, flag, states) = pay.footprint(&code).await;
        // Payment opened, paid, then the obligation met by the system: processing resumes.
        assert_eq!((status, flag, states), (4, 2, vec!["paid".to_string()]));
        let (_, log) = pay.app.get(&format!("/api/v1/dossiers/{code}/events?secret={secret}"), None).await;
        let commands: Vec<_> = log.as_array().unwrap().iter().map(|e| e["command"].as_str().unwrap()).collect();
        assert_eq!(
            commands[commands.len() - 3..],
            ["record_payment", "record_payment", "confirm_financial_obligation"],
            "{events} {log}"
        );
        // The return page shows what is known; coming back again changes nothing.
        let before = pay.footprint(&code).await;
        let page = pay.client.get(&back).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("Đã thanh toán"));
        assert_eq!(pay.footprint(&code).await, before);
        let (_, list) = pay.app.get(&format!("/api/v1/dossiers/{code}/payments?secret={secret}"), None).await;
        assert_eq!(list[0]["gateway_txn"], "14000001");
        let verified = pay.app.db.verify_all().await.unwrap();
        assert!(verified.broken.is_empty() && verified.drifted.is_empty());
        pay.stop().await;
    }
}

#[tokio::test]
async fn tampered_wrong_amount_and_unknown_notices_change_nothing() {
    for backend in BACKENDS {
        let pay = Pay::start(backend).await;
        let (code, secret) = pay.owing_dossier().await;
        let opened = pay.open_vnpay(&code, &secret).await;
        let reference = opened["payment"]["reference"].as_str().unwrap();
        let before = pay.footprint(&code).await;
        let mut tampered = notice(reference, 50_000, "00");
        tampered.insert("vnp_Amount".into(), "100".into());
        assert_eq!(pay.ipn(&tampered).await, "97");
        let mut unsigned = notice(reference, 50_000, "00");
        unsigned.remove("vnp_SecureHash");
        assert_eq!(pay.ipn(&unsigned).await, "97");
        let mut other_merchant = notice(reference, 50_000, "00");
        other_merchant.insert("vnp_TmnCode".into(), "KHAC0001".into());
        assert_eq!(pay.ipn(&other_merchant).await, "97");
        assert_eq!(pay.ipn(&notice("MC0000000000000000", 50_000, "00")).await, "01");
        assert_eq!(pay.ipn(&notice(reference, 5_000, "00")).await, "04");
        assert_eq!(pay.ipn(&BTreeMap::new()).await, "97");
        assert_eq!(pay.footprint(&code).await, before);
        // The wrong amount is on the day's mismatch report.
        let director = pay.app.token("28777", Role::CenterDirector).await;
        let r = pay.client.get(format!("{}/api/v1/payments/mismatches", pay.base)).bearer_auth(&director).send().await;
        let report: Value = r.unwrap().json().await.unwrap();
        assert_eq!(report.as_array().unwrap().len(), 1, "{report}");
        assert_eq!((report[0]["reference"].as_str(), report[0]["source"].as_str()), (Some(reference), Some("ipn")));
        let bad = pay.client.get(format!("{}/api/v1/payments/mismatches?day=23/11", pay.base)).bearer_auth(&director);
        let bad = bad.send().await.unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.json::<Value>().await.unwrap()["field"], "day");
        let intake = pay.app.token("28777", Role::IntakeOfficer).await;
        let r = pay.client.get(format!("{}/api/v1/payments/mismatches", pay.base)).bearer_auth(&intake).send().await;
        assert_eq!(r.unwrap().status(), StatusCode::FORBIDDEN);
        pay.stop().await;
    }
}

#[tokio::test]
async fn replayed_and_concurrent_duplicate_ipns_confirm_once() {
    for backend in BACKENDS {
        let pay = Pay::start(backend).await;
        let (code, secret) = pay.owing_dossier().await;
        let opened = pay.open_vnpay(&code, &secret).await;
        pay.pay(opened["pay_url"].as_str().unwrap(), "paid", "duplicate", 16).await;
        let mut answers = pay.fake.transactions()[0].ipn_answers.clone();
        answers.sort();
        assert_eq!(answers.len(), 16);
        assert_eq!(answers.iter().filter(|a| *a == "00").count(), 1, "{answers:?}");
        assert!(answers.iter().all(|a| a == "00" || a == "02"), "{answers:?}");
        let after = pay.footprint(&code).await;
        assert_eq!((after.2, after.3, after.4.clone()), (4, 2, vec!["paid".to_string()]));
        let txn = pay.fake.transactions()[0].txn_ref.clone();
        let r = pay.client.post(format!("{}/ipn/resend", pay.fake_base)).form(&[("txn", txn), ("copies", "3".into())]);
        assert_eq!(r.send().await.unwrap().status(), StatusCode::NO_CONTENT);
        assert_eq!(pay.fake.transactions()[0].ipn_answers[16..], ["02", "02", "02"]);
        assert_eq!(pay.footprint(&code).await, after);
        pay.stop().await;
    }
}

#[tokio::test]
async fn a_return_without_ipn_is_settled_by_reconciliation() {
    for backend in BACKENDS {
        let pay = Pay::start(backend).await;
        let (code, secret) = pay.owing_dossier().await;
        let opened = pay.open_vnpay(&code, &secret).await;
        let back = pay.pay(opened["pay_url"].as_str().unwrap(), "paid", "never", 1).await;
        // The return says "paid" (signed), but only the gateway's own word settles it.
        let before = pay.footprint(&code).await;
        let page = pay.client.get(&back).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Đang chờ"), "{page}");
        assert_eq!(pay.footprint(&code).await, before);
        assert_eq!(before.4, ["pending"]);
        pay.app.clock.advance(Duration::seconds(61));
        pay.wait_for_state(&code, "paid").await;
        // Then the dossier continues (right after the payment's own commit).
        pay.wait_for_status(&code, 4).await;
        assert_eq!(pay.footprint(&code).await.3, 2);
        assert!(pay.fake.transactions()[0].ipn_answers.is_empty());
        pay.stop().await;
    }
}

#[tokio::test]
async fn a_late_paid_after_expiry_wins() {
    for backend in BACKENDS {
        let pay = Pay::start(backend).await;
        let (code, secret) = pay.owing_dossier().await;
        let opened = pay.open_vnpay(&code, &secret).await;
        // Nobody paid within the link's 15 minutes and the grace minute: the job expires it.
        for _ in 0..5 {
            pay.app.clock.advance(Duration::minutes(5));
            tokio::time::sleep(StdDuration::from_millis(100)).await;
        }
        pay.wait_for_state(&code, "expired").await;
        let expired = pay.footprint(&code).await;
        assert_eq!((expired.2, expired.3), (6, 0));
        // The citizen had paid after all; VNPay's notice arrives late.
        pay.pay(opened["pay_url"].as_str().unwrap(), "paid", "now", 1).await;
        assert_eq!(pay.fake.transactions()[0].ipn_answers, ["00"]);
        let after = pay.footprint(&code).await;
        assert_eq!((after.0, after.2, after.3, after.4.clone()), (expired.0 + 2, 4, 2, vec!["paid".to_string()]));
        // A stale failure notice afterwards is "already confirmed" and changes nothing.
        let reference = opened["payment"]["reference"].as_str().unwrap();
        assert_eq!(pay.ipn(&notice(reference, 50_000, "51")).await, "02");
        assert_eq!(pay.footprint(&code).await, after);
        // The late payment is on the day's mismatch report.
        let director = pay.app.token("28777", Role::CenterDirector).await;
        let r =
            pay.client.get(format!("{}/api/v1/payments/mismatches?day=2026-11-23", pay.base)).bearer_auth(&director);
        let report: Value = r.send().await.unwrap().json().await.unwrap();
        assert_eq!(
            (report[0]["ours"].as_str(), report[0]["theirs"].as_str()),
            (Some("expired"), Some("paid")),
            "{report}"
        );
        pay.stop().await;
    }
}

#[tokio::test]
async fn cash_at_the_counter_is_recorded_by_an_officer_and_is_not_online() {
    for backend in BACKENDS {
        let pay = Pay::start(backend).await;
        let (code, secret) = pay.owing_dossier().await;
        let cash = format!("{}/api/v1/dossiers/{code}/payments/cash", pay.base);
        let specialist = pay.app.token("28777", Role::Specialist).await;
        let other = pay.app.token("28756", Role::IntakeOfficer).await;
        let before = pay.footprint(&code).await;
        assert_eq!(
            pay.client.post(&cash).bearer_auth(&specialist).send().await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(pay.client.post(&cash).bearer_auth(&other).send().await.unwrap().status(), StatusCode::NOT_FOUND);
        assert_eq!(pay.footprint(&code).await, before);
        let intake = pay.app.token("28777", Role::IntakeOfficer).await;
        let r = pay.client.post(&cash).bearer_auth(&intake).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let p: Value = r.json().await.unwrap();
        assert_eq!(
            (p["method"].as_str(), p["state"].as_str(), p["amount"].as_i64()),
            (Some("cash"), Some("paid"), Some(50_000))
        );
        let (_, _, status, flag, _) = pay.footprint(&code).await;
        assert_eq!((status, flag), (4, 0));
        // The e-receipt: amount in figures and words, method, and a QR code to verify.
        let receipt = format!("{}/can-bo/ho-so/{code}/bien-lai/{}", pay.base, p["reference"].as_str().unwrap());
        let r = pay.client.get(&receipt).header("cookie", crate::slips::cookies(&intake)).send().await.unwrap();
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let pdf = r.bytes().await.unwrap();
        let text = crate::slips::pdf_text(&pdf, "receipt");
        for want in
            ["BIÊN LAI THU PHÍ, LỆ PHÍ", "50.000 đồng", "Năm mươi nghìn đồng", "Tiền mặt tại quầy", code.as_str()]
        {
            assert!(text.contains(want), "{want} missing from:\n{text}");
        }
        assert!(crate::slips::pdf_qr(&pdf, "receipt").ends_with(&format!("/tra-cuu?ma={code}")));
        let other_receipt = format!("{}/can-bo/ho-so/{code}/bien-lai/MC0000000000000000", pay.base);
        let r = pay.client.get(&other_receipt).header("cookie", crate::slips::cookies(&intake)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        // Nothing is owed any more: neither cash nor VNPay opens another payment.
        let again = pay.client.post(&cash).bearer_auth(&intake).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::CONFLICT);
        let body: Value = again.json().await.unwrap();
        assert_eq!(body["code"], "PAYMENT_ALREADY_PAID");
        let r = pay
            .client
            .post(format!("{}/api/v1/dossiers/{code}/payments?secret={secret}", pay.base))
            .json(&json!({"method": "vnpay"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
        pay.stop().await;
    }
}

#[tokio::test]
async fn bad_payment_requests_are_refused_with_reasons() {
    for backend in BACKENDS {
        let pay = Pay::start(backend).await;
        let (code, secret) = pay.owing_dossier().await;
        let url = format!("{}/api/v1/dossiers/{code}/payments", pay.base);
        let post = |body: Value, secret: &str| {
            pay.client.post(&url).header("x-dossier-secret", secret.to_string()).json(&body).send()
        };
        let before = pay.footprint(&code).await;
        let r = post(json!({"method": "bitcoin"}), &secret).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json::<Value>().await.unwrap()["field"], "method");
        assert_eq!(post(json!({"method": "vnpay"}), "wrong").await.unwrap().status(), StatusCode::NOT_FOUND);
        // A dossier that owes nothing.
        let (free, free_secret) = pay.app.submit_birth().await;
        let r = pay
            .client
            .post(format!("{}/api/v1/dossiers/{free}/payments", pay.base))
            .header("x-dossier-secret", free_secret)
            .json(&json!({"method": "vnpay"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json::<Value>().await.unwrap()["code"], "NOTHING_OWED");
        // The plain test app has no gateway configured.
        let (status, body) = pay
            .app
            .post(&format!("/api/v1/dossiers/{code}/payments?secret={secret}"), None, json!({"method": "vnpay"}))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("PAYMENT_GATEWAY_NOT_CONFIGURED"))
        );
        assert_eq!(pay.footprint(&code).await, before);
        // VietQR: the transfer payload for the unit's account, the dossier code as purpose.
        let r = post(json!({"method": "vietqr"}), &secret).await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        let qr = v["vietqr"].as_str().unwrap();
        assert!(qr.contains("970436") && qr.contains("540550000") && qr.contains(&code), "{qr}");
        pay.stop().await;
    }
}

#[tokio::test]
async fn a_bank_statement_pays_matched_dossiers_and_lists_the_rest_for_an_officer() {
    for backend in BACKENDS {
        let pay = Pay::start(backend).await;
        let (code, _) = pay.owing_dossier().await;
        let (other, _) = pay.owing_dossier().await;
        let url = format!("{}/api/v1/units/28777/bank-statements", pay.base);
        let intake = pay.app.token("28777", Role::IntakeOfficer).await;
        let specialist = pay.app.token("28777", Role::Specialist).await;
        // The bank dropped the dots and dashes of the code.
        let memo: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
        let csv = format!(
            "SAO KE TAI KHOAN,,,\nNgay giao dich,So tham chieu,So tien ghi co,Noi dung\n23/11/2026,FT001,\"50,000\",NOP LE PHI {memo}\n23/11/2026,FT002,\"50,000\",LE PHI HO SO\n"
        );
        let post = |token: &str| pay.client.post(&url).bearer_auth(token.to_string()).body(csv.clone()).send();
        assert_eq!(post(&specialist).await.unwrap().status(), StatusCode::FORBIDDEN);
        let bad =
            pay.client.post(&url).bearer_auth(&intake).body("Ngay,Noi dung,Ghi co\n2026-11-23,x,abc\n").send().await;
        let bad: Value = bad.unwrap().json().await.unwrap();
        assert_eq!((bad["code"].as_str(), bad["field"].as_str()), (Some("INVALID_STATEMENT"), Some("statement")));
        assert_eq!(pay.footprint(&code).await.4, Vec::<String>::new());
        let r: Value = post(&intake).await.unwrap().json().await.unwrap();
        assert_eq!((r["matched"].as_u64(), r["ambiguous"].as_u64()), (Some(1), Some(1)), "{r}");
        let (_, _, status, flag, states) = pay.footprint(&code).await;
        assert_eq!((status, flag, states), (4, 2, vec!["paid".to_string()]));
        assert_eq!(pay.footprint(&other).await.2, 6);
        let again: Value = post(&intake).await.unwrap().json().await.unwrap();
        assert_eq!(again["duplicates"], 2);
        let r =
            pay.client.get(format!("{}/api/v1/units/28777/bank-credits", pay.base)).bearer_auth(&intake).send().await;
        let open: Value = r.unwrap().json().await.unwrap();
        assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
        assert_eq!((open[0]["bank_ref"].as_str(), open[0]["status"].as_str()), (Some("FT002"), Some("ambiguous")));
        assert!(open[0]["candidates"].as_str().unwrap().contains(&other));
        // The officer's page lists it, and takes a statement file too.
        let cookies = crate::slips::cookies(&intake);
        let page = format!("{}/can-bo/doi-soat", pay.base);
        let html = pay.client.get(&page).header("cookie", &cookies).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("FT002") && html.contains("Nhiều hồ sơ phù hợp") && !html.contains("FT001"), "{html}");
        let r = pay.client.get(&page).header("cookie", crate::slips::cookies(&specialist)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let memo: String = other.chars().filter(char::is_ascii_alphanumeric).collect();
        let file = format!("Ngay,So tham chieu,Ghi co,Noi dung\n23/11/2026,FT003,50000,HS {memo}\n");
        let (content_type, body) = crate::files::multipart(&[
            crate::files::Part::text("csrf", crate::slips::CSRF),
            crate::files::Part::file("sao_ke", "saoke.csv", "text/csv", file.into_bytes()),
        ]);
        let r = pay.client.post(&page).header("cookie", &cookies).header("content-type", content_type).body(body);
        let html = r.send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Đã nhập sao kê: 1 khớp"), "{html}");
        assert_eq!(pay.footprint(&other).await.2, 4);
        // The officer assigns the ambiguous credit: to a paid dossier it is refused, then a third
        // dossier owing 50,000 đồng takes it.
        let id = open[0]["id"].as_i64().unwrap();
        let resolve = format!("{}/api/v1/units/28777/bank-credits/{id}/resolve", pay.base);
        let r = pay.client.post(&resolve).bearer_auth(&intake).json(&json!({"dossier": code})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let r = pay.client.post(&resolve).bearer_auth(&intake).json(&json!({"dossier": "khong-phai-ma"})).send().await;
        assert_eq!(r.unwrap().json::<Value>().await.unwrap()["field"], "dossier");
        let (third, _) = pay.owing_dossier().await;
        let form = [("csrf", crate::slips::CSRF), ("ma_ho_so", third.as_str())];
        let r = pay.client.post(format!("{page}/{id}")).header("cookie", &cookies).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(pay.footprint(&third).await.2, 4);
        let r = pay.client.post(&resolve).bearer_auth(&intake).json(&json!({"dossier": third})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        pay.stop().await;
    }
}

#[tokio::test]
async fn the_payment_page_shows_what_is_due_with_a_vietqr_code_and_sends_the_citizen_to_vnpay() {
    for backend in BACKENDS {
        let pay = Pay::start(backend).await;
        let (code, secret) = pay.owing_dossier().await;
        let page = format!("{}/tra-cuu/{code}/thanh-toan", pay.base);
        let csrf = crate::slips::CSRF;
        let cookies = format!("motcua_lookup={code}:s:{secret}; motcua_csrf={csrf}");
        // Without having looked the dossier up in this browser: back to the lookup.
        let r = pay.client.get(&page).send().await.unwrap();
        assert_eq!((r.status(), r.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/tra-cuu"));
        let html = pay.client.get(&page).header("cookie", &cookies).send().await.unwrap().text().await.unwrap();
        for want in
            ["Còn phải nộp", "50.000 đồng", "Năm mươi nghìn đồng", "<svg", "0011001234567", "Thanh toán qua VNPay"]
        {
            assert!(html.contains(want), "{want} missing");
        }
        let en = pay.client.get(format!("{page}?lang=en")).header("cookie", &cookies).send().await.unwrap();
        assert!(en.text().await.unwrap().contains("Still due"));
        // A form without the CSRF token is refused and opens nothing.
        let before = pay.footprint(&code).await;
        let r = pay.client.post(&page).header("cookie", &cookies).form(&[("csrf", "sai")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(pay.footprint(&code).await, before);
        let r = pay.client.post(&page).header("cookie", &cookies).form(&[("csrf", csrf)]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = r.headers()["location"].to_str().unwrap();
        assert!(to.starts_with(&format!("{}/paymentv2/vpcpay.html?", pay.fake_base)), "{to}");
        assert_eq!(pay.footprint(&code).await.4, ["pending"]);
        pay.stop().await;
    }
}

#[tokio::test]
async fn what_is_owed_shows_on_the_lookup_the_staff_page_and_mau_01_with_the_same_vietqr_code() {
    for backend in BACKENDS {
        let pay = Pay::start(backend).await;
        let (code, secret) = pay.owing_dossier().await;
        let account = BankAccount { bin: "970436".into(), account: "0011001234567".into(), holder: "UBND".into() };
        let payload = motcua_domain::payment::vietqr::payload(&account, 50_000, &code);
        // The citizen's lookup offers the payment page for what is still owed.
        let citizen = format!("motcua_lookup={code}:s:{secret}; motcua_csrf={}", crate::slips::CSRF);
        let lookup = format!("{}/tra-cuu/{code}", pay.base);
        let html = pay.client.get(&lookup).header("cookie", &citizen).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("50.000 đồng") && html.contains(&format!("/tra-cuu/{code}/thanh-toan")), "{html}");
        // The officer sees the transfer code on the dossier page, and Mẫu 01 carries the same payload.
        let intake = pay.app.token("28777", Role::IntakeOfficer).await;
        let staff = crate::slips::cookies(&intake);
        let page = format!("{}/can-bo/ho-so/{code}", pay.base);
        let html = pay.client.get(&page).header("cookie", &staff).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("<svg") && html.contains("VietQR"), "{html}");
        let slip = pay.client.get(format!("{page}/phieu/01")).header("cookie", &staff).send().await.unwrap();
        let pdf = slip.bytes().await.unwrap();
        let decoded = crate::slips::pdf_qr(&pdf, &format!("owed-{backend:?}"));
        assert!(decoded.lines().any(|l| l == payload), "{decoded:?} lacks {payload}");
        // Once paid in cash, nothing is owed: no payment link, no transfer code.
        let r = pay
            .client
            .post(format!("{}/api/v1/dossiers/{code}/payments/cash", pay.base))
            .bearer_auth(&intake)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        let html = pay.client.get(&lookup).header("cookie", &citizen).send().await.unwrap().text().await.unwrap();
        assert!(!html.contains(&format!("/tra-cuu/{code}/thanh-toan\"")), "still offered after payment");
        let html = pay.client.get(&page).header("cookie", &staff).send().await.unwrap().text().await.unwrap();
        assert!(!html.contains("VietQR"));
        pay.stop().await;
    }
}

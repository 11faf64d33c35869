//! A local stand-in for VNPay that speaks the same protocol over HTTP, for tests and the demo
//! (`motcua fake-vnpay`): the payment page (checks the signed link, lets the person pay, fail or
//! cancel), the IPN call to the merchant — sent at once, later, several times at once, or never —
//! the signed redirect back to the return URL, and the `querydr` status API.
//!
//! - `GET  /paymentv2/vpcpay.html?…` the payment page;
//! - `POST /paymentv2/pay` (form: `q` the original query, `outcome` paid|fail|cancel, `ipn`
//!   now|after|duplicate|never, `delay_ms`, `copies`) → 303 to the return URL;
//! - `POST /merchant_webapi/api/transaction` the status query;
//! - `POST /ipn/resend` (form: `txn`, `copies`) sends a transaction's IPN again (a replay);
//! - `GET  /ledger` what happened, as JSON.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Form, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Json, Router};
use motcua_domain::clock::Clock;
use motcua_domain::payment::vnpay::{self, QueryRequest, QueryResponse, Secret};
use serde::{Deserialize, Serialize};

/// One transaction the fake gateway completed.
#[derive(Debug, Clone, Serialize)]
pub struct FakeTxn {
    pub tmn_code: String,
    pub txn_ref: String,
    /// × 100, as sent.
    pub amount: String,
    pub order_info: String,
    pub outcome: String,
    pub transaction_no: String,
    pub pay_date: String,
    /// The signed result parameters (the IPN and the return carry them).
    pub result: BTreeMap<String, String>,
    /// `RspCode` of each IPN answer received, in order.
    pub ipn_answers: Vec<String>,
}

#[derive(Default, Serialize)]
struct Ledger {
    txns: Vec<FakeTxn>,
    queries: u64,
    refused_links: u64,
}

/// The fake gateway's state.
pub struct FakeVnpay {
    merchants: HashMap<String, Secret>,
    ipn_url: String,
    clock: Arc<dyn Clock>,
    client: reqwest::Client,
    ledger: Mutex<Ledger>,
}

impl FakeVnpay {
    /// A gateway knowing `merchants` (terminal code → secret) that notifies `ipn_url`.
    pub fn new(merchants: HashMap<String, Secret>, ipn_url: String, clock: Arc<dyn Clock>) -> Arc<FakeVnpay> {
        Arc::new(FakeVnpay {
            merchants,
            ipn_url,
            clock,
            client: reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default(),
            ledger: Mutex::new(Ledger::default()),
        })
    }

    pub fn router(self: &Arc<FakeVnpay>) -> Router {
        use axum::routing::{get, post};
        Router::new()
            .route("/paymentv2/vpcpay.html", get(page))
            .route("/paymentv2/pay", post(pay))
            .route("/merchant_webapi/api/transaction", post(querydr))
            .route("/ipn/resend", post(resend))
            .route("/ledger", get(ledger))
            .with_state(self.clone())
    }

    /// The completed transactions so far.
    pub fn transactions(&self) -> Vec<FakeTxn> {
        self.ledger.lock().expect("ledger").txns.clone()
    }

    /// Verifies a payment link's parameters; the merchant's secret if they hold.
    fn check_link(&self, params: &BTreeMap<String, String>) -> Option<&Secret> {
        let secret = self.merchants.get(params.get("vnp_TmnCode")?)?;
        vnpay::verify(params, secret).ok()?;
        Some(secret)
    }

    /// Sends the IPN of `txn` once; records the answer.
    async fn notify(&self, txn_ref: &str) {
        let Some(result) = self.with_txn(txn_ref, |t| t.result.clone()) else { return };
        let answer = match self.client.get(&self.ipn_url).query(&result).send().await {
            Ok(r) => match r.json::<serde_json::Value>().await {
                Ok(v) => v["RspCode"].as_str().unwrap_or("??").to_string(),
                Err(_) => "unreadable".into(),
            },
            Err(_) => "unreachable".into(),
        };
        self.with_txn(txn_ref, |t| t.ipn_answers.push(answer));
    }

    fn with_txn<T>(&self, txn_ref: &str, f: impl FnOnce(&mut FakeTxn) -> T) -> Option<T> {
        let mut l = self.ledger.lock().expect("ledger");
        l.txns.iter_mut().rev().find(|t| t.txn_ref == txn_ref).map(f)
    }
}

type Fake = State<Arc<FakeVnpay>>;

fn params_of(raw: &str) -> BTreeMap<String, String> {
    form_urlencoded::parse(raw.as_bytes()).into_owned().collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn page(State(fake): Fake, RawQuery(raw): RawQuery) -> Response {
    let raw = raw.unwrap_or_default();
    let p = params_of(&raw);
    if fake.check_link(&p).is_none() {
        fake.ledger.lock().expect("ledger").refused_links += 1;
        return (
            StatusCode::BAD_REQUEST,
            Html("<p>Sai chữ ký hoặc mã website / Invalid signature or terminal code</p>"),
        )
            .into_response();
    }
    let amount: i64 = p.get("vnp_Amount").and_then(|a| a.parse().ok()).unwrap_or(0) / 100;
    let info = escape(p.get("vnp_OrderInfo").map(String::as_str).unwrap_or(""));
    let q = escape(&raw);
    Html(format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>VNPay (giả lập)</title></head><body>
<h1>Cổng thanh toán VNPay (giả lập) / VNPay (fake)</h1>
<p>Số tiền / Amount: <strong>{amount} VND</strong></p><p>Nội dung / Order: {info}</p>
<form method="post" action="/paymentv2/pay"><input type="hidden" name="q" value="{q}">
<label>IPN <select name="ipn"><option>now</option><option>after</option><option>duplicate</option><option>never</option></select></label>
<button name="outcome" value="paid">Thanh toán / Pay</button>
<button name="outcome" value="fail">Thất bại / Fail</button>
<button name="outcome" value="cancel">Hủy / Cancel</button></form></body></html>"#
    ))
    .into_response()
}

#[derive(Deserialize)]
struct PayForm {
    q: String,
    outcome: String,
    #[serde(default)]
    ipn: Option<String>,
    #[serde(default)]
    delay_ms: Option<u64>,
    #[serde(default)]
    copies: Option<u32>,
}

async fn pay(State(fake): Fake, Form(f): Form<PayForm>) -> Response {
    let link = params_of(&f.q);
    let Some(secret) = fake.check_link(&link).cloned() else {
        return (StatusCode::BAD_REQUEST, "invalid signature").into_response();
    };
    let get = |k: &str| link.get(k).cloned().unwrap_or_default();
    let (response, status) = match f.outcome.as_str() {
        "paid" => ("00", "00"),
        "cancel" => ("24", "02"),
        _ => ("51", "02"),
    };
    let seq = fake.ledger.lock().expect("ledger").txns.len() as u64 + 1;
    let transaction_no = format!("{}", 14_000_000 + seq);
    let pay_date = vnpay::vn_time(fake.clock.now());
    let mut result = BTreeMap::new();
    for (k, v) in [
        ("vnp_Amount", get("vnp_Amount")),
        ("vnp_BankCode", "NCB".into()),
        ("vnp_BankTranNo", format!("VNP{transaction_no}")),
        ("vnp_CardType", "ATM".into()),
        ("vnp_OrderInfo", get("vnp_OrderInfo")),
        ("vnp_PayDate", pay_date.clone()),
        ("vnp_ResponseCode", response.into()),
        ("vnp_TmnCode", get("vnp_TmnCode")),
        ("vnp_TransactionNo", transaction_no.clone()),
        ("vnp_TransactionStatus", status.into()),
        ("vnp_TxnRef", get("vnp_TxnRef")),
    ] {
        result.insert(k.to_string(), v);
    }
    let hash = vnpay::sign(&result, &secret);
    result.insert("vnp_SecureHash".into(), hash);
    let txn = FakeTxn {
        tmn_code: get("vnp_TmnCode"),
        txn_ref: get("vnp_TxnRef"),
        amount: get("vnp_Amount"),
        order_info: get("vnp_OrderInfo"),
        outcome: f.outcome.clone(),
        transaction_no,
        pay_date,
        result: result.clone(),
        ipn_answers: Vec::new(),
    };
    fake.ledger.lock().expect("ledger").txns.push(txn);
    let txn_ref = get("vnp_TxnRef");
    match f.ipn.as_deref().unwrap_or("now") {
        "never" => {}
        "after" => {
            let (fake, delay) = (fake.clone(), Duration::from_millis(f.delay_ms.unwrap_or(200)));
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                fake.notify(&txn_ref).await;
            });
        }
        "duplicate" => {
            let calls = (0..f.copies.unwrap_or(8).clamp(1, 64)).map(|_| fake.notify(&txn_ref));
            futures_join_all(calls).await;
        }
        _ => fake.notify(&txn_ref).await,
    }
    let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(result.iter()).finish();
    let back = get("vnp_ReturnUrl");
    let sep = if back.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{back}{sep}{query}")).into_response()
}

/// Runs the futures concurrently and waits for all of them.
async fn futures_join_all<F: std::future::Future<Output = ()>>(calls: impl Iterator<Item = F>) {
    let mut set = Vec::new();
    for c in calls {
        set.push(c);
    }
    let mut pinned: Vec<_> = set.into_iter().map(Box::pin).collect();
    std::future::poll_fn(|cx| {
        pinned.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if pinned.is_empty() { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    })
    .await;
}

/// Reads a query leniently, as VNPay does: numbers where strings are expected are taken as text.
fn query_of(v: &serde_json::Value) -> Option<QueryRequest> {
    let map = v.as_object()?;
    let text: serde_json::Map<String, serde_json::Value> = map
        .iter()
        .map(|(k, v)| {
            let s = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.clone(), serde_json::Value::String(s))
        })
        .collect();
    serde_json::from_value(serde_json::Value::Object(text)).ok()
}

async fn querydr(State(fake): Fake, Json(body): Json<serde_json::Value>) -> Response {
    fake.ledger.lock().expect("ledger").queries += 1;
    let Some(q) = query_of(&body) else {
        return Json(QueryResponse {
            vnp_ResponseCode: "03".into(),
            vnp_Message: "Invalid data format".into(),
            ..Default::default()
        })
        .into_response();
    };
    let Some(secret) = fake.merchants.get(&q.vnp_TmnCode).cloned() else {
        return Json(QueryResponse {
            vnp_ResponseCode: "02".into(),
            vnp_Message: "Merchant invalid".into(),
            ..Default::default()
        })
        .into_response();
    };
    let base = QueryResponse {
        vnp_ResponseId: q.vnp_RequestId.clone(),
        vnp_Command: "querydr".into(),
        vnp_TmnCode: q.vnp_TmnCode.clone(),
        vnp_TxnRef: q.vnp_TxnRef.clone(),
        ..Default::default()
    };
    if q.verify(&secret).is_err() {
        let r = QueryResponse { vnp_ResponseCode: "97".into(), vnp_Message: "Invalid Checksum".into(), ..base };
        return Json(r.seal(&secret)).into_response();
    }
    let txn = fake.with_txn(&q.vnp_TxnRef, |t| t.clone());
    let answer = match txn {
        None => QueryResponse { vnp_ResponseCode: "91".into(), vnp_Message: "Transaction not found".into(), ..base },
        Some(t) => QueryResponse {
            vnp_ResponseCode: "00".into(),
            vnp_Message: "QueryDR Success".into(),
            vnp_Amount: t.amount,
            vnp_BankCode: "NCB".into(),
            vnp_PayDate: t.pay_date,
            vnp_TransactionNo: t.transaction_no,
            vnp_TransactionType: "01".into(),
            vnp_TransactionStatus: if t.outcome == "paid" { "00".into() } else { "02".into() },
            vnp_OrderInfo: t.order_info,
            ..base
        },
    };
    Json(answer.seal(&secret)).into_response()
}

#[derive(Deserialize)]
struct Resend {
    txn: String,
    #[serde(default)]
    copies: Option<u32>,
}

async fn resend(State(fake): Fake, Form(r): Form<Resend>) -> Response {
    if fake.with_txn(&r.txn, |_| ()).is_none() {
        return (StatusCode::NOT_FOUND, "unknown transaction").into_response();
    }
    futures_join_all((0..r.copies.unwrap_or(1).clamp(1, 64)).map(|_| fake.notify(&r.txn))).await;
    StatusCode::NO_CONTENT.into_response()
}

async fn ledger(State(fake): Fake) -> Json<serde_json::Value> {
    let l = fake.ledger.lock().expect("ledger");
    Json(serde_json::to_value(&*l).unwrap_or_default())
}

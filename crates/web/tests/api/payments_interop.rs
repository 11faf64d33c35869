//! Interoperability with an independent, widely used VNPay client: the `vnpay` npm package, run by
//! `node` from `tests/js` (installed by `npm ci --prefix tests/js`). Both directions, with
//! Vietnamese diacritics and spaces in the order information: URLs we sign verify there (and it
//! signs the same payment with the same hash), IPNs it signs are confirmed here, and its status
//! query accepts the fake gateway's signed answers. VietQR payloads are decoded by another
//! independent package, `vietnam-qr-pay`.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use motcua_domain::payment::vnpay::{self, Merchant, PayRequest, Secret};
use serde_json::{Value, json};

use crate::harness::BACKENDS;
use crate::payments::{Pay, SECRET, TMN};

fn node(command: &str, args: Value) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/js/vnpay_interop.mjs");
    let out = std::process::Command::new("node")
        .arg(script)
        .arg(command)
        .arg(args.to_string())
        .output()
        .expect("node is installed (scripts/setup)");
    assert!(out.status.success(), "node {command}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// Runs `node` off the async runtime, so the in-process servers keep answering meanwhile.
async fn node_async(command: &'static str, args: Value) -> Value {
    tokio::task::spawn_blocking(move || node(command, args)).await.unwrap()
}

#[test]
fn urls_we_sign_verify_in_the_npm_client_with_diacritics_and_spaces() {
    let merchant = Merchant { tmn_code: TMN.into(), secret: Secret::new(SECRET) };
    let request = PayRequest {
        txn_ref: "MC00000000000000AB".into(),
        amount: 58_000,
        order_info: "Lệ phí hồ sơ 000.00.02.H86-261123-0001: trích lục (2 bản) & phí dịch vụ".into(),
        return_url: "http://127.0.0.1:8080/thanh-toan/ket-qua?nguon=vnpay".into(),
        ip_addr: "127.0.0.1".into(),
        created: Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap(),
        expires: Utc.with_ymd_and_hms(2026, 11, 23, 2, 15, 0).unwrap(),
        locale: "vn".into(),
        bank_code: None,
    };
    let url = vnpay::payment_url("http://127.0.0.1:9/paymentv2/vpcpay.html", &merchant, &request);
    let r = node("verify-url", json!({"tmn": TMN, "secret": SECRET, "url": url}));
    assert_eq!((r["verified"].as_bool(), r["same_hash"].as_bool()), (Some(true), Some(true)), "{r}");
    // And the library's own URL for the same payment verifies here.
    let theirs = r["their_url"].as_str().unwrap();
    let params: BTreeMap<String, String> =
        form_urlencoded::parse(theirs.split_once('?').unwrap().1.as_bytes()).into_owned().collect();
    assert_eq!(params["vnp_OrderInfo"], request.order_info);
    assert!(vnpay::verify(&params, &merchant.secret).is_ok());
    // A wrong secret is told apart there too.
    let r = node("verify-url", json!({"tmn": TMN, "secret": "khac", "url": url}));
    assert_eq!(r["verified"], false);
}

#[tokio::test]
async fn ipns_the_npm_client_signs_are_confirmed_here_and_its_queries_accept_our_gateway() {
    for backend in BACKENDS {
        let pay = Pay::start(backend).await;
        let (code, secret) = pay.owing_dossier().await;
        let opened = pay.open_vnpay(&code, &secret).await;
        let reference = opened["payment"]["reference"].as_str().unwrap().to_string();
        let ipn_url = format!("{}/api/v1/payments/vnpay/ipn", pay.base);
        let params = json!({
            "vnp_Amount": "5000000",
            "vnp_BankCode": "NCB",
            "vnp_OrderInfo": format!("Thanh toán lệ phí hồ sơ {code} (bản sao, 2 bản)"),
            "vnp_PayDate": "20261123091000",
            "vnp_ResponseCode": "00",
            "vnp_TmnCode": TMN,
            "vnp_TransactionNo": "14777777",
            "vnp_TransactionStatus": "00",
            "vnp_TxnRef": reference,
        });
        let before = pay.footprint(&code).await;
        let forged =
            node_async("send-ipn", json!({"secret": "khong-phai-bi-mat", "ipn_url": ipn_url, "params": params})).await;
        assert_eq!(forged["body"]["RspCode"], "97", "{forged}");
        assert_eq!(pay.footprint(&code).await, before);
        let r = node_async("send-ipn", json!({"secret": SECRET, "ipn_url": ipn_url, "params": params})).await;
        assert_eq!((r["status"].as_u64(), r["body"]["RspCode"].as_str()), (Some(200), Some("00")), "{r}");
        assert_eq!(r["body"]["Message"], "Confirm Success");
        let after = pay.footprint(&code).await;
        assert_eq!((after.2, after.3, after.4.clone()), (4, 2, vec!["paid".to_string()]));
        let again = node_async("send-ipn", json!({"secret": SECRET, "ipn_url": ipn_url, "params": params})).await;
        assert_eq!(again["body"]["RspCode"], "02");
        assert_eq!(pay.footprint(&code).await, after);

        // The library's querydr against the fake gateway, for a payment made there.
        let (other, other_secret) = pay.owing_dossier().await;
        let opened = pay.open_vnpay(&other, &other_secret).await;
        pay.pay(opened["pay_url"].as_str().unwrap(), "paid", "never", 1).await;
        let txn = pay.fake.transactions().last().unwrap().clone();
        let q = node_async(
            "query",
            json!({"tmn": TMN, "secret": SECRET, "host": pay.fake_base, "txn_ref": txn.txn_ref,
                   "order_info": "Tra cứu giao dịch", "transaction_date": txn.pay_date}),
        )
        .await;
        assert_eq!((q["verified"].as_bool(), q["status"].as_str()), (Some(true), Some("00")), "{q}");
        pay.stop().await;
    }
}

#[test]
fn vietqr_payloads_decode_in_an_independent_decoder() {
    use motcua_domain::payment::vietqr::{BankAccount, payload};
    let account =
        BankAccount { bin: "970436".into(), account: "0011001234567".into(), holder: "UBND PHUONG AN HOI".into() };
    let p = payload(&account, 50_000, "000.00.02.H86-261123-0001");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/js/vietqr_decode.mjs");
    let decode = |payload: &str| -> Value {
        let out = std::process::Command::new("node").arg(script).arg(payload).output().expect("node is installed");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let d = decode(&p);
    assert_eq!(d["valid"], true, "{d}");
    assert_eq!(
        (d["bin"].as_str(), d["account"].as_str(), d["amount"].as_str(), d["purpose"].as_str()),
        (Some("970436"), Some("0011001234567"), Some("50000"), Some("000.00.02.H86-261123-0001")),
        "{d}"
    );
    assert_eq!(
        (d["guid"].as_str(), d["service"].as_str(), d["currency"].as_str()),
        (Some("A000000727"), Some("QRIBFTTA"), Some("704"))
    );
    // A changed amount with the old CRC is refused there.
    let forged = p.replacen("540550000", "540551000", 1);
    assert_ne!(forged, p);
    assert_eq!(decode(&forged)["valid"], false);
}

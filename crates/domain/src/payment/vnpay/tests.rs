use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};

use super::*;

fn merchant() -> Merchant {
    Merchant { tmn_code: "MOTCUA01".into(), secret: Secret::new("SECRETKEY0123456789") }
}

fn request() -> PayRequest {
    PayRequest {
        txn_ref: "MC00000000000000FF".into(),
        amount: 8000,
        order_info: "Lệ phí hồ sơ 000.00.12.H62-261123-0001 (khai sinh)".into(),
        return_url: "http://127.0.0.1:8080/thanh-toan/ket-qua".into(),
        ip_addr: "127.0.0.1".into(),
        // 09:00 GMT+7 is 02:00 UTC.
        created: Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap(),
        expires: Utc.with_ymd_and_hms(2026, 11, 23, 2, 15, 0).unwrap(),
        locale: "vn".into(),
        bank_code: None,
    }
}

#[test]
fn payment_parameters_are_signed_as_vnpay_documents() {
    let p = pay_params(&merchant(), &request());
    assert_eq!(p["vnp_Amount"], "800000");
    assert_eq!(p["vnp_CreateDate"], "20261123090000");
    assert_eq!(p["vnp_ExpireDate"], "20261123091500");
    assert!(
        sign_data(&p)
            .contains("vnp_OrderInfo=L%E1%BB%87+ph%C3%AD+h%E1%BB%93+s%C6%A1+000.00.12.H62-261123-0001+%28khai+sinh%29")
    );
    // Computed independently (Python: sorted pairs, urllib.parse.quote_plus, hmac SHA-512).
    assert_eq!(
        p["vnp_SecureHash"],
        "3dda6f9665c0341e19573453230d97779badae2e8aad316e93115f0d68ac534600f1151e08eb05e6a89f85e5033a7e8468be40b700cc1a8c468ff6d836e5be23"
    );
    assert!(verify(&p, &merchant().secret).is_ok());
}

#[test]
fn any_changed_parameter_or_secret_breaks_the_signature() {
    let p = pay_params(&merchant(), &request());
    let mut tampered = p.clone();
    tampered.insert("vnp_Amount".into(), "100".into());
    assert_eq!(verify(&tampered, &merchant().secret), Err(VnpayError::BadSignature));
    assert_eq!(verify(&p, &Secret::new("other")), Err(VnpayError::BadSignature));
    let mut unsigned = p.clone();
    unsigned.remove("vnp_SecureHash");
    assert_eq!(verify(&unsigned, &merchant().secret), Err(VnpayError::BadSignature));
    // Upper-case hex is the same signature.
    let mut upper = p.clone();
    upper.insert("vnp_SecureHash".into(), p["vnp_SecureHash"].to_uppercase());
    assert!(verify(&upper, &merchant().secret).is_ok());
}

#[test]
fn the_url_carries_the_signed_query() {
    let url = payment_url("http://127.0.0.1:9000/paymentv2/vpcpay.html", &merchant(), &request());
    let (base, query) = url.split_once('?').unwrap();
    assert_eq!(base, "http://127.0.0.1:9000/paymentv2/vpcpay.html");
    let parsed: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    assert_eq!(parsed["vnp_OrderInfo"], request().order_info);
    assert!(verify(&parsed, &merchant().secret).is_ok());
}

#[test]
fn notices_read_amounts_and_outcomes() {
    let mut p: BTreeMap<String, String> = [
        ("vnp_TmnCode", "MOTCUA01"),
        ("vnp_TxnRef", "MC00000000000000FF"),
        ("vnp_Amount", "800000"),
        ("vnp_ResponseCode", "00"),
        ("vnp_TransactionStatus", "00"),
        ("vnp_TransactionNo", "14123456"),
        ("vnp_PayDate", "20261123090512"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let n = Notice::read(&p).unwrap();
    assert_eq!((n.amount, n.outcome()), (8000, PaymentState::Paid));
    assert_eq!(n.pay_date, Some(Utc.with_ymd_and_hms(2026, 11, 23, 2, 5, 12).unwrap()));
    p.insert("vnp_ResponseCode".into(), "24".into());
    assert_eq!(Notice::read(&p).unwrap().outcome(), PaymentState::Cancelled);
    p.insert("vnp_ResponseCode".into(), "51".into());
    assert_eq!(Notice::read(&p).unwrap().outcome(), PaymentState::Failed);
    p.insert("vnp_Amount".into(), "800050".into());
    assert_eq!(Notice::read(&p), Err(VnpayError::Malformed("vnp_Amount")));
}

#[test]
fn ipn_replies_use_vnpay_codes() {
    let codes: Vec<_> = [
        IpnReply::Confirmed,
        IpnReply::OrderNotFound,
        IpnReply::AlreadyConfirmed,
        IpnReply::InvalidAmount,
        IpnReply::InvalidSignature,
        IpnReply::Unknown,
    ]
    .map(|r| r.rsp_code())
    .into();
    assert_eq!(codes, ["00", "01", "02", "04", "97", "99"]);
    let json = serde_json::to_string(&IpnReply::Confirmed.body()).unwrap();
    assert_eq!(json, r#"{"RspCode":"00","Message":"Confirm Success"}"#);
}

#[test]
fn status_queries_and_answers_are_signed_both_ways() {
    let m = merchant();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
    let q = QueryRequest::new(&m, "R1", "MC00000000000000FF", "Tra cứu", request().created, now, "127.0.0.1");
    assert!(q.verify(&m.secret).is_ok());
    let mut bad = q.clone();
    bad.vnp_TxnRef = "MC0000000000000000".into();
    assert!(bad.verify(&m.secret).is_err());
    let answer = QueryResponse {
        vnp_ResponseCode: "00".into(),
        vnp_TxnRef: q.vnp_TxnRef.clone(),
        vnp_Amount: "800000".into(),
        vnp_TransactionStatus: "00".into(),
        ..Default::default()
    }
    .seal(&m.secret);
    assert!(answer.verify(&m.secret).is_ok());
    assert_eq!(answer.outcome(), Ok(Some((PaymentState::Paid, 8000))));
    let not_found = QueryResponse { vnp_ResponseCode: "91".into(), ..Default::default() };
    assert_eq!(not_found.outcome(), Ok(None));
}

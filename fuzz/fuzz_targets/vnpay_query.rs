//! VNPay return-URL and IPN query strings: decoded, signature checked, fields read.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use motcua_domain::payment::vnpay::{self, Notice, Secret};

fuzz_target!(|data: &[u8]| {
    let params: BTreeMap<String, String> = form_urlencoded::parse(data).into_owned().collect();
    let _ = vnpay::verify(&params, &Secret::new("SECRETKEYFORFUZZING"));
    if let Ok(notice) = Notice::read(&params) {
        assert!(notice.amount >= 0);
        let _ = notice.outcome();
    }
    for v in params.values() {
        let _ = vnpay::parse_vn_time(v);
    }
});

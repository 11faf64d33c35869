//! VietQR (EMVCo TLV) payloads as read back from a scanned code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_domain::payment::vietqr;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = vietqr::crc_ok(s);
    if let Some(fields) = vietqr::fields(s) {
        let again: String = fields.iter().map(|(id, v)| format!("{id}{:02}{v}", v.len())).collect();
        assert_eq!(vietqr::fields(&again), Some(fields));
    }
    let _ = vietqr::memo_safe(s);
});

//! Bank statement files (CSV rows of credits) uploaded by an accountant, and their amount cells.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_domain::payment::statement::{parse_amount, parse_statement};

fuzz_target!(|data: &[u8]| {
    let _ = parse_statement(data);
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = parse_amount(s);
    }
});

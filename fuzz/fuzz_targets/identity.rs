//! Identity numbers (CCCD, 12 digits), tax codes (10 or 10-3 digits) and the applicant id that
//! is either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_domain::identity::{ApplicantId, PersonalId, TaxCode};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(id) = PersonalId::parse(s) {
        assert_eq!(PersonalId::parse(id.as_str()).expect("parses again"), id);
    }
    if let Ok(tax) = TaxCode::parse(s) {
        assert_eq!(TaxCode::parse(tax.as_str()).expect("parses again"), tax);
    }
    if let Ok(a) = ApplicantId::parse(s) {
        assert_eq!(ApplicantId::parse(a.as_str()).expect("parses again"), a);
    }
});

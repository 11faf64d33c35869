//! Uploaded files: the type from the content's first bytes, and the sender's file name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_domain::upload::{MediaType, clean_name};

fuzz_target!(|data: &[u8]| {
    if let Some(m) = MediaType::sniff(data) {
        assert_eq!(MediaType::from_stored(m.as_str()), Some(m));
    }
    let name = clean_name(&String::from_utf8_lossy(data));
    assert!(!name.is_empty() && name.chars().count() <= 120);
    assert!(!name.contains(['/', '\\']) && !name.chars().any(char::is_control));
});

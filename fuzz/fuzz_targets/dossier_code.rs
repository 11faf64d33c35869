//! Dossier codes typed by citizens and officers (`{agency}-{yyMMdd}-{NNNN}`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_domain::dossier::DossierCode;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(code) = DossierCode::parse(s) {
        let again = DossierCode::parse(&code.to_string()).expect("a parsed code parses again");
        assert_eq!(again, code);
    }
});

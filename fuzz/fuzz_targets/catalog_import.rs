//! Catalog import files (CSV or JSON rows of procedures), as an administrator uploads them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_domain::catalog::{ImportFormat, parse_catalog};

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else { return };
    let format = if first % 2 == 0 { ImportFormat::Csv } else { ImportFormat::Json };
    let _ = parse_catalog(rest, format);
});

use super::*;
use crate::payment::statement::{Credit, parse_amount, parse_statement};

fn code(s: &str) -> DossierCode {
    DossierCode::parse(s).unwrap()
}

fn credit(amount: i64, memo: &str) -> Credit {
    Credit {
        line: 2,
        bank_ref: "FT1".into(),
        booked_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        amount,
        memo: memo.into(),
    }
}

fn matcher() -> Matcher {
    Matcher::new(vec![
        Owed { dossier: code("000.00.02.H86-261123-0001"), due: 50_000 },
        Owed { dossier: code("000.00.02.H86-261123-0002"), due: 50_000 },
        Owed { dossier: code("000.00.02.H86-261123-0017"), due: 16_000 },
    ])
}

#[test]
fn codes_are_found_in_memos_despite_typos_and_bank_mangling() {
    let m = matcher();
    let cases = [
        ("NGUYEN VAN AN CHUYEN KHOAN 000.00.02.H86-261123-0001", Outcome::Matched(code("000.00.02.H86-261123-0001"))),
        // Dots and dashes dropped by the bank, lower case.
        ("nop phi hs 00000 02h86 2611230002 ", Outcome::Matched(code("000.00.02.H86-261123-0002"))),
        // One digit dropped and one letter mistyped.
        ("MBVCB.123.000.00.02.H86-261l23-017.CT", Outcome::Matched(code("000.00.02.H86-261123-0017"))),
    ];
    for (memo, want) in cases {
        let amount = if memo.contains("017") { 16_000 } else { 50_000 };
        assert_eq!(m.run(&[credit(amount, memo)]), vec![want], "{memo}");
    }
}

#[test]
fn near_misses_ties_and_repeats_go_to_an_officer() {
    let m = matcher();
    let out = m.run(&[
        credit(40_000, "000.00.02.H86-261123-0001"),
        credit(50_000, "000.00.02.H86-261123-0009"),
        credit(50_000, "chuyen tien le phi"),
        credit(77_000, "chuyen tien"),
        credit(16_000, "000.00.02.H86-261123-0017"),
        credit(16_000, "000.00.02.H86-261123-0017 lan 2"),
    ]);
    assert_eq!(out[0], Outcome::Unmatched("amount differs from what the dossier owes"));
    assert!(matches!(&out[1], Outcome::Ambiguous(c) if c.len() == 2), "{:?}", out[1]);
    assert!(matches!(&out[2], Outcome::Ambiguous(c) if c.len() == 2), "{:?}", out[2]);
    assert!(matches!(out[3], Outcome::Unmatched(_)));
    assert_eq!(out[4], Outcome::Matched(code("000.00.02.H86-261123-0017")));
    assert_eq!(out[5], Outcome::Ambiguous(vec![code("000.00.02.H86-261123-0017")]));
}

#[test]
fn amounts_in_every_common_layout() {
    for (cell, want) in [
        ("1.250.000", Some(1_250_000)),
        ("1,250,000", Some(1_250_000)),
        ("1250000", Some(1_250_000)),
        ("1,250,000.00", Some(1_250_000)),
        ("1.250.000,00", Some(1_250_000)),
        (" 50 000 VND", Some(50_000)),
        ("-8.000", Some(-8_000)),
        ("12.5", None),
        ("abc", None),
    ] {
        assert_eq!(parse_amount(cell), want, "{cell}");
    }
}

#[test]
fn statements_are_read_past_the_bank_preamble_in_vietnamese_or_english() {
    let vcb = "\u{feff}SAO KÊ TÀI KHOẢN;;;;\nSố tài khoản: 0011001234567;;;;\nSTT;Ngày giao dịch;Số tham chiếu;Số tiền ghi nợ;Số tiền ghi có;Mô tả\n\
               1;23/11/2026 09:15:01;FT2632700001;;50.000;NGUYEN VAN AN 000.00.02.H86-261123-0001\n\
               2;23/11/2026;FT2632700002;20.000;;PHI SMS\n";
    let credits = parse_statement(vcb.as_bytes()).unwrap();
    assert_eq!(credits.len(), 1);
    assert_eq!((credits[0].bank_ref.as_str(), credits[0].amount, credits[0].line), ("FT2632700001", 50_000, 4));
    let english = "Date,Description,Amount\n2026-11-23,\"Le phi, ho so 000.00.02.H86-261123-0002\",\"50,000\"\n2026-11-23,ATM,-100000\n";
    let credits = parse_statement(english.as_bytes()).unwrap();
    assert_eq!(credits.len(), 1);
    assert!(credits[0].bank_ref.starts_with("row-"));
    let bad = "Ngày,Nội dung,Ghi có\n2026-11-23,x,năm mươi\n31/02/2026,y,5\n";
    let errors = parse_statement(bad.as_bytes()).unwrap_err();
    assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3]);
    assert!(parse_statement(b"a,b\n1,2\n").is_err());
}

//! Tests of the CSV catalog importer.

use chrono::NaiveDate;

use super::HEADER;
use crate::calendar::StatutoryTime;
use crate::catalog::{
    Certainty, FeeBasis, ImportFormat, ImportReport, OnlineLevel, Procedure, ResultKind, parse_catalog,
};

const EXAMPLE: &str = include_str!("../../../../../../data/procedures.example.csv");

fn csv(text: &str) -> Result<Vec<Procedure>, ImportReport> {
    parse_catalog(text.as_bytes(), ImportFormat::Csv)
}

/// `(line, field)` of every error.
fn where_(report: &ImportReport) -> Vec<(usize, &str)> {
    report.errors.iter().map(|e| (e.line, e.field.as_str())).collect()
}

const GOOD_ROW: &str = "1.001193,Đăng ký khai sinh,Hộ tịch,full,same_day,,verified,,TK01:Tờ khai:1,paper,commune,,\n";

#[test]
fn test_header_lists_the_columns_in_order() {
    assert_eq!(HEADER.trim_end(), super::COLUMNS.join(","));
    assert!(EXAMPLE.starts_with(HEADER));
}

#[test]
fn example_file_imports() {
    let procedures = csv(EXAMPLE).unwrap();
    assert_eq!(procedures.len(), 3);
    let [birth, copy, business] = &procedures[..] else { unreachable!() };

    assert_eq!(birth.online_level, OnlineLevel::Full, "toàn trình");
    assert_eq!(birth.statutory_time, StatutoryTime::same_day());
    assert_eq!(birth.components.len(), 3);
    assert!(!birth.components[2].required);
    assert!(birth.fees.is_empty());

    assert_eq!(copy.name, "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh");
    assert_eq!(copy.fees[0].amount, 8000);
    assert_eq!(copy.fees[0].basis, FeeBasis::PerCopy);
    assert_eq!(copy.result_kind, ResultKind::Electronic);
    assert_eq!(copy.published_on, NaiveDate::from_ymd_opt(2025, 7, 1), "DD/MM/YYYY");

    assert_eq!(business.online_level, OnlineLevel::Partial, "một phần");
    assert_eq!(business.statutory_time, StatutoryTime::WorkingDays { days: 3 });
    assert_eq!(business.time_certainty, Certainty::Recalled);
    assert_eq!(business.fees[0].amount, 100_000, "100.000 with a thousands dot");
    assert_eq!(business.updated_on, NaiveDate::from_ymd_opt(2025, 8, 15));
}

#[test]
fn excel_byte_order_mark_is_ignored() {
    let with_bom = format!("\u{feff}{EXAMPLE}");
    assert_eq!(csv(&with_bom).unwrap(), csv(EXAMPLE).unwrap());
}

#[test]
fn columns_may_be_reordered_and_capitalised() {
    let header = HEADER.replace("code,name", "Name,CODE");
    let text = format!("{header}Khai tử,1.000656,Hộ tịch,none,working_days,3,,,TK01:Tờ khai:1,paper,province,,\n");
    let p = &csv(&text).unwrap()[0];
    assert_eq!((p.code.as_str(), p.name.as_str()), ("1.000656", "Khai tử"));
    assert_eq!(p.time_certainty, Certainty::Single, "empty certainty defaults to single");
}

#[test]
fn every_bad_row_and_field_is_reported_with_its_line() {
    let text = format!(
        "{HEADER}{GOOD_ROW}\
         1.000894,Đăng ký kết hôn,Hộ tịch,fulll,same_day,,verified,,TK01:Tờ khai:1,paper,commune,,\n\
         1.000656,\"Đăng ký\nkhai tử\",Hộ tịch,full,same_day,,,,TK01:Tờ khai:1,paper,commune,,\n\
         2.000635,Trích lục,Hộ tịch,full,working_days,abc,,Phí:8000:per_page,TK01:Tờ khai:1,paper,commune,,\n\
         2.000815,Chứng thực,Chứng thực,partial,same_day,,,,TK01:Tờ khai:1,paper,commune,31/02/2025,\n"
    );
    let report = csv(&text).unwrap_err();
    assert_eq!(where_(&report), [(3, "online_level"), (6, "time_value"), (6, "fees"), (7, "published_on")], "{report}");
    assert!(report.errors[0].reason_vi.contains("fulll"));
    assert!(report.errors[2].reason_en.contains("per_page"));
}

#[test]
fn semantic_checks_apply_to_csv() {
    let text = format!(
        "{HEADER}1.001193, ,Hộ tịch,full,working_days,0,,Phí:0:fixed,\
         TK01:Tờ khai:1;TK01:Giấy:0,paper,commune,2025-07-02,2025-07-01\n"
    );
    let report = csv(&text).unwrap_err();
    assert_eq!(where_(&report), [(2, "name"), (2, "fees"), (2, "components"), (2, "time_value"), (2, "updated_on")]);
}

#[test]
fn duplicate_codes_name_both_lines() {
    let text = format!("{HEADER}{GOOD_ROW}{}{GOOD_ROW}", GOOD_ROW.replace("1.001193", "1.000656"));
    let report = csv(&text).unwrap_err();
    assert_eq!(where_(&report), [(4, "code")]);
    assert!(report.errors[0].reason_vi.contains("dòng 2") && report.errors[0].reason_vi.contains("dòng 4"));
    assert!(report.errors[0].reason_en.contains("line 2") && report.errors[0].reason_en.contains("line 4"));
}

#[test]
fn header_problems_are_reported() {
    let missing = HEADER.replace(",updated_on", ",updatedon");
    let report = csv(&format!("{missing}{GOOD_ROW}")).unwrap_err();
    assert_eq!(where_(&report), [(1, "header"), (1, "header")], "unknown updatedon, missing updated_on");

    let report = csv(GOOD_ROW).unwrap_err();
    assert!(report.errors[0].reason_en.contains("header row"));

    let report = csv(&HEADER.replace(',', ";")).unwrap_err();
    assert!(report.errors[0].reason_en.contains("commas"));
}

#[test]
fn short_rows_and_blank_rows() {
    let text = format!(
        "{HEADER}1.001193,Đăng ký khai sinh,Hộ tịch\n,,,,,,,,,,,,\n{}",
        GOOD_ROW.trim_end().to_string() + ",,\n"
    );
    let report = csv(&text).unwrap_err();
    assert_eq!(where_(&report), [(2, "row")]);
}

#[test]
fn non_utf8_cells_are_reported() {
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"1.001193,\xC3\x28,H,full,same_day,,,,TK01:T:1,paper,commune,,\n");
    let report = parse_catalog(&bytes, ImportFormat::Csv).unwrap_err();
    assert_eq!(where_(&report), [(2, "name")]);
}

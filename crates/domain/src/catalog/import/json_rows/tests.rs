//! Tests of the JSON catalog importer.

use super::element_starts;
use crate::calendar::StatutoryTime;
use crate::catalog::{ImportFormat, ImportReport, Procedure, parse_catalog};

fn json(text: &str) -> Result<Vec<Procedure>, ImportReport> {
    parse_catalog(text.as_bytes(), ImportFormat::Json)
}

fn where_(report: &ImportReport) -> Vec<(usize, &str)> {
    report.errors.iter().map(|e| (e.line, e.field.as_str())).collect()
}

fn element(code: &str, online_level: &str) -> String {
    format!(
        r#"  {{
    "code": "{code}",
    "name": "Đăng ký khai sinh",
    "field": "Hộ tịch",
    "online_level": "{online_level}",
    "statutory_time": {{ "kind": "working_days", "days": 3 }},
    "time_certainty": "single",
    "components": [{{ "code": "TK01", "name": "Tờ khai", "required": true }}],
    "result_kind": "paper",
    "competent_level": "commune",
    "published_on": "2025-07-01"
  }}"#
    )
}

#[test]
fn good_json_imports() {
    let text = format!("\u{feff}[\n{},\n{}\n]\n", element("1.001193", "full"), element("1.000656", "partial"));
    let procedures = json(&text).unwrap();
    assert_eq!(procedures.len(), 2);
    assert_eq!(procedures[1].code.as_str(), "1.000656");
    assert_eq!(procedures[0].statutory_time, StatutoryTime::WorkingDays { days: 3 });
    assert!(procedures[0].fees.is_empty(), "fees default to none");
    assert_eq!(procedures[0].updated_on, None);
}

#[test]
fn errors_name_the_line_where_the_element_starts() {
    // Elements start on lines 2, 14 and 26.
    let bad = element("1.000894", "fulll").replace("    \"field\": \"Hộ tịch\",\n", "    \"feild\": \"Hộ tịch\",\n");
    let worse =
        element("2.000635", "none").replace("\"days\": 3", "\"days\": 0").replace("\"2025-07-01\"", "\"01/07/2025\"");
    let text = format!("[\n{},\n{bad},\n{worse}\n]", element("1.001193", "full"));
    let report = json(&text).unwrap_err();
    assert_eq!(
        where_(&report),
        [(14, "feild"), (14, "field"), (14, "online_level"), (26, "statutory_time"), (26, "published_on")],
        "{report}"
    );
    assert!(report.errors[2].reason_en.contains("fulll"));
}

#[test]
fn duplicate_codes_name_both_elements() {
    let text = format!("[\n{},\n{}\n]", element("1.001193", "full"), element("1.001193", "none"));
    let report = json(&text).unwrap_err();
    assert_eq!(where_(&report), [(14, "code")]);
    assert!(report.errors[0].reason_en.contains("line 2") && report.errors[0].reason_en.contains("line 14"));
}

#[test]
fn malformed_files_are_reported_once() {
    let report = json("[\n  {\"code\": \"1.001193\",\n  }\n]").unwrap_err();
    assert_eq!(where_(&report), [(3, "file")]);
    let report = json("{\"code\": \"1.001193\"}").unwrap_err();
    assert!(report.errors[0].reason_en.contains("array"));
    let report = json("[1]").unwrap_err();
    assert_eq!(where_(&report), [(1, "row")]);
}

#[test]
fn element_starts_skip_brackets_inside_strings() {
    let text = r#"[ {"a": "x]\"[,{"}, [1, 2], "s,t" ,3 ]"#;
    let starts: Vec<char> = element_starts(text).into_iter().map(|i| text[i..].chars().next().unwrap()).collect();
    assert_eq!(starts, ['{', '[', '"', '3']);
    assert!(element_starts("[]").is_empty());
    assert_eq!(element_starts("[ ]").len(), 0);
}

//! Reading catalog elements from a JSON array of procedures.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::checks::{self, Problem};
use super::{Row, RowError};
use crate::catalog::{Certainty, OnlineLevel, Procedure, ResultKind, UnitLevel};

/// Every key of a procedure object, whether it is required, and a hint on its shape.
const KEYS: [(&str, bool, &str); 12] = [
    ("code", true, "\"1.001193\""),
    ("name", true, "\"Đăng ký khai sinh\""),
    ("field", true, "\"Hộ tịch\""),
    ("online_level", true, "\"full\" | \"partial\" | \"none\""),
    (
        "statutory_time",
        true,
        "{\"kind\": \"working_days\", \"days\": 3} | {\"kind\": \"working_hours\", \"hours\": 4} | \
         {\"kind\": \"same_day\", \"cutoff\": \"15:00:00\"} | {\"kind\": \"calendar_days\", \"days\": 15}",
    ),
    ("time_certainty", true, "\"verified\" | \"single\" | \"recalled\" | \"uncertain\""),
    (
        "fees",
        false,
        "[{\"name\": \"Lệ phí\", \"amount\": 8000, \"basis\": \"fixed\" | \"per_copy\" | \"set_at_intake\"}]",
    ),
    ("components", false, "[{\"code\": \"TK01\", \"name\": \"Tờ khai\", \"required\": true}]"),
    ("result_kind", true, "\"paper\" | \"electronic\""),
    ("competent_level", true, "\"commune\" | \"province\""),
    ("published_on", false, "\"2025-07-01\" | null"),
    ("updated_on", false, "\"2025-07-01\" | null"),
];

pub(super) fn parse(bytes: &[u8]) -> Result<Vec<Row>, Vec<RowError>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = line_of(&bytes[..e.valid_up_to()]);
        vec![file_error(
            line,
            "Tệp không phải văn bản UTF-8; vui lòng lưu lại với mã hóa UTF-8.".into(),
            "The file is not UTF-8 text; save it again as UTF-8.".into(),
        )]
    })?;
    let elements: Vec<Value> = match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(elements)) => elements,
        Ok(_) => {
            return Err(vec![file_error(
                1,
                "Tệp JSON phải là một mảng các thủ tục: [ {…}, {…} ].".into(),
                "The JSON file must be an array of procedures: [ {…}, {…} ].".into(),
            )]);
        }
        Err(e) => {
            return Err(vec![file_error(
                e.line().max(1),
                format!("Tệp JSON sai cú pháp ở cột {} ({e}); vui lòng sửa rồi nhập lại.", e.column()),
                format!("The JSON is malformed at column {} ({e}); fix it and import again.", e.column()),
            )]);
        }
    };
    let starts = element_starts(text);
    Ok(elements
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            // `starts` has one offset per element of a valid array; line 1 is only a fallback.
            let line = starts.get(i).map_or(1, |&s| line_of(&text.as_bytes()[..s]));
            element(line, value)
        })
        .collect())
}

fn file_error(line: usize, vi: String, en: String) -> RowError {
    RowError::new(line, Problem::new("file", vi, en))
}

fn line_of(before: &[u8]) -> usize {
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

/// Byte offsets where each element of the top-level array starts, in a text already known
/// to be a valid JSON array.
fn element_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut expecting) = (0usize, false, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if b.is_ascii_whitespace() {
            continue;
        }
        if expecting && b != b']' {
            starts.push(i);
        }
        expecting = false;
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                expecting = depth == 1;
            }
            b']' | b'}' => depth -= 1,
            b',' => expecting = depth == 1,
            _ => {}
        }
    }
    starts
}

fn element(line: usize, value: Value) -> Row {
    let Value::Object(map) = value else {
        let problem = Problem::new(
            "row",
            "Mỗi phần tử của mảng phải là một đối tượng thủ tục { \"code\": …, \"name\": …, … }.",
            "Each array element must be a procedure object { \"code\": …, \"name\": …, … }.",
        );
        return Row { line, code: None, result: Err(vec![problem]) };
    };
    let mut problems = Vec::new();
    for key in map.keys() {
        if !KEYS.iter().any(|(k, _, _)| k == key) {
            let known: Vec<&str> = KEYS.iter().map(|(k, _, _)| *k).collect();
            problems.push(Problem::new(
                key,
                format!("Khóa \"{key}\" không được hỗ trợ (có thể gõ nhầm); các khóa hợp lệ: {}.", known.join(", ")),
                format!("Key \"{key}\" is not supported (a typo?); valid keys: {}.", known.join(", ")),
            ));
        }
    }
    let code = decode(&map, "code", &mut problems);
    if let Some(name) = decode::<String>(&map, "name", &mut problems) {
        problems.extend(checks::text("name", &name).err());
    }
    if let Some(field) = decode::<String>(&map, "field", &mut problems) {
        problems.extend(checks::text("field", &field).err());
    }
    if let Some(t) = decode(&map, "statutory_time", &mut problems) {
        problems.extend(checks::time("statutory_time", &t).err());
    }
    if let Some(fees) = decode::<Vec<_>>(&map, "fees", &mut problems) {
        problems.extend(checks::fees("fees", &fees));
    }
    if let Some(components) = decode::<Vec<_>>(&map, "components", &mut problems) {
        problems.extend(checks::components("components", &components));
    }
    let published = decode(&map, "published_on", &mut problems).flatten();
    let updated = decode(&map, "updated_on", &mut problems).flatten();
    problems.extend(checks::dates(published, updated).err());
    decode::<OnlineLevel>(&map, "online_level", &mut problems);
    decode::<Certainty>(&map, "time_certainty", &mut problems);
    decode::<ResultKind>(&map, "result_kind", &mut problems);
    decode::<UnitLevel>(&map, "competent_level", &mut problems);
    if !problems.is_empty() {
        return Row { line, code, result: Err(problems) };
    }
    let result = serde_json::from_value::<Procedure>(Value::Object(map))
        .map(|mut p| {
            p.name = p.name.trim().to_string();
            p.field = p.field.trim().to_string();
            p
        })
        .map_err(|e| {
            vec![Problem::new("row", format!("Phần tử không hợp lệ: {e}."), format!("Invalid element: {e}."))]
        });
    Row { line, code, result }
}

/// Decodes one key; a missing required key or a wrong shape is recorded as a problem.
fn decode<T: DeserializeOwned>(map: &Map<String, Value>, key: &str, problems: &mut Vec<Problem>) -> Option<T> {
    let (_, required, hint) = KEYS.iter().find(|(k, _, _)| *k == key).expect("known key");
    let Some(value) = map.get(key) else {
        if *required {
            problems.push(Problem::new(
                key,
                format!("Thiếu khóa \"{key}\"; ví dụ \"{key}\": {hint}."),
                format!("Key \"{key}\" is missing; e.g. \"{key}\": {hint}."),
            ));
        }
        return None;
    };
    serde_json::from_value(value.clone()).map_err(|e| problems.push(shape_problem(key, &e.to_string()))).ok()
}

fn shape_problem(key: &str, detail: &str) -> Problem {
    let hint = KEYS.iter().find(|(k, _, _)| *k == key).map_or("", |(_, _, h)| h);
    Problem::new(
        key,
        format!("Giá trị của \"{key}\" không hợp lệ ({detail}); cần dạng {hint}."),
        format!("The value of \"{key}\" is invalid ({detail}); expected {hint}."),
    )
}

#[cfg(test)]
mod tests;

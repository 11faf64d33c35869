//! Reading catalog rows from CSV (see the column reference in the parent module).

use super::checks::{self, Problem};
use super::csv_cells::{
    certainty, competent_level, components, date, fees, keyword, online_level, result_kind, statutory_time,
};
use super::{Row, RowError};
use crate::catalog::{Procedure, ProcedureCode};
use crate::error::Described;

/// The columns, in the order `data/procedures.example.csv` uses.
pub(super) const COLUMNS: [&str; 13] = [
    "code",
    "name",
    "field",
    "online_level",
    "time_kind",
    "time_value",
    "time_certainty",
    "fees",
    "components",
    "result_kind",
    "competent_level",
    "published_on",
    "updated_on",
];

#[cfg(test)]
pub(super) const HEADER: &str = "code,name,field,online_level,time_kind,time_value,\
    time_certainty,fees,components,result_kind,competent_level,published_on,updated_on\n";

pub(super) fn parse(bytes: &[u8]) -> Result<Vec<Row>, Vec<RowError>> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(bytes);
    let mut columns: Option<[usize; 13]> = None;
    let mut width = 0;
    let mut rows = Vec::new();
    for record in reader.byte_records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(1, |p| p.line() as usize);
            vec![file_error(line, "row", &e.to_string())]
        })?;
        let line = record.position().map_or(1, |p| p.line() as usize);
        let cells: Result<Vec<&str>, usize> =
            record.iter().enumerate().map(|(i, c)| std::str::from_utf8(c).map_err(|_| i)).collect();
        let Some(cols) = columns else {
            let cells = cells.map_err(|_| vec![RowError::new(line, not_utf8("header"))])?;
            columns = Some(header(line, &cells)?);
            width = cells.len();
            continue;
        };
        let cells = match cells {
            Ok(cells) => cells,
            Err(i) => {
                let name = cols.iter().position(|&c| c == i).map_or("row", |k| COLUMNS[k]);
                rows.push(rejected(line, not_utf8(name)));
                continue;
            }
        };
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        if cells.len() < width || cells[width..].iter().any(|c| !c.is_empty()) {
            let n = cells.len();
            let problem = Problem::new(
                "row",
                format!(
                    "Dòng có {n} ô nhưng tiêu đề có {width} cột; kiểm tra dấu phẩy trong ô (đặt ô trong ngoặc kép \"…\")."
                ),
                format!(
                    "The row has {n} cells but the header has {width} columns; check for commas inside cells (quote them \"…\")."
                ),
            );
            rows.push(rejected(line, problem));
            continue;
        }
        rows.push(parse_row(line, |k| cells[cols[k]]));
    }
    Ok(rows)
}

fn file_error(line: usize, field: &str, detail: &str) -> RowError {
    RowError::new(
        line,
        Problem::new(
            field,
            format!("Không đọc được tệp CSV ({detail}); vui lòng lưu lại tệp dạng CSV UTF-8."),
            format!("The CSV file cannot be read ({detail}); save it again as CSV UTF-8."),
        ),
    )
}

fn not_utf8(field: &str) -> Problem {
    Problem::new(
        field,
        "Ô này không phải văn bản UTF-8; trong Excel hãy lưu tệp dạng \"CSV UTF-8 (Comma delimited)\".",
        "This cell is not UTF-8 text; in Excel save the file as \"CSV UTF-8 (Comma delimited)\".",
    )
}

/// A row that cannot be read field by field.
fn rejected(line: usize, problem: Problem) -> Row {
    Row { line, code: None, result: Err(vec![problem]) }
}

/// Maps each of [`COLUMNS`] to its index in the header row.
fn header(line: usize, cells: &[&str]) -> Result<[usize; 13], Vec<RowError>> {
    let all = COLUMNS.join(",");
    let mut errors = Vec::new();
    let mut error = |vi: String, en: String| errors.push(RowError::new(line, Problem::new("header", vi, en)));
    if cells.len() == 1 && cells[0].contains(';') {
        error(
            "Tiêu đề dùng dấu \";\" để ngăn cột; tệp phải dùng dấu phẩy (lưu dạng CSV UTF-8 (Comma delimited)).".into(),
            "The header separates columns with \";\"; the file must use commas (save as CSV UTF-8 (Comma delimited))."
                .into(),
        );
        return Err(errors);
    }
    if cells.first().is_some_and(|c| ProcedureCode::parse(c).is_ok()) {
        error(
            format!("Dòng đầu tiên phải là dòng tiêu đề: {all}."),
            format!("The first line must be the header row: {all}."),
        );
        return Err(errors);
    }
    let names: Vec<String> = cells.iter().map(|c| keyword(c)).collect();
    for (i, name) in names.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
        let cell = cells[i];
        if !COLUMNS.contains(&name.as_str()) {
            error(
                format!("Cột \"{cell}\" không được hỗ trợ; các cột hợp lệ: {all}."),
                format!("Column \"{cell}\" is not supported; valid columns: {all}."),
            );
        } else if names[..i].contains(name) {
            error(
                format!("Cột \"{name}\" xuất hiện hai lần; vui lòng xóa một cột."),
                format!("Column \"{name}\" appears twice; remove one."),
            );
        }
    }
    let mut index = [0; 13];
    for (k, column) in COLUMNS.iter().enumerate() {
        match names.iter().position(|n| n == column) {
            Some(i) => index[k] = i,
            None => error(
                format!("Thiếu cột \"{column}\" trong dòng tiêu đề; cần đủ 13 cột: {all}."),
                format!("The header lacks column \"{column}\"; all 13 are needed: {all}."),
            ),
        }
    }
    if errors.is_empty() { Ok(index) } else { Err(errors) }
}

/// Keeps the value, or records the problems and gives `None`.
fn take<T>(problems: &mut Vec<Problem>, r: Result<T, Problem>) -> Option<T> {
    r.map_err(|p| problems.push(p)).ok()
}

fn parse_row<'a>(line: usize, cell: impl Fn(usize) -> &'a str) -> Row {
    let col = |name: &str| cell(COLUMNS.iter().position(|c| *c == name).expect("known column"));
    let mut problems = Vec::new();
    let code = take(
        &mut problems,
        ProcedureCode::parse(col("code")).map_err(|e| Problem::new("code", e.message_vi(), e.message_en())),
    );
    let name = take(&mut problems, checks::text("name", col("name")));
    let field = take(&mut problems, checks::text("field", col("field")));
    let online_level = take(&mut problems, online_level(col("online_level")));
    let statutory_time = take(&mut problems, statutory_time(col("time_kind"), col("time_value")));
    let time_certainty = take(&mut problems, certainty(col("time_certainty")));
    let fees = take(&mut problems, fees(col("fees")));
    let components = take(&mut problems, components(col("components")));
    let result_kind = take(&mut problems, result_kind(col("result_kind")));
    let competent_level = take(&mut problems, competent_level(col("competent_level")));
    let published_on = take(&mut problems, date("published_on", col("published_on")));
    let updated_on = take(&mut problems, date("updated_on", col("updated_on")));
    if let Some(fees) = &fees {
        problems.extend(checks::fees("fees", fees));
    }
    if let Some(components) = &components {
        problems.extend(checks::components("components", components));
    }
    if let Some(t) = &statutory_time {
        take(&mut problems, checks::time("time_value", t));
    }
    take(&mut problems, checks::dates(published_on.flatten(), updated_on.flatten()));
    // Every `None` above recorded a problem, so with no problems everything is present.
    let built = (|| {
        Some(Procedure {
            code: code.clone()?,
            name: name?,
            field: field?,
            online_level: online_level?,
            statutory_time: statutory_time?,
            time_certainty: time_certainty?,
            fees: fees?,
            components: components?,
            result_kind: result_kind?,
            competent_level: competent_level?,
            published_on: published_on?,
            updated_on: updated_on?,
        })
    })();
    let result = match built {
        Some(procedure) if problems.is_empty() => Ok(procedure),
        _ => Err(problems),
    };
    Row { line, code, result }
}

#[cfg(test)]
mod tests;

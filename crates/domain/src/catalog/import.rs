//! Importing a province's procedure catalog from CSV or JSON, all or nothing.
//!
//! A province fixes local times and fees in its publication decision (quyết định công bố), so
//! it imports its own catalog. Either every row is valid and all are imported, or nothing is
//! and the [`ImportReport`] lists every bad field of every bad row, so the file can be fixed
//! in one pass.
//!
//! # CSV
//!
//! UTF-8 (a leading byte-order mark, as Excel writes it, is ignored), comma-separated, one
//! procedure per row. A header row naming all 13 columns is required; columns may come in
//! any order and header names ignore case. `data/procedures.example.csv` shows three rows.
//!
//! | column | content |
//! |---|---|
//! | `code` | national procedure code, e.g. `1.001193` or `2.000815.000.00.00.H55` |
//! | `name` | procedure name |
//! | `field` | lĩnh vực, e.g. `Hộ tịch` |
//! | `online_level` | `full` (or `toàn trình`), `partial` (or `một phần`), `none` (or `không`) |
//! | `time_kind` | `working_days`, `working_hours`, `same_day` or `calendar_days` |
//! | `time_value` | a whole number of days or hours; for `same_day` the cut-off `HH:MM` (empty = 15:00) |
//! | `time_certainty` | `verified`, `single`, `recalled` or `uncertain`; empty = `single` (the decision itself) |
//! | `fees` | `name:amount:basis;…`, basis `fixed`, `per_copy` or `set_at_intake`; amount in đồng (`8000` or `8.000`); empty = free |
//! | `components` | `code:name:required;…` with required `1` or `0`, e.g. `TK01:Tờ khai:1` |
//! | `result_kind` | `paper` or `electronic` |
//! | `competent_level` | `commune` or `province` |
//! | `published_on` | `YYYY-MM-DD` or `DD/MM/YYYY`, may be empty |
//! | `updated_on` | same, may be empty; not before `published_on` |
//!
//! Keywords ignore case and diacritics. Rows whose cells are all empty are skipped.
//!
//! # JSON
//!
//! An array of procedure objects of the same shape as `data/procedures.json`. Errors name the
//! line where the bad element starts. Unknown keys are reported, since they are usually typos.
//!
//! Codes must be unique within a file, and a file without any procedure is rejected.

mod checks;
mod csv_cells;
mod csv_rows;
mod json_rows;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use super::{Procedure, ProcedureCode};
use crate::error::Described;
use checks::Problem;

/// The file format of a catalog import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    Csv,
    Json,
}

impl ImportFormat {
    /// `Csv` for `*.csv`, `Json` for `*.json` (any case), otherwise `None`.
    pub fn from_path_extension(path: impl AsRef<Path>) -> Option<Self> {
        let ext = path.as_ref().extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(ImportFormat::Csv),
            "json" => Some(ImportFormat::Json),
            _ => None,
        }
    }
}

/// One bad field of one row (or of the header, or of the file as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line in the file where the row (or JSON element) starts.
    pub line: usize,
    /// The CSV column or JSON key; `header`, `row` or `file` for errors not about one field.
    pub field: String,
    pub reason_vi: String,
    pub reason_en: String,
}

impl RowError {
    fn new(line: usize, problem: Problem) -> Self {
        RowError { line, field: problem.field, reason_vi: problem.vi, reason_en: problem.en }
    }
}

/// Why an import was rejected: every problem found, in line order. Nothing was imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub errors: Vec<RowError>,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "catalog import rejected, nothing imported ({} errors):", self.errors.len())?;
        for e in &self.errors {
            write!(f, "\n  line {}, {}: {}", e.line, e.field, e.reason_en)?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportReport {}

impl Described for ImportReport {
    fn code(&self) -> &'static str {
        "CATALOG_IMPORT_INVALID"
    }
    fn message_vi(&self) -> String {
        let mut m = format!(
            "Tệp danh mục có {} lỗi nên chưa thủ tục nào được nhập. \
             Sửa các lỗi sau rồi nhập lại cả tệp:",
            self.errors.len()
        );
        for e in &self.errors {
            m.push_str(&format!("\n- Dòng {}, {}: {}", e.line, e.field, e.reason_vi));
        }
        m
    }
    fn message_en(&self) -> String {
        let mut m = format!(
            "The catalog file has {} errors, so no procedure was imported. \
             Fix these and import the whole file again:",
            self.errors.len()
        );
        for e in &self.errors {
            m.push_str(&format!("\n- Line {}, {}: {}", e.line, e.field, e.reason_en));
        }
        m
    }
    fn field(&self) -> Option<&str> {
        Some("file")
    }
}

/// One row (CSV) or element (JSON) after parsing; `code` is kept even when other fields
/// are bad, so duplicates are found in the same pass.
struct Row {
    line: usize,
    code: Option<ProcedureCode>,
    result: Result<Procedure, Vec<Problem>>,
}

/// Parses a whole catalog file; see the module documentation for the formats.
pub fn parse_catalog(bytes: &[u8], format: ImportFormat) -> Result<Vec<Procedure>, ImportReport> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let rows = match format {
        ImportFormat::Csv => csv_rows::parse(bytes),
        ImportFormat::Json => json_rows::parse(bytes),
    }
    .map_err(|errors| ImportReport { errors })?;
    finish(rows)
}

fn finish(rows: Vec<Row>) -> Result<Vec<Procedure>, ImportReport> {
    let mut errors = Vec::new();
    let mut first_line: HashMap<ProcedureCode, usize> = HashMap::new();
    let mut procedures = Vec::with_capacity(rows.len());
    if rows.is_empty() {
        errors.push(RowError::new(
            1,
            Problem::new(
                "file",
                "Tệp không có thủ tục nào; vui lòng kiểm tra đã chọn đúng tệp.",
                "The file holds no procedure; check that the right file was chosen.",
            ),
        ));
    }
    for row in rows {
        match row.result {
            Ok(p) => procedures.push(p),
            Err(problems) => errors.extend(problems.into_iter().map(|p| RowError::new(row.line, p))),
        }
        let Some(code) = row.code else { continue };
        if let Some(&first) = first_line.get(&code) {
            let line = row.line;
            errors.push(RowError::new(
                line,
                Problem::new(
                    "code",
                    format!(
                        "Mã thủ tục {code} bị trùng: đã có ở dòng {first} và lặp lại ở dòng {line}. \
                         Mỗi mã chỉ khai báo một lần."
                    ),
                    format!(
                        "Procedure code {code} is duplicated: on line {first} and again on line {line}. \
                         List each code once."
                    ),
                ),
            ));
        } else {
            first_line.insert(code, row.line);
        }
    }
    if errors.is_empty() {
        Ok(procedures)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(ImportReport { errors })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_extension() {
        assert_eq!(ImportFormat::from_path_extension("a/b/catalog.CSV"), Some(ImportFormat::Csv));
        assert_eq!(ImportFormat::from_path_extension("catalog.json"), Some(ImportFormat::Json));
        assert_eq!(ImportFormat::from_path_extension("catalog.xlsx"), None);
        assert_eq!(ImportFormat::from_path_extension("catalog"), None);
    }

    #[test]
    fn empty_files_are_rejected() {
        for (bytes, format) in [(&b"[]"[..], ImportFormat::Json), (csv_rows::HEADER.as_bytes(), ImportFormat::Csv)] {
            let report = parse_catalog(bytes, format).unwrap_err();
            assert_eq!(report.errors.len(), 1);
            assert_eq!(report.errors[0].field, "file");
        }
    }

    #[test]
    fn report_is_described_and_lists_every_row() {
        let report = ImportReport {
            errors: vec![
                RowError::new(2, Problem::new("name", "trống", "empty")),
                RowError::new(5, Problem::new("fees", "sai", "wrong")),
            ],
        };
        assert_eq!(report.code(), "CATALOG_IMPORT_INVALID");
        assert!(report.message_vi().contains("Dòng 2, name: trống") && report.message_vi().contains("Dòng 5"));
        assert!(report.message_en().contains("Line 5, fees: wrong"));
        assert!(report.to_string().contains("line 2, name: empty"));
    }
}

//! Table exports for the back office: CSV (UTF-8 with a byte-order mark, so Excel on Windows
//! shows Vietnamese correctly) and XLSX (one sheet, a bold header row, frozen and filterable).

use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// A table: its header and its rows of text cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Why an export could not be written (only on a bug or out of memory).
#[derive(Debug, thiserror::Error)]
#[error("the export could not be written: {0}")]
pub struct ExportError(String);

/// The table as CSV, starting with the UTF-8 byte-order mark.
pub fn csv(table: &Table) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(&table.header).map_err(|e| ExportError(e.to_string()))?;
    for row in &table.rows {
        w.write_record(row).map_err(|e| ExportError(e.to_string()))?;
    }
    w.into_inner().map_err(|e| ExportError(e.to_string()))
}

/// The table as an XLSX workbook with one sheet named `sheet` (at most 31 characters).
pub fn xlsx(table: &Table, sheet: &str) -> Result<Vec<u8>, ExportError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| ExportError(e.to_string());
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet.chars().take(31).collect::<String>()).map_err(err)?;
    let bold = Format::new().set_bold();
    for (c, h) in table.header.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| ExportError("too many columns".into()))?;
        ws.write_string_with_format(0, col, h, &bold).map_err(err)?;
        ws.set_column_width(col, 18).map_err(err)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let line = u32::try_from(r + 1).map_err(|_| ExportError("too many rows".into()))?;
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(line, c as u16, cell).map_err(err)?;
        }
    }
    let last_col = table.header.len().saturating_sub(1) as u16;
    ws.set_freeze_panes(1, 0).map_err(err)?;
    ws.autofilter(0, 0, table.rows.len() as u32, last_col).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

/// A download answer of `bytes` named `file_name`.
pub fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let safe: String =
        file_name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    res
}

pub const CSV: &str = "text/csv; charset=utf-8";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            header: vec!["Mã hồ sơ".into(), "Người nộp".into()],
            rows: vec![vec!["X-1".into(), "Trần Thị Bình, \"Bé\"".into()]],
        }
    }

    #[test]
    fn csv_starts_with_a_bom_and_quotes_what_needs_it() {
        let bytes = csv(&table()).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text, "Mã hồ sơ,Người nộp\nX-1,\"Trần Thị Bình, \"\"Bé\"\"\"\n");
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = xlsx(&table(), "Sổ theo dõi hồ sơ").unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}

//! Period reports of the 766 statistics (by unit, procedure, field or channel) as a table, and its
//! exports: CSV (UTF-8 with a byte-order mark) and XLSX (Vietnamese headers, numbers as numbers).

use std::collections::HashMap;

use motcua_domain::index::{Dimension, Period, StatRow, statistics};
use motcua_domain::ports::{CatalogStore, IndexScope, IndexStore};
use motcua_domain::unit::Unit;

use crate::api::index::CONFIGS;
use crate::error::ApiResult;
use crate::export::Table;
use crate::state::AppState;

/// The report of `unit` (a commune, or a province's communes) for `period`, by `by`.
pub async fn unit_statistics(state: &AppState, unit: &Unit, period: &Period, by: Dimension) -> ApiResult<Report> {
    let scope = if unit.code.is_province() {
        IndexScope::Province(unit.code.clone())
    } else {
        IndexScope::Unit(unit.code.clone())
    };
    let inputs = state.db.index_inputs(&scope, period.start(), period.end()).await?;
    let mut stats = statistics(CONFIGS.for_date(period.from), &inputs, period, state.now(), by);
    if !unit.code.is_province() && by == Dimension::Unit {
        // Dossiers handled here but attributed to another commune are not this unit's rows.
        stats.retain(|s| s.key.is_empty() || s.key == unit.code.as_str());
    }
    let mut names: HashMap<String, String> = HashMap::new();
    for s in &stats {
        let name = match by {
            Dimension::Unit => match motcua_domain::unit::UnitCode::parse(&s.key) {
                Ok(c) => state.db.unit(&c).await?.map(|u| u.name),
                Err(_) => None,
            },
            Dimension::Procedure => match motcua_domain::catalog::ProcedureCode::parse(&s.key) {
                Ok(c) => state.db.procedure(&c).await?.map(|p| p.name),
                Err(_) => None,
            },
            Dimension::Channel | Dimension::Field => None,
        };
        if let Some(n) = name {
            names.insert(s.key.clone(), n);
        }
    }
    Ok(build(&stats, &names, by))
}

/// A cell: text, or a number Excel can add up.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            Cell::Number(n) => format!("{n:.2}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

const HEADER: [&str; 15] = [
    "Mã",
    "Tên",
    "Tổng tiếp nhận",
    "Kỳ trước chuyển sang",
    "Tiếp nhận mới",
    "Giải quyết trước hạn",
    "Giải quyết đúng hạn",
    "Giải quyết quá hạn",
    "Đang giải quyết trong hạn",
    "Đang giải quyết quá hạn",
    "Chờ bổ sung",
    "Rút hồ sơ",
    "Từ chối tiếp nhận",
    "Thời gian giải quyết trung bình (ngày)",
    "Thời hạn theo quy định trung bình (ngày)",
];

/// The rows of `stats` (the total last, named "Tổng cộng"); `names` maps keys to names.
pub fn build(stats: &[StatRow], names: &HashMap<String, String>, by: Dimension) -> Report {
    let n = |v: u64| Cell::Number(v as f64);
    let days = |v: Option<f64>| v.map_or(Cell::Text(String::new()), |d| Cell::Number((d * 100.0).round() / 100.0));
    let rows = stats
        .iter()
        .map(|s| {
            let c = &s.counts;
            let name = if s.key.is_empty() {
                "Tổng cộng".to_string()
            } else if by == Dimension::Channel {
                match s.key.as_str() {
                    "counter" => "Trực tiếp".into(),
                    "online" => "Trực tuyến".into(),
                    "post" => "Bưu chính công ích".into(),
                    k => k.into(),
                }
            } else if by == Dimension::Field {
                // The key is the field's name; "?" gathers procedures missing from the catalog.
                if s.key == "?" { "Chưa xác định lĩnh vực".into() } else { s.key.clone() }
            } else {
                names.get(&s.key).cloned().unwrap_or_default()
            };
            vec![
                Cell::Text(s.key.clone()),
                Cell::Text(name),
                n(c.received),
                n(c.carried_over),
                n(c.received - c.carried_over),
                n(c.settled_early),
                n(c.settled_on_time),
                n(c.settled_late),
                n(c.in_progress_within),
                n(c.in_progress_overdue),
                n(c.paused),
                n(c.withdrawn),
                n(c.refused),
                days(s.avg_days),
                days(s.avg_allowed_days),
            ]
        })
        .collect();
    Report { header: HEADER.iter().map(|s| s.to_string()).collect(), rows }
}

/// Why an export could not be written (only on a bug or out of memory).
pub type ReportError = String;

pub fn csv(r: &Report) -> Result<Vec<u8>, ReportError> {
    let rows = r.rows.iter().map(|row| row.iter().map(Cell::text).collect()).collect();
    crate::export::csv(&Table { header: r.header.clone(), rows }).map_err(|e| e.to_string())
}

/// One sheet, bold frozen header, numbers written as numbers.
pub fn xlsx(r: &Report, sheet: &str) -> Result<Vec<u8>, ReportError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet.chars().take(31).collect::<String>()).map_err(err)?;
    let bold = Format::new().set_bold().set_text_wrap();
    for (c, h) in r.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold).map_err(err)?;
        ws.set_column_width(c as u16, if c == 1 { 32 } else { 14 }).map_err(err)?;
    }
    for (i, row) in r.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => ws.write_string(i as u32 + 1, c as u16, s).map_err(err)?,
                Cell::Number(v) => ws.write_number(i as u32 + 1, c as u16, *v).map_err(err)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

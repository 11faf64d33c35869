//! The 766 service index (Decision 766/QĐ-TTg): six groups, 100 points, computed per unit and
//! per period from dossier facts, with every lost point traceable to a dossier.
//!
//! - [`config`]: the versioned configuration (`data/index/766.json`): maxima, thresholds,
//!   which items apply to communes, how non-applicable items score, the early/on-time rule.
//! - [`period`]: month, quarter, year or custom range, in local (UTC+7) days.
//! - [`facts`]: what one dossier contributes ([`DossierFacts`]), derived from the projection.
//! - [`forecast`]: the projected end-of-period score and the dossiers at risk.
//! - [`compute`]: the indicators of DOMAIN.md §1.2 with the counting rules of §1.3 and the point
//!   formulas of §1.4; [`kernel`]: the per-dossier rules, counted in one pass over compact rows;
//!   [`table`]: a province's rows, for the full recompute of every commune (counts only).
//! - [`statistics`]: period statistics by unit, procedure or channel (reports).
//! - [`report`]: the result shapes; [`ranking`]: communes of a province, ties sharing a rank.
//!
//! Pure: the caller passes the facts and `now`; nothing here reads storage or a clock.

pub mod compute;
pub mod config;
pub mod facts;
pub mod forecast;
pub mod kernel;
mod payment;
pub mod period;
pub mod progress;
pub mod ranking;
pub mod report;
pub mod statistics;
pub mod table;

pub use compute::{compute, compute_province};
pub use config::{EarlyRule, Formula, IndexConfig, IndexConfigs, IndicatorCode, Level, NotApplicableScoring};
pub use facts::{DossierFacts, IndexInputs, PetitionFacts, ProcedureFacts};
pub use forecast::{AtRisk, Forecast, forecast};
pub use period::{Period, PeriodKind};
pub use ranking::{RankRow, rank};
pub use report::{GroupReport, IndexReport, IndicatorReport, IndicatorState, Part, ProgressCounts};
pub use statistics::{Dimension, StatRow, statistics};
pub use table::{FactTable, compute_province_figures};

use crate::error::Described;

/// Why an index request or the index configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("invalid period {0:?}")]
    InvalidPeriod(String),
    #[error("period from {from} is after to {to}")]
    EmptyRange { from: String, to: String },
    #[error("unknown indicator {0:?}")]
    UnknownIndicator(String),
    #[error("invalid index configuration: {0}")]
    Config(String),
}

impl Described for IndexError {
    fn code(&self) -> &'static str {
        match self {
            IndexError::InvalidPeriod(_) => "INVALID_PERIOD",
            IndexError::EmptyRange { .. } => "EMPTY_PERIOD",
            IndexError::UnknownIndicator(_) => "UNKNOWN_INDICATOR",
            IndexError::Config(_) => "INVALID_INDEX_CONFIG",
        }
    }
    fn message_vi(&self) -> String {
        match self {
            IndexError::InvalidPeriod(p) => format!(
                "Kỳ đánh giá \"{p}\" không hợp lệ: dùng tháng (2025-11), quý (2025-Q4), năm (2025) hoặc from/to (2025-07-01)."
            ),
            IndexError::EmptyRange { from, to } => format!("Ngày bắt đầu {from} sau ngày kết thúc {to}."),
            IndexError::UnknownIndicator(c) => format!("Không có chỉ tiêu \"{c}\" trong Bộ chỉ số 766."),
            IndexError::Config(m) => format!("Cấu hình Bộ chỉ số 766 không hợp lệ: {m}"),
        }
    }
    fn message_en(&self) -> String {
        match self {
            IndexError::InvalidPeriod(p) => format!(
                "Period \"{p}\" is invalid: use a month (2025-11), a quarter (2025-Q4), a year (2025) or from/to (2025-07-01)."
            ),
            IndexError::EmptyRange { from, to } => format!("The start date {from} is after the end date {to}."),
            IndexError::UnknownIndicator(c) => format!("There is no indicator \"{c}\" in the 766 index."),
            IndexError::Config(m) => format!("The 766 index configuration is invalid: {m}"),
        }
    }
    fn field(&self) -> Option<&str> {
        match self {
            IndexError::InvalidPeriod(_) | IndexError::EmptyRange { .. } => Some("period"),
            IndexError::UnknownIndicator(_) => Some("indicator"),
            IndexError::Config(_) => None,
        }
    }
}

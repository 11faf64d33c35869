//! Reporting periods: a month, a quarter, a year or a custom range of local (UTC+7) days.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::IndexError;
use crate::calendar::from_local;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
    Custom,
}

/// A period of whole local days, `from` and `to` both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// `2025-11` (month), `2025-Q4` (quarter) or `2025` (year).
    pub fn parse(s: &str) -> Result<Period, IndexError> {
        let s = s.trim();
        let bad = || IndexError::InvalidPeriod(s.to_string());
        let (year, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s, None),
        };
        if year.len() != 4 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let first = |month: u32| NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad);
        let (kind, from, months) = match rest {
            None => (PeriodKind::Year, first(1)?, 12),
            Some(q) if q.len() == 2 && (q.starts_with('Q') || q.starts_with('q')) => {
                let n: u32 = q[1..].parse().map_err(|_| bad())?;
                if !(1..=4).contains(&n) {
                    return Err(bad());
                }
                (PeriodKind::Quarter, first(3 * n - 2)?, 3)
            }
            Some(m) if m.len() == 2 => (PeriodKind::Month, first(m.parse().map_err(|_| bad())?)?, 1),
            Some(_) => return Err(bad()),
        };
        let to = from.checked_add_months(Months::new(months)).and_then(|d| d.pred_opt()).ok_or_else(bad)?;
        Ok(Period { kind, from, to })
    }

    /// A custom range of days, both included.
    pub fn custom(from: NaiveDate, to: NaiveDate) -> Result<Period, IndexError> {
        if from > to {
            return Err(IndexError::EmptyRange { from: from.to_string(), to: to.to_string() });
        }
        Ok(Period { kind: PeriodKind::Custom, from, to })
    }

    /// Parses a `YYYY-MM-DD` day of a custom range.
    pub fn parse_day(s: &str) -> Result<NaiveDate, IndexError> {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| IndexError::InvalidPeriod(s.to_string()))
    }

    /// The first instant of the period (local midnight of `from`).
    pub fn start(&self) -> DateTime<Utc> {
        from_local(self.from.and_hms_opt(0, 0, 0).expect("midnight exists"))
    }

    /// The first instant after the period (local midnight after `to`).
    pub fn end(&self) -> DateTime<Utc> {
        let next = self.to.checked_add_days(Days::new(1)).unwrap_or(self.to);
        from_local(next.and_hms_opt(0, 0, 0).expect("midnight exists"))
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start() <= t && t < self.end()
    }

    /// The period just before: the previous month, quarter or year, or a custom range of the
    /// same number of days ending the day before.
    pub fn previous(&self) -> Period {
        let months = match self.kind {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Year => 12,
            PeriodKind::Custom => {
                let days = (self.to - self.from).num_days() as u64 + 1;
                let to = self.from.pred_opt().unwrap_or(self.from);
                let from = to.checked_sub_days(Days::new(days - 1)).unwrap_or(to);
                return Period { kind: PeriodKind::Custom, from, to };
            }
        };
        let from = self.from.checked_sub_months(Months::new(months)).unwrap_or(self.from);
        let to = self.from.pred_opt().unwrap_or(self.from);
        Period { kind: self.kind, from, to }
    }

    /// `2025-11`, `2025-Q4`, `2025` or `2025-07-01..2025-11-12`.
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("{}-{:02}", self.from.year(), self.from.month()),
            PeriodKind::Quarter => format!("{}-Q{}", self.from.year(), self.from.month().div_ceil(3)),
            PeriodKind::Year => self.from.year().to_string(),
            PeriodKind::Custom => format!("{}..{}", self.from, self.to),
        }
    }
}

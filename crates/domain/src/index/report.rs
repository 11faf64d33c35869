//! The shapes of an index result: per indicator, per group, per unit and period.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::config::{IndicatorCode, Level};
use super::period::Period;
use crate::dossier::DossierCode;
use crate::pakn::PetitionCode;
use crate::unit::UnitCode;

/// A sub-rate of a composite indicator (the payment indicator's A, B and C).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    pub numerator: u64,
    pub denominator: u64,
    pub rate: Option<f64>,
    pub points: f64,
}

/// The outcome of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum IndicatorState {
    /// Counted from Motcua's own data.
    Scored {
        numerator: u64,
        denominator: u64,
        /// `None` when nothing is in scope.
        rate: Option<f64>,
        points: f64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        parts: Vec<Part>,
        /// The dossiers behind the points lost, in code order.
        lost: Vec<DossierCode>,
        /// The PAKN behind the points lost (PAKN indicators), in code order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lost_petitions: Vec<PetitionCode>,
    },
    /// The item does not apply at this level; scored by the configuration's rule.
    NotApplicable {
        points: f64,
        counted_in_max: bool,
        explanation_vi: String,
        #[serde(default)]
        explanation_en: String,
    },
    /// Motcua does not hold the inputs yet: no number is made up.
    Missing {
        inputs: Vec<String>,
        explanation_vi: String,
        #[serde(default)]
        explanation_en: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorReport {
    pub code: IndicatorCode,
    pub item: u32,
    pub group: String,
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    pub max_points: f64,
    #[serde(flatten)]
    pub state: IndicatorState,
}

impl IndicatorReport {
    /// Points earned, or `None` when missing.
    pub fn points(&self) -> Option<f64> {
        match &self.state {
            IndicatorState::Scored { points, .. } | IndicatorState::NotApplicable { points, .. } => Some(*points),
            IndicatorState::Missing { .. } => None,
        }
    }
    /// The maximum this item contributes to the scored maximum (0 when missing or excluded).
    pub fn scored_max(&self) -> f64 {
        match &self.state {
            IndicatorState::Scored { .. } => self.max_points,
            IndicatorState::NotApplicable { counted_in_max, .. } => {
                if *counted_in_max {
                    self.max_points
                } else {
                    0.0
                }
            }
            IndicatorState::Missing { .. } => 0.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    pub code: String,
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    pub max_points: f64,
    /// Points of the scored and non-applicable items.
    pub points: f64,
    /// The maximum of the items whose inputs are missing.
    pub missing_max: f64,
    pub indicators: Vec<IndicatorReport>,
}

/// The period's dossier statistics behind the progress indicator (§1.3, item 2.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressCounts {
    /// Received in the period (and, when configured, carried over still open).
    pub received: u64,
    pub carried_over: u64,
    pub settled_early: u64,
    pub settled_on_time: u64,
    pub settled_late: u64,
    pub in_progress_within: u64,
    pub in_progress_overdue: u64,
    /// Of those in progress, waiting for the citizen (the request time counts as the end).
    pub paused: u64,
    pub withdrawn: u64,
    /// Refused at intake in the period (outside the progress scope).
    pub refused: u64,
}

impl ProgressCounts {
    pub fn add(&mut self, o: &ProgressCounts) {
        self.received += o.received;
        self.carried_over += o.carried_over;
        self.settled_early += o.settled_early;
        self.settled_on_time += o.settled_on_time;
        self.settled_late += o.settled_late;
        self.in_progress_within += o.in_progress_within;
        self.in_progress_overdue += o.in_progress_overdue;
        self.paused += o.paused;
        self.withdrawn += o.withdrawn;
        self.refused += o.refused;
    }
}

/// The index of one unit (commune) or a whole province for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexReport {
    pub unit: UnitCode,
    pub level: Level,
    pub period: Period,
    /// The instant the figures stand at: the end of the period, or `now` for a running one.
    pub as_of: DateTime<Utc>,
    pub config_version: u32,
    /// Points of the scored and non-applicable items.
    pub total: f64,
    /// The maximum of those items (100 minus missing and excluded items).
    pub scored_max: f64,
    /// The maximum of the items whose inputs are missing.
    pub missing_max: f64,
    pub groups: Vec<GroupReport>,
    pub progress: ProgressCounts,
}

impl IndexReport {
    pub fn indicator(&self, code: IndicatorCode) -> Option<&IndicatorReport> {
        self.groups.iter().flat_map(|g| &g.indicators).find(|i| i.code == code)
    }
}

//! The index configuration: versioned data (`data/index/766.json`), parsed into types and
//! checked once. Everything DOMAIN.md marks uncertain lives here, not in code.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::IndexError;

const EMBEDDED: &str = include_str!("../../../../data/index/766.json");

/// Every indicator Motcua knows how to count (or to declare missing). Item numbers follow the
/// METRICS sheet of "Công thức 766.xlsx".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorCode {
    PublishOnTime,
    PublicUpdateOnTime,
    PublicContentFull,
    DossierSync,
    OnTime,
    OnlineFullProcess,
    OriginalResultAvailable,
    SoHoaGiayToGiaiQuyet,
    ElectronicCertifiedCopy,
    ReusedDigitizedData,
    SyncedWithDvcqgPersonalStorage,
    CitizenDataConnectedDossier,
    CitizenDataConnectedFormality,
    OnlinePayment,
    PetitionProcessingOnTime,
    PetitionHandlingSatisfaction,
    DossierReceivingSatisfaction,
}

impl IndicatorCode {
    pub const ALL: [IndicatorCode; 17] = [
        IndicatorCode::PublishOnTime,
        IndicatorCode::PublicUpdateOnTime,
        IndicatorCode::PublicContentFull,
        IndicatorCode::DossierSync,
        IndicatorCode::OnTime,
        IndicatorCode::OnlineFullProcess,
        IndicatorCode::OriginalResultAvailable,
        IndicatorCode::SoHoaGiayToGiaiQuyet,
        IndicatorCode::ElectronicCertifiedCopy,
        IndicatorCode::ReusedDigitizedData,
        IndicatorCode::SyncedWithDvcqgPersonalStorage,
        IndicatorCode::CitizenDataConnectedDossier,
        IndicatorCode::CitizenDataConnectedFormality,
        IndicatorCode::OnlinePayment,
        IndicatorCode::PetitionProcessingOnTime,
        IndicatorCode::PetitionHandlingSatisfaction,
        IndicatorCode::DossierReceivingSatisfaction,
    ];

    /// The code as written in the configuration and URLs (`ON_TIME`, `DOSSIER_SYNC`…).
    pub fn as_str(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }

    /// Parses `ON_TIME` or `on_time`.
    pub fn parse(s: &str) -> Result<IndicatorCode, IndexError> {
        let upper = s.trim().to_ascii_uppercase();
        IndicatorCode::ALL.into_iter().find(|c| c.as_str() == upper).ok_or(IndexError::UnknownIndicator(s.to_string()))
    }
}

/// How points follow from the rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Formula {
    /// max × rate; with `full_when_empty`, the full points when nothing is in scope.
    Linear {
        #[serde(default)]
        full_when_empty: bool,
    },
    /// min(max, max × rate ÷ full_at).
    Threshold { full_at: f64 },
    /// dossiers·A + min(procedures_paid_cap, procedures_paid·B) + procedures_used·C, capped at max.
    Payment { dossiers: f64, procedures_paid: f64, procedures_paid_cap: f64, procedures_used: f64 },
}

/// Province or commune: which items apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    Commune,
}

/// Which unit a dossier counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    Receiving,
    Handling,
}

/// Where "early" ends and "on time" begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EarlyRule {
    /// Settled on a local day before the appointment day (`calendar::classify`); a same-day
    /// procedure can then only be on time.
    BeforeDueDay,
    /// Settled strictly before the appointment instant.
    BeforeDueInstant,
}

/// How an item that does not apply to the unit's level scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotApplicableScoring {
    /// The full points (one repository's business rule; DOMAIN.md §1.2 [?]).
    Full,
    /// No points.
    Zero,
    /// Left out of both the points and the maximum.
    Excluded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorConfig {
    pub code: IndicatorCode,
    pub item: u32,
    pub name_vi: String,
    /// The English name (the pages in English); required by validation.
    #[serde(default)]
    pub name_en: String,
    pub max: f64,
    pub formula: Formula,
    pub scope: Vec<Level>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupConfig {
    pub code: String,
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    pub max: f64,
    pub indicators: Vec<IndicatorConfig>,
}

fn default_at_risk_hours() -> u32 {
    8
}

fn default_dissatisfied_at_most() -> u8 {
    2
}

/// One version of the index rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexConfig {
    pub version: u32,
    pub effective_from: NaiveDate,
    pub note_vi: String,
    pub attribution: Attribution,
    pub early_rule: EarlyRule,
    /// Whether dossiers received before the period and still open at its start count too.
    pub progress_includes_carried_over: bool,
    pub not_applicable: NotApplicableScoring,
    /// Working days to reject, ask for more information and settle a PAKN (2, 5, 15).
    #[serde(default)]
    pub petition_deadlines: crate::pakn::PaknDeadlines,
    /// A dossier due within this many working hours and not decided is "at risk" (forecast).
    #[serde(default = "default_at_risk_hours")]
    pub at_risk_hours: u32,
    /// A citizen's rating (1–5) at or below this counts as "not satisfied" for
    /// DOSSIER_RECEIVING_SATISFACTION (the national form's scale is not documented; default 2).
    #[serde(default = "default_dissatisfied_at_most")]
    pub dissatisfied_at_most: u8,
    pub groups: Vec<GroupConfig>,
}

/// Every version, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexConfigs {
    pub source: String,
    pub versions: Vec<IndexConfig>,
}

impl IndexConfigs {
    /// The configuration shipped in `data/index/766.json` (validated by a test).
    pub fn embedded() -> IndexConfigs {
        IndexConfigs::parse(EMBEDDED).expect("data/index/766.json is valid (checked by a test)")
    }

    pub fn parse(json: &str) -> Result<IndexConfigs, IndexError> {
        let c: IndexConfigs = serde_json::from_str(json).map_err(|e| IndexError::Config(e.to_string()))?;
        c.validate()?;
        Ok(c)
    }

    /// The version in force on `day` (the oldest one before its `effective_from`).
    pub fn for_date(&self, day: NaiveDate) -> &IndexConfig {
        self.versions.iter().rev().find(|v| v.effective_from <= day).unwrap_or(&self.versions[0])
    }

    fn validate(&self) -> Result<(), IndexError> {
        let err = |m: String| Err(IndexError::Config(m));
        if self.versions.is_empty() {
            return err("no version".into());
        }
        for pair in self.versions.windows(2) {
            if pair[1].version <= pair[0].version || pair[1].effective_from <= pair[0].effective_from {
                return err(format!("version {} must come after version {}", pair[1].version, pair[0].version));
            }
        }
        for v in &self.versions {
            v.validate().map_err(|e| IndexError::Config(format!("version {}: {e}", v.version)))?;
        }
        Ok(())
    }
}

impl IndexConfig {
    fn validate(&self) -> Result<(), String> {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        let total: f64 = self.groups.iter().map(|g| g.max).sum();
        if !close(total, 100.0) {
            return Err(format!("group maxima sum to {total}, not 100"));
        }
        let mut seen = HashSet::new();
        for g in &self.groups {
            if g.name_en.trim().is_empty() || g.indicators.iter().any(|i| i.name_en.trim().is_empty()) {
                return Err(format!("group {} or one of its indicators has no English name (name_en)", g.code));
            }
            let sum: f64 = g.indicators.iter().map(|i| i.max).sum();
            if !close(sum, g.max) {
                return Err(format!("indicators of {} sum to {sum}, not {}", g.code, g.max));
            }
            for i in &g.indicators {
                if !seen.insert(i.code) {
                    return Err(format!("{} appears twice", i.code.as_str()));
                }
                if i.max < 0.0 || i.scope.is_empty() {
                    return Err(format!("{}: negative maximum or empty scope", i.code.as_str()));
                }
                if let Formula::Threshold { full_at } = i.formula
                    && !(full_at > 0.0 && full_at <= 1.0)
                {
                    return Err(format!("{}: full_at {full_at} outside (0, 1]", i.code.as_str()));
                }
            }
        }
        if let Some(c) = IndicatorCode::ALL.iter().find(|c| !seen.contains(c)) {
            return Err(format!("{} is missing", c.as_str()));
        }
        Ok(())
    }

    pub fn indicator(&self, code: IndicatorCode) -> Option<(&GroupConfig, &IndicatorConfig)> {
        self.groups.iter().find_map(|g| g.indicators.iter().find(|i| i.code == code).map(|i| (g, i)))
    }
}

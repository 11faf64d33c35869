//! The administration audit trail: every change an administrator makes (accounts, units,
//! procedures, the calendar) is stored with its record — who, when, what, and the values before
//! and after — in the change's own transaction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::calendar::Amendment;
use crate::catalog::Procedure;
use crate::staff::{Role, StaffEdit, StaffId};
use crate::unit::{Unit, UnitCode};

/// What kind of change a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    StaffCreated,
    StaffEdited,
    StaffDisabled,
    StaffEnabled,
    UnitEdited,
    ProcedureEdited,
    CalendarAmended,
}

impl AuditKind {
    pub const ALL: [AuditKind; 7] = [
        AuditKind::StaffCreated,
        AuditKind::StaffEdited,
        AuditKind::StaffDisabled,
        AuditKind::StaffEnabled,
        AuditKind::UnitEdited,
        AuditKind::ProcedureEdited,
        AuditKind::CalendarAmended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::StaffCreated => "staff_created",
            AuditKind::StaffEdited => "staff_edited",
            AuditKind::StaffDisabled => "staff_disabled",
            AuditKind::StaffEnabled => "staff_enabled",
            AuditKind::UnitEdited => "unit_edited",
            AuditKind::ProcedureEdited => "procedure_edited",
            AuditKind::CalendarAmended => "calendar_amended",
        }
    }

    pub fn parse(s: &str) -> Option<AuditKind> {
        AuditKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind of an edit to an account that was `was_active` and is `active` after it.
    pub fn of_staff_edit(was_active: bool, active: bool) -> AuditKind {
        match (was_active, active) {
            (true, false) => AuditKind::StaffDisabled,
            (false, true) => AuditKind::StaffEnabled,
            _ => AuditKind::StaffEdited,
        }
    }
}

/// A change an administrator makes, applied by `AdminStore::administer` with its record.
#[derive(Debug, Clone)]
pub enum AdminChange {
    CreateStaff { username: String, full_name: String, role: Role, unit: UnitCode, password_hash: String },
    EditStaff { id: StaffId, edit: StaffEdit },
    SaveUnit(Unit),
    SaveProcedure(Procedure),
    AddAmendment(Amendment),
}

/// One stored record of the trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The administrator's account, `None` for Motcua itself.
    pub actor_id: Option<StaffId>,
    /// The administrator's username (kept as it was when acting).
    pub actor: String,
    pub kind: AuditKind,
    /// What was changed: a username, a unit or procedure code, an amended date.
    pub subject: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// One value that differs between before and after: its path (`fees[0].amount`) and both sides
/// as text (empty when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub field: String,
    pub before: String,
    pub after: String,
}

impl AuditRecord {
    /// The values that differ, in path order.
    pub fn differences(&self) -> Vec<Difference> {
        differences(self.before.as_ref(), self.after.as_ref())
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut std::collections::BTreeMap<String, String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&path, v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        Value::Null => {}
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// The leaf values that differ between two JSON documents (either may be absent).
pub fn differences(before: Option<&Value>, after: Option<&Value>) -> Vec<Difference> {
    let (mut b, mut a) = (Default::default(), Default::default());
    if let Some(v) = before {
        flatten("", v, &mut b);
    }
    if let Some(v) = after {
        flatten("", v, &mut a);
    }
    let fields: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    fields
        .into_iter()
        .filter(|f| b.get(*f) != a.get(*f))
        .map(|f| Difference {
            field: f.clone(),
            before: b.get(f).cloned().unwrap_or_default(),
            after: a.get(f).cloned().unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_name_each_changed_leaf() {
        let before = json!({"name": "Khai sinh", "fees": [{"amount": 8000}], "active": true, "gone": "x"});
        let after = json!({"name": "Khai sinh", "fees": [{"amount": 10000}], "active": false, "new": "y"});
        let d = differences(Some(&before), Some(&after));
        let d: Vec<_> = d.iter().map(|d| (d.field.as_str(), d.before.as_str(), d.after.as_str())).collect();
        assert_eq!(
            d,
            [("active", "true", "false"), ("fees[0].amount", "8000", "10000"), ("gone", "x", ""), ("new", "", "y")]
        );
        assert_eq!(differences(None, Some(&json!({"day": "2026-09-01"})))[0].after, "2026-09-01");
    }

    #[test]
    fn kinds_round_trip_and_name_staff_edits() {
        assert!(AuditKind::ALL.into_iter().all(|k| AuditKind::parse(k.as_str()) == Some(k)));
        assert_eq!(AuditKind::of_staff_edit(true, false), AuditKind::StaffDisabled);
        assert_eq!(AuditKind::of_staff_edit(false, true), AuditKind::StaffEnabled);
        assert_eq!(AuditKind::of_staff_edit(true, true), AuditKind::StaffEdited);
    }
}

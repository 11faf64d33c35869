//! Staff accounts, their roles, and who is acting on a dossier.

use serde::{Deserialize, Serialize};

use crate::unit::UnitCode;

/// Database key of a staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StaffId(pub i64);

/// What a staff member does at the center.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cán bộ một cửa: receives, refuses, asks for supplements, returns results.
    IntakeOfficer,
    /// Chuyên viên: processes dossiers and proposes a decision.
    Specialist,
    /// Lãnh đạo: approves (decides) or sends back.
    Leader,
    /// Giám đốc trung tâm: may do anything at the center's counter and desks.
    CenterDirector,
    /// Theo dõi cấp tỉnh: reads every unit of the province, changes nothing.
    ProvinceMonitor,
    /// Quản trị: manages accounts, units, the catalog and the calendar; acts on no dossier.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::IntakeOfficer,
        Role::Specialist,
        Role::Leader,
        Role::CenterDirector,
        Role::ProvinceMonitor,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::IntakeOfficer => "intake_officer",
            Role::Specialist => "specialist",
            Role::Leader => "leader",
            Role::CenterDirector => "center_director",
            Role::ProvinceMonitor => "province_monitor",
            Role::Administrator => "administrator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Role::IntakeOfficer => "Cán bộ tiếp nhận",
            Role::Specialist => "Chuyên viên xử lý",
            Role::Leader => "Lãnh đạo phê duyệt",
            Role::CenterDirector => "Giám đốc trung tâm",
            Role::ProvinceMonitor => "Theo dõi cấp tỉnh",
            Role::Administrator => "Quản trị hệ thống",
        }
    }
}

/// A signed-in staff member: who, in which role, at which unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub id: StaffId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// The commune (or, for province roles, the province) the account belongs to.
    pub unit: UnitCode,
}

/// Whoever causes an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    Staff {
        id: StaffId,
        username: String,
        role: Role,
        unit: UnitCode,
    },
    /// The applicant, proven by the dossier's secret.
    Citizen,
    /// Motcua itself (schedulers, imports, simulations).
    System,
}

impl Actor {
    pub fn staff(s: &Staff) -> Actor {
        Actor::Staff { id: s.id, username: s.username.clone(), role: s.role, unit: s.unit.clone() }
    }

    /// A short, stable label for logs and the event log (`staff:7:leader`, `citizen`, `system`).
    pub fn label(&self) -> String {
        match self {
            Actor::Staff { id, role, .. } => format!("staff:{}:{}", id.0, role.as_str()),
            Actor::Citizen => "citizen".into(),
            Actor::System => "system".into(),
        }
    }
}

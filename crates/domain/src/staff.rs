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

impl Role {
    /// Whether the role belongs to a province (monitors, administrators) rather than a commune.
    pub fn province_level(self) -> bool {
        matches!(self, Role::ProvinceMonitor | Role::Administrator)
    }
}

/// A staff account as administrators see it: the member and whether the account may sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    #[serde(flatten)]
    pub staff: Staff,
    /// A disabled account cannot sign in and holds no token.
    pub active: bool,
}

/// What an administrator sets on an existing account (the username never changes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffEdit {
    pub full_name: String,
    pub role: Role,
    pub unit: UnitCode,
    pub active: bool,
}

/// Why an administrator's change to an account is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StaffEditError {
    #[error("an administrator cannot disable their own account")]
    DisableSelf,
    #[error("an administrator cannot change their own role or unit")]
    ReroleSelf,
    #[error("the full name is empty or longer than 200 characters")]
    Name,
    #[error("province roles belong to a province, one-stop roles to a commune")]
    RoleUnit,
}

impl crate::Described for StaffEditError {
    fn code(&self) -> &'static str {
        match self {
            StaffEditError::DisableSelf => "CANNOT_DISABLE_SELF",
            StaffEditError::ReroleSelf => "CANNOT_REROLE_SELF",
            StaffEditError::Name => "INVALID_FULL_NAME",
            StaffEditError::RoleUnit => "ROLE_UNIT_MISMATCH",
        }
    }

    fn message_vi(&self) -> String {
        match self {
            StaffEditError::DisableSelf => "Bạn không thể tự khóa tài khoản của mình.",
            StaffEditError::ReroleSelf => "Bạn không thể tự đổi vai trò hoặc đơn vị của mình.",
            StaffEditError::Name => "Vui lòng nhập họ tên (tối đa 200 ký tự).",
            StaffEditError::RoleUnit => "Vai trò cấp tỉnh thuộc đơn vị tỉnh; vai trò một cửa thuộc một xã, phường.",
        }
        .into()
    }

    fn message_en(&self) -> String {
        match self {
            StaffEditError::DisableSelf => "You cannot disable your own account.",
            StaffEditError::ReroleSelf => "You cannot change your own role or unit.",
            StaffEditError::Name => "Enter the full name (at most 200 characters).",
            StaffEditError::RoleUnit => "Province roles belong to the province; one-stop roles to a commune.",
        }
        .into()
    }

    fn field(&self) -> Option<&str> {
        Some(match self {
            StaffEditError::DisableSelf => "trang-thai",
            StaffEditError::ReroleSelf | StaffEditError::RoleUnit => "vai-tro",
            StaffEditError::Name => "ho-ten",
        })
    }
}

impl StaffEdit {
    /// The account as it is now, as an edit that changes nothing.
    pub fn of(account: &StaffAccount) -> StaffEdit {
        let s = &account.staff;
        StaffEdit { full_name: s.full_name.clone(), role: s.role, unit: s.unit.clone(), active: account.active }
    }

    /// Checks the edit `admin` makes to `before`: every error found, none when it may be saved.
    pub fn check(&self, admin: &Staff, before: &StaffAccount) -> Vec<StaffEditError> {
        let mut errors = Vec::new();
        let name = self.full_name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(StaffEditError::Name);
        }
        if self.role.province_level() != self.unit.is_province() {
            errors.push(StaffEditError::RoleUnit);
        }
        if before.staff.id == admin.id {
            if !self.active {
                errors.push(StaffEditError::DisableSelf);
            }
            if self.role != before.staff.role || self.unit != before.staff.unit {
                errors.push(StaffEditError::ReroleSelf);
            }
        }
        errors
    }

    /// Whether saving the edit must end the account's live sessions: it is disabled, or its role
    /// or unit (what it may see and do) changes.
    pub fn revokes_sessions(&self, before: &StaffAccount) -> bool {
        !self.active || self.role != before.staff.role || self.unit != before.staff.unit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: i64, role: Role, unit: &str, active: bool) -> StaffAccount {
        let unit = UnitCode::parse(unit).unwrap();
        let staff = Staff { id: StaffId(id), username: format!("u{id}"), full_name: "Tên".into(), role, unit };
        StaffAccount { staff, active }
    }

    #[test]
    fn an_administrator_keeps_their_own_account_and_role() {
        let admin = account(1, Role::Administrator, "86", true);
        let mut edit = StaffEdit::of(&admin);
        assert!(edit.check(&admin.staff, &admin).is_empty());
        edit.active = false;
        assert_eq!(edit.check(&admin.staff, &admin), [StaffEditError::DisableSelf]);
        let mut edit = StaffEdit::of(&admin);
        edit.role = Role::ProvinceMonitor;
        assert_eq!(edit.check(&admin.staff, &admin), [StaffEditError::ReroleSelf]);
    }

    #[test]
    fn roles_match_their_unit_level_and_changes_revoke_sessions() {
        let admin = account(1, Role::Administrator, "86", true);
        let officer = account(2, Role::IntakeOfficer, "28777", true);
        let mut edit = StaffEdit::of(&officer);
        assert!(!edit.revokes_sessions(&officer));
        edit.full_name = "Tên mới".into();
        assert!(!edit.revokes_sessions(&officer), "a new name keeps the sessions");
        edit.role = Role::Leader;
        assert!(edit.revokes_sessions(&officer) && edit.check(&admin.staff, &officer).is_empty());
        edit.role = Role::Administrator;
        assert_eq!(edit.check(&admin.staff, &officer), [StaffEditError::RoleUnit]);
        let mut edit = StaffEdit::of(&officer);
        edit.active = false;
        edit.full_name = " ".into();
        assert!(edit.revokes_sessions(&officer));
        assert_eq!(edit.check(&admin.staff, &officer), [StaffEditError::Name]);
    }
}

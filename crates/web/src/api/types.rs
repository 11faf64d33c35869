//! Wire types of the JSON API, built from domain values (the domain carries no schema derives).

use chrono::{DateTime, Utc};
use motcua_domain::calendar::{StatutoryTime, WorkCalendar};
use motcua_domain::catalog::Procedure;
use motcua_domain::dossier::{Dossier, PauseKind};
use motcua_domain::staff::Staff;
use motcua_domain::unit::Unit;
use serde::Serialize;
use utoipa::ToSchema;

/// A procedure of the catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureView {
    /// National code, e.g. `1.001193`.
    pub code: String,
    pub name: String,
    /// Lĩnh vực.
    pub field: String,
    /// `full` (toàn trình), `partial` (một phần) or `none`.
    pub online_level: String,
    /// Statutory time, e.g. `{"kind":"working_days","days":3}`.
    #[schema(value_type = Object)]
    pub statutory_time: serde_json::Value,
    /// The statutory time in Vietnamese words.
    pub statutory_time_vi: String,
    /// `verified`, `single`, `recalled` or `uncertain`.
    pub time_certainty: String,
    #[schema(value_type = Vec<Object>)]
    pub fees: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub components: serde_json::Value,
    /// `paper` or `electronic`.
    pub result_kind: String,
    /// `commune` or `province`.
    pub competent_level: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub published_on: Option<chrono::NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    pub updated_on: Option<chrono::NaiveDate>,
}

fn json_str<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// The statutory time in plain Vietnamese.
pub fn statutory_time_vi(t: &StatutoryTime) -> String {
    match t {
        StatutoryTime::WorkingDays { days } => format!("{days} ngày làm việc"),
        StatutoryTime::WorkingHours { hours } => format!("{hours} giờ làm việc"),
        StatutoryTime::SameDay { cutoff } => {
            format!("Trong ngày; nhận sau {} thì trả trong ngày làm việc tiếp theo", cutoff.format("%H:%M"))
        }
        StatutoryTime::CalendarDays { days } => format!("{days} ngày"),
    }
}

impl From<&Procedure> for ProcedureView {
    fn from(p: &Procedure) -> Self {
        ProcedureView {
            code: p.code.to_string(),
            name: p.name.clone(),
            field: p.field.clone(),
            online_level: json_str(&p.online_level),
            statutory_time: serde_json::to_value(p.statutory_time).unwrap_or_default(),
            statutory_time_vi: statutory_time_vi(&p.statutory_time),
            time_certainty: json_str(&p.time_certainty),
            fees: serde_json::to_value(&p.fees).unwrap_or_default(),
            components: serde_json::to_value(&p.components).unwrap_or_default(),
            result_kind: json_str(&p.result_kind),
            competent_level: json_str(&p.competent_level),
            published_on: p.published_on,
            updated_on: p.updated_on,
        }
    }
}

/// A province or commune.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitView {
    pub code: String,
    pub name: String,
    /// `province`, `city`, `ward`, `commune` or `special_zone`.
    pub kind: String,
    pub parent: Option<String>,
    /// Agency code used in dossier codes.
    pub agency_code: String,
    /// Working hours, e.g. `07:00-11:30,13:30-17:00`.
    pub working_hours: String,
}

impl From<&Unit> for UnitView {
    fn from(u: &Unit) -> Self {
        UnitView {
            code: u.code.to_string(),
            name: u.name.clone(),
            kind: json_str(&u.kind),
            parent: u.parent.as_ref().map(ToString::to_string),
            agency_code: u.agency.to_string(),
            working_hours: u.working_hours.to_string(),
        }
    }
}

/// An interval during which the dossier's clock was stopped.
#[derive(Debug, Serialize, ToSchema)]
pub struct PauseView {
    /// `supplement` or `financial_obligation`.
    pub kind: String,
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

/// A dossier as staff (or its applicant, with the secret) see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierView {
    /// `{agency}-{yyMMdd}-{NNNN}`.
    pub code: String,
    pub procedure: String,
    pub receiving_unit: String,
    pub handling_unit: String,
    /// `counter`, `online` or `post`.
    pub channel: String,
    /// National status code 1–10.
    pub status_code: u8,
    pub status: String,
    pub status_vi: String,
    pub awaiting_approval: bool,
    pub submitted_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    /// Appointment (NgayHenTra).
    pub due_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    /// `early`, `on_time` or `late` (for one in progress: as of now).
    pub timeliness: Option<String>,
    pub pauses: Vec<PauseView>,
    pub supplement_requests: u32,
    #[schema(value_type = Object)]
    pub applicant: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub components: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub fees: serde_json::Value,
    pub fee_total: i64,
    #[schema(value_type = Vec<Object>)]
    pub results: serde_json::Value,
    /// DuocThanhToanTrucTuyen: 0, 1 or 2.
    pub online_payment: u8,
    pub identity_verified: bool,
    pub pending_note: Option<String>,
    /// Number of events.
    pub version: u32,
}

impl DossierView {
    pub fn new(d: &Dossier, calendar: &WorkCalendar, now: DateTime<Utc>) -> DossierView {
        DossierView {
            code: d.code.to_string(),
            procedure: d.procedure.to_string(),
            receiving_unit: d.receiving_unit.to_string(),
            handling_unit: d.handling_unit.to_string(),
            channel: d.channel.as_str().into(),
            status_code: d.status.code(),
            status: d.status.as_str().into(),
            status_vi: d.status.name_vi().into(),
            awaiting_approval: d.awaiting_approval,
            submitted_at: d.submitted_at,
            received_at: d.received_at,
            due_at: d.due_at,
            ended_at: d.ended_at,
            returned_at: d.returned_at,
            timeliness: d.timeliness(calendar, now).map(|t| json_str(&t)),
            pauses: d
                .pauses
                .iter()
                .map(|p| PauseView {
                    kind: match p.kind {
                        PauseKind::Supplement => "supplement",
                        PauseKind::FinancialObligation => "financial_obligation",
                    }
                    .into(),
                    from: p.from,
                    until: p.until,
                })
                .collect(),
            supplement_requests: d.supplement_requests,
            applicant: serde_json::to_value(&d.applicant).unwrap_or_default(),
            components: serde_json::to_value(&d.components).unwrap_or_default(),
            fees: serde_json::to_value(&d.fees).unwrap_or_default(),
            fee_total: d.fee_total(),
            results: serde_json::to_value(&d.results).unwrap_or_default(),
            online_payment: d.online_payment,
            identity_verified: d.identity_verified,
            pending_note: d.pending_note.clone(),
            version: d.version,
        }
    }
}

/// A staff account (never with its password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub unit: String,
}

impl From<&Staff> for StaffView {
    fn from(s: &Staff) -> Self {
        StaffView {
            id: s.id.0,
            username: s.username.clone(),
            full_name: s.full_name.clone(),
            role: s.role.as_str().into(),
            unit: s.unit.to_string(),
        }
    }
}

//! `GET /can-bo`: the signed-in staff member's inbox — their unit's dossiers that wait for their
//! role, grouped, soonest due first, with counts; due-soon and late ones marked.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::Duration;
use motcua_domain::calendar::Timeliness;
use motcua_domain::dossier::{Dossier, Status};
use motcua_domain::ports::{CatalogStore, DossierFilter, DossierStore};
use motcua_domain::staff::{Role, Staff};

use super::{Layout, OrPage, Page, PageResult, SignedIn, words};
use crate::state::AppState;
use motcua_domain::calendar::WorkCalendar;

/// At most this many dossiers per group are listed (filters and paging come later).
const GROUP_LIMIT: u32 = 200;

/// A dossier line of the inbox.
#[derive(Debug, Clone)]
pub struct Row {
    pub code: String,
    pub procedure: String,
    pub applicant: String,
    pub status: String,
    pub due: String,
    /// `late`, `soon` or "".
    pub mark: &'static str,
    pub mark_text: &'static str,
}

/// A group of the inbox ("to receive", "to approve", …).
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub title: String,
    pub rows: Vec<Row>,
}

#[derive(Template, WebTemplate)]
#[template(path = "inbox.html")]
pub struct InboxPage {
    pub layout: Layout,
    pub role: String,
    pub unit: String,
    pub groups: Vec<Group>,
    pub late: usize,
    pub soon: usize,
    /// Whether to link the administration pages.
    pub admin: bool,
}

/// A group: its titles, the status, and (for status 4) whether it awaits a leader's approval.
type GroupSpec = (&'static str, &'static str, Status, Option<bool>);

const TO_RECEIVE: GroupSpec = ("Chờ tiếp nhận", "To receive", Status::Submitted, None);
const TO_RETURN: GroupSpec = ("Chờ trả kết quả", "To return", Status::Decided, None);
const SUPPLEMENT: GroupSpec =
    ("Đang chờ công dân bổ sung", "Waiting for a supplement", Status::SupplementRequested, None);
const FINANCIAL: GroupSpec = ("Đang chờ nghĩa vụ tài chính", "Waiting for payment", Status::FinancialObligation, None);
const TO_START: GroupSpec = ("Chờ xử lý", "To process", Status::Received, None);
const PROCESSING: GroupSpec = ("Đang xử lý", "Processing", Status::Processing, Some(false));
const TO_APPROVE: GroupSpec = ("Chờ phê duyệt", "To approve", Status::Processing, Some(true));

fn groups_for(role: Role) -> &'static [GroupSpec] {
    match role {
        Role::IntakeOfficer => &[TO_RECEIVE, TO_RETURN, SUPPLEMENT, FINANCIAL],
        Role::Specialist => &[TO_START, PROCESSING],
        Role::Leader => &[TO_APPROVE],
        _ => &[TO_RECEIVE, TO_START, PROCESSING, TO_APPROVE, TO_RETURN, SUPPLEMENT, FINANCIAL],
    }
}

pub async fn show_inbox(State(state): State<AppState>, Page(layout): Page, SignedIn(staff): SignedIn) -> PageResult {
    let lang = layout.lang;
    let layout = layout.titled("Hồ sơ cần xử lý", "Inbox").signed_in(&staff);
    let now = state.now();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut calendars = Calendars::default();
    let mut groups = Vec::new();
    let (mut late, mut soon) = (0, 0);
    for (i, (vi, en, status, awaiting)) in groups_for(staff.role).iter().enumerate() {
        let mut items = dossiers(&state, &staff, *status).await.or_page(&layout)?;
        items.retain(|d| awaiting.is_none_or(|a| d.awaiting_approval == a));
        items.sort_by_key(|d| (d.due_at.unwrap_or(d.submitted_at), d.submitted_at));
        let mut rows = Vec::with_capacity(items.len());
        for d in &items {
            let key = d.procedure.to_string();
            if !names.contains_key(&key) {
                let name = state.db.procedure(&d.procedure).await.or_page(&layout)?.map_or(key.clone(), |p| p.name);
                names.insert(key.clone(), name);
            }
            let calendar = calendars.get(&state, d).await.or_page(&layout)?;
            let (mark, mark_text) = match (d.timeliness(&calendar, now), d.due_at) {
                (Some(Timeliness::Late), _) => ("late", layout.t("Quá hạn", "Late")),
                (_, Some(due)) if !d.status.is_paused() && due - now < Duration::hours(24) => {
                    ("soon", layout.t("Sắp đến hạn", "Due soon"))
                }
                _ => ("", ""),
            };
            match mark {
                "late" => late += 1,
                "soon" => soon += 1,
                _ => {}
            }
            rows.push(Row {
                code: d.code.to_string(),
                procedure: names[&key].clone(),
                applicant: d.applicant.name.clone(),
                status: words::status(lang, d.status).into(),
                due: d.due_at.map_or_else(
                    || format!("{} {}", layout.t("nộp lúc", "filed"), words::when(lang, d.submitted_at)),
                    |t| words::when(lang, t),
                ),
                mark,
                mark_text,
            });
        }
        groups.push(Group { id: format!("nhom-{i}"), title: layout.t(vi, en).into(), rows });
    }
    let unit = state.db.unit(&staff.unit).await.or_page(&layout)?.map_or_else(|| staff.unit.to_string(), |u| u.name);
    let admin = staff.role == Role::Administrator;
    Ok(InboxPage { role: words::role(lang, staff.role).into(), unit, groups, late, soon, admin, layout }
        .into_response())
}

/// The working calendars of the page's dossiers, by handling unit and holiday-data version,
/// so that a page of many dossiers of one unit reads the unit once.
#[derive(Default)]
struct Calendars {
    hours: HashMap<String, motcua_domain::calendar::WorkingHours>,
}

impl Calendars {
    async fn get(
        &mut self,
        state: &AppState,
        d: &Dossier,
    ) -> Result<std::sync::Arc<WorkCalendar>, crate::error::ApiError> {
        let key = d.handling_unit.to_string();
        if !self.hours.contains_key(&key) {
            let hours = state.db.unit(&d.handling_unit).await?.map(|u| u.working_hours).unwrap_or_default();
            self.hours.insert(key.clone(), hours);
        }
        let version = d.received_at.map(|_| d.calendar_version);
        Ok(state.work_calendar(version, &self.hours[&key]).await?.0)
    }
}

/// The staff member's unit's dossiers in `status` (the province's, for province roles).
async fn dossiers(
    state: &AppState,
    staff: &Staff,
    status: Status,
) -> Result<Vec<Dossier>, motcua_domain::ports::StoreError> {
    let mut filter = DossierFilter { status: Some(status), ..DossierFilter::default() };
    if staff.unit.is_province() {
        filter.province = Some(staff.unit.clone());
    } else {
        filter.unit = Some(staff.unit.clone());
    }
    Ok(state.db.list(&filter, None, GROUP_LIMIT).await?.items)
}

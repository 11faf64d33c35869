//! `GET /can-bo/tong-quan`: the center dashboard for the signed-in staff member's unit (or
//! province): dossiers received today and this month, due today, at risk (due within the next
//! 24 hours), late (unfinished past due), and the average processing time of the dossiers
//! finished this month against the time they were allowed (receipt → appointment).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{DateTime, Datelike, Duration, FixedOffset, TimeZone, Utc};
use motcua_domain::dossier::{Dossier, Status};
use motcua_domain::ports::{CatalogStore, DossierFilter, DossierStore, StoreError};
use motcua_domain::staff::Staff;

use super::{Layout, OrPage, Page, PageResult, SignedIn};
use crate::state::AppState;

/// The most dossiers one figure reads (a commune receives a few thousand a month).
const SCAN_LIMIT: usize = 50_000;

/// The figures shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub received_today: usize,
    pub received_month: usize,
    pub due_today: usize,
    pub at_risk: usize,
    pub late: usize,
    pub finished_month: usize,
    /// Average hours from receipt to decision of the dossiers finished this month.
    pub average_hours: Option<f64>,
    /// Average hours they were allowed (receipt to appointment).
    pub allowed_hours: Option<f64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub unit: String,
    pub f: Figures,
    pub average: String,
    pub allowed: String,
    /// Average time as a share of the allowed time, in percent.
    pub share: Option<u32>,
}

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7")
}

fn scope(staff: &Staff) -> DossierFilter {
    let mut f = DossierFilter::default();
    if staff.unit.is_province() {
        f.province = Some(staff.unit.clone());
    } else {
        f.unit = Some(staff.unit.clone());
    }
    f
}

async fn all(state: &AppState, filter: &DossierFilter) -> Result<Vec<Dossier>, StoreError> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = state.db.list(filter, cursor.as_deref(), 1_000).await?;
        out.extend(page.items);
        cursor = page.next_cursor;
        if cursor.is_none() || out.len() >= SCAN_LIMIT {
            return Ok(out);
        }
    }
}

/// The figures for `staff`'s scope at `now`.
pub async fn figures(state: &AppState, staff: &Staff, now: DateTime<Utc>) -> Result<Figures, StoreError> {
    let local = now.with_timezone(&vietnam());
    let midnight = |d: chrono::NaiveDate| {
        vietnam().from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight")).single().expect("fixed offset")
    };
    let today = midnight(local.date_naive()).with_timezone(&Utc);
    let tomorrow = today + Duration::days(1);
    let month = midnight(local.date_naive().with_day(1).expect("day 1")).with_timezone(&Utc);
    let mut f = Figures::default();
    // Received this month: dossiers submitted up to 60 days before the month and received in it.
    let recent =
        all(state, &DossierFilter { submitted_from: Some(month - Duration::days(60)), ..scope(staff) }).await?;
    for d in &recent {
        if let Some(r) = d.received_at.filter(|r| *r >= month && *r <= now) {
            f.received_month += 1;
            f.received_today += usize::from(r >= today);
        }
        if let (Some(r), Some(end), Some(due)) = (d.received_at, d.ended_at, d.due_at)
            && end >= month
            && matches!(d.status, Status::Decided | Status::Returned)
        {
            f.finished_month += 1;
            let hours = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_minutes() as f64 / 60.0;
            *f.average_hours.get_or_insert(0.0) += hours(r, end);
            *f.allowed_hours.get_or_insert(0.0) += hours(r, due);
        }
    }
    if f.finished_month > 0 {
        let n = f.finished_month as f64;
        f.average_hours = f.average_hours.map(|h| h / n);
        f.allowed_hours = f.allowed_hours.map(|h| h / n);
    }
    // Open dossiers: due today, at risk (next 24 h, clock running), late.
    for status in [Status::Received, Status::Processing, Status::SupplementRequested, Status::FinancialObligation] {
        for d in all(state, &DossierFilter { status: Some(status), ..scope(staff) }).await? {
            let Some(due) = d.due_at else { continue };
            if due < now {
                f.late += 1;
            } else if !status.is_paused() && due - now <= Duration::hours(24) {
                f.at_risk += 1;
            }
            f.due_today += usize::from(due >= today && due < tomorrow);
        }
    }
    Ok(f)
}

fn duration(layout: &Layout, hours: Option<f64>) -> String {
    match hours {
        None => layout.t("Chưa có hồ sơ hoàn thành trong tháng", "No dossier finished this month").into(),
        Some(h) if h < 48.0 => format!("{h:.1} {}", layout.t("giờ", "hours")),
        Some(h) => format!("{:.1} {}", h / 24.0, layout.t("ngày", "days")),
    }
}

pub async fn show_dashboard(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
) -> PageResult {
    let layout = layout.titled("Tổng quan Trung tâm", "Center dashboard").signed_in(&staff);
    let f = figures(&state, &staff, state.now()).await.or_page(&layout)?;
    let unit = state.db.unit(&staff.unit).await.or_page(&layout)?.map_or_else(|| staff.unit.to_string(), |u| u.name);
    let average = duration(&layout, f.average_hours);
    let allowed = duration(&layout, f.allowed_hours);
    let share =
        f.average_hours.zip(f.allowed_hours).filter(|(_, b)| *b > 0.0).map(|(a, b)| (a / b * 100.0).round() as u32);
    Ok(DashboardPage { layout, unit, f, average, allowed, share }.into_response())
}

//! `GET /can-bo/dong-bo`: synchronisation with national systems at a glance, for administrators,
//! center directors and province monitors: per connector the lag (age of the oldest undelivered
//! change), pending, retrying, dead-lettered and delivered counts; the dead letters with their
//! last error to inspect; and `POST /can-bo/dong-bo/{id}/gui-lai` (administrators and directors,
//! CSRF-checked) to queue a dead letter again, then back to the page (post/redirect/get).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use motcua_domain::ports::{CIVIL_REGISTRY, DVCQG, StoreError, SyncStore};
use motcua_domain::staff::{Role, Staff};
use serde::Deserialize;

use super::{Form, Lang, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, check_csrf, t, words};
use crate::api::sync::{may_replay, may_watch, period, repush_dossier, run_reconcile};
use crate::error::ApiError;
use crate::state::AppState;

/// One connector's line.
#[derive(Debug, Clone)]
pub struct ConnectorRow {
    pub name: String,
    pub lag: String,
    /// The lag is over five minutes: shown as an alert.
    pub behind: bool,
    pub pending: u64,
    pub retrying: u64,
    pub dead: u64,
    pub delivered: u64,
}

/// One dead letter.
#[derive(Debug, Clone)]
pub struct DeadRow {
    pub id: i64,
    pub connector: String,
    pub dossier: String,
    pub key: String,
    pub attempts: u32,
    pub error: String,
    pub created: String,
    pub last_attempt: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sync.html")]
pub struct SyncPage {
    pub layout: Layout,
    pub connectors: Vec<ConnectorRow>,
    pub dead: Vec<DeadRow>,
    pub may_replay: bool,
    /// The dead letter just queued again, for the confirmation line.
    pub replayed: Option<i64>,
    /// The dossier just queued again after reconciliation.
    pub repushed: Option<String>,
    /// The reconciliation form's values (`YYYY-MM-DD`).
    pub from: String,
    pub to: String,
    /// The reconciliation asked for, if any.
    pub reconciled: Option<Reconciled>,
    /// The last scheduled reconciliation of this server, in words.
    pub last_auto: Option<String>,
}

/// A reconciliation's outcome on the page.
#[derive(Debug, Clone)]
pub struct Reconciled {
    pub error: Option<String>,
    pub ours: usize,
    pub portal: usize,
    pub rows: Vec<DifferenceRow>,
}

#[derive(Debug, Clone)]
pub struct DifferenceRow {
    pub dossier: String,
    pub field: String,
    pub ours: String,
    pub portal: String,
    /// We have the dossier: it can be re-pushed.
    pub ours_known: bool,
}

/// A connector's name for people.
pub fn connector_name(lang: Lang, connector: &str) -> String {
    match connector {
        DVCQG => t(lang, "Cổng Dịch vụ công quốc gia", "National public service portal").into(),
        CIVIL_REGISTRY => t(lang, "Hệ thống đăng ký, quản lý hộ tịch", "Civil registry").into(),
        motcua_domain::ports::POPULATION => {
            t(lang, "Cơ sở dữ liệu quốc gia về dân cư", "National population database").into()
        }
        other => other.to_string(),
    }
}

/// `2 giờ 5 phút` / `2 h 5 min`; under a minute in seconds.
pub fn duration(lang: Lang, seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (lang, h, m) {
        (Lang::Vi, 0, 0) => format!("{s} giây"),
        (Lang::En, 0, 0) => format!("{s} s"),
        (Lang::Vi, 0, _) => format!("{m} phút {s} giây"),
        (Lang::En, 0, _) => format!("{m} min {s} s"),
        (Lang::Vi, _, _) => format!("{h} giờ {m} phút"),
        (Lang::En, _, _) => format!("{h} h {m} min"),
    }
}

fn forbidden(layout: &Layout) -> PageFailure {
    PageFailure::new(layout.clone(), ApiError::forbidden())
}

fn guard(layout: &Layout, staff: &Staff, allowed: fn(Role) -> bool) -> Result<(), PageFailure> {
    if allowed(staff.role) { Ok(()) } else { Err(forbidden(layout)) }
}

#[derive(Deserialize)]
pub struct Shown {
    /// Set after a replay (`?gui-lai=ID`).
    #[serde(rename = "gui-lai")]
    replayed: Option<i64>,
    /// Set after a re-push (`?da-gui=CODE`).
    #[serde(rename = "da-gui")]
    repushed: Option<String>,
    /// A reconciliation period (`?tu=YYYY-MM-DD&den=YYYY-MM-DD`).
    tu: Option<String>,
    den: Option<String>,
}

async fn reconciled(state: &AppState, lang: Lang, from: &str, to: &str) -> Reconciled {
    let outcome = match period(from, to) {
        Ok((f, t)) => run_reconcile(state, f, t).await,
        Err(e) => Err(e),
    };
    match outcome {
        Err(e) => Reconciled { error: Some(super::message(lang, &e)), ours: 0, portal: 0, rows: Vec::new() },
        Ok(r) => Reconciled {
            error: None,
            ours: r.ours,
            portal: r.portal,
            rows: r
                .differences
                .into_iter()
                .map(|d| DifferenceRow {
                    ours_known: d.ours.is_some(),
                    dossier: d.dossier,
                    field: d.field,
                    ours: d.ours.unwrap_or_else(|| t(lang, "(không có)", "(none)").into()),
                    portal: d.portal.unwrap_or_else(|| t(lang, "(không có)", "(none)").into()),
                })
                .collect(),
        },
    }
}

pub async fn show_sync(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Query(shown): Query<Shown>,
) -> PageResult {
    let lang = layout.lang;
    let layout = layout.titled("Đồng bộ với hệ thống quốc gia", "Sync with national systems").signed_in(&staff);
    guard(&layout, &staff, may_watch)?;
    let now = state.now();
    let mut status = state.db.sync_status().await.or_page(&layout)?;
    if !status.iter().any(|c| c.connector == DVCQG) {
        status.insert(
            0,
            motcua_domain::ports::ConnectorStatus {
                connector: DVCQG.into(),
                pending: 0,
                retrying: 0,
                dead: 0,
                delivered: 0,
                oldest_undelivered_at: None,
            },
        );
    }
    let connectors = status
        .into_iter()
        .map(|c| {
            let lag = c.oldest_undelivered_at.map_or(0, |t| (now - t).num_seconds().max(0));
            ConnectorRow {
                name: connector_name(lang, &c.connector),
                lag: duration(lang, lag),
                behind: lag > 300,
                pending: c.pending,
                retrying: c.retrying,
                dead: c.dead,
                delivered: c.delivered,
            }
        })
        .collect();
    let dead = state
        .db
        .dead_messages(200)
        .await
        .or_page(&layout)?
        .into_iter()
        .map(|d| DeadRow {
            id: d.id,
            connector: connector_name(lang, &d.connector),
            dossier: d.dossier,
            key: d.key,
            attempts: d.attempts,
            error: d.last_error.unwrap_or_default(),
            created: words::when(lang, d.created_at),
            last_attempt: words::when(lang, d.updated_at),
        })
        .collect();
    let may_replay = may_replay(staff.role);
    let (from, to) = (shown.tu.unwrap_or_default(), shown.den.unwrap_or_default());
    let reconciled =
        if from.is_empty() && to.is_empty() { None } else { Some(reconciled(&state, lang, &from, &to).await) };
    let page = SyncPage {
        layout,
        connectors,
        dead,
        may_replay,
        replayed: shown.replayed,
        repushed: shown.repushed,
        from,
        to,
        reconciled,
        last_auto: crate::sync::reconcile_job::last_run().map(|r| {
            let period = format!("{} – {}", r.from.format("%d/%m/%Y"), r.to.format("%d/%m/%Y"));
            let when = words::when(lang, r.at);
            match r.outcome {
                Ok(n) => match lang {
                    Lang::Vi => format!("Đối soát tự động lúc {when} ({period}): {n} chênh lệch."),
                    Lang::En => format!("Scheduled reconciliation at {when} ({period}): {n} differences."),
                },
                Err(e) => match lang {
                    Lang::Vi => format!("Đối soát tự động lúc {when} ({period}) không thực hiện được: {e}"),
                    Lang::En => format!("Scheduled reconciliation at {when} ({period}) failed: {e}"),
                },
            }
        }),
    };
    Ok(page.into_response())
}

pub async fn replay_dead(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path(id): Path<String>,
    form: Form,
) -> PageResult {
    let layout = layout.titled("Gửi lại", "Send again").signed_in(&staff);
    check_csrf(&layout, &form)?;
    guard(&layout, &staff, may_replay)?;
    let not_found = || {
        PageFailure::new(
            layout.clone(),
            ApiError::new(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "Không tìm thấy thông điệp đồng bộ lỗi này (có thể đã được gửi lại).",
                "This dead message was not found (it may have been sent again already).",
            ),
        )
    };
    let id: i64 = id.parse().map_err(|_| not_found())?;
    match state.db.replay(id, state.now()).await {
        Ok(()) => Ok(Redirect::to(&format!("/can-bo/dong-bo?gui-lai={id}")).into_response()),
        Err(StoreError::NotFound) => Err(not_found()),
        Err(e) => Err(e).or_page(&layout),
    }
}

/// `POST /can-bo/dong-bo/ho-so/{code}/gui-lai`: queues a dossier's current state for the portal
/// again (after reconciliation), then back to the page.
pub async fn repush(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path(code): Path<String>,
    form: Form,
) -> PageResult {
    let layout = layout.titled("Gửi lại hồ sơ", "Send a dossier again").signed_in(&staff);
    check_csrf(&layout, &form)?;
    guard(&layout, &staff, may_replay)?;
    repush_dossier(&state, &code).await.or_page(&layout)?;
    // Only well-formed dates go back into the address.
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_or(String::new(), |d| d.to_string());
    let key = repushed_code(&code);
    let back = format!("/can-bo/dong-bo?da-gui={key}&tu={}&den={}#doi-soat", day(form.get("tu")), day(form.get("den")));
    Ok(Redirect::to(&back).into_response())
}

/// The code as it goes back into the address (it parsed as a dossier code, so this only guards).
fn repushed_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')).collect()
}

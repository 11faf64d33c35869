//! The back office's PAKN: `GET /can-bo/phan-anh` lists the unit's petitions (open ones first,
//! by deadline, overdue and due-soon marked), `GET /can-bo/phan-anh/{code}` shows one with the
//! actions allowed now, `POST /can-bo/phan-anh/{code}/{tu-choi|yeu-cau-bo-sung|tra-loi}` acts.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::Duration;
use motcua_domain::notify::outbox::NotifyStore;
use motcua_domain::pakn::{Petition, PetitionCommand, PetitionStatus};
use motcua_domain::ports::{CatalogStore, PetitionStore};
use motcua_domain::staff::{Actor, Role, Staff};
use serde::Deserialize;

use super::{FieldError, Form, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, check_csrf, message, t};
use crate::api::pakn::endpoints::{ListParams, history, scoped_filter};
use crate::api::pakn::{act, parse_code, readable};
use crate::error::ApiError;
use crate::state::AppState;

pub struct PaknRow {
    pub code: String,
    pub title: String,
    pub status: String,
    pub due: String,
    /// `late`, `soon` or "".
    pub mark: &'static str,
    pub mark_text: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "pakn_staff_list.html")]
pub struct PaknListPage {
    pub layout: Layout,
    pub rows: Vec<PaknRow>,
    pub status: String,
    pub statuses: Vec<(String, String)>,
    pub late: usize,
    /// The petition just sent on to another unit, which this unit no longer sees.
    pub transferred: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub trang_thai: Option<String>,
    pub da_chuyen: Option<String>,
}

fn row(layout: &Layout, p: &Petition, now: chrono::DateTime<chrono::Utc>) -> PaknRow {
    let lang = layout.lang;
    let (mark, mark_text) = if p.overdue_at(now) {
        ("late", t(lang, "Quá hạn", "Late"))
    } else if p.status.is_open() && p.paused_since.is_none() && p.settle_due - now < Duration::days(2) {
        ("soon", t(lang, "Sắp đến hạn", "Due soon"))
    } else {
        ("", "")
    };
    PaknRow {
        code: p.code.to_string(),
        title: p.title.clone(),
        status: t(lang, p.status.name_vi(), p.status.name_en()).into(),
        due: super::words::when(lang, p.settle_due),
        mark,
        mark_text,
    }
}

pub async fn show_pakn_list(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let layout = layout.titled("Phản ánh, kiến nghị", "Feedback and complaints").signed_in(&staff);
    let status = q.trang_thai.unwrap_or_default();
    let params = ListParams { status: Some(status.clone()), unit: None, limit: Some(200) };
    let filter = scoped_filter(&state, &staff, &params).await.or_page(&layout)?;
    let now = state.now();
    let list = state.db.petitions(&filter).await.or_page(&layout)?;
    let rows: Vec<PaknRow> = list.iter().map(|p| row(&layout, p, now)).collect();
    let lang = layout.lang;
    Ok(PaknListPage {
        late: rows.iter().filter(|r| r.mark == "late").count(),
        statuses: PetitionStatus::ALL
            .into_iter()
            .map(|s| (s.as_str().to_string(), t(lang, s.name_vi(), s.name_en()).to_string()))
            .collect(),
        status,
        rows,
        transferred: q.da_chuyen.filter(|c| parse_code(c).is_ok()),
        layout,
    }
    .into_response())
}

/// One history line.
pub struct Step {
    pub at: String,
    pub what: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "pakn_staff_detail.html")]
pub struct PaknDetailPage {
    pub layout: Layout,
    pub p: Petition,
    pub topic: String,
    pub status: String,
    pub submitted: String,
    pub reject_due: String,
    pub request_due: String,
    pub settle_due: String,
    pub overdue: bool,
    pub on_time: Option<bool>,
    pub rating: Option<String>,
    pub may_reject: bool,
    pub may_request: bool,
    pub may_answer: bool,
    /// Received and not yet handled here: may be sent on to the right unit.
    pub may_transfer: bool,
    /// Answered and not yet published.
    pub may_publish: bool,
    /// The publication deadline (answered petitions) and, once published, whether it was met.
    pub publish_due: Option<String>,
    pub transferred_from: String,
    pub history: Vec<Step>,
    pub notice: Option<String>,
    pub errors: Vec<FieldError>,
    /// The notices sent to the petitioner, with their delivery status.
    pub sent: super::notify_sent::SentList,
}

impl PaknDetailPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    pub xong: Option<String>,
}

fn step_words(layout: &Layout, kind: &str) -> &'static str {
    let (vi, en) = match kind {
        "submitted" => ("Người dân gửi phản ánh", "Sent by the citizen"),
        "rejected" => ("Từ chối tiếp nhận", "Not accepted"),
        "info_requested" => ("Đề nghị bổ sung thông tin", "More information requested"),
        "info_provided" => ("Người dân bổ sung thông tin", "The citizen replied"),
        "answered" => ("Trả lời", "Answered"),
        "transferred" => ("Chuyển sang đơn vị khác xử lý", "Transferred to another unit"),
        "published" => ("Công khai kết quả xử lý", "Result published"),
        _ => ("Người dân đánh giá", "Rated by the citizen"),
    };
    t(layout.lang, vi, en)
}

/// The publication deadline of an answered petition, on its unit's calendar (`None` otherwise).
async fn publish_due(state: &AppState, p: &Petition) -> Option<chrono::DateTime<chrono::Utc>> {
    let hours = state.db.unit(&p.unit).await.ok().flatten().map(|u| u.working_hours).unwrap_or_default();
    let (calendar, _) = state.work_calendar(None, &hours).await.ok()?;
    let days = crate::api::index::CONFIGS.for_date(p.submitted_at.date_naive()).petition_deadlines.publish_days;
    p.publish_due(&calendar, days)
}

async fn detail(
    state: &AppState,
    layout: Layout,
    staff: &Staff,
    code: &str,
    notice: Option<String>,
    errors: Vec<FieldError>,
) -> Result<PaknDetailPage, PageFailure> {
    let lang = layout.lang;
    let layout = layout.titled(&format!("Phản ánh {code}"), &format!("Petition {code}")).signed_in(staff);
    let code = parse_code(code).or_page(&layout)?;
    let p = readable(state, Some(staff), None, &code).await.or_page(&layout)?;
    let records = state.db.petition_events(&code).await.or_page(&layout)?;
    let handles = p.unit == staff.unit
        && matches!(staff.role, Role::IntakeOfficer | Role::Specialist | Role::Leader | Role::CenterDirector);
    let w = |at| super::words::when(lang, at);
    let first_step = p.status == PetitionStatus::Received && p.info_request.is_none();
    let sent = NotifyStore::notices(&state.db, &code.to_string()).await.or_page(&layout)?;
    Ok(PaknDetailPage {
        topic: t(lang, p.topic.name_vi(), p.topic.name_en()).into(),
        status: t(lang, p.status.name_vi(), p.status.name_en()).into(),
        submitted: w(p.submitted_at),
        reject_due: w(p.reject_due),
        request_due: w(p.request_due),
        settle_due: w(p.settle_due),
        overdue: p.overdue_at(state.now()),
        on_time: p.ended_on_time(),
        rating: p.rating.as_ref().map(|r| {
            let s = t(lang, r.satisfaction.name_vi(), r.satisfaction.name_en());
            if r.recomplaint {
                format!("{s} · {}", t(lang, "phản ánh lại", "complained again"))
            } else {
                s.into()
            }
        }),
        may_reject: handles && first_step,
        may_request: handles && first_step,
        may_answer: handles && p.status.is_open(),
        may_transfer: handles && p.status == PetitionStatus::Received,
        may_publish: handles && p.status == PetitionStatus::Answered && p.published_at.is_none(),
        publish_due: publish_due(state, &p).await.map(w),
        transferred_from: p.transferred_from.iter().map(|u| u.to_string()).collect::<Vec<_>>().join(", "),
        history: history(&records).iter().map(|h| Step { at: w(h.at), what: step_words(&layout, &h.kind) }).collect(),
        notice,
        errors,
        sent: super::notify_sent::list(lang, sent, true),
        p,
        layout,
    })
}

pub async fn show_pakn_detail(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path(code): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let notice = q.xong.map(|_| t(layout.lang, "Đã ghi nhận.", "Done.").to_string());
    Ok(detail(&state, layout, &staff, &code, notice, Vec::new()).await?.into_response())
}

pub async fn act_on_pakn(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path((code, action)): Path<(String, String)>,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let text = form.get("noi_dung").to_string();
    let (cmd, field) = match action.as_str() {
        "tu-choi" => (PetitionCommand::Reject { reason: text }, "ly-do"),
        "yeu-cau-bo-sung" => (PetitionCommand::RequestInfo { question: text }, "yeu-cau"),
        "tra-loi" => (PetitionCommand::Answer { answer: text }, "tra-loi"),
        "chuyen" => (PetitionCommand::Transfer { to: form.get("don_vi").to_string(), reason: text }, "don-vi"),
        "cong-khai" => (PetitionCommand::Publish, "cong-khai"),
        _ => return Err(PageFailure::new(layout, ApiError::not_found("thao tác này", "This action"))),
    };
    let parsed = parse_code(&code).or_page(&layout)?;
    // Staff who may not see it are told it does not exist, before anything else.
    readable(&state, Some(&staff), None, &parsed).await.or_page(&layout)?;
    match act(&state, &Actor::staff(&staff), &parsed, cmd).await {
        // A transferred petition leaves this unit: go back to the list, which says where it went.
        Ok(p) if action == "chuyen" => {
            Ok(Redirect::to(&format!("/can-bo/phan-anh?da_chuyen={}", p.code)).into_response())
        }
        Ok(p) => Ok(Redirect::to(&format!("/can-bo/phan-anh/{}?xong={action}", p.code)).into_response()),
        Err(e) => {
            let status = e.status;
            let errors = vec![FieldError { id: field.into(), message: message(layout.lang, &e) }];
            Ok((status, detail(&state, layout, &staff, &code, None, errors).await?).into_response())
        }
    }
}

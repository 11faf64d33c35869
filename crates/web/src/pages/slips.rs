//! `GET /can-bo/ho-so/{code}/phieu/{mau}`: the printable slips (Mẫu 01–04) of a dossier as PDF,
//! for staff who may read it; and `POST /can-bo/ho-so/{code}/xin-loi`, which records the
//! apology and new appointment of a late dossier (an event in its chain) and then offers Mẫu 04.
//!
//! Each slip needs its event: Mẫu 01 the receipt, Mẫu 02 a supplementation request, Mẫu 03
//! the refusal, Mẫu 04 the apology; asking for one the dossier does not have is a 404 page.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use motcua_domain::dossier::chain::StoredEvent;
use motcua_domain::dossier::{ApologyError, Dossier, DossierCode, EventKind, issue_apology};
use motcua_domain::ports::{CatalogStore, DossierStore};
use motcua_domain::staff::{Actor, Staff};

use super::{Form, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, check_csrf, words};
use crate::access::{self, staff_may_read};
use crate::error::ApiError;
use crate::pdf::pdf_response;
use crate::pdf::slips::{Form as Slip, SlipFacts, slip};
use crate::state::AppState;

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7")
}

/// `09 giờ 00 phút, ngày 23/11/2026` (Vietnam time), as the forms write it.
pub fn form_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&vietnam()).format("%H giờ %M phút, ngày %d/%m/%Y").to_string()
}

/// `Phường An Hội, ngày 23 tháng 11 năm 2026`.
fn place_and_date(place: &str, at: DateTime<Utc>) -> String {
    let l = at.with_timezone(&vietnam());
    format!("{place}, ngày {:02} tháng {:02} năm {}", l.day(), l.month(), l.year())
}

/// The citizen lookup of this dossier, on the address the request came to.
pub fn lookup_url(headers: &HeaderMap, code: &str) -> String {
    let host = headers.get("host").and_then(|v| v.to_str().ok()).unwrap_or("localhost");
    let https = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p == "https");
    format!("{}://{host}/tra-cuu?ma={code}", if https { "https" } else { "http" })
}

fn no_slip(layout: &Layout) -> PageFailure {
    PageFailure::new(
        layout.clone(),
        ApiError::new(
            StatusCode::NOT_FOUND,
            "SLIP_NOT_AVAILABLE",
            "Hồ sơ này chưa có phiếu này (phiếu chỉ có sau khi thực hiện thao tác tương ứng).",
            "This dossier has no such slip (a slip exists only after its action was taken).",
        ),
    )
}

/// Loads a dossier the signed-in staff member may read; anyone else is told it does not exist.
async fn readable(state: &AppState, layout: &Layout, staff: &Staff, code: &str) -> Result<Dossier, PageFailure> {
    let code = DossierCode::parse(code).map_err(|_| PageFailure::new(layout.clone(), access::not_found()))?;
    let d = state.db.dossier(&code).await.or_page(layout)?;
    let d = d.ok_or_else(|| PageFailure::new(layout.clone(), access::not_found()))?;
    if !staff_may_read(state, staff, &d).await.or_page(layout)? {
        return Err(PageFailure::new(layout.clone(), access::not_found()));
    }
    Ok(d)
}

/// The last event matching `pick`, with its time and who recorded it.
fn last<'a, T>(
    events: &'a [StoredEvent],
    pick: impl Fn(&'a EventKind) -> Option<T>,
) -> Option<(T, DateTime<Utc>, &'a Actor)> {
    events.iter().rev().find_map(|e| pick(&e.event.kind).map(|t| (t, e.event.at, &e.event.actor)))
}

/// The name printed under the officer's signature.
fn officer_name(staff: &Staff, actor: &Actor) -> String {
    match actor {
        Actor::Staff { id, .. } if *id == staff.id => staff.full_name.clone(),
        Actor::Staff { username, .. } => username.clone(),
        _ => staff.full_name.clone(),
    }
}

pub async fn print_slip(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    headers: HeaderMap,
    Path((code, number)): Path<(String, String)>,
) -> PageResult {
    let layout = layout.signed_in(&staff);
    let form = Slip::parse(&number).ok_or_else(|| no_slip(&layout))?;
    let d = readable(&state, &layout, &staff, &code).await?;
    let events = state.db.events(&d.code).await.or_page(&layout)?;
    let facts = facts(&state, &layout, &staff, &d, &events, form, &headers).await?;
    let pdf = slip(form, &facts).finish().map_err(|e| {
        tracing::error!(error = %e, "slip could not be drawn");
        let e = ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SLIP_FAILED",
            "Không tạo được phiếu; vui lòng thử lại.",
            "The slip could not be made; please try again.",
        );
        PageFailure::new(layout.clone(), e)
    })?;
    Ok(pdf_response(pdf, &format!("mau-{}-{}.pdf", form.number(), d.code)))
}

async fn facts(
    state: &AppState,
    layout: &Layout,
    staff: &Staff,
    d: &Dossier,
    events: &[StoredEvent],
    form: Slip,
    headers: &HeaderMap,
) -> Result<SlipFacts, PageFailure> {
    let lang = super::Lang::Vi;
    let procedure = state.db.procedure(&d.procedure).await.or_page(layout)?;
    let procedure = procedure.ok_or_else(|| no_slip(layout))?;
    let unit = state.db.unit(&d.receiving_unit).await.or_page(layout)?.ok_or_else(|| no_slip(layout))?;
    let province = match &unit.parent {
        Some(p) => state.db.unit(p).await.or_page(layout)?.map(|u| u.name),
        None => None,
    };
    let received = last(events, |k| matches!(k, EventKind::Received { .. }).then_some(()));
    let (reason, new_due, (at, actor)) = match form {
        Slip::Receipt => {
            let (_, at, actor) = received.ok_or_else(|| no_slip(layout))?;
            (String::new(), String::new(), (at, actor))
        }
        Slip::Supplement => {
            let pick = |k: &EventKind| match k {
                EventKind::SupplementRequested { missing } => Some(missing.clone()),
                _ => None,
            };
            let (m, at, actor) = last(events, pick).ok_or_else(|| no_slip(layout))?;
            (m, String::new(), (at, actor))
        }
        Slip::Refusal => {
            let pick = |k: &EventKind| match k {
                EventKind::Refused { reason } => Some(reason.clone()),
                _ => None,
            };
            let (r, at, actor) = last(events, pick).ok_or_else(|| no_slip(layout))?;
            (r, String::new(), (at, actor))
        }
        Slip::Apology => {
            let pick = |k: &EventKind| match k {
                EventKind::ApologyIssued { new_due_at, reason } => Some((reason.clone(), *new_due_at)),
                _ => None,
            };
            let ((r, due), at, actor) = last(events, pick).ok_or_else(|| no_slip(layout))?;
            (r, form_time(due), (at, actor))
        }
    };
    let upper = |s: &str| format!("UBND {}", s.to_uppercase());
    Ok(SlipFacts {
        body_above: province.as_deref().map(upper).unwrap_or_default(),
        unit: upper(&unit.name),
        unit_text: format!("UBND {}", unit.name),
        place_and_date: place_and_date(&unit.name, at),
        code: d.code.to_string(),
        applicant: d.applicant.name.clone(),
        id_number: d.applicant.id_number.to_string(),
        address: d.applicant.address.clone(),
        phone: d.applicant.phone.clone(),
        email: d.applicant.email.clone(),
        procedure: procedure.name.clone(),
        components: d
            .components
            .iter()
            .map(|c| if c.name.is_empty() { c.code.clone() } else { c.name.clone() })
            .collect(),
        fees: d.fees.iter().map(|f| (f.name.clone(), words::money(lang, f.total()))).collect(),
        statutory_time: words::statutory_time(lang, &procedure.statutory_time),
        received_at: d.received_at.map(form_time).unwrap_or_else(|| form_time(d.submitted_at)),
        due_at: d.due_at.map(form_time).unwrap_or_default(),
        reason,
        new_due_at: new_due,
        assisted: last(events, |k| match k {
            EventKind::Assisted { helper, session, .. } if session.is_empty() => Some(helper.clone()),
            EventKind::Assisted { helper, session, .. } => Some(format!("{helper} ({session})")),
            _ => None,
        })
        .map(|(a, _, _)| a),
        officer: officer_name(staff, actor),
        lookup_url: lookup_url(headers, &d.code.to_string()),
        transfer_qr: match form {
            Slip::Receipt => super::payment::transfer_payload(state, d).await.or_page(layout)?,
            _ => None,
        },
    })
}

/// The new appointment from the form: `ngay_hen` (`YYYY-MM-DD`) and `gio_hen` (`HH:MM`, Vietnam time).
fn new_appointment(form: &Form) -> Option<DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(form.get("ngay_hen").trim(), "%Y-%m-%d").ok()?;
    let time = match form.get("gio_hen").trim() {
        "" => NaiveTime::from_hms_opt(16, 30, 0)?,
        t => NaiveTime::parse_from_str(t, "%H:%M").ok()?,
    };
    vietnam().from_local_datetime(&date.and_time(time)).single().map(|t| t.with_timezone(&Utc))
}

fn bad_date() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "INVALID_APPOINTMENT",
        "Vui lòng nhập ngày hẹn trả mới theo dạng năm-tháng-ngày (ví dụ 2026-12-01) và giờ theo dạng giờ:phút.",
        "Enter the new appointment date as year-month-day (e.g. 2026-12-01) and the time as hour:minute.",
    )
    .with_field("ngay_hen")
}

impl From<ApologyError> for ApiError {
    fn from(e: ApologyError) -> ApiError {
        let status = match e {
            ApologyError::Forbidden | ApologyError::OtherUnit(_) => StatusCode::FORBIDDEN,
            ApologyError::NotOpen(_) | ApologyError::AlreadyIssued => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::described(status, &e)
    }
}

pub async fn apologise(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Path(code): Path<String>,
    form: Form,
) -> PageResult {
    check_csrf(&layout, &form)?;
    let d = readable(&state, &layout.clone().signed_in(&staff), &staff, &code).await?;
    let done = match new_appointment(&form) {
        None => Err(bad_date()),
        Some(new_due) => {
            let (now, actor, reason) = (state.now(), Actor::staff(&staff), form.get("ly_do").to_string());
            state
                .db
                .execute(&d.code, &actor.clone(), now, move |d| issue_apology(d, &actor, now, new_due, &reason))
                .await
                .map_err(ApiError::from)
        }
    };
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/can-bo/ho-so/{}?xong=issue_apology", d.code)).into_response()),
        Err(e) => super::staff_dossier::show_with_error(&state, layout, &staff, &code, e).await,
    }
}

/// A slip the dossier page links to.
#[derive(Debug, Clone)]
pub struct SlipLink {
    pub href: String,
    pub label: String,
}

/// The apology form's defaults: the new appointment suggested (the next day after the current
/// due date, Vietnam time).
#[derive(Debug, Clone)]
pub struct ApologyForm {
    pub date: String,
    pub time: String,
}

pub fn apology_notice(layout: &Layout) -> String {
    layout
        .t(
            "Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04). Hãy in phiếu và gửi cho công dân.",
            "The apology and new appointment (Mẫu 04) is recorded. Print it and give it to the citizen.",
        )
        .to_string()
}

/// The slips the dossier has, and the apology form if `staff` may issue one now.
pub fn offered(
    layout: &Layout,
    staff: &Staff,
    d: &Dossier,
    events: &[StoredEvent],
    now: DateTime<Utc>,
) -> (Vec<SlipLink>, Option<ApologyForm>) {
    let has = |f: fn(&EventKind) -> bool| events.iter().any(|e| f(&e.event.kind));
    let offered = [
        (Slip::Receipt, has(|k| matches!(k, EventKind::Received { .. }))),
        (Slip::Supplement, has(|k| matches!(k, EventKind::SupplementRequested { .. }))),
        (Slip::Refusal, has(|k| matches!(k, EventKind::Refused { .. }))),
        (Slip::Apology, has(|k| matches!(k, EventKind::ApologyIssued { .. }))),
    ];
    let links = offered
        .into_iter()
        .filter(|(_, yes)| *yes)
        .map(|(f, _)| SlipLink {
            href: format!("/can-bo/ho-so/{}/phieu/{}", d.code, f.number()),
            label: format!("{} {} – {}", layout.t("Mẫu", "Form"), f.number(), layout.t(f.title_vi(), f.title_en())),
        })
        .collect();
    let suggested = d.due_at.unwrap_or(now).max(now) + chrono::Duration::days(1);
    let probe = issue_apology(d, &Actor::staff(staff), now, suggested, "?");
    let local = suggested.with_timezone(&vietnam());
    let form = probe
        .is_ok()
        .then(|| ApologyForm { date: local.format("%Y-%m-%d").to_string(), time: local.format("%H:%M").to_string() });
    (links, form)
}

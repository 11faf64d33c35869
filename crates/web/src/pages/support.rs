//! `GET /can-bo/ho-tro-cong-dong`: the unit's community support days: neighborhoods (khu phố /
//! ấp), helpers (staff and volunteers with their organisation), weekly sessions, and the next
//! eight weeks of occurrences (a public holiday cancels one). `POST …/khu-pho`, `…/nguoi-ho-tro`
//! and `…/buoi` add one of each; `POST …/ghi-nhan` attributes an online dossier submitted with a
//! helper at a session. Bad input is explained next to its field and changes nothing.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::Weekday;
use motcua_domain::Described;
use motcua_domain::dossier::DossierCode;
use motcua_domain::ports::{DossierStore, StoreError, SupportStore};
use motcua_domain::staff::{Actor, Role, Staff};
use motcua_domain::support::{
    NewHelper, NewNeighborhood, NewSession, Organisation, SessionInput, SupportError, dossier_reason, weekday_code,
    weekday_name,
};
use serde::Deserialize;

use super::support_attribution::{Refusal, attribute};
use super::support_rows::{HelperRow, OccurrenceRow, SessionRow, helper_row, occurrences, session_row, today};
use super::{FieldError, Form, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, check_csrf, t};
use crate::error::ApiError;
use crate::state::AppState;

pub const PATH: &str = "/can-bo/ho-tro-cong-dong";

#[derive(Template, WebTemplate)]
#[template(path = "support.html")]
pub struct SupportPage {
    pub layout: Layout,
    pub neighborhoods: Vec<(String, String, String)>,
    pub helpers: Vec<HelperRow>,
    pub sessions: Vec<SessionRow>,
    pub upcoming: Vec<OccurrenceRow>,
    /// Held occurrences of the last two weeks, for the attribution form.
    pub recent: Vec<OccurrenceRow>,
    pub organisations: Vec<(&'static str, &'static str)>,
    pub weekdays: Vec<(&'static str, &'static str)>,
    pub notice: Option<&'static str>,
    pub values: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
}

impl SupportPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }

    fn value(&self, name: &str) -> &str {
        self.values.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    fn chosen(&self, name: &str, v: &str) -> bool {
        self.values.iter().any(|(k, x)| k == name && x == v)
    }
}

/// Intake officers, center directors and leaders of a commune run the support days.
pub fn may_manage(staff: &Staff) -> bool {
    matches!(staff.role, Role::IntakeOfficer | Role::CenterDirector | Role::Leader) && !staff.unit.is_province()
}

fn manager(layout: &Layout, staff: &Staff) -> Result<(), PageFailure> {
    if may_manage(staff) { Ok(()) } else { Err(PageFailure::new(layout.clone(), ApiError::forbidden())) }
}

#[derive(Debug, Deserialize)]
pub struct Saved {
    pub da_luu: Option<String>,
}

const WEEKDAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

async fn render(
    state: &AppState,
    layout: Layout,
    staff: &Staff,
    values: Vec<(String, String)>,
    errors: Vec<FieldError>,
    notice: Option<&'static str>,
) -> Result<SupportPage, PageFailure> {
    let lang = layout.lang;
    let unit = &staff.unit;
    let hoods = state.db.neighborhoods(unit).await.or_page(&layout)?;
    let helpers = state.db.helpers(unit).await.or_page(&layout)?;
    let sessions = state.db.sessions(Some(unit)).await.or_page(&layout)?;
    let now = today(state);
    let upcoming = occurrences(state, lang, &sessions, &hoods, &helpers, (now, 56), false).await.or_page(&layout)?;
    let from = now - chrono::Duration::days(14);
    let recent = occurrences(state, lang, &sessions, &hoods, &helpers, (from, 14), true).await.or_page(&layout)?;
    Ok(SupportPage {
        neighborhoods: hoods.iter().map(|n| (n.id.to_string(), n.name.clone(), n.note.clone())).collect(),
        helpers: helpers.iter().map(|h| helper_row(lang, h)).collect(),
        sessions: sessions.iter().map(|s| session_row(lang, s, &hoods, &helpers)).collect(),
        upcoming,
        recent,
        organisations: Organisation::ALL.iter().map(|o| (o.code(), t(lang, o.name_vi(), o.name_en()))).collect(),
        weekdays: WEEKDAYS.map(|d| (weekday_code(d), weekday_name(d, lang == super::Lang::En))).to_vec(),
        notice,
        values,
        errors,
        layout,
    })
}

pub async fn show_support(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Query(q): Query<Saved>,
) -> PageResult {
    let layout = layout.titled("Hỗ trợ cộng đồng", "Community support days").signed_in(&staff);
    manager(&layout, &staff)?;
    let notice = q.da_luu.is_some().then(|| t(layout.lang, "Đã lưu.", "Saved."));
    Ok(render(&state, layout, &staff, Vec::new(), Vec::new(), notice).await?.into_response())
}

/// The input id of a form's field (`prefix` names the form).
fn input_id(prefix: &str, field: Option<&str>) -> String {
    let name = match field.unwrap_or("") {
        "name" => "ten",
        "note" => "ghi-chu",
        "organisation" => "to-chuc",
        "phone" => "dien-thoai",
        "neighborhood" => "khu-pho",
        "place" => "dia-diem",
        "weekday" => "thu",
        "until" => "den-ngay",
        "end" => "ket-thuc",
        "helper" => "nguoi-ho-tro",
        "session" | "date" => "buoi",
        _ => "ma-ho-so",
    };
    format!("{prefix}-{name}")
}

/// The error of a refused entry, next to its field in the form `prefix`.
fn refused(layout: &Layout, prefix: &str, e: &dyn Described) -> FieldError {
    FieldError { id: input_id(prefix, e.field()), message: t(layout.lang, &e.message_vi(), &e.message_en()).into() }
}

/// Saved: back to the page; refused: the page again (422) with the error next to its field.
async fn answer(
    state: &AppState,
    layout: Layout,
    staff: &Staff,
    form: Form,
    refusal: Option<FieldError>,
) -> PageResult {
    let Some(e) = refusal else { return Ok(Redirect::to(&format!("{PATH}?da_luu=1")).into_response()) };
    let page = render(state, layout, staff, form.0, vec![e], None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn prepare(layout: Layout, staff: &Staff, form: &Form) -> Result<Layout, PageFailure> {
    let layout = layout.titled("Hỗ trợ cộng đồng", "Community support days").signed_in(staff);
    check_csrf(&layout, form)?;
    manager(&layout, staff)?;
    Ok(layout)
}

pub async fn add_neighborhood(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    form: Form,
) -> PageResult {
    let layout = prepare(layout, &staff, &form).await?;
    let outcome = match NewNeighborhood::parse(&staff.unit, form.get("kp_ten"), form.get("kp_ghi_chu")) {
        Ok(n) => match state.db.add_neighborhood(&n).await {
            Ok(_) => Ok(()),
            Err(StoreError::Conflict(_)) => Err(SupportError::Duplicate),
            Err(e) => return Err(PageFailure::new(layout, e.into())),
        },
        Err(e) => Err(e),
    };
    let refusal = outcome.err().map(|e| refused(&layout, "kp", &e));
    answer(&state, layout, &staff, form, refusal).await
}

pub async fn add_helper(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    form: Form,
) -> PageResult {
    let layout = prepare(layout, &staff, &form).await?;
    let parsed =
        NewHelper::parse(&staff.unit, form.get("nht_ten"), form.get("nht_to_chuc"), form.get("nht_dien_thoai"));
    if let Ok(h) = &parsed {
        state.db.add_helper(h).await.or_page(&layout)?;
    }
    let refusal = parsed.err().map(|e| refused(&layout, "nht", &e));
    answer(&state, layout, &staff, form, refusal).await
}

pub async fn add_session(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    form: Form,
) -> PageResult {
    let layout = prepare(layout, &staff, &form).await?;
    let hoods = state.db.neighborhoods(&staff.unit).await.or_page(&layout)?;
    let helpers = state.db.helpers(&staff.unit).await.or_page(&layout)?;
    let chosen = form.all("buoi_nguoi_ho_tro");
    let input = SessionInput {
        neighborhood: form.get("buoi_khu_pho"),
        place: form.get("buoi_dia_diem"),
        weekday: form.get("buoi_thu"),
        first: form.get("buoi_tu_ngay"),
        last: form.get("buoi_den_ngay"),
        start: form.get("buoi_bat_dau"),
        end: form.get("buoi_ket_thuc"),
        helpers: chosen.iter().map(String::as_str).collect(),
    };
    let parsed = NewSession::parse(&staff.unit, &input, &hoods, &helpers);
    if let Ok(s) = &parsed {
        state.db.add_session(s).await.or_page(&layout)?;
    }
    let refusal = parsed.err().map(|e| refused(&layout, "buoi", &e));
    answer(&state, layout, &staff, form, refusal).await
}

/// Records that an online dossier was submitted with a helper at a session: appended to the
/// dossier's chain as an `Assisted` event. The dossier must be the unit's, online, submitted on
/// the occurrence's date and not attributed yet.
pub async fn attribute_online(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    form: Form,
) -> PageResult {
    let layout = prepare(layout, &staff, &form).await?;
    let refusal = |r: SupportError| Err(Refusal::Support(r));
    let code = DossierCode::parse(form.get("gn_ma_ho_so").trim());
    let dossier = match &code {
        Ok(c) => state.db.dossier(c).await.or_page(&layout)?.filter(|d| d.receiving_unit == staff.unit),
        Err(_) => None,
    };
    let outcome = match (&code, dossier) {
        (Ok(code), Some(d)) => {
            match attribute(&state, &staff.unit, form.get("gn_buoi"), form.get("gn_nguoi_ho_tro"), "")
                .await
                .or_page(&layout)?
            {
                Err(r) => Err(r),
                Ok(_) if d.channel != motcua_domain::dossier::Channel::Online => {
                    refusal(SupportError::Dossier(dossier_reason::NOT_ONLINE))
                }
                Ok(a) => {
                    let day = form.get("gn_buoi").split_once('@').map(|(_, d)| d.to_string()).unwrap_or_default();
                    let submitted = motcua_domain::calendar::to_local(d.submitted_at).date().to_string();
                    let events = state.db.events(code).await.or_page(&layout)?;
                    if submitted != day {
                        refusal(SupportError::Dossier(dossier_reason::OTHER_DAY))
                    } else if events.iter().any(|e| e.event.kind.command() == "record_assistance") {
                        refusal(SupportError::Dossier(dossier_reason::ALREADY))
                    } else {
                        let actor = Actor::staff(&staff);
                        let kind = a.event();
                        let run = state.db.execute(code, &actor, state.now(), move |_| Ok::<_, StoreError>(kind));
                        run.await.map_err(ApiError::from).or_page(&layout)?;
                        Ok(())
                    }
                }
            }
        }
        _ => refusal(SupportError::Dossier(dossier_reason::UNKNOWN)),
    };
    let refusal = outcome.err().map(|r| refused(&layout, "gn", r.described()));
    answer(&state, layout, &staff, form, refusal).await
}

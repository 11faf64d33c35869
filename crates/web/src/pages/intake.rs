//! `GET|POST /can-bo/tiep-nhan`: counter intake of a walk-in. The intake officer picks the
//! procedure, enters the applicant, ticks the papers received and scans them (each scan is
//! stored content-addressed and flags its component digitized), may note who helped the
//! citizen and at which community support session, and submits: the dossier is created,
//! received (deadline set) and the assistance recorded in one transaction. The answer shows the
//! code, the secret (once) and the Mẫu 01 receipt to print.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use motcua_domain::catalog::{Procedure, ProcedureCode};
use motcua_domain::dossier::{
    Applicant, Assistance, Channel, Command, Component, Context, Dossier, SecretHash, Submission, decide,
};
use motcua_domain::identity::ApplicantId;
use motcua_domain::ports::{CatalogStore, Creation, DossierStore, FollowUp, ProcedureQuery};
use motcua_domain::staff::{Actor, Role, Staff};
use motcua_domain::{Described, ports::ExecuteError};
use serde::Deserialize;

use super::submit::Choice;
use super::support_attribution::{Refusal, attribute};
use super::{FieldError, Form, Layout, OrPage, Page, PageFailure, PageResult, SignedIn, check_csrf, t};
use crate::error::ApiError;
use crate::files::{self, UploadLimits, multipart};
use crate::state::AppState;

/// A component row of the form: the paper received, and its scan.
#[derive(Debug, Clone)]
pub struct PaperRow {
    pub code: String,
    pub name: String,
    pub required: bool,
    pub checked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "intake.html")]
pub struct IntakePage {
    pub layout: Layout,
    pub procedures: Vec<Choice>,
    /// The chosen procedure's code and name.
    pub chosen: Option<(String, String)>,
    pub papers: Vec<PaperRow>,
    pub values: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
    /// Today's community support sessions and the unit's helpers, for the attribution.
    pub support_sessions: Vec<super::support_rows::OccurrenceRow>,
    pub support_helpers: Vec<super::support_rows::HelperRow>,
}

impl IntakePage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }

    fn value(&self, name: &str) -> &str {
        self.values.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "intake_done.html")]
pub struct IntakeDonePage {
    pub layout: Layout,
    pub code: String,
    pub secret: String,
    pub due: String,
    pub digitized: usize,
}

#[derive(Debug, Deserialize)]
pub struct ProcedureParam {
    pub thu_tuc: Option<String>,
}

fn officer(layout: &Layout, staff: &Staff) -> Result<(), PageFailure> {
    if matches!(staff.role, Role::IntakeOfficer | Role::CenterDirector) {
        return Ok(());
    }
    Err(PageFailure::new(layout.clone(), ApiError::forbidden()))
}

async fn form_page(
    state: &AppState,
    layout: Layout,
    staff: &Staff,
    chosen: Option<Procedure>,
    values: Vec<(String, String)>,
    errors: Vec<FieldError>,
) -> Result<IntakePage, PageFailure> {
    let all =
        state.db.search_procedures(&ProcedureQuery { limit: 500, ..Default::default() }).await.or_page(&layout)?;
    let code = chosen.as_ref().map(|p| p.code.to_string());
    let procedures = all
        .iter()
        .map(|p| Choice {
            value: p.code.to_string(),
            label: format!("{} ({})", p.name, p.code),
            selected: code.as_deref() == Some(&p.code.to_string()),
        })
        .collect();
    let ticked = |c: &str| values.iter().any(|(k, v)| k == "giay_to" && v == c);
    let papers = chosen
        .as_ref()
        .map(|p| {
            p.components
                .iter()
                .map(|c| PaperRow {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    required: c.required,
                    checked: ticked(&c.code),
                })
                .collect()
        })
        .unwrap_or_default();
    let chosen = chosen.map(|p| (p.code.to_string(), p.name));
    let (support_sessions, support_helpers) = support_choices(state, &layout, staff).await?;
    Ok(IntakePage { layout, procedures, chosen, papers, values, errors, support_sessions, support_helpers })
}

/// Today's held support sessions of the officer's unit and its helpers.
async fn support_choices(
    state: &AppState,
    layout: &Layout,
    staff: &Staff,
) -> Result<(Vec<super::support_rows::OccurrenceRow>, Vec<super::support_rows::HelperRow>), PageFailure> {
    use super::support_rows::{helper_row, occurrences, today};
    use motcua_domain::ports::SupportStore;
    let hoods = state.db.neighborhoods(&staff.unit).await.or_page(layout)?;
    let helpers = state.db.helpers(&staff.unit).await.or_page(layout)?;
    let sessions = state.db.sessions(Some(&staff.unit)).await.or_page(layout)?;
    let window = (today(state), 0);
    let today = occurrences(state, layout.lang, &sessions, &hoods, &helpers, window, true).await.or_page(layout)?;
    Ok((today, helpers.iter().map(|h| helper_row(layout.lang, h)).collect()))
}

async fn procedure(state: &AppState, layout: &Layout, code: &str) -> Result<Option<Procedure>, PageFailure> {
    let Ok(code) = ProcedureCode::parse(code.trim()) else { return Ok(None) };
    state.db.procedure(&code).await.or_page(layout)
}

pub async fn show_intake(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Query(q): Query<ProcedureParam>,
) -> PageResult {
    let layout = layout.titled("Tiếp nhận hồ sơ trực tiếp", "Counter intake").signed_in(&staff);
    officer(&layout, &staff)?;
    let chosen = match q.thu_tuc.as_deref() {
        Some(c) if !c.is_empty() => procedure(&state, &layout, c).await?,
        _ => None,
    };
    Ok(form_page(&state, layout, &staff, chosen, vec![("so_ban".into(), "1".into())], Vec::new())
        .await?
        .into_response())
}

/// The citizen's secret for the lookup: 10 characters without look-alikes (about 49 bits).
fn new_secret() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..10).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// The input id a domain error's field belongs to.
fn input_for(field: Option<&str>) -> &'static str {
    match field.unwrap_or("") {
        "applicant.name" => "ho-ten",
        "applicant.id_number" => "so-dinh-danh",
        "applicant.phone" => "dien-thoai",
        "applicant.email" => "thu-dien-tu",
        "copies" => "so-ban",
        "helper" => "nguoi-ho-tro",
        "session" => "buoi-ho-tro",
        _ => "giay-to",
    }
}

pub async fn submit_intake(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    body: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let layout = layout.titled("Tiếp nhận hồ sơ trực tiếp", "Counter intake").signed_in(&staff);
    let limits = UploadLimits::current();
    let upload = multipart::accept(body).or_page(&layout)?;
    let upload = multipart::read(upload, limits).await.or_page(&layout)?;
    check_csrf(&layout, &Form(upload.fields.clone()))?;
    officer(&layout, &staff)?;
    let values = upload.fields.clone();
    let get = |name: &str| upload.get(name).trim().to_string();
    let Some(proc) = procedure(&state, &layout, &get("thu_tuc")).await? else {
        let e = FieldError {
            id: "thu-tuc".into(),
            message: t(layout.lang, "Vui lòng chọn thủ tục.", "Choose the procedure.").into(),
        };
        let page = form_page(&state, layout, &staff, None, values, vec![e]).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut errors: Vec<FieldError> = Vec::new();
    let lang = layout.lang;
    let say = |errors: &mut Vec<FieldError>, id: &str, e: &dyn Described| {
        errors.push(FieldError { id: id.into(), message: t(lang, &e.message_vi(), &e.message_en()).into() })
    };
    // Scans first: each is checked from its content and stored; a refused one is explained.
    let now = state.now();
    let mut scans: Vec<(String, String)> = Vec::new();
    for part in &upload.files {
        let code = part.field.strip_prefix("scan_").unwrap_or("").to_string();
        let stored = match &part.bytes {
            Ok(bytes) => files::store(&state.db, limits, now, bytes, &part.name).await,
            Err(e) => Err(files::FileError::Unreadable(e.to_string())),
        };
        match stored {
            Ok(f) if proc.components.iter().any(|c| c.code == code) => scans.push((code, f.sha256)),
            Ok(_) => {}
            Err(e) => say(&mut errors, &format!("scan-{code}"), &e),
        }
    }
    let id_number = ApplicantId::parse(&get("so_dinh_danh"));
    if let Err(e) = &id_number {
        say(&mut errors, "so-dinh-danh", e);
    }
    let birth_date = crate::sync::population::parse_birth_date(&get("ngay_sinh"), now.date_naive())
        .map_err(|e| {
            let b = e.body;
            errors.push(FieldError { id: "ngay-sinh".into(), message: t(lang, &b.message_vi, &b.message_en).into() })
        })
        .ok()
        .flatten();
    // Help at a scheduled support session is attributed to it and to a registered helper.
    let assistance = match (upload.get("ho_tro") == "1", get("buoi_ho_tro_ma")) {
        (false, _) => None,
        (true, occurrence) if occurrence.is_empty() => {
            let a = Assistance::parse(&get("nguoi_ho_tro"), &get("buoi_ho_tro"));
            if let Err(e) = &a {
                say(&mut errors, input_for(e.field()), e);
            }
            a.ok()
        }
        (true, occurrence) => {
            let helper = get("nguoi_ho_tro_ma");
            match attribute(&state, &staff.unit, &occurrence, &helper, &get("nguoi_ho_tro")).await.or_page(&layout)? {
                Ok(a) => Some(a),
                Err(Refusal::Note(e)) => {
                    say(&mut errors, input_for(e.field()), &e);
                    None
                }
                Err(Refusal::Support(e)) => {
                    let id = if e.field() == Some("helper") { "nguoi-ho-tro-ma" } else { "buoi-ho-tro-ma" };
                    say(&mut errors, id, &e);
                    None
                }
            }
        }
    };
    let copies = get("so_ban").parse::<u32>().unwrap_or(0);
    let ticked: Vec<String> = upload.fields.iter().filter(|(k, _)| k == "giay_to").map(|(_, v)| v.clone()).collect();
    let components = proc
        .components
        .iter()
        .filter(|c| ticked.contains(&c.code) || scans.iter().any(|(s, _)| *s == c.code))
        .map(|c| {
            let scan = scans.iter().find(|(s, _)| *s == c.code).map(|(_, h)| h.clone());
            Component {
                code: c.code.clone(),
                name: String::new(),
                digitized: scan.is_some(),
                file_sha256: scan,
                reused: false,
                from_citizen_store: false,
            }
        })
        .collect();
    let optional = |s: String| if s.is_empty() { None } else { Some(s) };
    let new = match (&id_number, errors.is_empty()) {
        (Ok(id), true) => {
            let submission = Submission {
                procedure: proc.code.clone(),
                unit: staff.unit.clone(),
                channel: Channel::Counter,
                applicant: Applicant {
                    name: get("ho_ten"),
                    id_number: id.clone(),
                    phone: optional(get("dien_thoai")),
                    email: optional(get("thu_dien_tu")),
                    address: optional(get("dia_chi")),
                    birth_date,
                },
                components,
                copies,
                identity_verified: false,
            };
            submission.check(&proc).map_err(|e| say(&mut errors, input_for(e.field()), &e)).ok()
        }
        _ => None,
    };
    let Some(new) = new else {
        let page = form_page(&state, layout, &staff, Some(proc), values, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let unit = state.db.unit(&staff.unit).await.or_page(&layout)?;
    let hours = unit.map(|u| u.working_hours).unwrap_or_default();
    let (cal, version) = state.work_calendar(None, &hours).await.or_page(&layout)?;
    let actor = Actor::staff(&staff);
    let secret = new_secret();
    let creation = Creation { new, actor: actor.clone(), at: now, secret: SecretHash::of(&secret) };
    let assisted = assistance.map(|a| a.event());
    let then = move |d: &Dossier| {
        let ctx = Context { now, calendar: &cal, calendar_version: version, procedure: &proc };
        let kind = decide(d, &actor, &Command::Receive, &ctx)?;
        let mut events = vec![FollowUp { actor: actor.clone(), at: now, kind }];
        events.extend(assisted.map(|kind| FollowUp { actor: actor.clone(), at: now, kind }));
        Ok(events)
    };
    let d =
        state.db.create(creation, Some(then)).await.map_err(|e: ExecuteError<_>| ApiError::from(e)).or_page(&layout)?;
    let due = d.due_at.map(super::slips::form_time).unwrap_or_default();
    let digitized = d.components.iter().filter(|c| c.digitized).count();
    let layout = layout.titled("Đã tiếp nhận hồ sơ", "Dossier received");
    Ok(IntakeDonePage { layout, code: d.code.to_string(), secret, due, digitized }.into_response())
}

//! `GET /nop-ho-so/{code}` and `POST /nop-ho-so/{code}/buoc`: online submission, one question
//! per page (where → applicant → contact → documents → check your answers → submit), the draft
//! carried in hidden fields ([`super::submit_draft`]). Every page posts `multipart/form-data`,
//! so documents are uploaded on their page and stored at once; a refused file (wrong type,
//! too large, too many) is explained next to its field while everything else entered, and
//! every file already stored, is kept. A successful submission redirects (303) to the
//! confirmation page ([`super::confirmation`]).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use motcua_domain::catalog::{OnlineLevel, Procedure};
use motcua_domain::ports::CatalogStore;
use motcua_domain::unit::UnitCode;
use serde::Deserialize;

use super::procedure::load;
use super::submit_checks::{check_step, document_id, err, step_of};
use super::submit_draft::{Attached, Entered, Step};
use super::{FieldError, Form, Layout, OrPage, Page, PageFailure, PageResult, check_csrf, confirmation, message};
use crate::api::dossiers::{ApplicantInput, ComponentInput, SubmitRequest, submit_as};
use crate::error::ApiError;
use crate::files::{self, UploadLimits, multipart};
use crate::state::AppState;

/// An option of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A component on the documents page.
#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub id: String,
    pub field: String,
    pub name: String,
    pub required: bool,
    pub attached: Option<Attached>,
}

/// A line of "check your answers", with the page that changes it.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub label: String,
    pub value: String,
    pub change: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "submit.html")]
pub struct SubmitPage {
    pub layout: Layout,
    pub code: String,
    pub name: String,
    pub step: Step,
    pub provinces: Vec<Choice>,
    pub communes: Vec<Choice>,
    pub entered: Entered,
    pub hidden: Vec<(&'static str, String)>,
    pub documents: Vec<DocumentRow>,
    pub summary: Vec<SummaryRow>,
    pub limits: String,
    pub errors: Vec<FieldError>,
}

impl SubmitPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }

    fn is(&self, slug: &str) -> bool {
        self.step.slug() == slug
    }

    fn back(&self) -> Option<&'static str> {
        self.step.previous().map(Step::slug)
    }
}

#[derive(Debug, Deserialize)]
pub struct ProvinceQuery {
    pub tinh: Option<String>,
}

async fn render(
    state: &AppState,
    layout: Layout,
    p: &Procedure,
    step: Step,
    entered: Entered,
    errors: Vec<FieldError>,
) -> PageResult {
    let layout = layout.titled(&format!("Nộp hồ sơ: {}", p.name), &format!("File online: {}", p.name));
    let lang = layout.lang;
    let units = state.db.units(None).await.or_page(&layout)?;
    let provinces = units
        .iter()
        .map(|u| Choice {
            selected: u.code.as_str() == entered.province,
            value: u.code.to_string(),
            label: u.name.clone(),
        })
        .collect();
    let communes: Vec<Choice> = match UnitCode::parse(&entered.province) {
        Ok(province) if province.is_province() => state
            .db
            .units(Some(&province))
            .await
            .or_page(&layout)?
            .into_iter()
            .map(|u| Choice { selected: u.code.as_str() == entered.unit, value: u.code.to_string(), label: u.name })
            .collect(),
        _ => Vec::new(),
    };
    let documents: Vec<DocumentRow> = p
        .components
        .iter()
        .map(|c| DocumentRow {
            id: document_id(&c.code),
            field: format!("tep_{}", c.code),
            name: c.name.clone(),
            required: c.required,
            attached: entered.file(&c.code).cloned(),
        })
        .collect();
    let t = |vi: &str, en: &str| super::t(lang, vi, en).to_string();
    let mut summary = vec![
        SummaryRow {
            label: t("Nơi nộp", "Filed with"),
            value: communes.iter().find(|c| c.selected).map(|c| c.label.clone()).unwrap_or_default(),
            change: Step::Where.slug(),
        },
        SummaryRow {
            label: t("Họ và tên", "Full name"), value: entered.name.clone(), change: Step::Applicant.slug()
        },
        SummaryRow {
            label: t("Số định danh cá nhân", "Personal ID number"),
            value: entered.id_number.clone(),
            change: Step::Applicant.slug(),
        },
        SummaryRow {
            label: t("Ngày sinh", "Birth date"),
            value: entered.birth_date.clone(),
            change: Step::Applicant.slug(),
        },
        SummaryRow {
            label: t("Số điện thoại", "Phone number"),
            value: entered.phone.clone(),
            change: Step::Contact.slug(),
        },
        SummaryRow {
            label: t("Thư điện tử", "E-mail"), value: entered.email.clone(), change: Step::Contact.slug()
        },
    ];
    for d in &documents {
        let value = d
            .attached
            .as_ref()
            .map_or_else(|| t("Không gửi", "Not provided"), |a| format!("{} ({})", a.name, a.size_text()));
        summary.push(SummaryRow { label: d.name.clone(), value, change: Step::Documents.slug() });
    }
    let l = UploadLimits::current();
    let limits = match lang {
        super::Lang::Vi => format!("Tệp PDF, JPG hoặc PNG, mỗi tệp không quá {}.", l.file_size_text()),
        super::Lang::En => format!("PDF, JPG or PNG files, each at most {}.", l.file_size_text()),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let hidden = entered.hidden(step);
    let page = SubmitPage {
        layout,
        code: p.code.to_string(),
        name: p.name.clone(),
        step,
        provinces,
        communes,
        entered,
        hidden,
        documents,
        summary,
        limits,
        errors,
    };
    Ok((status, page).into_response())
}

fn not_online(layout: &Layout, p: &Procedure) -> PageFailure {
    PageFailure::new(
        layout.clone(),
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "PROCEDURE_NOT_ONLINE",
            format!(
                "Thủ tục \"{}\" chưa nộp trực tuyến được; vui lòng nộp tại Trung tâm Phục vụ hành chính công.",
                p.name
            ),
            format!("\"{}\" cannot be filed online yet; please file it at the service center.", p.name),
        ),
    )
}

pub async fn show_submit_form(
    State(state): State<AppState>,
    Page(layout): Page,
    Path(code): Path<String>,
    Query(q): Query<ProvinceQuery>,
) -> PageResult {
    let p = load(&state, &layout, &code).await?;
    if p.online_level == OnlineLevel::None {
        return Err(not_online(&layout, &p));
    }
    let entered = Entered { province: q.tinh.unwrap_or_default(), ..Entered::default() };
    render(&state, layout, &p, Step::Where, entered, Vec::new()).await
}

pub async fn submit_step(
    State(state): State<AppState>,
    Page(layout): Page,
    Path(code): Path<String>,
    headers: HeaderMap,
    m: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let limits = UploadLimits::current();
    let upload = multipart::read(multipart::accept(m).or_page(&layout)?, limits).await.or_page(&layout)?;
    check_csrf(&layout, &Form(upload.fields.clone()))?;
    let p = load(&state, &layout, &code).await?;
    if p.online_level == OnlineLevel::None {
        return Err(not_online(&layout, &p));
    }
    let lang = layout.lang;
    let mut entered = Entered::read(&upload.fields);
    let step = Step::parse(upload.get("buoc")).unwrap_or(Step::Where);
    let target = Step::parse(upload.get("den"));
    // Store what was uploaded now; a refused file is explained at its field, the rest is kept.
    let mut errors = Vec::new();
    let now = state.now();
    for part in upload.files {
        let Some(c) = part.field.strip_prefix("tep_").and_then(|k| p.components.iter().find(|c| c.code == k)) else {
            // A file that cannot be placed (the whole upload was over the limit) is still explained.
            if let Err(e) = part.bytes {
                errors.push(err("giay-to", message(lang, &ApiError::from(e))));
            }
            continue;
        };
        let stored = match part.bytes {
            Ok(bytes) => files::store(&state.db, limits, now, &bytes, &part.name).await,
            Err(e) => Err(e),
        };
        match stored {
            Ok(f) => entered.attach(Attached {
                code: c.code.clone(),
                sha256: f.sha256,
                media_type: f.media_type.as_str().into(),
                size: f.size,
                name: f.name,
            }),
            Err(e) => errors.push(err(&document_id(&c.code), message(lang, &ApiError::from(e)))),
        }
    }
    if !errors.is_empty() {
        return render(&state, layout, &p, Step::Documents, entered, errors).await;
    }
    if let Some(target) = target {
        return render(&state, layout, &p, target, entered, Vec::new()).await;
    }
    let errors = check_step(&state, &layout, &p, step, &entered).await;
    if !errors.is_empty() {
        return render(&state, layout, &p, step, entered, errors).await;
    }
    if step != Step::Check {
        return render(&state, layout, &p, step.next(), entered, Vec::new()).await;
    }
    let optional = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    let req = SubmitRequest {
        procedure: p.code.to_string(),
        unit: entered.unit.clone(),
        channel: None,
        applicant: ApplicantInput {
            name: entered.name.clone(),
            id_number: entered.id_number.clone(),
            phone: optional(&entered.phone),
            email: optional(&entered.email),
            address: None,
            birth_date: optional(&entered.birth_date),
        },
        components: entered
            .files
            .iter()
            .map(|f| ComponentInput {
                code: f.code.clone(),
                file_sha256: Some(f.sha256.clone()),
                digitized: true,
                reused: false,
                from_citizen_store: false,
            })
            .collect(),
        copies: None,
    };
    // Signed in with VNeID: a dossier in the citizen's own name is filed with a verified identity.
    let citizen = crate::oidc::citizen::signed_in(&state, &headers).await.or_page(&layout)?;
    let (dossier, secret) = match submit_as(&state, None, citizen.as_ref().map(|c| &c.id_number), req).await {
        Ok(done) => done,
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let (back, id) = step_of(e.body.field.as_deref());
            let errors = vec![err(id, message(lang, &e))];
            return render(&state, layout, &p, back, entered, errors).await;
        }
        Err(e) => return Err(PageFailure::new(layout, e)),
    };
    // Post/redirect/get: the confirmation is its own page, so refreshing it never files twice.
    let mut res = Redirect::to(confirmation::PATH).into_response();
    res.headers_mut().append(SET_COOKIE, confirmation::receipt_cookie(&headers, &dossier.code, &secret, false));
    Ok(res)
}

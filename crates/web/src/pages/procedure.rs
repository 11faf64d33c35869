//! `GET /thu-tuc/{code}`: a procedure's start page — who, what to prepare, fee, time, how to file.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use motcua_domain::catalog::{FeeBasis, OnlineLevel, Procedure, ProcedureCode};
use motcua_domain::ports::CatalogStore;

use super::{Layout, OrPage, Page, PageFailure, PageResult, words};
use crate::error::ApiError;
use crate::state::AppState;

/// A line of a list with a note (a component and whether it is required, a fee and its amount).
#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "procedure.html")]
pub struct ProcedurePage {
    pub layout: Layout,
    pub code: String,
    pub name: String,
    pub field: String,
    pub competent: String,
    pub time: String,
    pub online: String,
    pub can_file_online: bool,
    pub components: Vec<Line>,
    pub fees: Vec<Line>,
}

/// Loads a procedure by the code in the URL, or the "no such procedure" page.
pub async fn load(state: &AppState, layout: &Layout, code: &str) -> Result<Procedure, PageFailure> {
    let missing = || {
        PageFailure::new(
            layout.clone(),
            ApiError::new(
                StatusCode::NOT_FOUND,
                "UNKNOWN_PROCEDURE",
                "Không tìm thấy thủ tục này. Vui lòng tìm lại từ trang chủ.",
                "There is no such service. Please search again from the home page.",
            ),
        )
    };
    let code = ProcedureCode::parse(code).map_err(|_| missing())?;
    state.db.procedure(&code).await.or_page(layout)?.ok_or_else(missing)
}

pub async fn show_procedure(State(state): State<AppState>, Page(layout): Page, Path(code): Path<String>) -> PageResult {
    let p = load(&state, &layout, &code).await?;
    let lang = layout.lang;
    let layout = layout.titled(&p.name, &p.name);
    let components = p
        .components
        .iter()
        .map(|c| Line {
            text: c.name.clone(),
            note: if c.required {
                layout.t("bắt buộc", "required")
            } else {
                layout.t("nếu có", "if applicable")
            }
            .into(),
        })
        .collect();
    let mut fees: Vec<Line> = p
        .fees
        .iter()
        .map(|f| Line {
            text: f.name.clone(),
            note: match f.basis {
                FeeBasis::Fixed => words::money(lang, f.amount),
                FeeBasis::PerCopy => format!("{} {}", words::money(lang, f.amount), layout.t("mỗi bản", "per copy")),
                FeeBasis::SetAtIntake => {
                    layout.t("cán bộ thông báo khi tiếp nhận", "set by the officer at intake").into()
                }
            },
        })
        .collect();
    if fees.is_empty() {
        fees.push(Line { text: layout.t("Không mất phí", "Free of charge").into(), note: String::new() });
    }
    Ok(ProcedurePage {
        code: p.code.to_string(),
        name: p.name.clone(),
        field: p.field.clone(),
        competent: words::competent(lang, &p).into(),
        time: words::statutory_time(lang, &p.statutory_time),
        online: words::online_level(lang, p.online_level).into(),
        can_file_online: p.online_level != OnlineLevel::None,
        components,
        fees,
        layout,
    }
    .into_response())
}

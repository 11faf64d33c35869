//! `GET /`: search procedures (diacritics and tones optional), browse by field, look up a dossier.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use motcua_domain::ports::{CatalogStore, ProcedureQuery};
use serde::Deserialize;

use super::{FieldError, Layout, OrPage, Page, PageResult};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct HomeQuery {
    /// Search text.
    pub q: Option<String>,
    /// A field (lĩnh vực) to browse.
    pub linh_vuc: Option<String>,
}

/// A procedure in a list.
#[derive(Debug, Clone)]
pub struct ProcedureItem {
    pub code: String,
    pub name: String,
    pub field: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
    pub q: String,
    pub field: String,
    /// Whether a search or a field was asked for (else the field list is shown).
    pub searched: bool,
    pub results: Vec<ProcedureItem>,
    pub fields: Vec<String>,
    pub errors: Vec<FieldError>,
}

pub async fn show_home(State(state): State<AppState>, Page(layout): Page, Query(q): Query<HomeQuery>) -> PageResult {
    let layout = layout.titled("Tìm thủ tục hành chính", "Find a public service");
    let text = q.q.unwrap_or_default().trim().to_string();
    let field = q.linh_vuc.unwrap_or_default().trim().to_string();
    let mut errors = Vec::new();
    if text.chars().count() > 200 {
        errors.push(FieldError {
            id: "q".into(),
            message: layout
                .t(
                    "Từ khóa tìm kiếm quá dài (tối đa 200 ký tự).",
                    "The search text is too long (at most 200 characters).",
                )
                .into(),
        });
    }
    let searched = errors.is_empty() && (!text.is_empty() || !field.is_empty());
    let all =
        state.db.search_procedures(&ProcedureQuery { text: None, field: None, limit: 500 }).await.or_page(&layout)?;
    let mut fields: Vec<String> = all.iter().map(|p| p.field.clone()).collect();
    fields.sort();
    fields.dedup();
    let results = if searched {
        let query = ProcedureQuery {
            text: Some(text.clone()).filter(|t| !t.is_empty()),
            field: Some(field.clone()).filter(|f| !f.is_empty()),
            limit: 50,
        };
        state.db.search_procedures(&query).await.or_page(&layout)?
    } else {
        Vec::new()
    };
    let results = results
        .iter()
        .map(|p| ProcedureItem { code: p.code.to_string(), name: p.name.clone(), field: p.field.clone() })
        .collect();
    Ok(HomePage { layout, q: text, field, searched, results, fields, errors }.into_response())
}

impl HomePage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

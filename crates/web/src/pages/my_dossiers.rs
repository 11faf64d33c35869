//! `GET /ho-so-cua-toi` ("Hồ sơ của tôi"): a citizen signed in with VNeID sees every dossier
//! whose applicant identity number is the one in their verified ID token, newest first. Anyone
//! else is offered the sign-in (when it is configured).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::ports::CatalogStore;

use super::{Layout, OrPage, Page, PageResult, words};
use crate::oidc::citizen::signed_in;
use crate::state::AppState;

/// The most dossiers listed.
const LIMIT: u32 = 200;

/// The signed-in citizen, as shown.
pub struct Citizen {
    pub name: String,
    pub id_number: String,
}

/// One dossier in the list.
pub struct Row {
    pub code: String,
    pub procedure: String,
    pub submitted: String,
    pub due: String,
    pub status: &'static str,
    pub status_class: &'static str,
    /// What the center is waiting for, if anything.
    pub note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "my_dossiers.html")]
pub struct MyDossiersPage {
    pub layout: Layout,
    pub citizen: Option<Citizen>,
    pub rows: Vec<Row>,
    /// Whether the VNeID sign-in is configured.
    pub available: bool,
}

pub async fn show_my_dossiers(State(state): State<AppState>, Page(layout): Page, headers: HeaderMap) -> PageResult {
    let layout = layout.titled("Hồ sơ của tôi", "My dossiers");
    let available = state.sign_in.citizen.is_some();
    let Some(session) = signed_in(&state, &headers).await.or_page(&layout)? else {
        return Ok(MyDossiersPage { layout, citizen: None, rows: Vec::new(), available }.into_response());
    };
    let dossiers = state.db.dossiers_of_applicant(&session.id_number, LIMIT).await.or_page(&layout)?;
    let mut names: HashMap<ProcedureCode, String> = HashMap::new();
    let lang = layout.lang;
    let mut rows = Vec::with_capacity(dossiers.len());
    for d in dossiers {
        if !names.contains_key(&d.procedure) {
            let p = state.db.procedure(&d.procedure).await.or_page(&layout)?;
            names.insert(d.procedure.clone(), p.map_or_else(|| d.procedure.to_string(), |p| p.name));
        }
        rows.push(Row {
            code: d.code.to_string(),
            procedure: names[&d.procedure].clone(),
            submitted: words::when(lang, d.submitted_at),
            due: d.due_at.map(|t| words::when(lang, t)).unwrap_or_else(|| "—".into()),
            status: words::status(lang, d.status),
            status_class: words::status_class(d.status),
            note: d.pending_note.clone().unwrap_or_default(),
        });
    }
    let citizen = Citizen { name: session.full_name, id_number: session.id_number.to_string() };
    Ok(MyDossiersPage { layout, citizen: Some(citizen), rows, available }.into_response())
}

//! `GET /ho-tro-cong-dong[?don_vi=&khu_pho=]`: for citizens, the community support sessions of
//! the next four weeks near them (choose the commune, then the neighborhood), with place, time
//! and who helps; sessions cancelled by a public holiday are not listed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use motcua_domain::ports::{CatalogStore, SupportStore};
use motcua_domain::support::{NeighborhoodId, SupportError};
use motcua_domain::unit::UnitCode;
use serde::Deserialize;

use super::support_rows::{OccurrenceRow, occurrences, today};
use super::{FieldError, Layout, OrPage, Page, PageResult, t};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "support_public.html")]
pub struct SupportPublicPage {
    pub layout: Layout,
    /// Communes holding support days: (code, name).
    pub units: Vec<(String, String)>,
    pub unit: String,
    pub neighborhoods: Vec<(String, String)>,
    pub neighborhood: String,
    pub sessions: Vec<OccurrenceRow>,
    pub errors: Vec<FieldError>,
}

impl SupportPublicPage {
    fn error(&self, id: &str) -> Option<&str> {
        super::error_for(&self.errors, id)
    }
}

#[derive(Debug, Deserialize)]
pub struct Near {
    pub don_vi: Option<String>,
    pub khu_pho: Option<String>,
}

pub async fn show_support_days(State(state): State<AppState>, Page(layout): Page, Query(q): Query<Near>) -> PageResult {
    let layout = layout.titled("Ngày hỗ trợ cộng đồng", "Community support days");
    let lang = layout.lang;
    let all = state.db.sessions(None).await.or_page(&layout)?;
    let mut codes: Vec<UnitCode> = all.iter().map(|s| s.unit.clone()).collect();
    codes.dedup();
    let mut units = Vec::new();
    for c in &codes {
        let name = state.db.unit(c).await.or_page(&layout)?.map_or_else(|| c.to_string(), |u| u.name);
        units.push((c.to_string(), name));
    }
    let chosen = q.don_vi.unwrap_or_default().trim().to_string();
    let hood = q.khu_pho.unwrap_or_default().trim().to_string();
    let mut page = SupportPublicPage {
        layout,
        units,
        unit: chosen.clone(),
        neighborhoods: Vec::new(),
        neighborhood: hood.clone(),
        sessions: Vec::new(),
        errors: Vec::new(),
    };
    if chosen.is_empty() {
        return Ok(page.into_response());
    }
    let Some(unit) = UnitCode::parse(&chosen).ok().filter(|u| codes.contains(u)) else {
        let message = t(lang, "Đơn vị này chưa có lịch hỗ trợ cộng đồng.", "This commune has no support days yet.");
        page.errors.push(FieldError { id: "don-vi".into(), message: message.into() });
        return Ok((StatusCode::NOT_FOUND, page).into_response());
    };
    let hoods = state.db.neighborhoods(&unit).await.or_page(&page.layout)?;
    let helpers = state.db.helpers(&unit).await.or_page(&page.layout)?;
    page.neighborhoods = hoods.iter().map(|n| (n.id.to_string(), n.name.clone())).collect();
    let mut sessions: Vec<_> = all.into_iter().filter(|s| s.unit == unit).collect();
    if !hood.is_empty() {
        let known = NeighborhoodId::parse(&hood, SupportError::UnknownNeighborhood)
            .ok()
            .filter(|id| hoods.iter().any(|n| n.id == *id));
        let Some(id) = known else {
            let e = SupportError::UnknownNeighborhood;
            use motcua_domain::Described;
            page.errors
                .push(FieldError { id: "khu-pho".into(), message: t(lang, &e.message_vi(), &e.message_en()).into() });
            return Ok((StatusCode::NOT_FOUND, page).into_response());
        };
        sessions.retain(|s| s.neighborhood == id);
    }
    let window = (today(&state), 28);
    page.sessions = occurrences(&state, lang, &sessions, &hoods, &helpers, window, true).await.or_page(&page.layout)?;
    Ok(page.into_response())
}

//! `GET /can-bo/xep-hang`: the communes of the province ranked by their 766 total for a period,
//! ties sharing a rank, with the movement since the previous period and a bar chart. For the
//! province's monitors and administrators.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::IntoResponse;

use super::index::IndexQuery;
use super::index_chart::{BarChart, bars, points};
use super::{Layout, OrPage, Page, PageResult, SignedIn};
use crate::api::index::{ranking, visible_unit};
use crate::error::ApiError;
use crate::state::AppState;

pub struct RankLine {
    pub rank: u32,
    pub unit: String,
    pub name: String,
    pub total: String,
    /// "↑ 1 (hạng 2 → 1)", "↓ 2 …", "=" or "mới".
    pub movement: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "ranking.html")]
pub struct RankingPage {
    pub layout: Layout,
    pub province: String,
    pub period: String,
    pub previous: String,
    pub province_total: String,
    pub lines: Vec<RankLine>,
    pub chart: BarChart,
    /// Units (name and code) with a broken event chain (see `motcua verify`).
    pub tampered: Vec<String>,
}

pub async fn show_ranking(
    State(state): State<AppState>,
    Page(layout): Page,
    SignedIn(staff): SignedIn,
    Query(q): Query<IndexQuery>,
) -> PageResult {
    let layout = layout.titled("Xếp hạng chỉ số 766", "766 index ranking").signed_in(&staff);
    let code = q.don_vi.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| staff.unit.to_string());
    let province = visible_unit(&state, &staff, &code).await.or_page(&layout)?;
    if !province.code.is_province() {
        return Err(super::PageFailure::new(
            layout,
            ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "PROVINCE_ONLY",
                "Bảng xếp hạng các xã, phường dành cho cán bộ theo dõi cấp tỉnh.",
                "The ranking of communes is for the province's monitoring staff.",
            ),
        ));
    }
    let period = q.period(state.now()).or_page(&layout)?;
    let r = ranking(&state, &province, &period).await.or_page(&layout)?;
    let lang = layout.lang;
    let lines: Vec<RankLine> = r
        .rows
        .iter()
        .map(|row| RankLine {
            rank: row.rank,
            unit: row.unit.clone(),
            name: row.unit_name.clone(),
            total: points(row.total),
            movement: match (row.movement, row.previous_rank) {
                (Some(m), Some(p)) if m > 0 => format!("↑ {m} ({} {p} → {})", super::t(lang, "hạng", "rank"), row.rank),
                (Some(m), Some(p)) if m < 0 => {
                    format!("↓ {} ({} {p} → {})", -m, super::t(lang, "hạng", "rank"), row.rank)
                }
                (Some(_), Some(_)) => "=".into(),
                _ => super::t(lang, "mới", "new").into(),
            },
        })
        .collect();
    let top: Vec<(String, f64, f64)> =
        r.rows.iter().take(30).map(|x| (format!("{}. {}", x.rank, x.unit_name), x.total, 100.0)).collect();
    Ok(RankingPage {
        province: province.name.clone(),
        period: r.period.clone(),
        previous: r.previous_period.clone(),
        province_total: points(r.province_total),
        chart: bars(super::t(lang, "Tổng điểm (30 đơn vị đứng đầu)", "Total (top 30)"), &top),
        tampered: {
            let broken = state.hardening.integrity.broken_units(&state).unwrap_or_default();
            lines.iter().filter(|l| broken.contains(&l.unit)).map(|l| format!("{} ({})", l.name, l.unit)).collect()
        },
        lines,
        layout,
    }
    .into_response())
}

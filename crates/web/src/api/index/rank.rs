//! `GET /api/v1/index/provinces/{code}/ranking`: the communes of a province ranked by total,
//! ties sharing a rank, with the movement since the previous period.

use super::*;

#[derive(Debug, Serialize, ToSchema)]
pub struct RankRowView {
    pub rank: u32,
    pub unit: String,
    pub unit_name: String,
    pub total: f64,
    pub scored_max: f64,
    pub missing_max: f64,
    pub previous_rank: Option<u32>,
    /// Places gained since the previous period (positive: moved up).
    pub movement: Option<i64>,
}

/// The communes of a province ranked by total, ties sharing a rank.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankingView {
    pub province: String,
    pub period: String,
    pub previous_period: String,
    pub as_of: DateTime<Utc>,
    /// The province's own total over all its communes' dossiers.
    pub province_total: f64,
    pub rows: Vec<RankRowView>,
}

/// Ranking of the communes of a province for a period, with the movement since the previous one.
#[utoipa::path(get, path = "/api/v1/index/provinces/{code}/ranking", tag = "index",
    params(("code" = String, Path, description = "Province code (2 digits)"), PeriodParams),
    security(("bearer" = [])),
    responses((status = 200, body = RankingView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_province_ranking(
    State(state): State<AppState>,
    StaffAuth(staff): StaffAuth,
    ApiPath(code): ApiPath<String>,
    ApiQuery(p): ApiQuery<PeriodParams>,
) -> ApiResult<Json<RankingView>> {
    let province = visible_unit(&state, &staff, &code).await?;
    if !province.code.is_province() {
        return Err(ApiError::not_found("tỉnh", "Province"));
    }
    let period = resolve_period(&p, state.now())?;
    Ok(Json(ranking(&state, &province, &period).await?))
}

/// The ranking of `province`'s communes for `period`, with the movement since the previous period.
pub(crate) async fn ranking(state: &AppState, province: &Unit, period: &Period) -> ApiResult<RankingView> {
    let period = *period;
    let communes = state.db.units(Some(&province.code)).await?;
    let codes: Vec<UnitCode> = communes.iter().map(|u| u.code.clone()).collect();
    let scope = IndexScope::Province(province.code.clone());
    let mut totals = Vec::new();
    for per in [period, period.previous()] {
        let inputs = state.db.index_inputs(&scope, per.start(), per.end()).await?;
        let cfg = CONFIGS.for_date(per.from);
        totals.push(index::compute_province_figures(cfg, &province.code, &codes, &inputs, &per, state.now()));
    }
    let (whole, current) = &totals[0];
    let pairs = |rs: &[IndexReport]| rs.iter().map(|r| (r.unit.clone(), r.total)).collect::<Vec<_>>();
    let rows = index::rank(&pairs(current), &pairs(&totals[1].1));
    let names: std::collections::HashMap<&UnitCode, &Unit> = communes.iter().map(|u| (&u.code, u)).collect();
    let reports: std::collections::HashMap<&UnitCode, &IndexReport> = current.iter().map(|r| (&r.unit, r)).collect();
    Ok(RankingView {
        province: province.code.to_string(),
        period: period.label(),
        previous_period: period.previous().label(),
        as_of: whole.as_of,
        province_total: round(whole.total),
        rows: rows
            .iter()
            .map(|r| RankRowView {
                rank: r.rank,
                unit: r.unit.to_string(),
                unit_name: names.get(&r.unit).map(|u| u.name.clone()).unwrap_or_default(),
                total: round(r.total),
                scored_max: reports.get(&r.unit).map_or(0.0, |x| round(x.scored_max)),
                missing_max: reports.get(&r.unit).map_or(0.0, |x| round(x.missing_max)),
                previous_rank: r.previous_rank,
                movement: r.movement,
            })
            .collect(),
    })
}

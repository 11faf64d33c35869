//! The rows the support-day pages show: neighborhoods, helpers, sessions and dated occurrences
//! (with the holiday that cancels one), in the page's language.

use chrono::{Datelike, Duration, NaiveDate};
use motcua_domain::calendar::{WorkingHours, to_local};
use motcua_domain::ports::StoreError;
use motcua_domain::support::{Helper, Neighborhood, Session, weekday_name};

use super::{Lang, t};
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct HelperRow {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub phone: String,
}

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub neighborhood: String,
    pub place: String,
    pub rule: String,
    pub period: String,
    pub helpers: String,
}

#[derive(Debug, Clone)]
pub struct OccurrenceRow {
    /// `{session}@{date}`, the value the attribution selects send.
    pub value: String,
    pub date: String,
    pub weekday: String,
    pub time: String,
    pub neighborhood: String,
    pub place: String,
    pub helpers: String,
    /// The holiday cancelling it.
    pub cancelled: Option<String>,
}

pub fn helper_row(lang: Lang, h: &Helper) -> HelperRow {
    HelperRow {
        id: h.id.to_string(),
        name: h.name.clone(),
        organisation: t(lang, h.organisation.name_vi(), h.organisation.name_en()).into(),
        phone: h.phone.clone().unwrap_or_default(),
    }
}

fn hood_name(hoods: &[Neighborhood], s: &Session) -> String {
    hoods.iter().find(|n| n.id == s.neighborhood).map(|n| n.name.clone()).unwrap_or_default()
}

fn helper_names(helpers: &[Helper], s: &Session) -> String {
    let names: Vec<&str> =
        s.helpers.iter().filter_map(|id| helpers.iter().find(|h| h.id == *id)).map(|h| h.name.as_str()).collect();
    names.join(", ")
}

pub fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub fn session_row(lang: Lang, s: &Session, hoods: &[Neighborhood], helpers: &[Helper]) -> SessionRow {
    SessionRow {
        id: s.id.to_string(),
        neighborhood: hood_name(hoods, s),
        place: s.place.clone(),
        rule: s.rule.describe(lang == Lang::En),
        period: format!("{} – {}", day(s.rule.first), day(s.rule.last)),
        helpers: helper_names(helpers, s),
    }
}

/// Today in Vietnam.
pub fn today(state: &AppState) -> NaiveDate {
    to_local(state.now()).date()
}

/// Every occurrence of `sessions` from `from` for `days` days, in date order; with `held_only`,
/// cancelled ones are left out.
pub async fn occurrences(
    state: &AppState,
    lang: Lang,
    sessions: &[Session],
    hoods: &[Neighborhood],
    helpers: &[Helper],
    (from, days): (NaiveDate, i64),
    held_only: bool,
) -> Result<Vec<OccurrenceRow>, StoreError> {
    let (cal, _) = state.work_calendar(None, &WorkingHours::default()).await?;
    let to = from + Duration::days(days);
    let mut all: Vec<(NaiveDate, String, OccurrenceRow)> = Vec::new();
    for s in sessions {
        for o in s.rule.occurrences(&cal, from, to) {
            if held_only && o.cancelled.is_some() {
                continue;
            }
            let time = format!("{}–{}", s.rule.start.format("%H:%M"), s.rule.end.format("%H:%M"));
            let row = OccurrenceRow {
                value: format!("{}@{}", s.id, o.date),
                date: day(o.date),
                weekday: weekday_name(o.date.weekday(), lang == Lang::En).into(),
                time: time.clone(),
                neighborhood: hood_name(hoods, s),
                place: s.place.clone(),
                helpers: helper_names(helpers, s),
                cancelled: o.cancelled,
            };
            all.push((o.date, time, row));
        }
    }
    all.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    Ok(all.into_iter().map(|(_, _, r)| r).collect())
}

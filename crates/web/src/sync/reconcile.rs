//! Reconciliation with the national portal: for a period (by submission day, Vietnam time),
//! compares our dossiers with what the portal reports — code, status and key dates, formatted as
//! the records we push — and lists every difference; a re-push queues a dossier's current state
//! again (`SyncStore::repush`) under a fresh idempotency key.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use motcua_domain::ports::{DossierFilter, DossierStore, StoreError};
use motcua_storage::Db;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::record::dvcqg_record;

/// The fields the portal reports per dossier and reconciliation compares.
pub const COMPARED: &[&str] =
    &["TrangThaiHoSo", "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra"];

/// Where the portal reports a period (`GET {url}?from=yyyyMMdd&to=yyyyMMdd` → `{"items": […]}`).
#[derive(Debug, Clone)]
pub struct PortalReport {
    pub url: String,
    pub token: Option<String>,
}

/// One difference between our dossier and the portal's record of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Difference {
    pub dossier: String,
    /// The field that differs (`MaHoSo`: the record is missing on one side).
    pub field: String,
    /// Our value (`null`: we have no such dossier in the period).
    pub ours: Option<String>,
    /// The portal's value (`null`: the portal has no record of it).
    pub portal: Option<String>,
}

/// The outcome of one reconciliation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Reconciliation {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Our dossiers submitted in the period.
    pub ours: usize,
    /// Records the portal reported for the period.
    pub portal: usize,
    pub differences: Vec<Difference>,
}

/// Why a reconciliation could not be made.
#[derive(Debug)]
pub enum ReconcileError {
    Store(StoreError),
    /// The portal could not be reached or answered something unreadable.
    Portal(String),
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Every difference between our records and the portal's, by dossier code then field.
pub fn differences(ours: &[Value], portal: &[Value]) -> Vec<Difference> {
    let index = |items: &[Value]| -> BTreeMap<String, Value> {
        items.iter().filter_map(|v| Some((text(v.get("MaHoSo"))?, v.clone()))).collect()
    };
    let (ours, portal) = (index(ours), index(portal));
    let mut out = Vec::new();
    let codes: std::collections::BTreeSet<&String> = ours.keys().chain(portal.keys()).collect();
    for code in codes {
        match (ours.get(code), portal.get(code)) {
            (Some(_), None) | (None, Some(_)) => out.push(Difference {
                dossier: code.clone(),
                field: "MaHoSo".into(),
                ours: ours.contains_key(code).then(|| code.clone()),
                portal: portal.contains_key(code).then(|| code.clone()),
            }),
            (Some(a), Some(b)) => {
                for f in COMPARED {
                    let (x, y) = (text(a.get(*f)), text(b.get(*f)));
                    if x != y {
                        out.push(Difference { dossier: code.clone(), field: (*f).into(), ours: x, portal: y });
                    }
                }
            }
            (None, None) => {}
        }
    }
    out
}

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// The day (Vietnam time) of `at`.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&vietnam()).date_naive()
}

/// The start of `day` in Vietnam time.
fn day_start(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    vietnam().from_local_datetime(&midnight).single().expect("UTC+7 has no gaps").with_timezone(&Utc)
}

/// Our records (as pushed) of the dossiers submitted from `from` to `to` (days, inclusive).
async fn our_records(db: &Db, from: NaiveDate, to: NaiveDate) -> Result<Vec<Value>, StoreError> {
    let filter = DossierFilter {
        submitted_from: Some(day_start(from)),
        submitted_to: Some(day_start(to) + Duration::days(1)),
        ..DossierFilter::default()
    };
    let (mut out, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let page = db.list(&filter, cursor.as_deref(), 500).await?;
        out.extend(page.items.iter().map(|d| dvcqg_record(d, None)));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(out),
        }
    }
}

/// Asks the portal for its records of the period.
async fn portal_records(target: &PortalReport, from: NaiveDate, to: NaiveDate) -> Result<Vec<Value>, ReconcileError> {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .map_err(|e| ReconcileError::Portal(e.to_string()))?;
    let mut req = client
        .get(&target.url)
        .query(&[("from", from.format("%Y%m%d").to_string()), ("to", to.format("%Y%m%d").to_string())]);
    if let Some(t) = &target.token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.map_err(|e| ReconcileError::Portal(format!("{e:#}")))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(ReconcileError::Portal(format!("HTTP {status}")));
    }
    let body: Value = resp.json().await.map_err(|e| ReconcileError::Portal(format!("unreadable report: {e}")))?;
    body.get("items")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| ReconcileError::Portal("the report has no items list".into()))
}

/// Compares our dossiers submitted from `from` to `to` with the portal's report of that period.
pub async fn reconcile(
    db: &Db,
    target: &PortalReport,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Reconciliation, ReconcileError> {
    let portal = portal_records(target, from, to).await?;
    let ours = our_records(db, from, to).await.map_err(ReconcileError::Store)?;
    Ok(Reconciliation { from, to, ours: ours.len(), portal: portal.len(), differences: differences(&ours, &portal) })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn lists_missing_records_on_either_side_and_each_differing_field() {
        let ours = [
            json!({"MaHoSo": "A", "TrangThaiHoSo": 4, "NgayNopHoSo": "20261126090000", "NgayTra": null}),
            json!({"MaHoSo": "B", "TrangThaiHoSo": 2}),
            json!({"MaHoSo": "C", "TrangThaiHoSo": 10, "NgayTra": "20261127100000"}),
        ];
        let portal = [
            json!({"MaHoSo": "A", "TrangThaiHoSo": 4, "NgayNopHoSo": "20261126090000"}),
            json!({"MaHoSo": "C", "TrangThaiHoSo": 9, "NgayTra": null}),
            json!({"MaHoSo": "Z", "TrangThaiHoSo": 1}),
        ];
        let d = differences(&ours, &portal);
        let line = |dossier: &str, field: &str, ours: Option<&str>, portal: Option<&str>| Difference {
            dossier: dossier.into(),
            field: field.into(),
            ours: ours.map(Into::into),
            portal: portal.map(Into::into),
        };
        assert_eq!(
            d,
            vec![
                line("B", "MaHoSo", Some("B"), None),
                line("C", "TrangThaiHoSo", Some("10"), Some("9")),
                line("C", "NgayTra", Some("20261127100000"), None),
                line("Z", "MaHoSo", None, Some("Z")),
            ]
        );
        assert!(differences(&ours, &ours).is_empty());
    }

    #[test]
    fn a_period_starts_at_midnight_vietnam_time() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(day_start(d), Utc.with_ymd_and_hms(2026, 11, 26, 17, 0, 0).unwrap());
    }
}

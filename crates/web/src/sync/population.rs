//! The population database (CSDL quốc gia về dân cư) connector: at intake, the applicant's
//! identity number, name and birth date are checked; the answer is recorded on the dossier as an
//! `IdentityChecked` event (which sets the 766 `identity_verified` flag). The check is queued in
//! the submission's transaction, so intake never waits for it; an unreachable service is retried
//! with the outbox's backoff. The national service's interface is not published: this JSON shape
//! is the one `motcua fake-dancu` speaks.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use motcua_domain::dossier::{Dossier, DossierCode, EventKind};
use motcua_domain::ports::{DossierStore, ExecuteError, OutboxMessage};
use motcua_domain::staff::Actor;
use motcua_storage::Db;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::push::{IDEMPOTENCY_HEADER, PushError, is_permanent};
use super::worker::SyncConfig;

/// The check request for the applicant of `d`.
pub fn population_request(d: &Dossier, key: &str) -> Value {
    json!({
        "id_number": d.applicant.id_number.as_str(),
        "name": d.applicant.name,
        "birth_date": d.applicant.birth_date.map(|b| b.format("%Y-%m-%d").to_string()),
        "idempotency_key": key,
    })
}

/// The service's answer: whether the record matches, and if not which field differs
/// (`id_number`: no such citizen; `name`; `birth_date`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckAnswer {
    pub matched: bool,
    #[serde(default)]
    pub field: Option<String>,
}

/// Asks the service and records its answer on the dossier; the ack is the answer in short.
pub async fn check(
    client: &reqwest::Client,
    cfg: &SyncConfig,
    db: &Db,
    m: &OutboxMessage,
    body: Value,
    at: DateTime<Utc>,
) -> Result<String, PushError> {
    let transient = |message: String| PushError { permanent: false, message };
    let mut req = client.post(&cfg.url).header(IDEMPOTENCY_HEADER, &m.key).json(&body);
    if let Some(t) = &cfg.token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.map_err(|e| transient(format!("request failed: {e:#}")))?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| transient(format!("HTTP {status}, response lost: {e:#}")))?;
    if !status.is_success() {
        let message = format!("HTTP {status}: {}", text.chars().take(300).collect::<String>());
        return Err(PushError { permanent: is_permanent(status.as_u16()), message });
    }
    let answer: CheckAnswer = serde_json::from_str(&text)
        .map_err(|e| transient(format!("unreadable answer ({e}): {}", text.chars().take(200).collect::<String>())))?;
    record(db, &m.dossier, &answer, at).await?;
    Ok(if answer.matched { "matched".into() } else { format!("mismatch:{}", answer.field.unwrap_or_default()) })
}

/// Appends the answer as an `IdentityChecked` event, unless one is already there (a retried
/// message whose outcome was lost after the event was written).
async fn record(db: &Db, dossier: &str, answer: &CheckAnswer, at: DateTime<Utc>) -> Result<(), PushError> {
    let store = |e: String| PushError { permanent: false, message: format!("recording the answer: {e}") };
    let code = DossierCode::parse(dossier)
        .map_err(|e| PushError { permanent: true, message: format!("bad dossier code: {e}") })?;
    let events = db.events(&code).await.map_err(|e| store(e.to_string()))?;
    if events.iter().any(|e| matches!(e.event.kind, EventKind::IdentityChecked { .. })) {
        return Ok(());
    }
    let kind = EventKind::IdentityChecked {
        matched: answer.matched,
        detail: if answer.matched { String::new() } else { answer.field.clone().unwrap_or_default() },
    };
    match db.execute(&code, &Actor::System, at, |_| Ok::<_, std::convert::Infallible>(kind)).await {
        Ok(_) => Ok(()),
        Err(ExecuteError::Rejected(never)) => match never {},
        Err(ExecuteError::Store(e)) => Err(store(e.to_string())),
    }
}

/// Parses an applicant's birth date (`yyyy-mm-dd`, as an HTML date field sends it): a real day
/// from 1900 to `today`. Blank means not given.
pub fn parse_birth_date(s: &str, today: NaiveDate) -> Result<Option<NaiveDate>, crate::error::ApiError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || {
        crate::error::ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "INVALID_BIRTH_DATE",
            format!("Ngày sinh \"{s}\" không hợp lệ: nhập ngày có thật dạng yyyy-mm-dd, từ năm 1900 đến hôm nay."),
            format!("Birth date \"{s}\" is invalid: enter a real day as yyyy-mm-dd, from 1900 to today."),
        )
        .with_field("applicant.birth_date")
    };
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?;
    if d.year() < 1900 || d > today {
        return Err(bad());
    }
    Ok(Some(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_are_real_past_days() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(parse_birth_date(" ", today).unwrap(), None);
        assert_eq!(parse_birth_date("1990-02-28", today).unwrap(), NaiveDate::from_ymd_opt(1990, 2, 28));
        for bad in ["1990-02-30", "28/02/1990", "1899-12-31", "2026-11-28", "abc"] {
            assert_eq!(parse_birth_date(bad, today).unwrap_err().body.code, "INVALID_BIRTH_DATE", "{bad}");
        }
    }
}

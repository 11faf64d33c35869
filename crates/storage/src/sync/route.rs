//! Which connectors a dossier change is reported to: every change goes to the national portal;
//! a civil-status (hộ tịch) procedure's decision and result (the change leaving it decided or
//! returned) also go to the civil registry; the submission of a dossier whose applicant has a
//! personal identification number (not a tax code) and gave a birth date goes to the population
//! database once.

use motcua_domain::dossier::Status;
use motcua_domain::identity::ApplicantId;
use motcua_domain::ports::{CIVIL_REGISTRY, DVCQG, POPULATION, StoreError};
use sqlx::AnyConnection;

use crate::store_err;

/// The procedure field (lĩnh vực) whose decisions the civil registry receives.
pub const CIVIL_STATUS_FIELD: &str = "Hộ tịch";

/// The connectors the change of dossier `code` whose projection is `payload` goes to, on the
/// change's connection.
pub(crate) async fn connectors_for(
    conn: &mut AnyConnection,
    code: &str,
    payload: &str,
) -> Result<Vec<&'static str>, StoreError> {
    let mut out = vec![DVCQG];
    let Ok(v) = serde_json::from_str::<serde_json::Value>(payload) else { return Ok(out) };
    let status = v.get("status").cloned().and_then(|s| serde_json::from_value::<Status>(s).ok());
    let procedure = v.get("procedure").and_then(|p| p.as_str()).unwrap_or_default().to_string();
    if matches!(status, Some(Status::Decided | Status::Returned)) {
        let field: Option<String> = sqlx::query_scalar("SELECT field FROM procedures WHERE code = $1")
            .bind(procedure)
            .fetch_optional(&mut *conn)
            .await
            .map_err(store_err)?;
        if field.is_some_and(|f| f.trim() == CIVIL_STATUS_FIELD) {
            out.push(CIVIL_REGISTRY);
        }
    }
    if needs_identity_check(&v) {
        let queued: Option<i64> =
            sqlx::query_scalar("SELECT id FROM sync_outbox WHERE connector = $1 AND dossier_code = $2 LIMIT 1")
                .bind(POPULATION)
                .bind(code.to_string())
                .fetch_optional(&mut *conn)
                .await
                .map_err(store_err)?;
        if queued.is_none() {
            out.push(POPULATION);
        }
    }
    Ok(out)
}

/// A dossier whose applicant is a person who gave the three things checked: ID number, name,
/// birth date (the caller queues its check once, with the change that created it).
fn needs_identity_check(v: &serde_json::Value) -> bool {
    let id = v.pointer("/applicant/id_number").and_then(|i| i.as_str()).unwrap_or_default();
    let born = v.pointer("/applicant/birth_date").is_some_and(|b| b.is_string());
    born && matches!(ApplicantId::parse(id), Ok(ApplicantId::Personal(_)))
}

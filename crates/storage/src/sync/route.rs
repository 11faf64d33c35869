//! Which connectors a dossier change is reported to: every change goes to the national portal;
//! a civil-status (hộ tịch) procedure's decision and result (the change leaving it decided or
//! returned) also go to the civil registry.

use motcua_domain::dossier::Status;
use motcua_domain::ports::{CIVIL_REGISTRY, DVCQG, StoreError};
use sqlx::AnyConnection;

use crate::store_err;

/// The procedure field (lĩnh vực) whose decisions the civil registry receives.
pub const CIVIL_STATUS_FIELD: &str = "Hộ tịch";

/// The connectors the change whose projection is `payload` goes to, on the change's connection.
pub(crate) async fn connectors_for(conn: &mut AnyConnection, payload: &str) -> Result<Vec<&'static str>, StoreError> {
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
    Ok(out)
}

//! The operator's figures read at each `/metrics` scrape: dossiers by status (one grouped query
//! through the `dossiers_status` index) and the notification outbox's backlog.

use chrono::{DateTime, Utc};
use motcua_domain::dossier::Status;
use motcua_domain::ports::StoreError;
use sqlx::Row;

use crate::Db;
use crate::rows::{instant, int};

/// What `/metrics` reports about the database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpsFigures {
    /// Every status with at least one dossier, in status code order.
    pub dossiers_by_status: Vec<(Status, u64)>,
    /// Notifications waiting for a (first or further) delivery attempt.
    pub notify_queued: u64,
    /// When the oldest of those was queued.
    pub notify_oldest_queued: Option<DateTime<Utc>>,
}

impl Db {
    /// The figures, read with two cheap aggregate queries.
    pub async fn ops_figures(&self) -> Result<OpsFigures, StoreError> {
        let rows = sqlx::query(
            "SELECT CAST(status AS BIGINT) AS status, CAST(COUNT(*) AS BIGINT) AS n
             FROM dossiers GROUP BY status ORDER BY status",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(crate::store_err)?;
        let mut dossiers_by_status = Vec::new();
        for r in &rows {
            if let Some(s) = Status::from_code(int(r, "status")?) {
                dossiers_by_status.push((s, u64::try_from(int(r, "n")?).unwrap_or(0)));
            }
        }
        let row = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n, MIN(created_at) AS oldest
             FROM notify_outbox WHERE status = 'queued'",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(crate::store_err)?;
        let oldest: Option<i64> = row.try_get("oldest").map_err(crate::store_err)?;
        Ok(OpsFigures {
            dossiers_by_status,
            notify_queued: u64::try_from(int(&row, "n")?).unwrap_or(0),
            notify_oldest_queued: oldest.map(instant),
        })
    }
}

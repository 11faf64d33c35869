//! Administrators' amendments to the holiday data, each with its version number.

use chrono::NaiveDate;
use motcua_domain::calendar::Amendment;
use motcua_domain::ports::{CalendarStore, StoreError};
use sqlx::Row;

use crate::{Db, store_err};

/// Inserts an amendment on `conn` (inside the caller's write).
pub(crate) async fn insert_amendment(conn: &mut sqlx::AnyConnection, a: &Amendment) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO calendar_amendments (version, day, working, reason) VALUES ($1, $2, $3, $4)")
        .bind(i64::from(a.version))
        .bind(a.date.to_string())
        .bind(i64::from(a.working))
        .bind(a.reason.clone())
        .execute(conn)
        .await
        .map_err(store_err)?;
    Ok(())
}

impl CalendarStore for Db {
    async fn amendments(&self) -> Result<Vec<Amendment>, StoreError> {
        let rows = sqlx::query("SELECT version, day, working, reason FROM calendar_amendments ORDER BY version")
            .fetch_all(&self.pool)
            .await
            .map_err(store_err)?;
        rows.iter()
            .map(|r| {
                let day: String = r.try_get("day").map_err(store_err)?;
                Ok(Amendment {
                    version: u32::try_from(r.try_get::<i64, _>("version").map_err(store_err)?).unwrap_or(0),
                    date: NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                        .map_err(|e| StoreError::Backend(format!("corrupt amendment date: {e}")))?,
                    working: r.try_get::<i64, _>("working").map_err(store_err)? != 0,
                    reason: r.try_get("reason").map_err(store_err)?,
                })
            })
            .collect()
    }

    async fn add_amendment(&self, a: &Amendment) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        insert_amendment(w.conn(), a).await?;
        w.commit().await
    }
}

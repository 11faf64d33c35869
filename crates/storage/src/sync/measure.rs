//! Measurements of the sync outbox for `motcua bench` (not part of the store contract).

use motcua_domain::ports::StoreError;

use crate::{Db, store_err};

impl Db {
    /// The highest outbox row id so far (0 when empty).
    pub async fn outbox_high_water(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM sync_outbox")
            .fetch_one(&self.pool)
            .await
            .map_err(store_err)
    }

    /// Acknowledged − written, in milliseconds, of every delivered row after `after_id`.
    pub async fn delivery_lags_ms(&self, after_id: i64) -> Result<Vec<i64>, StoreError> {
        sqlx::query_scalar("SELECT delivered_at - created_at FROM sync_outbox WHERE id > $1 AND status = 'delivered'")
            .bind(after_id)
            .fetch_all(&self.pool)
            .await
            .map_err(store_err)
    }
}

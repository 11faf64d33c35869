//! Zalo ZNS OAuth tokens (`zns_tokens`), shared by the app servers of one database.
//!
//! The refresh token is single-use, so only one server may spend it: a server that finds the
//! access token expired claims the refresh with a compare-and-swap on the generation it read
//! ([`Db::zns_claim_refresh`]); the winner calls Zalo and stores the new pair, bumping the
//! generation ([`Db::zns_store_refresh`]); the others re-read ([`Db::zns_tokens`]) until the
//! generation moves. A claim lapses after its lease, so a server dying mid-refresh blocks no one.

use chrono::{DateTime, Utc};
use motcua_domain::ports::StoreError;
use sqlx::Row;

use crate::rows::{int, ms};
use crate::{Db, store_err};

/// The tokens in force and their generation (bumped by each refresh).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZnsTokens {
    pub access: String,
    pub refresh: String,
    pub generation: i64,
}

impl Db {
    /// The tokens of `app_id`; the first call stores `seed` (the configured pair), later calls
    /// keep what is stored (a refreshed pair survives a restart).
    pub async fn zns_tokens(
        &self,
        app_id: &str,
        seed: (&str, &str),
        at: DateTime<Utc>,
    ) -> Result<ZnsTokens, StoreError> {
        if let Some(t) = self.zns_read(app_id).await? {
            return Ok(t);
        }
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO zns_tokens (app_id, access_token, refresh_token, generation, refreshing_until, updated_at)
             VALUES ($1, $2, $3, 0, NULL, $4) ON CONFLICT (app_id) DO NOTHING",
        )
        .bind(app_id.to_string())
        .bind(seed.0.to_string())
        .bind(seed.1.to_string())
        .bind(ms(at))
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await?;
        self.zns_read(app_id).await?.ok_or(StoreError::NotFound)
    }

    async fn zns_read(&self, app_id: &str) -> Result<Option<ZnsTokens>, StoreError> {
        let row = sqlx::query("SELECT access_token, refresh_token, generation FROM zns_tokens WHERE app_id = $1")
            .bind(app_id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_err)?;
        row.map(|r| {
            Ok(ZnsTokens {
                access: r.try_get("access_token").map_err(store_err)?,
                refresh: r.try_get("refresh_token").map_err(store_err)?,
                generation: int(&r, "generation")?,
            })
        })
        .transpose()
    }

    /// Claims the refresh of generation `generation` until `until`: true for exactly one caller
    /// while the generation is current and no unexpired claim is held.
    pub async fn zns_claim_refresh(
        &self,
        app_id: &str,
        generation: i64,
        at: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE zns_tokens SET refreshing_until = $1
             WHERE app_id = $2 AND generation = $3 AND (refreshing_until IS NULL OR refreshing_until <= $4)",
        )
        .bind(ms(until))
        .bind(app_id.to_string())
        .bind(generation)
        .bind(ms(at))
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores the pair a claimed refresh of `generation` obtained (generation + 1); false when
    /// the generation moved meanwhile (the claim had lapsed and another server refreshed).
    pub async fn zns_store_refresh(
        &self,
        app_id: &str,
        generation: i64,
        access: &str,
        refresh: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE zns_tokens SET access_token = $1, refresh_token = $2, generation = generation + 1,
               refreshing_until = NULL, updated_at = $3
             WHERE app_id = $4 AND generation = $5",
        )
        .bind(access.to_string())
        .bind(refresh.to_string())
        .bind(ms(at))
        .bind(app_id.to_string())
        .bind(generation)
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives up a claim of `generation` (the refresh failed): another server may try at once.
    pub async fn zns_release_refresh(&self, app_id: &str, generation: i64) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        sqlx::query("UPDATE zns_tokens SET refreshing_until = NULL WHERE app_id = $1 AND generation = $2")
            .bind(app_id.to_string())
            .bind(generation)
            .execute(w.conn())
            .await
            .map_err(store_err)?;
        w.commit().await
    }
}

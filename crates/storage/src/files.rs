//! Attached files in the `blobs` table (`BLOB` on SQLite, `BYTEA` on PostgreSQL), addressed by
//! the hex SHA-256 of their content: storing the same bytes again keeps the first copy.

use chrono::{DateTime, Utc};
use motcua_domain::ports::{BlobMeta, BlobStore, StoreError};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Db, store_err};

/// Whether `s` looks like a hex SHA-256 (so nothing else ever reaches the query).
fn address_like(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn meta(r: &AnyRow) -> Result<BlobMeta, StoreError> {
    Ok(BlobMeta {
        sha256: r.try_get("sha256").map_err(store_err)?,
        media_type: r.try_get("media_type").map_err(store_err)?,
        size: u64::try_from(r.try_get::<i64, _>("size").map_err(store_err)?).unwrap_or(0),
    })
}

impl BlobStore for Db {
    async fn put_blob(&self, media_type: &str, bytes: &[u8], at: DateTime<Utc>) -> Result<BlobMeta, StoreError> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let size = i64::try_from(bytes.len()).map_err(|_| StoreError::Backend("file too large".into()))?;
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO blobs (sha256, media_type, size, content, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256.clone())
        .bind(media_type.to_string())
        .bind(size)
        .bind(bytes.to_vec())
        .bind(at.timestamp_millis())
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await?;
        // The first copy wins: report what is stored (its type may have been recorded earlier).
        self.blob_meta(&sha256).await?.ok_or(StoreError::NotFound)
    }

    async fn blob_meta(&self, sha256: &str) -> Result<Option<BlobMeta>, StoreError> {
        if !address_like(sha256) {
            return Ok(None);
        }
        let row = sqlx::query("SELECT sha256, media_type, size FROM blobs WHERE sha256 = $1")
            .bind(sha256.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_err)?;
        row.as_ref().map(meta).transpose()
    }

    async fn blob(&self, sha256: &str) -> Result<Option<(BlobMeta, Vec<u8>)>, StoreError> {
        if !address_like(sha256) {
            return Ok(None);
        }
        let row = sqlx::query("SELECT sha256, media_type, size, content FROM blobs WHERE sha256 = $1")
            .bind(sha256.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_err)?;
        match row {
            None => Ok(None),
            Some(r) => {
                let content: Vec<u8> = r.try_get("content").map_err(store_err)?;
                Ok(Some((meta(&r)?, content)))
            }
        }
    }
}

//! Attached files on SQLite and PostgreSQL: stored by the SHA-256 of their content, read back
//! byte for byte, stored once, and unknown or malformed addresses find nothing.
//!
//! PostgreSQL is taken from `MOTCUA_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`).

mod common;

use chrono::{TimeZone, Utc};
use common::on_both;
use motcua_domain::ports::BlobStore;
use sqlx::Row;

const SHA_OF_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

#[tokio::test]
async fn files_are_stored_by_content_and_read_back_exactly() {
    on_both(|db| async move {
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap();
        let stored = db.put_blob("application/pdf", b"abc", at).await.unwrap();
        assert_eq!(stored.sha256, SHA_OF_ABC);
        assert_eq!((stored.media_type.as_str(), stored.size), ("application/pdf", 3));

        // Every byte value survives the round trip (BLOB / BYTEA, not text).
        let all: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
        let big = db.put_blob("image/png", &all, at).await.unwrap();
        let (meta, bytes) = db.blob(&big.sha256).await.unwrap().unwrap();
        assert_eq!(bytes, all);
        assert_eq!(meta, big);
        assert_eq!(db.blob_meta(&big.sha256).await.unwrap(), Some(big.clone()));

        // The same content again: one row, the first record kept.
        let again = db.put_blob("image/jpeg", b"abc", at).await.unwrap();
        assert_eq!(again.media_type, "application/pdf");
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM blobs").fetch_one(db.pool()).await.unwrap().get("n");
        assert_eq!(n, 2);

        // Unknown, upper-case and malformed addresses find nothing (and never reach SQL as-is).
        assert_eq!(db.blob(&"0".repeat(64)).await.unwrap(), None);
        assert_eq!(db.blob(&SHA_OF_ABC.to_uppercase()).await.unwrap(), None);
        assert_eq!(db.blob_meta("' OR 1=1 --").await.unwrap(), None);
        assert_eq!(db.blob("").await.unwrap(), None);
    })
    .await;
}

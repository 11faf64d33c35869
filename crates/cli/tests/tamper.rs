//! Tamper evidence on SQLite and PostgreSQL: events edited, deleted and back-dated directly in
//! the database; each time `motcua verify` exits 1 naming the dossier and its first broken link,
//! and passes again once the row is put back.

mod common;

use std::path::Path;
use std::process::Command;

use common::TempDir;
use motcua_storage::{Db, scratch};

fn admin_url() -> String {
    std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn motcua(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .current_dir(dir)
        .env_remove("MOTCUA_DATABASE_URL")
        .env("MOTCUA_LOG", "warn")
        .args(args)
        .output()
        .expect("running motcua");
    (out.status.code(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// `motcua verify`: the BROKEN lines when it fails, empty when the log is intact.
fn broken(dir: &Path, url: &str) -> Vec<String> {
    let (code, text) = motcua(dir, &["verify", "--database", url]);
    let lines: Vec<String> = text.lines().filter(|l| l.starts_with("BROKEN ")).map(str::to_string).collect();
    assert_eq!(code, Some(if lines.is_empty() { 0 } else { 1 }), "{text}");
    lines
}

/// Puts saved events back (the id is the database's; verify orders by dossier and sequence).
const RESTORE: &str = "INSERT INTO dossier_events (dossier_id, seq, at, actor, command, before_status, after_status, \
    data, prev_hash, hash) SELECT dossier_id, seq, at, actor, command, before_status, after_status, data, prev_hash, \
    hash FROM saved_events";

async fn exec(db: &Db, sql: &str) -> u64 {
    sqlx::query(sql).execute(db.pool()).await.unwrap().rows_affected()
}

async fn tamper(dir: &Path, url: &str) {
    let (code, text) = motcua(
        dir,
        &[
            "simulate",
            "--database",
            url,
            "--province",
            "86",
            "--communes",
            "28777",
            "--from",
            "2025-11-03",
            "--to",
            "2025-11-07",
            "--early",
            "12",
            "--on-time",
            "2",
            "--late",
            "1",
            "--now",
            "2025-12-31T00:00:00Z",
            "--seed",
            "7",
        ],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(broken(dir, url).is_empty());
    let db = Db::connect(url).await.unwrap();
    let (id, code): (i64, String) =
        sqlx::query_as("SELECT id, code FROM dossiers WHERE version >= 4 ORDER BY id LIMIT 1")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let event = |seq: i64| format!("dossier_id = {id} AND seq = {seq}");

    // Edited: the second event's content.
    let data: String = sqlx::query_scalar(&format!("SELECT data FROM dossier_events WHERE {}", event(2)))
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(exec(&db, &format!("UPDATE dossier_events SET data = data || ' ' WHERE {}", event(2))).await, 1);
    assert_eq!(
        broken(dir, url),
        [format!("BROKEN {code}: event 2: content does not match its hash (the event was edited)")]
    );
    let put_back = format!("UPDATE dossier_events SET data = '{}' WHERE {}", data.replace('\'', "''"), event(2));
    assert_eq!(exec(&db, &put_back).await, 1);
    assert!(broken(dir, url).is_empty());

    // Back-dated: the third event moved a month earlier.
    let month = 30 * 24 * 3600 * 1000i64;
    assert_eq!(exec(&db, &format!("UPDATE dossier_events SET at = at - {month} WHERE {}", event(3))).await, 1);
    let lines = broken(dir, url);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with(&format!("BROKEN {code}: event 3: ")), "{lines:?}");
    assert_eq!(exec(&db, &format!("UPDATE dossier_events SET at = at + {month} WHERE {}", event(3))).await, 1);
    assert!(broken(dir, url).is_empty());

    // Deleted: the second event (a gap), then the last one (the recorded head no longer matches).
    let saved = "CREATE TABLE saved_events AS SELECT * FROM dossier_events WHERE dossier_id = ";
    exec(&db, &format!("{saved}{id}")).await;
    assert_eq!(exec(&db, &format!("DELETE FROM dossier_events WHERE {}", event(2))).await, 1);
    assert_eq!(
        broken(dir, url),
        [format!("BROKEN {code}: event 3: expected sequence number 2 (an event is missing or duplicated)")]
    );
    let (version,): (i64,) =
        sqlx::query_as(&format!("SELECT version FROM dossiers WHERE id = {id}")).fetch_one(db.pool()).await.unwrap();
    exec(&db, &format!("{RESTORE} WHERE {}", event(2))).await;
    assert!(broken(dir, url).is_empty());
    assert_eq!(exec(&db, &format!("DELETE FROM dossier_events WHERE {}", event(version))).await, 1);
    assert_eq!(
        broken(dir, url),
        [format!(
            "BROKEN {code}: event {version}: missing (the dossier records {version} events, the log has {})",
            version - 1
        )]
    );
    exec(&db, &format!("{RESTORE} WHERE {}", event(version))).await;
    assert!(broken(dir, url).is_empty());
    db.close().await;
}

#[tokio::test]
async fn verify_names_the_first_broken_link_of_edited_deleted_and_back_dated_events_on_sqlite() {
    let dir = TempDir::new("tamper");
    tamper(dir.path(), &format!("sqlite://{}", dir.path().join("t.db").display())).await;
}

#[tokio::test]
async fn verify_names_the_first_broken_link_of_edited_deleted_and_back_dated_events_on_postgres() {
    let dir = TempDir::new("tamper-pg");
    let url = scratch::fresh_postgres(&admin_url(), "motcua_tamper").await.expect("PostgreSQL reachable");
    tamper(dir.path(), &url).await;
    scratch::drop_postgres(&admin_url(), &url).await;
}

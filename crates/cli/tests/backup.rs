//! `motcua backup` and `motcua restore` as a round trip on SQLite and PostgreSQL: the restored
//! database verifies, with the same dossier and event counts and the same chain heads; restore
//! replaces later changes (with `--force`), refuses a non-empty database without it, and refuses
//! a backup of the other backend.

mod common;

use std::path::Path;
use std::process::Command;

use common::TempDir;
use motcua_storage::{Db, scratch};

fn admin_url() -> String {
    std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Runs `motcua ARGS`; returns (success, stdout + stderr).
fn motcua(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .current_dir(dir)
        .env_remove("MOTCUA_DATABASE_URL")
        .env("MOTCUA_LOG", "warn")
        .args(args)
        .output()
        .expect("running motcua");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (success, text) = motcua(dir, args);
    assert!(success, "motcua {}:\n{text}", args.join(" "));
    text
}

/// A short history of two communes through the real lifecycle commands.
fn fill(dir: &Path, url: &str) {
    ok(
        dir,
        &[
            "simulate",
            "--database",
            url,
            "--province",
            "86",
            "--communes",
            "28777,28756",
            "--from",
            "2025-11-03",
            "--to",
            "2025-11-14",
            "--early",
            "40",
            "--on-time",
            "6",
            "--late",
            "3",
            "--now",
            "2025-12-31T00:00:00Z",
            "--seed",
            "8",
        ],
    );
}

/// Every dossier's code, event count and head hash.
async fn heads(url: &str) -> Vec<(String, i64, String)> {
    let db = Db::connect(url).await.unwrap();
    let rows = sqlx::query_as("SELECT code, version, last_hash FROM dossiers ORDER BY code")
        .fetch_all(db.pool())
        .await
        .unwrap();
    db.close().await;
    rows
}

async fn execute(url: &str, sql: &str) {
    let db = Db::connect(url).await.unwrap();
    sqlx::query(sql).execute(db.pool()).await.unwrap();
    db.close().await;
}

/// The "checked N dossiers, M events" line of `motcua verify`.
fn checked(verify: &str) -> String {
    verify.lines().find(|l| l.contains("checked")).unwrap_or_default().to_string()
}

async fn round_trip(dir: &Path, source: &str, target: &str, other_kind_backup: Option<&Path>) -> std::path::PathBuf {
    fill(dir, source);
    let verified = ok(dir, &["verify", "--database", source]);
    let counts = checked(&verified);
    assert!(counts.contains("events"), "{verified}");
    let before = heads(source).await;
    assert!(before.len() >= 40, "{} dossiers", before.len());

    let file = dir.join("motcua.backup");
    let said = ok(dir, &["backup", "--database", source, file.to_str().unwrap()]);
    assert!(said.contains("backed up"), "{said}");
    let (again, text) = motcua(dir, &["backup", "--database", source, file.to_str().unwrap()]);
    assert!(!again && text.contains("already exists"), "a backup never overwrites:\n{text}");

    // Changes after the backup: a dossier's head is rewritten, another's first event is gone.
    let (victim, other) = (&before[0].0, &before[1].0);
    execute(source, &format!("UPDATE dossiers SET last_hash = 'khac' WHERE code = '{victim}'")).await;
    execute(
        source,
        &format!(
            "DELETE FROM dossier_events WHERE seq = 1 AND dossier_id = (SELECT id FROM dossiers WHERE code = '{other}')"
        ),
    )
    .await;
    assert_ne!(heads(source).await, before);
    assert!(!motcua(dir, &["verify", "--database", source]).0);

    // Into the same database: only with --force.
    let (refused, text) = motcua(dir, &["restore", "--database", source, file.to_str().unwrap()]);
    assert!(!refused && text.contains("--force"), "{text}");
    let restored = ok(dir, &["restore", "--database", source, file.to_str().unwrap(), "--force"]);
    assert!(restored.contains("every hash chain is intact"), "{restored}");
    assert_eq!(heads(source).await, before, "the same dossiers, event counts and heads");
    assert_eq!(checked(&ok(dir, &["verify", "--database", source])), counts);

    // Into an empty database.
    ok(dir, &["restore", "--database", target, file.to_str().unwrap()]);
    assert_eq!(heads(target).await, before);
    let verified = ok(dir, &["verify", "--database", target]);
    assert!(verified.contains("every hash chain is intact"), "{verified}");
    assert_eq!(checked(&verified), counts);

    if let Some(other) = other_kind_backup {
        let (wrong, text) = motcua(dir, &["restore", "--database", target, other.to_str().unwrap(), "--force"]);
        assert!(!wrong && text.contains("cannot be restored"), "{text}");
        assert_eq!(heads(target).await, before, "a refused restore changes nothing");
    }
    file
}

#[tokio::test]
async fn backup_and_restore_round_trip_on_sqlite_and_postgres() {
    let dir = TempDir::new("backup");
    let sqlite = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
    let sqlite_backup = round_trip(dir.path(), &sqlite("source.db"), &sqlite("target.db"), None).await;

    let pg_dir = TempDir::new("backup-pg");
    let source = scratch::fresh_postgres(&admin_url(), "motcua_backup").await.expect("PostgreSQL reachable");
    let target = scratch::fresh_postgres(&admin_url(), "motcua_restore").await.unwrap();
    round_trip(pg_dir.path(), &source, &target, Some(&sqlite_backup)).await;
    scratch::drop_postgres(&admin_url(), &source).await;
    scratch::drop_postgres(&admin_url(), &target).await;
}

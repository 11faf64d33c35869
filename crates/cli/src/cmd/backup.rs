//! `motcua backup FILE` and `motcua restore FILE`: the whole database, events and hash chains
//! included, in one file.
//!
//! SQLite: an online, consistent copy with `VACUUM INTO` (the server may keep serving; the copy is
//! a plain SQLite database). PostgreSQL: `pg_dump --format=custom` (a consistent snapshot), restored
//! with `pg_restore --clean --single-transaction`. Restore refuses a file of the other backend and,
//! without `--force`, a database that already holds dossiers; after restoring it runs the same
//! check as `motcua verify` and fails if a chain is broken.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use motcua_domain::ports::DossierStore;
use motcua_storage::{Backend, Db, redact};

use crate::setup;

/// The first bytes of each kind of backup file.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_MAGIC: &[u8] = b"PGDMP";

/// The SQLite file of a `sqlite://FILE[?…]` URL.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

/// The tools need a libpq URL: sqlx accepts a few options libpq does not, none used here.
fn pg_tool(name: &str) -> anyhow::Result<Command> {
    let probe = Command::new(name).arg("--version").output();
    match probe {
        Ok(o) if o.status.success() => Ok(Command::new(name)),
        _ => bail!("{name} is not installed: install postgresql-client (scripts/setup does)"),
    }
}

fn run(mut cmd: Command, what: &str) -> anyhow::Result<()> {
    let out = cmd.output().with_context(|| format!("running {what}"))?;
    if !out.status.success() {
        bail!("{what} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

pub async fn backup(database: &str, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!("{} already exists: choose a new file (a backup never overwrites)", file.display());
    }
    let db = setup::open(database).await?;
    match db.backend() {
        Backend::Sqlite => {
            let target = file.to_str().context("the backup path must be UTF-8")?;
            sqlx::query("VACUUM INTO $1").bind(target).execute(db.pool()).await.context("VACUUM INTO")?;
        }
        Backend::Postgres => {
            let mut cmd = pg_tool("pg_dump")?;
            cmd.args(["--format=custom", "--no-owner", "--no-privileges", "--file"]).arg(file).arg(database);
            run(cmd, "pg_dump")?;
        }
    }
    db.close().await;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "Đã sao lưu {} vào {} ({size} byte) / backed up {} to {} ({size} bytes).",
        redact(database),
        file.display(),
        redact(database),
        file.display()
    );
    Ok(())
}

/// The backend a backup file was made from, by its first bytes.
fn kind_of(file: &Path) -> anyhow::Result<Backend> {
    let mut head = [0u8; 16];
    let n = std::io::Read::read(
        &mut std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?,
        &mut head,
    )?;
    if head[..n].starts_with(SQLITE_MAGIC) {
        Ok(Backend::Sqlite)
    } else if head[..n].starts_with(PG_MAGIC) {
        Ok(Backend::Postgres)
    } else {
        bail!("{} is not a Motcua backup (neither a SQLite database nor a pg_dump custom archive)", file.display())
    }
}

async fn holds_dossiers(db: &Db) -> bool {
    let n: Result<i64, _> = sqlx::query_scalar("SELECT COUNT(*) FROM dossiers").fetch_one(db.pool()).await;
    n.is_ok_and(|n| n > 0)
}

pub async fn restore(database: &str, file: &Path, force: bool) -> anyhow::Result<()> {
    let kind = kind_of(file)?;
    let db = setup::open(database).await?;
    if db.backend() != kind {
        bail!("{} is a {kind:?} backup; it cannot be restored into a {:?} database", file.display(), db.backend());
    }
    if holds_dossiers(&db).await && !force {
        bail!("{} already holds dossiers: stop the servers and pass --force to replace it", redact(database));
    }
    match kind {
        Backend::Sqlite => {
            db.close().await;
            let path = sqlite_path(database).context("a sqlite:// URL")?;
            // Copy beside the target, flush, then rename over it, so a crash leaves either database.
            let tmp = path.with_extension("restoring");
            std::fs::copy(file, &tmp).with_context(|| format!("copying to {}", tmp.display()))?;
            std::fs::File::open(&tmp)?.sync_all()?;
            for suffix in ["-wal", "-shm"] {
                let side = PathBuf::from(format!("{}{suffix}", path.display()));
                if side.exists() {
                    std::fs::remove_file(&side).with_context(|| format!("removing {}", side.display()))?;
                }
            }
            std::fs::rename(&tmp, &path).with_context(|| format!("replacing {}", path.display()))?;
        }
        Backend::Postgres => {
            db.close().await;
            let mut cmd = pg_tool("pg_restore")?;
            cmd.args(["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--dbname"])
                .arg(database)
                .arg(file);
            run(cmd, "pg_restore")?;
        }
    }
    let db = setup::open(database).await?;
    let report = db.verify_all().await?;
    db.close().await;
    println!(
        "Đã khôi phục {} hồ sơ, {} sự kiện / restored {} dossiers, {} events.",
        report.dossiers, report.events, report.dossiers, report.events
    );
    if !report.broken.is_empty() || !report.drifted.is_empty() {
        bail!("the restored log does not verify: run `motcua verify` for the first broken link");
    }
    println!("Chuỗi băm toàn vẹn / every hash chain is intact.");
    Ok(())
}

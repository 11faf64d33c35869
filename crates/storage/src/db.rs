//! The connection pool, migrations, and the few statements that differ per backend.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use std::sync::Arc;

use motcua_domain::ports::StoreError;
use sqlx::{AnyPool, Executor};

use crate::writer::{GroupWriter, Write};

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database: a pool of connections to SQLite (embedded default) or PostgreSQL.
#[derive(Clone)]
pub struct Db {
    pub(crate) pool: AnyPool,
    backend: Backend,
    /// The group-commit writer every write goes through.
    writer: Arc<GroupWriter>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("backend", &self.backend).finish_non_exhaustive()
    }
}

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Db {
    /// Connects to `sqlite://path` (created if missing) or `postgres://…`.
    ///
    /// SQLite runs in WAL mode with `synchronous=FULL`: a commit is fsynced before it is
    /// acknowledged, so a power cut loses nothing that was answered with success.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(sqlx::Error::Configuration(
                format!("unsupported database URL (use sqlite://FILE or postgres://…): {}", redact(url)).into(),
            ));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 9,
                Backend::Postgres => 17,
            })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode=WAL").await?;
                        conn.execute("PRAGMA synchronous=FULL").await?;
                        conn.execute("PRAGMA busy_timeout=10000").await?;
                        conn.execute("PRAGMA foreign_keys=ON").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let begin = match backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        let writer = GroupWriter::start(pool.acquire().await?, begin);
        Ok(Db { pool, backend, writer })
    }

    /// The underlying pool, for operator tools and tests that must reach the tables directly.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE.run(&self.pool).await,
            Backend::Postgres => POSTGRES.run(&self.pool).await,
        }
    }

    /// Starts a write: a savepoint in the shared group-commit transaction (see [`crate::writer`]);
    /// its `commit` returns only once the write is durable.
    pub(crate) async fn write(&self) -> Result<Write<'_>, StoreError> {
        self.writer.begin().await
    }

    /// The row-lock suffix for a read that precedes a write (SQLite already holds the lock).
    pub(crate) fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    /// The embedded migrations not yet applied to this database (readiness: empty).
    pub async fn pending_migrations(&self) -> Result<Vec<i64>, motcua_domain::ports::StoreError> {
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
            .fetch_all(&self.pool)
            .await
            .map_err(crate::store_err)?;
        let embedded = match self.backend {
            Backend::Sqlite => &SQLITE,
            Backend::Postgres => &POSTGRES,
        };
        Ok(embedded.iter().map(|m| m.version).filter(|v| !applied.contains(v)).collect())
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), motcua_domain::ports::StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ()).map_err(crate::store_err)
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        crate::writer::close(&self.writer).await;
        self.pool.close().await;
    }
}

/// The URL with any password masked, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_masked() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}

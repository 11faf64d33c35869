//! Throwaway databases for tests and benchmarks, and the raw insert rate a benchmark compares with.

use std::str::FromStr;
use std::time::Instant;

use sqlx::any::AnyConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor};

use motcua_domain::ports::StoreError;

use crate::writer::Write;
use crate::{Backend, Db, store_err};

/// Creates an empty PostgreSQL database next to `admin_url`'s and returns its URL.
pub async fn fresh_postgres(admin_url: &str, prefix: &str) -> Result<String, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnectOptions::from_str(admin_url)?.connect().await?;
    let name = format!(
        "{prefix}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
    );
    conn.execute(format!("CREATE DATABASE {name}").as_str()).await?;
    conn.close().await?;
    let (base, _) = admin_url.rsplit_once('/').unwrap_or((admin_url, ""));
    Ok(format!("{base}/{name}"))
}

/// Drops a database made by [`fresh_postgres`] (best effort).
pub async fn drop_postgres(admin_url: &str, url: &str) {
    let Some((_, name)) = url.rsplit_once('/') else { return };
    if let Ok(opts) = AnyConnectOptions::from_str(admin_url)
        && let Ok(mut conn) = opts.connect().await
    {
        let _ = conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
        let _ = conn.close().await;
    }
}

/// Starting a write, as a boxed future (so the two benchmarks share one loop).
type BeginWrite<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Write<'a>, StoreError>> + Send + 'a>>;

impl Db {
    /// Inserts `n` rows of a dossier's size, one write each, from `concurrency` tasks, through the
    /// same durable write path as dossiers ([`Db::write`]: group commit on SQLite); returns rows/s.
    pub async fn raw_insert_rate(&self, n: usize, concurrency: usize) -> Result<f64, StoreError> {
        self.bench_table().await?;
        self.timed_inserts(n, concurrency, |db| Box::pin(async move { db.write().await })).await
    }

    /// The same inserts, each in its own fsynced transaction on a pool connection (SQLite:
    /// `BEGIN IMMEDIATE`): the rate without group commit.
    pub async fn raw_single_transaction_rate(&self, n: usize, concurrency: usize) -> Result<f64, StoreError> {
        self.bench_table().await?;
        self.timed_inserts(n, concurrency, |db| {
            Box::pin(async move {
                let tx = match db.backend() {
                    Backend::Sqlite => db.pool.begin_with("BEGIN IMMEDIATE").await,
                    Backend::Postgres => db.pool.begin().await,
                };
                tx.map(Write::Single).map_err(store_err)
            })
        })
        .await
    }

    async fn bench_table(&self) -> Result<(), StoreError> {
        let ddl = match self.backend() {
            Backend::Sqlite => {
                "CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c INTEGER)"
            }
            Backend::Postgres => {
                "CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a TEXT, b TEXT, c BIGINT)"
            }
        };
        sqlx::query(ddl).execute(&self.pool).await.map_err(store_err)?;
        Ok(())
    }

    async fn timed_inserts<F>(&self, n: usize, concurrency: usize, begin: F) -> Result<f64, StoreError>
    where
        F: for<'a> Fn(&'a Db) -> BeginWrite<'a> + Send + Sync + Copy + 'static,
    {
        let payload = "x".repeat(1500);
        let start = Instant::now();
        let per_task = n / concurrency.max(1);
        let mut tasks = tokio::task::JoinSet::new();
        for t in 0..concurrency {
            let db = self.clone();
            let payload = payload.clone();
            tasks.spawn(async move {
                for i in 0..per_task {
                    let mut w = begin(&db).await?;
                    sqlx::query("INSERT INTO bench_raw (a, b, c) VALUES ($1, $2, $3)")
                        .bind(format!("{t}-{i}"))
                        .bind(payload.clone())
                        .bind(i as i64)
                        .execute(w.conn())
                        .await
                        .map_err(store_err)?;
                    w.commit().await?;
                }
                Ok::<_, StoreError>(())
            });
        }
        while let Some(r) = tasks.join_next().await {
            r.map_err(|e| StoreError::Backend(e.to_string()))??;
        }
        Ok((per_task * concurrency) as f64 / start.elapsed().as_secs_f64())
    }
}

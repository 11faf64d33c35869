//! Opening the database and loading the shipped reference data.

use anyhow::Context;
use motcua_domain::catalog::seed_procedures;
use motcua_domain::ports::CatalogStore;
use motcua_domain::unit::parse_units_csv;
use motcua_storage::{Db, redact};

/// The 34 provinces and 3,321 communes of 2025 (Decision 19/2025/QĐ-TTg).
pub const UNITS_CSV: &[u8] = include_bytes!("../../../data/admin_units_2025.csv");

/// Connects and migrates.
pub async fn open(url: &str) -> anyhow::Result<Db> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    let db = Db::connect(url).await.with_context(|| format!("connecting to {}", redact(url)))?;
    db.migrate().await.context("applying migrations")?;
    Ok(db)
}

/// Loads units and the seed catalog (idempotent: both are upserts).
pub async fn load_reference_data(db: &Db) -> anyhow::Result<(usize, usize)> {
    let units = parse_units_csv(UNITS_CSV).context("reading the shipped units file")?;
    let n_units = db.upsert_units(&units).await?;
    let n_procedures = db.upsert_procedures(&seed_procedures()).await?;
    Ok((n_units, n_procedures))
}

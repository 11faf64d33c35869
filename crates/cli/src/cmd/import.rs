//! `motcua import`: units from the national list, or a province's catalog (all or nothing).

use std::path::PathBuf;

use anyhow::Context;
use motcua_domain::catalog::{ImportFormat, parse_catalog};
use motcua_domain::ports::CatalogStore;
use motcua_domain::unit::parse_units_csv;

use crate::setup;

#[derive(clap::Subcommand)]
pub enum What {
    /// Provinces and communes (`province_code,province_name,commune_code,commune_name,commune_type`).
    Units { file: PathBuf },
    /// Procedures from CSV or JSON (see data/procedures.example.csv); nothing is imported if any row is bad.
    Catalog {
        file: PathBuf,
        /// csv or json (default: from the file name).
        #[arg(long)]
        format: Option<String>,
    },
}

pub async fn run(database: &str, what: What) -> anyhow::Result<()> {
    match what {
        What::Units { file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let units = parse_units_csv(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let db = setup::open(database).await?;
            let n = db.upsert_units(&units).await?;
            println!("Đã nhập {n} đơn vị / imported {n} units.");
        }
        What::Catalog { file, format } => {
            let format = match format.as_deref() {
                Some("csv") => ImportFormat::Csv,
                Some("json") => ImportFormat::Json,
                Some(other) => anyhow::bail!("unknown format {other:?}: use csv or json"),
                None => ImportFormat::from_path_extension(&file)
                    .context("cannot tell the format from the file name; pass --format csv|json")?,
            };
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let procedures = match parse_catalog(&bytes, format) {
                Ok(p) => p,
                Err(report) => {
                    eprintln!("{report}");
                    anyhow::bail!("{}: nothing was imported", file.display());
                }
            };
            let db = setup::open(database).await?;
            let n = db.upsert_procedures(&procedures).await?;
            println!("Đã nhập {n} thủ tục / imported {n} procedures.");
        }
    }
    Ok(())
}

//! `motcua calendar`: lunar dates, a year's holidays and make-up days, and due dates.
//!
//! Without `--database` these use the shipped holiday data and seed catalog; with it, the
//! database's amendments, procedures and units' working hours.

use anyhow::Context;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use motcua_domain::calendar::{CalendarData, WorkCalendar, WorkingHours, to_lunar};
use motcua_domain::catalog::{ProcedureCode, seed_procedures};
use motcua_domain::ports::{CalendarStore, CatalogStore};
use motcua_domain::unit::UnitCode;
use serde_json::json;

use crate::setup;

#[derive(clap::Subcommand)]
pub enum What {
    /// The Vietnamese lunar date of a solar date (YYYY-MM-DD), as D/M/YYYY.
    Lunar {
        date: NaiveDate,
        #[arg(long)]
        json: bool,
    },
    /// Every weekday off and every weekend day worked in a year, with the reason.
    Holidays {
        year: i32,
        /// A unit whose working hours and amendments apply (needs --database).
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        json: bool,
        #[arg(long, env = "MOTCUA_DATABASE_URL")]
        database: Option<String>,
    },
    /// The due instant of a procedure received at an instant.
    Due {
        #[arg(long)]
        procedure: String,
        /// Receipt instant, e.g. "2026-02-13T16:00+07:00".
        #[arg(long)]
        received: String,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        json: bool,
        #[arg(long, env = "MOTCUA_DATABASE_URL")]
        database: Option<String>,
    },
}

fn vn() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7")
}

/// Accepts RFC 3339 with or without seconds ("2026-02-13T16:00+07:00").
fn parse_instant(s: &str) -> anyhow::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z"))
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("{s:?} is not an instant like 2026-02-13T16:00+07:00"))
}

/// The calendar (and, with a database, the place to find procedures and units).
async fn calendar(
    database: Option<&str>,
    unit: Option<&str>,
) -> anyhow::Result<(WorkCalendar, Option<motcua_storage::Db>)> {
    let mut data = CalendarData::vietnam();
    let mut hours = WorkingHours::default();
    let db = match database {
        Some(url) => Some(setup::open(url).await?),
        None => None,
    };
    if let Some(db) = &db {
        data = data.with_amendments(db.amendments().await?);
        if let Some(u) = unit {
            let code = UnitCode::parse(u)?;
            hours = db.unit(&code).await?.with_context(|| format!("no unit {code}"))?.working_hours;
        }
    } else if unit.is_some() {
        anyhow::bail!("--unit needs --database (or MOTCUA_DATABASE_URL) to read the unit's working hours");
    }
    let version = data.latest_version();
    Ok((WorkCalendar::new(&data, version, hours), db))
}

pub async fn run(what: What) -> anyhow::Result<()> {
    match what {
        What::Lunar { date, json } => {
            let l = to_lunar(date);
            if json {
                println!("{}", json!({"day": l.day, "month": l.month, "year": l.year, "leap": l.leap}));
            } else {
                println!("{l}");
            }
        }
        What::Holidays { year, unit, json, database } => {
            anyhow::ensure!((1901..=2199).contains(&year), "the year must be within 1901–2199");
            let (cal, _) = calendar(database.as_deref(), unit.as_deref()).await?;
            let days = cal.exceptions(year);
            if json {
                let list: Vec<_> = days
                    .iter()
                    .map(|d| json!({"date": d.date.to_string(), "working": d.working, "reason": d.reason}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for d in days {
                    let what = if d.working { "làm việc / working" } else { "nghỉ / day off" };
                    println!("{}  {:<20} {}", d.date.format("%a %d/%m/%Y"), what, d.reason.unwrap_or_default());
                }
            }
        }
        What::Due { procedure, received, unit, json, database } => {
            let code = ProcedureCode::parse(&procedure)?;
            let received = parse_instant(&received)?;
            let (cal, db) = calendar(database.as_deref(), unit.as_deref()).await?;
            let p = match &db {
                Some(db) => db.procedure(&code).await?,
                None => seed_procedures().into_iter().find(|p| p.code == code),
            }
            .with_context(|| format!("no procedure {code} in the catalog"))?;
            let due = cal.due(received, &p.statutory_time).with_timezone(&vn());
            let text = due.format("%Y-%m-%dT%H:%M%:z").to_string();
            if json {
                println!("{}", json!({"due": text}));
            } else {
                println!("{text}  ({} — {})", p.code, p.name);
            }
        }
    }
    Ok(())
}

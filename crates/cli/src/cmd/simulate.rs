//! `motcua simulate`: a realistic, reproducible dossier history for communes of a province,
//! played through the real lifecycle commands, then the period's 766 figures of each commune.

use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use motcua_domain::calendar::{CalendarData, WorkCalendar};
use motcua_domain::catalog::seed_procedures;
use motcua_domain::clock::Clock;
use motcua_domain::index::{self, IndexConfigs, IndicatorCode, Period};
use motcua_domain::ports::{CatalogStore, IndexScope, IndexStore, StaffStore};
use motcua_domain::staff::{Actor, Role};
use motcua_domain::unit::UnitCode;

use crate::setup;
use crate::simulate::{self, Crew, Mix, Plan, Quota, UnitPlan};

#[derive(clap::Args)]
pub struct Args {
    /// Database URL.
    #[arg(long, env = "MOTCUA_DATABASE_URL", default_value = "sqlite://motcua-data/motcua.db")]
    database: String,
    /// Province code (2 digits).
    #[arg(long, default_value = "86")]
    province: String,
    /// Commune codes, comma-separated (default: every commune of the province).
    #[arg(long, value_delimiter = ',')]
    communes: Vec<String>,
    /// A month, quarter or year (`2025-11`, `2025-Q4`, `2025`); or use --from/--to.
    #[arg(long)]
    period: Option<String>,
    /// First day dossiers arrive (`2025-07-01`).
    #[arg(long)]
    from: Option<String>,
    /// Last day dossiers arrive, included.
    #[arg(long)]
    to: Option<String>,
    /// Mean dossiers per commune per month (random mode).
    #[arg(long, default_value_t = 200.0)]
    per_month: f64,
    /// Exact mode: this many dossiers per commune settled early (before the due day)…
    #[arg(long)]
    early: Option<usize>,
    /// …this many settled on the due day…
    #[arg(long, default_value_t = 0)]
    on_time: usize,
    /// …and this many settled late.
    #[arg(long, default_value_t = 0)]
    late: usize,
    /// Share submitted online.
    #[arg(long, default_value_t = 0.8)]
    online: f64,
    /// Share paused once for a supplement.
    #[arg(long, default_value_t = 0.08)]
    paused: f64,
    /// Share settled late (random mode).
    #[arg(long, default_value_t = 0.04)]
    late_share: f64,
    /// Share settled on the due day (random mode).
    #[arg(long, default_value_t = 0.11)]
    on_time_share: f64,
    /// Share of fee-bearing dossiers paid online.
    #[arg(long, default_value_t = 0.9)]
    paid_online: f64,
    /// Random seed (the same seed and arguments give the same history).
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// The history stops at this instant (RFC 3339); default: now.
    #[arg(long)]
    now: Option<DateTime<Utc>>,
}

fn share(name: &str, x: f64) -> anyhow::Result<f64> {
    if (0.0..=1.0).contains(&x) { Ok(x) } else { bail!("--{name} must be between 0 and 1, not {x}") }
}

pub async fn run(a: Args) -> anyhow::Result<()> {
    let period = match (&a.period, &a.from, &a.to) {
        (Some(p), None, None) => Period::parse(p)?,
        (None, Some(f), Some(t)) => Period::custom(Period::parse_day(f)?, Period::parse_day(t)?)?,
        _ => bail!("give --period, or --from and --to"),
    };
    let now = a.now.unwrap_or_else(|| crate::clock::SystemClock.now());
    let mix = Mix {
        online: share("online", a.online)?,
        paused: share("paused", a.paused)?,
        late: share("late-share", a.late_share)?,
        on_time: share("on-time-share", a.on_time_share)?,
        paid_online: share("paid-online", a.paid_online)?,
        ..Mix::default()
    };
    let db = setup::open(&a.database).await?;
    setup::load_reference_data(&db).await?;
    let province = UnitCode::parse(&a.province)?;
    let communes = if a.communes.is_empty() {
        db.units(Some(&province)).await?
    } else {
        let mut v = Vec::new();
        for c in &a.communes {
            let code = UnitCode::parse(c)?;
            v.push(db.unit(&code).await?.with_context(|| format!("no unit {code}"))?);
        }
        v
    };
    let hash = motcua_web::auth::hash_password(&format!("simulate-{}", a.seed));
    let mut units = Vec::new();
    for unit in communes {
        let mut actors = Vec::new();
        for role in [Role::IntakeOfficer, Role::Specialist, Role::Leader] {
            let name = format!("{}.mophong.{}", unit.code, role.as_str());
            let staff = match db.staff_by_username(&name).await? {
                Some((s, _)) => s,
                None => db.create_staff(&name, "Cán bộ mô phỏng", role, &unit.code, &hash).await?,
            };
            actors.push(Actor::staff(&staff));
        }
        let crew = Crew { intake: actors[0].clone(), specialist: actors[1].clone(), leader: actors[2].clone() };
        units.push(UnitPlan { unit, crew, per_day: a.per_month * 12.0 / 250.0 });
    }
    let data = CalendarData::vietnam();
    let version = data.latest_version();
    let codes: Vec<UnitCode> = units.iter().map(|u| u.unit.code.clone()).collect();
    let plan = Plan {
        units,
        procedures: seed_procedures(),
        from: period.from,
        to: period.to,
        mix,
        quota: a.early.map(|early| Quota { early, on_time: a.on_time, late: a.late }),
        now,
        seed: a.seed,
        calendar: Arc::new(WorkCalendar::new(&data, version, Default::default())),
        calendar_version: version,
    };
    let started = std::time::Instant::now();
    let n = simulate::run(&db, &plan, |n| eprint!("\r  {n} hồ sơ / dossiers…")).await?;
    eprintln!();
    println!("Đã tạo {n} hồ sơ trong {:.1} s / created {n} dossiers.", started.elapsed().as_secs_f64());
    report(&db, &province, &codes, &period, now).await
}

/// Prints each commune's period figures and rank.
async fn report(
    db: &motcua_storage::Db,
    province: &UnitCode,
    communes: &[UnitCode],
    period: &Period,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let inputs = db.index_inputs(&IndexScope::Province(province.clone()), period.start(), period.end()).await?;
    let cfg = IndexConfigs::embedded();
    let cfg = cfg.for_date(period.from);
    let (_, each) = index::compute_province(cfg, province, communes, &inputs, period, now);
    let ranks = index::rank(&each.iter().map(|r| (r.unit.clone(), r.total)).collect::<Vec<_>>(), &[]);
    println!(
        "Kỳ / period {}: hạng, xã, tiếp nhận, trước hạn, đúng hạn, quá hạn, đang xử lý, TDGQ, tổng điểm",
        period.label()
    );
    for row in ranks {
        let r = each.iter().find(|r| r.unit == row.unit).expect("ranked from these");
        let p = &r.progress;
        let tdgq = r.indicator(IndicatorCode::OnTime).and_then(|i| i.points()).unwrap_or(0.0);
        println!(
            "  {:>3}  {}  {:>6} {:>6} {:>6} {:>6} {:>6}  {:>5.2}/20  {:>6.2}/{:.0}",
            row.rank,
            r.unit,
            p.received,
            p.settled_early,
            p.settled_on_time,
            p.settled_late,
            p.in_progress_within + p.in_progress_overdue,
            tdgq,
            r.total,
            r.scored_max
        );
    }
    Ok(())
}

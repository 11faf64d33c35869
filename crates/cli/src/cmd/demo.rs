//! `motcua demo`: a ready demo on the embedded database — Tỉnh Vĩnh Long, Phường An Hội and
//! four neighbours, the catalog, staff accounts, and three months of history. Idempotent.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use chrono::{Duration, FixedOffset, Utc};
use motcua_domain::calendar::CalendarData;
use motcua_domain::calendar::WorkCalendar;
use motcua_domain::catalog::seed_procedures;
use motcua_domain::ports::{CatalogStore, StaffStore};
use motcua_domain::staff::{Actor, Role};
use motcua_domain::unit::UnitCode;
use motcua_storage::Db;

use crate::simulate::{self, Crew, Plan, UnitPlan};
use crate::{cmd, setup};

/// The demo's password for every account (printed; change it for anything real).
const PASSWORD: &str = "motcua-demo-2026";

/// Phường An Hội and four other communes of Vĩnh Long, with their mean dossiers per working day.
const COMMUNES: [(&str, f64); 5] = [("28777", 40.0), ("28756", 8.0), ("28783", 8.0), ("29242", 5.0), ("29278", 5.0)];

pub async fn run(listen: &str, data: &Path, no_serve: bool, sync: &cmd::serve::SyncArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(data).with_context(|| format!("creating {}", data.display()))?;
    let url = format!("sqlite://{}", data.join("motcua.db").display());
    let db = setup::open(&url).await?;
    let (units, procedures) = setup::load_reference_data(&db).await?;
    println!("Đơn vị / units: {units}; thủ tục / procedures: {procedures}");
    if db.staff_by_username("anhoi.tiepnhan").await?.is_none() {
        seed(&db).await?;
    } else {
        println!("Dữ liệu demo đã có sẵn / demo data already present: nothing regenerated.");
    }
    print_accounts(&db).await?;
    println!("Cơ sở dữ liệu / database: {url}");
    if no_serve {
        return Ok(());
    }
    cmd::serve::serve_with_sync(db, listen, sync.config(), |addr| {
        println!();
        println!("Cổng công dân / citizen portal:  http://{addr}/");
        println!("Cán bộ / staff:  http://{addr}/can-bo/dang-nhap  (e.g. anhoi.tiepnhan / {PASSWORD})");
        println!("API:  http://{addr}/api/v1/openapi.json");
        println!("Nhấn Ctrl-C để dừng / press Ctrl-C to stop.");
    })
    .await
}

async fn seed(db: &Db) -> anyhow::Result<()> {
    let hash = motcua_web::auth::hash_password(PASSWORD);
    let province = UnitCode::parse("86")?;
    db.create_staff("vinhlong.theodoi", "Sở Nội vụ — theo dõi", Role::ProvinceMonitor, &province, &hash).await?;
    db.create_staff("vinhlong.quantri", "Quản trị hệ thống", Role::Administrator, &province, &hash).await?;
    let mut plans = Vec::new();
    for (i, (code, per_day)) in COMMUNES.iter().enumerate() {
        let code = UnitCode::parse(code)?;
        let unit = db.unit(&code).await?.with_context(|| format!("unit {code} missing from the units file"))?;
        let prefix = if i == 0 { "anhoi".to_string() } else { format!("xa{code}") };
        let mut actors = Vec::new();
        for (suffix, name, role) in [
            ("tiepnhan", "Cán bộ một cửa", Role::IntakeOfficer),
            ("chuyenvien", "Chuyên viên", Role::Specialist),
            ("lanhdao", "Phó Chủ tịch", Role::Leader),
            ("giamdoc", "Giám đốc Trung tâm", Role::CenterDirector),
        ] {
            let s = db.create_staff(&format!("{prefix}.{suffix}"), name, role, &code, &hash).await?;
            actors.push(Actor::staff(&s));
        }
        plans.push(UnitPlan {
            unit,
            crew: Crew { intake: actors[0].clone(), specialist: actors[1].clone(), leader: actors[2].clone() },
            per_day: *per_day,
        });
    }
    let data = CalendarData::vietnam();
    let version = data.latest_version();
    let calendar = Arc::new(WorkCalendar::new(&data, version, Default::default()));
    let now = Utc::now();
    let vn = FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    let plan = Plan {
        units: plans,
        procedures: seed_procedures(),
        from: (now - Duration::days(92)).with_timezone(&vn).date_naive(),
        to: now.with_timezone(&vn).date_naive(),
        mix: simulate::Mix::default(),
        quota: None,
        now,
        seed: 2026,
        calendar,
        calendar_version: version,
    };
    println!("Đang tạo lịch sử hồ sơ 3 tháng / generating three months of dossiers…");
    let n = simulate::run(db, &plan, |n| eprint!("\r  {n} hồ sơ / dossiers…")).await?;
    eprintln!();
    println!("Đã tạo {n} hồ sơ / created {n} dossiers.");
    Ok(())
}

async fn print_accounts(db: &Db) -> anyhow::Result<()> {
    println!("Tài khoản cán bộ (mật khẩu chung: {PASSWORD}) / staff accounts (shared password):");
    for s in db.staff_list().await? {
        println!("  {:<26} {:<22} {}", s.username, s.role.name_vi(), s.unit);
    }
    Ok(())
}

//! Helpers shared by the storage test binaries: a fresh SQLite and PostgreSQL database for each
//! test body, the reference data, and a valid submission.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::future::Future;

use chrono::{DateTime, TimeZone, Utc};
use motcua_domain::calendar::{CalendarData, WorkCalendar};
use motcua_domain::catalog::{Procedure, seed_procedures};
use motcua_domain::dossier::{Applicant, Channel, Dossier, LifecycleError, SecretHash, Submission};
use motcua_domain::identity::ApplicantId;
use motcua_domain::ports::{CatalogStore, Creation, FollowUp};
use motcua_domain::staff::{Actor, Role, StaffId};
use motcua_domain::unit::{UnitCode, parse_units_csv};
use motcua_storage::{Db, scratch};

pub const UNITS: &[u8] = include_bytes!("../../../../data/admin_units_2025.csv");

pub fn admin_url() -> String {
    std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Runs `body` against a fresh SQLite database and a fresh PostgreSQL database.
pub async fn on_both<F, Fut>(body: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = std::env::temp_dir().join(format!("motcua-contract-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = Db::connect(&format!("sqlite://{}", dir.join("t.db").display())).await.unwrap();
    sqlite.migrate().await.unwrap();
    seed(&sqlite).await;
    body(sqlite.clone()).await;
    sqlite.close().await;
    std::fs::remove_dir_all(&dir).ok();

    let admin = admin_url();
    let url = scratch::fresh_postgres(&admin, "motcua_test")
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL must be reachable at {admin} for the contract tests: {e}"));
    let pg = Db::connect(&url).await.unwrap();
    pg.migrate().await.unwrap();
    seed(&pg).await;
    body(pg.clone()).await;
    pg.close().await;
    scratch::drop_postgres(&admin, &url).await;
}

/// A suffix no other test of this process gets: parallel tests can read the same clock value.
pub fn rand_suffix() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let ns = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{ns}-{n}")
}

pub async fn seed(db: &Db) {
    db.upsert_units(&parse_units_csv(UNITS).unwrap()).await.unwrap();
    db.upsert_procedures(&seed_procedures()).await.unwrap();
}

pub fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(7 * 3600).unwrap().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

pub fn procedure(code: &str) -> Procedure {
    seed_procedures().into_iter().find(|p| p.code.as_str() == code).unwrap()
}

pub fn calendar() -> WorkCalendar {
    let data = CalendarData::vietnam();
    WorkCalendar::new(&data, data.latest_version(), Default::default())
}

pub fn officer(role: Role, unit: &str) -> Actor {
    Actor::Staff { id: StaffId(1), username: "t".into(), role, unit: UnitCode::parse(unit).unwrap() }
}

pub fn creation(unit: &str, at: DateTime<Utc>) -> Creation {
    let p = procedure("1.001193");
    let submission = Submission {
        procedure: p.code.clone(),
        unit: UnitCode::parse(unit).unwrap(),
        channel: Channel::Online,
        applicant: Applicant {
            name: "Nguyễn Văn An".into(),
            id_number: ApplicantId::parse("086090001234").unwrap(),
            phone: None,
            email: None,
            address: None,
            birth_date: None,
        },
        components: p
            .components
            .iter()
            .map(|c| motcua_domain::dossier::Component {
                code: c.code.clone(),
                name: c.name.clone(),
                file_sha256: None,
                digitized: true,
                reused: false,
                from_citizen_store: false,
            })
            .collect(),
        copies: 1,
        identity_verified: false,
    };
    Creation { new: submission.check(&p).unwrap(), actor: Actor::Citizen, at, secret: SecretHash::of("s3cret") }
}

pub type NoFollowUp = fn(&Dossier) -> Result<Vec<FollowUp>, LifecycleError>;

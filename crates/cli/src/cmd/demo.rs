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
    seed_support_days(&db).await?;
    print_accounts(&db).await?;
    println!("Cơ sở dữ liệu / database: {url}");
    if no_serve {
        return Ok(());
    }
    let (payments, fake_vnpay) = demo_payments(listen).await?;
    // Without a real portal, sync to a local fake one (5% of calls fail, so retries show on the
    // sync page) rather than leaving every change waiting in the outbox.
    let (sync, fake_portal) = match sync.configs() {
        configs if !configs.is_empty() => (configs, None),
        _ => {
            let mut configs = Vec::new();
            let mut portal = None;
            for connector in [motcua_domain::ports::DVCQG, motcua_domain::ports::CIVIL_REGISTRY] {
                let mut args = cmd::fake_portal::Args::healthy("127.0.0.1:0");
                args.error_rate = 0.05;
                let (addr, _server) = cmd::fake_portal::spawn(args).await?;
                let mut cfg = motcua_web::sync::SyncConfig::new(format!("http://{addr}/dossiers"), None);
                cfg.connector = connector.to_string();
                configs.push(cfg);
                portal.get_or_insert(addr);
            }
            (configs, portal)
        }
    };
    cmd::serve::serve_with_sync(db, listen, sync, Some(payments), |addr| {
        println!();
        println!("Cổng công dân / citizen portal:  http://{addr}/");
        println!("Cán bộ / staff:  http://{addr}/can-bo/dang-nhap  (e.g. anhoi.tiepnhan / {PASSWORD})");
        println!("API:  http://{addr}/api/v1/openapi.json");
        println!("VNPay (giả lập / local fake gateway):  {fake_vnpay}/ledger");
        if let Some(portal) = fake_portal {
            println!("Cổng DVCQG (giả lập / local fake portal):  http://{portal}/applied · sync page: http://{addr}/can-bo/dong-bo");
        }
        println!("Nhấn Ctrl-C để dừng / press Ctrl-C to stop.");
    })
    .await
}

/// The demo's online payment: a local fake VNPay gateway in this process (same protocol over
/// HTTP, IPN back to the demo server) and a bank account per demo commune for VietQR transfers.
/// `MOTCUA_PAYMENTS_CONFIG`, when set, is used instead.
async fn demo_payments(listen: &str) -> anyhow::Result<(motcua_web::payments::Gateways, String)> {
    use motcua_domain::payment::vietqr::BankAccount;
    use motcua_domain::payment::vnpay::{Merchant, Secret};
    use motcua_web::payments::fake::FakeVnpay;
    use motcua_web::payments::{Gateways, VnpayEndpoints};
    if std::env::var_os("MOTCUA_PAYMENTS_CONFIG").is_some() {
        return Ok((Gateways::from_env()?, "(MOTCUA_PAYMENTS_CONFIG)".into()));
    }
    let ours: std::net::SocketAddr = listen.parse().with_context(|| format!("listen address {listen}"))?;
    let host = match ours.ip().is_unspecified() {
        true => format!("127.0.0.1:{}", ours.port()),
        false => ours.to_string(),
    };
    let theirs = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let fake_base = format!("http://{}", theirs.local_addr()?);
    let secret = format!("demo-{}", motcua_web::auth::new_token().0);
    let mut merchants = std::collections::HashMap::new();
    let mut gateways = Gateways::new(Some(VnpayEndpoints {
        payment_url: format!("{fake_base}/paymentv2/vpcpay.html"),
        api_url: format!("{fake_base}/merchant_webapi/api/transaction"),
        return_url: format!("http://{host}/thanh-toan/ket-qua"),
        expire: std::time::Duration::from_secs(15 * 60),
    }));
    for (i, (code, _)) in COMMUNES.iter().enumerate() {
        let tmn = format!("MOTCUA0{i}");
        merchants.insert(tmn.clone(), Secret::new(secret.clone()));
        gateways =
            gateways.with_merchant(code, Merchant { tmn_code: tmn, secret: Secret::new(secret.clone()) }).with_account(
                code,
                BankAccount {
                    bin: "970436".into(),
                    account: format!("00110012{code}"),
                    holder: format!("UBND XA {code}"),
                },
            );
    }
    let clock: Arc<dyn motcua_domain::clock::Clock> = Arc::new(crate::clock::SystemClock);
    let fake = FakeVnpay::new(merchants, format!("http://{host}/api/v1/payments/vnpay/ipn"), clock);
    let router = fake.router();
    tokio::spawn(async move { axum::serve(theirs, router).await });
    Ok((gateways, fake_base))
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

/// Phường An Hội's community support days: three neighborhoods, helpers of the youth union,
/// the women's union and the veterans, and a Friday-morning session (once; kept on later runs).
async fn seed_support_days(db: &Db) -> anyhow::Result<()> {
    use motcua_domain::ports::SupportStore;
    use motcua_domain::support::{NewHelper, NewNeighborhood, NewSession, SessionInput};
    let unit = UnitCode::parse("28777")?;
    if !db.neighborhoods(&unit).await?.is_empty() {
        return Ok(());
    }
    for (name, note) in [("Khu phố 1", ""), ("Khu phố 3", "Nhiều người cao tuổi"), ("Khu phố 5", "Hộ cận nghèo")]
    {
        db.add_neighborhood(&NewNeighborhood::parse(&unit, name, note)?).await?;
    }
    for (name, org, phone) in [
        ("Trần Minh Khoa", "staff", ""),
        ("Nguyễn Thị Thu Hà", "youth_union", "0912345001"),
        ("Lê Thị Hồng", "womens_union", ""),
        ("Phạm Văn Sáu", "veterans", ""),
    ] {
        db.add_helper(&NewHelper::parse(&unit, name, org, phone)?).await?;
    }
    let hoods = db.neighborhoods(&unit).await?;
    let helpers = db.helpers(&unit).await?;
    let ids: Vec<String> = helpers.iter().map(|h| h.id.to_string()).collect();
    let today = Utc::now().with_timezone(&FixedOffset::east_opt(7 * 3600).expect("UTC+7")).date_naive();
    let (first, last) = ((today - Duration::days(92)).to_string(), (today + Duration::days(365)).to_string());
    let hood = hoods.iter().find(|n| n.name == "Khu phố 3").map(|n| n.id.to_string()).unwrap_or_default();
    let input = SessionInput {
        neighborhood: &hood,
        place: "Nhà văn hóa khu phố 3",
        weekday: "fri",
        first: &first,
        last: &last,
        start: "07:30",
        end: "11:00",
        helpers: ids.iter().map(String::as_str).collect(),
    };
    db.add_session(&NewSession::parse(&unit, &input, &hoods, &helpers)?).await?;
    println!("Ngày hỗ trợ cộng đồng / support days: Khu phố 3, Thứ Sáu 07:30–11:00 (/ho-tro-cong-dong)");
    Ok(())
}

async fn print_accounts(db: &Db) -> anyhow::Result<()> {
    println!("Tài khoản cán bộ (mật khẩu chung: {PASSWORD}) / staff accounts (shared password):");
    for s in db.staff_list().await? {
        println!("  {:<26} {:<22} {}", s.username, s.role.name_vi(), s.unit);
    }
    Ok(())
}

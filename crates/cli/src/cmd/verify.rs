//! `motcua verify`: check the whole event log.

use motcua_domain::ports::DossierStore;

use crate::setup;

pub async fn run(database: &str) -> anyhow::Result<()> {
    let db = setup::open(database).await?;
    let report = db.verify_all().await?;
    println!(
        "Đã kiểm tra {} hồ sơ, {} sự kiện / checked {} dossiers, {} events.",
        report.dossiers, report.events, report.dossiers, report.events
    );
    if report.broken.is_empty() && report.drifted.is_empty() {
        println!("Chuỗi băm toàn vẹn / every hash chain is intact.");
        return Ok(());
    }
    for (code, link) in &report.broken {
        println!("BROKEN {code}: {link}");
    }
    for code in &report.drifted {
        println!("DRIFT {code}: the stored projection differs from a replay of its events");
    }
    anyhow::bail!("{} broken chain(s), {} drifted projection(s)", report.broken.len(), report.drifted.len())
}

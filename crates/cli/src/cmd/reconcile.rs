//! `motcua reconcile`: compares our dossiers submitted in a period with what the national portal
//! reports for it (code, status, key dates), prints every difference, and with `--repush` queues
//! each differing dossier's current state again (a running server's sync worker delivers it).
//! Exits 1 when differences remain unqueued, so a scheduler can alert.

use anyhow::Context;
use chrono::NaiveDate;
use motcua_domain::ports::{DVCQG, SyncStore};
use motcua_web::sync::reconcile::{PortalReport, ReconcileError, reconcile};

use crate::clock::SystemClock;
use crate::setup;

#[derive(clap::Args)]
pub struct Args {
    /// Database URL.
    #[arg(long, env = "MOTCUA_DATABASE_URL", default_value = "sqlite://motcua-data/motcua.db")]
    database: String,
    /// The portal's endpoint (records are POSTed to it; `GET` with `?from&to` reports a period).
    #[arg(long, env = "MOTCUA_DVCQG_URL")]
    portal: String,
    /// Bearer token for the portal.
    #[arg(long, env = "MOTCUA_DVCQG_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// First submission day (YYYY-MM-DD, Vietnam time).
    #[arg(long)]
    from: NaiveDate,
    /// Last submission day, inclusive (YYYY-MM-DD).
    #[arg(long)]
    to: NaiveDate,
    /// Queue every differing dossier (that we have) for the portal again.
    #[arg(long)]
    repush: bool,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(args.to >= args.from, "--to must not be before --from / ngày kết thúc trước ngày bắt đầu");
    let db = setup::open(&args.database).await?;
    let target = PortalReport { url: args.portal.clone(), token: args.token.clone().filter(|t| !t.is_empty()) };
    let r = match reconcile(&db, &target, args.from, args.to).await {
        Ok(r) => r,
        Err(ReconcileError::Store(e)) => return Err(e).context("reading our dossiers"),
        Err(ReconcileError::Portal(why)) => {
            anyhow::bail!("Cổng DVCQG không trả lời / the portal's report failed: {why}")
        }
    };
    println!(
        "Đối soát {} → {}: {} hồ sơ của ta, {} bản ghi của Cổng, {} chênh lệch / reconciliation: {} ours, {} at the portal, {} differences",
        r.from,
        r.to,
        r.ours,
        r.portal,
        r.differences.len(),
        r.ours,
        r.portal,
        r.differences.len()
    );
    for d in &r.differences {
        println!(
            "  {}  {}: ta/ours = {}, Cổng/portal = {}",
            d.dossier,
            d.field,
            d.ours.as_deref().unwrap_or("—"),
            d.portal.as_deref().unwrap_or("—")
        );
    }
    let mut codes: Vec<&str> = r.differences.iter().filter(|d| d.ours.is_some()).map(|d| d.dossier.as_str()).collect();
    codes.dedup();
    if args.repush && !codes.is_empty() {
        let now = motcua_domain::clock::Clock::now(&SystemClock);
        for code in &codes {
            let key = db.repush(DVCQG, code, now).await.with_context(|| format!("re-pushing {code}"))?;
            println!("  đã xếp hàng gửi lại / queued again: {key}");
        }
    }
    db.close().await;
    if !r.differences.is_empty() && !args.repush {
        std::process::exit(1);
    }
    Ok(())
}

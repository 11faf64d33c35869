//! The scheduled reconciliation: every `every`, this server compares the last `days` days of
//! dossiers with the portal's report and keeps the outcome for the sync page and `/metrics`
//! (`motcua_sync_reconcile_differences`). Differences are listed, never re-pushed silently: an
//! operator re-pushes from the page (or `motcua reconcile --repush`).

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use motcua_domain::clock::Clock;
use motcua_storage::Db;

use super::reconcile::{PortalReport, ReconcileError, reconcile};

/// The last scheduled run in this process.
#[derive(Debug, Clone)]
pub struct LastRun {
    pub at: DateTime<Utc>,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// The number of differences, or why the run failed.
    pub outcome: Result<usize, String>,
}

fn slot() -> &'static Mutex<Option<LastRun>> {
    static LAST: OnceLock<Mutex<Option<LastRun>>> = OnceLock::new();
    LAST.get_or_init(|| Mutex::new(None))
}

/// The last scheduled run's outcome, if one ran in this process.
pub fn last_run() -> Option<LastRun> {
    slot().lock().expect("reconcile slot").clone()
}

/// Runs one reconciliation of the `days` days up to today (Vietnam time) and records it.
pub async fn run_once(db: &Db, target: &PortalReport, now: DateTime<Utc>, days: u32) -> LastRun {
    let to = crate::sync::reconcile::local_day(now);
    let from = to - chrono::Duration::days(i64::from(days.max(1)) - 1);
    let outcome = match reconcile(db, target, from, to).await {
        Ok(r) => {
            if !r.differences.is_empty() {
                tracing::warn!(differences = r.differences.len(), %from, %to, "reconciliation found differences");
            }
            Ok(r.differences.len())
        }
        Err(ReconcileError::Store(e)) => Err(e.to_string()),
        Err(ReconcileError::Portal(e)) => Err(e),
    };
    let run = LastRun { at: now, from, to, outcome };
    *slot().lock().expect("reconcile slot") = Some(run.clone());
    run
}

/// Starts the scheduled reconciliation (first run after one `every`).
pub fn spawn(
    db: Db,
    clock: Arc<dyn Clock>,
    target: PortalReport,
    every: Duration,
    days: u32,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            run_once(&db, &target, clock.now(), days).await;
        }
    })
}

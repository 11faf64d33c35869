//! Which units hold a dossier whose event chain is broken (an event edited, deleted or
//! back-dated in the database behind Motcua's back) or whose projection drifted from its events.
//!
//! The check reads the whole event log ([`DossierStore::verify_all`], what `motcua verify` runs),
//! so it is never done inside a page request: a page asks [`Integrity::broken_units`], which
//! answers from the last result and, when that is older than [`REFRESH`] (application clock) or
//! absent, starts one recomputation in the background.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use motcua_domain::dossier::DossierCode;
use motcua_domain::ports::DossierStore;

use crate::state::AppState;

/// How long a result is used before the log is checked again.
pub const REFRESH: Duration = Duration::minutes(10);

#[derive(Default)]
pub struct Integrity {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    last: Option<(DateTime<Utc>, Arc<BTreeSet<String>>)>,
    running: bool,
}

impl Integrity {
    /// The units (receiving or handling) with a broken dossier, as last computed (`None`: not yet).
    pub fn broken_units(&self, state: &AppState) -> Option<Arc<BTreeSet<String>>> {
        let now = state.now();
        let mut inner = self.inner.lock().expect("integrity lock");
        let fresh = inner.last.as_ref().is_some_and(|(at, _)| now - *at < REFRESH && *at <= now);
        if !fresh && !inner.running {
            inner.running = true;
            let state = state.clone();
            tokio::spawn(async move {
                let units = compute(&state).await;
                let mut inner = state.hardening.integrity.inner.lock().expect("integrity lock");
                inner.running = false;
                match units {
                    Ok(units) => inner.last = Some((now, Arc::new(units))),
                    Err(e) => tracing::warn!(error = %e, "integrity check failed"),
                }
            });
        }
        inner.last.as_ref().map(|(_, u)| u.clone())
    }

    /// Whether `unit` is known to hold a broken dossier.
    pub fn unit_broken(&self, state: &AppState, unit: &str) -> bool {
        self.broken_units(state).is_some_and(|u| u.contains(unit))
    }
}

async fn compute(state: &AppState) -> Result<BTreeSet<String>, motcua_domain::ports::StoreError> {
    let report = state.db.verify_all().await?;
    let codes = report.broken.into_iter().map(|(c, _)| c).chain(report.drifted);
    let mut units = BTreeSet::new();
    for code in codes {
        let Ok(parsed) = DossierCode::parse(&code) else { continue };
        if let Ok(Some(d)) = state.db.dossier(&parsed).await {
            units.insert(d.receiving_unit.to_string());
            units.insert(d.handling_unit.to_string());
        }
    }
    Ok(units)
}

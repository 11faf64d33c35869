//! What every handler shares: the database, the clock, and the calendars.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use motcua_domain::calendar::{CalendarData, WorkCalendar, WorkingHours};
use motcua_domain::clock::Clock;
use motcua_domain::ports::{CalendarStore, StoreError};
use motcua_storage::Db;

/// How long amendments read from the database are trusted before being read again, so that
/// several app servers converge on an administrator's amendment within this time.
const CALENDAR_REFRESH: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    calendars: Arc<Calendars>,
    /// Payment gateways and bank accounts per unit (empty: online payment is off).
    pub payments: Arc<crate::payments::Gateways>,
    /// Where the national portal reports a period, for reconciliation (`None`: sync is off).
    pub sync_report: Option<Arc<crate::sync::reconcile::PortalReport>>,
    /// Security headers, `/metrics` access, rate limits, integrity warnings (`MOTCUA_*` settings).
    pub hardening: Arc<crate::security::Hardening>,
    /// OpenID Connect providers for citizens (VNeID) and staff (none configured: no such sign-in).
    pub sign_in: Arc<crate::oidc::SignIns>,
    /// The Zalo OA assistant (`None`: not configured; the webhook answers 503).
    pub assistant: Option<Arc<crate::assistant::Assistant>>,
}

/// The holiday data (embedded rules + the database's amendments) and the working calendars
/// built from it, cached per (version, working hours).
struct Calendars {
    base: CalendarData,
    current: Mutex<(Instant, Arc<CalendarData>)>,
    built: Mutex<HashMap<(u32, String), Arc<WorkCalendar>>>,
}

impl AppState {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> AppState {
        let base = CalendarData::vietnam();
        let stale = Instant::now().checked_sub(CALENDAR_REFRESH * 2).unwrap_or_else(Instant::now);
        AppState {
            db,
            clock,
            calendars: Arc::new(Calendars {
                current: Mutex::new((stale, Arc::new(base.clone()))),
                base,
                built: Mutex::new(HashMap::new()),
            }),
            payments: Arc::new(crate::payments::Gateways::default()),
            sync_report: None,
            hardening: Arc::new(crate::security::Hardening::from_env().unwrap_or_else(|e| panic!("{e}"))),
            sign_in: Arc::new(crate::oidc::SignIns::default()),
            assistant: None,
        }
    }

    /// The same state answering the Zalo OA configured by `cfg`.
    pub fn with_assistant(mut self, cfg: crate::assistant::ZaloConfig) -> AppState {
        self.assistant = Some(Arc::new(crate::assistant::Assistant::new(cfg)));
        self
    }

    /// The same state with these hardening settings (tests, embedders).
    pub fn with_hardening(mut self, hardening: crate::security::Hardening) -> AppState {
        self.hardening = Arc::new(hardening);
        self
    }

    /// The same state reconciling with the portal that reports at `report`.
    pub fn with_sync_report(mut self, report: crate::sync::reconcile::PortalReport) -> AppState {
        self.sync_report = Some(Arc::new(report));
        self
    }

    /// The same state signing people in with these OpenID Connect providers.
    pub fn with_sign_in(mut self, sign_in: crate::oidc::SignIns) -> AppState {
        self.sign_in = Arc::new(sign_in);
        self
    }

    /// The same state with these payment gateways configured.
    pub fn with_payments(mut self, gateways: crate::payments::Gateways) -> AppState {
        self.payments = Arc::new(gateways);
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The holiday data with every amendment, re-read from the database at most every 10 s.
    pub async fn calendar_data(&self) -> Result<Arc<CalendarData>, StoreError> {
        {
            let cur = self.calendars.current.lock().expect("calendar lock");
            if cur.0.elapsed() < CALENDAR_REFRESH {
                return Ok(cur.1.clone());
            }
        }
        let amendments = self.db.amendments().await?;
        let data = Arc::new(self.calendars.base.clone().with_amendments(amendments));
        *self.calendars.current.lock().expect("calendar lock") = (Instant::now(), data.clone());
        Ok(data)
    }

    /// Forgets the cached amendments (after this server added one).
    pub fn invalidate_calendar(&self) {
        let mut cur = self.calendars.current.lock().expect("calendar lock");
        cur.0 = Instant::now().checked_sub(CALENDAR_REFRESH * 2).unwrap_or_else(Instant::now);
    }

    /// The working calendar for `hours` under holiday-data `version` (`None`: the latest).
    /// Returns it with the version it was built at.
    pub async fn work_calendar(
        &self,
        version: Option<u32>,
        hours: &WorkingHours,
    ) -> Result<(Arc<WorkCalendar>, u32), StoreError> {
        let data = self.calendar_data().await?;
        let version = version.unwrap_or_else(|| data.latest_version());
        let key = (version, hours.to_string());
        if let Some(c) = self.calendars.built.lock().expect("calendar cache").get(&key) {
            return Ok((c.clone(), version));
        }
        let cal = Arc::new(WorkCalendar::new(&data, version, hours.clone()));
        self.calendars.built.lock().expect("calendar cache").insert(key, cal.clone());
        Ok((cal, version))
    }
}

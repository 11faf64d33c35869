//! The wall clock: the only place Motcua reads the system time.

use chrono::{DateTime, Utc};
use motcua_domain::clock::Clock;

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

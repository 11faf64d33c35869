//! Where "now" comes from. Rules never read the wall clock; they take an instant or a [`Clock`].

use chrono::{DateTime, Utc};

/// A source of the current instant, injected wherever the application needs "now".
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// A clock that always answers the same instant; for tests and simulations.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

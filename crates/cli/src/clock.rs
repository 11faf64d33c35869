//! The wall clock: the only place Motcua reads the system time.

use chrono::{DateTime, SubsecRound, Utc};
use motcua_domain::clock::Clock;

pub struct SystemClock;

impl Clock for SystemClock {
    /// Whole milliseconds: the database stores instants in milliseconds, so a projection holding
    /// finer time would differ from a replay of its stored events (`motcua verify` would see drift).
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(3)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Timelike;

    use super::*;

    #[test]
    fn the_wall_clock_reads_whole_milliseconds_as_the_database_stores_them() {
        assert_eq!(SystemClock.now().nanosecond() % 1_000_000, 0);
    }
}

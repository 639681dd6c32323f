//! Time comes from a clock that is passed in, so tests and demos can fix
//! "today" and nothing depends on the day the tests happen to run.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in the given zone (WIB by default).
    fn today(&self, tz: FixedOffset) -> NaiveDate {
        self.now().with_timezone(&tz).date_naive()
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant.
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// The environment variable that stops the clock, for end-to-end tests and
/// reproducible demos: an RFC 3339 time such as `2026-03-10T09:00:00+07:00`.
pub const FIXED_NOW_ENV: &str = "BINALOG_FIXED_NOW";

/// The system clock, unless `BINALOG_FIXED_NOW` holds a valid time.
pub fn from_env() -> Box<dyn Clock> {
    match std::env::var(FIXED_NOW_ENV).ok().and_then(|s| DateTime::parse_from_rfc3339(&s).ok()) {
        Some(at) => Box::new(FixedClock(at.with_timezone(&Utc))),
        None => Box::new(SystemClock),
    }
}

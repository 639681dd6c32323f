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

/// A clock a test moves by hand, shared with the records that read it.
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> std::sync::Arc<ManualClock> {
        std::sync::Arc::new(ManualClock(std::sync::Mutex::new(at)))
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

/// The environment variable that stops the clock of a debug build, for the
/// end-to-end tests: an RFC 3339 time such as `2026-03-10T09:00:00+07:00`.
pub const FIXED_NOW_ENV: &str = "BINALOG_FIXED_NOW";

/// The system clock. Debug builds (what `cargo test` runs) stop it at
/// `BINALOG_FIXED_NOW` when that holds a valid time; a release build never
/// reads it, since anyone who can set a server's environment would
/// otherwise choose its "today".
pub fn from_env() -> Box<dyn Clock> {
    #[cfg(debug_assertions)]
    if let Some(at) = std::env::var(FIXED_NOW_ENV).ok().and_then(|s| DateTime::parse_from_rfc3339(&s).ok()) {
        return Box::new(FixedClock(at.with_timezone(&Utc)));
    }
    Box::new(SystemClock)
}

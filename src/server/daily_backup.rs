//! The server's daily backup: asks `domain::backup_plan` whether one is
//! due by the server's own clock, has the records take it
//! (records/backups.rs), and tells the accepting loop how long it may
//! wait before asking again.

use std::time::Duration;

use chrono::{DateTime, NaiveTime, Utc};

use crate::domain::backup_plan::{BackupState, Schedule};
use crate::domain::date::wib;
use crate::domain::invalid::Arg;
use crate::i18n::{Lang, error, fill};
use crate::records::BackupSummary;
use crate::records::{Error, Local, Result};
use std::thread::JoinHandle;

/// The longest the loop waits between two looks at the clock, so that a
/// clock set forward or a machine waking from sleep is noticed.
const LONGEST_WAIT: Duration = Duration::from_secs(3600);

pub struct DailyBackups {
    at: NaiveTime,
    state: BackupState,
    /// The backup being written, on its own thread: a large database must
    /// not hold up the next client's handshake.
    running: Option<JoinHandle<Result<BackupSummary>>>,
}

impl DailyBackups {
    /// The schedule of a server started now; `None` when backups are off.
    pub fn start(local: &Local, at: Option<NaiveTime>) -> Option<DailyBackups> {
        let at = at?;
        let state = BackupState {
            started: local.now(),
            newest: local.backup_status().ok().and_then(|s| s.last_good),
            born: local.born().ok().flatten(),
            failed: None,
        };
        Some(DailyBackups { at, state, running: None })
    }

    /// The hour in the sites' zone: the first site's, or WIB.
    fn schedule(&self, local: &Local) -> Schedule {
        let tz = local.sites().ok().and_then(|sites| sites.first().map(|s| s.tz())).unwrap_or_else(wib);
        Schedule { at: self.at, tz }
    }

    /// Takes the backup if it is due; then how long until it may be due
    /// again. A failure is audited and logged, and serving goes on.
    pub fn tick(&mut self, local: &Local, lang: Lang) -> Duration {
        let schedule = self.schedule(local);
        let now = local.now();
        if self.state.born.is_none() {
            // Set up since this server started (`init` through it).
            self.state.born = local.born().ok().flatten();
        }
        if self.running.as_ref().is_some_and(JoinHandle::is_finished) {
            self.finish(now, lang);
        }
        if self.running.is_some() {
            // Asked again once it is written.
            return Duration::from_secs(1);
        }
        if schedule.is_due(now, &self.state) {
            let (local, day) = (local.clone(), schedule.day(now));
            // Marked before the thread starts, so a status asked for by
            // the next client waits for this backup's outcome.
            local.daily_backup_starting();
            self.running = Some(std::thread::spawn(move || local.daily_backup(day)));
            return Duration::from_secs(1);
        }
        let now = local.now();
        wait_until(schedule.next_check(now, &self.state), now)
    }

    /// Waits for the backup under way, if any, and takes in its outcome:
    /// when the server stops, and once its thread has ended.
    pub fn finish(&mut self, now: DateTime<Utc>, lang: Lang) {
        let Some(running) = self.running.take() else { return };
        let outcome = running.join().unwrap_or_else(|_| Err(Error::Io { detail: "the backup thread panicked".into() }));
        match outcome {
            Ok(summary) => {
                self.state.newest = Some(summary.created);
                self.state.failed = None;
            }
            Err(e) => {
                self.state.failed = Some(now);
                let args = [("detail", Arg::Text(error(lang, &e)))];
                eprintln!("{}", fill(lang, "server.backup_failed", &args));
            }
        }
    }
}

/// Real time to wait for a next check at `next`: at least a second (the
/// loop never spins), at most `LONGEST_WAIT`.
fn wait_until(next: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (next - now).to_std().unwrap_or_default().clamp(Duration::from_secs(1), LONGEST_WAIT)
}

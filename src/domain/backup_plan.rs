//! The rules of the server's daily backups, without any I/O: what a
//! backup file is called, which files are kept, when the next one is
//! due, and when the home screen warns that backups have stopped.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// The newest daily backups kept.
pub const DAILY_KEPT: usize = 14;
/// The month-end backups kept (the last backup of each month).
pub const MONTH_ENDS_KEPT: usize = 12;
/// The default hour, in the sites' zone.
pub const DEFAULT_AT: (u32, u32) = (2, 0);
/// How long a failed attempt waits before the next one.
pub const RETRY_AFTER_MINUTES: i64 = 60;
/// A last good backup older than this is shown to supervisors and admins.
pub const STALE_AFTER_HOURS: i64 = 48;

const PREFIX: &str = "binalog-";
const SUFFIX: &str = ".binalog";

/// The file of the backup of `day`: names sort by date.
pub fn file_name(day: NaiveDate) -> String {
    format!("{PREFIX}{}{SUFFIX}", day.format("%Y-%m-%d"))
}

/// The day of a daily backup file's name; `None` for any other file (it
/// is never deleted).
pub fn day_of(name: &str) -> Option<NaiveDate> {
    let day = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok().filter(|d| file_name(*d) == name)
}

/// The days whose backups are kept: the newest `DAILY_KEPT`, and the last
/// of each of the newest `MONTH_ENDS_KEPT` months.
pub fn to_keep(days: &[NaiveDate]) -> BTreeSet<NaiveDate> {
    let mut newest_first: Vec<NaiveDate> = days.to_vec();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    newest_first.dedup();
    let mut keep: BTreeSet<NaiveDate> = newest_first.iter().take(DAILY_KEPT).copied().collect();
    let mut months = 0;
    let mut last_month = None;
    for day in &newest_first {
        let month = (day.year(), day.month());
        if last_month != Some(month) {
            last_month = Some(month);
            months += 1;
            if months > MONTH_ENDS_KEPT {
                break;
            }
            keep.insert(*day);
        }
    }
    keep
}

/// `HH:MM` or `off`: the setting `binalog serve --backup-at`.
pub fn parse_backup_at(s: &str) -> Result<Option<NaiveTime>, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    NaiveTime::parse_from_str(s, "%H:%M")
        .map(Some)
        .map_err(|_| format!("'{s}': write an hour as HH:MM (e.g. 02:00), or off"))
}

/// When daily backups are taken: at `at` each day in the zone `tz`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub at: NaiveTime,
    pub tz: FixedOffset,
}

/// What the server knows when it asks whether a backup is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupState {
    /// When this server started.
    pub started: DateTime<Utc>,
    /// When the newest good backup was made.
    pub newest: Option<DateTime<Utc>>,
    /// When the database began (its first audit record): a database
    /// without backups is overdue only once it is a day old; an empty
    /// one (`None`) waits for the hour.
    pub born: Option<DateTime<Utc>>,
    /// When the last attempt failed, if it did.
    pub failed: Option<DateTime<Utc>>,
}

impl Schedule {
    /// The scheduled instant on `day`.
    fn on(&self, day: NaiveDate) -> DateTime<Utc> {
        let local = day.and_time(self.at);
        self.tz.from_local_datetime(&local).single().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| local.and_utc())
    }

    /// The latest scheduled instant at or before `now`.
    pub fn last_before(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let today = now.with_timezone(&self.tz).date_naive();
        let at = self.on(today);
        if at <= now { at } else { self.on(today.pred_opt().unwrap_or(today)) }
    }

    /// The day a backup taken at `at` is named after.
    pub fn day(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// Whether a backup should be taken now: the server was running at
    /// the hour (or, started later, the newest backup is more than a day
    /// old), none was taken since the hour or today, and no attempt failed
    /// in the last hour.
    pub fn is_due(&self, now: DateTime<Utc>, state: &BackupState) -> bool {
        let hour = self.last_before(now);
        if state.newest.is_some_and(|n| n >= hour || self.day(n) == self.day(now)) {
            return false;
        }
        if state.failed.is_some_and(|f| f <= now && now - f < Duration::minutes(RETRY_AFTER_MINUTES)) {
            return false;
        }
        if state.started <= hour {
            return true;
        }
        state.newest.or(state.born).is_some_and(|since| now - since >= Duration::days(1))
    }

    /// When to ask again: the next hour, or sooner the retry after a
    /// failure.
    pub fn next_check(&self, now: DateTime<Utc>, state: &BackupState) -> DateTime<Utc> {
        let next_hour = self.on(self.day(self.last_before(now)) + Duration::days(1));
        let retry = state.failed.map(|f| f + Duration::minutes(RETRY_AFTER_MINUTES)).filter(|r| *r > now);
        retry.map_or(next_hour, |r| r.min(next_hour))
    }
}

/// Whether supervisors and admins are told that backups stopped: none
/// was ever made, or the last good one is more than two days old.
pub fn is_stale(now: DateTime<Utc>, last_good: Option<DateTime<Utc>>) -> bool {
    last_good.is_none_or(|at| now - at > Duration::hours(STALE_AFTER_HOURS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::wib;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        wib().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }

    fn two_am() -> Schedule {
        Schedule { at: NaiveTime::from_hms_opt(2, 0, 0).unwrap(), tz: wib() }
    }

    #[test]
    fn names_sort_by_date_and_read_back() {
        assert_eq!(file_name(day(2026, 12, 1)), "binalog-2026-12-01.binalog");
        assert_eq!(day_of("binalog-2026-12-01.binalog"), Some(day(2026, 12, 1)));
        assert!(file_name(day(2026, 9, 30)) < file_name(day(2026, 10, 1)));
        for other in ["binalog-2026-13-01.binalog", "binalog-2026-1-01.binalog", "notes.txt", ".x.partial"] {
            assert_eq!(day_of(other), None, "{other}");
        }
    }

    #[test]
    fn a_year_of_daily_backups_keeps_fourteen_days_and_twelve_month_ends() {
        let first = day(2026, 1, 1);
        let mut days = Vec::new();
        let mut kept = BTreeSet::new();
        for n in 0..400 {
            // Each day the server adds a backup, then deletes what is not kept.
            days.push(first + Duration::days(n));
            kept = to_keep(&days);
            days.retain(|d| kept.contains(d));
        }
        let last = first + Duration::days(399); // 2027-02-04
        assert_eq!(last, day(2027, 2, 4));
        let daily: BTreeSet<_> = (0..14).map(|n| last - Duration::days(n)).collect();
        assert!(daily.is_subset(&kept));
        // Month ends: the newest of each month, twelve months back: Feb 2027
        // (its newest is today), Jan 2027 ... Mar 2026.
        let month_ends: BTreeSet<_> = [
            day(2027, 2, 4),
            day(2027, 1, 31),
            day(2026, 12, 31),
            day(2026, 11, 30),
            day(2026, 10, 31),
            day(2026, 9, 30),
            day(2026, 8, 31),
            day(2026, 7, 31),
            day(2026, 6, 30),
            day(2026, 5, 31),
            day(2026, 4, 30),
            day(2026, 3, 31),
        ]
        .into();
        assert!(month_ends.is_subset(&kept));
        assert_eq!(kept, &daily | &month_ends);
        assert_eq!(kept.len(), 14 + 12 - 2, "Feb 4 and Jan 31 are both daily and month-end");
        assert!(!kept.contains(&day(2026, 2, 28)), "the thirteenth month back is deleted");
    }

    #[test]
    fn a_gap_in_the_days_keeps_the_last_backup_of_each_month() {
        let days = [day(2026, 5, 3), day(2026, 5, 20), day(2026, 6, 2)];
        assert_eq!(to_keep(&days), days.into_iter().collect());
        let many: Vec<_> = (0..30).map(|n| day(2026, 6, 1) + Duration::days(n)).collect();
        let kept = to_keep(&many);
        assert_eq!(kept.len(), 14);
        assert!(kept.contains(&day(2026, 6, 30)) && !kept.contains(&day(2026, 6, 16)));
        assert!(to_keep(&[]).is_empty());
    }

    #[test]
    fn the_hour_is_hh_mm_or_off() {
        assert_eq!(parse_backup_at("02:00"), Ok(NaiveTime::from_hms_opt(2, 0, 0)));
        assert_eq!(parse_backup_at("off"), Ok(None));
        assert!(parse_backup_at("25:00").is_err());
        assert!(parse_backup_at("2am").unwrap_err().contains("HH:MM"));
    }

    #[test]
    fn a_server_running_at_the_hour_takes_one_backup_that_day() {
        let s = two_am();
        let started = at(2026, 12, 1, 1, 0);
        let fresh = BackupState { started, newest: None, born: Some(started), failed: None };
        assert!(!s.is_due(at(2026, 12, 1, 1, 59), &fresh));
        assert!(s.is_due(at(2026, 12, 1, 2, 0), &fresh));
        let done = BackupState { newest: Some(at(2026, 12, 1, 2, 0)), ..fresh };
        assert!(!s.is_due(at(2026, 12, 1, 23, 0), &done));
        assert!(s.is_due(at(2026, 12, 2, 2, 1), &done));
        assert_eq!(s.next_check(at(2026, 12, 1, 2, 0), &done), at(2026, 12, 2, 2, 0));
        assert_eq!(s.next_check(at(2026, 12, 1, 1, 0), &fresh), at(2026, 12, 1, 2, 0));
    }

    #[test]
    fn a_server_started_after_the_hour_catches_up_only_when_the_newest_is_a_day_old() {
        let s = two_am();
        let now = at(2026, 12, 3, 9, 0);
        let late = BackupState { started: now, newest: Some(at(2026, 12, 1, 2, 0)), born: None, failed: None };
        assert!(s.is_due(now, &late));
        let recent = BackupState { newest: Some(at(2026, 12, 2, 10, 0)), ..late };
        assert!(!s.is_due(now, &recent));
        // A new database gets its first backup at the hour, an old one at once.
        let new_db = BackupState { newest: None, born: Some(at(2026, 12, 3, 8, 0)), ..late };
        assert!(!s.is_due(now, &new_db));
        let old_db = BackupState { born: Some(at(2026, 11, 1, 8, 0)), ..new_db };
        assert!(s.is_due(now, &old_db));
        let empty = BackupState { born: None, ..new_db };
        assert!(!s.is_due(now, &empty));
        // A catch-up before the hour counts for the day.
        let early = BackupState { started: at(2026, 12, 3, 0, 30), newest: Some(at(2026, 12, 3, 0, 31)), ..late };
        assert!(!s.is_due(at(2026, 12, 3, 2, 0), &early));
    }

    #[test]
    fn a_failure_is_retried_after_an_hour() {
        let s = two_am();
        let failed = at(2026, 12, 1, 2, 0);
        let state = BackupState { started: at(2026, 12, 1, 1, 0), newest: None, born: None, failed: Some(failed) };
        assert!(!s.is_due(at(2026, 12, 1, 2, 59), &state));
        assert!(s.is_due(at(2026, 12, 1, 3, 0), &state));
        assert_eq!(s.next_check(at(2026, 12, 1, 2, 0), &state), at(2026, 12, 1, 3, 0));
    }

    #[test]
    fn backups_are_stale_after_two_days_or_when_there_are_none() {
        let now = at(2026, 12, 1, 9, 0);
        assert!(is_stale(now, None));
        assert!(is_stale(now, Some(at(2026, 11, 28, 2, 0))));
        assert!(!is_stale(now, Some(at(2026, 11, 30, 2, 0))));
    }
}

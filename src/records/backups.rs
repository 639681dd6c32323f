//! The server's daily backups as the records see them: taking one into
//! `backups/` (the files and what is kept: `store::backup`, the rules:
//! `domain::backup_plan`), auditing the outcome, and the status shown to
//! supervisors and admins on their home screen.

use std::sync::{Condvar, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::BackupSummary;
use super::{Local, Result};
use crate::domain::backup_plan::{day_of, file_name, to_keep};
use crate::store::damage::{BACKUPS_FOLDER, newest_backup};
use crate::store::{AuditAction, StoreError};

/// When the last daily backup was good, and when one last failed. Small
/// on the wire: two optional instants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupStatus {
    pub last_good: Option<DateTime<Utc>>,
    pub last_failure: Option<DateTime<Utc>>,
}

/// Kept by the server for every connection: the newest good backup is
/// found (verified) once, then each daily backup updates it, so a home
/// screen does not read every backup file again. While a daily backup is
/// being written (on its own thread), the status waits for its outcome.
#[derive(Default)]
pub(crate) struct Backups {
    known: Mutex<Known>,
    finished: Condvar,
}

#[derive(Default)]
struct Known {
    status: Option<BackupStatus>,
    running: bool,
}

pub(crate) type SharedBackupStatus = std::sync::Arc<Backups>;

impl Backups {
    fn lock(&self) -> MutexGuard<'_, Known> {
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Local {
    /// The daily backups' status, read from `backups/` the first time.
    pub fn backup_status(&self) -> Result<BackupStatus> {
        let mut known = self.backups.lock();
        while known.running {
            known = self.backups.finished.wait(known).unwrap_or_else(|e| e.into_inner());
        }
        let status = *known.status.get_or_insert_with(|| BackupStatus {
            last_good: newest_backup(self.path()).map(|(_, at)| at),
            last_failure: None,
        });
        Ok(status)
    }

    /// When the database began: its first audit record.
    pub(crate) fn born(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(self.store()?.first_audit_at()?)
    }

    /// Says a daily backup is under way (before its thread starts), so a
    /// status asked for meanwhile waits for its outcome.
    pub(crate) fn daily_backup_starting(&self) {
        self.backups.lock().running = true;
    }

    /// Takes today's daily backup (named after `day` in the sites' zone),
    /// verifies it, deletes the backups no longer kept, and audits the
    /// outcome either way.
    pub(crate) fn daily_backup(&self, day: chrono::NaiveDate) -> Result<BackupSummary> {
        let now = self.clock.now();
        let folder = self.path().join(BACKUPS_FOLDER);
        let name = file_name(day);
        let written = self.store().map_err(|e| StoreError::Io { detail: format!("{e:?}") }).and_then(|store| {
            store.daily_backup(&folder, &name, now, |names| {
                let days: Vec<_> = names.iter().filter_map(|n| day_of(n)).collect();
                let kept = to_keep(&days);
                names.iter().filter(|n| day_of(n).is_some_and(|d| !kept.contains(&d))).cloned().collect()
            })
        });
        let (action, detail) = match &written {
            Ok(s) => (AuditAction::BackupWritten, format!("{name}: {} entries, {} bytes", s.entries, s.bytes)),
            Err(e) => (AuditAction::BackupFailed, format!("{name}: {}", failure(e))),
        };
        // An audit that cannot be written does not change the outcome.
        if let Ok(store) = self.store() {
            let _ = store.record_audit(&self.note(None, action, detail));
        }
        // Whatever happened, the backup is over: a waiting status goes on.
        let mut known = self.backups.lock();
        let status = known.status.get_or_insert_with(BackupStatus::default);
        match &written {
            Ok(s) => status.last_good = Some(s.created),
            Err(_) => status.last_failure = Some(now),
        }
        known.running = false;
        self.backups.finished.notify_all();
        Ok(written?.into())
    }
}

/// What went wrong, in the audit's language-free words.
fn failure(e: &StoreError) -> String {
    match e {
        StoreError::Io { detail } => detail.clone(),
        other => format!("{other:?}"),
    }
}

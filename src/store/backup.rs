//! Verified backups: a logical copy of every tree into a new database,
//! flushed, then checked like `binalog check` before it is reported good.
//! sled has open reports of corruption after abrupt stops, so a copy that
//! was read back is worth more than a copy of the files.

use std::path::{Path, PathBuf};

use super::{Problem, Result, Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BackupReport {
    pub path: PathBuf,
    pub entries: usize,
    /// Problems `check` found in the copy; empty for a good backup.
    pub problems: Vec<Problem>,
}

impl Store {
    /// Copies the database to `dest`, which must not exist yet. The copy is
    /// consistent because this process owns the database while it runs.
    pub fn backup_to(&self, dest: &Path) -> Result<BackupReport> {
        if dest.exists() {
            return Err(StoreError::BackupExists { path: dest.to_path_buf() });
        }
        self.flush()?;
        let copy = sled::Config::new().path(dest).create_new(true).open()?;
        copy.import(self.db.export());
        copy.flush()?;
        // Verify through the same handle: reopening the folder in this
        // process could meet the lock sled frees only lazily.
        let copied = Store::over(copy, dest)?;
        Ok(BackupReport { path: dest.to_path_buf(), entries: copied.entry_count(), problems: copied.check()? })
    }
}

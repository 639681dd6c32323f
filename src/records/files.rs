//! What front ends do with database folders and backup files without
//! opening a database: verifying and restoring a backup, moving a damaged
//! snapshot aside, checking a copy. The store does the work; this is the
//! records API's door to it, so a front end needs no store type or error.

use std::path::{Path, PathBuf};

use super::convert::all;
use super::{BackupSummary, Problem, Result};

/// The folder, inside a database folder, where daily backups are kept.
pub const BACKUPS_FOLDER: &str = crate::store::damage::BACKUPS_FOLDER;

/// Reads a whole backup file and checks it against its header.
pub fn verify_backup(file: &Path) -> Result<BackupSummary> {
    Ok(crate::store::verify_backup(file)?.into())
}

/// Restores a backup into `dest` (new or empty), then checks what it wrote.
pub fn restore(file: &Path, dest: &Path) -> Result<(BackupSummary, Vec<Problem>)> {
    let (summary, problems) = crate::store::restore(file, dest)?;
    Ok((summary.into(), all(problems)))
}

/// Moves a damaged snapshot aside; returns its new name.
pub fn repair_snapshot(db: &Path) -> Result<PathBuf> {
    Ok(crate::store::damage::repair_snapshot(db)?)
}

/// Checks a copy of the database folder: its problems and entry count.
pub fn check_copy(db: &Path) -> Result<(Vec<Problem>, usize)> {
    let (problems, entries) = crate::store::check::check_copy(db)?;
    Ok((all(problems), entries))
}

/// Makes a folder only its owner may enter, as a database folder is.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    crate::store::create_private_dir(path)
}

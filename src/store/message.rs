//! The store's errors in words: catalog keys and their values (the
//! catalogs themselves are i18n's).

use std::path::Path;

use super::{BackupDamage, StoreError};
use crate::domain::invalid::Arg;
use crate::i18n::{Lang, Message, fill};

impl Message for StoreError {
    fn key(&self) -> &'static str {
        match self {
            StoreError::Locked { .. } => "error.db_locked",
            StoreError::Missing { .. } => "error.db_missing",
            StoreError::NotInitialised { .. } => "error.db_not_initialised",
            StoreError::NewerSchema { .. } => "error.db_newer",
            StoreError::Corrupt { .. } => "error.db_corrupt",
            StoreError::Conflict { .. } => "error.changed_by_another",
            StoreError::UnknownEntry { .. } => "error.entry_unknown",
            StoreError::Io { .. } => "error.io",
            StoreError::DiskFull => "error.disk_full",
            StoreError::BackupExists { .. } => "error.backup_exists",
            StoreError::TotalOverflow => "error.total_overflow",
            StoreError::BackupDamaged { damage, .. } => match damage {
                BackupDamage::BadMagic => "error.backup_bad_magic",
                BackupDamage::UnknownVersion { .. } => "error.backup_unknown_version",
                BackupDamage::Truncated { .. } => "error.backup_truncated",
                BackupDamage::ChecksumMismatch => "error.backup_checksum",
                BackupDamage::Malformed { .. } => "error.backup_malformed",
            },
            StoreError::FolderNotEmpty { .. } => "error.folder_not_empty",
            StoreError::Damaged { .. } => "error.db_damaged",
            StoreError::SnapshotIntact { .. } => "error.snapshot_intact",
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        let text = |s: String| Arg::Text(s);
        let shown = |p: &Path| text(p.display().to_string());
        match self {
            StoreError::DiskFull | StoreError::TotalOverflow => vec![],
            StoreError::Locked { path }
            | StoreError::Missing { path }
            | StoreError::NotInitialised { path }
            | StoreError::BackupExists { path }
            | StoreError::FolderNotEmpty { path }
            | StoreError::SnapshotIntact { path } => vec![("path", shown(path))],
            StoreError::Conflict { current } => vec![
                ("id", Arg::Number(current.id as i64)),
                ("revision", Arg::Number(i64::from(current.revision))),
                ("by", text(current.recorded_by.to_string())),
            ],
            StoreError::UnknownEntry { id } => vec![("id", Arg::Number(*id as i64))],
            StoreError::Damaged { path, detail, snapshot, backup } => {
                let mut args = vec![("path", shown(path)), ("detail", text(detail.clone()))];
                if let Some(snapshot) = snapshot {
                    args.push(("snapshot", shown(snapshot)));
                }
                if let Some((file, made)) = backup {
                    args.push(("backup", shown(file)));
                    args.push(("made", text(made.format("%d/%m/%Y %H:%M UTC").to_string())));
                }
                args.push(("backups", shown(&path.join(super::damage::BACKUPS_FOLDER))));
                args
            }
            StoreError::BackupDamaged { path, damage } => {
                let mut args = vec![("path", shown(path))];
                match damage {
                    BackupDamage::UnknownVersion { found } => args.push(("found", Arg::Number(i64::from(*found)))),
                    BackupDamage::Truncated { at } => args.push(("at", Arg::Number(*at as i64))),
                    BackupDamage::Malformed { at, detail } => {
                        args.push(("at", Arg::Number(*at as i64)));
                        args.push(("detail", text(detail.clone())));
                    }
                    BackupDamage::BadMagic | BackupDamage::ChecksumMismatch => {}
                }
                args
            }
            StoreError::NewerSchema { found, supported } => {
                vec![("found", Arg::Number(i64::from(*found))), ("supported", Arg::Number(i64::from(*supported)))]
            }
            StoreError::Corrupt { tree, detail } => {
                vec![("tree", text(tree.clone())), ("detail", text(detail.clone()))]
            }
            StoreError::Io { detail } => vec![("detail", text(detail.clone()))],
        }
    }

    /// What to do next depends on what is damaged and what backups exist.
    fn render(&self, lang: Lang) -> String {
        let StoreError::Damaged { snapshot, backup, .. } = self else { return fill(lang, self.key(), &self.args()) };
        let args = self.args();
        let mut lines = vec![fill(lang, self.key(), &args)];
        if snapshot.is_some() {
            lines.push(fill(lang, "error.db_damaged_snapshot", &args));
        }
        let next = if backup.is_some() { "error.db_damaged_restore" } else { "error.db_damaged_no_backup" };
        lines.push(fill(lang, next, &args));
        lines.join("\n")
    }
}

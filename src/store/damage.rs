//! A database sled cannot open: said in words, never a panic.
//!
//! sled 0.34 answers some damage with an error ("Read corrupted data at
//! file offset None") and some with a panic inside `open`. Both become
//! `StoreError::Damaged`, which names the newest backup in `backups/`
//! (for the exact restore command) and, when sled's snapshot file is the
//! damaged part, says so: sled can rebuild its state from the log alone,
//! so moving the snapshot aside (`binalog repair --snapshot`, which keeps
//! the file under another name) may recover everything.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{Result, StoreError, io_error};

/// Where the server's daily backups go, inside the database folder.
pub const BACKUPS_FOLDER: &str = "backups";
/// The prefix a snapshot moved aside gets: sled reads every file whose
/// name starts with `snap.`, so the new name must not.
const MOVED_PREFIX: &str = "damaged-";

/// Runs `open` (sled's open and the first reads), turning a panic or a
/// corruption error into `StoreError::Damaged`. The panic hook is silenced
/// meanwhile so that no backtrace reaches the officer's terminal.
pub(super) fn guarded<T>(path: &Path, open: impl FnOnce() -> Result<T>) -> Result<T> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = catch_unwind(AssertUnwindSafe(open));
    std::panic::set_hook(hook);
    match outcome {
        Ok(result) => result,
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "sled stopped while opening".into());
            Err(damaged(path, detail))
        }
    }
}

/// sled's own word that its files are damaged becomes `Damaged`; a held
/// lock becomes `Locked`; anything else stays an I/O error.
pub(super) fn open_error(path: &Path, e: sled::Error) -> StoreError {
    match &e {
        sled::Error::Io(io) if super::is_lock_error(io) => StoreError::Locked { path: path.to_path_buf() },
        sled::Error::Corruption { .. } | sled::Error::ReportableBug(_) => match StoreError::from(e) {
            StoreError::Corrupt { detail, .. } | StoreError::Io { detail } => damaged(path, detail),
            other => other,
        },
        _ => StoreError::from(e),
    }
}

pub(super) fn damaged(path: &Path, detail: String) -> StoreError {
    StoreError::Damaged {
        path: path.to_path_buf(),
        detail,
        snapshot: damaged_snapshot(path),
        backup: newest_backup(path),
    }
}

/// The snapshot sled reads first (the last `snap.*` by name), if its
/// checksum fails: sled writes the snapshot's bytes, their length (8) and
/// a CRC-32 of the bytes (4), little-endian.
pub fn damaged_snapshot(dir: &Path) -> Option<PathBuf> {
    let newest = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("snap.")))
        .max()?;
    let bytes = std::fs::read(&newest).ok()?;
    if bytes.len() <= 12 {
        return Some(newest);
    }
    let (body, tail) = bytes.split_at(bytes.len() - 12);
    let stored = u32::from_le_bytes(tail[8..].try_into().ok()?);
    (crc32fast::hash(body) != stored).then_some(newest)
}

/// The newest good backup in the database's `backups/` folder, and when
/// it was made: the files newest first, each verified, the first good one.
pub fn newest_backup(dir: &Path) -> Option<(PathBuf, DateTime<Utc>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join(BACKUPS_FOLDER))
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    files.sort();
    files.into_iter().rev().find_map(|(_, path)| super::verify_backup(&path).ok().map(|s| (path, s.created)))
}

/// Moves a damaged snapshot aside, keeping it as `damaged-snap.…`; returns
/// its new name. Refuses when the snapshot is not damaged: an intact one
/// is sled's state and is left alone.
pub fn repair_snapshot(dir: &Path) -> Result<PathBuf> {
    let _owned = lock(dir, true)?;
    let snapshot = damaged_snapshot(dir).ok_or_else(|| StoreError::SnapshotIntact { path: dir.to_path_buf() })?;
    let name = snapshot.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let moved = dir.join(format!("{MOVED_PREFIX}{name}"));
    std::fs::rename(&snapshot, &moved).map_err(io_error)?;
    super::durable::sync_folder(dir).map_err(io_error)?;
    Ok(moved)
}

/// A `flock` on sled's data file, the same lock sled takes: shared while
/// `check` copies the files, exclusive while `repair` renames one. Held
/// until the returned file is dropped; `Locked` if a process owns the
/// database.
pub(crate) fn lock(dir: &Path, exclusive: bool) -> Result<std::fs::File> {
    use std::os::unix::io::AsRawFd;
    let file = std::fs::File::open(dir.join("db")).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => StoreError::Missing { path: dir.to_path_buf() },
        _ => io_error(e),
    })?;
    let mode = if exclusive { libc::LOCK_EX } else { libc::LOCK_SH };
    // SAFETY: flock takes no pointers; the descriptor is open for the call.
    if unsafe { libc::flock(file.as_raw_fd(), mode | libc::LOCK_NB) } != 0 {
        let e = std::io::Error::last_os_error();
        return Err(if e.kind() == std::io::ErrorKind::WouldBlock {
            StoreError::Locked { path: dir.to_path_buf() }
        } else {
            io_error(e)
        });
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A panic inside the open (as sled panics on some damaged files) is
    /// caught and becomes words; the panic hook is restored afterwards.
    #[test]
    fn a_panic_while_opening_becomes_a_damaged_database() {
        let dir = tempfile::tempdir().unwrap();
        let opened: Result<()> = guarded(dir.path(), || panic!("index out of bounds: the len is 0"));
        match opened {
            Err(StoreError::Damaged { path, detail, snapshot, backup }) => {
                assert_eq!(path, dir.path());
                assert_eq!(detail, "index out of bounds: the len is 0");
                assert_eq!((snapshot, backup), (None, None));
            }
            other => panic!("expected Damaged, got {other:?}"),
        }
        assert_eq!(guarded(dir.path(), || Ok(7)).unwrap(), 7);
    }

    #[test]
    fn only_a_snapshot_whose_checksum_fails_is_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let body = b"sled snapshot bytes".to_vec();
        let mut good = body.clone();
        good.extend_from_slice(&(body.len() as u64).to_le_bytes());
        good.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        std::fs::write(dir.path().join("snap.0000000000000010"), &good).unwrap();
        assert_eq!(damaged_snapshot(dir.path()), None);
        // sled reads the last by name: an older damaged one does not count.
        std::fs::write(dir.path().join("snap.0000000000000001"), b"short").unwrap();
        assert_eq!(damaged_snapshot(dir.path()), None);
        good[3] ^= 1;
        std::fs::write(dir.path().join("snap.0000000000000020"), &good).unwrap();
        assert_eq!(damaged_snapshot(dir.path()), Some(dir.path().join("snap.0000000000000020")));
    }
}

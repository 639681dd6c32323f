//! The open database as every user of one process shares it (the server's
//! connections, or a `--direct` program), reopened in place once a write
//! has failed for want of space.
//!
//! Why a reopen: sled 0.34 latches the first failed write (see
//! `Store::has_failed_write`) and refuses every later flush until the
//! database is opened again, so without this a full disk stopped every
//! request until the server was restarted, even after space was freed.
//! What a reopen loses: only what was never flushed, i.e. the change whose
//! write failed, which was refused and never acknowledged.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::{OpenMode, Result, Store, StoreError};

/// How long a reopen waits for the requests still using the old handle to
/// finish, and for sled to let go of its file lock (it does so in its own
/// threads, a moment after the last handle is dropped).
const RELEASE_WAIT: Duration = Duration::from_secs(5);
const RELEASE_POLL: Duration = Duration::from_millis(5);

pub struct SharedStore {
    path: PathBuf,
    /// `None` after a reopen failed (the disk is still full): the next use
    /// tries again.
    current: RwLock<Option<Arc<Store>>>,
}

impl SharedStore {
    pub fn open(path: &Path, mode: OpenMode) -> Result<SharedStore> {
        let store = Store::open(path, mode)?;
        Ok(SharedStore { path: store.path().to_path_buf(), current: RwLock::new(Some(Arc::new(store))) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The store to use now. Callers hold it only for the operation at
    /// hand: a reopen waits for every handle to the old store to go.
    pub fn get(&self) -> Result<Arc<Store>> {
        if let Some(store) = self.current.read().unwrap_or_else(|e| e.into_inner()).as_ref()
            && !store.has_failed_write()
        {
            return Ok(store.clone());
        }
        self.reopen()
    }

    /// Drops the store whose write failed and opens the database again;
    /// behind the write lock, so one thread reopens while the others wait.
    fn reopen(&self) -> Result<Arc<Store>> {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if let Some(store) = current.as_ref()
            && !store.has_failed_write()
        {
            // Another thread reopened it while this one waited.
            return Ok(store.clone());
        }
        let deadline = Instant::now() + RELEASE_WAIT;
        // Only a weak handle is kept: the old store goes with its last user.
        if let Some(old) = current.take().map(|store| Arc::downgrade(&store)) {
            while old.strong_count() > 0 {
                if Instant::now() > deadline {
                    return Err(StoreError::Locked { path: self.path.clone() });
                }
                std::thread::sleep(RELEASE_POLL);
            }
        }
        remove_unfinished_snapshots(&self.path);
        let store = loop {
            match Store::open(&self.path, OpenMode::Existing) {
                Err(StoreError::Locked { .. }) if Instant::now() < deadline => std::thread::sleep(RELEASE_POLL),
                other => break Arc::new(other?),
            }
        };
        *current = Some(store.clone());
        Ok(store)
    }
}

/// Removes the snapshot files sled began and did not finish. sled 0.34
/// writes a snapshot while it opens a database, to `snap.<lsn>.generating`
/// and renames it when complete; but when it next opens the database it
/// takes the newest `snap.*` file, unfinished ones included
/// (`get_snapshot_files` in its config.rs). An open on a full disk leaves
/// such a file, often empty, and every later open would then fail as
/// "corrupted". Without it sled uses the previous snapshot and replays the
/// log from there, which holds everything the unfinished file would have.
fn remove_unfinished_snapshots(folder: &Path) {
    let Ok(files) = std::fs::read_dir(folder) else { return };
    for file in files.flatten() {
        let name = file.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            let _ = std::fs::remove_file(file.path());
        }
    }
}

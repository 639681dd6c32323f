//! The durable step every write passes before it is acknowledged.
//!
//! sled's `flush()` is not enough against a power cut: on Linux it writes
//! its log with `sync_file_range` (sled 0.34.7, `pagecache/iobuf.rs`), which
//! flushes neither the file's size and other metadata nor the disk's write
//! cache, and it creates blob files (`blobs/<lsn>`, values too large for a
//! log segment) without syncing them at all. Its own `sync_all` comes
//! later, from a background thread. So after `flush()` the store calls
//! `fdatasync` on sled's data file `db`, `fsync` on any file sled created
//! since the last round (`blobs/*`, `snap.*`, `conf`), and `fsync` on a
//! folder whose list of names changed (a file created, renamed or removed):
//! only then is a new name itself durable.
//!
//! `Store::write` is the one caller, so every save, correction, import and
//! officer change takes this step before it returns.

use std::collections::BTreeSet;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One step, recorded in tests so that their order can be asserted.
#[cfg(test)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// sled's own flush returned.
    Flushed,
    /// `fdatasync` of `db` returned.
    DataSynced,
    /// `fsync` of a file sled created, by its path inside the database.
    FileSynced(String),
    /// `fsync` of a folder whose names changed ("" is the database folder).
    FolderSynced(String),
}

pub(super) struct Durable {
    dir: PathBuf,
    /// Our own handle on sled's data file: `fdatasync` applies to the file,
    /// whichever descriptor asks. sled locks it with `flock`, which belongs
    /// to sled's descriptor, so opening and closing ours frees nothing.
    data: File,
    /// sled's files as of the last round, relative to `dir`.
    known: Mutex<BTreeSet<String>>,
    #[cfg(test)]
    pub(crate) log: Mutex<Vec<Step>>,
    /// Makes the next rounds fail, as a full or failing disk would.
    #[cfg(test)]
    pub(crate) fail: std::sync::atomic::AtomicBool,
}

/// sled's files in the database folder: other files there (the server's
/// socket and log, `backups/`) are not sled's to sync.
fn sled_files(dir: &Path) -> io::Result<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let ours = name == "db" || name == "conf" || (name.starts_with("snap.") && !name.ends_with(".generating"));
        if ours {
            names.insert(name);
        }
    }
    match std::fs::read_dir(dir.join("blobs")) {
        Ok(blobs) => {
            for entry in blobs {
                names.insert(format!("blobs/{}", entry?.file_name().to_string_lossy()));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    Ok(names)
}

/// `fsync` of a folder: what makes a file's creation, rename or removal
/// in it durable.
pub(crate) fn sync_folder(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

impl Durable {
    /// Starts after sled opened the database; the first round syncs every
    /// file and folder once, since sled may have created them just now.
    pub(super) fn new(dir: &Path) -> io::Result<Durable> {
        Ok(Durable {
            dir: dir.to_path_buf(),
            data: File::open(dir.join("db"))?,
            known: Mutex::new(BTreeSet::new()),
            #[cfg(test)]
            log: Mutex::new(Vec::new()),
            #[cfg(test)]
            fail: std::sync::atomic::AtomicBool::new(false),
        })
    }

    #[cfg(test)]
    fn record(&self, step: Step) {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).push(step);
    }

    #[cfg(test)]
    pub(super) fn flushed(&self) {
        self.record(Step::Flushed);
    }

    /// Syncs sled's data file, the files sled created since the last round
    /// and the folders whose names changed.
    pub(super) fn sync(&self) -> io::Result<()> {
        #[cfg(test)]
        if self.fail.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(io::Error::from_raw_os_error(libc::ENOSPC));
        }
        self.data.sync_data()?;
        #[cfg(test)]
        self.record(Step::DataSynced);
        // One round at a time: a second writer waits here rather than
        // acknowledging before the first round's new files are synced.
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        let now = sled_files(&self.dir)?;
        let mut folders = BTreeSet::new();
        for name in now.difference(&known) {
            let path = self.dir.join(name);
            match File::open(&path) {
                Ok(file) => file.sync_all()?,
                // sled removed it again (an old snapshot, a collected blob).
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            #[cfg(test)]
            self.record(Step::FileSynced(name.clone()));
            folders.insert(folder_of(name));
        }
        for name in known.difference(&now) {
            folders.insert(folder_of(name));
        }
        for folder in folders {
            sync_folder(&self.dir.join(&folder))?;
            #[cfg(test)]
            self.record(Step::FolderSynced(folder.clone()));
        }
        *known = now;
        Ok(())
    }
}

/// The folder of a name relative to the database folder ("" for the folder itself).
fn folder_of(name: &str) -> String {
    name.rsplit_once('/').map(|(folder, _)| folder.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use chrono::{NaiveDate, TimeZone, Utc};

    use super::Step;
    use crate::domain::entry::EntryDraft;
    use crate::domain::officer::Nip;
    use crate::domain::reference_data::reference_data;

    use crate::store::{AuditAction, AuditNote, Change, OpenMode, Store};

    fn note(action: AuditAction) -> AuditNote {
        let at = Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap();
        AuditNote { at, officer: None, action, detail: String::new(), user: "test".into() }
    }

    fn add() -> Change {
        Change::Add(EntryDraft::test_harvest(1, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), "12,5 kg cabai"))
    }

    fn steps(store: &Store) -> Vec<Step> {
        std::mem::take(&mut *store.durable.log.lock().unwrap())
    }

    /// Opening a new database syncs sled's new files and the folder that
    /// names them; each save is then flushed by sled and `fdatasync`ed, in
    /// that order, before `commit` returns with the saved entry.
    #[test]
    fn a_save_is_synced_after_sleds_flush_and_before_it_returns() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), OpenMode::CreateIfMissing).unwrap();
        let opened = steps(&store);
        assert_eq!(opened[..2], [Step::Flushed, Step::DataSynced], "{opened:?}");
        assert!(opened.contains(&Step::FileSynced("db".into())), "{opened:?}");
        assert!(opened.contains(&Step::FileSynced("conf".into())), "{opened:?}");
        assert!(opened.contains(&Step::FolderSynced(String::new())), "{opened:?}");
        store.init_reference(&reference_data(), &note(AuditAction::Initialised)).unwrap();
        steps(&store);

        let nip = Nip::parse("198503122010121001").unwrap();
        let saved = store.commit(&[add()], &nip, note(AuditAction::EntryAdded).at, &note(AuditAction::EntryAdded));
        // What the call left behind by the time it returned: the durable
        // round came after sled's flush, and nothing was left for later.
        assert_eq!(steps(&store), [Step::Flushed, Step::DataSynced]);
        assert_eq!(saved.unwrap().len(), 1);
    }

    /// A save whose sync fails is not acknowledged: the caller gets the
    /// error, never the entry.
    #[test]
    fn a_failed_sync_is_not_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), OpenMode::CreateIfMissing).unwrap();
        store.init_reference(&reference_data(), &note(AuditAction::Initialised)).unwrap();
        store.durable.fail.store(true, Ordering::SeqCst);
        let nip = Nip::parse("198503122010121001").unwrap();
        let saved = store.commit(&[add()], &nip, note(AuditAction::EntryAdded).at, &note(AuditAction::EntryAdded));
        assert_eq!(saved, Err(crate::store::StoreError::DiskFull));
        store.durable.fail.store(false, Ordering::SeqCst);
        let again = store.commit(&[add()], &nip, note(AuditAction::EntryAdded).at, &note(AuditAction::EntryAdded));
        assert_eq!(again.unwrap().len(), 1);
    }

    /// Every write path goes through the same step: an officer change and
    /// an audit record each end with a flush and a sync.
    #[test]
    fn every_write_path_ends_with_the_durable_step() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), OpenMode::CreateIfMissing).unwrap();
        store.init_reference(&reference_data(), &note(AuditAction::Initialised)).unwrap();
        steps(&store);
        store.record_audit(&note(AuditAction::LoginFailed)).unwrap();
        assert_eq!(steps(&store), [Step::Flushed, Step::DataSynced]);
        let officer = crate::domain::officer::Officer {
            nip: Nip::parse("198001012005011001").unwrap(),
            name: "Sari".into(),
            role: crate::domain::officer::Role::Admin,
            pin_hash: String::new(),
            active: true,
            sites: vec![],
            created_at: note(AuditAction::OfficerAdded).at,
            failed_logins: 0,
            locked_until: None,
        };
        store.put_officer(&officer, &note(AuditAction::OfficerAdded)).unwrap();
        assert_eq!(steps(&store), [Step::Flushed, Step::DataSynced]);
    }
}

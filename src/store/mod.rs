//! The only module that knows sled. Trees:
//!
//! | tree        | key                                  | value                  |
//! |-------------|--------------------------------------|------------------------|
//! | meta        | name                                 | schema, counters       |
//! | sites, partners, agreements, programs | id (u32)   | the record             |
//! | officers    | NIP                                  | Officer                |
//! | entries     | entry id, revision                   | Entry (every revision) |
//! | program_days | programme, date                     | the day's entry ids (program_days.rs) |
//! | rollups     | programme, date, kind, unit, item    | Rollup                 |
//! | activity    | programme, date, kind                | Activity (rollup.rs)   |
//! | targets     | programme, year, kind, unit, item    | Target (targets.rs)    |
//! | monthly     | programme, first of month, kind, unit, item | Rollup (a month of `rollups`) |
//! | audit       | sequence number                      | AuditRecord            |
//! | verifications | entry id, revision                 | Verification           |
//! | drafts      | NIP                                  | the officer's unsaved form (records::drafts) |
//! | staging     | import, place                        | EntryDraft (left by older builds: staged drafts are files now, staging_file.rs) |
//! | stock       | programme, month, part               | livestock net / movements (stock.rs) |
//! | changes     | change sequence number               | what changed (changes.rs) |
//! | item_names  | programme, item's key                | the first spelling stored (item_names.rs) |
//!
//! An entry's revisions are numbered from 1 without gaps and are adjacent
//! in `entries`: its current revision is its last key there (no `heads`
//! tree is kept: it was a million keys of sled's page table, see
//! migrate.rs `RETIRED_TREES`).
//! The index points at every entry's current revision, voided ones included;
//! a site's entries are read through its programmes' keys (there is no
//! site index: it was a million keys of sled's page table for three range
//! scans, see migrate.rs `drop_retired_trees`). Rollups count only done, unvoided current revisions. `drafts` came
//! without a schema change: an older build never opens it, and a
//! database without it reads as one with no drafts.

pub mod audit;
mod backup;
pub mod changes;
pub mod check;
pub mod codec;
pub mod damage;
mod drafts;
pub(crate) mod durable;
mod item_names;
pub mod keys;
mod message;
mod migrate;
pub mod program_days;
mod read;
pub mod rollup;
mod rollup_build;
mod shared;
mod staging;
mod staging_file;
pub mod stock;
mod targets;
mod write;

use std::path::{Path, PathBuf};

pub use audit::{AuditAction, AuditNote, AuditRecord};
pub use backup::{BackupDamage, BackupSummary, restore, verify_backup};

/// Pairs written in one sled batch where many are written outside a
/// transaction (a restore, a tree built once). sled holds what a batch
/// replaces until the batch ends, and the pile grows faster than the
/// batch: restoring 100,000 entries peaked at 1.14 GB in batches of
/// 10,000, 492 MB in batches of 2,000, 79 MB in batches of 500 and 87 MB
/// in batches of 200 (a debug build; the million took 11 GB), and the
/// smaller batches were faster too (15.6 s against 11.4 s).
/// tests/restore_memory.rs keeps it so.
pub(crate) const WRITE_BATCH: usize = 500;
pub use changes::Changed;
pub use check::Problem;
pub use read::{ActivityRow, RollupRow};
pub use rollup::{Activity, Rollup};
pub use shared::SharedStore;
pub use staging::ImportId;
pub use write::{Change, Reference, Verification};

use codec::{CodecError, SCHEMA_VERSION};

/// Serializable: a server's store error reaches its client inside the
/// records API's error.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StoreError {
    /// Another process holds the database.
    Locked {
        path: PathBuf,
    },
    /// No database at the path (and we were not asked to create one).
    Missing {
        path: PathBuf,
    },
    /// The database exists but `init` has not run.
    NotInitialised {
        path: PathBuf,
    },
    /// Written by a newer binalog.
    NewerSchema {
        found: u32,
        supported: u32,
    },
    /// A stored value could not be read.
    Corrupt {
        tree: String,
        detail: String,
    },
    /// The revision a change was based on is no longer the current one.
    Conflict {
        current: Box<crate::domain::Entry>,
    },
    /// No entry with that id.
    UnknownEntry {
        id: u64,
    },
    Io {
        detail: String,
    },
    /// The disk (or the user's quota) has no room left: the write that
    /// needed it was not made.
    DiskFull,
    /// The backup destination already exists.
    BackupExists {
        path: PathBuf,
    },
    /// A change would take a daily total past what an i64 holds.
    TotalOverflow,
    /// A backup file that is refused, and why.
    BackupDamaged {
        path: PathBuf,
        damage: BackupDamage,
    },
    /// A restore asked to write into a folder that holds something.
    FolderNotEmpty {
        path: PathBuf,
    },
    /// sled cannot open the database (damage.rs): its words, the damaged
    /// snapshot if that is the damaged part, the newest backup if any.
    Damaged {
        path: PathBuf,
        detail: String,
        snapshot: Option<PathBuf>,
        backup: Option<(PathBuf, chrono::DateTime<chrono::Utc>)>,
    },
    /// `repair --snapshot` on a database whose snapshot is intact.
    SnapshotIntact {
        path: PathBuf,
    },
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> StoreError {
        // sled's text ends with an empty " backtrace ()" in release builds.
        let detail = e.to_string().trim_end_matches(" backtrace ()").to_string();
        match &e {
            sled::Error::Io(io) => StoreError::from_io(io),
            sled::Error::Corruption { .. } => StoreError::Corrupt { tree: "sled".into(), detail },
            _ => StoreError::Io { detail },
        }
    }
}

impl StoreError {
    /// THE place where an operating-system error becomes a store error:
    /// no room to write is told apart, in words, from other failures
    /// (never a debug dump of the OS error). No room is a full disk, a
    /// full quota, or a file grown to the size limit set for the process.
    /// The kind is what counts: sled hands out its latched error as a clone
    /// that keeps the kind but not the OS code (its message is the OS
    /// error's debug text: the dump users saw before).
    pub fn from_io(e: &std::io::Error) -> StoreError {
        use std::io::ErrorKind::{FileTooLarge, QuotaExceeded, StorageFull};
        let full = matches!(e.raw_os_error(), Some(libc::ENOSPC | libc::EDQUOT | libc::EFBIG))
            || matches!(e.kind(), StorageFull | QuotaExceeded | FileTooLarge);
        if full { StoreError::DiskFull } else { StoreError::Io { detail: e.to_string() } }
    }
}

pub(crate) fn io_error(e: std::io::Error) -> StoreError {
    StoreError::from_io(&e)
}

pub(crate) fn corrupt(tree: &str, e: CodecError) -> StoreError {
    StoreError::Corrupt { tree: tree.to_string(), detail: e.to_string() }
}

pub type Result<T> = std::result::Result<T, StoreError>;

pub struct Store {
    path: PathBuf,
    /// Shares sled's latch of a failed write with the open database
    /// (see `has_failed_write`).
    config: sled::Config,
    db: sled::Db,
    meta: sled::Tree,
    sites: sled::Tree,
    partners: sled::Tree,
    agreements: sled::Tree,
    programs: sled::Tree,
    officers: sled::Tree,
    entries: sled::Tree,
    program_days: sled::Tree,
    rollups: sled::Tree,
    monthly: sled::Tree,
    audit: sled::Tree,
    verifications: sled::Tree,
    drafts: sled::Tree,
    activity: sled::Tree,
    targets: sled::Tree,
    item_names: sled::Tree,
    /// The durable step after sled's flush (durable.rs).
    durable: durable::Durable,
    /// Every write holds this shared from its transaction to its durable
    /// step; a backup holds it exclusive while it reads, so it sees no
    /// write half-done and writes wait the moment it takes. Reads never
    /// take it.
    gate: std::sync::RwLock<()>,
    staging: sled::Tree,
    /// The imports this process is staging (staging.rs).
    staged: staging::Staging,
    stock: sled::Tree,
    /// The change feed's numbered changes (changes.rs).
    changes: sled::Tree,
    /// Revisions decoded from `entries` since opening: a plain counter with
    /// no behaviour, so tests can prove a read touched only what it needed.
    entry_reads: std::sync::atomic::AtomicU64,
}

/// sled's page cache, by sled's own count (the memory it takes is several
/// times this): with 64 MiB a server importing 200,000 rows peaked at
/// 190 MB and stayed there, with 16 MiB at 135 MB. On a million entries
/// 16 MiB let `check` peak at 237 MB and a session of browsing hold
/// 162 MB; 4 MiB, 165 MB each, with registers opening in about a
/// millisecond all the same (BENCHMARKS.md, "Scale").
const CACHE_BYTES: u64 = 4 << 20;

/// Debug builds (what `cargo test` runs) take another cache size from this
/// variable, so a test can run `check` in a process whose memory budget is
/// small beside the database; a release build never reads it.
pub const CACHE_ENV: &str = "BINALOG_CACHE_BYTES";

/// sled's cache capacity for every database this process opens.
pub(crate) fn cache_bytes() -> u64 {
    #[cfg(debug_assertions)]
    if let Some(bytes) = std::env::var(CACHE_ENV).ok().and_then(|v| v.parse().ok()) {
        return bytes;
    }
    CACHE_BYTES
}

/// How to open: an existing database only, or create one if absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    Existing,
    CreateIfMissing,
}

impl Store {
    pub fn open(path: &Path, mode: OpenMode) -> Result<Store> {
        let exists = path.join("db").exists() || path.join("conf").exists();
        if !exists && mode == OpenMode::Existing {
            return Err(StoreError::Missing { path: path.to_path_buf() });
        }
        create_private_dir(path).map_err(|e| StoreError::from_io(&e))?;
        damage::guarded(path, || {
            // sled's page cache defaults to 1 GiB and, once filled by an
            // import or a long session, stays that large: the server keeps
            // to a budget.
            let config = sled::Config::new().path(path).cache_capacity(cache_bytes());
            let db = config.open().map_err(|e| damage::open_error(path, e))?;
            let store = Store { config, ..Store::over(db, path)? };
            store.check_schema()?;
            migrate::drop_retired_trees(&store)?;
            store.ensure_identity()?;
            store.ensure_program_days()?;
            store.recover_staging()?;
            store.ensure_activity()?;
            store.ensure_stock()?;
            store.ensure_monthly()?;
            store.ensure_item_names()?;
            store.catch_up_changes()?;
            give_back_memory();
            Ok(store)
        })
    }

    /// Wraps an open sled database. Its failed writes are watched only
    /// when `open` made it (it keeps the config).
    fn over(db: sled::Db, path: &Path) -> Result<Store> {
        let tree = |name: &str| db.open_tree(name);
        Ok(Store {
            path: path.to_path_buf(),
            config: sled::Config::new(),
            meta: tree("meta")?,
            sites: tree("sites")?,
            partners: tree("partners")?,
            agreements: tree("agreements")?,
            programs: tree("programs")?,
            officers: tree("officers")?,
            entries: tree("entries")?,
            program_days: tree(program_days::TREE)?,
            rollups: tree("rollups")?,
            monthly: tree("monthly")?,
            audit: tree("audit")?,
            verifications: tree("verifications")?,
            drafts: tree("drafts")?,
            activity: tree("activity")?,
            targets: tree("targets")?,
            item_names: tree("item_names")?,
            durable: durable::Durable::new(path).map_err(io_error)?,
            gate: std::sync::RwLock::new(()),
            staging: tree("staging")?,
            staged: Default::default(),
            stock: tree("stock")?,
            changes: tree("changes")?,
            entry_reads: Default::default(),
            db,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes every write so far durable: sled's flush, then the durable
    /// step (durable.rs). Nothing is acknowledged before this returns.
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        #[cfg(test)]
        self.durable.flushed();
        self.durable.sync().map_err(io_error)
    }

    /// The one way a change is written: under the write gate, held shared,
    /// and durable before this returns, so that whatever the caller then
    /// acknowledges survives a power cut.
    pub(crate) fn write<T>(&self, change: impl FnOnce() -> Result<T>) -> Result<T> {
        let _shared = self.gate.read().unwrap_or_else(|e| e.into_inner());
        let value = change()?;
        self.flush()?;
        Ok(value)
    }

    /// True once a write of this database has failed (a full disk): sled
    /// 0.34 keeps the first failed write's error in a global slot of its
    /// page cache (`Config::global_error`, set in `pagecache/iobuf.rs`) and
    /// from then on refuses every flush, and so every save, with it. Only
    /// `PageCache::start`, i.e. opening the database again, clears it, so
    /// `SharedStore` reopens a store in this state.
    pub fn has_failed_write(&self) -> bool {
        self.config.global_error().is_err()
    }

    fn check_schema(&self) -> Result<()> {
        let Some(bytes) = self.meta.get(keys::META_SCHEMA)? else {
            // A new, empty database: stamp it with the current schema.
            let stamp = codec::encode(&u32::from(SCHEMA_VERSION));
            return self.write(|| Ok(self.meta.insert(keys::META_SCHEMA, stamp).map(|_| ())?));
        };
        let supported = u32::from(SCHEMA_VERSION);
        let found: u32 = match codec::decode(&bytes) {
            Ok(found) => found,
            // The stamp itself carries its writer's schema: a newer build's
            // is refused as newer, not as damage.
            Err(CodecError::NewerVersion(v)) => return Err(StoreError::NewerSchema { found: v.into(), supported }),
            Err(e) => return Err(corrupt("meta", e)),
        };
        if found > supported {
            return Err(StoreError::NewerSchema { found, supported });
        }
        if found < supported {
            migrate::migrate(self, found)?;
        }
        Ok(())
    }

    /// Gives the database its permanent random identity if it has none
    /// (made before identities existed, or new): backups name it, so a
    /// backup can be told apart from another database's.
    fn ensure_identity(&self) -> Result<()> {
        if self.meta.contains_key(keys::META_IDENTITY)? {
            return Ok(());
        }
        let mut id = [0u8; 16];
        std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom").map_err(io_error)?, &mut id)
            .map_err(io_error)?;
        self.write(|| Ok(self.meta.insert(keys::META_IDENTITY, codec::encode(&id)).map(|_| ())?))
    }

    /// The database's permanent identity, as 32 hex digits.
    pub fn identity(&self) -> Result<String> {
        let bytes = self
            .meta
            .get(keys::META_IDENTITY)?
            .ok_or_else(|| StoreError::Corrupt { tree: "meta".into(), detail: "no identity".into() })?;
        let id: [u8; 16] = codec::decode(&bytes).map_err(|e| corrupt("meta", e))?;
        Ok(hex(&id))
    }

    pub fn is_initialised(&self) -> Result<bool> {
        Ok(self.meta.contains_key(keys::META_INITIALISED)?)
    }

    pub fn require_initialised(&self) -> Result<()> {
        if self.is_initialised()? { Ok(()) } else { Err(StoreError::NotInitialised { path: self.path.clone() }) }
    }
}

/// Hands back to the system the memory sled freed while opening: it reads
/// its whole snapshot (the page table of every page) and builds the table
/// from it, and glibc keeps the freed buffers otherwise. On a million
/// entries a process held 149 MB after opening, 131 MB with this
/// (BENCHMARKS.md, "Scale").
pub(crate) fn give_back_memory() {
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim takes no pointers and only releases free memory.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Bytes as lowercase hex digits, for keys and identities in messages.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates the database folder (and any missing parents) readable by its
/// owner and group only: the records name inmates. The group may reach the
/// server's socket inside; everyone else is kept out of the folder.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if path.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new().recursive(true).mode(0o750).create(path)
}

/// sled reports a held lock as an I/O error whose text names the lock;
/// the OS error is EWOULDBLOCK from flock or fcntl.
fn is_lock_error(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::WouldBlock || e.to_string().contains("could not acquire lock")
}

#[cfg(test)]
mod tests {
    use super::{OpenMode, Store, StoreError, keys};

    #[test]
    fn every_database_has_an_identity_and_one_made_before_identities_gets_one_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), OpenMode::CreateIfMissing).unwrap();
        let first = store.identity().unwrap();
        assert!(first.len() == 32 && first.chars().all(|c| c.is_ascii_hexdigit()), "{first}");
        // As a database from before identities: none stored.
        store.meta.remove(keys::META_IDENTITY).unwrap();
        assert!(store.identity().is_err());
        store.ensure_identity().unwrap();
        let given = store.identity().unwrap();
        assert_ne!(given, first, "random, not derived");
        store.ensure_identity().unwrap();
        assert_eq!(store.identity().unwrap(), given, "permanent once given");
    }

    #[test]
    fn no_room_is_a_full_disk_even_as_sled_hands_out_its_latched_copy() {
        for code in [libc::ENOSPC, libc::EDQUOT, libc::EFBIG] {
            let e = sled::Error::Io(std::io::Error::from_raw_os_error(code));
            // sled keeps the first failed write and returns clones of it.
            assert_eq!(StoreError::from(e.clone()), StoreError::DiskFull, "{code}");
            assert_eq!(StoreError::from(e), StoreError::DiskFull, "{code}");
        }
        let denied = sled::Error::Io(std::io::Error::from_raw_os_error(libc::EACCES));
        assert!(matches!(StoreError::from(denied), StoreError::Io { .. }));
    }
}

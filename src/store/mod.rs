//! The only module that knows sled. Trees:
//!
//! | tree        | key                                  | value                  |
//! |-------------|--------------------------------------|------------------------|
//! | meta        | name                                 | schema, counters       |
//! | sites, partners, agreements, programs | id (u32)   | the record             |
//! | officers    | NIP                                  | Officer                |
//! | entries     | entry id, revision                   | Entry (every revision) |
//! | heads       | entry id                             | current revision       |
//! | by_program  | programme, date, entry id            | (empty)                |
//! | by_site     | site, date, entry id                 | (empty)                |
//! | rollups     | programme, date, kind, unit, item    | Rollup                 |
//! | audit       | sequence number                      | AuditRecord            |
//! | verifications | entry id, revision                 | Verification           |
//!
//! Indexes point at every entry's current revision, voided ones included;
//! rollups count only done, unvoided current revisions.

pub mod audit;
mod backup;
pub mod check;
pub mod codec;
pub mod keys;
mod migrate;
mod read;
pub mod rollup;
mod write;

use std::path::{Path, PathBuf};

pub use audit::{AuditAction, AuditNote, AuditRecord};
pub use backup::BackupReport;
pub use check::Problem;
pub use read::RollupRow;
pub use rollup::Rollup;
pub use write::{Change, Reference, Verification};

use codec::{CodecError, SCHEMA_VERSION};

#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The backup destination already exists.
    BackupExists {
        path: PathBuf,
    },
    /// A change would take a daily total past what an i64 holds.
    TotalOverflow,
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> StoreError {
        StoreError::Io { detail: e.to_string() }
    }
}

pub(crate) fn corrupt(tree: &str, e: CodecError) -> StoreError {
    StoreError::Corrupt { tree: tree.to_string(), detail: e.to_string() }
}

pub type Result<T> = std::result::Result<T, StoreError>;

pub struct Store {
    path: PathBuf,
    db: sled::Db,
    meta: sled::Tree,
    sites: sled::Tree,
    partners: sled::Tree,
    agreements: sled::Tree,
    programs: sled::Tree,
    officers: sled::Tree,
    entries: sled::Tree,
    heads: sled::Tree,
    by_program: sled::Tree,
    by_site: sled::Tree,
    rollups: sled::Tree,
    audit: sled::Tree,
    verifications: sled::Tree,
    /// Revisions decoded from `entries` since opening: a plain counter with
    /// no behaviour, so tests can prove a read touched only what it needed.
    entry_reads: std::sync::atomic::AtomicU64,
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
        create_private_dir(path).map_err(|e| StoreError::Io { detail: e.to_string() })?;
        let db = sled::Config::new().path(path).open().map_err(|e| match &e {
            sled::Error::Io(io) if is_lock_error(io) => StoreError::Locked { path: path.to_path_buf() },
            _ => StoreError::from(e),
        })?;
        let store = Store::over(db, path)?;
        store.check_schema()?;
        Ok(store)
    }

    /// Wraps an open sled database.
    fn over(db: sled::Db, path: &Path) -> Result<Store> {
        let tree = |name: &str| db.open_tree(name);
        Ok(Store {
            path: path.to_path_buf(),
            meta: tree("meta")?,
            sites: tree("sites")?,
            partners: tree("partners")?,
            agreements: tree("agreements")?,
            programs: tree("programs")?,
            officers: tree("officers")?,
            entries: tree("entries")?,
            heads: tree("heads")?,
            by_program: tree("by_program")?,
            by_site: tree("by_site")?,
            rollups: tree("rollups")?,
            audit: tree("audit")?,
            verifications: tree("verifications")?,
            entry_reads: Default::default(),
            db,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes every write so far durable. Nothing is acknowledged before this.
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }

    fn check_schema(&self) -> Result<()> {
        let Some(bytes) = self.meta.get(keys::META_SCHEMA)? else {
            // A new, empty database: stamp it with the current schema.
            self.meta.insert(keys::META_SCHEMA, codec::encode(&u32::from(SCHEMA_VERSION)))?;
            return Ok(());
        };
        let found: u32 = codec::decode(&bytes).map_err(|e| corrupt("meta", e))?;
        let supported = u32::from(SCHEMA_VERSION);
        if found > supported {
            return Err(StoreError::NewerSchema { found, supported });
        }
        if found < supported {
            migrate::migrate(self, found)?;
        }
        Ok(())
    }

    pub fn is_initialised(&self) -> Result<bool> {
        Ok(self.meta.contains_key(keys::META_INITIALISED)?)
    }

    pub fn require_initialised(&self) -> Result<()> {
        if self.is_initialised()? { Ok(()) } else { Err(StoreError::NotInitialised { path: self.path.clone() }) }
    }
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

//! Backups as one file, checked end to end by a SHA-256.
//!
//! What a backup holds: every sled tree's key/value pairs exactly as they
//! are stored (the values are the codec's versioned bytes), not decoded
//! records. A restore so gives back the very database that was copied,
//! counters, indexes, rollups and audit trail included, and `check` then
//! judges the result like any other database.
//!
//! Format version 1, every number big-endian:
//!
//! | bytes | field                                                        |
//! |-------|--------------------------------------------------------------|
//! | 8     | magic `BINALOGB`                                             |
//! | 4     | format version (1)                                           |
//! | 4     | schema of the stored values (`codec::SCHEMA_VERSION`)        |
//! | 16    | database identity (`keys::META_IDENTITY`)                    |
//! | 8     | creation time, milliseconds since 1970-01-01 UTC (signed)    |
//! | 8     | length of the whole file, checksum included                  |
//! | 4     | number of trees                                              |
//! | 8     | number of key/value pairs, all trees                         |
//! | 8     | entries (ids in `entries`; in a backup of a database that    |
//! |       | kept a `heads` tree, its pairs)                              |
//! | 8     | revisions (pairs in `entries`)                               |
//! | 8     | officers                                                     |
//! | 8     | audit records                                                |
//!
//! then each tree, by name in byte order: the name's length (2) and name,
//! then its pairs, each a key length (4), key, value length (4) and value,
//! ended by a key length of `0xFFFFFFFF`; then 32 bytes, the SHA-256 of
//! everything before them.
//!
//! Consistency: the copy is read with the store's write gate held
//! exclusive, so every write either finished (durably) before it or waits
//! until the pairs are read; reads go on. The file is written under a
//! temporary name in the destination's folder, mode 0600, then fsynced,
//! renamed and the folder fsynced, and is verified before it is reported.

use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::codec::SCHEMA_VERSION;
use super::durable::sync_folder;
use super::{Problem, Result, Store, StoreError, hex, io_error, keys};

pub const MAGIC: [u8; 8] = *b"BINALOGB";
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: u64 = 8 + 4 + 4 + 16 + 8 + 8 + 4 + 8 * 5;
const HASH_LEN: u64 = 32;
/// Ends a tree's pairs where the next key length would be.
const END_OF_TREE: u32 = u32::MAX;

/// What a good backup file holds, from its header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub format: u32,
    pub schema: u32,
    /// The database's identity, 32 hex digits.
    pub identity: String,
    pub created: DateTime<Utc>,
    pub bytes: u64,
    pub trees: u32,
    pub pairs: u64,
    pub entries: u64,
    pub revisions: u64,
    pub officers: u64,
    pub audit: u64,
}

/// What is wrong with a backup file that is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BackupDamage {
    /// Not a binalog backup: the first bytes are not `BINALOGB`.
    BadMagic,
    /// Written in a format this binalog does not know.
    UnknownVersion { found: u32 },
    /// The file ends at byte `at`, before its header says it does.
    Truncated { at: u64 },
    /// Some byte changed since the backup was written.
    ChecksumMismatch,
    /// The checksum agrees but the contents do not match their header.
    Malformed { at: u64, detail: String },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Header {
    schema: u32,
    identity: [u8; 16],
    created_ms: i64,
    bytes: u64,
    trees: u32,
    pairs: u64,
    entries: u64,
    revisions: u64,
    officers: u64,
    audit: u64,
    /// While counting: the last entry id seen in `entries`, and the pairs
    /// of a `heads` tree (an earlier build's), whose count was the
    /// entries' when it wrote the backup (`finish_count`).
    last_id: Option<u64>,
    heads: Option<u64>,
}

impl Header {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN as usize);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
        out.extend_from_slice(&self.schema.to_be_bytes());
        out.extend_from_slice(&self.identity);
        out.extend_from_slice(&self.created_ms.to_be_bytes());
        out.extend_from_slice(&self.bytes.to_be_bytes());
        out.extend_from_slice(&self.trees.to_be_bytes());
        for n in [self.pairs, self.entries, self.revisions, self.officers, self.audit] {
            out.extend_from_slice(&n.to_be_bytes());
        }
        out
    }

    /// Reads a header whose magic and version were checked.
    fn decode(b: &[u8]) -> Header {
        let u32_at = |i: usize| u32::from_be_bytes(b[i..i + 4].try_into().expect("4 bytes"));
        let u64_at = |i: usize| u64::from_be_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        Header {
            schema: u32_at(12),
            identity: b[16..32].try_into().expect("16 bytes"),
            created_ms: u64_at(32) as i64,
            bytes: u64_at(40),
            trees: u32_at(48),
            pairs: u64_at(52),
            entries: u64_at(60),
            revisions: u64_at(68),
            officers: u64_at(76),
            audit: u64_at(84),
            ..Header::default()
        }
    }

    /// Counts one pair of tree `name`.
    fn count(&mut self, name: &[u8], key: &[u8]) {
        self.pairs += 1;
        match name {
            b"heads" => *self.heads.get_or_insert(0) += 1,
            b"entries" => {
                self.revisions += 1;
                let id = keys::u64_from(key);
                if self.last_id != id {
                    self.entries += 1;
                    self.last_id = id;
                }
            }
            b"officers" => self.officers += 1,
            b"audit" => self.audit += 1,
            _ => {}
        }
    }

    /// Once every pair is counted: a backup an earlier build wrote counted
    /// its entries as the pairs of `heads`.
    fn finish_count(&mut self) {
        if let Some(heads) = self.heads {
            self.entries = heads;
        }
    }

    fn summary(&self, path: &Path) -> BackupSummary {
        BackupSummary {
            path: path.to_path_buf(),
            format: FORMAT_VERSION,
            schema: self.schema,
            identity: hex(&self.identity),
            created: DateTime::from_timestamp_millis(self.created_ms).unwrap_or_default(),
            bytes: self.bytes,
            trees: self.trees,
            pairs: self.pairs,
            entries: self.entries,
            revisions: self.revisions,
            officers: self.officers,
            audit: self.audit,
        }
    }
}

fn damaged(path: &Path, damage: BackupDamage) -> StoreError {
    StoreError::BackupDamaged { path: path.to_path_buf(), damage }
}

impl Store {
    /// Writes a backup of the whole database to `dest`, a file that must
    /// not exist yet, stamped `at`; returns what the written file holds
    /// once it has been read back and verified.
    pub fn backup_to(&self, dest: &Path, at: DateTime<Utc>) -> Result<BackupSummary> {
        if dest.exists() {
            return Err(StoreError::BackupExists { path: dest.to_path_buf() });
        }
        let folder = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let partial = folder.join(format!(".{name}.{}.partial", std::process::id()));
        let written = self.write_backup(&partial, at).and_then(|()| {
            std::fs::rename(&partial, dest).map_err(io_error)?;
            sync_folder(&folder).map_err(io_error)
        });
        if let Err(e) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        verify_backup(dest)
    }

    fn write_backup(&self, path: &Path, at: DateTime<Utc>) -> Result<()> {
        let file =
            OpenOptions::new().read(true).write(true).create_new(true).mode(0o600).open(path).map_err(io_error)?;
        let identity = self
            .meta
            .get(keys::META_IDENTITY)?
            .ok_or_else(|| StoreError::Corrupt { tree: "meta".into(), detail: "no identity".into() })?;
        let mut header = Header {
            schema: u32::from(SCHEMA_VERSION),
            identity: super::codec::decode(&identity).map_err(|e| super::corrupt("meta", e))?,
            created_ms: at.timestamp_millis(),
            ..Header::default()
        };
        // An import whose applying failed is finished first: a backup
        // holds the trees, not the import's staged file.
        self.finish_committed(true)?;
        let mut out = BufWriter::with_capacity(1 << 16, &file);
        out.write_all(&header.encode()).map_err(io_error)?;
        let mut length = HEADER_LEN;
        {
            // Writes wait from here until every pair is read.
            let _exclusive = self.gate.write().unwrap_or_else(|e| e.into_inner());
            let mut names = self.db.tree_names();
            names.sort();
            for name in names {
                let tree = self.db.open_tree(&name)?;
                let name_len = u16::try_from(name.len()).map_err(|_| StoreError::Io { detail: "tree name".into() })?;
                out.write_all(&name_len.to_be_bytes()).map_err(io_error)?;
                out.write_all(&name).map_err(io_error)?;
                length += 2 + name.len() as u64;
                for kv in tree.iter() {
                    let (k, v) = kv?;
                    for part in [&k, &v] {
                        out.write_all(&(part.len() as u32).to_be_bytes()).map_err(io_error)?;
                        out.write_all(part).map_err(io_error)?;
                        length += 4 + part.len() as u64;
                    }
                    header.count(&name, &k);
                }
                out.write_all(&END_OF_TREE.to_be_bytes()).map_err(io_error)?;
                length += 4;
                header.trees += 1;
                #[cfg(test)]
                if name == b"audit" {
                    self.staged.pauses.reached("backup-copying");
                }
            }
        }
        header.finish_count();
        header.bytes = length + HASH_LEN;
        out.flush().map_err(io_error)?;
        drop(out);
        let mut file = file;
        file.seek(SeekFrom::Start(0)).map_err(io_error)?;
        file.write_all(&header.encode()).map_err(io_error)?;
        // The checksum is taken from the bytes as written, read back.
        file.seek(SeekFrom::Start(0)).map_err(io_error)?;
        let digest = hash_of(&mut (&file).take(length)).map_err(io_error)?;
        file.seek(SeekFrom::End(0)).map_err(io_error)?;
        file.write_all(&digest).map_err(io_error)?;
        file.sync_all().map_err(io_error)
    }
}

fn hash_of(input: &mut impl Read) -> io::Result<[u8; 32]> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            return Ok(hasher.finalize().into());
        }
        hasher.update(&buf[..n]);
    }
}

/// Checks a backup file without writing anything: its magic, format,
/// length, checksum and that its contents agree with its header.
pub fn verify_backup(path: &Path) -> Result<BackupSummary> {
    let (mut file, header) = open_checked(path)?;
    file.seek(SeekFrom::Start(HEADER_LEN)).map_err(io_error)?;
    read_pairs(path, &header, &mut BufReader::new(file), |_, _, _| Ok(()))?;
    Ok(header.summary(path))
}

/// Opens a backup whose magic, version, length and checksum are right.
fn open_checked(path: &Path) -> Result<(File, Header)> {
    let mut file = File::open(path).map_err(io_error)?;
    let len = file.metadata().map_err(io_error)?.len();
    let mut head = Vec::with_capacity(HEADER_LEN as usize);
    (&mut file).take(HEADER_LEN).read_to_end(&mut head).map_err(io_error)?;
    let magic_len = head.len().min(MAGIC.len());
    if head[..magic_len] != MAGIC[..magic_len] {
        return Err(damaged(path, BackupDamage::BadMagic));
    }
    if head.len() < 12 {
        return Err(damaged(path, BackupDamage::Truncated { at: len }));
    }
    let found = u32::from_be_bytes(head[8..12].try_into().expect("4 bytes"));
    if found != FORMAT_VERSION {
        return Err(damaged(path, BackupDamage::UnknownVersion { found }));
    }
    if len < HEADER_LEN + HASH_LEN {
        return Err(damaged(path, BackupDamage::Truncated { at: len }));
    }
    let header = Header::decode(&head);
    file.seek(SeekFrom::Start(0)).map_err(io_error)?;
    let digest = hash_of(&mut (&file).take(len - HASH_LEN)).map_err(io_error)?;
    let mut stored = [0u8; HASH_LEN as usize];
    file.read_exact(&mut stored).map_err(io_error)?;
    if digest != stored {
        // A file shorter than its header says lost its end; anything else
        // changed somewhere.
        let damage =
            if len < header.bytes { BackupDamage::Truncated { at: len } } else { BackupDamage::ChecksumMismatch };
        return Err(damaged(path, damage));
    }
    if len != header.bytes {
        let detail = format!("the header gives {} bytes", header.bytes);
        return Err(damaged(path, BackupDamage::Malformed { at: len, detail }));
    }
    Ok((file, header))
}

/// Reads every tree's pairs after the header, handing each to `pair`,
/// and checks the counts against the header.
fn read_pairs(
    path: &Path,
    header: &Header,
    input: &mut impl Read,
    mut pair: impl FnMut(&[u8], Vec<u8>, Vec<u8>) -> Result<()>,
) -> Result<()> {
    let end = header.bytes - HASH_LEN;
    let mut at = HEADER_LEN;
    let malformed = |at: u64, detail: &str| damaged(path, BackupDamage::Malformed { at, detail: detail.into() });
    let mut take = |at: &mut u64, n: u64| -> Result<Vec<u8>> {
        if *at + n > end {
            return Err(malformed(*at, "a length runs past the end"));
        }
        let mut bytes = vec![0u8; n as usize];
        input.read_exact(&mut bytes).map_err(io_error)?;
        *at += n;
        Ok(bytes)
    };
    let mut counted = Header { bytes: header.bytes, ..Header::default() };
    while at < end {
        let name_len = u16::from_be_bytes(take(&mut at, 2)?.try_into().expect("2 bytes"));
        let name = take(&mut at, u64::from(name_len))?;
        loop {
            let key_len = u32::from_be_bytes(take(&mut at, 4)?.try_into().expect("4 bytes"));
            if key_len == END_OF_TREE {
                break;
            }
            let key = take(&mut at, u64::from(key_len))?;
            let value_len = u32::from_be_bytes(take(&mut at, 4)?.try_into().expect("4 bytes"));
            let value = take(&mut at, u64::from(value_len))?;
            counted.count(&name, &key);
            pair(&name, key, value)?;
        }
        counted.trees += 1;
    }
    counted.finish_count();
    let same = (counted.trees, counted.pairs, counted.entries, counted.revisions, counted.officers, counted.audit)
        == (header.trees, header.pairs, header.entries, header.revisions, header.officers, header.audit);
    if !same {
        return Err(malformed(at, "the counts differ from the header"));
    }
    Ok(())
}

/// Restores a verified backup into `dest`, which must be empty or not
/// exist; returns what it held and what `check` finds in the result.
pub fn restore(file: &Path, dest: &Path) -> Result<(BackupSummary, Vec<Problem>)> {
    let (mut input, header) = open_checked(file)?;
    if header.schema > u32::from(SCHEMA_VERSION) {
        return Err(StoreError::NewerSchema { found: header.schema, supported: u32::from(SCHEMA_VERSION) });
    }
    let existed = dest.exists();
    if existed {
        let empty = std::fs::read_dir(dest).map_err(io_error)?.next().is_none();
        if !empty {
            return Err(StoreError::FolderNotEmpty { path: dest.to_path_buf() });
        }
    }
    super::create_private_dir(dest).map_err(io_error)?;
    let restored = (|| {
        input.seek(SeekFrom::Start(HEADER_LEN)).map_err(io_error)?;
        let db = sled::Config::new().path(dest).cache_capacity(super::cache_bytes()).create_new(!existed).open()?;
        let mut batch = (Vec::new(), sled::Batch::default(), 0usize);
        read_pairs(file, &header, &mut BufReader::new(input), |name, key, value| {
            // A tree an earlier build kept and this one does not (a site
            // index) is not written at all: dropped later, its pages would
            // stay in sled's page table (migrate.rs).
            if super::migrate::RETIRED_TREES.iter().any(|t| t.as_bytes() == name) {
                return Ok(());
            }
            if batch.0 != name {
                if batch.2 > 0 {
                    db.open_tree(&batch.0)?.apply_batch(std::mem::take(&mut batch.1))?;
                }
                batch = (name.to_vec(), sled::Batch::default(), 0);
            }
            batch.1.insert(key, value);
            batch.2 += 1;
            if batch.2 == super::WRITE_BATCH {
                db.open_tree(&batch.0)?.apply_batch(std::mem::take(&mut batch.1))?;
                batch.2 = 0;
            }
            Ok(())
        })?;
        if batch.2 > 0 {
            db.open_tree(&batch.0)?.apply_batch(batch.1)?;
        }
        // Checked through the same handle: reopening the folder in this
        // process could meet the lock sled frees only lazily.
        let store = Store::over(db, dest)?;
        store.flush()?;
        store.check_schema()?;
        // A backup written before the day index has the index a key per
        // entry (not restored: a retired tree): built here from the entries.
        store.ensure_program_days()?;
        store.check()
    })();
    match restored {
        Ok(problems) => Ok((header.summary(file), problems)),
        Err(e) => {
            // The folder was empty: take back what was half written.
            if let Ok(names) = std::fs::read_dir(dest) {
                for entry in names.flatten() {
                    let path = entry.path();
                    let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
                }
            }
            Err(e)
        }
    }
}

impl Store {
    /// The server's daily backup: `name` in `folder` (made mode 0700 if
    /// missing), written and verified as any backup; then the files that
    /// `expired` picks from the folder's names are deleted. A file of that
    /// name already there that does not verify is moved aside, never
    /// overwritten.
    pub fn daily_backup(
        &self,
        folder: &Path,
        name: &str,
        at: DateTime<Utc>,
        expired: impl FnOnce(&[String]) -> Vec<String>,
    ) -> Result<BackupSummary> {
        if !folder.is_dir() {
            std::fs::DirBuilder::new().mode(0o700).create(folder).map_err(io_error)?;
            if let Some(parent) = folder.parent() {
                sync_folder(parent).map_err(io_error)?;
            }
        }
        let dest = folder.join(name);
        if dest.exists() && verify_backup(&dest).is_err() {
            std::fs::rename(&dest, folder.join(format!("{name}.damaged"))).map_err(io_error)?;
        }
        let summary = self.backup_to(&dest, at)?;
        let names: Vec<String> = std::fs::read_dir(folder)
            .map_err(io_error)?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        for old in expired(&names) {
            std::fs::remove_file(folder.join(&old)).map_err(io_error)?;
        }
        sync_folder(folder).map_err(io_error)?;
        Ok(summary)
    }
}

//! The file an import's drafts are staged in (staging.rs): one per
//! import, `import-<number>.staged` in the database folder, each draft
//! its length (u32, little-endian) and its encoding, in place order.
//!
//! Why a file and not a tree: an append costs a write of the bytes, while
//! a sled tree took an insert per draft while staging and a remove per
//! draft while applying, and a scan of it per pass (a quarter of an
//! import's time on a million entries, BENCHMARKS.md "Scale"). Nothing
//! reads the file but the import itself, and it matters only once the
//! import is past its commit point: `sync` makes it durable, data and
//! name, before the commit marker is written.

use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::codec::{decode, encode};
use super::staging::ImportId;
use super::{Result, StoreError, corrupt};
use crate::domain::entry::EntryDraft;

const PREFIX: &str = "import-";

const SUFFIX: &str = ".staged";

/// The file's name in the database folder, as messages name it too.
fn file_name(import: ImportId) -> String {
    format!("{PREFIX}{import}{SUFFIX}")
}

pub(super) fn path(dir: &Path, import: ImportId) -> PathBuf {
    dir.join(file_name(import))
}

/// An import's file being written.
pub(super) struct StagedFile {
    file: File,
    /// Drafts in the file: the next one's place.
    pub(super) drafts: u64,
    /// Bytes in the file after the last whole append.
    len: u64,
}

impl StagedFile {
    pub(super) fn create(dir: &Path, import: ImportId) -> io::Result<StagedFile> {
        // Drafts name inmates: readable by the process's user alone, as a backup is.
        // Appending: a write cut off and cut back (`append`) leaves the
        // next one at the file's end, not after a hole where it was.
        let file = OpenOptions::new().append(true).create_new(true).mode(0o600).open(path(dir, import))?;
        Ok(StagedFile { file, drafts: 0, len: 0 })
    }

    /// Appends drafts (`encoded` by `encode_drafts`) in one write; a
    /// failed write is cut off again, so the file holds whole drafts only.
    pub(super) fn append(&mut self, encoded: &Encoded) -> io::Result<()> {
        if let Err(e) = self.file.write_all(&encoded.bytes) {
            let _ = self.file.set_len(self.len);
            return Err(e);
        }
        self.len += encoded.bytes.len() as u64;
        self.drafts += encoded.drafts;
        Ok(())
    }

    /// Makes the file durable, its contents (`fsync`: data, size) and its
    /// name (an `fsync` of the folder), before a commit marker relies on it.
    pub(super) fn sync(&self, dir: &Path) -> io::Result<()> {
        self.file.sync_all()?;
        super::durable::sync_folder(dir)
    }
}

/// Drafts as the file holds them, made before the file is locked for
/// the write.
pub(super) struct Encoded {
    bytes: Vec<u8>,
    drafts: u64,
}

#[cfg(test)]
impl Encoded {
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

pub(super) fn encode_drafts(drafts: &[EntryDraft]) -> io::Result<Encoded> {
    let mut bytes = Vec::new();
    for draft in drafts {
        let encoded = encode(draft);
        let len = u32::try_from(encoded.len()).map_err(io::Error::other)?;
        bytes.extend_from_slice(&len.to_le_bytes());
        bytes.extend_from_slice(&encoded);
    }
    Ok(Encoded { bytes, drafts: drafts.len() as u64 })
}

/// The drafts of an import's file, in place order.
pub(super) struct StagedDrafts {
    reader: BufReader<File>,
    /// Bytes of the file not read yet.
    left: u64,
}

impl StagedDrafts {
    pub(super) fn open(dir: &Path, import: ImportId) -> Result<StagedDrafts> {
        let file = File::open(path(dir, import)).map_err(|e| damaged(&e.to_string()))?;
        let left = file.metadata().map_err(super::io_error)?.len();
        Ok(StagedDrafts { reader: BufReader::with_capacity(1 << 16, file), left })
    }

    /// The next draft; `None` at the end of the file.
    pub(super) fn next_draft(&mut self) -> Result<Option<EntryDraft>> {
        let mut len = [0u8; 4];
        match self.reader.read_exact(&mut len[..1]) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(super::io_error(e)),
        }
        self.reader.read_exact(&mut len[1..]).map_err(|e| damaged(&e.to_string()))?;
        // A damaged length must not ask for more than the file holds.
        let len = u64::from(u32::from_le_bytes(len));
        if len > self.left.saturating_sub(4) {
            return Err(damaged(&format!("a draft of {len} bytes where {} are left", self.left)));
        }
        self.left = self.left.saturating_sub(4 + len);
        let mut bytes = vec![0u8; len as usize];
        self.reader.read_exact(&mut bytes).map_err(|e| damaged(&e.to_string()))?;
        decode(&bytes).map(Some).map_err(|e| corrupt("staging", e))
    }
}

/// Damage to the staging: a file, or its count against the commit's.
pub(super) fn damaged(detail: &str) -> StoreError {
    StoreError::Corrupt { tree: "staging".into(), detail: detail.into() }
}

/// Damage to an import's staged drafts, with the file's name.
pub(super) fn named(e: StoreError, import: ImportId) -> StoreError {
    match e {
        StoreError::Corrupt { tree, detail } if tree == "staging" => {
            damaged(&format!("{}: {detail}", file_name(import)))
        }
        e => e,
    }
}

/// Removes an import's file; one already gone is no error.
pub(super) fn remove(dir: &Path, import: ImportId) -> Result<()> {
    match std::fs::remove_file(path(dir, import)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(super::io_error(e)),
        _ => Ok(()),
    }
}

/// The imports whose files are in the folder.
pub(super) fn found(dir: &Path) -> Result<Vec<ImportId>> {
    let mut imports = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(super::io_error)? {
        if let Some(import) = import_of(&entry.map_err(super::io_error)?.file_name()) {
            imports.push(import);
        }
    }
    Ok(imports)
}

/// The import whose staged file has this name, if it is one.
pub(super) fn import_of(name: &std::ffi::OsStr) -> Option<ImportId> {
    let number = name.to_str().and_then(|n| n.strip_prefix(PREFIX)).and_then(|n| n.strip_suffix(SUFFIX));
    number.and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write the disk refuses part-way (here: past the file size limit)
    /// is cut off, and the next append follows the last whole draft, with
    /// no hole where the cut-off bytes were. In a process of its own: the
    /// limit holds for every file of the process.
    #[test]
    fn an_append_after_a_failed_one_follows_the_last_whole_draft() {
        const CHILD: &str = "BINALOG_STAGING_APPEND_CHILD";
        let name = "store::staging_file::tests::an_append_after_a_failed_one_follows_the_last_whole_draft";
        if std::env::var_os(CHILD).is_none() {
            let exe = std::env::current_exe().unwrap();
            let out = std::process::Command::new(exe)
                .args(["--exact", name, "--test-threads", "1", "--nocapture"])
                .env(CHILD, "1")
                .output()
                .unwrap();
            let said = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success() && said.contains("1 passed"),
                "{said}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let drafts = crate::store::staging::tests::drafts(6);
        let mut file = StagedFile::create(dir.path(), 7).unwrap();
        file.append(&encode_drafts(&drafts[..2]).unwrap()).unwrap();
        let limit = |bytes: libc::rlim_t| {
            let limit = libc::rlimit { rlim_cur: bytes, rlim_max: libc::RLIM_INFINITY };
            // SAFETY: setrlimit reads the struct it is given, alive for the call.
            assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_FSIZE, &limit) }, 0);
        };
        // SAFETY: ignoring a signal installs no handler code.
        unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
        limit(file.len + 10);
        assert!(file.append(&encode_drafts(&drafts[2..5]).unwrap()).is_err(), "the limit cuts the write short");
        limit(libc::RLIM_INFINITY);
        file.append(&encode_drafts(&drafts[5..]).unwrap()).unwrap();
        assert_eq!(file.drafts, 3);
        let mut read = StagedDrafts::open(dir.path(), 7).unwrap();
        let mut found = Vec::new();
        while let Some(draft) = read.next_draft().unwrap() {
            found.push(draft);
        }
        assert_eq!(found, [&drafts[..2], &drafts[5..]].concat());
    }

    #[test]
    fn a_damaged_length_is_named_damage_not_a_huge_allocation() {
        let dir = tempfile::tempdir().unwrap();
        let draft = crate::store::staging::tests::drafts(1).remove(0);
        let mut file = StagedFile::create(dir.path(), 7).unwrap();
        file.append(&encode_drafts(&[draft.clone(), draft.clone()]).unwrap()).unwrap();
        let mut drafts = StagedDrafts::open(dir.path(), 7).unwrap();
        assert_eq!(drafts.next_draft().unwrap(), Some(draft.clone()));
        assert_eq!(drafts.next_draft().unwrap(), Some(draft));
        assert_eq!(drafts.next_draft().unwrap(), None);
        // The second draft's length made to claim 4 GB.
        let at = path(dir.path(), 7);
        let mut bytes = std::fs::read(&at).unwrap();
        let first = u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize;
        bytes[4 + first..8 + first].copy_from_slice(&u32::MAX.to_le_bytes());
        std::fs::write(&at, bytes).unwrap();
        let mut drafts = StagedDrafts::open(dir.path(), 7).unwrap();
        assert!(drafts.next_draft().unwrap().is_some());
        let Err(StoreError::Corrupt { tree, detail }) = drafts.next_draft() else { panic!("not damage") };
        assert_eq!(tree, "staging");
        assert!(detail.contains("4294967295"), "{detail}");
    }
}

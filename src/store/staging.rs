//! Imports in bounded memory: staged out of sight, then made visible at
//! once.
//!
//! One sled transaction over a whole import holds every write of it in
//! memory until it commits (200,000 rows once left a server at 3.5 GB), so
//! an import goes in three steps instead:
//!
//! 1. Staging. Validated drafts arrive a chunk at a time and are appended
//!    to the import's file in the database folder (staging_file.rs): no
//!    entry, index, rollup or counter changes, so nothing an officer reads
//!    sees them.
//! 2. Commit point. The file is made durable; then one small transaction
//!    takes the import's entry ids from the entry counter and its change
//!    numbers from the change feed's counter, adds the import's rollup
//!    deltas and livestock movements (stock.rs), writes the one audit
//!    record ("N entries imported") and a marker in `meta` naming the
//!    import, its first id and first change number, officer and time.
//!    Once it commits (and is flushed) the import has happened.
//! 3. Applying. The staged drafts become entries, index keys and numbered
//!    changes by plain writes outside any transaction: first the one value
//!    that numbers every entry's change (changes.rs `Fed::Imported`), then
//!    `WRITE_BATCH` drafts at a time, the chunk's index days
//!    (program_days.rs), then its entries, each in key order (a second
//!    thread reads and encodes the next chunk meanwhile). A transaction
//!    per chunk cost far more (sled's transactional insert reads the key
//!    first); sled
//!    batches of 2,000 drafts took the process past 800 MB (sled frees
//!    nothing a batch replaced until the batch ends), and a sled batch is
//!    a hash map in release builds, written in no order, which measured
//!    slower than writing the keys one by one in order. Then the marker
//!    goes, then the file. The caller keeps readers out for this step
//!    (`Local`'s import gate), so nobody sees half of it.
//!
//! A crash or a client gone before step 2 leaves only a staged file, which
//! nothing reads: the session drops it when it ends, and `Store::open`
//! drops whatever a dead process left. A crash during step 3 leaves the
//! marker and the file: `Store::open` applies the import again from its
//! first draft before anything else can read. Every key and value step 3
//! writes follows from the marker and the file alone (the ids and change
//! numbers were reserved at the commit point), so writing one a second time
//! writes what is there already. Applying again in the same process (a
//! failed apply finished before the next import) skips the entries already
//! written, since an officer may have corrected them meanwhile; a chunk's
//! entries are written last, so an entry written means its index key and
//! change are too. The entries, indexes, rollups, change feed and audit
//! record come out exactly as one transaction over the whole import would
//! have made them: ids in draft order from the counter, revision 1, one
//! officer and time.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::Transactional;

use super::audit::AuditNote;
use super::changes::Changed;
use super::codec::{decode, encode};
use super::item_names::NewNames;
use super::program_days::DayIds;
use super::rollup::{Deltas, MonthRollup, Rollup};
use super::staging_file::{self, StagedDrafts, StagedFile};
use super::stock::StockChanges;
use super::write::{append_audit, apply_rollups, finish, new_revision, next_counter};
use super::{Result, Store, StoreError, io_error, keys};
use crate::domain::entry::{EntryDraft, EntryId};
use crate::domain::inventory::{Movement, movements};
use crate::domain::officer::Nip;

/// Livestock movements of staged drafts by programme, with places for ids.
type StagedMoves = std::collections::BTreeMap<crate::domain::reference::ProgramId, Vec<Movement>>;

/// An import being staged.
pub type ImportId = u64;

/// A chunk of an import ready to write: its index days, its entries'
/// keys and values.
type Prepared = (DayIds, Vec<(Vec<u8>, Vec<u8>)>);

/// The legacy `staging` tree's rows applied per transaction.
const APPLY_CHUNK: usize = 2_000;

/// The imports of this process being staged, each with its open file.
#[derive(Default)]
pub(super) struct Staging {
    files: Mutex<HashMap<ImportId, StagedFile>>,
    /// Held while a committed import is applied: one apply at a time.
    applying: Mutex<()>,
    /// Tests stop applying after this many chunks, as a crash would.
    #[cfg(test)]
    stop_after: std::sync::atomic::AtomicUsize,
    /// Tests hold a thread at a named point meanwhile.
    #[cfg(test)]
    pub(super) pauses: tests::Pauses,
}

impl Staging {
    fn lock(&self) -> MutexGuard<'_, HashMap<ImportId, StagedFile>> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a test stops applying before chunk `applied` (from 0).
    fn stops(&self, _applied: usize) -> bool {
        #[cfg(test)]
        {
            let stop = self.stop_after.load(std::sync::atomic::Ordering::SeqCst);
            if stop > 0 && _applied >= stop {
                return true;
            }
        }
        false
    }
}

/// Debug builds name in this variable the point of an import where the
/// process is to die, as a kill or a power cut would stop it
/// (tests/import_crash.rs): `staged` (a chunk staged), `synced` (the
/// staged file durable, no marker yet), `chunk-N` (past the commit point,
/// before the apply's chunk N, from 0), `applied` (every chunk written,
/// the marker still there). The release binary has no such point.
#[cfg(debug_assertions)]
const CRASH_ENV: &str = "BINALOG_TEST_IMPORT_CRASH";

impl Staging {
    /// Dies here, by SIGKILL (no destructor, no flush), if a debug build
    /// was told to (`CRASH_ENV`); a unit test may hold the thread here.
    pub(super) fn point(&self, _point: std::fmt::Arguments) {
        #[cfg(debug_assertions)]
        if std::env::var(CRASH_ENV).is_ok_and(|p| p == _point.to_string()) {
            // SAFETY: kill and getpid take no pointers.
            unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
        }
        #[cfg(test)]
        self.pauses.reached(&_point.to_string());
    }
}

/// The marker of an import past its commit point whose staged drafts are
/// still being made entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applying {
    pub import: ImportId,
    pub first: EntryId,
    pub count: u64,
    /// The change feed's number of the first entry's change.
    pub first_change: u64,
    pub by: Nip,
    pub at: DateTime<Utc>,
}

/// The marker a build that staged into the `staging` tree wrote, with
/// change numbers taken while applying: read only to finish such an
/// import (`finish_staged_tree`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Committing {
    pub import: ImportId,
    pub first: EntryId,
    pub count: u64,
    pub by: Nip,
    pub at: DateTime<Utc>,
}

/// Which pass over a committed import's drafts applies them, for which
/// of its entries are left as they are.
#[derive(Clone, Copy)]
enum Pass {
    /// Right after the commit point: none of them is written.
    First,
    /// Again in the process whose apply failed (a disk error) and went
    /// on: an entry written is whole (its index key and change are written
    /// before it) and may have been corrected since, so it is left.
    InProcess,
    /// At open, after a crash or after a process that failed to apply
    /// ended: sled keeps no order of the writes no flush covered, so each
    /// draft is written again, except an entry that has a later revision.
    AtOpen,
}

fn not_staged(import: ImportId) -> StoreError {
    staging_file::damaged(&format!("import {import} is not being staged"))
}

/// A commit whose count is not the drafts staged (or applied).
fn miscounted(staged: u64, committed: u64) -> StoreError {
    staging_file::damaged(&format!("{staged} drafts staged, {committed} committed"))
}

impl Store {
    /// A new import's number, never one used before in this database, and
    /// its empty file.
    pub fn stage_begin(&self) -> Result<ImportId> {
        let import = self.db.generate_id()?;
        let file = StagedFile::create(&self.path, import).map_err(io_error)?;
        self.staged.lock().insert(import, file);
        Ok(import)
    }

    /// Stages validated drafts at places `first`, `first + 1`, …: the
    /// import's next places, since drafts are staged in order. Not made
    /// durable: staged drafts matter only once the import is committed,
    /// and `stage_commit` syncs them first.
    pub fn stage_drafts(&self, import: ImportId, first: u64, drafts: &[EntryDraft]) -> Result<()> {
        let encoded = staging_file::encode_drafts(drafts).map_err(io_error)?;
        let mut staged = self.staged.lock();
        let file = staged.get_mut(&import).filter(|f| f.drafts == first).ok_or_else(|| not_staged(import))?;
        file.append(&encoded).map_err(io_error)?;
        self.staged.point(format_args!("staged"));
        Ok(())
    }

    /// Whether `import` is being staged in this store: not once it has
    /// ended, nor after the database was opened again (a full disk makes
    /// the server reopen it), which drops every staged import.
    pub fn is_staging(&self, import: ImportId) -> bool {
        self.staged.lock().contains_key(&import)
    }

    /// How many drafts are staged, of every import: none once every
    /// import has ended.
    pub fn staged_rows(&self) -> usize {
        self.staged.lock().values().map(|f| f.drafts as usize).sum::<usize>() + self.staging.len()
    }

    /// Drops an import's staged drafts (an abandoned or refused import).
    pub fn stage_discard(&self, import: ImportId) -> Result<()> {
        self.staged.lock().remove(&import);
        staging_file::remove(&self.path, import)
    }

    /// Makes the `count` drafts staged for `import` (places 0 to count-1)
    /// entries recorded by `by` at `at`, all visible at once to a caller
    /// that keeps readers out meanwhile, with the audit record of `note`.
    /// Returns the new entries' ids. Refused whole, the staged drafts
    /// dropped, if a total would overflow.
    pub fn stage_commit(
        &self,
        import: ImportId,
        count: u64,
        by: &Nip,
        at: DateTime<Utc>,
        note: &AuditNote,
    ) -> Result<std::ops::Range<EntryId>> {
        // A backup copies the trees under the write gate held alone: it
        // waits until the import is applied, or comes before it commits.
        let _writing = self.gate.read().unwrap_or_else(|e| e.into_inner());
        let _applying = self.staged.applying.lock().unwrap_or_else(|e| e.into_inner());
        // An import whose applying failed (a disk error) is finished first:
        // there is one marker, and it must not be overwritten. If it still
        // fails, this import is refused whole: its caller lets go of it.
        if let Err(e) = self.finish_applying(true) {
            self.stage_discard(import)?;
            return Err(e);
        }
        let marker = self.commit_point(import, count, by, at, note)?;
        self.apply_staged(&marker, Pass::First)?;
        Ok(marker.first..marker.first + marker.count)
    }

    /// Step 2: past this the import has happened, whatever stops the
    /// process before it is applied.
    fn commit_point(
        &self,
        import: ImportId,
        count: u64,
        by: &Nip,
        at: DateTime<Utc>,
        note: &AuditNote,
    ) -> Result<Applying> {
        let file = self.staged.lock().remove(&import).ok_or_else(|| not_staged(import))?;
        let found =
            if file.drafts == count { self.staged_deltas(import, by, at) } else { Err(miscounted(file.drafts, count)) };
        // The staged drafts must be durable before the marker that relies on them.
        let (deltas, moves, names) =
            match found.and_then(|found| file.sync(&self.path).map_err(io_error).map(|_| found)) {
                Ok(found) => found,
                Err(e) => {
                    self.stage_discard(import)?;
                    return Err(e);
                }
            };
        drop(file);
        self.staged.point(format_args!("synced"));
        let (days, months) = (deltas.wide(), deltas.monthly());
        let trees =
            (&self.meta, &self.rollups, &self.audit, &self.stock, &self.monthly, &self.activity, &self.item_names);
        let committed = finish(trees.transaction(|(meta, rollups, audit, stock, monthly, activity, item_names)| {
            let first = next_counter(meta, keys::META_NEXT_ENTRY, 1, count)?;
            // The changes are numbered now, so that applying writes the same
            // keys however often it runs.
            let first_change = next_counter(meta, keys::META_NEXT_CHANGE, 1, count)?;
            // The movements were staged under their places: ids now known.
            let mut changes = StockChanges::default();
            for (program, moves) in &moves {
                let with_ids = moves.iter().map(|m| Movement { id: first + m.id, ..m.clone() }).collect();
                changes.add_moves(*program, with_ids);
            }
            changes.write(stock)?;
            apply_rollups::<Rollup>(rollups, &days)?;
            apply_rollups::<MonthRollup>(monthly, &months)?;
            deltas.write_activity(activity)?;
            names.write(item_names)?;
            append_audit(meta, audit, note, vec![])?;
            let marker = Applying { import, first, count, first_change, by: by.clone(), at };
            meta.insert(keys::META_IMPORT_APPLYING, encode(&marker))?;
            Ok(marker)
        }));
        match committed {
            Ok(marker) => {
                self.flush()?;
                Ok(marker)
            }
            Err(e) => {
                self.stage_discard(import)?;
                Err(e)
            }
        }
    }

    /// The rollup changes the staged drafts will make, read a draft at a
    /// time: as many keys as the import has distinct days and items; and
    /// the livestock movements they will make, each under its place (its
    /// id less the first id, known only at the commit point); and the
    /// spellings of the items they bring (item_names.rs).
    fn staged_deltas(&self, import: ImportId, by: &Nip, at: DateTime<Utc>) -> Result<(Deltas, StagedMoves, NewNames)> {
        let mut deltas = Deltas::default();
        let mut moves = StagedMoves::new();
        let mut names = NewNames::default();
        let mut drafts = StagedDrafts::open(&self.path, import)?;
        let mut place = 0;
        while let Some(draft) = drafts.next_draft()? {
            let entry = new_revision(place, 1, None, draft, false, String::new(), by, at);
            place += 1;
            deltas.apply(&entry, 1)?;
            names.note(&entry);
            let found = movements(&entry);
            if !found.is_empty() {
                moves.entry(entry.draft.program).or_default().extend(found);
            }
        }
        Ok((deltas, moves, names))
    }

    /// Step 3: the staged drafts of a committed import become entries,
    /// index keys and changes, a chunk at a time; then the
    /// marker goes, then the file. `pass` says which entries already
    /// written are left as they are.
    fn apply_staged(&self, marker: &Applying, pass: Pass) -> Result<()> {
        let programs = self.program_ids()?;
        // The import's changes, one value for them all, before any entry
        // (none for an import of nothing: its number is the next change's).
        if marker.count > 0 {
            self.feed_import(marker.first_change, marker.first, marker.count)?;
        }
        let drafts = StagedDrafts::open(&self.path, marker.import)?;
        // One thread reads, checks and encodes the drafts a chunk ahead
        // while this one writes the chunk before: sled's inserts are most
        // of an apply, and the second core takes the rest. The writes, and
        // their order, are those of one thread doing both.
        std::thread::scope(|scope| {
            let (send, chunks) = std::sync::mpsc::sync_channel(1);
            let reader = scope.spawn(move || self.prepare_chunks(drafts, marker, pass, &programs, send));
            let mut chunks = chunks.into_iter();
            // Before each chunk, and once more after the last (as before
            // the end was known), a test's crash or stop may come.
            for applied in 0.. {
                self.staged.point(format_args!("chunk-{applied}"));
                if self.staged.stops(applied) {
                    return Err(StoreError::Io { detail: "stopped by the test".into() });
                }
                let Some((days, revisions)) = chunks.next() else { break };
                // Entries last: an entry written means its index key is.
                days.write(&self.program_days)?;
                for (key, value) in revisions {
                    self.entries.insert(key, value)?;
                }
            }
            drop(chunks);
            reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })?;
        self.staged.point(format_args!("applied"));
        self.flush()?;
        self.meta.remove(keys::META_IMPORT_APPLYING)?;
        self.flush()?;
        staging_file::remove(&self.path, marker.import)
    }

    /// Reads the staged drafts a chunk at a time (see the module's step
    /// 3) and sends each as its index days and encoded entries, until the
    /// file ends or the writer stops taking them. Fails on a draft past
    /// the commit's count, or a file shorter than it, or a programme that
    /// is not there: damage, found before the writes it would cause.
    fn prepare_chunks(
        &self,
        mut drafts: StagedDrafts,
        marker: &Applying,
        pass: Pass,
        programs: &std::collections::HashSet<crate::domain::reference::ProgramId>,
        send: std::sync::mpsc::SyncSender<Prepared>,
    ) -> Result<()> {
        let mut place = 0;
        loop {
            let (mut days, mut revisions) = (DayIds::default(), Vec::new());
            let mut read = 0;
            while read < super::WRITE_BATCH
                && let Some(draft) = drafts.next_draft()?
            {
                read += 1;
                let id = marker.first + place;
                place += 1;
                // The ids past the commit's are other entries'.
                if place > marker.count {
                    return Err(miscounted(place, marker.count));
                }
                if !programs.contains(&draft.program) {
                    let detail = format!("no programme {}", draft.program);
                    return Err(StoreError::Corrupt { tree: "programs".into(), detail });
                }
                if self.written(id, pass)? {
                    continue;
                }
                let entry = new_revision(id, 1, None, draft, false, String::new(), &marker.by, marker.at);
                days.add(entry.draft.program, entry.draft.date, id);
                revisions.push((keys::revision(id, 1), encode(&entry)));
            }
            if read == 0 {
                break;
            }
            if send.send((days, revisions)).is_err() {
                // The writer stopped (a write failed): it says why.
                return Ok(());
            }
        }
        if place != marker.count {
            return Err(miscounted(place, marker.count));
        }
        Ok(())
    }

    /// Whether the entry `id` of an import is left as it is on this pass.
    fn written(&self, id: EntryId, pass: Pass) -> Result<bool> {
        Ok(match pass {
            Pass::First => false,
            Pass::InProcess => self.entries.contains_key(keys::revision(id, 1))?,
            // A later revision was made from this one, after its index key
            // and change were written: writing them again would bring back
            // the index key a correction to another day or programme took.
            Pass::AtOpen => self.entries.range(keys::revision(id, 2)..=keys::revision(id, u32::MAX)).next().is_some(),
        })
    }

    /// The first change number of an import past its commit point that
    /// is not applied whole, if there is one.
    pub(super) fn import_changes_unwritten(&self) -> Result<Option<u64>> {
        let Some(bytes) = self.meta.get(keys::META_IMPORT_APPLYING)? else { return Ok(None) };
        let marker: Applying = decode(&bytes).map_err(|e| super::corrupt("meta", e))?;
        Ok(Some(marker.first_change))
    }

    /// Applies the import past its commit point that was not applied
    /// whole, if there is one.
    /// `in_process`: the apply failed in this process (which went on), not
    /// in one a crash stopped.
    pub(super) fn finish_committed(&self, in_process: bool) -> Result<()> {
        let applying = match self.staged.applying.try_lock() {
            Ok(applying) => applying,
            Err(_) => {
                #[cfg(test)]
                self.staged.pauses.reached("finish-waits");
                self.staged.applying.lock().unwrap_or_else(|e| e.into_inner())
            }
        };
        let finished = self.finish_applying(in_process);
        drop(applying);
        finished
    }

    /// `finish_committed`, the apply's lock held.
    fn finish_applying(&self, in_process: bool) -> Result<()> {
        if let Some(bytes) = self.meta.get(keys::META_IMPORT_APPLYING)? {
            let marker: Applying = decode(&bytes).map_err(|e| super::corrupt("meta", e))?;
            let pass = if in_process { Pass::InProcess } else { Pass::AtOpen };
            self.apply_staged(&marker, pass).map_err(|e| staging_file::named(e, marker.import))?;
        }
        self.finish_staged_tree()
    }

    /// Finishes an import that an older build committed from the `staging`
    /// tree and did not apply whole: a transaction per chunk, each taking
    /// its change numbers and removing the staged rows it applied.
    fn finish_staged_tree(&self) -> Result<()> {
        let Some(bytes) = self.meta.get(keys::META_IMPORT_COMMITTING)? else { return Ok(()) };
        let marker: Committing = decode(&bytes).map_err(|e| super::corrupt("meta", e))?;
        let prefix = marker.import.to_be_bytes();
        loop {
            let mut rows = Vec::with_capacity(APPLY_CHUNK);
            for row in self.staging.scan_prefix(prefix).take(APPLY_CHUNK) {
                let (key, value) = row?;
                let place = keys::u64_from(&key[8..])
                    .ok_or_else(|| StoreError::Corrupt { tree: "staging".into(), detail: "short key".into() })?;
                let draft: EntryDraft = decode(&value).map_err(|e| super::corrupt("staging", e))?;
                let id = marker.first + place;
                rows.push((key, new_revision(id, 1, None, draft, false, String::new(), &marker.by, marker.at)));
            }
            if rows.is_empty() {
                break;
            }
            let trees = (&self.entries, &self.program_days, &self.staging, &self.meta, &self.changes);
            finish(trees.transaction(|(entries, program_days, staging, meta, fed)| {
                for (key, entry) in &rows {
                    let d = &entry.draft;
                    entries.insert(keys::revision(entry.id, entry.revision), encode(entry))?;
                    let what = Changed::Revision { id: entry.id, revision: entry.revision };
                    super::changes::note_change(meta, fed, &what)?;
                    super::program_days::add(program_days, d.program, d.date, entry.id)?;
                    staging.remove(key)?;
                }
                Ok(())
            }))?;
        }
        self.meta.remove(keys::META_IMPORT_COMMITTING)?;
        self.flush()
    }

    /// At open, before anything reads: finishes an import a crash stopped
    /// past its commit point, and drops every other staged draft (imports
    /// whose session ended with the process that held the database).
    pub(super) fn recover_staging(&self) -> Result<()> {
        // The import cannot be finished, and no command can run on a
        // database that does not open: the words say to restore a backup.
        self.finish_committed(false).map_err(|e| match e {
            StoreError::Corrupt { tree, detail } if tree == "staging" => super::damage::damaged(&self.path, detail),
            e => e,
        })?;
        for import in staging_file::found(&self.path)? {
            staging_file::remove(&self.path, import)?;
        }
        if !self.staging.is_empty() {
            self.staging.clear()?;
            self.flush()?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::domain::Kind;
    use crate::domain::entry::{Quantity, Status};
    use crate::domain::reference_data::reference_data;
    use crate::store::{AuditAction, Change, OpenMode};

    use std::sync::mpsc::{Receiver, Sender, channel};

    /// Where a held thread says it arrived, and waits for its go.
    type Held = (Sender<String>, Receiver<()>);

    /// Points where a test holds the next thread that reaches them.
    #[derive(Default)]
    pub(in crate::store) struct Pauses {
        armed: Mutex<HashMap<String, Held>>,
    }

    impl Pauses {
        /// The next thread at `point` says so on `told`, then waits until
        /// the returned sender says go (or is dropped).
        pub(in crate::store) fn arm(&self, point: &str, told: &Sender<String>) -> Sender<()> {
            let (go, wait) = channel();
            self.armed.lock().unwrap().insert(point.into(), (told.clone(), wait));
            go
        }

        pub(in crate::store) fn reached(&self, point: &str) {
            let armed = self.armed.lock().unwrap_or_else(|e| e.into_inner()).remove(point);
            if let Some((told, wait)) = armed {
                let _ = told.send(point.into());
                let _ = wait.recv();
            }
        }
    }

    fn at() -> DateTime<Utc> {
        "2026-03-10T02:00:00Z".parse().unwrap()
    }

    fn nip() -> Nip {
        Nip::parse("198507142009121001").unwrap()
    }

    fn note(detail: &str) -> AuditNote {
        AuditNote {
            at: at(),
            officer: Some(nip()),
            action: AuditAction::Imported,
            detail: detail.into(),
            user: "t".into(),
        }
    }

    fn store(dir: &std::path::Path) -> Store {
        let store = Store::open(dir, OpenMode::CreateIfMissing).unwrap();
        store.init_reference(&reference_data(), &note("init")).unwrap();
        store
    }

    /// Drafts over several programmes, days, items and statuses.
    pub(in crate::store) fn drafts(n: usize) -> Vec<EntryDraft> {
        (0..n)
            .map(|i| EntryDraft {
                program: [1, 5][i % 2],
                date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1 + (i % 9) as u32).unwrap(),
                kind: Kind::Harvest,
                quantities: vec![Quantity::parse(&format!("{} kg {}", i % 17 + 1, ["cabai", "tomat"][i % 2])).unwrap()],
                participants: 3,
                officers: 0,
                cadets: 0,
                notes: String::new(),
                status: if i.is_multiple_of(7) { Status::Pending } else { Status::Done },
            })
            .collect()
    }

    /// Every key and value of the trees an import writes, the counters it
    /// moves, and the audit records without their time.
    fn contents(store: &Store) -> Vec<Vec<(Vec<u8>, Vec<u8>)>> {
        let dump =
            |tree: &sled::Tree| tree.iter().map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap()).collect();
        let counter = |key: &[u8]| (key.to_vec(), store.meta.get(key).unwrap().map(|v| v.to_vec()).unwrap_or_default());
        let audit = store.audit_records().unwrap().into_iter();
        let audit = audit.map(|r| {
            (r.seq.to_be_bytes().to_vec(), format!("{:?} {} {:?}", r.action, r.detail, r.entries).into_bytes())
        });
        vec![
            dump(&store.entries),
            dump(&store.program_days),
            dump(&store.rollups),
            dump(&store.monthly),
            dump(&store.activity),
            dump(&store.stock),
            dump(&store.item_names),
            // The feed as its readers see it: a change per number (an
            // import stores one value for all of its entries).
            store
                .changes_after(0, usize::MAX)
                .unwrap()
                .into_iter()
                .map(|(seq, what)| (seq.to_be_bytes().to_vec(), format!("{what:?}").into_bytes()))
                .collect(),
            vec![counter(keys::META_NEXT_ENTRY), counter(keys::META_NEXT_CHANGE), counter(keys::META_CHANGES_AUDIT)],
            audit.collect(),
        ]
    }

    /// Nothing staged is left: no file, no row, no marker.
    fn nothing_staged(store: &Store) {
        assert_eq!(store.staged_rows(), 0);
        assert_eq!(staging_file::found(&store.path).unwrap(), Vec::<ImportId>::new());
        assert!(store.meta.get(keys::META_IMPORT_APPLYING).unwrap().is_none());
        assert!(store.meta.get(keys::META_IMPORT_COMMITTING).unwrap().is_none());
    }

    /// A store holding 10 entries, then an import of 4,490 in one
    /// transaction: what every staged import below must come to.
    fn reference(dir: &std::path::Path, drafts: &[EntryDraft]) -> Store {
        let reference = store(dir);
        let changes: Vec<Change> = drafts.iter().cloned().map(Change::Add).collect();
        reference.commit(&changes[..10], &nip(), at(), &note("before")).unwrap();
        reference.commit(&changes[10..], &nip(), at(), &note("4490 entries")).unwrap();
        reference
    }

    /// A store holding the same 10 entries as `reference`, and the other
    /// 4,490 drafts staged.
    fn with_staged(dir: &std::path::Path, drafts: &[EntryDraft]) -> (Store, ImportId) {
        let store = store(dir);
        let changes: Vec<Change> = drafts[..10].iter().cloned().map(Change::Add).collect();
        store.commit(&changes, &nip(), at(), &note("before")).unwrap();
        let import = staged(&store, &drafts[10..]);
        (store, import)
    }

    /// A store as `with_staged` leaves it, whose import's apply then
    /// failed after two chunks (a disk error) in a process that goes on.
    fn failed_apply(dir: &std::path::Path, drafts: &[EntryDraft]) -> Store {
        let (store, import) = with_staged(dir, drafts);
        store.staged.stop_after.store(2, std::sync::atomic::Ordering::SeqCst);
        assert!(store.stage_commit(import, 4_490, &nip(), at(), &note("4490 entries")).is_err());
        store.staged.stop_after.store(0, std::sync::atomic::Ordering::SeqCst);
        store
    }

    /// Entry 11 (the import's first) corrected to another day: its draft.
    fn move_entry_11(store: &Store, drafts: &[EntryDraft]) -> EntryDraft {
        let moved = EntryDraft { date: chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(), ..drafts[10].clone() };
        let correct = Change::Correct { id: 11, base: 1, draft: moved.clone(), reason: "salah tanggal".into() };
        store.commit(&[correct], &nip(), at(), &note("corrected")).unwrap();
        moved
    }

    /// Entry 11 is indexed under its corrected day, not its first.
    fn indexed_as_corrected(store: &Store, drafts: &[EntryDraft], moved: &EntryDraft) {
        let old_key = keys::dated(drafts[10].program, drafts[10].date, 11);
        let index = &store.program_days;
        assert!(!super::super::program_days::contains(index, &old_key).unwrap(), "the old index key stays gone");
        assert!(super::super::program_days::contains(index, &keys::dated(moved.program, moved.date, 11)).unwrap());
    }

    fn staged(store: &Store, drafts: &[EntryDraft]) -> ImportId {
        let import = store.stage_begin().unwrap();
        for (n, chunk) in drafts.chunks(1_000).enumerate() {
            store.stage_drafts(import, (n * 1_000) as u64, chunk).unwrap();
        }
        import
    }

    /// An import's changes are one value in the tree, read as a change per
    /// number: from any number, a page of any size, is the same stretch of
    /// the feed read at once.
    #[test]
    fn an_import_is_one_value_of_the_feed_read_as_a_change_per_number() {
        let dir = tempfile();
        let drafts = drafts(60);
        let (store, import) = with_staged(dir.path(), &drafts);
        let before = store.changes.len();
        let ids = store.stage_commit(import, 50, &nip(), at(), &note("50 entries")).unwrap();
        store.commit(&[Change::Add(drafts[0].clone())], &nip(), at(), &note("after")).unwrap();
        assert_eq!(store.changes.len(), before + 2, "the import's one value, and the entry after it");

        let all = store.changes_after(0, usize::MAX).unwrap();
        let numbers: Vec<u64> = all.iter().map(|(seq, _)| *seq).collect();
        assert_eq!(numbers, (1..=all.len() as u64).collect::<Vec<_>>(), "a change per number, no gap");
        assert_eq!(store.last_change().unwrap(), all.len() as u64);
        let imported: Vec<Changed> = ids.clone().map(|id| Changed::Revision { id, revision: 1 }).collect();
        let at_import = all.iter().position(|(_, c)| *c == imported[0]).unwrap();
        let read: Vec<Changed> = all[at_import..at_import + 50].iter().map(|(_, c)| c.clone()).collect();
        assert_eq!(read, imported);
        assert_eq!(all.last().unwrap().1, Changed::Revision { id: ids.end, revision: 1 });

        let paged = |store: &Store| {
            for after in 0..=all.len() as u64 {
                for limit in [1, 2, 7, 1_000] {
                    let from = after as usize;
                    let expected: Vec<_> = all[from..(from + limit).min(all.len())].to_vec();
                    assert_eq!(store.changes_after(after, limit).unwrap(), expected, "after {after}, {limit}");
                }
            }
        };
        paged(&store);
        // An earlier build stopped applying the import had written a key
        // of its own for some entries: writing the import's value again
        // (as the next open finishes such an import) takes them away.
        for (seq, one) in &all[at_import + 1..at_import + 4] {
            store.changes.insert(seq.to_be_bytes(), super::super::changes::as_schema_4(one)).unwrap();
        }
        store.feed_import(all[at_import].0, ids.start, 50).unwrap();
        assert_eq!(store.changes.len(), before + 2);
        paged(&store);
    }

    #[test]
    fn a_staged_import_equals_one_transaction_and_a_crash_past_the_commit_point_is_finished_at_open() {
        let (one, chunked, crashed) = (tempfile(), tempfile(), tempfile());
        let drafts = drafts(4_500);
        let reference = reference(one.path(), &drafts);

        let (a, import) = with_staged(chunked.path(), &drafts);
        assert_eq!(a.entry_count(), 10, "staged drafts are not entries");
        let ids = a.stage_commit(import, 4_490, &nip(), at(), &note("4490 entries")).unwrap();
        assert_eq!(ids, 11..4_501);
        assert_eq!(contents(&a), contents(&reference));
        nothing_staged(&a);
        assert_eq!(a.check().unwrap(), vec![]);

        // Stopped right after the commit point: the next open applies it.
        let (b, import) = with_staged(crashed.path(), &drafts);
        let fed = b.last_change().unwrap();
        let marker = b.commit_point(import, 4_490, &nip(), at(), &note("4490 entries")).unwrap();
        assert_eq!(marker.first_change, fed + 1, "the change numbers are taken at the commit point");
        assert_eq!(b.last_change().unwrap(), fed, "and written when applied");
        assert_eq!(b.entry_count(), 10, "past the commit point, not yet applied");
        drop(b);
        let b = reopened(crashed.path());
        assert_eq!(contents(&b), contents(&reference));
        nothing_staged(&b);
        assert_eq!(b.check().unwrap(), vec![]);
    }

    /// Applying goes in chunks outside any transaction: a crash between
    /// two of them (or after the last, before the marker goes) leaves
    /// part of the import written, and the next open writes it all again
    /// to the same end as one transaction.
    #[test]
    fn a_crash_between_two_chunks_of_the_apply_is_finished_at_open_with_the_same_result() {
        let one = tempfile();
        let drafts = drafts(4_500);
        let reference = contents(&reference(one.path(), &drafts));
        // 4,490 drafts are 9 chunks: stopped after the first, in the
        // middle, and after the last.
        for stop in [1, 5, 9] {
            let dir = tempfile();
            let (store, import) = with_staged(dir.path(), &drafts);
            store.staged.stop_after.store(stop, std::sync::atomic::Ordering::SeqCst);
            let stopped = store.stage_commit(import, 4_490, &nip(), at(), &note("4490 entries"));
            assert!(stopped.is_err(), "stopped after {stop} chunks");
            let written = (stop * super::super::WRITE_BATCH).min(4_490);
            assert_eq!(store.entry_count(), 10 + written, "stopped after {stop} chunks");
            store.flush().unwrap();
            drop(store);
            let store = reopened(dir.path());
            assert_eq!(contents(&store), reference, "stopped after {stop} chunks");
            nothing_staged(&store);
            assert_eq!(store.check().unwrap(), vec![]);
        }
    }

    /// An apply that failed in a process that goes on is finished before
    /// its next import; an entry of it corrected meanwhile stays corrected.
    #[test]
    fn a_failed_apply_is_finished_before_the_next_import_keeping_what_was_changed_since() {
        let dir = tempfile();
        let drafts = drafts(4_500);
        let store = failed_apply(dir.path(), &drafts);
        // The feed stops before the import's first change number, written
        // or not, until it is finished: a consumer never passes a hole.
        let fed_before = store.changes_after(0, usize::MAX).unwrap();
        let first_change = store.import_changes_unwritten().unwrap().expect("the import is not finished");
        assert!(fed_before.iter().all(|(seq, _)| *seq < first_change), "{fed_before:?}");
        assert!(store.changes.range(first_change.to_be_bytes()..).next().is_some(), "some were written");
        let moved = move_entry_11(&store, &drafts);

        let next = staged(&store, &drafts[..3]);
        let ids = store.stage_commit(next, 3, &nip(), at(), &note("3 entries")).unwrap();
        assert_eq!(ids, 4_501..4_504);
        assert_eq!(store.entry_count(), 4_503);
        indexed_as_corrected(&store, &drafts, &moved);
        nothing_staged(&store);
        assert_eq!(store.check().unwrap(), vec![]);
        // Finished: the feed numbers every change once, without a gap.
        let fed: Vec<u64> = store.changes_after(0, usize::MAX).unwrap().into_iter().map(|(seq, _)| seq).collect();
        assert_eq!(fed, (1..=store.last_change().unwrap()).collect::<Vec<_>>());
        assert!(fed.len() > fed_before.len() + 4_490);
    }

    /// An apply that failed in a process that went on, an entry of it
    /// corrected (moved to another day) meanwhile, then the process ends
    /// before another import: the next open finishes the import and keeps
    /// the correction, its old index key gone.
    #[test]
    fn a_failed_apply_finished_at_the_next_open_keeps_what_was_changed_since() {
        let dir = tempfile();
        let drafts = drafts(4_500);
        let store = failed_apply(dir.path(), &drafts);
        let moved = move_entry_11(&store, &drafts);
        drop(store);

        let store = reopened(dir.path());
        assert_eq!(store.entry_count(), 4_500);
        indexed_as_corrected(&store, &drafts, &moved);
        nothing_staged(&store);
        assert_eq!(store.check().unwrap(), vec![]);
    }

    /// A staged file holding more drafts than its import committed (bytes
    /// added to it, another import's file put in its place) writes no
    /// entry past the ids and change numbers the commit reserved: those
    /// belong to the entries made after it.
    #[test]
    fn a_staged_file_longer_than_its_commit_writes_nothing_past_what_was_reserved() {
        let dir = tempfile();
        let drafts = drafts(4_500);
        let (store, import) = with_staged(dir.path(), &drafts);
        let marker = store.commit_point(import, 4_490, &nip(), at(), &note("4490 entries")).unwrap();
        let extra = staging_file::encode_drafts(&drafts[..3]).unwrap();
        let mut file = std::fs::OpenOptions::new().append(true).open(staging_file::path(dir.path(), import)).unwrap();
        std::io::Write::write_all(&mut file, extra.bytes()).unwrap();
        drop(file);
        let refused = store.apply_staged(&marker, Pass::First);
        assert!(matches!(refused, Err(StoreError::Corrupt { .. })), "{refused:?}");
        let past = marker.first + marker.count;
        assert!(store.entries.range(keys::revision(past, 0)..).next().is_none(), "no entry past the reserved ids");
        let past_change = (marker.first_change + marker.count).to_be_bytes();
        assert!(store.changes.range(past_change..).next().is_none(), "no change past the reserved numbers");
    }

    /// The staged file of an import past its commit point gone before it
    /// was applied: the database cannot be opened, and the words say so in
    /// either language, name the file and say how to restore a backup
    /// (`binalog check` cannot run on a database that does not open).
    #[test]
    fn a_committed_import_whose_file_is_gone_names_it_and_the_restore() {
        use crate::i18n::{Lang, Message};
        let dir = tempfile();
        let drafts = drafts(600);
        let (store, import) = with_staged(dir.path(), &drafts);
        store.commit_point(import, 590, &nip(), at(), &note("590 entries")).unwrap();
        std::fs::remove_file(staging_file::path(dir.path(), import)).unwrap();
        drop(store);
        let refused = loop {
            match Store::open(dir.path(), OpenMode::Existing) {
                Err(StoreError::Locked { .. }) => std::thread::yield_now(),
                other => break other.err().expect("the import cannot be finished"),
            }
        };
        assert!(matches!(refused, StoreError::Damaged { .. }), "{refused:?}");
        let file = format!("import-{import}.staged");
        for lang in [Lang::Id, Lang::En] {
            let said = refused.render(lang);
            assert!(said.contains(&file), "{said}");
            assert!(said.contains("binalog restore"), "{said}");
            assert!(!said.contains("binalog check"), "{said}");
        }
    }

    /// An import refused because the one before it still cannot be
    /// applied leaves nothing staged: its session has let go of it, and
    /// nothing else would drop its file before the process ends.
    #[test]
    fn an_import_refused_while_the_one_before_cannot_be_applied_leaves_no_file() {
        let dir = tempfile();
        let drafts = drafts(4_500);
        let store = failed_apply(dir.path(), &drafts);
        store.staged.stop_after.store(2, std::sync::atomic::Ordering::SeqCst);
        let next = staged(&store, &drafts[..3]);
        assert!(store.stage_commit(next, 3, &nip(), at(), &note("3 entries")).is_err(), "the one before fails again");
        assert_eq!(store.staged_rows(), 0);
        let marker: Applying = decode(&store.meta.get(keys::META_IMPORT_APPLYING).unwrap().unwrap()).unwrap();
        assert_eq!(staging_file::found(dir.path()).unwrap(), vec![marker.import], "only the committed import's file");
    }

    /// A backup taken while an import is being committed and applied (the
    /// server's daily backup, which no request gate holds back) holds all
    /// of it or none: here it has read its first trees when the import
    /// commits.
    #[test]
    fn a_backup_taken_while_an_import_is_applied_holds_all_of_it_or_none() {
        let (dir, restored) = (tempfile(), tempfile());
        let drafts = drafts(4_500);
        let (store, import) = with_staged(dir.path(), &drafts);
        let file = dir.path().join("b.bak");
        let (told, heard) = channel();
        let import_go = store.staged.pauses.arm("synced", &told);
        let backup_go = store.staged.pauses.arm("backup-copying", &told);
        // Said, not held: the backup waits for the import.
        store.staged.pauses.arm("finish-waits", &told).send(()).unwrap();
        std::thread::scope(|s| {
            let importing = s.spawn(|| store.stage_commit(import, 4_490, &nip(), at(), &note("4490 entries")));
            assert_eq!(heard.recv().unwrap(), "synced");
            let backing_up = s.spawn(|| store.backup_to(&file, at()));
            let first = heard.recv().unwrap();
            import_go.send(()).unwrap();
            assert!(importing.join().unwrap().is_ok());
            if first == "finish-waits" {
                assert_eq!(heard.recv().unwrap(), "backup-copying");
            }
            backup_go.send(()).unwrap();
            backing_up.join().unwrap().unwrap();
        });
        let target = restored.path().join("db");
        let (_, problems) = super::super::restore(&file, &target).unwrap();
        assert_eq!(problems, vec![]);
        let restored = reopened(&target);
        assert!([10, 4_500].contains(&restored.entry_count()), "{}", restored.entry_count());
        assert_eq!(restored.check().unwrap(), vec![]);
    }

    /// A backup holds the trees and not a staged file: one taken after a
    /// failed apply holds the whole import, and restores to it.
    #[test]
    fn a_backup_after_a_failed_apply_holds_the_whole_import() {
        let (one, dir, restored) = (tempfile(), tempfile(), tempfile());
        let drafts = drafts(4_500);
        let reference = contents(&reference(one.path(), &drafts));
        let store = failed_apply(dir.path(), &drafts);
        let file = dir.path().join("b.bak");
        store.backup_to(&file, at()).unwrap();
        assert_eq!(contents(&store), reference);
        nothing_staged(&store);
        let target = restored.path().join("db");
        let (_, problems) = super::super::restore(&file, &target).unwrap();
        assert_eq!(problems, vec![]);
        assert_eq!(contents(&reopened(&target)), reference);
    }

    /// An import an older build committed from the `staging` tree, with
    /// its marker, and not applied whole, is finished by this build's open
    /// as that build would have finished it.
    #[test]
    fn an_import_committed_from_the_staging_tree_by_an_older_build_is_finished_at_open() {
        let (one, old) = (tempfile(), tempfile());
        let drafts = drafts(4_500);
        let reference = contents(&reference(one.path(), &drafts));

        // This build's commit point, then turned into the older build's
        // state: the drafts as rows, its marker, no change numbers taken.
        let (store, import) = with_staged(old.path(), &drafts);
        let marker = store.commit_point(import, 4_490, &nip(), at(), &note("4490 entries")).unwrap();
        for (place, draft) in drafts[10..].iter().enumerate() {
            store.staging.insert(staged_key(import, place as u64), encode(draft)).unwrap();
        }
        staging_file::remove(&store.path, import).unwrap();
        let older = Committing { import, first: marker.first, count: marker.count, by: nip(), at: at() };
        store.meta.insert(keys::META_IMPORT_COMMITTING, encode(&older)).unwrap();
        store.meta.remove(keys::META_IMPORT_APPLYING).unwrap();
        store.meta.insert(keys::META_NEXT_CHANGE, encode(&marker.first_change)).unwrap();
        store.flush().unwrap();
        drop(store);

        let store = reopened(old.path());
        assert_eq!(contents(&store), reference);
        nothing_staged(&store);
        assert_eq!(store.check().unwrap(), vec![]);
    }

    #[test]
    fn staging_left_before_the_commit_point_is_dropped_at_open_and_on_discard() {
        let dir = tempfile();
        let store = store(dir.path());
        let before = contents(&store);
        let kept = staged(&store, &drafts(2_500));
        let dropped = staged(&store, &drafts(10));
        assert!(store.stage_drafts(kept, 2_000, &drafts(1)).is_err(), "drafts are staged in order");
        store.stage_discard(dropped).unwrap();
        assert_eq!(store.staged_rows(), 2_500);
        assert_eq!(staging_file::found(dir.path()).unwrap(), vec![kept]);
        drop(store);
        let store = reopened(dir.path());
        nothing_staged(&store);
        assert_eq!(contents(&store), before, "nothing of either import is visible");
    }

    /// Opens a database this process held a moment ago: sled lets go of
    /// its lock lazily, so "locked" is retried (yielding in between).
    pub(in crate::store) fn reopened(dir: &std::path::Path) -> Store {
        for _ in 0..1_000_000 {
            match Store::open(dir, OpenMode::Existing) {
                Ok(store) => return store,
                Err(StoreError::Locked { .. }) => std::thread::yield_now(),
                Err(e) => panic!("{e:?}"),
            }
        }
        panic!("the database stayed locked")
    }

    /// A row of the `staging` tree older builds staged into.
    fn staged_key(import: ImportId, place: u64) -> [u8; 16] {
        let mut key = [0u8; 16];
        key[..8].copy_from_slice(&import.to_be_bytes());
        key[8..].copy_from_slice(&place.to_be_bytes());
        key
    }

    fn tempfile() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    /// The audit note of a store test's setup writes.
    pub(in crate::store) fn setup_note() -> AuditNote {
        AuditNote {
            at: DateTime::<Utc>::UNIX_EPOCH,
            officer: None,
            action: AuditAction::Initialised,
            detail: String::new(),
            user: "t".into(),
        }
    }
}

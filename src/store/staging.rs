//! Imports in bounded memory: staged out of sight, then made visible at
//! once.
//!
//! One sled transaction over a whole import holds every write of it in
//! memory until it commits (200,000 rows once left a server at 3.5 GB), so
//! an import goes in three steps instead:
//!
//! 1. Staging. Validated drafts arrive a chunk at a time and are written
//!    to the `staging` tree under (import, place): no entry, index, rollup
//!    or counter changes, so nothing an officer reads sees them.
//! 2. Commit point. One small transaction takes the import's ids from the
//!    entry counter, adds the import's rollup deltas and livestock
//!    movements (stock.rs), writes the one audit
//!    record ("N entries imported") and a marker in `meta` naming the
//!    import, its first id, officer and time. Once it commits (and is
//!    flushed) the import has happened.
//! 3. Applying. The staged drafts become entries and index keys a
//!    chunk per transaction, each transaction also removing the staged
//!    rows it applied; then the marker goes. The caller keeps readers out
//!    for this step (`Local`'s import gate), so nobody sees half of it.
//!
//! A crash or a client gone before step 2 leaves only staged rows, which
//! nothing reads: the session drops them when it ends, and `Store::open`
//! drops whatever a dead process left. A crash during step 3 leaves the
//! marker: `Store::open` finishes applying before anything else can read,
//! from the rows still staged (each applied row went with its chunk). The
//! entries, indexes, rollups and audit record come out exactly as
//! one transaction over the whole import would have made them: ids in
//! draft order from the counter, revision 1, one officer and time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::Transactional;

use super::audit::AuditNote;
use super::changes::Changed;
use super::codec::{decode, encode};
use super::item_names::NewNames;
use super::rollup::{Deltas, MonthRollup, Rollup};
use super::stock::StockChanges;
use super::write::{append_audit, apply_rollups, finish, new_revision, next_counter};
use super::{Result, Store, StoreError, keys};
use crate::domain::entry::{EntryDraft, EntryId};
use crate::domain::inventory::{Movement, movements};
use crate::domain::officer::Nip;

/// Livestock movements of staged drafts by programme, with places for ids.
type StagedMoves = std::collections::BTreeMap<crate::domain::reference::ProgramId, Vec<Movement>>;

/// An import being staged.
pub type ImportId = u64;

/// Staged drafts made entries per transaction while applying: few enough
/// that a transaction's writes stay a few megabytes.
const APPLY_CHUNK: usize = 2_000;

/// The marker of an import past its commit point whose staged drafts are
/// still being made entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Committing {
    pub import: ImportId,
    pub first: EntryId,
    pub count: u64,
    pub by: Nip,
    pub at: DateTime<Utc>,
}

fn staged_key(import: ImportId, place: u64) -> [u8; 16] {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&import.to_be_bytes());
    key[8..].copy_from_slice(&place.to_be_bytes());
    key
}

impl Store {
    /// A new import's number, never one used before in this database.
    pub fn stage_begin(&self) -> Result<ImportId> {
        Ok(self.db.generate_id()?)
    }

    /// Stages validated drafts at places `first`, `first + 1`, …, in one
    /// batch. Not flushed: staged rows matter only once the import is
    /// committed, and `stage_commit` flushes them first.
    pub fn stage_drafts(&self, import: ImportId, first: u64, drafts: &[EntryDraft]) -> Result<()> {
        let mut batch = sled::Batch::default();
        for (place, draft) in (first..).zip(drafts) {
            batch.insert(&staged_key(import, place), encode(draft));
        }
        self.staging.apply_batch(batch)?;
        Ok(())
    }

    /// How many drafts are staged, of every import: none once every
    /// import has ended.
    pub fn staged_rows(&self) -> usize {
        self.staging.len()
    }

    /// Drops an import's staged drafts (an abandoned or refused import).
    pub fn stage_discard(&self, import: ImportId) -> Result<()> {
        let prefix = import.to_be_bytes();
        loop {
            let mut batch = sled::Batch::default();
            let mut any = false;
            for key in self.staging.scan_prefix(prefix).keys().take(APPLY_CHUNK) {
                batch.remove(key?);
                any = true;
            }
            if !any {
                return Ok(());
            }
            self.staging.apply_batch(batch)?;
        }
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
        // An import whose applying failed (a disk error) is finished first:
        // there is one marker, and it must not be overwritten.
        self.finish_committed()?;
        let marker = self.commit_point(import, count, by, at, note)?;
        self.apply_staged(&marker)?;
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
    ) -> Result<Committing> {
        let (deltas, moves, names) = match self.staged_deltas(import, by, at) {
            Ok(found) => found,
            Err(e) => {
                self.stage_discard(import)?;
                return Err(e);
            }
        };
        // Staged rows must be durable before the marker that relies on them.
        self.flush()?;
        let (days, months) = (deltas.wide(), deltas.monthly());
        let trees =
            (&self.meta, &self.rollups, &self.audit, &self.stock, &self.monthly, &self.activity, &self.item_names);
        let committed = finish(trees.transaction(|(meta, rollups, audit, stock, monthly, activity, item_names)| {
            let first = next_counter(meta, keys::META_NEXT_ENTRY, 1, count)?;
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
            let marker = Committing { import, first, count, by: by.clone(), at };
            meta.insert(keys::META_IMPORT_COMMITTING, encode(&marker))?;
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

    /// The rollup changes the staged drafts will make, read a row at a
    /// time: as many keys as the import has distinct days and items; and
    /// the livestock movements they will make, each under its place (its
    /// id less the first id, known only at the commit point); and the
    /// spellings of the items they bring (item_names.rs).
    fn staged_deltas(&self, import: ImportId, by: &Nip, at: DateTime<Utc>) -> Result<(Deltas, StagedMoves, NewNames)> {
        let mut deltas = Deltas::default();
        let mut moves = StagedMoves::new();
        let mut names = NewNames::default();
        for row in self.staging.scan_prefix(import.to_be_bytes()) {
            let (key, value) = row?;
            let place = keys::u64_from(&key[8..])
                .ok_or_else(|| StoreError::Corrupt { tree: "staging".into(), detail: "short key".into() })?;
            let draft: EntryDraft = decode(&value).map_err(|e| super::corrupt("staging", e))?;
            let entry = new_revision(place, 1, None, draft, false, String::new(), by, at);
            deltas.apply(&entry, 1)?;
            names.note(&entry);
            let found = movements(&entry);
            if !found.is_empty() {
                moves.entry(entry.draft.program).or_default().extend(found);
            }
        }
        Ok((deltas, moves, names))
    }

    /// Step 3: the staged drafts of a committed import become entries
    /// and index keys, a chunk per transaction; then the marker goes.
    /// Safe to run again after a crash: applied rows are no longer staged.
    fn apply_staged(&self, marker: &Committing) -> Result<()> {
        let programs = self.program_ids()?;
        let prefix = marker.import.to_be_bytes();
        loop {
            let mut rows = Vec::with_capacity(APPLY_CHUNK);
            for row in self.staging.scan_prefix(prefix).take(APPLY_CHUNK) {
                let (key, value) = row?;
                let place = keys::u64_from(&key[8..])
                    .ok_or_else(|| StoreError::Corrupt { tree: "staging".into(), detail: "short key".into() })?;
                let draft: EntryDraft = decode(&value).map_err(|e| super::corrupt("staging", e))?;
                if !programs.contains(&draft.program) {
                    let detail = format!("no programme {}", draft.program);
                    return Err(StoreError::Corrupt { tree: "programs".into(), detail });
                }
                let id = marker.first + place;
                rows.push((key, new_revision(id, 1, None, draft, false, String::new(), &marker.by, marker.at)));
            }
            if rows.is_empty() {
                break;
            }
            let trees = (&self.entries, &self.by_program, &self.staging, &self.meta, &self.changes);
            finish(trees.transaction(|(entries, by_program, staging, meta, fed)| {
                for (key, entry) in &rows {
                    let d = &entry.draft;
                    entries.insert(keys::revision(entry.id, entry.revision), encode(entry))?;
                    let what = Changed::Revision { id: entry.id, revision: entry.revision };
                    super::changes::note_change(meta, fed, &what)?;
                    by_program.insert(keys::dated(d.program, d.date, entry.id), &[])?;
                    staging.remove(key)?;
                }
                Ok(())
            }))?;
        }
        self.meta.remove(keys::META_IMPORT_COMMITTING)?;
        self.flush()
    }

    /// Applies the import past its commit point that was not applied
    /// whole, if there is one.
    fn finish_committed(&self) -> Result<()> {
        if let Some(bytes) = self.meta.get(keys::META_IMPORT_COMMITTING)? {
            let marker: Committing = decode(&bytes).map_err(|e| super::corrupt("meta", e))?;
            self.apply_staged(&marker)?;
        }
        Ok(())
    }

    /// At open, before anything reads: finishes an import a crash stopped
    /// past its commit point, and drops every other staged row (imports
    /// whose session ended with the process that held the database).
    pub(super) fn recover_staging(&self) -> Result<()> {
        self.finish_committed()?;
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
    fn drafts(n: usize) -> Vec<EntryDraft> {
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

    /// Every key and value of the trees an import writes, and the audit
    /// records without their time.
    fn contents(store: &Store) -> Vec<Vec<(Vec<u8>, Vec<u8>)>> {
        let dump =
            |tree: &sled::Tree| tree.iter().map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap()).collect();
        let next = store.meta.get(keys::META_NEXT_ENTRY).unwrap().map(|v| v.to_vec()).unwrap_or_default();
        let audit = store.audit_records().unwrap().into_iter();
        let audit = audit.map(|r| {
            (r.seq.to_be_bytes().to_vec(), format!("{:?} {} {:?}", r.action, r.detail, r.entries).into_bytes())
        });
        vec![
            dump(&store.entries),
            dump(&store.by_program),
            dump(&store.rollups),
            dump(&store.activity),
            vec![(b"next".to_vec(), next)],
            audit.collect(),
        ]
    }

    fn staged(store: &Store, drafts: &[EntryDraft]) -> ImportId {
        let import = store.stage_begin().unwrap();
        for (n, chunk) in drafts.chunks(1_000).enumerate() {
            store.stage_drafts(import, (n * 1_000) as u64, chunk).unwrap();
        }
        import
    }

    #[test]
    fn a_staged_import_equals_one_transaction_and_a_crash_past_the_commit_point_is_finished_at_open() {
        let (one, chunked, crashed) = (tempfile(), tempfile(), tempfile());
        let drafts = drafts(4_500);
        let reference = store(one.path());
        let changes: Vec<Change> = drafts.iter().cloned().map(Change::Add).collect();
        reference.commit(&changes[..10], &nip(), at(), &note("before")).unwrap();
        reference.commit(&changes[10..], &nip(), at(), &note("4490 entries")).unwrap();

        let a = store(chunked.path());
        a.commit(&changes[..10], &nip(), at(), &note("before")).unwrap();
        let import = staged(&a, &drafts[10..]);
        assert_eq!(a.entry_count(), 10, "staged drafts are not entries");
        let ids = a.stage_commit(import, 4_490, &nip(), at(), &note("4490 entries")).unwrap();
        assert_eq!(ids, 11..4_501);
        assert_eq!(contents(&a), contents(&reference));
        assert!(a.staging.is_empty());
        assert_eq!(a.check().unwrap(), vec![]);

        // Stopped right after the commit point: the next open applies it.
        let b = store(crashed.path());
        b.commit(&changes[..10], &nip(), at(), &note("before")).unwrap();
        let import = staged(&b, &drafts[10..]);
        b.commit_point(import, 4_490, &nip(), at(), &note("4490 entries")).unwrap();
        assert_eq!(b.entry_count(), 10, "past the commit point, not yet applied");
        drop(b);
        let b = reopened(crashed.path());
        assert_eq!(contents(&b), contents(&reference));
        assert!(b.meta.get(keys::META_IMPORT_COMMITTING).unwrap().is_none());
        assert_eq!(b.check().unwrap(), vec![]);
    }

    #[test]
    fn staging_left_before_the_commit_point_is_dropped_at_open_and_on_discard() {
        let dir = tempfile();
        let store = store(dir.path());
        let before = contents(&store);
        let kept = staged(&store, &drafts(2_500));
        let dropped = staged(&store, &drafts(10));
        store.stage_discard(dropped).unwrap();
        assert_eq!(store.staging.len(), 2_500);
        drop(store);
        let store = reopened(dir.path());
        assert!(store.staging.is_empty(), "import {kept} dropped");
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

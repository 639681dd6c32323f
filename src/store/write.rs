//! Every write is one sled transaction over all the trees it touches, so an
//! entry, its index keys, its rollups and its audit record land together or
//! not at all; `Store::write` makes it durable before it returns.

use chrono::{DateTime, Utc};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};

use super::audit::{AuditAction, AuditNote, AuditRecord};
use super::changes::{self, Changed, note_change};
use super::codec::{decode, encode};
use super::item_names::NewNames;
use super::program_days;
use super::rollup::{Deltas, MonthRollup, Rollup, Sum, WideDeltas};
use super::stock::StockChanges;
use super::{Result, Store, StoreError, keys};
use crate::domain::entry::{Entry, EntryDraft, EntryId};
use crate::domain::officer::{Nip, Officer};
use crate::domain::reference::{Agreement, Partner, Program, ProgramId, Site};
use crate::domain::reference_data::ReferenceData;

/// One change to the entries. Corrections and voids name the revision they
/// were based on: if another officer changed the entry since, it is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Add(EntryDraft),
    Correct {
        id: EntryId,
        base: u32,
        draft: EntryDraft,
        reason: String,
    },
    Void {
        id: EntryId,
        base: u32,
        reason: String,
    },
    /// Marks the current revision as checked by a supervisor.
    Verify {
        id: EntryId,
        revision: u32,
    },
}

/// A supervisor's confirmation that one revision is right. Kept beside the
/// revisions rather than in them: verifying changes no recorded fact, and a
/// correction (a new revision) is unverified until checked again.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Verification {
    pub by: Nip,
    pub at: DateTime<Utc>,
}

pub(super) type TxResult<T> = std::result::Result<T, ConflictableTransactionError<StoreError>>;

pub(super) fn abort<T>(e: StoreError) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(e))
}

pub(super) fn finish<T>(result: std::result::Result<T, TransactionError<StoreError>>) -> Result<T> {
    result.map_err(|e| match e {
        TransactionError::Abort(e) => e,
        TransactionError::Storage(e) => StoreError::from(e),
    })
}

/// Reads and bumps a counter in `meta`, returning the value before the bump.
pub(super) fn next_counter(meta: &TransactionalTree, key: &[u8], first: u64, by: u64) -> TxResult<u64> {
    let next = match meta.get(key)? {
        Some(bytes) => decode::<u64>(&bytes).or_else(|e| abort(super::corrupt("meta", e)))?,
        None => first,
    };
    meta.insert(key, encode(&(next + by)))?;
    Ok(next)
}

/// Adds changes to stored sums (daily or monthly rollups) inside the
/// caller's transaction; a sum that comes to nothing goes.
pub(super) fn apply_rollups<T: Sum>(tree: &TransactionalTree, deltas: &WideDeltas) -> TxResult<()> {
    for (key, (total, count)) in &deltas.0 {
        let old = match tree.get(key)? {
            Some(bytes) => decode::<T>(&bytes).or_else(|e| abort(super::corrupt("rollups", e)))?,
            None => T::default(),
        };
        let Some(new) = old.plus_wide(*total, *count) else { return abort(StoreError::TotalOverflow) };
        if new.is_nothing() {
            tree.remove(key.as_slice())?;
        } else {
            tree.insert(key.as_slice(), encode(&new))?;
        }
    }
    Ok(())
}

pub(super) fn append_audit(
    meta: &TransactionalTree,
    audit: &TransactionalTree,
    note: &AuditNote,
    entries: Vec<(EntryId, u32)>,
) -> TxResult<()> {
    let seq = next_counter(meta, keys::META_NEXT_AUDIT, 1, 1)?;
    let record = AuditRecord {
        seq,
        at: note.at,
        officer: note.officer.clone(),
        action: note.action,
        entries,
        detail: note.detail.clone(),
        user: note.user.clone(),
    };
    audit.insert(&seq.to_be_bytes(), encode(&record))?;
    changes::mark_audit(meta, seq + 1)
}

impl Store {
    /// Writes the reference data once. Returns false, writing nothing, if
    /// the database was initialised before.
    pub fn init_reference(&self, data: &ReferenceData, note: &AuditNote) -> Result<bool> {
        let trees =
            (&self.meta, &self.sites, &self.partners, &self.agreements, &self.programs, &self.audit, &self.changes);
        self.write(|| {
            finish(trees.transaction(|(meta, sites, partners, agreements, programs, audit, fed)| {
                if meta.get(keys::META_INITIALISED)?.is_some() {
                    return Ok(false);
                }
                for s in &data.sites {
                    sites.insert(&keys::id32(s.id), encode(s))?;
                    note_change(meta, fed, &Changed::Site(s.id))?;
                }
                for p in &data.partners {
                    partners.insert(&keys::id32(p.id), encode(p))?;
                    note_change(meta, fed, &Changed::Partner(p.id))?;
                }
                for a in &data.agreements {
                    agreements.insert(&keys::id32(a.id), encode(a))?;
                    note_change(meta, fed, &Changed::Agreement(a.id))?;
                }
                for p in &data.programs {
                    programs.insert(&keys::id32(p.id), encode(p))?;
                    note_change(meta, fed, &Changed::Program(p.id))?;
                }
                meta.insert(keys::META_INITIALISED, encode(&1u32))?;
                append_audit(meta, audit, note, vec![])?;
                Ok(true)
            }))
        })
    }

    /// Adds or replaces an officer record, with its audit record, durably.
    pub fn put_officer(&self, officer: &Officer, note: &AuditNote) -> Result<()> {
        self.write(|| {
            let trees = (&self.meta, &self.officers, &self.audit, &self.changes);
            finish(trees.transaction(|(meta, officers, audit, fed)| {
                officers.insert(officer.nip.as_str().as_bytes(), encode(officer))?;
                note_change(meta, fed, &Changed::Officer(officer.nip.clone()))?;
                append_audit(meta, audit, note, vec![])?;
                Ok(())
            }))
        })
    }

    /// Reads an officer, changes the record and writes it back with the
    /// audit record the change returns, all in one transaction, durably.
    /// Concurrent changes to one officer are serialised (sled re-runs the
    /// closure on a conflict), so N wrong PINs at once count N. `None`
    /// when no officer has this NIP; a change that returns no note writes
    /// nothing.
    pub fn change_officer<T>(
        &self,
        nip: &Nip,
        change: impl Fn(&mut Officer) -> (T, Option<AuditNote>),
    ) -> Result<Option<T>> {
        let key = nip.as_str().as_bytes();
        let trees = (&self.meta, &self.officers, &self.audit, &self.changes);
        let outcome = finish(trees.transaction(|(meta, officers, audit, fed)| {
            let Some(bytes) = officers.get(key)? else { return Ok(None) };
            let mut officer: Officer = decode(&bytes).or_else(|e| abort(super::corrupt("officers", e)))?;
            let before = officer.clone();
            let (value, note) = change(&mut officer);
            if let Some(note) = &note {
                officers.insert(key, encode(&officer))?;
                // A wrong PIN counted is not news outside the Lapas.
                if changes::officer_public(&before) != changes::officer_public(&officer) {
                    note_change(meta, fed, &Changed::Officer(officer.nip.clone()))?;
                }
                append_audit(meta, audit, note, vec![])?;
            }
            Ok(Some((value, note.is_some())))
        }))?;
        if outcome.as_ref().is_some_and(|(_, wrote)| *wrote) {
            self.flush()?;
        }
        Ok(outcome.map(|(value, _)| value))
    }

    /// Appends an audit record on its own (logins, locks), durably.
    pub fn record_audit(&self, note: &AuditNote) -> Result<()> {
        self.write(|| {
            finish((&self.meta, &self.audit).transaction(|(meta, audit)| append_audit(meta, audit, note, vec![])))
        })
    }

    /// Applies the changes in one transaction and flushes. Returns the new
    /// revisions (for a verification, the verified one) in the order of
    /// `changes`. Drafts must be validated first.
    pub fn commit(&self, changes: &[Change], by: &Nip, at: DateTime<Utc>, note: &AuditNote) -> Result<Vec<Entry>> {
        let programs = self.program_ids()?;
        let known = |program: ProgramId| -> std::result::Result<(), StoreError> {
            if programs.contains(&program) {
                return Ok(());
            }
            Err(StoreError::Corrupt { tree: "programs".into(), detail: format!("no programme {program}") })
        };
        let trees = (
            &self.meta,
            &self.entries,
            &self.program_days,
            &self.rollups,
            &self.audit,
            &self.verifications,
            &self.activity,
            &self.stock,
            &self.monthly,
            &self.changes,
            &self.item_names,
        );
        self.write(|| {
            finish(trees.transaction(
                |(
                    meta,
                    entries,
                    program_days,
                    rollups,
                    audit,
                    verifications,
                    activity,
                    stock,
                    monthly,
                    fed,
                    item_names,
                )| {
                    let mut deltas = Deltas::default();
                    let mut names = NewNames::default();
                    let mut moves = StockChanges::default();
                    let mut written = Vec::with_capacity(changes.len());
                    let adds = changes.iter().filter(|c| matches!(c, Change::Add(_))).count() as u64;
                    let mut next_id = if adds > 0 { next_counter(meta, keys::META_NEXT_ENTRY, 1, adds)? } else { 0 };
                    for change in changes {
                        let (previous, entry) = match change {
                            Change::Add(draft) => {
                                let id = next_id;
                                next_id += 1;
                                (None, new_revision(id, 1, None, draft.clone(), false, String::new(), by, at))
                            }
                            Change::Correct { id, base, draft, reason } => {
                                let prev = current_for_change(entries, *id, *base)?;
                                let entry = new_revision(
                                    *id,
                                    prev.revision + 1,
                                    Some(prev.revision),
                                    draft.clone(),
                                    false,
                                    reason.clone(),
                                    by,
                                    at,
                                );
                                (Some(prev), entry)
                            }
                            Change::Verify { id, revision } => {
                                let current = current_for_change(entries, *id, *revision)?;
                                let verification = Verification { by: by.clone(), at };
                                verifications.insert(keys::revision(*id, *revision), encode(&verification))?;
                                note_change(meta, fed, &Changed::Verification { id: *id, revision: *revision })?;
                                written.push(current);
                                continue;
                            }
                            Change::Void { id, base, reason } => {
                                let prev = current_for_change(entries, *id, *base)?;
                                let draft = prev.draft.clone();
                                let entry = new_revision(
                                    *id,
                                    prev.revision + 1,
                                    Some(prev.revision),
                                    draft,
                                    true,
                                    reason.clone(),
                                    by,
                                    at,
                                );
                                (Some(prev), entry)
                            }
                        };
                        if let Some(prev) = &previous {
                            let d = &prev.draft;
                            known(d.program).or_else(abort)?;
                            program_days::remove(program_days, d.program, d.date, prev.id)?;
                            deltas.apply(prev, -1).or_else(abort)?;
                            moves.remove(prev);
                        }
                        let d = &entry.draft;
                        known(d.program).or_else(abort)?;
                        entries.insert(keys::revision(entry.id, entry.revision), encode(&entry))?;
                        note_change(meta, fed, &Changed::Revision { id: entry.id, revision: entry.revision })?;
                        program_days::add(program_days, d.program, d.date, entry.id)?;
                        deltas.apply(&entry, 1).or_else(abort)?;
                        moves.add(&entry);
                        names.note(&entry);
                        written.push(entry);
                    }
                    apply_rollups::<Rollup>(rollups, &deltas.wide())?;
                    apply_rollups::<MonthRollup>(monthly, &deltas.monthly())?;
                    deltas.write_activity(activity)?;
                    moves.write(stock)?;
                    names.write(item_names)?;
                    // An import (or the demo data) records its count in the detail
                    // rather than listing a hundred thousand pairs in one audit value.
                    if note.action == AuditAction::EntryVerified {
                        // Verifications, one or a range at once: a record
                        // each, as one at a time would leave them.
                        for e in &written {
                            append_audit(meta, audit, note, vec![(e.id, e.revision)])?;
                        }
                        return Ok(written);
                    }
                    let touched = if matches!(note.action, AuditAction::Imported | AuditAction::DemoLoaded) {
                        vec![]
                    } else {
                        written.iter().map(|e| (e.id, e.revision)).collect()
                    };
                    append_audit(meta, audit, note, touched)?;
                    Ok(written)
                },
            ))
        })
    }

    /// The programmes an entry may name.
    pub(super) fn program_ids(&self) -> Result<std::collections::HashSet<ProgramId>> {
        Ok(self.programs()?.into_iter().map(|p| p.id).collect())
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn new_revision(
    id: EntryId,
    revision: u32,
    supersedes: Option<u32>,
    draft: EntryDraft,
    voided: bool,
    reason: String,
    by: &Nip,
    at: DateTime<Utc>,
) -> Entry {
    Entry { id, revision, supersedes, draft, voided, reason, recorded_by: by.clone(), recorded_at: at }
}

/// The current revision, provided it is the one the change was based on.
/// A transaction can only get keys, not scan them: `base` is current when
/// `(id, base)` exists and `(id, base + 1)` does not, revisions being
/// numbered from 1 without gaps (`new_revision` is only ever given the
/// current revision plus one). Both gets are in the transaction, and sled
/// runs transactions one at a time (0.34's `concurrency_control::write`,
/// held from the first read to the commit), so two changes of the same
/// base cannot both pass this.
fn current_for_change(entries: &TransactionalTree, id: EntryId, base: u32) -> TxResult<Entry> {
    let get = |revision: u32| entries.get(keys::revision(id, revision));
    let after = |revision: u32| revision.checked_add(1).map(get).transpose().map(Option::flatten);
    let based_on = if base >= 1 { get(base)? } else { None };
    let (mut head, mut bytes) = match based_on {
        Some(bytes) => match after(base)? {
            None => return decode(&bytes).or_else(|e| abort(super::corrupt("entries", e))),
            Some(next) => (base + 1, next),
        },
        // No revision `base`: an unknown entry, or one based on a
        // revision it never had.
        None => match get(1)? {
            Some(first) => (1, first),
            None => return abort(StoreError::UnknownEntry { id }),
        },
    };
    // A conflict: on to the current revision, which the message shows.
    while let Some(next) = after(head)? {
        (head, bytes) = (head + 1, next);
    }
    let current: Entry = decode(&bytes).or_else(|e| abort(super::corrupt("entries", e)))?;
    abort(StoreError::Conflict { current: Box::new(current) })
}

/// A reference record an admin adds or edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reference {
    Site(Site),
    Partner(Partner),
    Agreement(Agreement),
    Program(Program),
}

impl Reference {
    fn id(&self) -> u32 {
        match self {
            Reference::Site(r) => r.id,
            Reference::Partner(r) => r.id,
            Reference::Agreement(r) => r.id,
            Reference::Program(r) => r.id,
        }
    }

    fn set_id(&mut self, id: u32) {
        match self {
            Reference::Site(r) => r.id = id,
            Reference::Partner(r) => r.id = id,
            Reference::Agreement(r) => r.id = id,
            Reference::Program(r) => r.id = id,
        }
    }

    /// The change feed's name for this record.
    fn changed(&self) -> Changed {
        match self {
            Reference::Site(r) => Changed::Site(r.id),
            Reference::Partner(r) => Changed::Partner(r.id),
            Reference::Agreement(r) => Changed::Agreement(r.id),
            Reference::Program(r) => Changed::Program(r.id),
        }
    }

    fn encoded(&self) -> Vec<u8> {
        match self {
            Reference::Site(r) => encode(r),
            Reference::Partner(r) => encode(r),
            Reference::Agreement(r) => encode(r),
            Reference::Program(r) => encode(r),
        }
    }
}

impl Store {
    fn reference_tree(&self, record: &Reference) -> (&sled::Tree, &'static str) {
        match record {
            Reference::Site(_) => (&self.sites, "sites"),
            Reference::Partner(_) => (&self.partners, "partners"),
            Reference::Agreement(_) => (&self.agreements, "agreements"),
            Reference::Program(_) => (&self.programs, "programs"),
        }
    }

    /// Adds a reference record under the next free id (whatever id it
    /// carried), with its audit record, durably. Returns it with its id.
    pub fn add_reference(&self, mut record: Reference, note: &AuditNote) -> Result<Reference> {
        let (tree, name) = self.reference_tree(&record);
        let highest = tree.iter().keys().next_back().transpose()?.and_then(|k| keys::u32_from(&k)).unwrap_or(0);
        let counter = [b"next_".as_slice(), name.as_bytes()].concat();
        let id = self.write(|| {
            finish((&self.meta, tree, &self.audit, &self.changes).transaction(|(meta, records, audit, fed)| {
                let id = next_counter(meta, &counter, u64::from(highest) + 1, 1)?.max(u64::from(highest) + 1) as u32;
                meta.insert(counter.as_slice(), encode(&(u64::from(id) + 1)))?;
                let mut record = record.clone();
                record.set_id(id);
                records.insert(&keys::id32(id), record.encoded())?;
                note_change(meta, fed, &record.changed())?;
                append_audit(meta, audit, note, vec![])?;
                Ok(id)
            }))
        })?;
        record.set_id(id);
        Ok(record)
    }

    /// Replaces an existing reference record, with its audit record, durably.
    pub fn update_reference(&self, record: &Reference, note: &AuditNote) -> Result<()> {
        let (tree, name) = self.reference_tree(record);
        self.write(|| {
            finish((&self.meta, tree, &self.audit, &self.changes).transaction(|(meta, records, audit, fed)| {
                let key = keys::id32(record.id());
                if records.get(key)?.is_none() {
                    return abort(StoreError::Corrupt {
                        tree: name.into(),
                        detail: format!("no record {}", record.id()),
                    });
                }
                records.insert(&key, record.encoded())?;
                note_change(meta, fed, &record.changed())?;
                append_audit(meta, audit, note, vec![])?;
                Ok(())
            }))
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::{AuditAction, AuditNote, Change, OpenMode, Store, StoreError};
    use crate::domain::Kind;
    use crate::domain::entry::{Entry, EntryDraft, Quantity, Status};
    use crate::domain::officer::Nip;

    pub(in crate::store) fn note() -> AuditNote {
        let at = "2026-03-10T02:00:00Z".parse().unwrap();
        AuditNote { at, officer: None, action: AuditAction::EntryAdded, detail: String::new(), user: "t".into() }
    }

    pub(in crate::store) fn nip() -> Nip {
        Nip::parse("198507142009121001").unwrap()
    }

    /// A harvest of programme 1 on a day of March 2026.
    pub(in crate::store) fn harvest_on(day: u32, qty: &str) -> EntryDraft {
        EntryDraft {
            program: 1,
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
            kind: Kind::Harvest,
            quantities: vec![Quantity::parse(qty).unwrap()],
            participants: 1,
            officers: 0,
            cadets: 0,
            notes: String::new(),
            status: Status::Done,
        }
    }

    /// A harvest of programme 1 on 5 March 2026.
    pub(in crate::store) fn harvest(qty: &str) -> EntryDraft {
        harvest_on(5, qty)
    }

    /// A new database holding the reference data (sites, programmes).
    pub(in crate::store) fn with_reference(dir: &std::path::Path) -> Store {
        let store = Store::open(dir, OpenMode::CreateIfMissing).unwrap();
        store.init_reference(&crate::domain::reference_data::reference_data(), &note()).unwrap();
        store
    }

    pub(in crate::store) fn commit(store: &Store, changes: &[Change]) -> super::super::Result<Vec<Entry>> {
        store.commit(changes, &nip(), note().at, &note())
    }

    fn correct(id: u64, base: u32) -> Change {
        Change::Correct { id, base, draft: harvest("9 kg cabai"), reason: "salah".into() }
    }

    /// Without a head key a change's base is checked from the revisions
    /// alone: the current one is accepted, any other (older, none, past
    /// the newest) is a conflict showing the current one, an id never
    /// given is unknown; and within one batch a second change of the same
    /// base sees the first one's revision and aborts the whole batch.
    #[test]
    fn a_change_is_accepted_only_on_the_current_revision() {
        let dir = tempfile::tempdir().unwrap();
        let store = with_reference(dir.path());
        let first = commit(&store, &[Change::Add(harvest("1 kg cabai"))]).unwrap().remove(0);
        let second = commit(&store, &[correct(first.id, 1)]).unwrap().remove(0);
        let third = commit(&store, &[correct(first.id, 2)]).unwrap().remove(0);
        assert_eq!((second.revision, third.revision), (2, 3));
        for base in [0, 1, 2, 4, u32::MAX] {
            match commit(&store, &[correct(first.id, base)]) {
                Err(StoreError::Conflict { current }) => assert_eq!(*current, third, "base {base}"),
                other => panic!("base {base}: {other:?}"),
            }
        }
        assert!(matches!(commit(&store, &[correct(99, 1)]), Err(StoreError::UnknownEntry { id: 99 })));
        match commit(&store, &[correct(first.id, 3), correct(first.id, 3)]) {
            Err(StoreError::Conflict { current }) => assert_eq!(current.revision, 4),
            other => panic!("{other:?}"),
        }
        assert_eq!(store.head(first.id).unwrap(), Some(3), "the batch left nothing");
        let verified = commit(&store, &[Change::Verify { id: first.id, revision: 3 }]).unwrap();
        assert_eq!(verified, vec![third.clone()]);
        assert!(matches!(
            commit(&store, &[Change::Verify { id: first.id, revision: 2 }]),
            Err(StoreError::Conflict { .. })
        ));
        assert_eq!(store.current(first.id).unwrap(), Some(third));
        assert_eq!(store.check().unwrap(), vec![]);
    }
}

//! The change feed's sequence: every change to the records gets the next
//! number of one store-wide, monotonic counter, written in the same sled
//! transaction as the change itself, in the `changes` tree:
//!
//! | tree    | key                 | value                       |
//! |---------|---------------------|-----------------------------|
//! | changes | sequence (u64, BE)  | `Fed`: what to read         |
//!
//! A value is one change, or an import's entries (schema 5): their first
//! revisions, numbered from its key on, one value for the whole import.
//! A key per entry was a third of an import's sled writes (sled copies a
//! leaf on every insert and splits it every eight appended keys); readers
//! see a change per number either way (`changes_after`). A value a build
//! before schema 5 wrote is one `Changed`.
//!
//! A change names what changed, not its content: entry revisions and
//! verifications never change once written, so reading them later gives
//! what was written; a reference record or an officer is read as it is now
//! (a later change of it has a later number too, so a consumer that
//! upserts ends at the same state).
//!
//! The tree is derived: a database made before it existed gets it built
//! when opened, without a schema change. `META_CHANGES_AUDIT` records the
//! audit counter the tree is complete up to; every write that appends an
//! audit record moves it in the same transaction. An older build writes
//! audit records without moving it, so a mismatch on open means changes
//! were made that the tree lacks: they are appended then (`catch_up`),
//! after every number already given out, so no consumer's position moves.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::transaction::TransactionalTree;

use super::codec::{CodecError, Stored, decode, decode_body, encode};
use super::write::{TxResult, next_counter};
use super::{Result, Store, corrupt, keys};
use crate::domain::entry::EntryId;
use crate::domain::officer::{Nip, Officer};
use crate::domain::reference::{AgreementId, PartnerId, ProgramId, SiteId};

/// What one numbered change touched.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Changed {
    /// A new revision of an entry (a new entry, a correction or a void).
    Revision {
        id: EntryId,
        revision: u32,
    },
    /// A supervisor verified this revision.
    Verification {
        id: EntryId,
        revision: u32,
    },
    Site(SiteId),
    Partner(PartnerId),
    Agreement(AgreementId),
    Program(ProgramId),
    Officer(Nip),
}

/// What the `changes` tree holds under a number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Fed {
    One(Changed),
    /// Revision 1 of the `count` entries from id `first`, numbered from
    /// this value's key on: an import's entries.
    Imported {
        first: EntryId,
        count: u64,
    },
}

impl Stored for Fed {
    /// Before schema 5 every value was one change.
    fn decode_old(_version: u8, body: &[u8]) -> std::result::Result<Fed, CodecError> {
        decode_body::<Changed>(body).map(Fed::One)
    }
}

impl Fed {
    /// How many numbers the value stands for.
    fn count(&self) -> u64 {
        match self {
            Fed::One(_) => 1,
            Fed::Imported { count, .. } => *count,
        }
    }

    /// The change `offset` numbers after the value's key (below `count`).
    fn nth(&self, offset: u64) -> Changed {
        match self {
            Fed::One(what) => what.clone(),
            Fed::Imported { first, .. } => Changed::Revision { id: first.saturating_add(offset), revision: 1 },
        }
    }

    /// Every change the value stands for.
    fn spelled(&self) -> impl Iterator<Item = Changed> + '_ {
        (0..self.count()).map(|offset| self.nth(offset))
    }
}

fn decode_fed(bytes: &[u8]) -> Result<Fed> {
    decode(bytes).map_err(|e| corrupt("changes", e))
}

/// A change as a build before schema 5 stored it: one `Changed`, under
/// schema 4's byte (tests write databases as such a build left them).
#[cfg(test)]
pub(super) fn as_schema_4(change: &Changed) -> Vec<u8> {
    let body = bincode::serde::encode_to_vec(change, bincode::config::standard()).expect("encodes");
    [&[4u8][..], &body].concat()
}

/// Appends one change under the next sequence number, inside the caller's
/// transaction (which must also hold `meta`).
pub(super) fn note_change(meta: &TransactionalTree, changes: &TransactionalTree, what: &Changed) -> TxResult<u64> {
    let seq = next_counter(meta, keys::META_NEXT_CHANGE, 1, 1)?;
    changes.insert(&seq.to_be_bytes(), encode(&Fed::One(what.clone())))?;
    Ok(seq)
}

impl Store {
    /// Writes an import's changes, numbered from `first_change` (reserved
    /// with its ids at the commit point): one value for them all. No other
    /// key may lie among the numbers it stands for (`changes_after` reads
    /// the value at or before a number as the one that stands for it), so
    /// the keys an earlier build wrote there, one per entry, when it was
    /// stopped applying this import, go. Writing it again writes the same.
    pub(super) fn feed_import(&self, first_change: u64, first: EntryId, count: u64) -> Result<()> {
        let inside = first_change.saturating_add(1).to_be_bytes()..first_change.saturating_add(count).to_be_bytes();
        for key in self.changes.range(inside).keys() {
            self.changes.remove(key?)?;
        }
        self.changes.insert(first_change.to_be_bytes(), encode(&Fed::Imported { first, count }))?;
        Ok(())
    }
}

/// Called with every appended audit record: the tree is complete up to it.
pub(super) fn mark_audit(meta: &TransactionalTree, next_audit: u64) -> TxResult<()> {
    meta.insert(keys::META_CHANGES_AUDIT, encode(&next_audit))?;
    Ok(())
}

/// What an officer record shows outside the Lapas: its change is a change
/// to feed. A wrong PIN (a counter) or a new PIN hash is not.
pub(super) fn officer_public(o: &Officer) -> impl PartialEq + use<'_> {
    (&o.nip, &o.name, o.role, o.active, &o.sites)
}

impl Store {
    /// The changes numbered after `after`, oldest first, at most `limit`.
    ///
    /// An import past its commit point and not applied whole (its apply
    /// failed, a disk error, and the process went on) holds change numbers
    /// it has not written yet: the feed stops before the first of them
    /// until the import is finished, so that no consumer moves past a
    /// change that is written behind it later.
    pub fn changes_after(&self, after: u64, limit: usize) -> Result<Vec<(u64, Changed)>> {
        let wanted = after.saturating_add(1);
        let unwritten = self.import_changes_unwritten()?.unwrap_or(u64::MAX);
        // An import's value, keyed at or before the first number wanted,
        // may stand for it.
        let start = match self.changes.range(..=wanted.to_be_bytes()).next_back().transpose()? {
            Some((k, _)) => keys::u64_from(&k).unwrap_or(wanted),
            None => wanted,
        };
        let mut found = Vec::new();
        for kv in self.changes.range(start.to_be_bytes()..) {
            let (k, v) = kv?;
            let seq = keys::u64_from(&k).unwrap_or_default();
            let fed = decode_fed(&v)?;
            for at in seq.max(wanted)..seq.saturating_add(fed.count()) {
                if at >= unwritten || found.len() >= limit {
                    return Ok(found);
                }
                found.push((at, fed.nth(at - seq)));
            }
        }
        Ok(found)
    }

    /// The newest change's number; 0 when there is none.
    pub fn last_change(&self) -> Result<u64> {
        let Some((k, v)) = self.changes.last()? else { return Ok(0) };
        let seq = keys::u64_from(&k).unwrap_or_default();
        Ok(seq.saturating_add(decode_fed(&v)?.count().saturating_sub(1)))
    }

    /// Builds or completes the `changes` tree if changes were made without
    /// it (a database older than it, or written to by an older build).
    pub(super) fn catch_up_changes(&self) -> Result<()> {
        let next_audit: u64 = match self.meta.get(keys::META_NEXT_AUDIT)? {
            Some(bytes) => decode(&bytes).map_err(|e| corrupt("meta", e))?,
            None => 1,
        };
        let marked: Option<u64> = match self.meta.get(keys::META_CHANGES_AUDIT)? {
            Some(bytes) => Some(decode(&bytes).map_err(|e| corrupt("meta", e))?),
            None => None,
        };
        if marked == Some(next_audit) {
            return Ok(());
        }
        let missing = self.unfed_changes()?;
        let mut next = self.last_change()? + 1;
        for chunk in missing.chunks(super::WRITE_BATCH) {
            let mut batch = sled::Batch::default();
            for what in chunk {
                batch.insert(&next.to_be_bytes(), encode(&Fed::One(what.clone())));
                next += 1;
            }
            self.changes.apply_batch(batch)?;
        }
        // The counter and the mark go last: a crash before them leaves a
        // tree that the next open completes from what it already holds.
        self.meta.insert(keys::META_NEXT_CHANGE, encode(&next))?;
        self.meta.insert(keys::META_CHANGES_AUDIT, encode(&next_audit))?;
        self.flush()
    }

    /// Everything the tree does not name yet: every reference record and
    /// officer (cheap, and a consumer's upsert makes a repeat harmless),
    /// then the revisions and verifications it lacks, in the order they
    /// were made.
    fn unfed_changes(&self) -> Result<Vec<Changed>> {
        let mut fed = HashSet::new();
        for kv in self.changes.iter().values() {
            for what in decode_fed(&kv?)?.spelled() {
                if matches!(what, Changed::Revision { .. } | Changed::Verification { .. }) {
                    fed.insert(what);
                }
            }
        }
        let mut out: Vec<Changed> = Vec::new();
        out.extend(self.sites()?.into_iter().map(|r| Changed::Site(r.id)));
        out.extend(self.partners()?.into_iter().map(|r| Changed::Partner(r.id)));
        out.extend(self.agreements()?.into_iter().map(|r| Changed::Agreement(r.id)));
        out.extend(self.programs()?.into_iter().map(|r| Changed::Program(r.id)));
        out.extend(self.officers()?.into_iter().map(|o| Changed::Officer(o.nip)));
        // (when, revisions before verifications made at the same instant, what)
        let mut dated: Vec<(DateTime<Utc>, u8, Changed)> = Vec::new();
        for entry in self.all_revisions() {
            let entry = entry?;
            let what = Changed::Revision { id: entry.id, revision: entry.revision };
            if !fed.contains(&what) {
                dated.push((entry.recorded_at, 0, what));
            }
        }
        for kv in self.verifications.iter() {
            let (k, v) = kv?;
            let verification: super::Verification = decode(&v).map_err(|e| corrupt("verifications", e))?;
            let (Some(id), Some(revision)) = (keys::u64_from(&k), k.get(8..).and_then(keys::u32_from)) else {
                continue;
            };
            let what = Changed::Verification { id, revision };
            if !fed.contains(&what) {
                dated.push((verification.at, 1, what));
            }
        }
        dated.sort_by_key(|(at, order, what)| (*at, *order, change_order(what)));
        out.extend(dated.into_iter().map(|(_, _, what)| what));
        Ok(out)
    }
}

/// Entry id then revision, to order changes made at one instant.
fn change_order(what: &Changed) -> (EntryId, u32) {
    match what {
        Changed::Revision { id, revision } | Changed::Verification { id, revision } => (*id, *revision),
        _ => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::entry::{EntryDraft, Quantity, Status};
    use crate::domain::reference_data::reference_data;
    use crate::domain::sector::Kind;
    use crate::store::{AuditAction, AuditNote, Change, OpenMode};

    fn at(minute: u32) -> DateTime<Utc> {
        format!("2026-03-10T02:{minute:02}:00Z").parse().unwrap()
    }

    fn nip() -> Nip {
        Nip::parse("198507142009121001").unwrap()
    }

    fn note(minute: u32) -> AuditNote {
        AuditNote {
            at: at(minute),
            officer: Some(nip()),
            action: AuditAction::EntryAdded,
            detail: String::new(),
            user: "t".into(),
        }
    }

    fn draft(kg: u32) -> EntryDraft {
        EntryDraft {
            program: 1,
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            kind: Kind::Harvest,
            quantities: vec![Quantity::parse(&format!("{kg} kg cabai")).unwrap()],
            participants: 3,
            officers: 0,
            cadets: 0,
            notes: String::new(),
            status: Status::Done,
        }
    }

    fn revisions(store: &Store) -> Vec<Changed> {
        let all = store.changes_after(0, usize::MAX).unwrap();
        all.into_iter().map(|(_, c)| c).filter(|c| matches!(c, Changed::Revision { .. })).collect()
    }

    #[test]
    fn a_database_made_before_the_feed_gets_it_built_in_order_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), OpenMode::CreateIfMissing).unwrap();
        store.init_reference(&reference_data(), &note(0)).unwrap();
        let added = store.commit(&[Change::Add(draft(1)), Change::Add(draft(2))], &nip(), at(1), &note(1)).unwrap();
        let correction = Change::Correct { id: added[0].id, base: 1, draft: draft(5), reason: "x".into() };
        store.commit(&[correction], &nip(), at(2), &note(2)).unwrap();
        let written = revisions(&store);
        let rev = |id, revision| Changed::Revision { id, revision };
        assert_eq!(written, vec![rev(1, 1), rev(2, 1), rev(1, 2)]);

        // As an older binalog left it: no tree, no marker, no counter.
        store.changes.clear().unwrap();
        store.meta.remove(keys::META_CHANGES_AUDIT).unwrap();
        store.meta.remove(keys::META_NEXT_CHANGE).unwrap();
        store.catch_up_changes().unwrap();
        assert_eq!(revisions(&store), written, "built from the revisions, in the order they were made");
        let built = store.changes_after(0, usize::MAX).unwrap();
        assert!(matches!(built[0].1, Changed::Site(1)), "reference data first");
        let last = store.last_change().unwrap();
        assert_eq!(last, built.len() as u64);

        // A later write follows on; a stale marker (an older build wrote)
        // completes the tree without repeating a revision already in it.
        store.commit(&[Change::Add(draft(3))], &nip(), at(3), &note(3)).unwrap();
        assert_eq!(store.changes_after(last, 10).unwrap(), vec![(last + 1, rev(3, 1))]);
        store.meta.insert(keys::META_CHANGES_AUDIT, encode(&0u64)).unwrap();
        store.catch_up_changes().unwrap();
        assert_eq!(revisions(&store), vec![rev(1, 1), rev(2, 1), rev(1, 2), rev(3, 1)]);
        assert!(store.last_change().unwrap() > last + 1, "numbers only grow");
        // Up to date now: opening again adds nothing.
        let now = store.last_change().unwrap();
        store.catch_up_changes().unwrap();
        assert_eq!(store.last_change().unwrap(), now);
    }
}

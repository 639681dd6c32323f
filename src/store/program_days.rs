//! The programmes' index, a day to a key:
//!
//! | tree         | key                  | value                                   |
//! |--------------|----------------------|-----------------------------------------|
//! | program_days | programme, date      | ids of the day's entries (u64 BE each, ascending) |
//!
//! It points at every entry's current revision, voided ones included, by
//! the programme and date of that revision. It replaced `by_program`, a
//! key per entry (programme, date, id): sled 0.34 pays for every key, in
//! each write (a leaf is copied on every insert and split every eight
//! appended keys) and in memory (its page table). A programme logs some
//! twenty to thirty entries a day, so a key a day is that many times
//! fewer keys: an import of 100,000 rows writes a few thousand index keys
//! instead of 100,000. A register reads whole days, so it reads the same.
//!
//! Everything else still sees the index as one key per entry, `keys::dated`
//! (programme, date, id), in the same order: `keys` spells them out, and
//! `check` reports a missing or stray one by that key.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sled::transaction::TransactionalTree;

use super::write::TxResult;
use super::{Result, Store, StoreError, keys};
use crate::domain::entry::EntryId;
use crate::domain::reference::ProgramId;

/// The tree's name, in sled and in `check`'s problems.
pub const TREE: &str = "program_days";

/// A day's key: programme, date (the first eight bytes of `keys::dated`).
pub fn day_key(program: ProgramId, date: NaiveDate) -> [u8; 8] {
    let mut key = [0; 8];
    key[..4].copy_from_slice(&keys::id32(program));
    key[4..].copy_from_slice(&keys::day(date));
    key
}

fn malformed_value(key: &[u8]) -> StoreError {
    StoreError::Corrupt { tree: TREE.into(), detail: format!("malformed value at {}", super::hex(key)) }
}

/// The ids of a stored value, checked: whole ids, ascending, none twice.
pub fn ids(key: &[u8], value: &[u8]) -> Result<Vec<EntryId>> {
    if key.len() != 8 || !value.len().is_multiple_of(8) {
        return Err(malformed_value(key));
    }
    let ids: Vec<EntryId> = value.chunks_exact(8).filter_map(keys::u64_from).collect();
    if ids.windows(2).any(|w| w[0] >= w[1]) {
        return Err(malformed_value(key));
    }
    Ok(ids)
}

fn value_of(ids: &[EntryId]) -> Vec<u8> {
    ids.iter().flat_map(|id| id.to_be_bytes()).collect()
}

/// `stored` with `more` merged in, or None when it holds them all already.
fn merged(key: &[u8], stored: Option<&[u8]>, more: &[EntryId]) -> Result<Option<Vec<u8>>> {
    let held = match stored {
        Some(value) => ids(key, value)?,
        None => Vec::new(),
    };
    let mut more = more.to_vec();
    more.sort_unstable();
    more.dedup();
    // One pass over both sorted lists: a day an import fills with
    // thousands of entries is merged a chunk at a time, never an id at a
    // time into the middle of it.
    let mut all = Vec::with_capacity(held.len() + more.len());
    let (mut h, mut m) = (held.iter().peekable(), more.iter().peekable());
    while let (Some(&&a), Some(&&b)) = (h.peek(), m.peek()) {
        all.push(a.min(b));
        if a <= b {
            h.next();
        }
        if b <= a {
            m.next();
        }
    }
    all.extend(h);
    all.extend(m);
    Ok((all.len() != held.len()).then(|| value_of(&all)))
}

/// Indexes an entry under its day, inside the caller's transaction.
pub(super) fn add(tree: &TransactionalTree, program: ProgramId, date: NaiveDate, id: EntryId) -> TxResult<()> {
    let key = day_key(program, date);
    let stored = tree.get(key)?;
    if let Some(value) = merged(&key, stored.as_deref(), &[id]).or_else(super::write::abort)? {
        tree.insert(&key, value)?;
    }
    Ok(())
}

/// Takes an entry off its day, inside the caller's transaction.
pub(super) fn remove(tree: &TransactionalTree, program: ProgramId, date: NaiveDate, id: EntryId) -> TxResult<()> {
    let key = day_key(program, date);
    let Some(stored) = tree.get(key)? else { return Ok(()) };
    let mut all = ids(&key, &stored).or_else(super::write::abort)?;
    let Ok(at) = all.binary_search(&id) else { return Ok(()) };
    all.remove(at);
    if all.is_empty() {
        tree.remove(&key)?;
    } else {
        tree.insert(&key, value_of(&all))?;
    }
    Ok(())
}

/// Ids to index, by day: written a day at a time outside a transaction
/// (an import's apply, the build at open), merged with what the day holds.
#[derive(Default)]
pub(super) struct DayIds(BTreeMap<[u8; 8], Vec<EntryId>>);

impl DayIds {
    pub fn add(&mut self, program: ProgramId, date: NaiveDate, id: EntryId) {
        self.0.entry(day_key(program, date)).or_default().push(id);
    }

    /// Merges each day's ids into the stored ones, in key order. Written
    /// again, it writes nothing: a day that holds them all is left.
    pub fn write(self, tree: &sled::Tree) -> Result<()> {
        for (key, more) in self.0 {
            let stored = tree.get(key)?;
            if let Some(value) = merged(&key, stored.as_deref(), &more)? {
                tree.insert(key, value)?;
            }
        }
        Ok(())
    }
}

/// A stored day's index keys as `keys::dated` spells them, in order; Err
/// when its value does not read as a day's ids.
pub fn spelled(key: &[u8], value: &[u8]) -> Result<impl Iterator<Item = Vec<u8>>> {
    let day = key.to_vec();
    Ok(ids(key, value)?.into_iter().map(move |id| [&day[..], &id.to_be_bytes()].concat()))
}

/// Every index key as `keys::dated` spells it, in order: what the index
/// would hold as a key per entry. A value that does not read as a day's
/// ids is left out, as if its keys were missing: `check` lists it, and
/// the keys its entries need.
pub fn dated_keys(tree: &sled::Tree) -> impl Iterator<Item = Result<Vec<u8>>> + '_ {
    tree.iter().flat_map(|kv| match kv {
        Err(e) => vec![Err(e.into())],
        Ok((key, value)) => spelled(&key, &value).map(|keys| keys.map(Ok).collect()).unwrap_or_default(),
    })
}

/// Whether the index holds `keys::dated(program, date, id)`; not when its
/// day's value does not read.
pub fn contains(tree: &sled::Tree, dated: &[u8]) -> Result<bool> {
    let (Some(key), Some(id)) = (dated.get(..8), dated.get(8..).and_then(keys::u64_from)) else { return Ok(false) };
    match tree.get(key)? {
        Some(value) => Ok(ids(key, &value).is_ok_and(|ids| ids.binary_search(&id).is_ok())),
        None => Ok(false),
    }
}

impl Store {
    /// Builds the index from the entries if this database has none yet
    /// (written before it existed, or restored from such a backup): once,
    /// at open, before anything reads. Holds a day's ids per day of the
    /// whole database (eight bytes an entry) until it writes them.
    pub(super) fn ensure_program_days(&self) -> Result<()> {
        if self.meta.contains_key(keys::META_PROGRAM_DAYS)? {
            return Ok(());
        }
        let mut days = DayIds::default();
        for entry in self.current_entries() {
            let entry = entry?;
            days.add(entry.draft.program, entry.draft.date, entry.id);
        }
        self.write(|| {
            self.program_days.clear()?;
            let mut batch = sled::Batch::default();
            let mut pairs = 0;
            for (key, ids) in days.0 {
                let mut ids = ids;
                ids.sort_unstable();
                ids.dedup();
                batch.insert(&key, value_of(&ids));
                pairs += 1;
                if pairs % super::WRITE_BATCH == 0 {
                    self.program_days.apply_batch(std::mem::take(&mut batch))?;
                }
            }
            self.program_days.apply_batch(batch)?;
            self.meta.insert(keys::META_PROGRAM_DAYS, super::codec::encode(&1u32))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    #[test]
    fn a_value_is_whole_ascending_ids_or_it_is_refused() {
        let key = day_key(1, date(5));
        assert_eq!(ids(&key, &value_of(&[3, 9])).unwrap(), vec![3, 9]);
        assert!(ids(&key, &[0; 7]).is_err(), "part of an id");
        assert!(ids(&key, &value_of(&[9, 3])).is_err(), "out of order");
        assert!(ids(&key, &value_of(&[3, 3])).is_err(), "twice");
        assert!(ids(&key[..7], &value_of(&[3])).is_err(), "short key");
    }

    #[test]
    fn merging_keeps_order_and_writes_nothing_when_nothing_is_new() {
        let key = day_key(1, date(5));
        let stored = value_of(&[2, 8]);
        assert_eq!(merged(&key, Some(&stored), &[5, 1, 8]).unwrap(), Some(value_of(&[1, 2, 5, 8])));
        assert_eq!(merged(&key, Some(&stored), &[8, 2]).unwrap(), None);
        assert_eq!(merged(&key, None, &[4]).unwrap(), Some(value_of(&[4])));
        assert_eq!(merged(&key, None, &[9, 4, 9]).unwrap(), Some(value_of(&[4, 9])), "sorted, once each");
        let many: Vec<EntryId> = (1..=10_000).map(|n| n * 2).collect();
        let odd: Vec<EntryId> = (0..5_000).map(|n| n * 4 + 1).collect();
        let all = ids(&key, &merged(&key, Some(&value_of(&many)), &odd).unwrap().unwrap()).unwrap();
        assert_eq!(all.len(), 15_000);
    }

    /// A day whose value does not read is damage `check` lists, with the
    /// index keys its entries need; a register over it says it cannot read.
    #[test]
    fn check_lists_a_day_that_does_not_read_and_the_keys_its_entries_need() {
        use super::super::check::Problem;
        use super::super::write::tests::{commit, harvest, with_reference};
        let dir = tempfile::tempdir().unwrap();
        let store = with_reference(dir.path());
        let added = commit(&store, &[super::super::Change::Add(harvest("2 kg cabai"))]).unwrap();
        let day = day_key(1, added[0].draft.date);
        store.program_days.insert(day, &[1u8; 7]).unwrap();
        let hex = super::super::hex;
        let problems = store.check().unwrap();
        let missing = keys::dated(1, added[0].draft.date, added[0].id);
        assert_eq!(
            problems,
            vec![
                Problem::Undecodable { tree: TREE.into(), key: hex(&day), detail: "not a list of entry ids".into() },
                Problem::IndexMissing { tree: TREE.into(), key: hex(&missing) },
            ]
        );
        let date = added[0].draft.date;
        assert!(matches!(store.program_entries(1, date, date), Err(StoreError::Corrupt { .. })));
    }

    #[test]
    fn the_index_reads_as_a_key_per_entry_in_key_order() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().path(dir.path()).open().unwrap();
        let tree = db.open_tree(TREE).unwrap();
        let mut days = DayIds::default();
        for (program, day, id) in [(2, 1, 7), (1, 9, 4), (1, 5, 6), (1, 5, 3)] {
            days.add(program, date(day), id);
        }
        days.write(&tree).unwrap();
        let spelled: Vec<Vec<u8>> = dated_keys(&tree).map(Result::unwrap).collect();
        let expected = vec![
            keys::dated(1, date(5), 3),
            keys::dated(1, date(5), 6),
            keys::dated(1, date(9), 4),
            keys::dated(2, date(1), 7),
        ];
        assert_eq!(spelled, expected);
        assert!(contains(&tree, &keys::dated(1, date(5), 6)).unwrap());
        assert!(!contains(&tree, &keys::dated(1, date(5), 4)).unwrap());
        assert!(!contains(&tree, &keys::dated(1, date(6), 6)).unwrap());
    }
}

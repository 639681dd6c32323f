//! The spelling each item is shown by (tree `item_names`): items are
//! stored as typed and grouped by their key (`text::item_key`), so a line
//! of totals for "BBI Cilacap" and "bbi cilacap" needs one spelling. It is
//! the FIRST spelling stored for that programme and item: written in the
//! same transaction as the revision that brought it (never replaced, so a
//! line keeps its name however the item is typed later, and a total read
//! twice is named the same), and kept when that entry is corrected or
//! voided (a name is not a fact to recount). A small tree of its own
//! rather than a field of the rollup values, so that no rollup value
//! changes shape: a database written before items kept their capitals
//! opens as it is, and gets this tree built once (`ensure_item_names`).
//!
//! Key: programme (4), the item's key (UTF-8). Value: the spelling.

use std::collections::{BTreeMap, BTreeSet};

use sled::transaction::TransactionalTree;

use super::codec::{decode, encode};
use super::write::TxResult;
use super::{Problem, Result, Store, corrupt, hex, keys};
use crate::domain::entry::Entry;
use crate::domain::reference::ProgramId;
use crate::domain::text::{ItemNames, item_key};

/// The spellings a transaction's revisions bring, the first of each key.
#[derive(Default, Debug)]
pub(super) struct NewNames(BTreeMap<Vec<u8>, String>);

impl NewNames {
    /// Notes the items of a revision written (every revision, pending and
    /// voided ones too: the register shows them, and a name is what was
    /// stored first, whatever happened to it).
    pub fn note(&mut self, entry: &Entry) {
        for q in entry.draft.quantities.iter().filter(|q| !q.item.is_empty()) {
            let key = keys::item_name(entry.draft.program, &item_key(&q.item));
            self.0.entry(key).or_insert_with(|| q.item.clone());
        }
    }

    /// Writes the spellings of keys that have none yet, inside the
    /// caller's transaction.
    pub fn write(&self, names: &TransactionalTree) -> TxResult<()> {
        for (key, name) in &self.0 {
            if names.get(key.as_slice())?.is_none() {
                names.insert(key.as_slice(), encode(name))?;
            }
        }
        Ok(())
    }
}

impl Store {
    /// The shown spelling of each of a programme's items.
    pub fn item_names(&self, program: ProgramId) -> Result<ItemNames> {
        let mut names = BTreeMap::new();
        for kv in self.item_names.scan_prefix(keys::id32(program)) {
            let (k, v) = kv?;
            let key = String::from_utf8(k[4..].to_vec())
                .map_err(|e| corrupt("item_names", super::codec::CodecError::Malformed(e.to_string())))?;
            names.insert(key, decode::<String>(&v).map_err(|e| corrupt("item_names", e))?);
        }
        Ok(ItemNames(names))
    }

    /// Builds the spellings when the marker says they are missing (a
    /// database written before items kept their capitals, or restored from
    /// such a backup): once, at open, from every revision in id order, the
    /// first spelling of each key kept. Such a database stored items
    /// lowercased, so each is named by its key, as it was shown. A crash
    /// part-way builds it again (keys present are kept: the same result).
    pub(super) fn ensure_item_names(&self) -> Result<()> {
        if self.meta.contains_key(keys::META_ITEM_NAMES)? {
            return Ok(());
        }
        let mut found: BTreeMap<Vec<u8>, String> = BTreeMap::new();
        for kv in self.entries.iter() {
            let (_, v) = kv?;
            let entry: Entry = decode(&v).map_err(|e| corrupt("entries", e))?;
            for q in entry.draft.quantities.iter().filter(|q| !q.item.is_empty()) {
                found.entry(keys::item_name(entry.draft.program, &item_key(&q.item))).or_insert_with(|| q.item.clone());
            }
        }
        self.write(|| {
            let mut batch = sled::Batch::default();
            for (key, name) in &found {
                if !self.item_names.contains_key(key)? {
                    batch.insert(key.as_slice(), encode(name));
                }
            }
            self.item_names.apply_batch(batch)?;
            self.meta.insert(keys::META_ITEM_NAMES, encode(&1u32))?;
            Ok(())
        })
    }

    /// What `check` asks of the spellings: each under its own key (its
    /// `item_key`, the fold the rollups use), and, once built, one for
    /// every item a revision names (`needed`). A spelling is a copy of an
    /// entry's item: a value the text rules refuse is reported with the
    /// entry it came from, not again here.
    pub(super) fn check_item_names(&self, needed: &BTreeSet<Vec<u8>>, problems: &mut Vec<Problem>) -> Result<()> {
        let tree = || "item_names".to_string();
        for kv in self.item_names.iter() {
            let (k, v) = kv?;
            let name = match decode::<String>(&v) {
                Ok(name) => name,
                Err(e) => {
                    problems.push(Problem::Undecodable { tree: tree(), key: hex(&k), detail: e.to_string() });
                    continue;
                }
            };
            if k.len() < 4 || keys::item_name(keys::u32_from(&k).unwrap_or(0), &item_key(&name)) != k.as_ref() {
                problems.push(Problem::IndexExtra { tree: tree(), key: hex(&k) });
            }
        }
        if self.meta.contains_key(keys::META_ITEM_NAMES)? {
            for key in needed {
                if !self.item_names.contains_key(key)? {
                    problems.push(Problem::IndexMissing { tree: tree(), key: hex(key) });
                }
            }
        }
        Ok(())
    }

    /// As a database written before items kept their capitals: no
    /// spellings, no marker.
    #[cfg(test)]
    pub fn forget_item_names_for_test(&self) -> Result<()> {
        self.item_names.clear()?;
        self.meta.remove(keys::META_ITEM_NAMES)?;
        self.flush()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, Utc};

    use super::super::staging::tests::reopened;
    use super::super::{AuditNote, Change, OpenMode, Problem, Store};
    use super::*;
    use crate::domain::officer::Nip;
    use crate::domain::reference_data::reference_data;

    fn note() -> AuditNote {
        super::super::staging::tests::setup_note()
    }

    fn harvest(day: u32, qty: &str) -> Change {
        Change::Add(crate::store::write::tests::harvest_on(day, qty))
    }

    fn add(store: &Store, changes: &[Change]) {
        let nip = Nip::parse("198507142009121001").unwrap();
        store.commit(changes, &nip, DateTime::<Utc>::UNIX_EPOCH, &note()).unwrap();
    }

    /// The rollup rows of programme 1: (item key, total, entries).
    fn rollups(store: &Store) -> Vec<(String, i64, u32)> {
        let (from, to) = (NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 3, 31).unwrap());
        let mut rows: Vec<_> = store
            .rollups_for_sums(1, from, to)
            .unwrap()
            .into_iter()
            .map(|r| (r.item, r.rollup.total, r.rollup.entries))
            .collect();
        rows.sort();
        rows
    }

    #[test]
    fn an_older_database_opens_checks_and_keeps_its_lowercase_names_for_new_spellings() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path(), OpenMode::CreateIfMissing).unwrap();
            store.init_reference(&reference_data(), &note()).unwrap();
            // As a build before items kept their capitals stored them.
            add(&store, &[harvest(2, "3 kg bbi cilacap"), harvest(3, "1 kg cabai")]);
            store.forget_item_names_for_test().unwrap();
            assert_eq!(store.item_names(1).unwrap(), ItemNames::default());
        }
        let store = reopened(dir.path());
        assert_eq!(store.check().unwrap(), vec![], "the older database checks clean");
        let names = store.item_names(1).unwrap();
        assert_eq!(names.shown("BBI CILACAP"), "bbi cilacap", "built at open: the spelling it had");
        add(&store, &[harvest(4, "4 kg BBI Cilacap"), harvest(5, "2 kg Tomat")]);
        let names = store.item_names(1).unwrap();
        assert_eq!((names.shown("BBI Cilacap"), names.shown("tomat")), ("bbi cilacap".into(), "Tomat".into()));
        assert_eq!(
            rollups(&store),
            [("bbi cilacap".into(), 7_000, 2), ("cabai".into(), 1_000, 1), ("tomat".into(), 2_000, 1)],
            "the new spelling on the old one's rollup"
        );
        assert_eq!(store.check().unwrap(), vec![]);
    }

    #[test]
    fn the_first_spelling_stays_and_check_finds_a_name_lost_or_misplaced() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), OpenMode::CreateIfMissing).unwrap();
        store.init_reference(&reference_data(), &note()).unwrap();
        // Two spellings in one transaction: the first in it is kept.
        add(&store, &[harvest(2, "3 kg Cabai Rawit"), harvest(2, "1 kg CABAI RAWIT")]);
        add(&store, &[harvest(3, "2 kg cabai rawit")]);
        assert_eq!(store.item_names(1).unwrap().shown("cabai rawit"), "Cabai Rawit");
        assert_eq!(rollups(&store), [("cabai rawit".into(), 6_000, 3)]);
        assert_eq!(store.check().unwrap(), vec![]);

        let key = keys::item_name(1, "cabai rawit");
        store.item_names.insert(&key, encode(&"Tomat".to_string())).unwrap();
        assert_eq!(store.check().unwrap(), vec![Problem::IndexExtra { tree: "item_names".into(), key: hex(&key) }]);
        store.item_names.remove(&key).unwrap();
        assert_eq!(store.check().unwrap(), vec![Problem::IndexMissing { tree: "item_names".into(), key: hex(&key) }]);
    }
}

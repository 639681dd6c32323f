//! Upgrades an older database in place when it is opened. Each step
//! rewrites the values whose shape changed, in one transaction per tree,
//! then stamps the new schema; a crash part-way leaves values that still
//! decode (the codec reads every older version), so the step simply runs
//! again on the next open.

use super::codec::{SCHEMA_VERSION, Stored, decode, encode, is_old};
use super::{AuditRecord, Result, Store, corrupt, keys};
use crate::domain::entry::Entry;

pub(super) fn migrate(store: &Store, from: u32) -> Result<()> {
    if from < 2 {
        rewrite::<Entry>(&store.entries, "entries")?;
        // Entries read from schema 1 have no attendance: the activity
        // rollups derived from them are built again (rollup_build.rs).
        store.meta.remove(keys::META_ACTIVITY)?;
    }
    if from < 3 {
        rewrite::<AuditRecord>(&store.audit, "audit")?;
    }
    if from < 4 {
        rewrite::<crate::domain::Site>(&store.sites, "sites")?;
    }
    // 5 rewrites nothing: the feed's older values read as one change each
    // (changes.rs `Fed`), and the day index is built from the entries by
    // the open that follows (program_days.rs; `by_program` is retired).
    store.meta.insert(keys::META_SCHEMA, encode(&u32::from(SCHEMA_VERSION)))?;
    store.flush()
}

/// Trees an earlier build kept and this one does not, each a million keys
/// fewer in sled's page table (which sled holds in memory from the moment
/// it opens) and in every write for a million entries:
/// - `by_site` (site, date, entry id), the same keys as `by_program` under
///   another owner: a site's entries are read through its programmes' keys.
/// - `heads` (entry id -> current revision): the current revision is the
///   entry's last key in `entries` (store/read.rs `last_revision`), and a
///   change checks its base inside the transaction (write.rs
///   `current_for_change`).
/// - `by_program` (programme, date, entry id), a key per entry: the same
///   index is `program_days`, a key per programme-day (program_days.rs),
///   built from the entries at the first open.
pub(super) const RETIRED_TREES: [&str; 3] = ["by_site", "heads", "by_program"];

/// Drops every retired tree still present: in a database written before
/// it was retired, or restored from such a backup. Nothing reads them, so
/// no marker is needed: sled lists a tree until its drop has taken its
/// root away (one atomic step, sled `Db::drop_tree`), so a crash before
/// that drops it again at the next open, and one after it can leave only
/// unreferenced pages (space, never data anyone reads).
pub(super) fn drop_retired_trees(store: &Store) -> Result<()> {
    let names = store.db.tree_names();
    let mut dropped = false;
    for retired in RETIRED_TREES {
        if names.iter().any(|n| n.as_ref() == retired.as_bytes()) {
            dropped |= store.db.drop_tree(retired)?;
        }
    }
    if dropped { store.flush() } else { Ok(()) }
}

/// Rewrites every value of a tree that an older schema wrote, in one batch.
/// Schema 2 added training attendance to entries; schema 3 added the Unix
/// user to audit records; schema 4 the time zone to sites.
fn rewrite<T: Stored>(tree: &sled::Tree, name: &str) -> Result<()> {
    let mut batch = sled::Batch::default();
    for kv in tree.iter() {
        let (k, v) = kv?;
        if is_old(&v) {
            let value: T = decode(&v).map_err(|e| corrupt(name, e))?;
            batch.insert(k, encode(&value));
        }
    }
    tree.apply_batch(batch)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::codec::encode;
    use super::super::staging::tests::reopened;
    use super::super::write::tests::{commit, harvest, with_reference};
    use super::super::{Change, Store, keys};

    fn has_tree(store: &Store, name: &str) -> bool {
        store.db.tree_names().iter().any(|n| n.as_ref() == name.as_bytes())
    }

    /// A new database with three entries, one corrected, and the trees an
    /// earlier build kept beside them: a site index of one key, and a head
    /// per entry (entry id -> current revision).
    fn with_retired_trees(dir: &std::path::Path) -> Store {
        let store = with_reference(dir);
        let added = [1, 2, 3].map(|n| Change::Add(harvest(&format!("{n} kg cabai"))));
        let added = commit(&store, &added).unwrap();
        // A head count: a month of livestock stock (stock.rs) too.
        let sheep = crate::domain::entry::EntryDraft {
            program: 3,
            kind: crate::domain::sector::Kind::HeadCount,
            quantities: vec![crate::domain::entry::Quantity::parse("12 ekor domba").unwrap()],
            ..harvest("1 kg cabai")
        };
        commit(&store, &[Change::Add(sheep)]).unwrap();
        let fix = Change::Correct { id: added[1].id, base: 1, draft: harvest("5 kg cabai"), reason: "salah".into() };
        commit(&store, &[fix]).unwrap();
        let old = store.db.open_tree("by_site").unwrap();
        old.insert(keys::dated(1, chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(), 1), &[]).unwrap();
        let heads = store.db.open_tree("heads").unwrap();
        for (id, revision) in [(added[0].id, 1u32), (added[1].id, 2), (added[2].id, 1)] {
            heads.insert(id.to_be_bytes(), encode(&revision)).unwrap();
        }
        // The programmes' index a key per entry, and none a day to a key.
        let by_program = store.db.open_tree("by_program").unwrap();
        for key in super::super::program_days::dated_keys(&store.program_days) {
            by_program.insert(key.unwrap(), &[]).unwrap();
        }
        store.program_days.clear().unwrap();
        store.meta.remove(keys::META_PROGRAM_DAYS).unwrap();
        as_schema_4(&store);
        store.flush().unwrap();
        store
    }

    /// Every value as a schema 4 build wrote it: its schema byte, and the
    /// feed's values one change each (not `Fed`).
    fn as_schema_4(store: &Store) {
        let names = store.db.tree_names();
        for name in names.iter().filter(|n| !matches!(n.as_ref(), b"changes" | b"program_days" | b"by_program")) {
            let tree = store.db.open_tree(name).unwrap();
            for kv in tree.iter() {
                let (k, v) = kv.unwrap();
                if v.first() == Some(&5) {
                    tree.insert(k, [&[4u8][..], &v[1..]].concat()).unwrap();
                }
            }
        }
        for kv in store.changes.iter() {
            let (k, v) = kv.unwrap();
            let super::super::changes::Fed::One(change) = super::super::codec::decode(&v).unwrap() else {
                panic!("no import here")
            };
            store.changes.insert(k, super::super::changes::as_schema_4(&change)).unwrap();
        }
        store.meta.insert(keys::META_SCHEMA, [&[4u8][..], &encode(&4u32)[1..]].concat()).unwrap();
    }

    /// A database an earlier build wrote (or a backup of one) still has a
    /// site index, heads and the programmes' index a key per entry: the
    /// next open builds the index a day to a key and drops them, keys and all; the
    /// entries read the same without them, `check` finds nothing missing
    /// and a correction is still checked against the current revision.
    #[test]
    fn trees_left_by_an_earlier_build_are_dropped_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let store = with_retired_trees(dir.path());
        assert!(has_tree(&store, "by_site") && has_tree(&store, "heads") && has_tree(&store, "by_program"));
        let before: Vec<_> = store.current_entries().map(Result::unwrap).collect();
        let fed = store.changes_after(0, usize::MAX).unwrap();
        let old_index: Vec<_> =
            store.db.open_tree("by_program").unwrap().iter().keys().map(|k| k.unwrap().to_vec()).collect();
        assert_eq!(old_index.len(), 4);
        drop(store);
        // `binalog check` before any open: a copy, opened as the next open would.
        let (problems, entries) = loop {
            match super::super::check::check_copy(dir.path()) {
                Err(super::super::StoreError::Locked { .. }) => std::thread::yield_now(),
                checked => break checked.unwrap(),
            }
        };
        assert_eq!((problems, entries), (vec![], 4));
        let store = reopened(dir.path());
        // The index a day to a key, built from the entries: the same keys.
        let index: Vec<_> = super::super::program_days::dated_keys(&store.program_days).map(Result::unwrap).collect();
        assert_eq!(index, old_index);
        let day = before[0].draft.date;
        let harvests: Vec<_> = before.iter().filter(|e| e.draft.program == 1).cloned().collect();
        assert_eq!(store.program_entries(1, day, day).unwrap(), harvests, "a register reads through it");
        for retired in super::RETIRED_TREES {
            assert!(!has_tree(&store, retired), "{retired}: {:?}", store.db.tree_names());
        }
        assert_eq!(store.check().unwrap(), vec![], "every value a schema 4 build wrote reads as what it was");
        assert_eq!(store.changes_after(0, usize::MAX).unwrap(), fed, "the feed reads the same");
        let after: Vec<_> = store.current_entries().map(Result::unwrap).collect();
        assert_eq!(after, before);
        assert_eq!(after.iter().map(|e| e.revision).collect::<Vec<_>>(), vec![1, 2, 1, 1]);
        assert_eq!(store.entry_count(), 4);
        assert_eq!(store.head(after[1].id).unwrap(), Some(2));
        let stale = Change::Void { id: after[1].id, base: 1, reason: "dobel".into() };
        match commit(&store, &[stale]) {
            Err(super::super::StoreError::Conflict { current }) => assert_eq!(*current, after[1]),
            other => panic!("{other:?}"),
        }
        drop(store);
        let store = reopened(dir.path());
        for retired in super::RETIRED_TREES {
            assert!(!has_tree(&store, retired), "{retired} not made again by a later open");
        }
    }

    /// A backup of such a database verifies (its header counted the
    /// entries as the pairs of `heads`) and restores without the retired
    /// trees: the restored folder never holds their pages (sled keeps a
    /// dropped tree's page ids in its page table, in memory, so restoring
    /// is the way to shed them).
    #[test]
    fn a_restored_backup_of_an_earlier_database_has_no_retired_tree() {
        let dir = tempfile::tempdir().unwrap();
        let store = with_retired_trees(dir.path());
        let heads = store.db.open_tree("heads").unwrap();
        // As an earlier build counted its entries: one more head than ids
        // in `entries` shows which count the header holds.
        heads.insert(99u64.to_be_bytes(), encode(&1u32)).unwrap();
        let file = dir.path().join("backup.binalog");
        let at = "2026-03-10T02:00:00Z".parse().unwrap();
        let summary = store.backup_to(&file, at).unwrap();
        assert_eq!((summary.entries, summary.revisions), (4, 5));
        let dest = dir.path().join("restored");
        let (restored, problems) = super::super::restore(&file, &dest).unwrap();
        assert_eq!(restored.entries, 4);
        assert_eq!(problems, vec![]);
        // The folder as restore left it, before any open could drop a tree.
        let raw = loop {
            match sled::Config::new().path(&dest).open() {
                Ok(db) => break db,
                Err(sled::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::yield_now(),
                Err(e) if e.to_string().contains("lock") => std::thread::yield_now(),
                Err(e) => panic!("{e:?}"),
            }
        };
        let names: Vec<_> = raw.tree_names();
        assert!(names.iter().any(|n| n.as_ref() == b"meta"), "{names:?}");
        for retired in super::RETIRED_TREES {
            assert!(!names.iter().any(|n| n.as_ref() == retired.as_bytes()), "{retired}: {names:?}");
        }
    }

    /// A backup this build writes counts its entries from `entries`.
    #[test]
    fn a_backup_counts_entries_as_ids_in_entries() {
        let dir = tempfile::tempdir().unwrap();
        drop(with_retired_trees(dir.path()));
        let store = reopened(dir.path());
        let summary = store.backup_to(&dir.path().join("b.binalog"), "2026-03-10T02:00:00Z".parse().unwrap()).unwrap();
        assert_eq!((summary.entries, summary.revisions), (4, 5));
    }
}

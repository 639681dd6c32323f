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
    store.meta.insert(keys::META_SCHEMA, encode(&u32::from(SCHEMA_VERSION)))?;
    store.flush()
}

/// Trees an earlier build kept and this one does not: `by_site` (site,
/// date, entry id), the same keys as `by_program` under another owner. A
/// site's entries are read through its programmes' keys instead, so a
/// million entries are a million keys fewer in sled's page table (which
/// sled holds in memory from the moment it opens) and in every write.
pub(super) const RETIRED_TREES: [&str; 1] = ["by_site"];

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
    use super::super::staging::tests::reopened;
    use super::super::{OpenMode, Store};

    fn has_tree(store: &Store, name: &str) -> bool {
        store.db.tree_names().iter().any(|n| n.as_ref() == name.as_bytes())
    }

    /// A new database with a site index of one key, as an earlier build
    /// kept it.
    fn with_site_index(dir: &std::path::Path) -> Store {
        let store = Store::open(dir, OpenMode::CreateIfMissing).unwrap();
        let old = store.db.open_tree("by_site").unwrap();
        old.insert(super::keys::dated(1, chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(), 1), &[]).unwrap();
        store
    }

    /// A database an earlier build wrote (or a backup of one) still has a
    /// site index: the next open drops it, keys and all, and `check` finds
    /// nothing missing without it.
    #[test]
    fn a_site_index_left_by_an_earlier_build_is_dropped_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let store = with_site_index(dir.path());
        store.flush().unwrap();
        assert!(has_tree(&store, "by_site"));
        drop(store);
        let store = reopened(dir.path());
        assert!(!has_tree(&store, "by_site"), "{:?}", store.db.tree_names());
        assert_eq!(store.check().unwrap(), vec![]);
        drop(store);
        let store = reopened(dir.path());
        assert!(!has_tree(&store, "by_site"), "not made again by a later open");
    }

    /// A backup of such a database restores without it: the restored
    /// folder never holds its pages (sled keeps a dropped tree's page ids
    /// in its page table, in memory, so restoring is the way to shed them).
    #[test]
    fn a_restored_backup_of_an_earlier_database_has_no_site_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = with_site_index(dir.path());
        let file = dir.path().join("backup.binalog");
        let at = "2026-03-10T02:00:00Z".parse().unwrap();
        let summary = store.backup_to(&file, at).unwrap();
        assert!(summary.trees > 0);
        let dest = dir.path().join("restored");
        let (_, problems) = super::super::restore(&file, &dest).unwrap();
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
        assert!(!names.iter().any(|n| n.as_ref() == b"by_site"), "{names:?}");
    }
}

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

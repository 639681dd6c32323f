//! Upgrades an older database in place when it is opened. Each step
//! rewrites the values whose shape changed, in one transaction per tree,
//! then stamps the new schema; a crash part-way leaves values that still
//! decode (the codec reads every older version), so the step simply runs
//! again on the next open.

use super::codec::{SCHEMA_VERSION, decode, encode, is_old};
use super::{Result, Store, corrupt, keys};
use crate::domain::entry::Entry;

pub(super) fn migrate(store: &Store, from: u32) -> Result<()> {
    if from < 2 {
        rewrite_entries(store)?;
    }
    store.meta.insert(keys::META_SCHEMA, encode(&u32::from(SCHEMA_VERSION)))?;
    store.flush()
}

/// Schema 2 added training attendance to entries.
fn rewrite_entries(store: &Store) -> Result<()> {
    let mut batch = sled::Batch::default();
    for kv in store.entries.iter() {
        let (k, v) = kv?;
        if is_old(&v) {
            let entry: Entry = decode(&v).map_err(|e| corrupt("entries", e))?;
            batch.insert(k, encode(&entry));
        }
    }
    store.entries.apply_batch(batch)?;
    Ok(())
}

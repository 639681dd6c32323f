//! The `drafts` tree: the form an officer is typing, kept by the server so
//! a dropped link or a killed client loses nothing. One value per officer,
//! keyed by NIP. The store knows only the key and the codec: what a draft
//! holds, how large it may be and when it expires are the records API's
//! rules (records/drafts.rs), so any `Stored` type goes in.
//!
//! A draft is never an entry: it is not audited, counted, exported or
//! indexed, and no other tree refers to it. Writing one does not flush:
//! sled writes it out within half a second on its own, and a draft is
//! not something binalog has told anyone is saved, so a field change
//! does not pay for a disk sync.

use super::codec::{Stored, decode, encode};
use super::{Result, Store, corrupt};
use crate::domain::officer::Nip;

const TREE: &str = "drafts";

impl Store {
    /// Keeps `draft` as the officer's one draft, replacing any before it.
    pub fn put_draft<T: Stored>(&self, nip: &Nip, draft: &T) -> Result<()> {
        self.drafts.insert(nip.as_str().as_bytes(), encode(draft))?;
        Ok(())
    }

    /// The officer's draft, if one is kept.
    pub fn draft<T: Stored>(&self, nip: &Nip) -> Result<Option<T>> {
        self.drafts.get(nip.as_str().as_bytes())?.map(|v| decode(&v).map_err(|e| corrupt(TREE, e))).transpose()
    }

    /// Forgets the officer's draft; nothing to forget is no error.
    pub fn remove_draft(&self, nip: &Nip) -> Result<()> {
        self.drafts.remove(nip.as_str().as_bytes())?;
        Ok(())
    }

    /// Removes every draft `stale` says is too old (or cannot be read any
    /// more: a draft is only typing, never worth a failed request), and
    /// says how many went.
    pub fn drop_drafts<T: Stored>(&self, stale: impl Fn(&T) -> bool) -> Result<usize> {
        let mut dropped = 0;
        for kept in self.drafts.iter() {
            let (key, value) = kept?;
            if decode::<T>(&value).map_or(true, |draft| stale(&draft)) {
                // Only if unchanged: a newer draft saved meanwhile stays.
                if self.drafts.compare_and_swap(&key, Some(&value), None::<&[u8]>)?.is_ok() {
                    dropped += 1;
                }
            }
        }
        Ok(dropped)
    }

    /// How many drafts are kept, for tests and `check`'s counts.
    pub fn draft_count(&self) -> usize {
        self.drafts.len()
    }
}

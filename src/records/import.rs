//! Imports in chunks inside one all-or-nothing operation. A front end
//! calls `Records::import` with every draft, as before; it begins an
//! import, sends the drafts a chunk at a time (each validated and staged
//! by the store, see store/staging.rs) and finishes it, which makes every
//! entry visible at once. Over a server no frame and no transaction holds
//! the whole import, so the server's memory stays bounded by a chunk.
//!
//! The staging belongs to the session that began it: the server's copy of
//! `Local` for one connection (or the one `Local` of a `--direct`
//! program). When that session ends, a client killed or gone, its
//! unfinished imports are dropped; a crash leaves them to `Store::open`.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, RwLock};

use super::ImportId;
use super::changes::IMPORT_PROBLEMS_SHOWN;
use super::{Actor, Error, Local, Records, Result, WireError};
use crate::domain::entry::{EntryDraft, EntryId};
use crate::domain::officer::Nip;
use crate::domain::permission::Action;
use crate::domain::reference::{ProgramId, SiteId};
use crate::store::{AuditAction, SharedStore};

/// Drafts per chunk: a frame of a few hundred kilobytes, and a server that
/// holds no more than this many drafts of an import at once.
pub const IMPORT_CHUNK: usize = 2_000;

/// Keeps readers out while an import's entries are being made visible, so
/// that nobody sees half of one: every request but the finishing one
/// holds it shared (`Request::run`); finishing holds it alone.
pub(crate) type ImportGate = Arc<RwLock<()>>;

/// One unfinished import of a session.
struct Open {
    by: Nip,
    /// Drafts staged so far: the next one's place.
    staged: u64,
    /// The sites the officer was allowed to record at, checked again at
    /// the end.
    sites: Vec<SiteId>,
    /// The programmes whose registers the import changes.
    programs: Vec<ProgramId>,
}

/// A session's unfinished imports; dropped with the session's last copy
/// of `Local`, and with them their staged drafts.
pub(crate) struct SessionImports {
    /// The store is reached through the shared handle, never kept: a full
    /// disk makes it reopen.
    store: Arc<SharedStore>,
    open: Mutex<HashMap<ImportId, Open>>,
}

impl SessionImports {
    pub(super) fn new(store: Arc<SharedStore>) -> SessionImports {
        SessionImports { store, open: Mutex::new(HashMap::new()) }
    }

    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<ImportId, Open>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for SessionImports {
    fn drop(&mut self) {
        let open = self.open();
        for import in open.keys() {
            // The next open drops whatever this cannot.
            if let Ok(store) = self.store.get() {
                let _ = store.stage_discard(*import);
            }
        }
        if !open.is_empty() {
            give_back_memory();
        }
    }
}

impl Local {
    /// Begins an import staged out of sight. One session stages one import
    /// at a time: beginning another drops the one before.
    pub fn import_begin(&self, actor: &Actor) -> Result<ImportId> {
        self.drop_imports()?;
        let import = self.store()?.stage_begin()?;
        self.imports
            .open()
            .insert(import, Open { by: actor.nip().clone(), staged: 0, sites: Vec::new(), programs: Vec::new() });
        Ok(import)
    }

    /// Validates drafts with the rules of `add_entry` and stages them.
    /// Refused with every bad draft named by its place in this chunk (from
    /// 1), staging none of it; the officer must be allowed to record at
    /// every programme's site.
    pub fn import_chunk(&self, actor: &Actor, import: ImportId, drafts: Vec<EntryDraft>) -> Result<()> {
        let (first, mut allowed) = {
            let open = self.imports.open();
            let staging = owned(&open, import, actor)?;
            (staging.staged, staging.sites.clone())
        };
        let sites: HashMap<ProgramId, SiteId> = self.programs()?.into_iter().map(|p| (p.id, p.site)).collect();
        for site in drafts.iter().filter_map(|d| sites.get(&d.program).copied()) {
            if !allowed.contains(&site) {
                self.permit(actor, Action::AddEntry { site })?;
                allowed.push(site);
            }
        }
        let drafts = self.validate_all(drafts)?;
        let store = self.store()?;
        if !store.is_staging(import) {
            // The store was opened again meanwhile: the import has ended.
            self.imports.open().remove(&import);
            return Err(Error::ImportUnknown);
        }
        store.stage_drafts(import, first, &drafts)?;
        let mut open = self.imports.open();
        let staging =
            open.get_mut(&import).filter(|o| o.by == *actor.nip() && o.staged == first).ok_or(Error::ImportUnknown)?;
        staging.staged += drafts.len() as u64;
        staging.sites = allowed;
        for program in drafts.iter().map(|d| d.program) {
            if !staging.programs.contains(&program) {
                staging.programs.push(program);
            }
        }
        Ok(())
    }

    /// Makes every staged draft an entry, all visible at once, with one
    /// audit record. Returns the new entries' ids.
    pub fn import_finish(&self, actor: &Actor, import: ImportId) -> Result<Range<EntryId>> {
        let staging = {
            let mut open = self.imports.open();
            owned(&open, import, actor)?;
            open.remove(&import).ok_or(Error::ImportUnknown)?
        };
        let checked = staging.sites.iter().try_for_each(|site| self.permit(actor, Action::AddEntry { site: *site }));
        if let Err(e) = checked {
            self.store()?.stage_discard(import)?;
            return Err(e);
        }
        if !self.store()?.is_staging(import) {
            return Err(Error::ImportUnknown);
        }
        let count = staging.staged;
        let note = self.note(Some(actor.nip()), AuditAction::Imported, format!("{count} entries"));
        let ids = {
            let _alone = self.import_gate.write().unwrap_or_else(|e| e.into_inner());
            self.store()?.stage_commit(import, count, actor.nip(), self.clock.now(), &note)?
        };
        self.entries_changed(staging.programs);
        give_back_memory();
        Ok(ids)
    }

    /// Drops an unfinished import and everything staged for it.
    pub fn import_abort(&self, actor: &Actor, import: ImportId) -> Result<()> {
        {
            let mut open = self.imports.open();
            owned(&open, import, actor)?;
            open.remove(&import);
        }
        self.store()?.stage_discard(import)?;
        give_back_memory();
        Ok(())
    }

    fn drop_imports(&self) -> Result<()> {
        let dropped: Vec<ImportId> = self.imports.open().drain().map(|(import, _)| import).collect();
        for import in dropped {
            self.store()?.stage_discard(import)?;
        }
        Ok(())
    }
}

/// The session's import of that number, begun by that officer.
fn owned<'a>(open: &'a HashMap<ImportId, Open>, import: ImportId, actor: &Actor) -> Result<&'a Open> {
    open.get(&import).filter(|o| o.by == *actor.nip()).ok_or(Error::ImportUnknown)
}

/// Hands the memory an import used back to the system: glibc keeps freed
/// memory of other threads' arenas otherwise, and a server that imported
/// 200,000 rows stayed large long after.
fn give_back_memory() {
    crate::store::give_back_memory();
}

impl Records {
    /// Stores many drafts: all or nothing. Each is validated exactly as
    /// `add_entry` validates one, whoever sent it; if any fails, nothing is
    /// stored and every bad draft is named by its place (from 1). The
    /// officer must be allowed to record at every programme's site.
    /// Returns the new entries' ids. Sent in chunks of `IMPORT_CHUNK`.
    pub fn import(&self, actor: &Actor, drafts: Vec<EntryDraft>) -> Result<Vec<EntryId>> {
        let expected = drafts.len() as u64;
        let import = self.import_begin(actor)?;
        let staged = self.stage_all(actor, import, drafts);
        if let Err(e) = staged {
            // Over a server that has gone, its session dropped the staging.
            let _ = self.import_abort(actor, import);
            return Err(e);
        }
        let ids = self.import_finish(actor, import)?;
        if ids.end - ids.start != expected {
            return Err(WireError::Protocol {
                detail: format!("{} of {expected} drafts imported", ids.end - ids.start),
            }
            .into());
        }
        Ok(ids.collect())
    }

    /// Sends every chunk, even after a refused one, so that the refusal
    /// counts every bad draft (and lists the first) as a single request
    /// would.
    fn stage_all(&self, actor: &Actor, import: ImportId, drafts: Vec<EntryDraft>) -> Result<()> {
        let mut refused = Vec::new();
        let mut total = 0;
        let mut sent = 0;
        let mut drafts = drafts.into_iter();
        loop {
            let chunk: Vec<EntryDraft> = drafts.by_ref().take(IMPORT_CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            let len = chunk.len();
            match self.import_chunk(actor, import, chunk) {
                Ok(()) => {}
                Err(Error::ImportRefused { rows, total: bad }) => {
                    total += bad;
                    refused.extend(rows.into_iter().map(|(place, problems)| (place + sent, problems)));
                }
                Err(e) => return Err(e),
            }
            sent += len;
        }
        if total == 0 {
            return Ok(());
        }
        refused.truncate(IMPORT_PROBLEMS_SHOWN);
        Err(Error::ImportRefused { rows: refused, total })
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::domain::date::wib;

    use crate::records::Backend;

    fn harvest(day: u32) -> EntryDraft {
        EntryDraft::test_harvest(1, chrono::NaiveDate::from_ymd_opt(2026, 3, day).unwrap(), "2 kg cabai")
    }

    /// A session that ends mid-import (its connection closed, its client
    /// killed) takes its staged drafts with it; another session's import
    /// and a new one of its own go on.
    #[test]
    fn a_session_that_ends_mid_import_leaves_nothing_staged_or_visible() {
        let dir = tempfile::tempdir().unwrap();
        let (records, actor) = crate::records::test_db::with_admin(dir.path());
        let Backend::Local(local) = &records.backend else { unreachable!() };

        let gone = local.for_session("gone", wib());
        let import = gone.import_begin(&actor).unwrap();
        gone.import_chunk(&actor, import, (1..=9).map(harvest).collect()).unwrap();
        let other = local.for_session("other", wib());
        assert_eq!(other.import_chunk(&actor, import, vec![harvest(1)]), Err(Error::ImportUnknown), "not its import");
        assert_eq!(local.store().unwrap().staged_rows(), 9);
        drop(gone);
        assert_eq!(local.store().unwrap().staged_rows(), 0);
        assert_eq!(records.count_entries().unwrap(), 0);

        let ids = records.import(&actor, (1..=5).map(harvest).collect()).unwrap();
        assert_eq!(ids, [1, 2, 3, 4, 5]);
        assert_eq!(local.store().unwrap().staged_rows(), 0);
        assert_eq!(records.check().unwrap(), vec![]);
    }
}

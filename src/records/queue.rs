//! The verification queue a supervisor works through: filtered by site,
//! programme and dates, and verified many at once.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Actor, Error, Local, Result};
use crate::domain::entry::{Entry, EntryId};
use crate::domain::permission::{self, Action};
use crate::domain::reference::{ProgramId, SiteId};
use crate::store::{AuditAction, Change};

/// Which entries of the queue to list; empty lists them all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    pub site: Option<SiteId>,
    pub program: Option<ProgramId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// More than this many verifications in one request is refused: the
/// confirmation a screen shows must be about a number one can check.
pub const VERIFY_RANGE_MAX: usize = 10_000;

impl Local {
    /// Entries the officer could verify that match the filter: current,
    /// not voided, not yet verified, recorded by someone else, at the
    /// officer's sites; oldest first, so nothing waits forever.
    pub fn verification_queue_in(&self, actor: &Actor, filter: &QueueFilter) -> Result<Vec<Entry>> {
        let fresh = self.refreshed(actor)?;
        let (from, to) = (filter.from.unwrap_or(NaiveDate::MIN), filter.to.unwrap_or(NaiveDate::MAX));
        let mut queue = Vec::new();
        // One handle for the whole walk (a reopen waits for it to go).
        let store = self.store()?;
        let program = filter.program.map(|id| self.program(id)).transpose()?;
        for site in store.sites()? {
            if filter.site.is_some_and(|s| s != site.id) || program.as_ref().is_some_and(|p| p.site != site.id) {
                continue;
            }
            let action = Action::VerifyEntry { site: site.id, own: false };
            if permission::check(fresh.officer(), action).is_err() {
                continue;
            }
            let entries = match &program {
                Some(p) => store.program_entries(p.id, from, to)?,
                None => store.site_entries(site.id, from, to)?,
            };
            for entry in entries {
                if !entry.voided
                    && entry.recorded_by != *actor.nip()
                    && store.verification(entry.id, entry.revision)?.is_none()
                {
                    queue.push(entry);
                }
            }
        }
        queue.sort_by_key(|e| (e.draft.date, e.id));
        Ok(queue)
    }

    /// Verifies each revision named (entry, revision), all in one
    /// transaction or none: refused whole if any entry changed since it
    /// was listed, is voided, is the officer's own or at a site not theirs.
    /// One audit record names every revision verified. Returns how many.
    pub fn verify_range(&self, actor: &Actor, revisions: &[(EntryId, u32)]) -> Result<usize> {
        if revisions.len() > VERIFY_RANGE_MAX {
            return Err(Error::TooManyToVerify { count: revisions.len(), max: VERIFY_RANGE_MAX });
        }
        let mut changes = Vec::with_capacity(revisions.len());
        let mut programs = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (id, revision) in revisions {
            if !seen.insert(*id) {
                continue;
            }
            let current = self.live_entry(*id)?;
            let own = current.recorded_by == *actor.nip();
            self.permit(actor, Action::VerifyEntry { site: self.program(current.draft.program)?.site, own })?;
            programs.push(current.draft.program);
            changes.push(Change::Verify { id: *id, revision: *revision });
        }
        if changes.is_empty() {
            return Ok(0);
        }
        let note = self.note(
            Some(actor.nip()),
            AuditAction::EntryVerified,
            format!("one of {} verified at once", changes.len()),
        );
        let written = self.store()?.commit(&changes, actor.nip(), self.clock.now(), &note)?;
        self.entries_changed(programs);
        Ok(written.len())
    }
}

//! Changes to entries: add, correct, void, verify and import, each checked
//! against the acting officer's role and sites before it is written.

use std::collections::HashMap;

use super::Verification;
use super::{Actor, Error, Local, Result};
use crate::domain::entry::{Entry, EntryDraft, EntryId, Field};
use crate::domain::invalid::Invalid;
use crate::domain::permission::{self, Action};
use crate::domain::reference::{Program, ProgramId, SiteId};
use crate::domain::text::{TextField, clean_text};
use crate::store::{AuditAction, Change};

/// The bad drafts an import refusal lists at most (and counts them all).
pub const IMPORT_PROBLEMS_SHOWN: usize = 50;

/// One draft checked: cleaned, or every problem with its field.
pub type Checked = std::result::Result<EntryDraft, Vec<(Field, Invalid)>>;

impl Local {
    /// Refuses the action unless the officer's role and sites allow it.
    /// The officer record is re-read so a deactivation or a change of
    /// sites takes effect at once, not at the next login.
    pub(super) fn permit(&self, actor: &Actor, action: Action) -> Result<()> {
        let fresh = self.refreshed(actor)?;
        permission::check(fresh.officer(), action).map_err(|denied| {
            let e = match denied {
                // Named: "not assigned to Lapas Kelas IIA Gladakan", not "to site 2".
                permission::Denied::NotAtSite { site } => match self.store().ok().and_then(|s| s.site(site).ok()?) {
                    Some(found) => Error::NotAtSite { site, name: found.name },
                    None => Error::Denied(denied),
                },
                other => Error::Denied(other),
            };
            self.audit_refusal(Some(actor.nip()), &format!("{action:?}"), &e);
            e
        })
    }

    /// The zone that decides "today" for a site's entries.
    fn site_zone(&self, site: SiteId) -> Result<chrono::FixedOffset> {
        Ok(self.store()?.site(site)?.map_or_else(crate::domain::date::wib, |s| s.tz()))
    }

    fn site_of(&self, program: ProgramId) -> Result<SiteId> {
        Ok(self.program(program)?.site)
    }

    /// Checks a draft against its programme and today's date, returning it
    /// cleaned. Front ends call this to show problems before saving.
    pub fn validate(&self, draft: EntryDraft) -> Result<EntryDraft> {
        let program = self.store()?.program(draft.program)?.ok_or_else(|| {
            Error::invalid(Field::Program, Invalid::ProgramUnknown { input: draft.program.to_string() })
        })?;
        let today = self.clock.today(self.site_zone(program.site)?);
        draft.validate(&program, today).map_err(Error::Invalid)
    }

    /// Validates many drafts as `validate` does one, returning them cleaned;
    /// if any fails, every bad draft is named by its place (from 1).
    pub(super) fn validate_all(&self, drafts: Vec<EntryDraft>) -> Result<Vec<EntryDraft>> {
        let mut valid = Vec::with_capacity(drafts.len());
        let mut refused = Vec::new();
        for (n, checked) in self.validate_drafts(drafts)?.into_iter().enumerate() {
            match checked {
                Ok(draft) => valid.push(draft),
                Err(problems) => refused.push((n + 1, problems)),
            }
        }
        if refused.is_empty() {
            return Ok(valid);
        }
        // A flood of bad drafts must not make a flood of an answer.
        let total = refused.len();
        refused.truncate(IMPORT_PROBLEMS_SHOWN);
        Err(Error::ImportRefused { rows: refused, total })
    }

    /// Checks many drafts as `validate` checks one, each on its own: the
    /// cleaned draft, or what is wrong with it. One request for a chunk of
    /// an import file instead of one per row.
    pub fn validate_drafts(&self, drafts: Vec<EntryDraft>) -> Result<Vec<Checked>> {
        let programs: HashMap<ProgramId, Program> = self.programs()?.into_iter().map(|p| (p.id, p)).collect();
        // Each site's today, by the server's clock in the site's zone.
        let todays: HashMap<SiteId, chrono::NaiveDate> =
            self.sites()?.into_iter().map(|s| (s.id, self.clock.today(s.tz()))).collect();
        let today_at = |site: SiteId| todays.get(&site).copied().unwrap_or_else(|| self.today());
        Ok(drafts
            .into_iter()
            .map(|draft| match programs.get(&draft.program) {
                Some(program) => draft.validate(program, today_at(program.site)),
                None => Err(vec![(Field::Program, Invalid::ProgramUnknown { input: draft.program.to_string() })]),
            })
            .collect())
    }

    /// Records a new entry. Returns once it is durable.
    pub fn add_entry(&self, actor: &Actor, draft: EntryDraft) -> Result<Entry> {
        let draft = self.validate(draft)?;
        self.permit(actor, Action::AddEntry { site: self.site_of(draft.program)? })?;
        let note = self.note(Some(actor.nip()), AuditAction::EntryAdded, String::new());
        let mut written = self.store()?.commit(&[Change::Add(draft)], actor.nip(), self.clock.now(), &note)?;
        let entry = written.remove(0);
        self.entries_changed([entry.draft.program]);
        Ok(entry)
    }

    /// Replaces an entry's current revision (`base`) with a corrected one.
    /// If another officer changed the entry since `base`, it is refused
    /// with the newest revision.
    pub fn correct_entry(
        &self,
        actor: &Actor,
        id: EntryId,
        base: u32,
        draft: EntryDraft,
        reason: &str,
    ) -> Result<Entry> {
        let current = self.live_entry(id)?;
        let first = self.store()?.revision(id, 1)?.ok_or(Error::EntryUnknown { id })?;
        let site = self.site_of(current.draft.program)?;
        // Both days in the site's zone, by the server's clock: neither a
        // client's zone nor its clock can stretch "the same day".
        let zone = self.site_zone(site)?;
        let action = Action::CorrectEntry {
            site,
            own: first.recorded_by == *actor.nip(),
            recorded_on: first.recorded_at.with_timezone(&zone).date_naive(),
            today: self.clock.today(zone),
        };
        self.permit(actor, action)?;
        let reason = self.reason(reason, permission::reason_required(actor.officer()))?;
        let draft = self.validate(draft)?;
        if draft.program != current.draft.program {
            self.permit(actor, Action::AddEntry { site: self.site_of(draft.program)? })?;
        }
        let note = self.note(Some(actor.nip()), AuditAction::EntryCorrected, reason.clone());
        let change = Change::Correct { id, base, draft, reason };
        let mut written = self.store()?.commit(&[change], actor.nip(), self.clock.now(), &note)?;
        let entry = written.remove(0);
        // A correction may move the entry: both programmes' registers change.
        self.entries_changed([current.draft.program, entry.draft.program]);
        Ok(entry)
    }

    /// Voids an entry: a new revision that no longer counts in any total.
    pub fn void_entry(&self, actor: &Actor, id: EntryId, base: u32, reason: &str) -> Result<Entry> {
        let current = self.live_entry(id)?;
        self.permit(actor, Action::VoidEntry { site: self.site_of(current.draft.program)? })?;
        let reason = self.reason(reason, true)?;
        let note = self.note(Some(actor.nip()), AuditAction::EntryVoided, reason.clone());
        let change = Change::Void { id, base, reason };
        let mut written = self.store()?.commit(&[change], actor.nip(), self.clock.now(), &note)?;
        let entry = written.remove(0);
        self.entries_changed([entry.draft.program]);
        Ok(entry)
    }

    /// Marks revision `revision` of an entry as checked. Refused if the
    /// entry changed since, or if the officer recorded that revision.
    pub fn verify_entry(&self, actor: &Actor, id: EntryId, revision: u32) -> Result<Entry> {
        let current = self.live_entry(id)?;
        let own = current.recorded_by == *actor.nip();
        self.permit(actor, Action::VerifyEntry { site: self.site_of(current.draft.program)?, own })?;
        let note = self.note(Some(actor.nip()), AuditAction::EntryVerified, String::new());
        let change = Change::Verify { id, revision };
        let mut written = self.store()?.commit(&[change], actor.nip(), self.clock.now(), &note)?;
        let entry = written.remove(0);
        self.entries_changed([entry.draft.program]);
        Ok(entry)
    }

    /// Who verified a revision, and when.
    pub fn verification(&self, id: EntryId, revision: u32) -> Result<Option<Verification>> {
        Ok(self.store()?.verification(id, revision)?.map(Verification::from))
    }

    /// Entries the officer could verify: current, not voided, not yet
    /// verified, recorded by someone else, at the officer's sites; oldest
    /// first, so nothing waits forever.
    pub fn verification_queue(&self, actor: &Actor) -> Result<Vec<Entry>> {
        self.verification_queue_in(actor, &super::QueueFilter::default())
    }

    /// A correction's or a void's reason: the notes' text rules.
    fn reason(&self, reason: &str, required: bool) -> Result<String> {
        let reason = clean_text(reason, TextField::Reason)?;
        if required && reason.is_empty() {
            return Err(Error::invalid(Field::Notes, Invalid::ChangeReasonMissing));
        }
        Ok(reason)
    }

    pub(super) fn live_entry(&self, id: EntryId) -> Result<Entry> {
        let entry = self.store()?.current(id)?.ok_or(Error::EntryUnknown { id })?;
        if entry.voided {
            return Err(Error::EntryVoided { id });
        }
        Ok(entry)
    }
}

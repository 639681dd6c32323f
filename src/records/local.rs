//! The records API run in this process, over the store. The server runs
//! this same code for every connection, each with its own copy of `Local`
//! naming the connection's Unix user and time zone.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use chrono::{FixedOffset, NaiveDate};

use super::convert::all;
use super::updates::{Hub, Update};
use super::{Actor, AuditFilter, EntryFilter, Error, InitOutcome, Result, RevisionState, Total};
use super::{AuditRecord, BackupSummary, OpenMode, Problem};
use crate::clock::Clock;
use crate::domain::Amount;
use crate::domain::demo::{DEMO_OFFICERS, DEMO_PIN, demo_drafts};
use crate::domain::entry::{Entry, EntryId};
use crate::domain::inventory::head_counts;
use crate::domain::officer::{Nip, Role};
use crate::domain::reference::{Agreement, Partner, Program, ProgramId, Site};
use crate::domain::reference_data::reference_data;
use crate::domain::sector::Kind;
use crate::domain::text::{ItemNames, item_key};
use crate::domain::unit::Unit;
use crate::store::{AuditAction, AuditNote, Change, SharedStore, Store};

/// Cheap to clone: the store, clock and change hub are shared.
#[derive(Clone)]
pub(crate) struct Local {
    /// Reached through `store()`, never kept: a full disk makes it reopen.
    shared: Arc<SharedStore>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) tz: FixedOffset,
    /// The Unix user recorded in the audit with each change.
    user: Arc<str>,
    hub: Arc<Hub>,
    /// Who announces this copy's changes, so they are not echoed back.
    origin: u64,
    /// How many refusals may still be audited this minute, for the whole
    /// server.
    pub(super) denials: super::access::SharedDenials,
    /// Turns at checking a PIN, for the whole server.
    pub(super) pin_gate: Arc<super::pin::PinGate>,
    /// The daily backups' status, for the whole server.
    pub(super) backups: super::backups::SharedBackupStatus,
    /// Held shared by every request, alone by an import being made
    /// visible: for the whole server.
    pub(super) import_gate: super::import::ImportGate,
    /// This session's unfinished imports (a new set per session).
    pub(super) imports: Arc<super::import::SessionImports>,
}

impl Local {
    pub fn open(path: &Path, mode: OpenMode, clock: Box<dyn Clock>, tz: FixedOffset) -> Result<Local> {
        let hub = Arc::new(Hub::default());
        let shared = Arc::new(SharedStore::open(path, mode.into())?);
        Ok(Local {
            imports: Arc::new(super::import::SessionImports::new(shared.clone())),
            import_gate: Default::default(),
            shared,
            clock: Arc::from(clock),
            tz,
            user: crate::unix::current_user().into(),
            origin: hub.new_origin(),
            hub,
            denials: Default::default(),
            pin_gate: Default::default(),
            backups: Default::default(),
        })
    }

    /// A copy for one server connection: its client's user and time zone,
    /// and its own origin for change announcements.
    pub fn for_session(&self, user: &str, tz: FixedOffset) -> Local {
        Local {
            tz,
            user: user.into(),
            origin: self.hub.new_origin(),
            imports: Arc::new(super::import::SessionImports::new(self.shared.clone())),
            ..self.clone()
        }
    }

    pub fn origin(&self) -> u64 {
        self.origin
    }

    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    pub fn path(&self) -> &Path {
        self.shared.path()
    }

    /// The database for the operation at hand (reopened first if a write
    /// failed on a full disk: `SharedStore`). Hold it no longer than that.
    pub(super) fn store(&self) -> Result<Arc<Store>> {
        Ok(self.shared.get()?)
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today(self.tz)
    }

    /// The server's time (its injected clock).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn tz(&self) -> FixedOffset {
        self.tz
    }

    pub fn flush(&self) -> Result<()> {
        Ok(self.store()?.flush()?)
    }

    pub fn subscribe(&self) -> Receiver<Update> {
        let (tx, rx) = std::sync::mpsc::channel();
        self.hub.subscribe(self.origin, Box::new(move |update: &Update| tx.send(update.clone()).is_ok()));
        rx
    }

    /// Tells every other subscriber about a durable change.
    pub(super) fn announce(&self, update: Update) {
        self.hub.publish(self.origin, &update);
    }

    /// Announces changed entries of these programmes (and their sites).
    pub(super) fn entries_changed(&self, programs: impl IntoIterator<Item = ProgramId>) {
        let mut programs: Vec<ProgramId> = programs.into_iter().collect();
        programs.sort_unstable();
        programs.dedup();
        let mut sites: Vec<_> =
            programs.iter().filter_map(|p| self.store().ok()?.program(*p).ok().flatten()).map(|p| p.site).collect();
        sites.sort_unstable();
        sites.dedup();
        self.announce(Update::Entries { programs, sites });
    }

    pub(super) fn note(&self, officer: Option<&Nip>, action: AuditAction, detail: String) -> AuditNote {
        AuditNote { at: self.clock.now(), officer: officer.cloned(), action, detail, user: self.user.to_string() }
    }

    /// Creates the reference data, and with `demo` two demo officers and a
    /// year of sample entries. Changes nothing on an initialised database.
    pub fn init(&self, demo: bool) -> Result<InitOutcome> {
        let created = self
            .store()?
            .init_reference(&reference_data(), &self.note(None, AuditAction::Initialised, String::new()))?;
        let reference = [self.sites()?.len(), self.partners()?.len(), self.agreements()?.len(), self.programs()?.len()];
        let mut outcome = InitOutcome { created, demo_entries: 0, reference };
        if created {
            self.announce(Update::Reference);
        }
        if created && demo {
            let actor = self.add_demo_officers()?;
            let programs = self.store()?.programs()?;
            // The demo data meets the same rules as anything an officer sends.
            let drafts = self.validate_all(demo_drafts(&programs, self.today()))?;
            let changes: Vec<Change> = drafts.into_iter().map(Change::Add).collect();
            outcome.demo_entries = changes.len();
            let note = self.note(Some(actor.nip()), AuditAction::DemoLoaded, format!("{} entries", changes.len()));
            self.store()?.commit(&changes, actor.nip(), self.clock.now(), &note)?;
            self.entries_changed(programs.iter().map(|p| p.id));
        }
        Ok(outcome)
    }

    /// The demo officers, at every site; returns the operator, who
    /// records the demo entries.
    pub(super) fn add_demo_officers(&self) -> Result<Actor> {
        let (admin_nip, admin_name, _) = DEMO_OFFICERS[0];
        self.add_officer(None, admin_nip, admin_name, Role::Admin, DEMO_PIN)?;
        let admin = self.demo_actor(admin_nip)?;
        let all_sites: Vec<_> = self.sites()?.iter().map(|s| s.id).collect();
        for (nip, name, role) in &DEMO_OFFICERS[1..] {
            self.add_officer(Some(&admin), nip, name, *role, DEMO_PIN)?;
            self.assign_sites(&admin, nip, &all_sites)?;
        }
        self.demo_actor(DEMO_OFFICERS[1].0)
    }

    pub fn is_initialised(&self) -> Result<bool> {
        Ok(self.store()?.is_initialised()?)
    }

    pub fn sites(&self) -> Result<Vec<Site>> {
        Ok(self.store()?.sites()?)
    }

    pub fn partners(&self) -> Result<Vec<Partner>> {
        Ok(self.store()?.partners()?)
    }

    pub fn agreements(&self) -> Result<Vec<Agreement>> {
        Ok(self.store()?.agreements()?)
    }

    pub fn programs(&self) -> Result<Vec<Program>> {
        Ok(self.store()?.programs()?)
    }

    pub fn program(&self, id: ProgramId) -> Result<Program> {
        self.store()?.program(id)?.ok_or(Error::ProgramUnknown { id })
    }

    pub fn current(&self, id: EntryId) -> Result<Entry> {
        self.store()?.current(id)?.ok_or(Error::EntryUnknown { id })
    }

    pub fn history(&self, id: EntryId) -> Result<Vec<Entry>> {
        let history = self.store()?.history(id)?;
        if history.is_empty() {
            return Err(Error::EntryUnknown { id });
        }
        Ok(history)
    }

    /// Reads through the programme or site index between the filter's
    /// dates, so a month costs that month's entries, not the database's.
    /// With `history`, the revisions of those entries that match the filter
    /// themselves. A revision in range whose entry a correction later moved
    /// out of range (to another day or programme) is not found this way:
    /// the indexes know only current revisions. Without any filter every
    /// revision is wanted, and one pass over them all is the cheapest way.
    pub fn entries(&self, filter: &EntryFilter) -> Result<Vec<(Entry, RevisionState)>> {
        if filter.program.is_none() && filter.from.is_none() && filter.to.is_none() {
            return self.entries_by_scan(filter);
        }
        let from = filter.from.unwrap_or(NaiveDate::MIN);
        let to = filter.to.unwrap_or(NaiveDate::MAX);
        let store = self.store()?;
        let mut found = Vec::new();
        for id in store.entry_ids(filter.program, from, to)? {
            if filter.history {
                let head = store.head(id)?;
                for entry in store.history(id)? {
                    let state = revision_state(&entry, head == Some(entry.revision));
                    if matches_filter(filter, &entry) {
                        found.push((entry, state));
                    }
                }
            } else if let Some(entry) = store.current(id)?
                && !entry.voided
                && matches_filter(filter, &entry)
            {
                found.push((entry, RevisionState::Current));
            }
        }
        found.sort_by_key(|(e, _)| (e.draft.date, e.id, e.revision));
        Ok(found)
    }

    /// `entries` by reading every revision of every entry: what it did
    /// before the indexes were used, kept as the reference the indexed
    /// reads are tested against.
    pub(crate) fn entries_by_scan(&self, filter: &EntryFilter) -> Result<Vec<(Entry, RevisionState)>> {
        let store = self.store()?;
        let heads: BTreeMap<EntryId, u32> = store.heads()?.into_iter().collect();
        let mut found = Vec::new();
        for entry in store.all_revisions() {
            let entry = entry?;
            let state = revision_state(&entry, heads.get(&entry.id) == Some(&entry.revision));
            if (state == RevisionState::Current || filter.history) && matches_filter(filter, &entry) {
                found.push((entry, state));
            }
        }
        found.sort_by_key(|(e, _)| (e.draft.date, e.id, e.revision));
        Ok(found)
    }

    pub fn register(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<Entry>> {
        let mut entries = self.store()?.program_entries(program, from, to)?;
        entries.reverse();
        Ok(entries)
    }

    /// A line per kind, unit and item (its key: "BBI Cilacap" and "bbi
    /// cilacap" are one line), named by the item's first spelling.
    pub fn totals(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<Total>> {
        let mut sums: BTreeMap<(Kind, Unit, String), (i64, u32)> = BTreeMap::new();
        let store = self.store()?;
        for row in store.rollups_for_sums(program, from, to)? {
            // A rollup row's item is already its key.
            add_to(sums.entry((row.kind, row.unit, row.item)).or_default(), row.rollup.total, row.rollup.entries)?;
        }
        Ok(to_totals(sums, &store.item_names(program)?))
    }

    pub fn totals_by_scan(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<Total>> {
        let mut sums: BTreeMap<(Kind, Unit, String), (i64, u32)> = BTreeMap::new();
        let store = self.store()?;
        for entry in store.program_entries(program, from, to)? {
            if !crate::store::rollup::counts_in_totals(&entry) {
                continue;
            }
            for q in &entry.draft.quantities {
                let key = (entry.draft.kind, q.unit, item_key(&q.item));
                add_to(sums.entry(key).or_default(), q.value.milli(), 1)?;
            }
        }
        Ok(to_totals(sums, &store.item_names(program)?))
    }

    pub fn head_counts(&self, program: ProgramId, at: NaiveDate) -> Result<BTreeMap<String, i64>> {
        let store = self.store()?;
        let entries = store.program_entries(program, NaiveDate::MIN, at)?;
        Ok(named_herd(head_counts(&entries, at), &store.item_names(program)?))
    }

    pub fn audit(&self, actor: &Actor, filter: &AuditFilter) -> Result<Vec<AuditRecord>> {
        self.permit(actor, crate::domain::permission::Action::ViewAudit)?;
        let day = |r: &crate::store::AuditRecord| r.at.with_timezone(&self.tz).date_naive();
        Ok(self
            .store()?
            .audit_records()?
            .into_iter()
            .filter(|r| filter.from.is_none_or(|from| day(r) >= from))
            .filter(|r| filter.to.is_none_or(|to| day(r) <= to))
            .filter(|r| filter.officer.as_ref().is_none_or(|nip| r.officer.as_ref() == Some(nip)))
            .map(AuditRecord::from)
            .collect())
    }

    pub fn check(&self) -> Result<Vec<Problem>> {
        Ok(all(self.store()?.check()?))
    }

    /// Admins only: a backup names every inmate and officer.
    pub fn backup(&self, by: &Actor, dest: &Path) -> Result<BackupSummary> {
        self.permit(by, crate::domain::permission::Action::ManageOfficers)?;
        Ok(self.store()?.backup_to(dest, self.clock.now())?.into())
    }

    pub fn entry_count(&self) -> usize {
        self.store().map_or(0, |store| store.entry_count())
    }

    pub fn count_entries(&self) -> Result<usize> {
        Ok(self.store()?.entry_count())
    }
}

fn revision_state(entry: &Entry, is_head: bool) -> RevisionState {
    match (is_head, entry.voided) {
        (true, false) => RevisionState::Current,
        (true, true) => RevisionState::Voided,
        (false, _) => RevisionState::Superseded,
    }
}

/// Whether a revision's own date and programme are within the filter.
fn matches_filter(filter: &EntryFilter, entry: &Entry) -> bool {
    let d = &entry.draft;
    filter.from.is_none_or(|from| d.date >= from)
        && filter.to.is_none_or(|to| d.date <= to)
        && filter.program.is_none_or(|p| p == d.program)
}

/// Adds to a running total; past i64 is an error, never a wrapped sum.
fn add_to(slot: &mut (i64, u32), milli: i64, entries: u32) -> Result<()> {
    slot.0 = slot.0.checked_add(milli).ok_or(Error::Store(crate::store::StoreError::TotalOverflow))?;
    slot.1 = slot.1.checked_add(entries).ok_or(Error::Store(crate::store::StoreError::TotalOverflow))?;
    Ok(())
}

/// Sums by kind, unit and item key as totals, each item named as shown.
fn to_totals(sums: BTreeMap<(Kind, Unit, String), (i64, u32)>, names: &ItemNames) -> Vec<Total> {
    sums.into_iter()
        .map(|((kind, unit, key), (milli, entries))| Total {
            kind,
            unit,
            item: names.shown(&key),
            value: Amount::from_milli(milli),
            entries,
        })
        .collect()
}

/// Head counts by species key, each species named as shown.
pub(super) fn named_herd(herd: BTreeMap<String, i64>, names: &ItemNames) -> BTreeMap<String, i64> {
    herd.into_iter().map(|(key, count)| (names.shown(&key), count)).collect()
}

//! The records API: everything a front end may do, as plain domain values
//! in and out (never sled types), so the command line, the terminal
//! interface and a future server all share one set of rules.

mod error;
pub mod pin;
pub mod views;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, FixedOffset, NaiveDate};

pub use error::{Error, Result};

use crate::clock::Clock;
use crate::domain::Amount;
use crate::domain::demo::{DEMO_OFFICERS, DEMO_PIN, demo_drafts};
use crate::domain::entry::{Entry, EntryDraft, EntryId, Field};
use crate::domain::invalid::Invalid;
use crate::domain::inventory::head_counts;
use crate::domain::officer::{Nip, Officer, Role, check_name, check_pin};
use crate::domain::reference::{Agreement, Partner, Program, ProgramId, Site};
use crate::domain::reference_data::reference_data;
use crate::domain::sector::Kind;
use crate::domain::text::{NOTES_MAX, check_length, clean_line};
use crate::domain::unit::Unit;
use crate::store::{AuditAction, AuditNote, AuditRecord, Change, OpenMode, Problem, Store};

/// An officer the records API has identified; changes are made as them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    officer: Officer,
}

impl Actor {
    pub fn officer(&self) -> &Officer {
        &self.officer
    }

    pub fn nip(&self) -> &Nip {
        &self.officer.nip
    }
}

/// Where a revision stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevisionState {
    Current,
    Superseded,
    Voided,
}

impl RevisionState {
    pub fn code(self) -> &'static str {
        match self {
            RevisionState::Current => "current",
            RevisionState::Superseded => "superseded",
            RevisionState::Voided => "voided",
        }
    }
}

/// Which entries to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub program: Option<ProgramId>,
    /// Include superseded and voided revisions.
    pub history: bool,
}

/// A total of one kind, unit and item over a period.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Total {
    pub kind: Kind,
    pub unit: Unit,
    pub item: String,
    pub value: Amount,
    pub entries: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitOutcome {
    /// False when the database was initialised before and nothing changed.
    pub created: bool,
    pub demo_entries: usize,
}

pub struct Records {
    store: Store,
    clock: Box<dyn Clock>,
    tz: FixedOffset,
}

impl Records {
    pub fn open(path: &Path, mode: OpenMode, clock: Box<dyn Clock>, tz: FixedOffset) -> Result<Records> {
        Ok(Records { store: Store::open(path, mode)?, clock, tz })
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// Today in the configured zone (WIB unless `--tz` says otherwise).
    pub fn today(&self) -> NaiveDate {
        self.clock.today(self.tz)
    }

    fn note(&self, officer: Option<&Nip>, action: AuditAction, detail: String) -> AuditNote {
        AuditNote { at: self.clock.now(), officer: officer.cloned(), action, detail }
    }

    /// Creates the reference data, and with `demo` two demo officers and a
    /// year of sample entries. Changes nothing on an initialised database.
    pub fn init(&self, demo: bool) -> Result<InitOutcome> {
        let created =
            self.store.init_reference(&reference_data(), &self.note(None, AuditAction::Initialised, String::new()))?;
        let mut outcome = InitOutcome { created, demo_entries: 0 };
        if created && demo {
            for (nip, name, role) in DEMO_OFFICERS {
                self.add_officer(None, nip, name, role, DEMO_PIN)?;
            }
            let actor = self.identify(DEMO_OFFICERS[1].0)?;
            let programs = self.store.programs()?;
            let changes: Vec<Change> = demo_drafts(&programs, self.today()).into_iter().map(Change::Add).collect();
            outcome.demo_entries = changes.len();
            let note = self.note(Some(actor.nip()), AuditAction::DemoLoaded, format!("{} entries", changes.len()));
            self.store.commit(&changes, actor.nip(), self.clock.now(), &note)?;
        }
        Ok(outcome)
    }

    pub fn is_initialised(&self) -> Result<bool> {
        Ok(self.store.is_initialised()?)
    }

    pub fn sites(&self) -> Result<Vec<Site>> {
        Ok(self.store.sites()?)
    }

    pub fn partners(&self) -> Result<Vec<Partner>> {
        Ok(self.store.partners()?)
    }

    pub fn agreements(&self) -> Result<Vec<Agreement>> {
        Ok(self.store.agreements()?)
    }

    pub fn programs(&self) -> Result<Vec<Program>> {
        Ok(self.store.programs()?)
    }

    pub fn program(&self, id: ProgramId) -> Result<Program> {
        self.store.program(id)?.ok_or(Error::ProgramUnknown { id })
    }

    pub fn officers(&self) -> Result<Vec<Officer>> {
        Ok(self.store.officers()?)
    }

    /// Adds an officer with a PIN (6–12 digits, kept as an argon2id hash).
    pub fn add_officer(&self, by: Option<&Actor>, nip: &str, name: &str, role: Role, pin: &str) -> Result<Officer> {
        let nip = Nip::parse(nip).map_err(|e| Error::invalid(Field::Notes, e))?;
        let name = check_name(name)?;
        check_pin(pin)?;
        if self.store.officer(&nip)?.is_some() {
            return Err(Error::OfficerExists { nip: nip.to_string() });
        }
        let officer = Officer {
            nip: nip.clone(),
            name,
            role,
            pin_hash: pin::hash_pin(pin),
            active: true,
            sites: vec![],
            created_at: self.clock.now(),
            failed_logins: 0,
            locked_until: None,
        };
        let note = self.note(by.map(Actor::nip), AuditAction::OfficerAdded, format!("{} {}", nip, role.code()));
        self.store.put_officer(&officer, &note)?;
        Ok(officer)
    }

    /// Names the officer a command acts as. (PIN checks and roles arrive
    /// with officer accounts; until then any active officer may record.)
    pub fn identify(&self, nip: &str) -> Result<Actor> {
        let nip = Nip::parse(nip).map_err(|e| Error::invalid(Field::Notes, e))?;
        let officer = self.store.officer(&nip)?.ok_or(Error::OfficerUnknown { nip: nip.to_string() })?;
        if !officer.active {
            return Err(Error::OfficerInactive { nip: nip.to_string() });
        }
        Ok(Actor { officer })
    }

    /// True once any officer exists; before that the interface asks for
    /// the first administrator.
    pub fn has_officers(&self) -> Result<bool> {
        Ok(!self.store.officers()?.is_empty())
    }

    /// Checks an officer's PIN. A wrong NIP and a wrong PIN give the same
    /// answer, so the screen cannot be used to find out which NIPs exist.
    /// Both outcomes are audited.
    pub fn login(&self, nip: &str, pin: &str) -> Result<Actor> {
        let officer = Nip::parse(nip).ok().map(|n| self.store.officer(&n)).transpose()?.flatten();
        match officer {
            Some(officer) if officer.active && pin::verify_pin(pin, &officer.pin_hash) => {
                let note = self.note(Some(&officer.nip), AuditAction::LoginSucceeded, String::new());
                self.store.record_audit(&note)?;
                Ok(Actor { officer })
            }
            found => {
                let detail = clean_line(nip);
                let note = self.note(found.as_ref().map(|o| &o.nip), AuditAction::LoginFailed, detail);
                self.store.record_audit(&note)?;
                Err(Error::LoginFailed)
            }
        }
    }

    /// Checks a draft against its programme and today's date, returning it
    /// cleaned. Front ends call this to show problems before saving.
    pub fn validate(&self, draft: EntryDraft) -> Result<EntryDraft> {
        let program = self.store.program(draft.program)?.ok_or_else(|| {
            Error::invalid(Field::Program, Invalid::ProgramUnknown { input: draft.program.to_string() })
        })?;
        draft.validate(&program, self.today()).map_err(Error::Invalid)
    }

    /// Records a new entry. Returns once it is durable.
    pub fn add_entry(&self, actor: &Actor, draft: EntryDraft) -> Result<Entry> {
        let draft = self.validate(draft)?;
        let note = self.note(Some(actor.nip()), AuditAction::EntryAdded, String::new());
        let mut written = self.store.commit(&[Change::Add(draft)], actor.nip(), self.clock.now(), &note)?;
        Ok(written.remove(0))
    }

    /// Replaces an entry's current revision (`base`) with a corrected one.
    pub fn correct_entry(
        &self,
        actor: &Actor,
        id: EntryId,
        base: u32,
        draft: EntryDraft,
        reason: &str,
    ) -> Result<Entry> {
        let reason = self.reason(reason)?;
        self.live_entry(id)?;
        let draft = self.validate(draft)?;
        let note = self.note(Some(actor.nip()), AuditAction::EntryCorrected, reason.clone());
        let change = Change::Correct { id, base, draft, reason };
        let mut written = self.store.commit(&[change], actor.nip(), self.clock.now(), &note)?;
        Ok(written.remove(0))
    }

    /// Voids an entry: a new revision that no longer counts in any total.
    pub fn void_entry(&self, actor: &Actor, id: EntryId, base: u32, reason: &str) -> Result<Entry> {
        let reason = self.reason(reason)?;
        self.live_entry(id)?;
        let note = self.note(Some(actor.nip()), AuditAction::EntryVoided, reason.clone());
        let change = Change::Void { id, base, reason };
        let mut written = self.store.commit(&[change], actor.nip(), self.clock.now(), &note)?;
        Ok(written.remove(0))
    }

    fn reason(&self, reason: &str) -> Result<String> {
        let reason = clean_line(reason);
        if reason.is_empty() {
            return Err(Error::invalid(Field::Notes, Invalid::ChangeReasonMissing));
        }
        check_length(&reason, NOTES_MAX)?;
        Ok(reason)
    }

    fn live_entry(&self, id: EntryId) -> Result<Entry> {
        let entry = self.store.current(id)?.ok_or(Error::EntryUnknown { id })?;
        if entry.voided {
            return Err(Error::EntryVoided { id });
        }
        Ok(entry)
    }

    /// Stores many validated drafts in one transaction: all or nothing.
    /// Returns the new entries' ids.
    pub fn import(&self, actor: &Actor, drafts: Vec<EntryDraft>) -> Result<Vec<EntryId>> {
        let count = drafts.len();
        let changes: Vec<Change> = drafts.into_iter().map(Change::Add).collect();
        let at = self.clock.now();
        let note = self.note(Some(actor.nip()), AuditAction::Imported, format!("{count} entries"));
        let written = self.store.commit(&changes, actor.nip(), at, &note)?;
        Ok(written.iter().map(|e| e.id).collect())
    }

    pub fn current(&self, id: EntryId) -> Result<Entry> {
        self.store.current(id)?.ok_or(Error::EntryUnknown { id })
    }

    /// Every revision of an entry, oldest first.
    pub fn history(&self, id: EntryId) -> Result<Vec<Entry>> {
        let history = self.store.history(id)?;
        if history.is_empty() {
            return Err(Error::EntryUnknown { id });
        }
        Ok(history)
    }

    /// Entries matching the filter, by date then id, each with its state.
    pub fn entries(&self, filter: &EntryFilter) -> Result<Vec<(Entry, RevisionState)>> {
        let from = filter.from.unwrap_or(NaiveDate::MIN);
        let to = filter.to.unwrap_or(NaiveDate::MAX);
        let in_range = |e: &Entry| {
            e.draft.date >= from && e.draft.date <= to && filter.program.is_none_or(|p| p == e.draft.program)
        };
        let heads: BTreeMap<EntryId, u32> = self.store.heads()?.into_iter().collect();
        let mut found = Vec::new();
        for entry in self.store.all_revisions() {
            let entry = entry?;
            let is_head = heads.get(&entry.id) == Some(&entry.revision);
            let state = match (is_head, entry.voided) {
                (true, false) => RevisionState::Current,
                (true, true) => RevisionState::Voided,
                (false, _) => RevisionState::Superseded,
            };
            if (state == RevisionState::Current || filter.history) && in_range(&entry) {
                found.push((entry, state));
            }
        }
        found.sort_by_key(|(e, _)| (e.draft.date, e.id, e.revision));
        Ok(found)
    }

    /// A programme's current entries between two dates, newest first.
    pub fn register(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<Entry>> {
        let mut entries = self.store.program_entries(program, from, to)?;
        entries.reverse();
        Ok(entries)
    }

    /// Totals per kind, unit and item between two dates, from the rollups.
    pub fn totals(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<Total>> {
        let mut sums: BTreeMap<(Kind, Unit, String), (i64, u32)> = BTreeMap::new();
        for row in self.store.rollups(program, from, to)? {
            let slot = sums.entry((row.kind, row.unit, row.item)).or_default();
            slot.0 += row.rollup.total;
            slot.1 += row.rollup.entries;
        }
        Ok(sums
            .into_iter()
            .map(|((kind, unit, item), (milli, entries))| Total {
                kind,
                unit,
                item,
                value: Amount::from_milli(milli),
                entries,
            })
            .collect())
    }

    /// The same totals computed from the entries themselves: the reference
    /// the rollups are measured and tested against.
    pub fn totals_by_scan(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<Total>> {
        let mut sums: BTreeMap<(Kind, Unit, String), (i64, u32)> = BTreeMap::new();
        for entry in self.store.program_entries(program, from, to)? {
            if !crate::store::rollup::counts_in_totals(&entry) {
                continue;
            }
            for q in &entry.draft.quantities {
                let slot = sums.entry((entry.draft.kind, q.unit, q.item.clone())).or_default();
                slot.0 += q.value.milli();
                slot.1 += 1;
            }
        }
        Ok(sums
            .into_iter()
            .map(|((kind, unit, item), (milli, entries))| Total {
                kind,
                unit,
                item,
                value: Amount::from_milli(milli),
                entries,
            })
            .collect())
    }

    /// Head count per species at the end of a day, for a livestock programme.
    pub fn head_counts(&self, program: ProgramId, at: NaiveDate) -> Result<BTreeMap<String, i64>> {
        let entries = self.store.program_entries(program, NaiveDate::MIN, at)?;
        Ok(head_counts(&entries, at))
    }

    /// First and last day of the month containing `date`.
    pub fn month_of(date: NaiveDate) -> (NaiveDate, NaiveDate) {
        let first = date.with_day(1).expect("day 1 exists");
        let next = first.checked_add_months(chrono::Months::new(1)).expect("a next month exists");
        (first, next.pred_opt().expect("a day before exists"))
    }

    pub fn audit(&self) -> Result<Vec<AuditRecord>> {
        Ok(self.store.audit_records()?)
    }

    pub fn check(&self) -> Result<Vec<Problem>> {
        Ok(self.store.check()?)
    }

    pub fn entry_count(&self) -> usize {
        self.store.entry_count()
    }
}

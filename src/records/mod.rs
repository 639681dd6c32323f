//! The records API: everything a front end may do, as plain domain values
//! in and out (never sled types), so the command line, the terminal
//! interface and a future server all share one set of rules.

mod admin;
mod changes;
mod error;
mod officers;
pub mod pin;
pub mod views;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, FixedOffset, NaiveDate};

pub use error::{Error, Result};

use crate::clock::Clock;
use crate::domain::Amount;
use crate::domain::demo::{DEMO_OFFICERS, DEMO_PIN, demo_drafts};
use crate::domain::entry::{Entry, EntryId};
use crate::domain::inventory::head_counts;
use crate::domain::officer::{Nip, Officer, Role};
use crate::domain::reference::{Agreement, Partner, Program, ProgramId, Site};
use crate::domain::reference_data::reference_data;
use crate::domain::sector::Kind;
use crate::domain::unit::Unit;
use crate::store::{AuditAction, AuditNote, AuditRecord, BackupReport, Change, OpenMode, Problem, Store};

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

/// Which audit records to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub officer: Option<Nip>,
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

/// Running sums per kind, unit and item, in thousandths.
#[derive(Default)]
struct Sums(BTreeMap<(Kind, Unit, String), (i64, u32)>);

impl Sums {
    fn add(&mut self, kind: Kind, unit: Unit, item: String, milli: i64, entries: u32) {
        let slot = self.0.entry((kind, unit, item)).or_default();
        slot.0 += milli;
        slot.1 += entries;
    }

    fn totals(self) -> Vec<Total> {
        self.0
            .into_iter()
            .map(|((kind, unit, item), (milli, entries))| Total {
                kind,
                unit,
                item,
                value: Amount::from_milli(milli),
                entries,
            })
            .collect()
    }
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
            let (admin_nip, admin_name, _) = DEMO_OFFICERS[0];
            self.add_officer(None, admin_nip, admin_name, Role::Admin, DEMO_PIN)?;
            let admin = self.demo_actor(admin_nip)?;
            let all_sites: Vec<_> = self.sites()?.iter().map(|s| s.id).collect();
            for (nip, name, role) in &DEMO_OFFICERS[1..] {
                self.add_officer(Some(&admin), nip, name, *role, DEMO_PIN)?;
                self.assign_sites(&admin, nip, &all_sites)?;
            }
            let actor = self.demo_actor(DEMO_OFFICERS[1].0)?;
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
        let mut sums = Sums::default();
        for row in self.store.rollups(program, from, to)? {
            sums.add(row.kind, row.unit, row.item, row.rollup.total, row.rollup.entries);
        }
        Ok(sums.totals())
    }

    /// The same totals computed from the entries themselves: the reference
    /// the rollups are measured and tested against.
    pub fn totals_by_scan(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<Total>> {
        let mut sums = Sums::default();
        for entry in self.store.program_entries(program, from, to)? {
            if crate::store::rollup::counts_in_totals(&entry) {
                for q in &entry.draft.quantities {
                    sums.add(entry.draft.kind, q.unit, q.item.clone(), q.value.milli(), 1);
                }
            }
        }
        Ok(sums.totals())
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

    /// The audit trail, oldest first, for admins: optionally only between
    /// two days (local dates, inclusive) and only one officer's records.
    pub fn audit(&self, actor: &Actor, filter: &AuditFilter) -> Result<Vec<AuditRecord>> {
        self.permit(actor, crate::domain::permission::Action::ViewAudit)?;
        let day = |r: &AuditRecord| r.at.with_timezone(&self.tz).date_naive();
        Ok(self
            .store
            .audit_records()?
            .into_iter()
            .filter(|r| filter.from.is_none_or(|from| day(r) >= from))
            .filter(|r| filter.to.is_none_or(|to| day(r) <= to))
            .filter(|r| filter.officer.as_ref().is_none_or(|nip| r.officer.as_ref() == Some(nip)))
            .collect())
    }

    pub fn check(&self) -> Result<Vec<Problem>> {
        Ok(self.store.check()?)
    }

    /// Writes a verified copy of the whole database to a new folder.
    pub fn backup(&self, dest: &Path) -> Result<BackupReport> {
        Ok(self.store.backup_to(dest)?)
    }

    pub fn entry_count(&self) -> usize {
        self.store.entry_count()
    }
}

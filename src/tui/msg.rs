//! The messages of the interface: what the records API is asked (`Cmd`,
//! `Op`) and what comes back (`Msg`).

use std::time::Instant;

use chrono::NaiveDate;

use super::data::{
    AuditData, EntryData, HomeData, KeptForm, OfficersData, ProgramData, ProgramRow, QueueData, RefChange,
    ReferenceData, ReportData, Section,
};
use super::keymap::Key;
use crate::domain::entry::{Entry, EntryDraft, EntryId};
use crate::domain::officer::Role;
use crate::domain::reference::{ProgramId, SiteId};
use crate::records::{Actor, AuditFilter, Error, FormDraft, RegisterQuery};

/// What the logged-in officer asks of the records API; `update` adds who
/// they are (`Cmd::Act`), so no screen ever holds an officer's identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Correct {
        id: EntryId,
        base: u32,
        draft: EntryDraft,
        reason: String,
    },
    Void {
        id: EntryId,
        base: u32,
        reason: String,
    },
    Verify {
        id: EntryId,
        revision: u32,
    },
    /// The verification queue, filtered by site, programme and days.
    LoadQueue(crate::records::QueueFilter),
    /// Verifies the marked entries at once (their revisions as shown).
    VerifyRange(Vec<(EntryId, u32)>),
    LoadOfficers,
    AddOfficer {
        nip: String,
        name: String,
        role: Role,
        pin: String,
        sites: Vec<SiteId>,
    },
    AssignSites {
        nip: String,
        sites: Vec<SiteId>,
    },
    SetActive {
        nip: String,
        active: bool,
    },
    ResetPin {
        nip: String,
        pin: String,
    },
    LoadReference(Section),
    SaveReference(RefChange),
    LoadAudit(AuditFilter),
    /// The register as searched, to a file (tui/export.rs); `excel`: CSV
    /// as Excel in Indonesian reads it.
    ExportRegister {
        program: ProgramId,
        query: RegisterQuery,
        excel: bool,
        /// The officer's export folder; `update` fills it in.
        folder: std::path::PathBuf,
    },
    /// The report to a file, in the language on screen.
    ExportReport {
        spec: crate::domain::report::ReportSpec,
        lang: crate::i18n::Lang,
        excel: bool,
        folder: std::path::PathBuf,
    },
    /// The report (screens/report.rs), with a programme's pictures.
    LoadReport(crate::domain::report::ReportSpec),
    /// Keeps the form being typed on the server (tui/drafts.rs).
    SaveDraft(FormDraft),
    /// The form was saved or thrown away: the server forgets its draft.
    DiscardDraft,
    /// At login: the draft the server kept, with what it needs to be shown.
    LoadDraft,
}

impl Op {
    /// Reads, and the keeping of a draft: sending the same draft (or its
    /// discarding) twice leaves the server as once, and it records nothing.
    fn repeatable(&self) -> bool {
        matches!(
            self,
            Op::LoadQueue(_)
                | Op::LoadReport(_)
                | Op::LoadOfficers
                | Op::LoadReference(_)
                | Op::LoadAudit(_)
                | Op::LoadDraft
                | Op::SaveDraft(_)
                | Op::DiscardDraft
        )
    }
}

/// What the records API is asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cmd {
    CreateAdmin {
        nip: String,
        name: String,
        pin: String,
    },
    Login {
        nip: String,
        pin: String,
    },
    /// With `backups`, also whether the daily backups stopped (asked
    /// only for supervisors and admins: the server refuses operators).
    LoadHome {
        backups: bool,
    },
    LoadPrograms,
    /// Opens (or refreshes) a programme; with `form`, its entry form too.
    LoadProgram {
        id: ProgramId,
        form: bool,
    },
    /// The register searched (`records::RegisterQuery`); with `append`,
    /// the next older page of the same search.
    SearchRegister {
        program: ProgramId,
        query: RegisterQuery,
        append: bool,
    },
    LoadOlder {
        program: ProgramId,
        before: NaiveDate,
    },
    Save {
        actor: Actor,
        draft: EntryDraft,
    },
    /// Opens an entry, or refreshes it when it is already on screen.
    LoadEntry(EntryId),
    /// Something done as the logged-in officer.
    Act {
        actor: Actor,
        op: Op,
    },
    /// Reads the current screen's data again. Its answer counts only if
    /// the screen on top still asks for the same reload when it comes: a
    /// pushed update may ask for a register just as Enter opens an entry
    /// over it, and the register's late answer must not cover the entry.
    Refresh(Box<Cmd>),
}

impl Cmd {
    /// Whether running it again is harmless: it changes no record (a read,
    /// or a draft kept). A change is never repeated on its own after the
    /// server went away, since the first attempt may have been saved before
    /// the answer was lost; nor is another started while one waits.
    pub fn repeatable(&self) -> bool {
        match self {
            Cmd::LoadHome { .. }
            | Cmd::LoadPrograms
            | Cmd::LoadProgram { .. }
            | Cmd::LoadOlder { .. }
            | Cmd::SearchRegister { .. }
            | Cmd::LoadEntry(_) => true,
            Cmd::Act { op, .. } => op.repeatable(),
            Cmd::Refresh(cmd) => cmd.repeatable(),
            Cmd::CreateAdmin { .. } | Cmd::Login { .. } | Cmd::Save { .. } => false,
        }
    }
}

/// Something that happened: a key, a resize, or the answer to a `Cmd`.
#[derive(Clone, Debug)]
pub enum Msg {
    Key(Key),
    Resize(u16, u16),
    AdminCreated(Result<String, Error>),
    LoggedIn(Result<Actor, Error>),
    HomeLoaded(Result<HomeData, Error>),
    ProgramsLoaded(Result<Vec<ProgramRow>, Error>),
    ProgramLoaded(Result<ProgramData, Error>, bool),
    OlderLoaded(ProgramId, Result<crate::records::views::RegisterPage, Error>),
    /// A register search's page, for the search that asked.
    RegisterFound {
        program: ProgramId,
        query: RegisterQuery,
        append: bool,
        page: Result<crate::records::views::RegisterPage, Error>,
    },
    Saved(Result<Entry, Error>),
    EntryLoaded(Result<EntryData, Error>),
    /// No key came until this instant: the idle lock may be due.
    IdleAt(Instant),
    Corrected(Result<Entry, Error>),
    Voided(Result<Entry, Error>),
    Verified(Result<Entry, Error>),
    QueueLoaded(Result<QueueData, Error>),
    /// How many entries a range verification verified.
    RangeVerified(Result<usize, Error>),
    OfficersLoaded(Result<OfficersData, Error>),
    ReferenceLoaded(Section, Result<ReferenceData, Error>),
    AuditLoaded(Result<AuditData, Error>),
    ReportLoaded(Result<ReportData, Error>),
    /// A file written: where, and how many rows.
    Exported(Result<(std::path::PathBuf, usize), Error>),
    /// An admin form's or list's change was stored.
    AdminSaved(Result<(), Error>),
    /// The server kept (or forgot) the officer's draft.
    DraftKept(Result<(), Error>),
    /// The draft the server kept for the officer who just logged in.
    DraftLoaded(Result<Option<Box<KeptForm>>, Error>),
    /// Another officer's change became durable, or the server went away.
    Changed(crate::records::Update),
    /// The answer to `Cmd::Refresh(asked)`.
    Refreshed {
        asked: Box<Cmd>,
        answer: Box<Msg>,
    },
}

impl Msg {
    /// The error an answer carries, if any.
    pub fn error(&self) -> Option<&Error> {
        match self {
            Msg::AdminCreated(Err(e))
            | Msg::LoggedIn(Err(e))
            | Msg::HomeLoaded(Err(e))
            | Msg::ProgramsLoaded(Err(e))
            | Msg::ProgramLoaded(Err(e), _)
            | Msg::OlderLoaded(_, Err(e))
            | Msg::RegisterFound { page: Err(e), .. }
            | Msg::Saved(Err(e))
            | Msg::EntryLoaded(Err(e))
            | Msg::Corrected(Err(e))
            | Msg::Voided(Err(e))
            | Msg::Verified(Err(e))
            | Msg::QueueLoaded(Err(e))
            | Msg::RangeVerified(Err(e))
            | Msg::OfficersLoaded(Err(e))
            | Msg::ReferenceLoaded(_, Err(e))
            | Msg::AuditLoaded(Err(e))
            | Msg::ReportLoaded(Err(e))
            | Msg::Exported(Err(e))
            | Msg::AdminSaved(Err(e))
            | Msg::DraftKept(Err(e))
            | Msg::DraftLoaded(Err(e)) => Some(e),
            Msg::Refreshed { answer, .. } => answer.error(),
            _ => None,
        }
    }
}

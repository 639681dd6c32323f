//! The model: everything the screen shows, as plain data. Only `update`
//! changes it and only `view` draws it; the records API is reached through
//! `Cmd`s that `effects` runs, whose answers come back as `Msg`s.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::keymap::Key;
use super::screens::{
    admin, admin_form, audit, entry_form, entry_view, home, lock, login, officers, program, programs, queue, reference,
    setup,
};
use crate::domain::entry::{Entry, EntryDraft, EntryId};
use crate::domain::officer::{Nip, Role};
use crate::domain::reference::{
    Agreement, AgreementId, Partner, PartnerId, Program, ProgramId, ProgramStatus, Site, SiteId,
};
use crate::domain::sector::{Kind, Sector};
use crate::i18n::Lang;
use crate::records::AuditRecord;
use crate::records::{Actor, AuditFilter, Error, FormDraft, Total};

/// A programme with the names of its site and partner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramInfo {
    pub program: Program,
    pub site: String,
    /// The site's short name, for narrow columns.
    pub site_code: String,
    pub partner: String,
}

/// The home screen: today at a glance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HomeData {
    /// Every programme by site, with what it logged today.
    pub today: Vec<TodayRow>,
    pub latest: Vec<LatestRow>,
    pub ending: Vec<EndingRow>,
    /// For supervisors and admins: the daily backups have stopped.
    pub backup: Option<BackupNotice>,
}

/// The last good daily backup is more than two days old, or none exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupNotice {
    /// Its day in the user's zone, and how many days ago that was.
    pub last_good: Option<(NaiveDate, i64)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TodayRow {
    pub info: ProgramInfo,
    /// Kinds logged today and how many entries of each.
    pub logged: Vec<(Kind, usize)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatestRow {
    pub entry: Entry,
    pub program: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndingRow {
    pub agreement: Agreement,
    pub partner: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramRow {
    pub info: ProgramInfo,
    pub last: Option<NaiveDate>,
}

/// One programme's screen: the newest part of its register and its totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramData {
    pub info: ProgramInfo,
    pub register: Vec<Entry>,
    /// Where the next older page of the register ends; `None` when all is loaded.
    pub older: Option<NaiveDate>,
    /// Entries of the register whose current revision is verified.
    pub verified: std::collections::BTreeSet<EntryId>,
    pub month: Vec<Total>,
    pub year: Vec<Total>,
    /// Head count per species today, for livestock programmes.
    pub herd: Option<BTreeMap<String, i64>>,
    /// Kind, unit and item used before, most used first.
    pub items: Vec<Total>,
}

/// One revision of an entry, with local times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionRow {
    pub entry: Entry,
    pub at: DateTime<FixedOffset>,
    /// Who verified this revision, and when.
    pub verified: Option<(Nip, DateTime<FixedOffset>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryData {
    /// The current revision.
    pub entry: Entry,
    /// Every revision, oldest first.
    pub history: Vec<RevisionRow>,
    pub program: Program,
    /// Items the programme used before, for the correction form.
    pub items: Vec<Total>,
    pub names: BTreeMap<Nip, String>,
}

/// An entry waiting for verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueRow {
    pub entry: Entry,
    pub program: String,
    pub at: DateTime<FixedOffset>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueData {
    /// Oldest first.
    pub rows: Vec<QueueRow>,
    pub names: BTreeMap<Nip, String>,
}

/// An officer as the admin screens show one: never the PIN's hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficerRow {
    pub nip: Nip,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub sites: Vec<SiteId>,
    /// Local time until which wrong PINs lock the account, if it is locked now.
    pub locked_until: Option<DateTime<FixedOffset>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficersData {
    pub officers: Vec<OfficerRow>,
    pub sites: Vec<Site>,
}

/// Every reference record, for the admin's reference screens and forms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReferenceData {
    pub sites: Vec<Site>,
    pub partners: Vec<Partner>,
    pub agreements: Vec<Agreement>,
    pub programs: Vec<Program>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub record: AuditRecord,
    pub at: DateTime<FixedOffset>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditData {
    /// Newest first.
    pub rows: Vec<AuditRow>,
    pub names: BTreeMap<Nip, String>,
}

/// A change to reference data, as the records API takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefChange {
    AddSite { code: String, name: String },
    EditSite { id: SiteId, code: String, name: String },
    AddPartner { name: String, field: Option<Sector> },
    EditPartner { id: PartnerId, name: String, field: Option<Sector> },
    AddAgreement { number: String, partner: PartnerId, signed: NaiveDate, start: NaiveDate, sites: Vec<SiteId> },
    EditAgreement { id: AgreementId, number: String, signed: NaiveDate, start: NaiveDate, sites: Vec<SiteId> },
    AddProgram { name: String, sector: Sector, site: SiteId, agreement: AgreementId, start: NaiveDate },
    EditProgram { id: ProgramId, name: String, status: ProgramStatus },
}

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
    LoadQueue,
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
    LoadReference(reference::Section),
    SaveReference(RefChange),
    LoadAudit(AuditFilter),
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
            Op::LoadQueue
                | Op::LoadOfficers
                | Op::LoadReference(_)
                | Op::LoadAudit(_)
                | Op::LoadDraft
                | Op::SaveDraft(_)
                | Op::DiscardDraft
        )
    }
}

/// A draft the server kept, with the programme (and for a correction the
/// entry) its form needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptForm {
    pub draft: FormDraft,
    pub program: ProgramData,
    pub entry: Option<EntryData>,
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
            | Cmd::LoadEntry(_) => true,
            Cmd::Act { op, .. } => op.repeatable(),
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
    Saved(Result<Entry, Error>),
    EntryLoaded(Result<EntryData, Error>),
    /// No key came until this instant: the idle lock may be due.
    IdleAt(Instant),
    Corrected(Result<Entry, Error>),
    Voided(Result<Entry, Error>),
    Verified(Result<Entry, Error>),
    QueueLoaded(Result<QueueData, Error>),
    OfficersLoaded(Result<OfficersData, Error>),
    ReferenceLoaded(reference::Section, Result<ReferenceData, Error>),
    AuditLoaded(Result<AuditData, Error>),
    /// An admin form's or list's change was stored.
    AdminSaved(Result<(), Error>),
    /// The server kept (or forgot) the officer's draft.
    DraftKept(Result<(), Error>),
    /// The draft the server kept for the officer who just logged in.
    DraftLoaded(Result<Option<Box<KeptForm>>, Error>),
    /// Another officer's change became durable, or the server went away.
    Changed(crate::records::Update),
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
            | Msg::Saved(Err(e))
            | Msg::EntryLoaded(Err(e))
            | Msg::Corrected(Err(e))
            | Msg::Voided(Err(e))
            | Msg::Verified(Err(e))
            | Msg::QueueLoaded(Err(e))
            | Msg::OfficersLoaded(Err(e))
            | Msg::ReferenceLoaded(_, Err(e))
            | Msg::AuditLoaded(Err(e))
            | Msg::AdminSaved(Err(e))
            | Msg::DraftKept(Err(e))
            | Msg::DraftLoaded(Err(e)) => Some(e),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    Setup(setup::State),
    Login(login::State),
    Home(home::State),
    Programs(programs::State),
    Program(Box<program::State>),
    EntryForm(Box<entry_form::State>),
    EntryView(Box<entry_view::State>),
    /// The terminal locked after no key for a while: no record data shows.
    Lock(lock::State),
    Queue(Box<queue::State>),
    AdminMenu(admin::Menu),
    Officers(Box<officers::State>),
    Reference(Box<reference::State>),
    AdminForm(Box<admin_form::State>),
    Audit(Box<audit::State>),
}

impl Screen {
    /// Whether the screen holds typed work that is not saved yet.
    pub fn unsaved(&self) -> bool {
        match self {
            Screen::EntryForm(form) => form.dirty(),
            Screen::AdminForm(form) => form.dirty(),
            _ => false,
        }
    }
}

/// An officer's screens, put aside while the terminal is locked or another
/// officer uses it, in this process's memory. An unsaved entry form among
/// them is also kept by the server as the officer's draft (tui/drafts.rs),
/// so a new process offers it back too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parked {
    pub nip: Nip,
    pub name: String,
    pub screen: Screen,
    pub back: Vec<Screen>,
    /// False while the terminal is only locked: the same officer returns to
    /// it exactly. True once another officer logged in: then only unsaved
    /// work was kept, and it is offered back as a draft.
    pub draft: bool,
}

impl Parked {
    pub fn unsaved(&self) -> bool {
        self.screen.unsaved() || self.back.iter().any(Screen::unsaved)
    }

    /// The topmost screen with unsaved work, to name the draft.
    pub fn unsaved_screen(&self) -> Option<&Screen> {
        std::iter::once(&self.screen).chain(self.back.iter().rev()).find(|s| s.unsaved())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Error,
}

/// A one-line message under the screen, until the next key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub tone: Tone,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct App {
    pub lang: Lang,
    pub today: NaiveDate,
    pub actor: Option<Actor>,
    pub screen: Screen,
    /// Screens Esc returns to, the last one first.
    pub back: Vec<Screen>,
    pub help: bool,
    pub notice: Option<Notice>,
    pub quit: bool,
    /// The terminal's columns and rows, as last reported.
    pub size: (u16, u16),
    /// How long without a key before the terminal locks.
    pub idle_lock: Duration,
    /// When the last key came.
    pub last_key: Instant,
    /// Officers' screens put aside by the lock or a switch of officer.
    pub parked: Vec<Parked>,
    /// Quitting was asked once while drafts were parked; asking again quits.
    pub quit_warned: bool,
    /// A draft offered back to the officer who just logged in.
    pub offer: Option<Parked>,
    /// What the server keeps of the form being typed.
    pub drafts: super::drafts::DraftSync,
}

/// The idle lock when `--idle-lock` is not given.
pub const DEFAULT_IDLE_LOCK: Duration = Duration::from_secs(5 * 60);

impl App {
    pub fn new(lang: Lang, today: NaiveDate, screen: Screen) -> App {
        App {
            lang,
            today,
            actor: None,
            screen,
            back: Vec::new(),
            help: false,
            notice: None,
            quit: false,
            size: (super::view::MIN_WIDTH, super::view::MIN_HEIGHT),
            idle_lock: DEFAULT_IDLE_LOCK,
            last_key: Instant::now(),
            parked: Vec::new(),
            quit_warned: false,
            offer: None,
            drafts: Default::default(),
        }
    }

    /// When the terminal locks unless a key comes first; `None` while
    /// nobody is logged in (then nothing waits on a timer at all).
    pub fn lock_deadline(&self) -> Option<Instant> {
        self.actor.as_ref().map(|_| self.last_key + self.idle_lock)
    }

    pub fn lock_due(&self, now: Instant) -> bool {
        self.lock_deadline().is_some_and(|deadline| now >= deadline)
    }

    /// A key came at `now`: the idle lock starts counting again.
    pub fn touch(&mut self, now: Instant) {
        self.last_key = now;
    }

    /// Below the design size only a notice is drawn.
    pub fn too_small(&self) -> bool {
        self.size.0 < super::view::MIN_WIDTH || self.size.1 < super::view::MIN_HEIGHT
    }

    pub fn notify(&mut self, tone: Tone, text: String) {
        self.notice = Some(Notice { tone, text });
    }

    pub fn fail(&mut self, e: &Error) {
        self.notify(Tone::Error, crate::i18n::error(self.lang, e));
    }

    /// Shows `screen`, keeping the current one to come back to.
    pub fn push(&mut self, screen: Screen) {
        let previous = std::mem::replace(&mut self.screen, screen);
        self.back.push(previous);
    }
}

//! The model: everything the screen shows, as plain data. Only `update`
//! changes it and only `view` draws it; the records API is reached through
//! `Cmd`s that `effects` runs, whose answers come back as `Msg`s.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::keymap::Key;
use super::screens::{entry_form, entry_view, home, login, program, programs, setup};
use crate::domain::entry::{Entry, EntryDraft, EntryId};
use crate::domain::officer::Nip;
use crate::domain::reference::{Agreement, Program, ProgramId};
use crate::domain::sector::Kind;
use crate::i18n::Lang;
use crate::records::{Actor, Error, Total};

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
    pub month: Vec<Total>,
    pub year: Vec<Total>,
    /// Head count per species today, for livestock programmes.
    pub herd: Option<BTreeMap<String, i64>>,
    /// Kind, unit and item used before, most used first.
    pub items: Vec<Total>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryData {
    pub entry: Entry,
    /// Oldest first, each with when it was recorded in local time.
    pub history: Vec<(Entry, DateTime<FixedOffset>)>,
    pub program: String,
    pub names: BTreeMap<Nip, String>,
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
    LoadHome,
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
    LoadEntry(EntryId),
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
}

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
        }
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

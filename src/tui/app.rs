//! The model: everything the screen shows, as plain data. Only `update`
//! changes it and only `view` draws it; the records API is reached through
//! `Cmd`s that `effects` runs, whose answers come back as `Msg`s.

use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::screens::Screen;
use crate::domain::officer::Nip;
use crate::i18n::Lang;
use crate::records::{Actor, Error};

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
    pub drafts: super::draft_sync::DraftSync,
    /// Where files written from the interface go, a folder per officer in it.
    pub exports: std::path::PathBuf,
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
            size: (super::ui::MIN_WIDTH, super::ui::MIN_HEIGHT),
            idle_lock: DEFAULT_IDLE_LOCK,
            last_key: Instant::now(),
            parked: Vec::new(),
            quit_warned: false,
            offer: None,
            drafts: Default::default(),
            exports: super::export::base(),
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
        self.size.0 < super::ui::MIN_WIDTH || self.size.1 < super::ui::MIN_HEIGHT
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

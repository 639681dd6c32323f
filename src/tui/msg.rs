//! The messages of the interface: what the records API is asked (`Cmd`,
//! with `Op` and the screens' `Load`) and what comes back (`Msg`).

use std::time::Instant;

use super::data::KeptForm;
use super::keymap::Key;
pub use super::ops::Op;
use super::screens::{Load, Loaded};
use crate::domain::entry::{Entry, EntryDraft};
use crate::records::{Actor, Error};

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
    /// A screen's records, read as the logged-in officer (screens/mod.rs
    /// `Loads`): its answer goes to the screen that asked.
    Load {
        actor: Actor,
        load: Load,
    },
    Save {
        actor: Actor,
        draft: EntryDraft,
    },
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
            Cmd::Load { .. } => true,
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
    /// A screen's records, for the screen that asked.
    Loaded(Loaded),
    Saved(Result<Entry, Error>),
    /// No key came until this instant: the idle lock may be due.
    IdleAt(Instant),
    Corrected(Result<Entry, Error>),
    Voided(Result<Entry, Error>),
    Verified(Result<Entry, Error>),
    /// How many entries a range verification verified.
    RangeVerified(Result<usize, Error>),
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
            | Msg::Saved(Err(e))
            | Msg::Corrected(Err(e))
            | Msg::Voided(Err(e))
            | Msg::Verified(Err(e))
            | Msg::RangeVerified(Err(e))
            | Msg::Exported(Err(e))
            | Msg::AdminSaved(Err(e))
            | Msg::DraftKept(Err(e))
            | Msg::DraftLoaded(Err(e)) => Some(e),
            Msg::Refreshed { answer, .. } => answer.error(),
            Msg::Loaded(loaded) => loaded.error(),
            _ => None,
        }
    }
}

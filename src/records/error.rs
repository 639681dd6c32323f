//! What the records API can refuse, language-free like `Invalid`.

use std::path::PathBuf;

use crate::domain::entry::{Entry, Field};
use crate::domain::invalid::{Arg, Invalid};
use crate::store::StoreError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The input broke one or more rules; each names its field.
    Invalid(Vec<(Field, Invalid)>),
    OfficerUnknown {
        nip: String,
    },
    OfficerInactive {
        nip: String,
    },
    OfficerExists {
        nip: String,
    },
    ProgramUnknown {
        id: u32,
    },
    EntryUnknown {
        id: u64,
    },
    EntryVoided {
        id: u64,
    },
    /// Another officer changed the entry after this change was started.
    ChangedByAnother {
        current: Box<Entry>,
    },
    Locked {
        path: PathBuf,
    },
    Missing {
        path: PathBuf,
    },
    NotInitialised {
        path: PathBuf,
    },
    NewerSchema {
        found: u32,
        supported: u32,
    },
    Corrupt {
        tree: String,
        detail: String,
    },
    Io {
        detail: String,
    },
    /// The NIP or the PIN is wrong (deliberately not saying which).
    LoginFailed,
    /// No PIN could be read from the terminal or standard input.
    PinUnreadable,
    /// The backup destination already exists.
    BackupExists {
        path: PathBuf,
    },
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        match e {
            StoreError::Locked { path } => Error::Locked { path },
            StoreError::Missing { path } => Error::Missing { path },
            StoreError::NotInitialised { path } => Error::NotInitialised { path },
            StoreError::NewerSchema { found, supported } => Error::NewerSchema { found, supported },
            StoreError::Corrupt { tree, detail } => Error::Corrupt { tree, detail },
            StoreError::Conflict { current } => Error::ChangedByAnother { current },
            StoreError::UnknownEntry { id } => Error::EntryUnknown { id },
            StoreError::Io { detail } => Error::Io { detail },
            StoreError::BackupExists { path } => Error::BackupExists { path },
        }
    }
}

impl From<Invalid> for Error {
    fn from(e: Invalid) -> Error {
        Error::Invalid(vec![(Field::Notes, e)])
    }
}

impl Error {
    pub fn invalid(field: Field, e: Invalid) -> Error {
        Error::Invalid(vec![(field, e)])
    }

    pub fn key(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "error.invalid",
            Error::OfficerUnknown { .. } => "error.officer_unknown",
            Error::OfficerInactive { .. } => "error.officer_inactive",
            Error::OfficerExists { .. } => "error.officer_exists",
            Error::ProgramUnknown { .. } => "error.program_unknown",
            Error::EntryUnknown { .. } => "error.entry_unknown",
            Error::EntryVoided { .. } => "error.entry_voided",
            Error::ChangedByAnother { .. } => "error.changed_by_another",
            Error::Locked { .. } => "error.db_locked",
            Error::Missing { .. } => "error.db_missing",
            Error::NotInitialised { .. } => "error.db_not_initialised",
            Error::NewerSchema { .. } => "error.db_newer",
            Error::Corrupt { .. } => "error.db_corrupt",
            Error::Io { .. } => "error.io",
            Error::BackupExists { .. } => "error.backup_exists",
            Error::PinUnreadable => "cli.pin_missing",
            Error::LoginFailed => "error.login_failed",
        }
    }

    pub fn args(&self) -> Vec<(&'static str, Arg)> {
        let text = |s: String| Arg::Text(s);
        match self {
            Error::Invalid(_) | Error::PinUnreadable | Error::LoginFailed => vec![],
            Error::OfficerUnknown { nip } | Error::OfficerInactive { nip } | Error::OfficerExists { nip } => {
                vec![("nip", text(nip.clone()))]
            }
            Error::ProgramUnknown { id } => vec![("id", Arg::Number(i64::from(*id)))],
            Error::EntryUnknown { id } | Error::EntryVoided { id } => vec![("id", Arg::Number(*id as i64))],
            Error::ChangedByAnother { current } => vec![
                ("id", Arg::Number(current.id as i64)),
                ("revision", Arg::Number(i64::from(current.revision))),
                ("by", text(current.recorded_by.to_string())),
            ],
            Error::Locked { path }
            | Error::Missing { path }
            | Error::NotInitialised { path }
            | Error::BackupExists { path } => {
                vec![("path", text(path.display().to_string()))]
            }
            Error::NewerSchema { found, supported } => {
                vec![("found", Arg::Number(i64::from(*found))), ("supported", Arg::Number(i64::from(*supported)))]
            }
            Error::Corrupt { tree, detail } => vec![("tree", text(tree.clone())), ("detail", text(detail.clone()))],
            Error::Io { detail } => vec![("detail", text(detail.clone()))],
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

//! The records API: everything a front end may do, as plain domain values
//! and the records types below in and out (never sled or store types:
//! what the store keeps and reports, `AuditRecord`, `Problem` and the
//! rest, is handed out as this layer's own types, records/kept.rs, made
//! from the store's in records/convert.rs), so the command line, the
//! terminal interface and the server all share one set of rules.
//!
//! A `Records` runs its operations either in this process (`Local`, which
//! owns the database) or through a binalog server (`Remote`, a client on
//! the server's Unix socket, where the server runs the same `Local` code).
//! Front ends do not care which: the methods are listed once, in `api.rs`,
//! and that list generates the public methods below, the requests and
//! answers that cross the socket, the client calls and the server's
//! dispatch.

mod access;
mod admin;
pub mod api;
mod backups;
mod changes;
mod convert;
pub mod drafts;
#[cfg(test)]
mod entries_tests;
mod error;
mod feed;
pub mod files;
mod import;
#[cfg(test)]
mod item_case_tests;
mod kept;
mod local;
mod officers;
pub mod pin;
mod queue;
mod register_search;
mod remote;
mod report;
#[cfg(test)]
pub(crate) mod report_tests;
mod scale;
#[cfg(test)]
mod stock_tests;
#[cfg(test)]
mod test_db;
mod updates;
pub mod views;

use std::path::Path;
use std::sync::mpsc::Receiver;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The connection's errors, as `Error` wraps them (a front end names the
/// server it could not reach); the store's stay inside `Error::Store`.
pub use crate::wire::Error as WireError;
pub use access::{Access, DENIALS_RECORDED_PER_MINUTE};
pub use backups::BackupStatus;
pub use changes::Checked;
pub use drafts::{DraftRow, FormDraft};
pub use error::{Error, Result};
pub use feed::{DatabaseInfo, FEED_PAGE, FeedChange, FeedPage, FeedRecord, PublicOfficer};
pub use import::IMPORT_CHUNK;
pub(crate) use local::Local;
pub use officers::{LOCKOUT_MINUTES, MAX_FAILED_LOGINS};
pub use queue::{QueueFilter, VERIFY_RANGE_MAX};
pub use register_search::{EntryState, RegisterQuery};
pub(crate) use remote::Remote;
pub use remote::ServerInfo;
pub use remote::{Connector, plain_connector};
pub use scale::{SCALE_BATCH, ScaleOutcome};
pub use updates::Update;

/// What the store keeps and reports, as this layer's own types (kept.rs),
/// made from the store's in convert.rs.
pub use kept::{AuditAction, AuditRecord, BackupSummary, ImportId, OpenMode, Problem, Tally, Turnout, Verification};

use crate::clock::Clock;
use crate::domain::Amount;
use crate::domain::officer::{Nip, Officer};
use crate::domain::reference::ProgramId;
use crate::domain::sector::Kind;
use crate::domain::unit::Unit;

/// An officer the records API has identified; changes are made as them.
/// Over a server the connection's own login decides who acts: an `Actor`
/// on the client only names whom the caller means (see `Remote`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

    /// An officer taken as logged in, for tests of the interface's pure
    /// `update` that have no database to log in to.
    #[cfg(test)]
    pub fn assumed(officer: Officer) -> Actor {
        Actor { officer }
    }
}

/// Where a revision stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub program: Option<ProgramId>,
    /// Include superseded and voided revisions.
    pub history: bool,
}

/// Which audit records to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub officer: Option<Nip>,
}

/// A total of one kind, unit and item over a period.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Total {
    pub kind: Kind,
    pub unit: Unit,
    pub item: String,
    pub value: Amount,
    pub entries: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitOutcome {
    /// False when the database was initialised before and nothing changed.
    pub created: bool,
    pub demo_entries: usize,
    /// What the database holds now: sites, partners, agreements,
    /// programmes (so a new database can be described without a login).
    pub reference: [usize; 4],
}

pub struct Records {
    backend: Backend,
}

enum Backend {
    Local(Local),
    Remote(Remote),
}

/// What is not in the API list: opening, where "today" is, and the
/// connection itself. These run on the caller's side in both modes.
impl Records {
    /// Opens the database in this process (`--direct`, tests, the server).
    pub fn open(path: &Path, mode: OpenMode, clock: Box<dyn Clock>, tz: FixedOffset) -> Result<Records> {
        Ok(Records { backend: Backend::Local(Local::open(path, mode, clock, tz)?) })
    }

    /// Connects to the server answering on `socket`. `clock` and `tz`
    /// decide `today()` on this side; the server checks dates against its
    /// own clock in this zone.
    pub fn connect(socket: &Path, clock: Box<dyn Clock>, tz: FixedOffset) -> Result<Records> {
        let connector = plain_connector(socket.to_path_buf(), tz);
        Records::connect_with(connector, socket, clock, tz)
    }

    /// Connects through `connector` (to the server on `socket`), which also
    /// serves `reconnect`.
    pub(crate) fn connect_with(
        connector: Connector,
        socket: &Path,
        clock: Box<dyn Clock>,
        tz: FixedOffset,
    ) -> Result<Records> {
        Ok(Records { backend: Backend::Remote(Remote::connect(connector, socket.to_path_buf(), clock, tz)?) })
    }

    /// The database folder (over a server: the server's database).
    pub fn path(&self) -> &Path {
        match &self.backend {
            Backend::Local(local) => local.path(),
            Backend::Remote(remote) => remote.path(),
        }
    }

    /// Today in the configured zone (WIB unless `--tz` says otherwise).
    pub fn today(&self) -> NaiveDate {
        match &self.backend {
            Backend::Local(local) => local.today(),
            Backend::Remote(remote) => remote.today(),
        }
    }

    /// The zone that decides "today" and local times: this side's `--tz`
    /// (a server judges this connection's dates in it too).
    pub fn tz(&self) -> FixedOffset {
        match &self.backend {
            Backend::Local(local) => local.tz(),
            Backend::Remote(remote) => remote.tz(),
        }
    }

    /// This side's clock: when an account lock ends is shown against it.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.backend {
            Backend::Local(local) => local.clock.now(),
            Backend::Remote(remote) => remote.now(),
        }
    }

    /// An instant as local time in `tz()`.
    pub fn local_time(&self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        at.with_timezone(&self.tz())
    }

    /// First and last day of the month containing `date`.
    pub fn month_of(date: NaiveDate) -> (NaiveDate, NaiveDate) {
        let first = date.with_day(1).expect("day 1 exists");
        let next = first.checked_add_months(chrono::Months::new(1)).expect("a next month exists");
        (first, next.pred_opt().expect("a day before exists"))
    }

    /// How many entries the database holds. Over a server that cannot be
    /// reached this is 0; `count_entries` says why.
    pub fn entry_count(&self) -> usize {
        match &self.backend {
            Backend::Local(local) => local.entry_count(),
            Backend::Remote(remote) => remote.count_entries().unwrap_or(0),
        }
    }

    /// Changes made by others, as they become durable: over a server, every
    /// other connection's saves; in this process, saves made through other
    /// `Records` sharing this database (a `--direct` program has none, so
    /// its receiver stays quiet). Each call gives a new receiver.
    pub fn subscribe(&self) -> Receiver<Update> {
        match &self.backend {
            Backend::Local(local) => local.subscribe(),
            Backend::Remote(remote) => remote.subscribe(),
        }
    }

    /// After `Error::ServerStopped`: connects again (starting a server
    /// when this `Records` was allowed to) and, if an officer had logged in,
    /// logs them in again, so a front end can keep its form and retry.
    /// In this process there is nothing to reconnect.
    pub fn reconnect(&self) -> Result<()> {
        match &self.backend {
            Backend::Local(_) => Ok(()),
            Backend::Remote(remote) => remote.reconnect(),
        }
    }

    /// The server this `Records` talks to; `None` in this process.
    pub fn server(&self) -> Option<ServerInfo> {
        match &self.backend {
            Backend::Local(_) => None,
            Backend::Remote(remote) => Some(remote.info()),
        }
    }
}

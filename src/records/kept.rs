//! What the store keeps and reports, as the records API hands it out: the
//! records layer's own types, made from the store's at the boundary
//! (records/convert.rs). The store's types are its file format; these are
//! what crosses the socket and what a front end shows, so either may change
//! without the other (a new stored field is no protocol change, a new
//! answer needs no schema migration).
//!
//! `AuditAction` is the domain's (domain/audit.rs): a list of what can
//! happen, pure data, written once for the store and this API.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::Amount;
use crate::domain::entry::{EntryId, Field};
use crate::domain::invalid::Invalid;
use crate::domain::officer::Nip;

pub use crate::domain::audit::AuditAction;

/// How to open a database: an existing one only, or create it if absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    Existing,
    CreateIfMissing,
}

/// An import being staged: its number, never one used before in the
/// database.
pub type ImportId = u64;

/// One record of the audit trail: who did what, when, to which entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub officer: Option<Nip>,
    pub action: AuditAction,
    /// The entries a change touched: (id, revision) pairs.
    pub entries: Vec<(EntryId, u32)>,
    pub detail: String,
    /// The Unix user of the session that made the change; empty for
    /// records older than the database's schema 3, which did not keep it.
    pub user: String,
}

/// Who verified a revision, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub by: Nip,
    pub at: DateTime<Utc>,
}

/// What a good backup file holds, from its header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub format: u32,
    pub schema: u32,
    /// The database's identity, 32 hex digits.
    pub identity: String,
    pub created: DateTime<Utc>,
    pub bytes: u64,
    pub trees: u32,
    pub pairs: u64,
    pub entries: u64,
    pub revisions: u64,
    pub officers: u64,
    pub audit: u64,
}

/// A day's total of one key, as `check` compares it: the sum and how
/// many entries made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub value: Amount,
    pub entries: u32,
}

/// A day's entries of a programme and kind and the people in them (WBP,
/// officers and cadets together), as `check` compares them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turnout {
    pub entries: i64,
    pub people: i64,
}

/// A difference `check` found between what is stored and what the entries
/// make; keys and trees are named as the store names them, for whoever
/// repairs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    /// A value that will not decode.
    Undecodable { tree: String, key: String, detail: String },
    /// An index key that should be there and is not.
    IndexMissing { tree: String, key: String },
    /// An index key that points at nothing current.
    IndexExtra { tree: String, key: String },
    /// A day's total that does not equal the sum of its entries.
    RollupWrong { key: String, expected: Tally, found: Tally },
    /// A day's entries and attendance that do not equal its entries'.
    ActivityWrong { key: String, expected: Turnout, found: Turnout },
    /// A head without its revision, or a gap in an entry's revisions.
    RevisionMissing { entry: u64, revision: u32 },
    /// An entry whose programme does not exist.
    ProgramMissing { entry: u64, program: u32 },
    /// A counter that would hand out an id already used.
    CounterBehind { counter: String, next: u64, highest: u64 },
    /// Audit records missing between two sequence numbers.
    AuditGap { after: u64, next: u64 },
    /// A value of an entry's revision that today's rules would refuse.
    EntryValueRefused { entry: u64, revision: u32, field: Field, problem: Invalid },
    /// A value of a reference record or an officer that today's rules
    /// would refuse.
    RecordValueRefused { tree: String, key: String, problem: Invalid },
    /// The entries of one day and key add up past what a total can hold.
    TotalOverflow { entry: u64 },
    /// A month of a programme's livestock stock that differs from what its
    /// entries make.
    StockWrong { program: u32, month: NaiveDate },
}

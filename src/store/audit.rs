//! The append-only audit trail: one record per change, login or lock.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::entry::EntryId;
use crate::domain::officer::Nip;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    Initialised,
    DemoLoaded,
    Migrated,
    OfficerAdded,
    EntryAdded,
    EntryCorrected,
    EntryVoided,
    Imported,
    LoginSucceeded,
    LoginFailed,
    LockedOut,
    // New actions go last: bincode stores the variant's position.
    EntryVerified,
    OfficerUpdated,
    ReferenceAdded,
    ReferenceUpdated,
    /// A request refused by the access table or the role rules.
    Denied,
    /// The server's daily backup was written and verified.
    BackupWritten,
    /// The server's daily backup could not be written or did not verify.
    BackupFailed,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Initialised => "initialised",
            AuditAction::DemoLoaded => "demo_loaded",
            AuditAction::Migrated => "migrated",
            AuditAction::OfficerAdded => "officer_added",
            AuditAction::EntryAdded => "entry_added",
            AuditAction::EntryCorrected => "entry_corrected",
            AuditAction::EntryVoided => "entry_voided",
            AuditAction::Imported => "imported",
            AuditAction::LoginSucceeded => "login_succeeded",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::LockedOut => "locked_out",
            AuditAction::EntryVerified => "entry_verified",
            AuditAction::OfficerUpdated => "officer_updated",
            AuditAction::ReferenceAdded => "reference_added",
            AuditAction::ReferenceUpdated => "reference_updated",
            AuditAction::Denied => "denied",
            AuditAction::BackupWritten => "backup_written",
            AuditAction::BackupFailed => "backup_failed",
        }
    }
}

/// What the caller says about a change; the store adds the sequence number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditNote {
    pub at: DateTime<Utc>,
    pub officer: Option<Nip>,
    pub action: AuditAction,
    pub detail: String,
    /// The Unix user whose session made the change.
    pub user: String,
}

/// Schema 3 added `user`; `codec::v2::AuditRecord` reads older records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub officer: Option<Nip>,
    pub action: AuditAction,
    /// The entries a change touched: (id, revision) pairs.
    pub entries: Vec<(EntryId, u32)>,
    pub detail: String,
    /// The Unix user of the session that made the change: the peer of the
    /// server's socket, or the user running binalog with `--direct`. Empty
    /// for records written before schema 3, which did not keep it.
    pub user: String,
}

//! What an audit record says happened. Pure data: the store keeps it in
//! every audit record (bincode writes the variant's position, so new
//! actions go last) and the records API hands the same value out, so the
//! list of actions is written once.

use serde::{Deserialize, Serialize};

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

//! The append-only audit trail: one record per change, login or lock.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::entry::EntryId;
use crate::domain::officer::Nip;

/// What happened: the domain's, so the records API hands out the same
/// action the store keeps (its variant's position is what is stored).
pub use crate::domain::audit::AuditAction;

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

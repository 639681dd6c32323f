//! The one place stored values are encoded: a schema-version byte, then
//! bincode (standard config). Every tree goes through here, so a format
//! change is made, versioned and migrated in one module.

use bincode::config::{Configuration, standard};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::entry::{Entry, EntryDraft, Quantity, Status};
use crate::domain::officer::Nip;
use crate::domain::sector::Kind;

/// Schema of the values this build writes.
///
/// 1: entries without training attendance (officers, cadets).
/// 2: entries carry officers and cadets for training sessions.
/// 3: audit records carry the Unix user of the session that made the change.
/// 4: sites carry their time zone.
/// 5: the change feed stores an import's entries as one value
///    (changes.rs `Fed`), and the programmes' index a day to a key
///    (program_days.rs, built at the first open; `by_program` retired).
pub const SCHEMA_VERSION: u8 = 5;

const CONFIG: Configuration = standard();

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodecError {
    Empty,
    NewerVersion(u8),
    Malformed(String),
}

impl std::fmt::Display for CodecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodecError::Empty => write!(f, "empty value"),
            CodecError::NewerVersion(v) => write!(f, "schema {v} is newer than {SCHEMA_VERSION}"),
            CodecError::Malformed(e) => write!(f, "malformed value: {e}"),
        }
    }
}

/// A stored type. Types whose shape never changed read every older
/// version as they are; a type that changed overrides `decode_old`.
pub trait Stored: Serialize + DeserializeOwned {
    fn decode_old(version: u8, body: &[u8]) -> Result<Self, CodecError> {
        let _ = version;
        decode_body(body)
    }
}

pub fn encode<T: Stored>(value: &T) -> Vec<u8> {
    let mut bytes = vec![SCHEMA_VERSION];
    bincode::serde::encode_into_std_write(value, &mut bytes, CONFIG).expect("writing to a Vec cannot fail");
    bytes
}

pub fn decode<T: Stored>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    match version {
        SCHEMA_VERSION => decode_body(body),
        v if v > SCHEMA_VERSION => Err(CodecError::NewerVersion(v)),
        v => T::decode_old(v, body),
    }
}

pub(super) fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, CodecError> {
    let (value, read) =
        bincode::serde::decode_from_slice(body, CONFIG).map_err(|e| CodecError::Malformed(e.to_string()))?;
    if read != body.len() {
        return Err(CodecError::Malformed(format!("{} trailing bytes", body.len() - read)));
    }
    Ok(value)
}

/// Whether a value was written by an older schema and should be rewritten.
pub fn is_old(bytes: &[u8]) -> bool {
    bytes.first().is_some_and(|v| *v < SCHEMA_VERSION)
}

impl Stored for u32 {}
impl Stored for u64 {}
/// An item's shown spelling (item_names.rs).
impl Stored for String {}
/// The database identity (`keys::META_IDENTITY`).
impl Stored for [u8; 16] {}
impl Stored for crate::domain::Partner {}
impl Stored for crate::domain::Agreement {}
impl Stored for crate::domain::Program {}
impl Stored for crate::domain::Officer {}
impl Stored for super::rollup::Rollup {}
impl Stored for super::rollup::Activity {}
impl Stored for crate::domain::report::Target {}
impl Stored for super::rollup::MonthRollup {}
impl Stored for super::write::Verification {}
// Staged import rows and the import marker: dropped or applied at the
// next open, so never read by a later schema.
impl Stored for EntryDraft {}
impl Stored for super::staging::Committing {}
impl Stored for super::staging::Applying {}

impl Stored for Entry {
    fn decode_old(version: u8, body: &[u8]) -> Result<Self, CodecError> {
        match version {
            1 => decode_body::<v1::Entry>(body).map(v1::Entry::upgrade),
            // Schemas 3 and 4 changed audit records and sites only, 5 the
            // feed and the index.
            2..=4 => decode_body(body),
            v => Err(CodecError::Malformed(format!("no entry schema {v}"))),
        }
    }
}

impl Stored for super::audit::AuditRecord {
    fn decode_old(version: u8, body: &[u8]) -> Result<Self, CodecError> {
        match version {
            // Audit records kept one shape through schemas 1 and 2.
            1 | 2 => decode_body::<v2::AuditRecord>(body).map(v2::AuditRecord::upgrade),
            // Schema 4 changed sites only, 5 the feed and the index.
            3 | 4 => decode_body(body),
            v => Err(CodecError::Malformed(format!("no audit schema {v}"))),
        }
    }
}

impl Stored for crate::domain::Site {
    fn decode_old(version: u8, body: &[u8]) -> Result<Self, CodecError> {
        match version {
            1..=3 => decode_body::<v3::Site>(body).map(v3::Site::upgrade),
            // Schema 5 changed the feed and the index only.
            4 => decode_body(body),
            v => Err(CodecError::Malformed(format!("no site schema {v}"))),
        }
    }
}

/// The site as schemas 1 to 3 stored it: no time zone.
pub mod v3 {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
    pub struct Site {
        pub id: u32,
        pub code: String,
        pub name: String,
    }

    impl Site {
        /// Every site of those databases was on Java: WIB.
        pub fn upgrade(self) -> crate::domain::Site {
            crate::domain::Site {
                id: self.id,
                code: self.code,
                name: self.name,
                utc_offset: crate::domain::reference::WIB_OFFSET,
            }
        }
    }

    /// A site as schema 3 wrote it, for the tests of the upgrade.
    pub fn encode_v3(site: &Site) -> Vec<u8> {
        let mut bytes = vec![3u8];
        bincode::serde::encode_into_std_write(site, &mut bytes, super::CONFIG).expect("writing to a Vec cannot fail");
        bytes
    }
}

/// The audit record as schemas 1 and 2 stored it: no Unix user.
pub mod v2 {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Serialize};

    use super::CONFIG;
    use crate::domain::entry::EntryId;
    use crate::domain::officer::Nip;
    use crate::store::audit::AuditAction;

    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
    pub struct AuditRecord {
        pub seq: u64,
        pub at: DateTime<Utc>,
        pub officer: Option<Nip>,
        pub action: AuditAction,
        pub entries: Vec<(EntryId, u32)>,
        pub detail: String,
    }

    impl AuditRecord {
        /// The user was not kept then: it stays empty rather than guessed.
        pub fn upgrade(self) -> crate::store::AuditRecord {
            crate::store::AuditRecord {
                seq: self.seq,
                at: self.at,
                officer: self.officer,
                action: self.action,
                entries: self.entries,
                detail: self.detail,
                user: String::new(),
            }
        }
    }

    /// Writes an audit record the way schema 2 did, for migration tests.
    pub fn encode_v2(record: &AuditRecord) -> Vec<u8> {
        let mut bytes = vec![2u8];
        bincode::serde::encode_into_std_write(record, &mut bytes, CONFIG).expect("writing to a Vec cannot fail");
        bytes
    }
}

/// The entry as schema 1 stored it.
pub mod v1 {
    use super::*;
    use chrono::{DateTime, NaiveDate, Utc};
    use serde::Deserialize;

    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Draft {
        pub program: u32,
        pub date: NaiveDate,
        pub kind: Kind,
        pub quantities: Vec<Quantity>,
        pub participants: u32,
        pub notes: String,
        pub status: Status,
    }

    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Entry {
        pub id: u64,
        pub revision: u32,
        pub supersedes: Option<u32>,
        pub draft: Draft,
        pub voided: bool,
        pub reason: String,
        pub recorded_by: Nip,
        pub recorded_at: DateTime<Utc>,
    }

    impl Entry {
        pub fn upgrade(self) -> super::Entry {
            let d = self.draft;
            super::Entry {
                id: self.id,
                revision: self.revision,
                supersedes: self.supersedes,
                draft: EntryDraft {
                    program: d.program,
                    date: d.date,
                    kind: d.kind,
                    quantities: d.quantities,
                    participants: d.participants,
                    officers: 0,
                    cadets: 0,
                    notes: d.notes,
                    status: d.status,
                },
                voided: self.voided,
                reason: self.reason,
                recorded_by: self.recorded_by,
                recorded_at: self.recorded_at,
            }
        }
    }

    /// Writes a value the way schema 1 did, for migration tests.
    pub fn encode_v1(entry: &Entry) -> Vec<u8> {
        let mut bytes = vec![1u8];
        bincode::serde::encode_into_std_write(entry, &mut bytes, CONFIG).expect("writing to a Vec cannot fail");
        bytes
    }
}

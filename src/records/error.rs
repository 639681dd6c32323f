//! What the records API can refuse, language-free like `Invalid`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::domain::entry::{Entry, Field};
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::permission::Denied;
use crate::store::{BackupDamage, StoreError};

/// Serializable so that a server's refusal reaches its client intact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Error {
    /// The input broke one or more rules; each names its field.
    Invalid(Vec<(Field, Invalid)>),
    /// Drafts of an import broke rules: each by its place in the request
    /// (from 1), with its problems; `total` counts every bad draft, even
    /// beyond those listed. Nothing was stored.
    ImportRefused {
        rows: Vec<(usize, Vec<(Field, Invalid)>)>,
        total: usize,
    },
    /// A total would pass the largest number binalog can hold; nothing
    /// was stored.
    TotalOverflow,
    /// A chunk or the end of an import this session did not begin, or has
    /// already finished or dropped; nothing of it was stored.
    ImportUnknown,
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
    /// A backup file that is refused, and why.
    BackupDamaged {
        path: PathBuf,
        damage: BackupDamage,
    },
    /// A restore goes only into an empty or new folder.
    FolderNotEmpty {
        path: PathBuf,
    },
    /// sled cannot open the database: what it said, the damaged snapshot
    /// if that is the damaged part, the newest good backup and its date.
    Damaged {
        path: PathBuf,
        detail: String,
        snapshot: Option<PathBuf>,
        backup: Option<(PathBuf, chrono::DateTime<chrono::Utc>)>,
    },
    /// `repair --snapshot` found the snapshot intact and left it.
    SnapshotIntact {
        path: PathBuf,
    },
    /// The officer's role or sites do not allow the action.
    Denied(Denied),
    /// The account is locked after too many wrong PINs, until this time.
    LoginLocked {
        until: String,
    },
    /// Only the first officer may be added without an admin.
    OfficersExist,
    FirstOfficerAdmin,
    /// An admin may not deactivate their own account.
    OwnAccount,
    SiteUnknown {
        id: u32,
    },
    PartnerUnknown {
        id: u32,
    },
    AgreementUnknown {
        id: u32,
    },
    SiteNotInAgreement {
        site: u32,
        agreement: u32,
    },
    // The server and its clients (src/server, records/remote.rs).
    /// The server's connection ended: it stopped, or was stopped.
    ServerStopped {
        socket: PathBuf,
    },
    /// Client and server speak no protocol version in common.
    VersionMismatch {
        socket: PathBuf,
        ours: u32,
        theirs: Vec<u32>,
    },
    /// `serve` on a database whose server is already answering.
    AlreadyRunning {
        path: PathBuf,
        socket: PathBuf,
    },
    /// Something other than a binalog server of this database answers on
    /// the socket path.
    SocketInUse {
        socket: PathBuf,
    },
    /// The socket exists but refuses us (permissions, most likely).
    ConnectFailed {
        socket: PathBuf,
        detail: String,
    },
    /// A server could not be started in the background.
    StartFailed {
        detail: String,
        log: PathBuf,
    },
    /// A change was asked for on a connection where no officer logged in.
    NotLoggedIn,
    /// The connection is logged in as another officer than the one named.
    OtherOfficer {
        nip: String,
    },
    /// A request or answer larger than the protocol allows.
    TooLarge {
        size: u64,
        max: u64,
    },
    /// The other side sent something this version cannot read.
    Protocol {
        detail: String,
    },
    /// More entries sent to verify at once than one confirmation covers.
    TooManyToVerify {
        count: usize,
        max: usize,
    },
    /// The server refused a connection: this Unix user has `max` already.
    TooManyConnections {
        user: String,
        max: u32,
    },
    /// The server refused a connection: it has `max` in all already.
    ServerFull {
        socket: PathBuf,
        max: u32,
    },
    /// A form's draft past what the server keeps (records/drafts.rs):
    /// too many quantity rows, or a short field too long or holding a
    /// character no text may hold. Nothing was kept.
    DraftRefused {
        rows: usize,
        chars: usize,
    },
    // New variants go last: bincode numbers them in order.
    /// No room left on the disk: the change was not saved.
    DiskFull,
    /// The server holds the connection but has not answered in time (it
    /// is stopped or stuck). Whether the request was carried out is not
    /// known; the connection is dropped and the next call connects again.
    ServerNotAnswering {
        socket: PathBuf,
        seconds: u64,
    },
    /// The officer is not assigned to the site, named so the message says
    /// which place (the domain's `Denied::NotAtSite` knows only its number;
    /// the records layer adds the name it reads from the store).
    NotAtSite {
        site: crate::domain::reference::SiteId,
        name: String,
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
            StoreError::DiskFull => Error::DiskFull,
            StoreError::BackupExists { path } => Error::BackupExists { path },
            StoreError::TotalOverflow => Error::TotalOverflow,
            StoreError::BackupDamaged { path, damage } => Error::BackupDamaged { path, damage },
            StoreError::FolderNotEmpty { path } => Error::FolderNotEmpty { path },
            StoreError::Damaged { path, detail, snapshot, backup } => Error::Damaged { path, detail, snapshot, backup },
            StoreError::SnapshotIntact { path } => Error::SnapshotIntact { path },
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
            Error::ImportRefused { .. } => "error.import_refused",
            Error::TotalOverflow => "error.total_overflow",
            Error::ImportUnknown => "error.import_unknown",
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
            Error::DiskFull => "error.disk_full",
            Error::Denied(d) => match d {
                Denied::NotAtSite { .. } => "error.denied_site",
                Denied::Role { .. } => "error.denied_role",
                Denied::NotOwnEntry => "error.denied_not_own",
                Denied::NotSameDay => "error.denied_not_same_day",
                Denied::OwnEntry => "error.denied_own_entry",
            },
            Error::LoginLocked { .. } => "error.login_locked",
            Error::OfficersExist => "error.officers_exist",
            Error::FirstOfficerAdmin => "error.first_officer_admin",
            Error::OwnAccount => "error.own_account",
            Error::SiteUnknown { .. } => "error.site_unknown",
            Error::PartnerUnknown { .. } => "error.partner_unknown",
            Error::AgreementUnknown { .. } => "error.agreement_unknown",
            Error::SiteNotInAgreement { .. } => "error.site_not_in_agreement",
            Error::BackupExists { .. } => "error.backup_exists",
            Error::BackupDamaged { damage, .. } => match damage {
                BackupDamage::BadMagic => "error.backup_bad_magic",
                BackupDamage::UnknownVersion { .. } => "error.backup_unknown_version",
                BackupDamage::Truncated { .. } => "error.backup_truncated",
                BackupDamage::ChecksumMismatch => "error.backup_checksum",
                BackupDamage::Malformed { .. } => "error.backup_malformed",
            },
            Error::FolderNotEmpty { .. } => "error.folder_not_empty",
            Error::Damaged { .. } => "error.db_damaged",
            Error::SnapshotIntact { .. } => "error.snapshot_intact",
            Error::PinUnreadable => "cli.pin_missing",
            Error::LoginFailed => "error.login_failed",
            Error::ServerStopped { .. } => "server.stopped",
            Error::ServerNotAnswering { .. } => "server.not_answering",
            Error::NotAtSite { .. } => "error.denied_site_named",
            Error::VersionMismatch { .. } => "server.version_mismatch",
            Error::AlreadyRunning { .. } => "server.already_running",
            Error::SocketInUse { .. } => "server.socket_in_use",
            Error::ConnectFailed { .. } => "server.connect_failed",
            Error::StartFailed { .. } => "server.start_failed",
            Error::NotLoggedIn => "server.not_logged_in",
            Error::OtherOfficer { .. } => "server.other_officer",
            Error::TooLarge { .. } => "server.too_large",
            Error::Protocol { .. } => "server.protocol",
            Error::TooManyConnections { .. } => "server.too_many_connections",
            Error::ServerFull { .. } => "server.full",
            Error::DraftRefused { .. } => "error.draft_refused",
            Error::TooManyToVerify { .. } => "error.too_many_to_verify",
        }
    }

    pub fn args(&self) -> Vec<(&'static str, Arg)> {
        let text = |s: String| Arg::Text(s);
        match self {
            Error::Invalid(_)
            | Error::PinUnreadable
            | Error::LoginFailed
            | Error::TotalOverflow
            | Error::DiskFull
            | Error::ImportUnknown => {
                vec![]
            }
            Error::ImportRefused { total, .. } => vec![("count", Arg::Number(*total as i64))],
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
            | Error::BackupExists { path }
            | Error::FolderNotEmpty { path }
            | Error::SnapshotIntact { path } => {
                vec![("path", text(path.display().to_string()))]
            }
            Error::Damaged { path, detail, snapshot, backup } => {
                let shown = |p: &std::path::Path| text(p.display().to_string());
                let mut args = vec![("path", shown(path)), ("detail", text(detail.clone()))];
                if let Some(snapshot) = snapshot {
                    args.push(("snapshot", shown(snapshot)));
                }
                if let Some((file, made)) = backup {
                    args.push(("backup", shown(file)));
                    args.push(("made", text(made.format("%d/%m/%Y %H:%M UTC").to_string())));
                }
                args.push(("backups", shown(&path.join(crate::store::damage::BACKUPS_FOLDER))));
                args
            }
            Error::BackupDamaged { path, damage } => {
                let mut args = vec![("path", text(path.display().to_string()))];
                match damage {
                    BackupDamage::UnknownVersion { found } => args.push(("found", Arg::Number(i64::from(*found)))),
                    BackupDamage::Truncated { at } => args.push(("at", Arg::Number(*at as i64))),
                    BackupDamage::Malformed { at, detail } => {
                        args.push(("at", Arg::Number(*at as i64)));
                        args.push(("detail", text(detail.clone())));
                    }
                    BackupDamage::BadMagic | BackupDamage::ChecksumMismatch => {}
                }
                args
            }
            Error::NewerSchema { found, supported } => {
                vec![("found", Arg::Number(i64::from(*found))), ("supported", Arg::Number(i64::from(*supported)))]
            }
            Error::Corrupt { tree, detail } => vec![("tree", text(tree.clone())), ("detail", text(detail.clone()))],
            Error::Io { detail } => vec![("detail", text(detail.clone()))],
            Error::Denied(Denied::NotAtSite { site }) => vec![("site", Arg::Number(i64::from(*site)))],
            Error::Denied(Denied::Role { needed }) => vec![("role", text(needed.code().to_string()))],
            Error::Denied(_) | Error::OfficersExist | Error::FirstOfficerAdmin | Error::OwnAccount => vec![],
            Error::LoginLocked { until } => vec![("until", text(until.clone()))],
            Error::SiteUnknown { id } | Error::PartnerUnknown { id } | Error::AgreementUnknown { id } => {
                vec![("id", Arg::Number(i64::from(*id)))]
            }
            Error::SiteNotInAgreement { site, agreement } => {
                vec![("site", Arg::Number(i64::from(*site))), ("agreement", Arg::Number(i64::from(*agreement)))]
            }
            Error::ServerStopped { socket } | Error::SocketInUse { socket } => {
                vec![("socket", text(socket.display().to_string()))]
            }
            Error::NotAtSite { name, .. } => vec![("site", text(name.clone()))],
            Error::ServerNotAnswering { socket, seconds } => {
                vec![("socket", text(socket.display().to_string())), ("seconds", Arg::Number(*seconds as i64))]
            }
            Error::VersionMismatch { socket, ours, theirs } => {
                let theirs: Vec<String> = theirs.iter().map(u32::to_string).collect();
                vec![
                    ("socket", text(socket.display().to_string())),
                    ("ours", Arg::Number(i64::from(*ours))),
                    ("theirs", text(theirs.join(", "))),
                ]
            }
            Error::AlreadyRunning { path, socket } => {
                vec![("path", text(path.display().to_string())), ("socket", text(socket.display().to_string()))]
            }
            Error::ConnectFailed { socket, detail } => {
                vec![("socket", text(socket.display().to_string())), ("detail", text(detail.clone()))]
            }
            Error::StartFailed { detail, log } => {
                vec![("detail", text(detail.clone())), ("log", text(log.display().to_string()))]
            }
            Error::NotLoggedIn => vec![],
            Error::OtherOfficer { nip } => vec![("nip", text(nip.clone()))],
            Error::TooLarge { size, max } => {
                vec![("size", Arg::Number(*size as i64)), ("max", Arg::Number(*max as i64))]
            }
            Error::Protocol { detail } => vec![("detail", text(detail.clone()))],
            Error::TooManyConnections { user, max } => {
                vec![("user", text(user.clone())), ("max", Arg::Number(i64::from(*max)))]
            }
            Error::ServerFull { socket, max } => {
                vec![("socket", text(socket.display().to_string())), ("max", Arg::Number(i64::from(*max)))]
            }
            Error::DraftRefused { rows, chars } => {
                vec![("rows", Arg::Number(*rows as i64)), ("chars", Arg::Number(*chars as i64))]
            }
            Error::TooManyToVerify { count, max } => {
                vec![("count", Arg::Number(*count as i64)), ("max", Arg::Number(*max as i64))]
            }
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

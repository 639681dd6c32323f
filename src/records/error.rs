//! What the records API can refuse, language-free like `Invalid`; the
//! catalog words it (`i18n::Message`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::entry::{Entry, Field};
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::permission::Denied;
use crate::i18n::{Lang, Message, fill};
use crate::store::StoreError;
use crate::wire::Error as WireError;

/// Serializable so that a server's refusal reaches its client intact.
/// The records layer's own refusals (access, logins, the rules of entries
/// and officers) are its variants; what a lower layer refused comes
/// wrapped as that layer's error: validation as the domain's `Invalid`
/// per field, the database as `Store`, the socket as `Connection`.
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
    /// The database refused or failed (store/mod.rs).
    Store(StoreError),
    /// The server could not be reached, or the socket failed (wire/error.rs).
    Connection(WireError),
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
    /// An operating-system failure on this side, outside the database and
    /// the socket (a terminal, a file to write).
    Io {
        detail: String,
    },
    /// The NIP or the PIN is wrong (deliberately not saying which).
    LoginFailed,
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
    /// A change was asked for on a connection where no officer logged in.
    NotLoggedIn,
    /// The connection is logged in as another officer than the one named.
    OtherOfficer {
        nip: String,
    },
    /// More entries sent to verify at once than one confirmation covers.
    TooManyToVerify {
        count: usize,
        max: usize,
    },
    /// A form's draft past what the server keeps (records/drafts.rs):
    /// too many quantity rows, or a short field too long or holding a
    /// character no text may hold. Nothing was kept.
    DraftRefused {
        rows: usize,
        chars: usize,
    },
    /// The officer is not assigned to the site, named so the message says
    /// which place (the domain's `Denied::NotAtSite` knows only its number;
    /// the records layer adds the name it reads from the store).
    NotAtSite {
        site: crate::domain::reference::SiteId,
        name: String,
    },
}

/// The store's refusals, as the records API words them: a change based on
/// an old revision and an unknown entry are the records layer's own
/// refusals (it makes them too); the rest stay the store's.
impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        match e {
            StoreError::Conflict { current } => Error::ChangedByAnother { current },
            StoreError::UnknownEntry { id } => Error::EntryUnknown { id },
            other => Error::Store(other),
        }
    }
}

impl From<WireError> for Error {
    fn from(e: WireError) -> Error {
        Error::Connection(e)
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

    /// No database in `path` (a front end asked for an existing one).
    pub fn database_missing(path: PathBuf) -> Error {
        Error::Store(StoreError::Missing { path })
    }

    /// The database in `path` holds no reference data yet: `binalog init`.
    pub fn not_initialised(path: PathBuf) -> Error {
        Error::Store(StoreError::NotInitialised { path })
    }

    /// The database folder another process holds open, when that is the
    /// refusal: a front end names the server holding it, if one answers.
    pub fn locked_database(&self) -> Option<&Path> {
        match self {
            Error::Store(StoreError::Locked { path }) => Some(path),
            _ => None,
        }
    }

    /// The server stopped, or its connection ended: `Records::reconnect`
    /// may help.
    pub fn is_server_stopped(&self) -> bool {
        matches!(self, Error::Connection(WireError::ServerStopped { .. }))
    }
}

impl Message for Error {
    fn key(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "error.invalid",
            Error::ImportRefused { .. } => "error.import_refused",
            Error::Store(e) => e.key(),
            Error::Connection(e) => e.key(),
            Error::ImportUnknown => "error.import_unknown",
            Error::OfficerUnknown { .. } => "error.officer_unknown",
            Error::OfficerInactive { .. } => "error.officer_inactive",
            Error::OfficerExists { .. } => "error.officer_exists",
            Error::ProgramUnknown { .. } => "error.program_unknown",
            Error::EntryUnknown { .. } => "error.entry_unknown",
            Error::EntryVoided { .. } => "error.entry_voided",
            Error::ChangedByAnother { .. } => "error.changed_by_another",
            Error::Io { .. } => "error.io",
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
            Error::LoginFailed => "error.login_failed",
            Error::NotAtSite { .. } => "error.denied_site_named",
            Error::NotLoggedIn => "server.not_logged_in",
            Error::OtherOfficer { .. } => "server.other_officer",
            Error::DraftRefused { .. } => "error.draft_refused",
            Error::TooManyToVerify { .. } => "error.too_many_to_verify",
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        let text = |s: String| Arg::Text(s);
        match self {
            Error::Store(e) => e.args(),
            Error::Connection(e) => e.args(),
            Error::Invalid(_) | Error::LoginFailed | Error::ImportUnknown => vec![],
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
            Error::NotAtSite { name, .. } => vec![("site", text(name.clone()))],
            Error::NotLoggedIn => vec![],
            Error::OtherOfficer { nip } => vec![("nip", text(nip.clone()))],
            Error::DraftRefused { rows, chars } => {
                vec![("rows", Arg::Number(*rows as i64)), ("chars", Arg::Number(*chars as i64))]
            }
            Error::TooManyToVerify { count, max } => {
                vec![("count", Arg::Number(*count as i64)), ("max", Arg::Number(*max as i64))]
            }
        }
    }

    /// Validation problems each on their own line, an import's problems
    /// each with its row; a lower layer's error as that layer words it.
    fn render(&self, lang: Lang) -> String {
        let invalid = |p: &Invalid| p.render(lang);
        match self {
            Error::Invalid(problems) => problems.iter().map(|(_, p)| invalid(p)).collect::<Vec<_>>().join("\n"),
            Error::ImportRefused { rows, .. } => {
                let mut lines = vec![fill(lang, self.key(), &self.args())];
                for (row, problems) in rows {
                    for (_, p) in problems {
                        let args = [("row", Arg::Number(*row as i64)), ("problem", Arg::Text(invalid(p)))];
                        lines.push(fill(lang, "error.import_row", &args));
                    }
                }
                lines.join("\n")
            }
            Error::Store(e) => e.render(lang),
            Error::Connection(e) => e.render(lang),
            other => fill(lang, other.key(), &other.args()),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// Each layer words its own errors; the records error wrapping one says
    /// exactly what that layer says, in either language.
    #[test]
    fn a_wrapped_error_reads_as_its_layer_words_it() {
        let socket = PathBuf::from("/srv/binalog.sock");
        let wire = WireError::ServerStopped { socket: socket.clone() };
        let store = StoreError::Damaged { path: "/srv/db".into(), detail: "bad".into(), snapshot: None, backup: None };
        for lang in [Lang::Id, Lang::En] {
            let said = wire.shown(lang).to_string();
            assert!(said.contains("/srv/binalog.sock"), "{said}");
            assert_eq!(Error::from(wire.clone()).shown(lang).to_string(), said);
            let said = store.render(lang);
            assert_eq!(said.lines().count(), 2, "what to do next follows: {said}");
            assert_eq!(Error::from(store.clone()).render(lang), said);
        }
        assert_ne!(wire.render(Lang::Id), wire.render(Lang::En));
    }

    /// The store's conflict and unknown entry are the records API's own
    /// refusals (the records layer makes them too); the rest stay wrapped.
    #[test]
    fn store_errors_convert_at_the_boundary() {
        assert_eq!(Error::from(StoreError::UnknownEntry { id: 7 }), Error::EntryUnknown { id: 7 });
        assert_eq!(Error::from(StoreError::DiskFull), Error::Store(StoreError::DiskFull));
        let e = Error::Invalid(vec![(Field::Notes, Invalid::PinMismatch), (Field::Date, Invalid::PinMismatch)]);
        assert_eq!(e.render(Lang::En).lines().count(), 2, "one line per problem");
    }

    /// A front end asks the error what it needs (a locked database's
    /// folder) instead of naming the store's variants.
    #[test]
    fn a_front_end_asks_instead_of_matching_the_stores_variants() {
        let locked = Error::from(StoreError::Locked { path: "/srv/db".into() });
        assert_eq!(locked.locked_database(), Some(Path::new("/srv/db")));
        assert_eq!(Error::not_initialised("/srv/db".into()).locked_database(), None);
        assert_eq!(
            Error::database_missing("/srv/x".into()),
            Error::Store(StoreError::Missing { path: "/srv/x".into() })
        );
        assert_eq!(
            Error::not_initialised("/srv/x".into()),
            Error::Store(StoreError::NotInitialised { path: "/srv/x".into() })
        );
    }
}

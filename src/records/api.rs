//! THE list of records API methods, written once. From it `records_api!`
//! generates:
//!
//! - `Records::name(...)`, public, running the method in this process
//!   (`Local`) or through the server (`Remote`);
//! - `Request::name { .. }` and `Response::name(Result<..>)`, what crosses
//!   the socket (bincode, see `wire::protocol`);
//! - `Remote::name(...)`, the client call, and `Request::run`, the
//!   server's dispatch to `Local::name`.
//!
//! Adding a method: implement it on `Local` (records/*.rs), then add one
//! line below with the same name, parameters and return type (without the
//! `Result`). Its argument and return types must be serde types.
//!
//! Parameters are written as in the method's signature and take one of
//! four forms:
//!
//! - `by: &Actor`: not sent. The server acts as the officer logged in on
//!   the connection; the client only checks that this is that officer.
//! - `by: Option<&Actor>`: sent as "acting or not" (a bool).
//! - `name: &T`: sent as `T`'s owned form (`&str` as `String`, `&[T]` as
//!   `Vec<T>`, `&Path` as `PathBuf`) and lent to `Local` again.
//! - `name: T`: sent as it is.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::access::Access;
use super::backups::BackupStatus;
use super::changes::Checked;
use super::drafts::FormDraft;
use super::register_search::RegisterQuery;
use super::views::RegisterPage;
use super::{Actor, AuditFilter, Backend, EntryFilter, Error, InitOutcome, Local, Records, Remote, Result};
use super::{AuditRecord, BackupSummary, ImportId, Problem, Verification};
use super::{DatabaseInfo, FeedPage, QueueFilter, RevisionState, Total};
use crate::domain::entry::{Entry, EntryDraft, EntryId};
use crate::domain::officer::Nip;
use crate::domain::officer::{Officer, Role};
use crate::domain::reference::{
    Agreement, AgreementId, Partner, PartnerId, Program, ProgramId, ProgramStatus, Site, SiteId,
};
use crate::domain::report::{Period, Point, Report, ReportSpec, Target};
use crate::domain::sector::Kind;
use crate::domain::sector::Sector;
use crate::domain::unit::Unit;

/// The server acts only as the officer who logged in on the connection.
fn logged_in(actor: Option<&Actor>) -> Result<&Actor> {
    actor.ok_or(Error::NotLoggedIn)
}

macro_rules! records_api {
    // One method: collect its parameters, then go on with the next.
    (@method [$($done:tt)*]
        $(#[$meta:meta])* $access:ident fn $name:ident ( $($params:tt)* ) -> $ret:ty ; $($more:tt)*) => {
        records_api!(@param [$($done)*] [[$(#[$meta])*] $access $name ($($params)*) ($ret)] [] [] []
            ($($params)*) $($more)*);
    };
    (@method [$($done:tt)*]) => {
        records_api!(@emit $($done)*);
    };

    // Parameters, one at a time, into: wire fields, the client's field
    // values, and (form name) pairs for the other expansions.
    (@param $done:tt $head:tt [$($fields:tt)*] [$($build:tt)*] [$($forms:tt)*]
        ($arg:ident : &Actor $(, $($rest:tt)*)?) $($more:tt)*) => {
        records_api!(@param $done $head [$($fields)*] [$($build)*] [$($forms)* (actor $arg)]
            ($($($rest)*)?) $($more)*);
    };
    (@param $done:tt $head:tt [$($fields:tt)*] [$($build:tt)*] [$($forms:tt)*]
        ($arg:ident : Option<&Actor> $(, $($rest:tt)*)?) $($more:tt)*) => {
        records_api!(@param $done $head
            [$($fields)* $arg: bool,]
            [$($build)* $arg: ::std::option::Option::is_some(&$arg),]
            [$($forms)* (maybe_actor $arg)]
            ($($($rest)*)?) $($more)*);
    };
    (@param $done:tt $head:tt [$($fields:tt)*] [$($build:tt)*] [$($forms:tt)*]
        ($arg:ident : & $ty:ty $(, $($rest:tt)*)?) $($more:tt)*) => {
        records_api!(@param $done $head
            [$($fields)* $arg: <$ty as ::std::borrow::ToOwned>::Owned,]
            [$($build)* $arg: ::std::borrow::ToOwned::to_owned($arg),]
            [$($forms)* (lent $arg)]
            ($($($rest)*)?) $($more)*);
    };
    (@param $done:tt $head:tt [$($fields:tt)*] [$($build:tt)*] [$($forms:tt)*]
        ($arg:ident : $ty:ty $(, $($rest:tt)*)?) $($more:tt)*) => {
        records_api!(@param $done $head
            [$($fields)* $arg: $ty,]
            [$($build)* $arg,]
            [$($forms)* (owned $arg)]
            ($($($rest)*)?) $($more)*);
    };
    (@param [$($done:tt)*] $head:tt $fields:tt $build:tt $forms:tt () $($more:tt)*) => {
        records_api!(@method [$($done)* { $head $fields $build $forms }] $($more)*);
    };

    // The server's argument for each form; `$actor` is the connection's login.
    (@serve $actor:ident, actor $arg:ident) => { logged_in($actor)? };
    (@serve $actor:ident, maybe_actor $arg:ident) => {
        if $arg { Some(logged_in($actor)?) } else { None }
    };
    (@serve $actor:ident, lent $arg:ident) => { ::std::borrow::Borrow::borrow(&$arg) };
    (@serve $actor:ident, owned $arg:ident) => { $arg };

    // The client's check that the officer named is the one logged in.
    (@check $remote:ident, actor $arg:ident) => { $remote.check_actor(Some($arg))? };
    (@check $remote:ident, maybe_actor $arg:ident) => { $remote.check_actor($arg)? };
    (@check $remote:ident, lent $arg:ident) => {};
    (@check $remote:ident, owned $arg:ident) => {};

    (@emit $({
        [[$(#[$meta:meta])*] $access:ident $name:ident ($($params:tt)*) ($ret:ty)]
        [$($field:ident : $wire:ty,)*]
        [$($build:tt)*]
        [$(($form:ident $arg:ident))*]
    })*) => {
        /// A call of one API method, as the client sends it. No variant
        /// carries an officer: the server uses the connection's login.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Serialize, Deserialize)]
        pub enum Request {
            $( $name { $($field: $wire),* }, )*
        }

        /// The server's answer to a `Request` of the same name.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Serialize, Deserialize)]
        pub enum Response {
            $( $name(Result<$ret>), )*
        }

        impl Request {
            /// The method's name, for messages and logs.
            pub fn method(&self) -> &'static str {
                match self {
                    $( Request::$name { .. } => stringify!($name), )*
                }
            }

            /// Who may send it: THE access table, one word per method in
            /// the list below.
            pub fn access(&self) -> Access {
                match self {
                    $( Request::$name { .. } => Access::$access, )*
                }
            }

            /// The same request refused with `e`, as its own answer.
            pub fn refused(&self, e: Error) -> Response {
                match self {
                    $( Request::$name { .. } => Response::$name(Err(e)), )*
                }
            }

            /// Runs the request on the server, as `actor` (the officer
            /// logged in on the connection, if any), once the access table
            /// admits it: the server's one gate, whatever a client sends.
            #[allow(clippy::redundant_closure_call)]
            pub(crate) fn run(self, local: &Local, actor: Option<&Actor>) -> Response {
                if let Err(e) = local.admit(self.access(), actor, self.method()) {
                    return self.refused(e);
                }
                // Nobody reads while an import is being made visible; the
                // finishing request takes the gate alone itself.
                let _shared = (!matches!(self, Request::import_finish { .. }))
                    .then(|| local.import_gate.read().unwrap_or_else(|e| e.into_inner()));
                match self {
                    $( Request::$name { $($field),* } => Response::$name((|| -> Result<$ret> {
                        local.$name($(records_api!(@serve actor, $form $arg)),*)
                    })()), )*
                }
            }
        }

        impl Response {
            /// The method's name, for messages and logs.
            pub fn method(&self) -> &'static str {
                match self {
                    $( Response::$name(_) => stringify!($name), )*
                }
            }

            /// The refusal or failure this answer carries, if any.
            pub fn error(&self) -> Option<&Error> {
                match self {
                    $( Response::$name(Err(e)) => Some(e), )*
                    _ => None,
                }
            }

            /// The same answer, replaced by an error (a reply too large to send).
            pub fn into_error(self, e: Error) -> Response {
                match self {
                    $( Response::$name(_) => Response::$name(Err(e)), )*
                }
            }
        }

        /// Every method with who may send it, in the order of the list.
        pub const ACCESS_TABLE: &[(&str, Access)] = &[ $( (stringify!($name), Access::$access), )* ];

        #[cfg(test)]
        impl Request {
            /// One request of every method, with sample arguments, for the
            /// test that walks the access table.
            pub(crate) fn samples() -> Vec<Request> {
                use super::access::Sample;
                vec![ $( Request::$name { $($field: <$wire as Sample>::sample()),* }, )* ]
            }
        }

        impl Records {
            $(
                $(#[$meta])*
                pub fn $name(&self, $($params)*) -> Result<$ret> {
                    match &self.backend {
                        Backend::Local(local) => local.$name($($arg),*),
                        Backend::Remote(remote) => remote.$name($($arg),*),
                    }
                }
            )*
        }

        impl Remote {
            $(
                pub(crate) fn $name(&self, $($params)*) -> Result<$ret> {
                    $( records_api!(@check self, $form $arg); )*
                    match self.call(Request::$name { $($build)* })? {
                        Response::$name(result) => result,
                        other => Err(crate::wire::Error::Protocol {
                            detail: format!("{} answered for {}", other.method(), stringify!($name)),
                        }.into()),
                    }
                }
            )*
        }
    };

    ($($methods:tt)*) => {
        records_api!(@method [] $($methods)*);
    };
}

records_api! {
    // Setting up and reading.

    /// Creates the reference data, and with `demo` two demo officers and a
    /// year of sample entries. Changes nothing on an initialised database.
    Setup fn init(demo: bool) -> InitOutcome;
    Open fn is_initialised() -> bool;
    Setup fn sites() -> Vec<Site>;
    Setup fn partners() -> Vec<Partner>;
    Setup fn agreements() -> Vec<Agreement>;
    Setup fn programs() -> Vec<Program>;
    Officer fn program(id: ProgramId) -> Program;
    Officer fn current(id: EntryId) -> Entry;
    /// Every revision of an entry, oldest first.
    Officer fn history(id: EntryId) -> Vec<Entry>;
    /// Entries matching the filter, by date then id, each with its state.
    Officer fn entries(filter: &EntryFilter) -> Vec<(Entry, RevisionState)>;
    /// A programme's current entries between two dates, newest first.
    Officer fn register(program: ProgramId, from: NaiveDate, to: NaiveDate) -> Vec<Entry>;
    /// Totals per kind, unit and item between two dates, from the rollups.
    Officer fn totals(program: ProgramId, from: NaiveDate, to: NaiveDate) -> Vec<Total>;
    /// The same totals computed from the entries themselves: the reference
    /// the rollups are measured and tested against.
    Officer fn totals_by_scan(program: ProgramId, from: NaiveDate, to: NaiveDate) -> Vec<Total>;
    /// Head count per species at the end of a day, for a livestock programme.
    Officer fn head_counts(program: ProgramId, at: NaiveDate) -> BTreeMap<String, i64>;
    // What the terminal interface shows (records/views.rs).
    Officer fn register_page(program: &Program, before: Option<NaiveDate>, want: usize) -> RegisterPage;
    /// The register searched by day, kind, state or text (records/register_search.rs).
    Officer fn search_register(program: ProgramId, query: &RegisterQuery, want: usize) -> RegisterPage;
    Officer fn last_entry_dates() -> BTreeMap<ProgramId, NaiveDate>;
    /// Done entries a day per programme, from the activity rollups.
    Officer fn entries_a_day(from: NaiveDate, to: NaiveDate) -> BTreeMap<ProgramId, Vec<i64>>;
    Officer fn logged_on(date: NaiveDate) -> BTreeMap<ProgramId, Vec<Entry>>;
    Officer fn latest_entries(limit: usize) -> Vec<Entry>;
    Officer fn agreements_ending(days: i64) -> Vec<Agreement>;
    Officer fn items_used(program: ProgramId) -> Vec<Total>;
    Officer fn herd_at(program: ProgramId, at: NaiveDate) -> BTreeMap<String, i64>;
    Officer fn officer_names() -> BTreeMap<Nip, String>;
    /// The audit trail, oldest first, for admins: optionally only between
    /// two days (local dates, inclusive) and only one officer's records.
    Admin fn audit(actor: &Actor, filter: &AuditFilter) -> Vec<AuditRecord>;
    Admin fn check() -> Vec<Problem>;
    /// Writes a consistent backup of the whole database to a new file
    /// (store/backup.rs), verified once written; admins only. Over a server
    /// the server writes it: give an absolute path it may write to.
    Admin fn backup(by: &Actor, dest: &Path) -> BackupSummary;
    /// When the server's last daily backup was good, and when one last
    /// failed (records/backups.rs): the home screen's warning.
    Supervisor fn backup_status() -> BackupStatus;
    /// How many entries the database holds.
    Officer fn count_entries() -> usize;
    /// The database's identity, schema, counts and sites (`binalog info`).
    Officer fn database_info() -> DatabaseInfo;
    /// The database's permanent identity (32 hex digits), read alone.
    Officer fn database_identity() -> String;
    /// Up to `limit` changes numbered after `after`, oldest first, for the
    /// region (records/feed.rs); admins only. Never a PIN hash.
    Admin fn feed(by: &Actor, after: u64, limit: u32) -> FeedPage;

    // Entries.

    /// Checks a draft against its programme and today's date, returning it
    /// cleaned. Front ends call this to show problems before saving.
    Officer fn validate(draft: EntryDraft) -> EntryDraft;
    /// Checks many drafts as `validate` checks one, each on its own: the
    /// cleaned draft or its problems, in the order sent.
    Officer fn validate_drafts(drafts: Vec<EntryDraft>) -> Vec<Checked>;
    /// Records a new entry. Returns once it is durable.
    Officer fn add_entry(actor: &Actor, draft: EntryDraft) -> Entry;
    /// Replaces an entry's current revision (`base`) with a corrected one.
    /// If another officer changed the entry since `base`, it is refused
    /// with the newest revision (`Error::ChangedByAnother`).
    Officer fn correct_entry(actor: &Actor, id: EntryId, base: u32, draft: EntryDraft, reason: &str) -> Entry;
    /// Voids an entry: a new revision that no longer counts in any total.
    Supervisor fn void_entry(actor: &Actor, id: EntryId, base: u32, reason: &str) -> Entry;
    /// Marks revision `revision` of an entry as checked. Refused if the
    /// entry changed since, or if the officer recorded that revision.
    Supervisor fn verify_entry(actor: &Actor, id: EntryId, revision: u32) -> Entry;
    /// Who verified a revision, and when.
    Officer fn verification(id: EntryId, revision: u32) -> Option<Verification>;
    /// Entries the officer could verify: current, not voided, not yet
    /// verified, recorded by someone else, at the officer's sites; oldest
    /// first, so nothing waits forever.
    Supervisor fn verification_queue(actor: &Actor) -> Vec<Entry>;
    /// The queue limited to a site, a programme and dates (records/queue.rs).
    Supervisor fn verification_queue_in(actor: &Actor, filter: &QueueFilter) -> Vec<Entry>;
    /// Verifies every (entry, revision) named, in one transaction or none;
    /// one audit record names them all. Returns how many were verified.
    Supervisor fn verify_range(actor: &Actor, revisions: &[(EntryId, u32)]) -> usize;

    // Reports (records/report.rs), from the rollups.

    /// The report of a period, grouped, with the previous period, stock,
    /// training, agreements and achievement; an operator's covers only
    /// the programmes at their sites.
    Officer fn report(by: &Actor, spec: ReportSpec) -> Report;
    /// A point per day of the period: a programme's sparkline.
    Officer fn daily_totals(by: &Actor, program: ProgramId, period: Period, kind: Option<Kind>, unit: Option<Unit>) -> Vec<Point>;
    /// Twelve points, one per month of a year: a programme's bar chart.
    Officer fn monthly_totals(by: &Actor, program: ProgramId, year: i32, kind: Option<Kind>, unit: Option<Unit>) -> Vec<Point>;
    /// Targets of one programme or all, of one year or all.
    Officer fn targets(program: Option<ProgramId>, year: Option<i32>) -> Vec<Target>;
    /// Sets a programme's yearly target of a kind as a quantity typed as
    /// in an entry (`12000 kg cabai`), replacing one set before (audited).
    Admin fn set_target(by: &Actor, program: ProgramId, year: i32, kind: Kind, quantity: &str) -> Target;
    // An import, in chunks (records/import.rs): front ends call
    // `Records::import`, which sends these.

    /// Begins an import staged out of sight; returns its number.
    Officer fn import_begin(actor: &Actor) -> ImportId;
    /// Validates drafts as `add_entry` does and stages them; refused with
    /// every bad draft named by its place in the chunk, staging none.
    Officer fn import_chunk(actor: &Actor, import: ImportId, drafts: Vec<EntryDraft>) -> ();
    /// Makes every staged draft an entry, all visible at once.
    Officer fn import_finish(actor: &Actor, import: ImportId) -> Range<EntryId>;
    /// Drops an unfinished import.
    Officer fn import_abort(actor: &Actor, import: ImportId) -> ();

    // Drafts (records/drafts.rs): the form being typed, kept per officer.

    /// Keeps the officer's unsaved form, replacing their draft before it.
    /// Never an entry: not audited, counted or exported.
    Officer fn save_draft(by: &Actor, draft: FormDraft) -> ();
    /// The officer's own draft, unless none is kept or it is older than
    /// `DRAFT_DAYS` (then it is dropped).
    Officer fn saved_draft(by: &Actor) -> Option<FormDraft>;
    /// Forgets the officer's draft: the form was saved or thrown away.
    Officer fn discard_draft(by: &Actor) -> ();

    // Officers.

    /// Every officer (never with a PIN hash).
    Admin fn officers() -> Vec<Officer>;
    /// Every officer, for an admin managing accounts.
    Admin fn officers_for(by: &Actor) -> Vec<Officer>;
    /// True once any officer exists; before that the interface asks for
    /// the first administrator.
    Open fn has_officers() -> bool;
    /// Adds an officer with a PIN (6–12 digits, kept as an argon2id hash).
    /// `by` must be an admin; `None` is accepted only for the very first
    /// officer of a database, who must be an admin.
    Setup fn add_officer(by: Option<&Actor>, nip: &str, name: &str, role: Role, pin: &str) -> Officer;
    /// Checks an officer's PIN. A wrong NIP and a wrong PIN give the same
    /// answer. Five wrong PINs in a row lock the NIP for five minutes.
    /// Over a server a successful login is also the connection's identity.
    Open fn login(nip: &str, pin: &str) -> Actor;
    /// Sets the sites an officer works at.
    Admin fn assign_sites(by: &Actor, nip: &str, sites: &[SiteId]) -> Officer;
    /// Deactivates (or reactivates) an account.
    Admin fn set_officer_active(by: &Actor, nip: &str, active: bool) -> Officer;
    /// Sets a new PIN and lifts any lock.
    Admin fn reset_pin(by: &Actor, nip: &str, new_pin: &str) -> Officer;

    // Reference data (admins).

    Admin fn add_site(by: &Actor, code: &str, name: &str) -> Site;
    Admin fn update_site(by: &Actor, id: SiteId, code: &str, name: &str) -> Site;
    /// Sets a site's zone (WIB, WITA or WIT), which decides "today" for
    /// its entries.
    Admin fn set_site_zone(by: &Actor, id: SiteId, zone: &str) -> Site;
    Admin fn add_partner(by: &Actor, name: &str, field: Option<Sector>) -> Partner;
    Admin fn update_partner(by: &Actor, id: PartnerId, name: &str, field: Option<Sector>) -> Partner;
    /// A five-year agreement from `start`.
    Admin fn add_agreement(by: &Actor, number: &str, partner: PartnerId, signed: NaiveDate, start: NaiveDate, sites: &[SiteId]) -> Agreement;
    /// Corrects an agreement's number, dates and sites (the partner stays).
    Admin fn update_agreement(by: &Actor, id: AgreementId, number: &str, signed: NaiveDate, start: NaiveDate, sites: &[SiteId]) -> Agreement;
    /// A programme under an agreement, at one of the agreement's sites,
    /// running from `start` to the agreement's end.
    Admin fn add_program(by: &Actor, name: &str, sector: Sector, site: SiteId, agreement: AgreementId, start: NaiveDate) -> Program;
    /// Renames a programme or marks it ended (or active again).
    Admin fn update_program(by: &Actor, id: ProgramId, name: &str, status: ProgramStatus) -> Program;
}

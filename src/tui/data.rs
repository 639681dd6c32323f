//! What the screens show, as plain data read from the records API by
//! `effects`: no screen state, no I/O.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::domain::entry::{Entry, EntryId};
use crate::domain::officer::{Nip, Role};
use crate::domain::reference::{
    Agreement, AgreementId, Partner, PartnerId, Program, ProgramId, ProgramStatus, Site, SiteId,
};
use crate::domain::sector::{Kind, Sector};
use crate::records::AuditRecord;
use crate::records::{FormDraft, Total};

/// A programme with the names of its site and partner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramInfo {
    pub program: Program,
    pub site: String,
    /// The site's short name, for narrow columns.
    pub site_code: String,
    pub partner: String,
}

/// The home screen: today at a glance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HomeData {
    /// Every programme by site, with what it logged today.
    pub today: Vec<TodayRow>,
    pub latest: Vec<LatestRow>,
    pub ending: Vec<EndingRow>,
    /// For supervisors and admins: the daily backups have stopped.
    pub backup: Option<BackupNotice>,
}

/// The last good daily backup is more than two days old, or none exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupNotice {
    /// Its day in the user's zone, and how many days ago that was.
    pub last_good: Option<(NaiveDate, i64)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TodayRow {
    pub info: ProgramInfo,
    /// Done entries a day over the last week, oldest first (a sparkline).
    pub week: Vec<i64>,
    /// Kinds logged today and how many entries of each.
    pub logged: Vec<(Kind, usize)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatestRow {
    pub entry: Entry,
    pub program: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndingRow {
    pub agreement: Agreement,
    pub partner: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramRow {
    pub info: ProgramInfo,
    pub last: Option<NaiveDate>,
}

/// One programme's screen: the newest part of its register and its totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramData {
    pub info: ProgramInfo,
    pub register: Vec<Entry>,
    /// Where the next older page of the register ends; `None` when all is loaded.
    pub older: Option<NaiveDate>,
    /// Entries of the register whose current revision is verified.
    pub verified: std::collections::BTreeSet<EntryId>,
    pub month: Vec<Total>,
    pub year: Vec<Total>,
    /// Head count per species today, for livestock programmes.
    pub herd: Option<BTreeMap<String, i64>>,
    /// Kind, unit and item used before, most used first.
    pub items: Vec<Total>,
}

/// One revision of an entry, with local times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionRow {
    pub entry: Entry,
    pub at: DateTime<FixedOffset>,
    /// Who verified this revision, and when.
    pub verified: Option<(Nip, DateTime<FixedOffset>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryData {
    /// The current revision.
    pub entry: Entry,
    /// Every revision, oldest first.
    pub history: Vec<RevisionRow>,
    pub program: Program,
    /// Items the programme used before, for the correction form.
    pub items: Vec<Total>,
    pub names: BTreeMap<Nip, String>,
}

/// An entry waiting for verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueRow {
    pub entry: Entry,
    pub program: String,
    pub at: DateTime<FixedOffset>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueData {
    /// Oldest first.
    pub rows: Vec<QueueRow>,
    pub names: BTreeMap<Nip, String>,
    /// What the rows were read with.
    pub filter: crate::records::QueueFilter,
    /// The sites and programmes the officer may filter by, by name.
    pub sites: Vec<(SiteId, String)>,
    pub programs: Vec<(ProgramId, String)>,
}

/// An officer as the admin screens show one: never the PIN's hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficerRow {
    pub nip: Nip,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub sites: Vec<SiteId>,
    /// Local time until which wrong PINs lock the account, if it is locked now.
    pub locked_until: Option<DateTime<FixedOffset>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficersData {
    pub officers: Vec<OfficerRow>,
    pub sites: Vec<Site>,
}

/// Every reference record, for the admin's reference screens and forms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReferenceData {
    pub sites: Vec<Site>,
    pub partners: Vec<Partner>,
    pub agreements: Vec<Agreement>,
    pub programs: Vec<Program>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub record: AuditRecord,
    pub at: DateTime<FixedOffset>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditData {
    /// Newest first.
    pub rows: Vec<AuditRow>,
    pub names: BTreeMap<Nip, String>,
}

/// A change to reference data, as the records API takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefChange {
    AddSite { code: String, name: String },
    EditSite { id: SiteId, code: String, name: String },
    AddPartner { name: String, field: Option<Sector> },
    EditPartner { id: PartnerId, name: String, field: Option<Sector> },
    AddAgreement { number: String, partner: PartnerId, signed: NaiveDate, start: NaiveDate, sites: Vec<SiteId> },
    EditAgreement { id: AgreementId, number: String, signed: NaiveDate, start: NaiveDate, sites: Vec<SiteId> },
    AddProgram { name: String, sector: Sector, site: SiteId, agreement: AgreementId, start: NaiveDate },
    EditProgram { id: ProgramId, name: String, status: ProgramStatus },
}

/// A draft the server kept, with the programme (and for a correction the
/// entry) its form needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptForm {
    pub draft: FormDraft,
    pub program: ProgramData,
    pub entry: Option<EntryData>,
}

/// The admin's reference screens, one per kind of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Sites,
    Partners,
    Agreements,
    Programs,
}

/// A report and, for one programme, its pictures' series.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportData {
    pub report: crate::domain::report::Report,
    /// The programme's entries a day over the period (one programme only).
    pub daily: Vec<crate::domain::report::Point>,
    /// The programme's twelve months (one programme, a year's report).
    pub months: Vec<crate::domain::report::Point>,
    /// Done entries a day of every programme over a period of a few weeks,
    /// for each group's sparkline; empty for longer periods.
    pub days: BTreeMap<ProgramId, Vec<i64>>,
}

//! Reports for supervisors and the Lapas head (Laporan Bulanan): a period,
//! a grouping, and per group the totals per kind, item and unit beside the
//! previous period, livestock stock by month, training attendance, the
//! agreements' days left, and achievement against yearly targets.
//!
//! Pure: the records API reads the daily rollups and hands them here as
//! `DayTotal` and `DayActivity` rows; nothing here reads an entry.

pub mod figures;
mod period;
mod stock;
mod target;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use figures::{build, percent_of};
pub use period::{Period, PeriodKind, YEARS};
pub use stock::{StockMonth, month_end_stock};
pub use target::{Target, period_target};

use super::amount::Amount;
use super::invalid::Invalid;
use super::reference::{AgreementId, PartnerId, ProgramId, SiteId};
use super::sector::{Kind, Sector};
use super::unit::Unit;

/// How a report's programmes are put together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grouping {
    Site,
    #[default]
    Program,
    Sector,
    Partner,
}

impl Grouping {
    pub const ALL: [Grouping; 4] = [Grouping::Site, Grouping::Program, Grouping::Sector, Grouping::Partner];

    pub fn code(self) -> &'static str {
        match self {
            Grouping::Site => "site",
            Grouping::Program => "program",
            Grouping::Sector => "sector",
            Grouping::Partner => "partner",
        }
    }

    /// The code, or its Indonesian word.
    pub fn parse(input: &str) -> Result<Grouping, Invalid> {
        let text = input.trim().to_lowercase();
        let found = match text.as_str() {
            "lapas" | "lokasi" => Some(Grouping::Site),
            "programme" | "kegiatan" => Some(Grouping::Program),
            "sektor" | "bidang" => Some(Grouping::Sector),
            "mitra" => Some(Grouping::Partner),
            _ => Grouping::ALL.into_iter().find(|g| g.code() == text),
        };
        found.ok_or(Invalid::GroupingUnknown { input: input.trim().to_string() })
    }
}

/// One group of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum GroupKey {
    Site(SiteId),
    Program(ProgramId),
    Sector(Sector),
    Partner(PartnerId),
}

/// What a report is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSpec {
    pub period: Period,
    pub by: Grouping,
    pub site: Option<SiteId>,
    pub program: Option<ProgramId>,
}

/// One day's done, current, unvoided quantities of a programme, kind, unit
/// and item: a rollup row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTotal {
    pub program: ProgramId,
    pub date: NaiveDate,
    pub kind: Kind,
    pub unit: Unit,
    pub item: String,
    /// Thousandths of the unit.
    pub total: i64,
    pub entries: u32,
}

/// One day's entries of a programme and kind, and who took part: the
/// activity rollup. For training an entry is a session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayActivity {
    pub program: ProgramId,
    pub date: NaiveDate,
    pub kind: Option<Kind>,
    pub entries: i64,
    pub participants: i64,
    pub officers: i64,
    pub cadets: i64,
    /// Hours (thousandths) times WBP: each entry's hours by its participants.
    pub participant_hours: i64,
}

/// A share in tenths of a percent (`853` is 85,3 %), rounded half up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Percent(pub i64);

impl Percent {
    /// `85,3` or `85.3` with the language's decimal mark.
    pub fn format(self, decimal_mark: char) -> String {
        Amount::from_milli(self.0 * 100).format(decimal_mark)
    }
}

/// Realisation against a programme's (or a group's) yearly target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Achievement {
    /// The target for the year the period ends in.
    pub year_target: Amount,
    /// From 1 January to the period's end.
    pub year_to_date: Amount,
    pub year_percent: Option<Percent>,
    /// The year's target pro rata: a twelfth for a month, by days otherwise.
    pub period_target: Amount,
    pub period_percent: Option<Percent>,
}

/// A total of one kind, unit and item over the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub kind: Kind,
    pub unit: Unit,
    pub item: String,
    pub value: Amount,
    pub entries: u32,
    pub previous: Amount,
    /// `value - previous` (may be negative).
    pub change: Amount,
    /// The change as a share of the previous; none when that was zero.
    pub change_percent: Option<Percent>,
    pub target: Option<Achievement>,
}

/// Training attendance over a period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub sessions: i64,
    pub participants: i64,
    /// Hours times WBP.
    pub participant_hours: Amount,
    pub officers: i64,
    pub cadets: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Training {
    pub current: Attendance,
    pub previous: Attendance,
}

/// One group's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFigures {
    pub key: GroupKey,
    /// The site's, programme's or partner's name; the sector's code.
    pub label: String,
    pub programs: Vec<ProgramId>,
    pub lines: Vec<Line>,
    /// Per livestock species and month the period touches.
    pub livestock: Vec<StockMonth>,
    /// Present when the group has a training programme.
    pub training: Option<Training>,
}

/// An agreement under which a reported programme runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementLeft {
    pub id: AgreementId,
    pub number: String,
    pub partner: String,
    pub end: NaiveDate,
    /// Days from the report's day to the end of its five years; negative
    /// once it has ended.
    pub days_left: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub spec: ReportSpec,
    pub previous: Period,
    /// The day the report was made (the server's today): days left count from it.
    pub made_on: NaiveDate,
    pub groups: Vec<GroupFigures>,
    pub agreements: Vec<AgreementLeft>,
}

/// A point of a chart: the total from `from` (a day, or a month's first
/// day) for the unit asked, and how many entries made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    pub from: NaiveDate,
    pub value: Amount,
    pub entries: u32,
}

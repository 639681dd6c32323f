//! The reference records: sites, partners, cooperation agreements and the
//! programmes run under them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::invalid::Invalid;
use super::sector::Sector;

pub type SiteId = u32;
pub type PartnerId = u32;
pub type AgreementId = u32;
pub type ProgramId = u32;

/// A correctional facility (Lapas).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub id: SiteId,
    /// Short name for the command line and narrow columns.
    pub code: String,
    pub name: String,
    /// The site's time zone, seconds east of UTC: it decides "today" for
    /// every rule about the site's entries (no future dates, operators'
    /// same-day corrections), whatever zone a client says it is in.
    pub utc_offset: i32,
}

/// Western Indonesian Time (UTC+7), the zone of Java and so of the
/// Nusakambangan sites.
pub const WIB_OFFSET: i32 = 7 * 3600;

impl Site {
    pub fn tz(&self) -> chrono::FixedOffset {
        chrono::FixedOffset::east_opt(self.utc_offset).unwrap_or_else(crate::domain::date::wib)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partner {
    pub id: PartnerId,
    pub name: String,
    /// The field the partner works in, where known.
    pub field: Option<Sector>,
    /// True where the field was inferred from the name, not stated in a
    /// public source: an admin should confirm it.
    pub inferred: bool,
}

/// A cooperation agreement (Perjanjian Kerja Sama, PKS).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: AgreementId,
    pub number: String,
    pub partner: PartnerId,
    pub signed: NaiveDate,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub sites: Vec<SiteId>,
    /// True while the number is a placeholder awaiting the signed document's.
    pub inferred: bool,
}

/// Agreements run five years from their start.
pub const AGREEMENT_YEARS: i32 = 5;

/// The years an agreement's dates may fall in: the programmes began in the
/// 2000s, and a date far outside is a typing slip (or a request built to
/// overflow the five-year sum).
pub fn agreement_dates_range() -> (NaiveDate, NaiveDate) {
    let from = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a calendar date");
    let to = NaiveDate::from_ymd_opt(2100, 12, 31).expect("a calendar date");
    (from, to)
}

/// Checks an agreement's signing and start dates, returning its end.
pub fn agreement_end(signed: NaiveDate, start: NaiveDate) -> Result<NaiveDate, Invalid> {
    let (from, to) = agreement_dates_range();
    for date in [signed, start] {
        if date < from || date > to {
            return Err(Invalid::DateOutOfRange { date, from, to });
        }
    }
    Ok(five_years_after(start))
}

/// Only for dates within `agreement_dates_range` (or the shipped data).
pub fn five_years_after(start: NaiveDate) -> NaiveDate {
    start
        .checked_add_months(chrono::Months::new(12 * AGREEMENT_YEARS as u32))
        .expect("five years after a valid date is a valid date")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProgramStatus {
    Active,
    Ended,
}

impl ProgramStatus {
    pub fn code(self) -> &'static str {
        match self {
            ProgramStatus::Active => "active",
            ProgramStatus::Ended => "ended",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    pub id: ProgramId,
    pub name: String,
    pub sector: Sector,
    pub site: SiteId,
    pub partner: PartnerId,
    pub agreement: AgreementId,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub status: ProgramStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_dates_outside_the_range_are_refused_not_a_panic() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(agreement_end(d(2025, 5, 1), d(2025, 5, 19)), Ok(d(2030, 5, 19)));
        for (signed, start) in
            [(NaiveDate::MAX, d(2025, 1, 1)), (d(2025, 1, 1), NaiveDate::MAX), (d(1999, 12, 31), d(2025, 1, 1))]
        {
            assert!(matches!(agreement_end(signed, start), Err(Invalid::DateOutOfRange { .. })));
        }
    }
}

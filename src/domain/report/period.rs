//! Report periods: a day, an ISO week, a month, a year or any range of
//! days, each with the period a report compares it with.

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::domain::date::parse_date;

use crate::domain::invalid::Invalid;

/// What a period is, so that its "previous" is the previous of the same
/// kind (October before November, not the 30 days before).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeriodKind {
    Day,
    Week,
    Month,
    Year,
    Range,
}

/// Days `from` to `to`, both inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Reports cover the years the programmes can have run in; outside them a
/// year is a typing slip (and `NaiveDate` arithmetic would run out).
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

fn check_year(year: i32) -> Result<(), Invalid> {
    if YEARS.contains(&year) { Ok(()) } else { Err(Invalid::PeriodYear { year: i64::from(year) }) }
}

impl Period {
    pub fn day(day: NaiveDate) -> Result<Period, Invalid> {
        check_year(day.year())?;
        Ok(Period { kind: PeriodKind::Day, from: day, to: day })
    }

    /// ISO week `week` of ISO year `year` (Monday to Sunday).
    pub fn iso_week(year: i32, week: u32) -> Result<Period, Invalid> {
        check_year(year)?;
        let from = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
            .ok_or(Invalid::PeriodWeek { year: i64::from(year), week: i64::from(week) })?;
        Ok(Period { kind: PeriodKind::Week, from, to: from + Duration::days(6) })
    }

    pub fn month(year: i32, month: u32) -> Result<Period, Invalid> {
        check_year(year)?;
        let from = date(year, month, 1).ok_or(Invalid::PeriodMonth { month: i64::from(month) })?;
        let to = from.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(from);
        Ok(Period { kind: PeriodKind::Month, from, to })
    }

    pub fn year(year: i32) -> Result<Period, Invalid> {
        check_year(year)?;
        let from = date(year, 1, 1).ok_or(Invalid::PeriodYear { year: i64::from(year) })?;
        let to = date(year, 12, 31).ok_or(Invalid::PeriodYear { year: i64::from(year) })?;
        Ok(Period { kind: PeriodKind::Year, from, to })
    }

    pub fn range(from: NaiveDate, to: NaiveDate) -> Result<Period, Invalid> {
        check_year(from.year())?;
        check_year(to.year())?;
        if to < from {
            return Err(Invalid::PeriodBackwards { from, to });
        }
        Ok(Period { kind: PeriodKind::Range, from, to })
    }

    /// The month before the one `today` is in: the month a report is made
    /// for at the start of the next (the first a report screen offers).
    pub fn last_complete_month(today: NaiveDate) -> Period {
        let this = date(today.year(), today.month(), 1).unwrap_or(today);
        let last = this.pred_opt().unwrap_or(this);
        Period::month(last.year(), last.month()).unwrap_or(Period { kind: PeriodKind::Month, from: last, to: last })
    }

    /// `YYYY-MM` as typed on the command line.
    pub fn parse_month(input: &str) -> Result<Period, Invalid> {
        let refuse = || Invalid::PeriodFormat { input: input.trim().to_string() };
        let (y, m) = input.trim().split_once(['-', '/']).ok_or_else(refuse)?;
        let (year, month) = (y.parse::<i32>().map_err(|_| refuse())?, m.parse::<u32>().map_err(|_| refuse())?);
        if y.len() != 4 {
            return Err(refuse());
        }
        Period::month(year, month)
    }

    /// An ISO week as `2026-W48` (or `2026-48`).
    pub fn parse_week(input: &str) -> Result<Period, Invalid> {
        let refuse = || Invalid::PeriodFormat { input: input.trim().to_string() };
        let upper = input.trim().to_uppercase();
        let (y, w) = upper.split_once('-').ok_or_else(refuse)?;
        let w = w.strip_prefix('W').unwrap_or(w);
        let year = y.parse::<i32>().ok().filter(|_| y.len() == 4).ok_or_else(refuse)?;
        Period::iso_week(year, w.parse::<u32>().map_err(|_| refuse())?)
    }

    pub fn parse_year(input: &str) -> Result<Period, Invalid> {
        let text = input.trim();
        let year = text.parse::<i32>().ok().filter(|_| text.len() == 4);
        Period::year(year.ok_or(Invalid::PeriodFormat { input: text.to_string() })?)
    }

    /// Any period as an officer types one: `2026` (a year), `2026-11` (a
    /// month), `2026-W48` (a week), `05/11/2026` (a day) or
    /// `01/11/2026-15/11/2026` (a range).
    pub fn parse_any(input: &str) -> Result<Period, Invalid> {
        let text = input.trim();
        if text.contains('/') {
            return match text.split_once('-') {
                Some((from, to)) => Period::range(parse_date(from.trim())?, parse_date(to.trim())?),
                None => Period::day(parse_date(text)?),
            };
        }
        if text.to_uppercase().contains('W') {
            return Period::parse_week(text);
        }
        if text.contains('-') { Period::parse_month(text) } else { Period::parse_year(text) }
    }

    /// How many days the period has.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// Every day of the period, in order.
    pub fn each_day(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let (from, days) = (self.from, self.days());
        (0..days).map(move |n| from + Duration::days(n))
    }

    /// The months the period touches, each cut to the period.
    pub fn months(&self) -> Vec<Period> {
        let mut months = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let Ok(month) = Period::month(start.year(), start.month()) else { break };
            months.push(Period { kind: PeriodKind::Month, from: start, to: month.to.min(self.to) });
            match month.to.succ_opt() {
                Some(next) => start = next,
                None => break,
            }
        }
        months
    }

    /// The period compared with: the previous day, week, month or year;
    /// for a range, as many days just before it.
    pub fn previous(&self) -> Period {
        let shifted = match self.kind {
            PeriodKind::Day => Period::day(self.from - Duration::days(1)),
            PeriodKind::Week => Ok(Period {
                kind: PeriodKind::Week,
                from: self.from - Duration::days(7),
                to: self.to - Duration::days(7),
            }),
            PeriodKind::Month => {
                let last = self.from.pred_opt().unwrap_or(self.from);
                Period::month(last.year(), last.month())
            }
            PeriodKind::Year => Period::year(self.from.year() - 1),
            PeriodKind::Range => {
                let to = self.from - Duration::days(1);
                Ok(Period { kind: PeriodKind::Range, from: to - Duration::days(self.days() - 1), to })
            }
        };
        // At the first year there is nothing before: compare with itself
        // emptied (a period of the same length the store holds nothing in).
        shifted.unwrap_or(Period {
            kind: self.kind,
            from: self.from - Duration::days(self.days()),
            to: self.from - Duration::days(1),
        })
    }

    /// From 1 January of the year the period ends in to its end: the
    /// realisation "to date" that a yearly target is measured against.
    pub fn year_to_date(&self) -> Period {
        let from = date(self.to.year(), 1, 1).unwrap_or(self.to);
        Period { kind: PeriodKind::Range, from, to: self.to }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn any_period_reads_as_typed() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(Period::parse_any("2026").unwrap(), Period::year(2026).unwrap());
        assert_eq!(Period::parse_any(" 2026-11 ").unwrap(), Period::month(2026, 11).unwrap());
        assert_eq!(Period::parse_any("2026-w48").unwrap(), Period::iso_week(2026, 48).unwrap());
        assert_eq!(Period::parse_any("05/11/2026").unwrap(), Period::day(day(2026, 11, 5)).unwrap());
        let range = Period::parse_any("01/11/2026 - 15/11/2026").unwrap();
        assert_eq!((range.from, range.to), (day(2026, 11, 1), day(2026, 11, 15)));
        assert!(Period::parse_any("2026-13").is_err());
        assert!(Period::parse_any("15/11/2026-01/11/2026").is_err(), "backwards");
        assert!(Period::parse_any("kemarin").is_err());
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn each_period_and_its_previous() {
        let nov = Period::month(2026, 11).unwrap();
        assert_eq!((nov.from, nov.to, nov.days()), (d(2026, 11, 1), d(2026, 11, 30), 30));
        assert_eq!(nov.previous(), Period::month(2026, 10).unwrap());
        let mar = Period::month(2024, 3).unwrap();
        assert_eq!(mar.previous().to, d(2024, 2, 29), "a leap February");
        assert_eq!(Period::month(2026, 1).unwrap().previous(), Period::month(2025, 12).unwrap());
        let week = Period::iso_week(2026, 1).unwrap();
        assert_eq!((week.from, week.to), (d(2025, 12, 29), d(2026, 1, 4)));
        assert_eq!(week.previous().from, d(2025, 12, 22));
        assert_eq!(Period::year(2026).unwrap().previous(), Period::year(2025).unwrap());
        let range = Period::range(d(2026, 3, 10), d(2026, 3, 19)).unwrap();
        assert_eq!((range.previous().from, range.previous().to), (d(2026, 2, 28), d(2026, 3, 9)));
        assert_eq!(Period::day(d(2026, 3, 1)).unwrap().previous().from, d(2026, 2, 28));
    }

    #[test]
    fn the_last_complete_month_and_the_year_to_date() {
        assert_eq!(Period::last_complete_month(d(2026, 12, 1)), Period::month(2026, 11).unwrap());
        assert_eq!(Period::last_complete_month(d(2026, 1, 31)), Period::month(2025, 12).unwrap());
        let ytd = Period::month(2026, 11).unwrap().year_to_date();
        assert_eq!((ytd.from, ytd.to), (d(2026, 1, 1), d(2026, 11, 30)));
    }

    #[test]
    fn months_of_a_range_are_cut_to_it() {
        let months = Period::range(d(2026, 1, 20), d(2026, 3, 5)).unwrap().months();
        let bounds: Vec<_> = months.iter().map(|m| (m.from, m.to)).collect();
        assert_eq!(
            bounds,
            [(d(2026, 1, 20), d(2026, 1, 31)), (d(2026, 2, 1), d(2026, 2, 28)), (d(2026, 3, 1), d(2026, 3, 5))]
        );
        assert_eq!(Period::year(2026).unwrap().months().len(), 12);
    }

    #[test]
    fn bad_periods_are_refused_by_name() {
        assert_eq!(Period::parse_month("2026-11").unwrap(), Period::month(2026, 11).unwrap());
        assert!(matches!(Period::parse_month("2026-13"), Err(Invalid::PeriodMonth { month: 13 })));
        assert!(matches!(Period::parse_month("11-2026"), Err(Invalid::PeriodFormat { .. })));
        assert!(matches!(Period::parse_year("26"), Err(Invalid::PeriodFormat { .. })));
        assert_eq!(Period::parse_week("2026-w01").unwrap(), Period::iso_week(2026, 1).unwrap());
        assert!(matches!(Period::parse_week("2026-W60"), Err(Invalid::PeriodWeek { .. })));
        assert!(matches!(Period::parse_week("W48"), Err(Invalid::PeriodFormat { .. })));
        assert!(matches!(Period::year(1900), Err(Invalid::PeriodYear { .. })));
        assert!(matches!(Period::iso_week(2026, 54), Err(Invalid::PeriodWeek { .. })));
        assert!(matches!(Period::range(d(2026, 3, 2), d(2026, 3, 1)), Err(Invalid::PeriodBackwards { .. })));
    }
}

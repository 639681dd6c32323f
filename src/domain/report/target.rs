//! Yearly targets per programme, kind, unit and item, and their share for
//! a shorter period.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::period::{Period, PeriodKind, YEARS};
use crate::domain::amount::Amount;
use crate::domain::invalid::Invalid;
use crate::domain::reference::{Program, ProgramId};
use crate::domain::sector::Kind;
use crate::domain::text::{TextField, clean_text};
use crate::domain::unit::Unit;

/// What a programme means to reach in a year, e.g. 12.000 kg cabai harvested.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Target {
    pub program: ProgramId,
    pub year: i32,
    pub kind: Kind,
    pub unit: Unit,
    pub item: String,
    pub value: Amount,
}

impl Target {
    /// Checks a target against its programme: a year reports cover, a kind
    /// of the programme's sector, a unit for the kind, a value above zero
    /// within the unit's maximum, an item where the kind needs one.
    pub fn new(
        program: &Program,
        year: i32,
        kind: Kind,
        value: &str,
        unit: Unit,
        item: &str,
    ) -> Result<Target, Invalid> {
        Target::check(program, year, kind, Amount::parse(value, unit)?, unit, item)
    }

    /// `new` for a value already read: `check` asks it of stored targets.
    pub fn check(
        program: &Program,
        year: i32,
        kind: Kind,
        value: Amount,
        unit: Unit,
        item: &str,
    ) -> Result<Target, Invalid> {
        if !YEARS.contains(&year) {
            return Err(Invalid::PeriodYear { year: i64::from(year) });
        }
        if kind.sector() != program.sector {
            return Err(Invalid::KindNotInSector { kind, sector: program.sector });
        }
        if !kind.units().contains(&unit) {
            return Err(Invalid::UnitNotForKind { unit, kind });
        }
        value.check_for(unit, &value.to_plain())?;
        if value == Amount::ZERO {
            return Err(Invalid::TargetZero);
        }
        let item = clean_text(item, TextField::Item)?;
        if item.is_empty() && kind.needs_item() && unit != Unit::Rp {
            return Err(Invalid::ItemMissing { kind });
        }
        Ok(Target { program: program.id, year, kind, unit, item, value })
    }
}

fn days_in_year(year: i32) -> i64 {
    if NaiveDate::from_ymd_opt(year, 2, 29).is_some() { 366 } else { 365 }
}

/// The share of yearly targets (thousandths, by year) that falls in a
/// period: the whole for a year, a twelfth for a month, by days for any
/// other period (split over the years it touches). `None` when no year the
/// period touches has a target.
pub fn period_target(yearly: impl Fn(i32) -> Option<i64>, period: &Period) -> Option<i64> {
    let mut any = false;
    let mut sum: i128 = 0;
    for year in period.from.year()..=period.to.year() {
        let Some(target) = yearly(year) else { continue };
        any = true;
        let share = match period.kind {
            PeriodKind::Year => i128::from(target),
            PeriodKind::Month => (i128::from(target) + 6) / 12,
            _ => {
                let Ok(whole) = Period::year(year) else { continue };
                let from = period.from.max(whole.from);
                let to = period.to.min(whole.to);
                let days = i128::from((to - from).num_days() + 1);
                let in_year = i128::from(days_in_year(year));
                (i128::from(target) * days + in_year / 2) / in_year
            }
        };
        sum += share;
    }
    any.then(|| i64::try_from(sum).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reference::ProgramStatus;
    use crate::domain::sector::Sector;

    fn farm() -> Program {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        Program {
            id: 1,
            name: "Cabai".into(),
            sector: Sector::Pertanian,
            site: 1,
            partner: 1,
            agreement: 1,
            start: d(2025, 1, 1),
            end: d(2030, 1, 1),
            status: ProgramStatus::Active,
        }
    }

    #[test]
    fn a_target_is_checked_against_its_programme() {
        let t = Target::new(&farm(), 2026, Kind::Harvest, "12000", Unit::Kg, " Cabai ").unwrap();
        assert_eq!((t.value, t.item.as_str()), (Amount::whole(12_000), "Cabai"), "as typed, trimmed");
        assert!(matches!(
            Target::new(&farm(), 2026, Kind::Birth, "3", Unit::Ekor, "domba"),
            Err(Invalid::KindNotInSector { .. })
        ));
        assert!(matches!(
            Target::new(&farm(), 2026, Kind::Harvest, "3", Unit::Jam, "x"),
            Err(Invalid::UnitNotForKind { .. })
        ));
        assert_eq!(Target::new(&farm(), 2026, Kind::Harvest, "0", Unit::Kg, "cabai"), Err(Invalid::TargetZero));
        assert!(matches!(
            Target::new(&farm(), 1999, Kind::Harvest, "1", Unit::Kg, ""),
            Err(Invalid::PeriodYear { .. })
        ));
        assert!(matches!(
            Target::new(&farm(), 2026, Kind::Harvest, "1.250", Unit::Kg, ""),
            Err(Invalid::ValueAmbiguous { .. })
        ));
    }

    #[test]
    fn a_month_gets_a_twelfth_and_other_periods_their_days() {
        let yearly = |y: i32| (y == 2026).then_some(12_000_000);
        assert_eq!(period_target(yearly, &Period::month(2026, 11).unwrap()), Some(1_000_000));
        assert_eq!(period_target(yearly, &Period::year(2026).unwrap()), Some(12_000_000));
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let ten_days = Period::range(d(3, 1), d(3, 10)).unwrap();
        assert_eq!(period_target(yearly, &ten_days), Some(328_767));
        assert_eq!(period_target(yearly, &Period::month(2025, 11).unwrap()), None);
    }
}

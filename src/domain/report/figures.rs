//! A report's figures from the rollup rows of its programmes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};

use super::{
    Achievement, AgreementLeft, Attendance, DayActivity, DayTotal, GroupFigures, GroupKey, Grouping, Line, Percent,
    Report, ReportSpec, StockMonth, Target, Training, month_end_stock, period_target,
};
use crate::domain::amount::Amount;
use crate::domain::reference::{Agreement, Partner, Program, Site};
use crate::domain::sector::{Kind, Sector};
use crate::domain::text::item_key;
use crate::domain::unit::Unit;

/// `part` as a share of `whole`, in tenths of a percent, rounded half away
/// from zero; none when `whole` is zero.
pub fn percent_of(part: i64, whole: i64) -> Option<Percent> {
    if whole == 0 {
        return None;
    }
    let (part, whole) = (i128::from(part) * 1000, i128::from(whole));
    let half = whole.abs() / 2;
    let rounded = if (part < 0) == (whole < 0) {
        (part.abs() + half) / whole.abs()
    } else {
        -((part.abs() + half) / whole.abs())
    };
    Some(Percent(i64::try_from(rounded).unwrap_or(i64::MAX)))
}

/// What `build` needs: the programmes in the report (already limited to
/// what the officer may see and the spec's site and programme), the
/// reference records to name groups, the rollup rows of those programmes
/// (from the earliest of the previous period and 1 January of the period's
/// last year to the period's end, and for livestock programmes from their
/// first day), and the targets of those programmes.
pub struct Inputs<'a> {
    pub spec: ReportSpec,
    pub made_on: NaiveDate,
    pub programs: &'a [Program],
    pub sites: &'a [Site],
    pub partners: &'a [Partner],
    pub agreements: &'a [Agreement],
    pub totals: &'a [DayTotal],
    pub activity: &'a [DayActivity],
    pub targets: &'a [Target],
}

type LineKey = (Kind, Unit, String);

#[derive(Default)]
struct Sums {
    current: i64,
    entries: u32,
    previous: i64,
    year_to_date: i64,
}

fn key_of(by: Grouping, program: &Program) -> GroupKey {
    match by {
        Grouping::Site => GroupKey::Site(program.site),
        Grouping::Program => GroupKey::Program(program.id),
        Grouping::Sector => GroupKey::Sector(program.sector),
        Grouping::Partner => GroupKey::Partner(program.partner),
    }
}

fn label_of(key: GroupKey, inputs: &Inputs) -> String {
    match key {
        GroupKey::Site(id) => inputs.sites.iter().find(|s| s.id == id).map(|s| s.name.clone()),
        GroupKey::Program(id) => inputs.programs.iter().find(|p| p.id == id).map(|p| p.name.clone()),
        GroupKey::Sector(sector) => Some(sector.code().to_string()),
        GroupKey::Partner(id) => inputs.partners.iter().find(|p| p.id == id).map(|p| p.name.clone()),
    }
    .unwrap_or_else(|| format!("#{key:?}"))
}

/// The report: one group per site, programme, sector or partner that has a
/// programme in `inputs.programs`, in the order of their keys.
pub fn build(inputs: &Inputs) -> Report {
    let period = inputs.spec.period;
    let previous = period.previous();
    let ytd = period.year_to_date();
    let mut groups: BTreeMap<GroupKey, Vec<&Program>> = BTreeMap::new();
    for program in inputs.programs {
        groups.entry(key_of(inputs.spec.by, program)).or_default().push(program);
    }
    let mut rows_of: BTreeMap<u32, Vec<&DayTotal>> = BTreeMap::new();
    for row in inputs.totals {
        rows_of.entry(row.program).or_default().push(row);
    }
    let no_rows = Vec::new();
    let figures = groups
        .into_iter()
        .map(|(key, programs)| {
            let ids: BTreeSet<_> = programs.iter().map(|p| p.id).collect();
            let mut sums: BTreeMap<LineKey, Sums> = BTreeMap::new();
            // A line per item key ("BBI Cilacap" and "bbi cilacap" are one),
            // shown as its first row spells it: rows come by programme id,
            // each programme's item named by its own first spelling, so
            // across programmes the lowest programme's spelling is shown.
            let mut shown: BTreeMap<LineKey, String> = BTreeMap::new();
            for row in ids.iter().flat_map(|id| rows_of.get(id).unwrap_or(&no_rows)) {
                let inside = |from: NaiveDate, to: NaiveDate| row.date >= from && row.date <= to;
                let (now, before, to_date) =
                    (inside(period.from, period.to), inside(previous.from, previous.to), inside(ytd.from, ytd.to));
                if !(now || before || to_date) {
                    continue;
                }
                let key = (row.kind, row.unit, item_key(&row.item));
                shown.entry(key.clone()).or_insert_with(|| row.item.clone());
                let sum = sums.entry(key).or_default();
                if now {
                    sum.current = sum.current.saturating_add(row.total);
                    sum.entries = sum.entries.saturating_add(row.entries);
                }
                if before {
                    sum.previous = sum.previous.saturating_add(row.total);
                }
                if to_date {
                    sum.year_to_date = sum.year_to_date.saturating_add(row.total);
                }
            }
            let targets: Vec<&Target> = inputs.targets.iter().filter(|t| ids.contains(&t.program)).collect();
            for t in &targets {
                let key = (t.kind, t.unit, item_key(&t.item));
                shown.entry(key.clone()).or_insert_with(|| t.item.clone());
                sums.entry(key).or_default();
            }
            // Rows read only for the year so far show when a target asks for them.
            let lines = sums
                .into_iter()
                .map(|(key, sum)| {
                    let item = shown.get(&key).cloned().unwrap_or_default();
                    line(key, item, sum, &targets, inputs)
                })
                .filter(|l| {
                    l.value != Amount::ZERO || l.previous != Amount::ZERO || l.entries > 0 || l.target.is_some()
                })
                .collect();
            let livestock = livestock(&programs, &rows_of, inputs);
            let training = programs.iter().any(|p| p.sector == Sector::Pelatihan).then(|| Training {
                current: attendance(inputs.activity, &ids, period.from, period.to),
                previous: attendance(inputs.activity, &ids, previous.from, previous.to),
            });
            GroupFigures {
                key,
                label: label_of(key, inputs),
                programs: ids.into_iter().collect(),
                lines,
                livestock,
                training,
            }
        })
        .collect();
    Report {
        spec: inputs.spec,
        previous,
        made_on: inputs.made_on,
        groups: figures,
        agreements: agreements_left(inputs),
    }
}

/// The line of one kind, unit and item key, shown as `item`; its targets
/// are those set for any spelling of the item.
fn line((kind, unit, key): LineKey, item: String, sum: Sums, targets: &[&Target], inputs: &Inputs) -> Line {
    let period = inputs.spec.period;
    let matching: Vec<&&Target> =
        targets.iter().filter(|t| t.kind == kind && t.unit == unit && item_key(&t.item) == key).collect();
    let yearly = |year: i32| -> Option<i64> {
        let found: Vec<i64> = matching.iter().filter(|t| t.year == year).map(|t| t.value.milli()).collect();
        (!found.is_empty()).then(|| found.iter().fold(0i64, |a, b| a.saturating_add(*b)))
    };
    let target = (!matching.is_empty()).then(|| {
        let year_target = yearly(period.to.year()).unwrap_or(0);
        let period_target = period_target(yearly, &period).unwrap_or(0);
        Achievement {
            year_target: Amount::from_milli(year_target),
            year_to_date: Amount::from_milli(sum.year_to_date),
            year_percent: percent_of(sum.year_to_date, year_target),
            period_target: Amount::from_milli(period_target),
            period_percent: percent_of(sum.current, period_target),
        }
    });
    let change = sum.current.saturating_sub(sum.previous);
    Line {
        kind,
        unit,
        item,
        value: Amount::from_milli(sum.current),
        entries: sum.entries,
        previous: Amount::from_milli(sum.previous),
        change: Amount::from_milli(change),
        change_percent: percent_of(change, sum.previous),
        target,
    }
}

fn attendance(rows: &[DayActivity], ids: &BTreeSet<u32>, from: NaiveDate, to: NaiveDate) -> Attendance {
    let mut sum = Attendance::default();
    let mut hours = 0i64;
    for row in rows.iter().filter(|r| ids.contains(&r.program) && r.kind == Some(Kind::Training)) {
        if row.date < from || row.date > to {
            continue;
        }
        sum.sessions = sum.sessions.saturating_add(row.entries);
        sum.participants = sum.participants.saturating_add(row.participants);
        sum.officers = sum.officers.saturating_add(row.officers);
        sum.cadets = sum.cadets.saturating_add(row.cadets);
        hours = hours.saturating_add(row.participant_hours);
    }
    sum.participant_hours = Amount::from_milli(hours);
    sum
}

/// Month-end stock of the group's livestock programmes, summed per month
/// and species. A herd that went below zero keeps its warning in the sum.
fn livestock(programs: &[&Program], rows_of: &BTreeMap<u32, Vec<&DayTotal>>, inputs: &Inputs) -> Vec<StockMonth> {
    let months = inputs.spec.period.months();
    let mut merged: BTreeMap<(NaiveDate, String), StockMonth> = BTreeMap::new();
    for program in programs.iter().filter(|p| p.sector == Sector::Peternakan) {
        let rows = rows_of.get(&program.id).map_or(&[][..], Vec::as_slice);
        for month in month_end_stock(rows.iter().copied(), &months) {
            match merged.get_mut(&(month.from, item_key(&month.item))) {
                None => {
                    merged.insert((month.from, item_key(&month.item)), month);
                }
                Some(sum) => {
                    let lowest = if sum.lowest < 0 || month.lowest < 0 {
                        sum.lowest.min(month.lowest).min(0)
                    } else {
                        sum.lowest + month.lowest
                    };
                    sum.stock += month.stock;
                    sum.births += month.births;
                    sum.purchases += month.purchases;
                    sum.deaths += month.deaths;
                    sum.sales += month.sales;
                    sum.lowest = lowest;
                }
            }
        }
    }
    merged.into_values().collect()
}

fn agreements_left(inputs: &Inputs) -> Vec<AgreementLeft> {
    let used: BTreeSet<_> = inputs.programs.iter().map(|p| p.agreement).collect();
    inputs
        .agreements
        .iter()
        .filter(|a| used.contains(&a.id))
        .map(|a| AgreementLeft {
            id: a.id,
            number: a.number.clone(),
            partner: inputs.partners.iter().find(|p| p.id == a.partner).map(|p| p.name.clone()).unwrap_or_default(),
            end: a.end,
            days_left: (a.end - inputs.made_on).num_days(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::Period;
    use super::*;
    use crate::domain::reference::ProgramStatus;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn program(id: u32, sector: Sector, site: u32) -> Program {
        Program {
            id,
            name: format!("P{id}"),
            sector,
            site,
            partner: 1,
            agreement: 1,
            start: d(1, 1),
            end: d(12, 31),
            status: ProgramStatus::Active,
        }
    }

    fn total(program: u32, date: NaiveDate, milli: i64) -> DayTotal {
        DayTotal { program, date, kind: Kind::Harvest, unit: Unit::Kg, item: "cabai".into(), total: milli, entries: 1 }
    }

    #[test]
    fn percent_rounds_half_away_from_zero_and_has_none_of_nothing() {
        assert_eq!(percent_of(1, 3), Some(Percent(333)));
        assert_eq!(percent_of(2, 3), Some(Percent(667)));
        assert_eq!(percent_of(-1, 8), Some(Percent(-125)));
        assert_eq!(percent_of(5, 0), None);
        assert_eq!(Percent(853).format(','), "85,3");
    }

    #[test]
    fn groups_sum_their_programmes_with_the_previous_period_and_the_target() {
        let programs = [program(1, Sector::Pertanian, 1), program(2, Sector::Pertanian, 1)];
        let totals = [
            total(1, d(11, 3), 400_000),
            total(2, d(11, 4), 600_000),
            total(1, d(10, 9), 500_000),
            total(1, d(2, 1), 2_000_000),
        ];
        let targets = [Target {
            program: 1,
            year: 2026,
            kind: Kind::Harvest,
            unit: Unit::Kg,
            item: "cabai".into(),
            value: Amount::whole(12_000),
        }];
        let spec =
            ReportSpec { period: Period::month(2026, 11).unwrap(), by: Grouping::Site, site: None, program: None };
        let inputs = Inputs {
            spec,
            made_on: d(12, 1),
            programs: &programs,
            sites: &[],
            partners: &[],
            agreements: &[],
            totals: &totals,
            activity: &[],
            targets: &targets,
        };
        let report = build(&inputs);
        assert_eq!(report.groups.len(), 1);
        let line = &report.groups[0].lines[0];
        assert_eq!(
            (line.value, line.previous, line.change),
            (Amount::whole(1000), Amount::whole(500), Amount::whole(500))
        );
        assert_eq!(line.change_percent, Some(Percent(1000)));
        let target = line.target.as_ref().unwrap();
        assert_eq!(target.year_to_date, Amount::whole(3500));
        assert_eq!(target.period_target, Amount::whole(1000));
        assert_eq!(target.period_percent, Some(Percent(1000)));
        assert_eq!(target.year_percent, Some(Percent(292)));
    }
}

//! Reports, targets and chart series (issue 11), all from the rollups:
//! a month across every programme reads each programme's rollup rows for
//! the month, the month before and the year so far, never an entry.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::{Actor, Error, Local, Result};
use crate::domain::amount::Amount;
use crate::domain::officer::Role;
use crate::domain::reference::{Program, ProgramId};
use crate::domain::report::{DayActivity, DayTotal, Period, Point, Report, ReportSpec, Target, figures};
use crate::domain::sector::{Kind, Sector};
use crate::domain::unit::Unit;
use crate::store::AuditAction;

impl Local {
    /// The programmes an officer's reports cover: an operator's sites'
    /// only; supervisors and admins every programme.
    fn visible_programs(&self, by: &Actor) -> Result<Vec<Program>> {
        let fresh = self.refreshed(by)?;
        let officer = fresh.officer();
        let programs = self.programs()?;
        if officer.role >= Role::Supervisor {
            return Ok(programs);
        }
        Ok(programs.into_iter().filter(|p| officer.sites.contains(&p.site)).collect())
    }

    /// The programmes of a spec the officer may see; a programme or site
    /// named that does not exist, or that the officer may not see, is
    /// refused by name rather than reported empty.
    fn programs_for(&self, by: &Actor, site: Option<u32>, program: Option<ProgramId>) -> Result<Vec<Program>> {
        let visible = self.visible_programs(by)?;
        if let Some(id) = program {
            let found = self.program(id)?;
            if !visible.iter().any(|p| p.id == id) {
                return Err(self.not_at_site(found.site));
            }
        }
        if let Some(id) = site {
            let found = self.sites()?.into_iter().find(|s| s.id == id).ok_or(Error::SiteUnknown { id })?;
            let officer = self.refreshed(by)?;
            if officer.officer().role < Role::Supervisor && !officer.officer().sites.contains(&id) {
                return Err(Error::NotAtSite { site: id, name: found.name });
            }
        }
        Ok(visible
            .into_iter()
            .filter(|p| program.is_none_or(|id| p.id == id) && site.is_none_or(|id| p.site == id))
            .collect())
    }

    fn not_at_site(&self, site: u32) -> Error {
        match self.sites().ok().and_then(|s| s.into_iter().find(|s| s.id == site)) {
            Some(found) => Error::NotAtSite { site, name: found.name },
            None => Error::SiteUnknown { id: site },
        }
    }

    /// A programme's daily totals, each item (a key in the rollups) named
    /// by its first spelling.
    fn day_totals(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<DayTotal>> {
        let store = self.store()?;
        let names = store.item_names(program)?;
        Ok(store
            .rollups(program, from, to)?
            .into_iter()
            .map(|r| DayTotal {
                program: r.program,
                date: r.date,
                kind: r.kind,
                unit: r.unit,
                item: names.shown(&r.item),
                total: r.rollup.total,
                entries: r.rollup.entries,
            })
            .collect())
    }

    fn day_activity(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<DayActivity>> {
        Ok(self
            .store()?
            .activities(program, from, to)?
            .into_iter()
            .map(|r| DayActivity {
                program: r.program,
                date: r.date,
                kind: Some(r.kind),
                entries: r.activity.entries,
                participants: r.activity.participants,
                officers: r.activity.officers,
                cadets: r.activity.cadets,
                participant_hours: r.activity.participant_hours,
            })
            .collect())
    }

    /// The report of `spec` as `by` may see it.
    pub fn report(&self, by: &Actor, spec: ReportSpec) -> Result<Report> {
        let programs = self.programs_for(by, spec.site, spec.program)?;
        let period = spec.period;
        let previous = period.previous().from;
        let from = previous.min(period.year_to_date().from);
        let store = self.store()?;
        let mut targets: Vec<Target> = store
            .targets(None)?
            .into_iter()
            .filter(|t| programs.iter().any(|p| p.id == t.program))
            .filter(|t| (from.year()..=period.to.year()).contains(&t.year))
            .collect();
        // A target set for "domba" counts the entries of "Domba": named as
        // the entries are, so its line reads as theirs.
        for program in &programs {
            let names = store.item_names(program.id)?;
            for t in targets.iter_mut().filter(|t| t.program == program.id) {
                t.item = names.shown(&t.item);
            }
        }
        let mut totals = Vec::new();
        let mut activity = Vec::new();
        for program in &programs {
            // Stock at a month's end needs every count and move before it;
            // the year so far is read only where a target measures it.
            let first = if program.sector == Sector::Peternakan {
                NaiveDate::MIN
            } else if targets.iter().any(|t| t.program == program.id) {
                from
            } else {
                previous
            };
            totals.extend(self.day_totals(program.id, first, period.to)?);
            if program.sector == Sector::Pelatihan {
                activity.extend(self.day_activity(program.id, previous, period.to)?);
            }
        }
        let inputs = figures::Inputs {
            spec,
            made_on: self.today(),
            programs: &programs,
            sites: &store.sites()?,
            partners: &store.partners()?,
            agreements: &store.agreements()?,
            totals: &totals,
            activity: &activity,
            targets: &targets,
        };
        Ok(figures::build(&inputs))
    }

    /// Sets a programme's yearly target of a kind as a quantity typed as
    /// in an entry (`12000 kg cabai`), replacing one set before, audited
    /// as a reference change.
    pub fn set_target(&self, by: &Actor, program: ProgramId, year: i32, kind: Kind, quantity: &str) -> Result<Target> {
        self.permit(by, crate::domain::permission::Action::ManageReference)?;
        let found = self.program(program)?;
        let typed = crate::domain::entry::Quantity::parse(quantity)?;
        let target = Target::check(&found, year, kind, typed.value, typed.unit, &typed.item)?;
        let detail = format!(
            "target program {} {} {} {} {} {}",
            target.program,
            target.year,
            target.kind.code(),
            target.value.to_plain(),
            target.unit.code(),
            target.item
        );
        let note = self.note(Some(by.nip()), AuditAction::ReferenceUpdated, detail);
        self.store()?.put_target(&target, &note)?;
        self.announce(super::Update::Reference);
        Ok(target)
    }

    /// Targets of one programme or every programme, of one year or all.
    pub fn targets(&self, program: Option<ProgramId>, year: Option<i32>) -> Result<Vec<Target>> {
        if let Some(id) = program {
            self.program(id)?;
        }
        Ok(self.store()?.targets(program)?.into_iter().filter(|t| year.is_none_or(|y| t.year == y)).collect())
    }

    /// One point per day of `period` for a sparkline: the day's total of
    /// `kind` in `unit` (all kinds when `kind` is none; the value is zero
    /// when `unit` is none, as amounts of different units do not add up)
    /// and the day's entries (each quantity row counts).
    pub fn daily_totals(
        &self,
        by: &Actor,
        program: ProgramId,
        period: Period,
        kind: Option<Kind>,
        unit: Option<Unit>,
    ) -> Result<Vec<Point>> {
        self.programs_for(by, None, Some(program))?;
        let rows = self.day_totals(program, period.from, period.to)?;
        let points = period.each_day().map(|day| (day, day)).collect();
        Ok(series(points, &rows, kind, unit))
    }

    /// Twelve points, one per month of `year`, for a bar chart: as
    /// `daily_totals`, summed by month.
    pub fn monthly_totals(
        &self,
        by: &Actor,
        program: ProgramId,
        year: i32,
        kind: Option<Kind>,
        unit: Option<Unit>,
    ) -> Result<Vec<Point>> {
        self.programs_for(by, None, Some(program))?;
        let whole = Period::year(year)?;
        let rows = self.day_totals(program, whole.from, whole.to)?;
        let points = whole.months().into_iter().map(|m| (m.from, m.to)).collect();
        Ok(series(points, &rows, kind, unit))
    }
}

/// Sums rows into the spans given (first and last day, inclusive).
fn series(spans: Vec<(NaiveDate, NaiveDate)>, rows: &[DayTotal], kind: Option<Kind>, unit: Option<Unit>) -> Vec<Point> {
    let mut sums: BTreeMap<NaiveDate, (i64, u32)> = spans.iter().map(|(from, _)| (*from, (0, 0))).collect();
    for row in rows.iter().filter(|r| kind.is_none_or(|k| r.kind == k)) {
        // Spans are in order: the last one starting on or before the row's day.
        let at = spans.partition_point(|(from, _)| *from <= row.date);
        let Some((from, to)) = at.checked_sub(1).map(|i| spans[i]) else { continue };
        if row.date > to {
            continue;
        }
        let sum = sums.entry(from).or_default();
        if unit == Some(row.unit) {
            sum.0 = sum.0.saturating_add(row.total);
        }
        sum.1 = sum.1.saturating_add(row.entries);
    }
    sums.into_iter().map(|(from, (milli, entries))| Point { from, value: Amount::from_milli(milli), entries }).collect()
}

//! Runs a `Cmd` against the records API and answers with a `Msg`. The only
//! part of the interface that touches `Records`.

use std::collections::BTreeMap;

use chrono::Datelike;

use super::data::{
    AuditData, AuditRow, BackupNotice, EndingRow, EntryData, HomeData, KeptForm, LatestRow, OfficerRow, OfficersData,
    ProgramData, ProgramInfo, ProgramRow, QueueData, QueueRow, RefChange, ReferenceData, RevisionRow, TodayRow,
};
use super::msg::{Cmd, Msg, Op};
use super::screens::home::ENDING_WITHIN_DAYS;
use super::screens::program::PAGE_ENTRIES;
use super::screens::setup::Reference;
use crate::domain::officer::Role;
use crate::domain::reference::{Program, ProgramId};
use crate::domain::sector::{Kind, Sector};
use crate::records::{Actor, AuditFilter, Error, Records, Result};

/// The longest period whose groups get a sparkline of a day a cell.
const SPARK_DAYS_MAX: i64 = 62;

/// Days home's sparklines cover.
const SPARK_DAYS: i64 = 7;

/// Latest entries read for the home screen: enough that the ones at an
/// officer's own sites still fill the list after the others are left out.
const LATEST_READ: usize = 8 * super::screens::home::LATEST_SHOWN;

pub fn run(records: &Records, cmd: Cmd) -> Msg {
    match cmd {
        Cmd::CreateAdmin { nip, name, pin } => Msg::AdminCreated(create_admin(records, &nip, &name, &pin)),
        Cmd::Login { nip, pin } => Msg::LoggedIn(records.login(&nip, &pin)),
        Cmd::LoadHome { backups } => Msg::HomeLoaded(home(records, backups)),
        Cmd::LoadPrograms => Msg::ProgramsLoaded(program_rows(records)),
        Cmd::LoadProgram { id, form } => Msg::ProgramLoaded(program(records, id), form),
        Cmd::SearchRegister { program, query, append } => {
            Msg::RegisterFound { page: records.search_register(program, &query, PAGE_ENTRIES), program, query, append }
        }
        Cmd::LoadOlder { program, before } => Msg::OlderLoaded(
            program,
            records.program(program).and_then(|p| records.register_page(&p, Some(before), PAGE_ENTRIES)),
        ),
        // add_entry returns only once the entry is flushed to disk, so the
        // "saved" message that follows is never premature.
        Cmd::Save { actor, draft } => Msg::Saved(records.add_entry(&actor, draft)),
        Cmd::LoadEntry(id) => Msg::EntryLoaded(entry(records, id)),
        Cmd::Act { actor, op } => act(records, &actor, op),
        Cmd::Refresh(cmd) => Msg::Refreshed { answer: Box::new(run(records, (*cmd).clone())), asked: cmd },
    }
}

/// Runs an operation as the logged-in officer; the records API checks
/// their role and sites, whatever the screens offered.
fn act(records: &Records, actor: &Actor, op: Op) -> Msg {
    match op {
        Op::Correct { id, base, draft, reason } => {
            Msg::Corrected(records.correct_entry(actor, id, base, draft, &reason))
        }
        Op::Void { id, base, reason } => Msg::Voided(records.void_entry(actor, id, base, &reason)),
        Op::Verify { id, revision } => Msg::Verified(records.verify_entry(actor, id, revision)),
        Op::LoadQueue(filter) => Msg::QueueLoaded(queue(records, actor, filter)),
        Op::VerifyRange(revisions) => Msg::RangeVerified(records.verify_range(actor, &revisions)),
        Op::LoadOfficers => Msg::OfficersLoaded(officers(records, actor)),
        Op::AddOfficer { nip, name, role, pin, sites } => {
            Msg::AdminSaved(records.add_officer(Some(actor), &nip, &name, role, &pin).and_then(|officer| {
                if sites.is_empty() {
                    Ok(())
                } else {
                    records.assign_sites(actor, officer.nip.as_str(), &sites).map(|_| ())
                }
            }))
        }
        Op::AssignSites { nip, sites } => Msg::AdminSaved(records.assign_sites(actor, &nip, &sites).map(|_| ())),
        Op::SetActive { nip, active } => Msg::AdminSaved(records.set_officer_active(actor, &nip, active).map(|_| ())),
        Op::ResetPin { nip, pin } => Msg::AdminSaved(records.reset_pin(actor, &nip, &pin).map(|_| ())),
        Op::LoadReference(section) => Msg::ReferenceLoaded(section, reference_data(records)),
        Op::SaveReference(change) => Msg::AdminSaved(save_reference(records, actor, change)),
        Op::LoadAudit(filter) => Msg::AuditLoaded(audit(records, actor, &filter)),
        Op::LoadReport(spec) => Msg::ReportLoaded(report(records, actor, spec)),
        Op::ExportRegister { program, query, excel, folder } => {
            Msg::Exported(super::export::register(records, &folder, program, &query, excel))
        }
        Op::ExportReport { spec, lang, excel, folder } => {
            Msg::Exported(super::export::report(records, actor, &folder, spec, lang, excel))
        }
        Op::SaveDraft(draft) => Msg::DraftKept(records.save_draft(actor, draft)),
        Op::DiscardDraft => Msg::DraftKept(records.discard_draft(actor)),
        Op::LoadDraft => Msg::DraftLoaded(kept_form(records, actor)),
    }
}

/// The officer's kept draft with its programme and, for a correction, the
/// entry, so the form can be shown as it was.
fn kept_form(records: &Records, actor: &Actor) -> Result<Option<Box<KeptForm>>> {
    let Some(draft) = records.saved_draft(actor)? else { return Ok(None) };
    let program = program(records, draft.program)?;
    let entry = draft.correcting.map(|(id, _)| entry(records, id)).transpose()?;
    Ok(Some(Box::new(KeptForm { draft, program, entry })))
}

fn save_reference(records: &Records, by: &Actor, change: RefChange) -> Result<()> {
    match change {
        RefChange::AddSite { code, name } => records.add_site(by, &code, &name).map(|_| ()),
        RefChange::EditSite { id, code, name } => records.update_site(by, id, &code, &name).map(|_| ()),
        RefChange::AddPartner { name, field } => records.add_partner(by, &name, field).map(|_| ()),
        RefChange::EditPartner { id, name, field } => records.update_partner(by, id, &name, field).map(|_| ()),
        RefChange::AddAgreement { number, partner, signed, start, sites } => {
            records.add_agreement(by, &number, partner, signed, start, &sites).map(|_| ())
        }
        RefChange::EditAgreement { id, number, signed, start, sites } => {
            records.update_agreement(by, id, &number, signed, start, &sites).map(|_| ())
        }
        RefChange::AddProgram { name, sector, site, agreement, start } => {
            records.add_program(by, &name, sector, site, agreement, start).map(|_| ())
        }
        RefChange::EditProgram { id, name, status } => records.update_program(by, id, &name, status).map(|_| ()),
    }
}

fn reference_data(records: &Records) -> Result<ReferenceData> {
    Ok(ReferenceData {
        sites: records.sites()?,
        partners: records.partners()?,
        agreements: records.agreements()?,
        programs: records.programs()?,
    })
}

fn queue(records: &Records, actor: &Actor, filter: crate::records::QueueFilter) -> Result<QueueData> {
    let officer = actor.officer();
    let here = |site: u32| officer.role == Role::Admin || officer.sites.contains(&site);
    let all = records.programs()?;
    let names: BTreeMap<ProgramId, String> = all.iter().map(|p| (p.id, p.name.clone())).collect();
    let programs = all.iter().filter(|p| here(p.site)).map(|p| (p.id, p.name.clone())).collect();
    let sites = records.sites()?.into_iter().filter(|s| here(s.id)).map(|s| (s.id, s.name)).collect();
    let rows = records
        .verification_queue_in(actor, &filter)?
        .into_iter()
        .map(|entry| QueueRow {
            program: names.get(&entry.draft.program).cloned().unwrap_or_default(),
            at: records.local_time(entry.recorded_at),
            entry,
        })
        .collect();
    Ok(QueueData { rows, names: records.officer_names()?, filter, sites, programs })
}

fn officers(records: &Records, actor: &Actor) -> Result<OfficersData> {
    let now = records.now();
    let officers = records
        .officers_for(actor)?
        .into_iter()
        .map(|o| OfficerRow {
            locked_until: o.locked_until.filter(|until| *until > now).map(|until| records.local_time(until)),
            nip: o.nip,
            name: o.name,
            role: o.role,
            active: o.active,
            sites: o.sites,
        })
        .collect();
    Ok(OfficersData { officers, sites: records.sites()? })
}

fn audit(records: &Records, actor: &Actor, filter: &AuditFilter) -> Result<AuditData> {
    let mut rows: Vec<AuditRow> = records
        .audit(actor, filter)?
        .into_iter()
        .map(|record| AuditRow { at: records.local_time(record.at), record })
        .collect();
    rows.reverse();
    Ok(AuditData { rows, names: records.officer_names()? })
}

pub fn reference(records: &Records) -> Result<Reference> {
    Ok(Reference {
        sites: records.sites()?.len(),
        partners: records.partners()?.len(),
        agreements: records.agreements()?.len(),
        programs: records.programs()?.len(),
    })
}

/// Only while no officer exists: the setup screen must not become a way
/// to add administrators later.
fn create_admin(records: &Records, nip: &str, name: &str, pin: &str) -> Result<String> {
    if records.has_officers()? {
        return Err(Error::OfficerExists { nip: nip.to_string() });
    }
    Ok(records.add_officer(None, nip, name, Role::Admin, pin)?.nip.to_string())
}

/// Programmes by site, then name, with their site's and partner's names.
fn infos(records: &Records) -> Result<Vec<ProgramInfo>> {
    let sites: BTreeMap<u32, (String, String)> =
        records.sites()?.into_iter().map(|s| (s.id, (s.name, s.code))).collect();
    let partners: BTreeMap<u32, String> = records.partners()?.into_iter().map(|p| (p.id, p.name)).collect();
    let mut infos: Vec<ProgramInfo> = records
        .programs()?
        .into_iter()
        .map(|program| ProgramInfo {
            site: sites.get(&program.site).map(|s| s.0.clone()).unwrap_or_default(),
            site_code: sites.get(&program.site).map(|s| s.1.clone()).unwrap_or_default(),
            partner: partners.get(&program.partner).cloned().unwrap_or_default(),
            program,
        })
        .collect();
    infos.sort_by(|a, b| (a.program.site, &a.program.name).cmp(&(b.program.site, &b.program.name)));
    Ok(infos)
}

fn home(records: &Records, backups: bool) -> Result<HomeData> {
    let infos = infos(records)?;
    let mut logged = records.logged_on(records.today())?;
    let week_from = records.today() - chrono::Duration::days(SPARK_DAYS - 1);
    let mut weeks = records.entries_a_day(week_from, records.today())?;
    let today = infos
        .into_iter()
        .map(|info| {
            let mut kinds: Vec<(Kind, usize)> = Vec::new();
            for entry in logged.remove(&info.program.id).unwrap_or_default() {
                match kinds.iter_mut().find(|(k, _)| *k == entry.draft.kind) {
                    Some((_, n)) => *n += 1,
                    None => kinds.push((entry.draft.kind, 1)),
                }
            }
            let week = weeks.remove(&info.program.id).unwrap_or_default();
            TodayRow { info, logged: kinds, week }
        })
        .collect();
    let names: BTreeMap<ProgramId, String> = records.programs()?.into_iter().map(|p| (p.id, p.name)).collect();
    let latest = records
        .latest_entries(LATEST_READ)?
        .into_iter()
        .map(|entry| LatestRow { program: names.get(&entry.draft.program).cloned().unwrap_or_default(), entry })
        .collect();
    let partners: BTreeMap<u32, String> = records.partners()?.into_iter().map(|p| (p.id, p.name)).collect();
    let ending = records
        .agreements_ending(ENDING_WITHIN_DAYS)?
        .into_iter()
        .map(|agreement| EndingRow {
            partner: partners.get(&agreement.partner).cloned().unwrap_or_default(),
            agreement,
        })
        .collect();
    let backup = if backups { backup_notice(records)? } else { None };
    Ok(HomeData { today, latest, ending, backup })
}

/// Whether the daily backups stopped, and since when (domain/backup_plan.rs).
fn backup_notice(records: &Records) -> Result<Option<BackupNotice>> {
    let last_good = records.backup_status()?.last_good;
    if !crate::domain::backup_plan::is_stale(records.now(), last_good) {
        return Ok(None);
    }
    let last_good = last_good.map(|at| {
        let day = records.local_time(at).date_naive();
        (day, (records.today() - day).num_days())
    });
    Ok(Some(BackupNotice { last_good }))
}

fn program_rows(records: &Records) -> Result<Vec<ProgramRow>> {
    let last = records.last_entry_dates()?;
    Ok(infos(records)?.into_iter().map(|info| ProgramRow { last: last.get(&info.program.id).copied(), info }).collect())
}

fn program(records: &Records, id: ProgramId) -> Result<ProgramData> {
    let info = infos(records)?.into_iter().find(|i| i.program.id == id).ok_or(Error::ProgramUnknown { id })?;
    let program: &Program = &info.program;
    let today = records.today();
    let page = records.register_page(program, None, PAGE_ENTRIES)?;
    let (month_from, month_to) = Records::month_of(today);
    let year_from = today.with_ordinal(1).unwrap_or(today);
    let year_to = year_from.with_year(today.year() + 1).and_then(|d| d.pred_opt()).unwrap_or(today);
    let month = records.totals(id, month_from, month_to)?;
    let year = records.totals(id, year_from, year_to)?;
    let herd = if program.sector == Sector::Peternakan { Some(records.herd_at(id, today)?) } else { None };
    let items = records.items_used(id)?;
    Ok(ProgramData {
        register: page.entries,
        older: page.older,
        verified: page.verified,
        month,
        year,
        herd,
        items,
        info,
    })
}

fn entry(records: &Records, id: u64) -> Result<EntryData> {
    let entry = records.current(id)?;
    let program = records.program(entry.draft.program)?;
    let mut history = Vec::new();
    for revision in records.history(id)? {
        let verified = records.verification(id, revision.revision)?.map(|v| (v.by, records.local_time(v.at)));
        history.push(RevisionRow { at: records.local_time(revision.recorded_at), verified, entry: revision });
    }
    Ok(EntryData { history, items: records.items_used(program.id)?, program, names: records.officer_names()?, entry })
}

/// The report, and for one programme its entries a day and, over a year,
/// its twelve months: counts of entries, which every unit shares.
fn report(
    records: &Records,
    actor: &Actor,
    spec: crate::domain::report::ReportSpec,
) -> Result<super::data::ReportData> {
    use crate::domain::report::PeriodKind;
    let report = records.report(actor, spec)?;
    let (mut daily, mut months) = (Vec::new(), Vec::new());
    if let Some(program) = spec.program {
        daily = records.daily_totals(actor, program, spec.period, None, None)?;
        if spec.period.kind == PeriodKind::Year {
            months = records.monthly_totals(actor, program, spec.period.from.year(), None, None)?;
        }
    }
    // A day a cell beside each group: only where the days fit a line.
    let days = if spec.period.days() <= SPARK_DAYS_MAX {
        records.entries_a_day(spec.period.from, spec.period.to)?
    } else {
        BTreeMap::new()
    };
    Ok(super::data::ReportData { report, daily, months, days })
}

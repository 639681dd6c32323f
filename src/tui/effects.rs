//! Runs a `Cmd` against the records API and answers with a `Msg`, on the
//! worker: the only place the interface calls `Records`, the screens' own
//! reads (`screens::Loads::fetch`) included.

use super::data::{KeptForm, RefChange};
use super::msg::{Cmd, Msg, Op};
use super::screens::setup::Reference;
use super::screens::{entry_view, program};
use crate::domain::officer::Role;
use crate::records::{Actor, Error, Records, Result};

pub fn run(records: &Records, cmd: Cmd) -> Msg {
    match cmd {
        Cmd::CreateAdmin { nip, name, pin } => Msg::AdminCreated(create_admin(records, &nip, &name, &pin)),
        Cmd::Login { nip, pin } => Msg::LoggedIn(records.login(&nip, &pin)),
        Cmd::Load { actor, load } => Msg::Loaded(load.fetch(records, &actor)),
        // add_entry returns only once the entry is flushed to disk, so the
        // "saved" message that follows is never premature.
        Cmd::Save { actor, draft } => Msg::Saved(records.add_entry(&actor, draft)),
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
        Op::VerifyRange(revisions) => Msg::RangeVerified(records.verify_range(actor, &revisions)),
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
        Op::SaveReference(change) => Msg::AdminSaved(save_reference(records, actor, change)),
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
    let program = program::read(records, draft.program)?;
    let entry = draft.correcting.map(|(id, _)| entry_view::read(records, id)).transpose()?;
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

//! The admin's management of reference data: sites, partners, agreements
//! and programmes. The shipped reference data is partly inferred, so every
//! record can be corrected here; a corrected record loses its `inferred`
//! mark. A programme's site, sector and agreement are fixed once created,
//! because its entries, indexes and totals are filed under them.

use chrono::NaiveDate;

use super::{Actor, Error, Local, Result, Update};
use crate::domain::invalid::Invalid;
use crate::domain::permission::Action;
use crate::domain::reference::{
    Agreement, AgreementId, Partner, PartnerId, Program, ProgramId, ProgramStatus, Site, SiteId, agreement_end,
};
use crate::domain::sector::Sector;
use crate::domain::text::{TextField, check_text, required_text};

/// A site's code as it is typed on the command line: lower case, words
/// joined by hyphens; then the text rules, as for any name.
fn site_code(code: &str) -> Result<String> {
    let code = required_text(code, TextField::SiteCode)?.to_lowercase().replace(' ', "-");
    // Lower case can lengthen a text (İ becomes two characters): check again.
    check_text(&code, TextField::SiteCode)?;
    Ok(code)
}
use crate::store::{AuditAction, Reference};

impl Local {
    fn reference_note(&self, by: &Actor, added: bool, what: String) -> crate::store::AuditNote {
        let action = if added { AuditAction::ReferenceAdded } else { AuditAction::ReferenceUpdated };
        self.note(Some(by.nip()), action, what)
    }

    /// Stores a new reference record and tells the other clients.
    fn add_reference(&self, record: Reference, note: &crate::store::AuditNote) -> Result<Reference> {
        let record = self.store()?.add_reference(record, note)?;
        self.announce(Update::Reference);
        Ok(record)
    }

    fn update_reference(&self, record: &Reference, note: &crate::store::AuditNote) -> Result<()> {
        self.store()?.update_reference(record, note)?;
        self.announce(Update::Reference);
        Ok(())
    }

    fn site(&self, id: SiteId) -> Result<Site> {
        self.sites()?.into_iter().find(|s| s.id == id).ok_or(Error::SiteUnknown { id })
    }

    fn partner(&self, id: PartnerId) -> Result<Partner> {
        self.partners()?.into_iter().find(|p| p.id == id).ok_or(Error::PartnerUnknown { id })
    }

    fn agreement(&self, id: AgreementId) -> Result<Agreement> {
        self.agreements()?.into_iter().find(|a| a.id == id).ok_or(Error::AgreementUnknown { id })
    }

    fn check_sites(&self, sites: &[SiteId]) -> Result<()> {
        for site in sites {
            self.site(*site)?;
        }
        Ok(())
    }

    pub fn add_site(&self, by: &Actor, code: &str, name: &str) -> Result<Site> {
        self.permit(by, Action::ManageReference)?;
        let site = Site {
            id: 0,
            code: site_code(code)?,
            name: required_text(name, TextField::SiteName)?,
            utc_offset: crate::domain::reference::WIB_OFFSET,
        };
        let note = self.reference_note(by, true, format!("site {}", site.name));
        match self.add_reference(Reference::Site(site), &note)? {
            Reference::Site(site) => Ok(site),
            _ => unreachable!("add_reference returns the kind it was given"),
        }
    }

    /// Sets the zone that decides "today" for a site's entries: WIB, WITA
    /// or WIT.
    pub fn set_site_zone(&self, by: &Actor, id: SiteId, zone: &str) -> Result<Site> {
        self.permit(by, Action::ManageReference)?;
        let zone = crate::domain::date::parse_site_zone(zone)?;
        let mut site = self.site(id)?;
        site.utc_offset = zone.local_minus_utc();
        let detail = format!("site {id} zone {zone}");
        self.update_reference(&Reference::Site(site.clone()), &self.reference_note(by, false, detail))?;
        Ok(site)
    }

    pub fn update_site(&self, by: &Actor, id: SiteId, code: &str, name: &str) -> Result<Site> {
        self.permit(by, Action::ManageReference)?;
        let mut site = self.site(id)?;
        site.code = site_code(code)?;
        site.name = required_text(name, TextField::SiteName)?;
        self.update_reference(&Reference::Site(site.clone()), &self.reference_note(by, false, format!("site {id}")))?;
        Ok(site)
    }

    pub fn add_partner(&self, by: &Actor, name: &str, field: Option<Sector>) -> Result<Partner> {
        self.permit(by, Action::ManageReference)?;
        let partner = Partner { id: 0, name: required_text(name, TextField::PartnerName)?, field, inferred: false };
        let note = self.reference_note(by, true, format!("partner {}", partner.name));
        match self.add_reference(Reference::Partner(partner), &note)? {
            Reference::Partner(p) => Ok(p),
            _ => unreachable!("add_reference returns the kind it was given"),
        }
    }

    pub fn update_partner(&self, by: &Actor, id: PartnerId, name: &str, field: Option<Sector>) -> Result<Partner> {
        self.permit(by, Action::ManageReference)?;
        let mut partner = self.partner(id)?;
        partner.name = required_text(name, TextField::PartnerName)?;
        partner.field = field;
        partner.inferred = false;
        let note = self.reference_note(by, false, format!("partner {id}"));
        self.update_reference(&Reference::Partner(partner.clone()), &note)?;
        Ok(partner)
    }

    /// A five-year agreement from `start`.
    pub fn add_agreement(
        &self,
        by: &Actor,
        number: &str,
        partner: PartnerId,
        signed: NaiveDate,
        start: NaiveDate,
        sites: &[SiteId],
    ) -> Result<Agreement> {
        self.permit(by, Action::ManageReference)?;
        self.partner(partner)?;
        self.check_sites(sites)?;
        let agreement = Agreement {
            id: 0,
            number: required_text(number, TextField::AgreementNumber)?,
            partner,
            signed,
            start,
            end: agreement_end(signed, start)?,
            sites: sites.to_vec(),
            inferred: false,
        };
        let note = self.reference_note(by, true, format!("agreement {}", agreement.number));
        match self.add_reference(Reference::Agreement(agreement), &note)? {
            Reference::Agreement(a) => Ok(a),
            _ => unreachable!("add_reference returns the kind it was given"),
        }
    }

    /// Corrects an agreement's number, dates and sites (the partner stays).
    pub fn update_agreement(
        &self,
        by: &Actor,
        id: AgreementId,
        number: &str,
        signed: NaiveDate,
        start: NaiveDate,
        sites: &[SiteId],
    ) -> Result<Agreement> {
        self.permit(by, Action::ManageReference)?;
        self.check_sites(sites)?;
        let mut agreement = self.agreement(id)?;
        agreement.number = required_text(number, TextField::AgreementNumber)?;
        agreement.end = agreement_end(signed, start)?;
        agreement.signed = signed;
        agreement.start = start;
        agreement.sites = sites.to_vec();
        agreement.inferred = false;
        let note = self.reference_note(by, false, format!("agreement {id}"));
        self.update_reference(&Reference::Agreement(agreement.clone()), &note)?;
        Ok(agreement)
    }

    /// A programme under an agreement, at one of the agreement's sites,
    /// running from `start` to the agreement's end.
    pub fn add_program(
        &self,
        by: &Actor,
        name: &str,
        sector: Sector,
        site: SiteId,
        agreement: AgreementId,
        start: NaiveDate,
    ) -> Result<Program> {
        self.permit(by, Action::ManageReference)?;
        let agreement = self.agreement(agreement)?;
        self.site(site)?;
        if !agreement.sites.contains(&site) {
            return Err(Error::SiteNotInAgreement { site, agreement: agreement.id });
        }
        if start < agreement.start {
            return Err(Error::from(Invalid::DateBeforeStart { date: start, start: agreement.start }));
        }
        if start > agreement.end {
            return Err(Error::from(Invalid::DateAfterEnd { date: start, end: agreement.end }));
        }
        let program = Program {
            id: 0,
            name: required_text(name, TextField::ProgramName)?,
            sector,
            site,
            partner: agreement.partner,
            agreement: agreement.id,
            start,
            end: agreement.end,
            status: ProgramStatus::Active,
        };
        let note = self.reference_note(by, true, format!("program {}", program.name));
        match self.add_reference(Reference::Program(program), &note)? {
            Reference::Program(p) => Ok(p),
            _ => unreachable!("add_reference returns the kind it was given"),
        }
    }

    /// Renames a programme or marks it ended (or active again).
    pub fn update_program(&self, by: &Actor, id: ProgramId, name: &str, status: ProgramStatus) -> Result<Program> {
        self.permit(by, Action::ManageReference)?;
        let mut program = self.program(id)?;
        program.name = required_text(name, TextField::ProgramName)?;
        program.status = status;
        let note = self.reference_note(by, false, format!("program {id} {}", status.code()));
        self.update_reference(&Reference::Program(program.clone()), &note)?;
        Ok(program)
    }
}

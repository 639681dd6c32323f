//! Officers: the first administrator, logins with lockout, and the admin's
//! management of accounts.

use chrono::{DateTime, Duration, Utc};

use super::{Actor, Error, Local, Result, Update, pin};
use crate::domain::entry::Field;
use crate::domain::officer::{Nip, Officer, PIN_MAX_DIGITS, Role, check_name, check_pin};
use crate::domain::permission::Action;
use crate::domain::reference::SiteId;
use crate::domain::text::clean_line;
use crate::store::AuditAction;

/// Wrong PINs in a row that lock an NIP, and for how long.
pub const MAX_FAILED_LOGINS: u32 = 5;
pub const LOCKOUT_MINUTES: i64 = 5;

/// An officer as the API hands it out: never with the PIN hash, which
/// must not leave the store (over a server it would reach every client,
/// and a six-digit PIN falls quickly to an offline guess).
fn shown(mut officer: Officer) -> Officer {
    officer.pin_hash.clear();
    officer
}

impl Local {
    pub fn officers(&self) -> Result<Vec<Officer>> {
        Ok(self.store()?.officers()?.into_iter().map(shown).collect())
    }

    /// Every officer, for an admin managing accounts.
    pub fn officers_for(&self, by: &Actor) -> Result<Vec<Officer>> {
        self.permit(by, Action::ManageOfficers)?;
        self.officers()
    }

    /// True once any officer exists; before that the interface asks for
    /// the first administrator.
    pub fn has_officers(&self) -> Result<bool> {
        Ok(!self.store()?.officers()?.is_empty())
    }

    /// Adds an officer with a PIN (6–12 digits, kept as an argon2id hash).
    /// `by` must be an admin; `None` is accepted only for the very first
    /// officer of a database, who must be an admin.
    pub fn add_officer(&self, by: Option<&Actor>, nip: &str, name: &str, role: Role, pin: &str) -> Result<Officer> {
        match by {
            Some(actor) => self.permit(actor, Action::ManageOfficers)?,
            None if self.has_officers()? => return Err(Error::OfficersExist),
            None if role != Role::Admin => return Err(Error::FirstOfficerAdmin),
            None => {}
        }
        let nip = Nip::parse(nip).map_err(|e| Error::invalid(Field::Notes, e))?;
        let name = check_name(name)?;
        check_pin(pin)?;
        if self.store()?.officer(&nip)?.is_some() {
            return Err(Error::OfficerExists { nip: nip.to_string() });
        }
        let officer = Officer {
            nip: nip.clone(),
            name,
            role,
            pin_hash: pin::hash_pin(pin),
            active: true,
            sites: vec![],
            created_at: self.clock.now(),
            failed_logins: 0,
            locked_until: None,
        };
        let note = self.note(by.map(Actor::nip), AuditAction::OfficerAdded, format!("{} {}", nip, role.code()));
        self.store()?.put_officer(&officer, &note)?;
        self.announce(Update::Officers);
        Ok(shown(officer))
    }

    /// The officer with this NIP, refreshed from the store, for checks
    /// that must see a deactivation made since login.
    pub(super) fn refreshed(&self, actor: &Actor) -> Result<Actor> {
        let officer =
            self.store()?.officer(actor.nip())?.ok_or(Error::OfficerUnknown { nip: actor.nip().to_string() })?;
        if !officer.active {
            return Err(Error::OfficerInactive { nip: officer.nip.to_string() });
        }
        Ok(Actor { officer: shown(officer) })
    }

    /// Acts as an officer without a PIN: only for the demo data that
    /// `init --demo` records.
    pub(super) fn demo_actor(&self, nip: &str) -> Result<Actor> {
        let nip = Nip::parse(nip).map_err(|e| Error::invalid(Field::Notes, e))?;
        let officer = self.store()?.officer(&nip)?.ok_or(Error::OfficerUnknown { nip: nip.to_string() })?;
        Ok(Actor { officer })
    }

    /// Checks an officer's PIN. A wrong NIP and a wrong PIN give the same
    /// answer, so the screen cannot be used to find out which NIPs exist.
    /// Five wrong PINs in a row lock the NIP for five minutes; the lock is
    /// stored, so restarting binalog does not lift it, and each attempt's
    /// count is changed in one transaction, so wrong PINs sent at once all
    /// count. Every attempt is audited (refusals that change no account
    /// within the refusal budget, see `access`).
    pub fn login(&self, nip: &str, pin: &str) -> Result<Actor> {
        // Anything but a NIP is refused before any lookup, and only its
        // length is recorded: a 30 MB "NIP" must not land in the audit.
        let Ok(nip) = Nip::parse(nip) else {
            let detail = format!("malformed NIP of {} characters", nip.chars().count());
            self.audit_limited(None, AuditAction::LoginFailed, detail);
            return Err(Error::LoginFailed);
        };
        // argon2 takes time and memory on purpose: a few checks at once,
        // the rest wait their turn, so a flood cannot exhaust the server.
        let _turn = self.pin_gate.enter();
        let now = self.clock.now();
        let Some(officer) = self.store()?.officer(&nip)?.filter(|o| o.active) else {
            self.audit_limited(None, AuditAction::LoginFailed, nip.to_string());
            return Err(Error::LoginFailed);
        };
        if let Some(until) = officer.locked_until.filter(|until| *until > now) {
            self.audit_limited(Some(&nip), AuditAction::LoginFailed, "locked".into());
            return Err(self.locked_error(until));
        }
        let right = pin.chars().count() <= PIN_MAX_DIGITS && pin::verify_pin(pin, &officer.pin_hash);
        let note = |action, detail: String| Some(self.note(Some(&nip), action, detail));
        let outcome = self.store()?.change_officer(&nip, |o| {
            // Locked, deactivated or given a new PIN while this PIN was
            // being checked: the check no longer speaks for the account.
            if let Some(until) = o.locked_until.filter(|until| *until > now) {
                return (Err(Some(until)), None);
            }
            if !o.active || o.pin_hash != officer.pin_hash {
                return (Err(None), None);
            }
            if right {
                o.failed_logins = 0;
                o.locked_until = None;
                return (Ok(()), note(AuditAction::LoginSucceeded, String::new()));
            }
            o.failed_logins += 1;
            if o.failed_logins >= MAX_FAILED_LOGINS {
                let until = now + Duration::minutes(LOCKOUT_MINUTES);
                o.failed_logins = 0;
                o.locked_until = Some(until);
                return (Err(Some(until)), note(AuditAction::LockedOut, format!("until {}", until.to_rfc3339())));
            }
            let detail = format!("attempt {}", o.failed_logins);
            (Err(None), note(AuditAction::LoginFailed, detail))
        })?;
        match outcome {
            Some(Ok(())) => {
                let fresh = self.store()?.officer(&nip)?.ok_or(Error::LoginFailed)?;
                Ok(Actor { officer: shown(fresh) })
            }
            Some(Err(Some(until))) => Err(self.locked_error(until)),
            Some(Err(None)) | None => Err(Error::LoginFailed),
        }
    }

    fn locked_error(&self, until: DateTime<Utc>) -> Error {
        Error::LoginLocked { until: until.with_timezone(&self.tz).format("%d/%m/%Y %H:%M").to_string() }
    }

    fn update_officer(
        &self,
        by: &Actor,
        nip: &str,
        detail: &str,
        change: impl FnOnce(&mut Officer),
    ) -> Result<Officer> {
        self.permit(by, Action::ManageOfficers)?;
        let nip = Nip::parse(nip).map_err(|e| Error::invalid(Field::Notes, e))?;
        let mut officer = self.store()?.officer(&nip)?.ok_or(Error::OfficerUnknown { nip: nip.to_string() })?;
        change(&mut officer);
        let note = self.note(Some(by.nip()), AuditAction::OfficerUpdated, format!("{nip} {detail}"));
        self.store()?.put_officer(&officer, &note)?;
        self.announce(Update::Officers);
        Ok(shown(officer))
    }

    /// Sets the sites an officer works at.
    pub fn assign_sites(&self, by: &Actor, nip: &str, sites: &[SiteId]) -> Result<Officer> {
        let known: Vec<SiteId> = self.sites()?.iter().map(|s| s.id).collect();
        if let Some(site) = sites.iter().find(|s| !known.contains(s)) {
            return Err(Error::SiteUnknown { id: *site });
        }
        let mut sites = sites.to_vec();
        sites.sort_unstable();
        sites.dedup();
        let detail = format!("sites {sites:?}");
        self.update_officer(by, nip, &detail, |o| o.sites = sites)
    }

    /// Deactivates (or reactivates) an account. Nothing an officer recorded
    /// is touched; they can no longer log in.
    pub fn set_officer_active(&self, by: &Actor, nip: &str, active: bool) -> Result<Officer> {
        if !active && by.nip().as_str() == clean_line(nip).replace(' ', "") {
            return Err(Error::OwnAccount);
        }
        self.update_officer(by, nip, if active { "activated" } else { "deactivated" }, |o| o.active = active)
    }

    /// Sets a new PIN and lifts any lock.
    pub fn reset_pin(&self, by: &Actor, nip: &str, new_pin: &str) -> Result<Officer> {
        check_pin(new_pin)?;
        let hash = pin::hash_pin(new_pin);
        self.update_officer(by, nip, "pin reset", |o| {
            o.pin_hash = hash;
            o.failed_logins = 0;
            o.locked_until = None;
        })
    }
}

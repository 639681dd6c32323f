//! Who may do what: the role rules, as a pure function so the whole matrix
//! can be tested without a database. The records API asks this before
//! every change, whichever front end the request came from.
//!
//! - operator: adds entries at their sites; corrects their own entries on
//!   the day they recorded them.
//! - supervisor: what an operator does, at their sites; verifies others'
//!   entries; corrects or voids any entry at their sites, with a reason.
//! - admin: manages reference data and officers, and may do everything a
//!   supervisor does, at every site (the unit head answers for all sites).

use chrono::NaiveDate;

use super::officer::{Officer, Role};
use super::reference::SiteId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    AddEntry {
        site: SiteId,
    },
    /// `own`: the officer recorded the entry's first revision;
    /// `recorded_on`: the day (local) that first revision was recorded.
    CorrectEntry {
        site: SiteId,
        own: bool,
        recorded_on: NaiveDate,
        today: NaiveDate,
    },
    VoidEntry {
        site: SiteId,
    },
    VerifyEntry {
        site: SiteId,
        own: bool,
    },
    ViewAudit,
    ManageReference,
    ManageOfficers,
}

/// Why an action was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Denied {
    /// The officer is not assigned to the site.
    NotAtSite { site: SiteId },
    /// The role does not allow the action at all.
    Role { needed: Role },
    /// Operators correct only entries they recorded themselves…
    NotOwnEntry,
    /// …and only on the day they recorded them.
    NotSameDay,
    /// Nobody verifies their own entry: a second pair of eyes is the point.
    OwnEntry,
}

fn at_site(officer: &Officer, site: SiteId) -> Result<(), Denied> {
    if officer.role == Role::Admin || officer.sites.contains(&site) { Ok(()) } else { Err(Denied::NotAtSite { site }) }
}

fn at_least(officer: &Officer, needed: Role) -> Result<(), Denied> {
    if officer.role >= needed { Ok(()) } else { Err(Denied::Role { needed }) }
}

pub fn check(officer: &Officer, action: Action) -> Result<(), Denied> {
    match action {
        Action::AddEntry { site } => at_site(officer, site),
        Action::CorrectEntry { site, own, recorded_on, today } => {
            at_site(officer, site)?;
            if officer.role >= Role::Supervisor {
                return Ok(());
            }
            if !own {
                return Err(Denied::NotOwnEntry);
            }
            if recorded_on != today {
                return Err(Denied::NotSameDay);
            }
            Ok(())
        }
        Action::VoidEntry { site } => {
            at_least(officer, Role::Supervisor)?;
            at_site(officer, site)
        }
        Action::VerifyEntry { site, own } => {
            at_least(officer, Role::Supervisor)?;
            at_site(officer, site)?;
            if own { Err(Denied::OwnEntry) } else { Ok(()) }
        }
        Action::ViewAudit | Action::ManageReference | Action::ManageOfficers => at_least(officer, Role::Admin),
    }
}

/// Whether a change must carry a reason: always, except an operator's
/// same-day fix of their own entry, which is still a revision in the audit.
pub fn reason_required(officer: &Officer) -> bool {
    officer.role >= Role::Supervisor
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::officer::Nip;
    use chrono::{TimeZone, Utc};

    fn officer(role: Role, sites: Vec<SiteId>) -> Officer {
        Officer {
            nip: Nip::parse("198503122010121001").unwrap(),
            name: "X".into(),
            role,
            pin_hash: String::new(),
            active: true,
            sites,
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            failed_logins: 0,
            locked_until: None,
        }
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    /// Each role against each action, at its own site and at another.
    #[test]
    fn the_role_matrix() {
        use Role::*;
        let correct = |own, recorded_on| Action::CorrectEntry { site: 1, own, recorded_on, today: d(10) };
        let cases: Vec<(Action, [Result<(), Denied>; 3])> = vec![
            (Action::AddEntry { site: 1 }, [Ok(()), Ok(()), Ok(())]),
            (
                Action::AddEntry { site: 2 },
                [Err(Denied::NotAtSite { site: 2 }), Err(Denied::NotAtSite { site: 2 }), Ok(())],
            ),
            (correct(true, d(10)), [Ok(()), Ok(()), Ok(())]),
            (correct(true, d(9)), [Err(Denied::NotSameDay), Ok(()), Ok(())]),
            (correct(false, d(10)), [Err(Denied::NotOwnEntry), Ok(()), Ok(())]),
            (
                Action::CorrectEntry { site: 2, own: true, recorded_on: d(10), today: d(10) },
                [Err(Denied::NotAtSite { site: 2 }), Err(Denied::NotAtSite { site: 2 }), Ok(())],
            ),
            (Action::VoidEntry { site: 1 }, [Err(Denied::Role { needed: Supervisor }), Ok(()), Ok(())]),
            (
                Action::VoidEntry { site: 2 },
                [Err(Denied::Role { needed: Supervisor }), Err(Denied::NotAtSite { site: 2 }), Ok(())],
            ),
            (Action::VerifyEntry { site: 1, own: false }, [Err(Denied::Role { needed: Supervisor }), Ok(()), Ok(())]),
            (
                Action::VerifyEntry { site: 1, own: true },
                [Err(Denied::Role { needed: Supervisor }), Err(Denied::OwnEntry), Err(Denied::OwnEntry)],
            ),
            (Action::ViewAudit, [Err(Denied::Role { needed: Admin }), Err(Denied::Role { needed: Admin }), Ok(())]),
            (
                Action::ManageReference,
                [Err(Denied::Role { needed: Admin }), Err(Denied::Role { needed: Admin }), Ok(())],
            ),
            (
                Action::ManageOfficers,
                [Err(Denied::Role { needed: Admin }), Err(Denied::Role { needed: Admin }), Ok(())],
            ),
        ];
        for (action, expected) in cases {
            for (role, want) in [Operator, Supervisor, Admin].into_iter().zip(expected) {
                assert_eq!(check(&officer(role, vec![1]), action), want, "{role:?} {action:?}");
            }
        }
    }

    #[test]
    fn an_officer_without_sites_records_nowhere() {
        assert_eq!(
            check(&officer(Role::Supervisor, vec![]), Action::AddEntry { site: 1 }),
            Err(Denied::NotAtSite { site: 1 })
        );
        assert!(reason_required(&officer(Role::Supervisor, vec![])));
        assert!(!reason_required(&officer(Role::Operator, vec![])));
    }
}

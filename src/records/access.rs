//! Who may send each request: the levels of the access table in `api.rs`,
//! the gate every request passes on the server before it runs, and the
//! audit of refusals.
//!
//! The table is about the connection: is anyone logged in, and with what
//! role. What an officer may do to a particular entry or site (their own
//! entry, their sites, the same day) is decided afterwards by
//! `domain::permission`, and refusals there are audited the same way.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Actor, Error, Local, Result};
use crate::domain::officer::{Nip, Role};
use crate::domain::permission::Denied;
use crate::store::AuditAction;

/// The least a connection must be to send a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    /// Anyone who reaches the socket: the handshake's questions and login.
    Open,
    /// Open while the database has no officer (the setup screen creates
    /// the first administrator and shows the reference data); afterwards
    /// any logged-in officer.
    Setup,
    /// Any logged-in, active officer.
    Officer,
    /// A logged-in supervisor or admin.
    Supervisor,
    /// A logged-in admin.
    Admin,
}

impl Access {
    /// The role an officer needs, once logged in.
    pub fn role(self) -> Role {
        match self {
            Access::Open | Access::Setup | Access::Officer => Role::Operator,
            Access::Supervisor => Role::Supervisor,
            Access::Admin => Role::Admin,
        }
    }
}

/// Refusals written to the audit per minute. A flood of refused requests
/// must not fill the disk: past this, refusals are only counted, and the
/// count is written with the next refusal recorded.
pub const DENIALS_RECORDED_PER_MINUTE: u32 = 30;

#[derive(Debug, Default)]
pub(crate) struct DenialBudget {
    window: Option<DateTime<Utc>>,
    recorded: u32,
    /// Refusals not written since the last one that was.
    unrecorded: u64,
}

impl DenialBudget {
    /// Whether a refusal at `now` may be written, and how many went
    /// unwritten before it (to say so in its record).
    fn take(&mut self, now: DateTime<Utc>) -> Option<u64> {
        if self.window.is_none_or(|start| now - start >= Duration::minutes(1) || now < start) {
            self.window = Some(now);
            self.recorded = 0;
        }
        if self.recorded >= DENIALS_RECORDED_PER_MINUTE {
            self.unrecorded += 1;
            return None;
        }
        self.recorded += 1;
        Some(std::mem::take(&mut self.unrecorded))
    }
}

impl Local {
    /// The server's gate: refuses a request the access table does not
    /// allow this connection, and audits the refusal.
    pub(crate) fn admit(&self, access: Access, actor: Option<&Actor>, method: &str) -> Result<()> {
        let refusal = match (access, actor) {
            (Access::Open, _) => return Ok(()),
            (Access::Setup, None) if !self.has_officers()? => return Ok(()),
            (_, None) => Error::NotLoggedIn,
            (_, Some(actor)) => {
                // Re-read: a deactivation or a change of role counts at once.
                let fresh = match self.refreshed(actor) {
                    Ok(fresh) => fresh,
                    Err(e) => {
                        self.audit_refusal(Some(actor.nip()), method, &e);
                        return Err(e);
                    }
                };
                if fresh.officer().role >= access.role() {
                    return Ok(());
                }
                Error::Denied(Denied::Role { needed: access.role() })
            }
        };
        self.audit_refusal(actor.map(Actor::nip), method, &refusal);
        Err(refusal)
    }

    /// Writes a refusal into the audit: who, what, and (through the note)
    /// the Unix user and the time.
    pub(super) fn audit_refusal(&self, officer: Option<&Nip>, what: &str, why: &Error) {
        self.audit_limited(officer, AuditAction::Denied, format!("{what}: {}", refusal_code(why)));
    }

    /// Writes an audit record of something refused, within the budget. A
    /// record that cannot be written does not change the answer: the
    /// request stays refused.
    pub(super) fn audit_limited(&self, officer: Option<&Nip>, action: AuditAction, mut detail: String) {
        let Some(unrecorded) = self.denials.lock().unwrap_or_else(|e| e.into_inner()).take(self.clock.now()) else {
            return;
        };
        if unrecorded > 0 {
            detail.push_str(&format!(" (+{unrecorded} not recorded)"));
        }
        let _ = self.store().map(|store| store.record_audit(&self.note(officer, action, detail)));
    }
}

/// A short, language-free reason for the audit.
fn refusal_code(e: &Error) -> String {
    match e {
        Error::NotLoggedIn => "not logged in".into(),
        Error::Denied(Denied::Role { needed }) => format!("needs {}", needed.code()),
        Error::Denied(Denied::NotAtSite { site }) | Error::NotAtSite { site, .. } => format!("not at site {site}"),
        Error::Denied(Denied::NotOwnEntry) => "not own entry".into(),
        Error::Denied(Denied::NotSameDay) => "not the same day".into(),
        Error::Denied(Denied::OwnEntry) => "own entry".into(),
        Error::OfficerInactive { .. } => "account inactive".into(),
        Error::OfficerUnknown { .. } => "account unknown".into(),
        _ => "refused".into(),
    }
}

/// Shared by every connection's copy of `Local`.
pub(crate) type SharedDenials = std::sync::Arc<Mutex<DenialBudget>>;

/// Sample values of every request field, for the test that walks the
/// access table with one request of each method.
#[cfg(test)]
pub(crate) trait Sample {
    fn sample() -> Self;
}

#[cfg(test)]
mod samples {
    use std::path::PathBuf;

    use chrono::NaiveDate;

    use super::Sample;
    use crate::domain::entry::{EntryDraft, Quantity, Status};
    use crate::domain::officer::Role;
    use crate::domain::reference::{Program, ProgramStatus};
    use crate::domain::sector::{Kind, Sector};
    use crate::domain::unit::Unit;
    use crate::records::{AuditFilter, EntryFilter, RegisterQuery};

    macro_rules! sample_default {
        ($($ty:ty),*) => { $( impl Sample for $ty { fn sample() -> Self { <$ty>::default() } } )* };
    }
    sample_default!(
        bool,
        u32,
        u64,
        usize,
        i64,
        String,
        EntryFilter,
        AuditFilter,
        RegisterQuery,
        crate::records::QueueFilter
    );

    impl Sample for i32 {
        fn sample() -> Self {
            2026
        }
    }
    impl<A: Sample, B: Sample> Sample for (A, B) {
        fn sample() -> Self {
            (A::sample(), B::sample())
        }
    }
    impl Sample for Kind {
        fn sample() -> Self {
            Kind::Harvest
        }
    }
    impl Sample for Unit {
        fn sample() -> Self {
            Unit::Kg
        }
    }
    impl Sample for crate::domain::report::Period {
        fn sample() -> Self {
            crate::domain::report::Period::month(2026, 3).expect("a valid month")
        }
    }
    impl Sample for crate::domain::report::ReportSpec {
        fn sample() -> Self {
            use crate::domain::report::{Grouping, Period, ReportSpec};
            ReportSpec { period: Period::sample(), by: Grouping::Program, site: None, program: None }
        }
    }

    impl Sample for NaiveDate {
        fn sample() -> Self {
            NaiveDate::from_ymd_opt(2026, 3, 10).expect("a valid day")
        }
    }
    impl Sample for PathBuf {
        fn sample() -> Self {
            PathBuf::from("/nonexistent/binalog-access-sample")
        }
    }
    impl Sample for Role {
        fn sample() -> Self {
            Role::Operator
        }
    }
    impl Sample for Sector {
        fn sample() -> Self {
            Sector::Pertanian
        }
    }
    impl Sample for ProgramStatus {
        fn sample() -> Self {
            ProgramStatus::Active
        }
    }
    impl<T: Sample> Sample for Option<T> {
        fn sample() -> Self {
            Some(T::sample())
        }
    }
    impl<T: Sample> Sample for Vec<T> {
        fn sample() -> Self {
            vec![T::sample()]
        }
    }
    impl Sample for Program {
        fn sample() -> Self {
            let day = NaiveDate::sample();
            Program {
                id: 1,
                name: "sample".into(),
                sector: Sector::Pertanian,
                site: 1,
                partner: 1,
                agreement: 1,
                start: day,
                end: day,
                status: ProgramStatus::Active,
            }
        }
    }
    impl Sample for crate::records::FormDraft {
        fn sample() -> Self {
            crate::records::FormDraft {
                program: 1,
                kind: Kind::Harvest,
                correcting: None,
                date: "10-03-2026".into(),
                rows: vec![crate::records::DraftRow { value: "1".into(), unit: Some(Unit::Kg), item: "cabai".into() }],
                participants: String::new(),
                officers: String::new(),
                cadets: String::new(),
                notes: String::new(),
                reason: String::new(),
            }
        }
    }
    impl Sample for EntryDraft {
        fn sample() -> Self {
            EntryDraft {
                program: 1,
                date: NaiveDate::sample(),
                kind: Kind::Harvest,
                quantities: vec![Quantity::new("1", Unit::Kg, "cabai").expect("a valid quantity")],
                participants: 1,
                officers: 0,
                cadets: 0,
                notes: String::new(),
                status: Status::Done,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64, second: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(minute) + Duration::seconds(second)
    }

    #[test]
    fn a_flood_of_refusals_writes_a_bounded_number_and_says_how_many_were_left_out() {
        let mut budget = DenialBudget::default();
        let written = (0..1000).filter(|i| budget.take(at(0, i % 50)).is_some()).count();
        assert_eq!(written, DENIALS_RECORDED_PER_MINUTE as usize);
        // The next minute's first record carries the count left out.
        assert_eq!(budget.take(at(1, 0)), Some(1000 - u64::from(DENIALS_RECORDED_PER_MINUTE)));
        assert_eq!(budget.take(at(1, 1)), Some(0));
    }
}

//! Yearly targets per programme, kind, unit and item (`targets` tree).
//! Came without a schema change: a database without the tree has no
//! targets, and an older build never opens it.

use sled::Transactional;

use super::audit::AuditNote;
use super::codec::{decode, encode};
use super::write::{append_audit, finish};
use super::{Result, Store, corrupt, keys};
use crate::domain::reference::ProgramId;
use crate::domain::report::Target;

/// `targets`: programme, year, kind, unit, item: one programme's targets
/// are one prefix, in year order.
fn key(target: &Target) -> Vec<u8> {
    let year = u32::try_from(target.year).unwrap_or(0);
    let rest = keys::rollup(target.program, chrono::NaiveDate::MIN, target.kind, target.unit, &target.item);
    // The rollup key's kind, unit and item after the programme and year.
    [&keys::id32(target.program)[..], &year.to_be_bytes(), &rest[8..]].concat()
}

impl Store {
    /// Sets (or replaces) a target, with its audit record, durably.
    pub fn put_target(&self, target: &Target, note: &AuditNote) -> Result<()> {
        self.write(|| {
            finish((&self.meta, &self.targets, &self.audit).transaction(|(meta, targets, audit)| {
                targets.insert(key(target), encode(target))?;
                append_audit(meta, audit, note, vec![])?;
                Ok(())
            }))
        })
    }

    /// The targets of one programme, or of all, by programme, year, kind,
    /// unit and item.
    pub fn targets(&self, program: Option<ProgramId>) -> Result<Vec<Target>> {
        let prefix = program.map(|p| keys::id32(p).to_vec()).unwrap_or_default();
        self.targets.scan_prefix(prefix).values().map(|v| decode(&v?).map_err(|e| corrupt("targets", e))).collect()
    }
}

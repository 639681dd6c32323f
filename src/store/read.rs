//! Reads. Every value goes through the codec; a value that will not decode
//! is reported as corruption naming its tree, never skipped silently.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use super::audit::AuditRecord;
use super::codec::{Stored, decode};
use super::rollup::Rollup;
use super::{Result, Store, corrupt, keys};
use crate::domain::entry::{Entry, EntryId};
use crate::domain::officer::{Nip, Officer};
use crate::domain::reference::{Agreement, Partner, Program, ProgramId, Site, SiteId};
use crate::domain::sector::Kind;
use crate::domain::unit::Unit;

/// One rollup row: a day's total for a programme, kind, unit and item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupRow {
    pub program: ProgramId,
    pub date: NaiveDate,
    pub kind: Kind,
    pub unit: Unit,
    pub item: String,
    pub rollup: Rollup,
}

fn all<T: Stored + DeserializeOwned>(tree: &sled::Tree, name: &str) -> Result<Vec<T>> {
    tree.iter().values().map(|v| decode(&v?).map_err(|e| corrupt(name, e))).collect()
}

impl Store {
    pub fn sites(&self) -> Result<Vec<Site>> {
        all(&self.sites, "sites")
    }

    pub fn site(&self, id: SiteId) -> Result<Option<Site>> {
        self.sites.get(keys::id32(id))?.map(|v| decode(&v).map_err(|e| corrupt("sites", e))).transpose()
    }

    pub fn partners(&self) -> Result<Vec<Partner>> {
        all(&self.partners, "partners")
    }

    pub fn agreements(&self) -> Result<Vec<Agreement>> {
        all(&self.agreements, "agreements")
    }

    pub fn programs(&self) -> Result<Vec<Program>> {
        all(&self.programs, "programs")
    }

    pub fn program(&self, id: ProgramId) -> Result<Option<Program>> {
        self.programs.get(keys::id32(id))?.map(|v| decode(&v).map_err(|e| corrupt("programs", e))).transpose()
    }

    pub fn officers(&self) -> Result<Vec<Officer>> {
        all(&self.officers, "officers")
    }

    pub fn officer(&self, nip: &Nip) -> Result<Option<Officer>> {
        self.officers.get(nip.as_str().as_bytes())?.map(|v| decode(&v).map_err(|e| corrupt("officers", e))).transpose()
    }

    /// The current revision of an entry.
    pub fn current(&self, id: EntryId) -> Result<Option<Entry>> {
        let Some(head) = self.heads.get(id.to_be_bytes())? else {
            return Ok(None);
        };
        let head: u32 = decode(&head).map_err(|e| corrupt("heads", e))?;
        self.revision(id, head)
    }

    pub fn revision(&self, id: EntryId, revision: u32) -> Result<Option<Entry>> {
        self.entries
            .get(keys::revision(id, revision))?
            .map(|v| decode(&v).map_err(|e| corrupt("entries", e)))
            .transpose()
    }

    /// Every revision of an entry, oldest first.
    pub fn history(&self, id: EntryId) -> Result<Vec<Entry>> {
        self.entries
            .scan_prefix(id.to_be_bytes())
            .values()
            .map(|v| decode(&v?).map_err(|e| corrupt("entries", e)))
            .collect()
    }

    /// Current revisions of a programme's entries between two dates
    /// (inclusive), oldest first, through the `by_program` index.
    pub fn program_entries(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<Entry>> {
        self.indexed(&self.by_program, program, from, to)
    }

    /// Current revisions of a site's entries between two dates, oldest first.
    pub fn site_entries(&self, site: SiteId, from: NaiveDate, to: NaiveDate) -> Result<Vec<Entry>> {
        self.indexed(&self.by_site, site, from, to)
    }

    fn indexed(&self, index: &sled::Tree, owner: u32, from: NaiveDate, to: NaiveDate) -> Result<Vec<Entry>> {
        let (start, end) = keys::dated_range(owner, from, to);
        let mut found = Vec::new();
        for key in index.range(start..end).keys() {
            let key = key?;
            let id = keys::u64_from(&key[8..])
                .ok_or_else(|| super::StoreError::Corrupt { tree: "index".into(), detail: "short key".into() })?;
            if let Some(entry) = self.current(id)? {
                found.push(entry);
            }
        }
        Ok(found)
    }

    /// Every revision of every entry, in id then revision order.
    pub fn all_revisions(&self) -> impl Iterator<Item = Result<Entry>> + '_ {
        self.entries.iter().values().map(|v| decode(&v?).map_err(|e| corrupt("entries", e)))
    }

    /// The current revision number of every entry.
    pub fn heads(&self) -> Result<Vec<(EntryId, u32)>> {
        self.heads
            .iter()
            .map(|kv| {
                let (k, v) = kv?;
                let id = keys::u64_from(&k).unwrap_or_default();
                Ok((id, decode(&v).map_err(|e| corrupt("heads", e))?))
            })
            .collect()
    }

    /// Rollup rows of a programme between two dates, inclusive.
    pub fn rollups(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<RollupRow>> {
        let (start, end) = keys::dated_range(program, from, to);
        self.rollups
            .range(start..end)
            .map(|kv| {
                let (k, v) = kv?;
                rollup_row(&k, &v)
            })
            .collect()
    }

    /// The verification of one revision, if a supervisor gave one.
    pub fn verification(&self, id: EntryId, revision: u32) -> Result<Option<super::Verification>> {
        self.verifications
            .get(keys::revision(id, revision))?
            .map(|v| decode(&v).map_err(|e| corrupt("verifications", e)))
            .transpose()
    }

    pub fn audit_records(&self) -> Result<Vec<AuditRecord>> {
        all(&self.audit, "audit")
    }

    /// When the first audit record was written: when the database began.
    pub fn first_audit_at(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let Some((_, value)) = self.audit.first()? else { return Ok(None) };
        Ok(Some(decode::<AuditRecord>(&value).map_err(|e| corrupt("audit", e))?.at))
    }

    pub fn entry_count(&self) -> usize {
        self.heads.len()
    }
}

pub(super) fn rollup_row(key: &[u8], value: &[u8]) -> Result<RollupRow> {
    let (program, date, kind, unit, item) = keys::rollup_parts(key)
        .ok_or_else(|| super::StoreError::Corrupt { tree: "rollups".into(), detail: "malformed key".into() })?;
    let rollup = decode(value).map_err(|e| corrupt("rollups", e))?;
    Ok(RollupRow { program, date, kind, unit, item, rollup })
}

//! Reads. Every value goes through the codec; a value that will not decode
//! is reported as corruption naming its tree, never skipped silently.

use std::sync::atomic::Ordering;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use super::audit::AuditRecord;
use super::codec::{Stored, decode};
use super::program_days;
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

/// One activity row: a day's entries and attendance for a programme and kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityRow {
    pub program: ProgramId,
    pub date: NaiveDate,
    pub kind: Kind,
    pub activity: super::rollup::Activity,
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

    /// The current revision of an entry: its last key in `entries`
    /// (revisions are numbered from 1 without gaps, so the highest is the
    /// current one; no separate head is kept, see migrate.rs).
    pub fn current(&self, id: EntryId) -> Result<Option<Entry>> {
        self.last_revision(id)?.map(|(_, v)| self.decode_entry(&v)).transpose()
    }

    pub fn revision(&self, id: EntryId, revision: u32) -> Result<Option<Entry>> {
        self.entries.get(keys::revision(id, revision))?.map(|v| self.decode_entry(&v)).transpose()
    }

    /// The current revision number of an entry.
    pub fn head(&self, id: EntryId) -> Result<Option<u32>> {
        Ok(self.last_revision(id)?.map(|(revision, _)| revision))
    }

    /// The highest revision of an entry and its stored bytes: one seek to
    /// the end of the entry's keys, nothing decoded.
    fn last_revision(&self, id: EntryId) -> Result<Option<(u32, sled::IVec)>> {
        let range = keys::revision(id, 0)..=keys::revision(id, u32::MAX);
        let Some(kv) = self.entries.range(range).next_back() else { return Ok(None) };
        let (key, value) = kv?;
        let (_, revision) = keys::revision_parts(&key).ok_or_else(short_entry_key)?;
        Ok(Some((revision, value)))
    }

    /// Every revision of an entry, oldest first.
    pub fn history(&self, id: EntryId) -> Result<Vec<Entry>> {
        self.entries.scan_prefix(id.to_be_bytes()).values().map(|v| self.decode_entry(&v?)).collect()
    }

    /// Every read of a revision comes through here, so that `entry_reads`
    /// counts them all.
    fn decode_entry(&self, bytes: &[u8]) -> Result<Entry> {
        self.entry_reads.fetch_add(1, Ordering::Relaxed);
        decode(bytes).map_err(|e| corrupt("entries", e))
    }

    /// How many revisions were read from `entries` since the store opened.
    pub fn entry_reads(&self) -> u64 {
        self.entry_reads.load(Ordering::Relaxed)
    }

    /// Current revisions of a programme's entries between two dates
    /// (inclusive), oldest first, through the programmes' index.
    pub fn program_entries(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<Entry>> {
        self.indexed(program, from, to)
    }

    /// A programme's newest entries dated before `before` (all of them when
    /// `None`), newest first (by date, then id, descending): at least
    /// `want` (one at the least) when that many exist, and whole days.
    /// Walks the programmes' index backwards and reads only the entries
    /// it returns. With them the oldest day taken, if older entries remain.
    pub fn newest_entries(
        &self,
        program: ProgramId,
        before: Option<NaiveDate>,
        want: usize,
    ) -> Result<(Vec<Entry>, Option<NaiveDate>)> {
        use std::ops::Bound;
        let lower = Bound::Included(keys::id32(program).to_vec());
        let upper = match (before, program.checked_add(1)) {
            (Some(before), _) => Bound::Excluded(program_days::day_key(program, before).to_vec()),
            (None, Some(next)) => Bound::Excluded(keys::id32(next).to_vec()),
            (None, None) => Bound::Unbounded,
        };
        let mut ids = Vec::new();
        let mut last_day = None;
        let mut older = None;
        // Whole days, newest first; a day's entries newest (highest id) first.
        for kv in self.program_days.range::<Vec<u8>, _>((lower, upper)).rev() {
            let (key, value) = kv?;
            if ids.len() >= want.max(1) {
                older = last_day;
                break;
            }
            ids.extend(program_days::ids(&key, &value)?.into_iter().rev());
            last_day = key.get(4..).and_then(keys::day_from);
        }
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(entry) = self.current(id)? {
                found.push(entry);
            }
        }
        Ok((found, older))
    }

    /// Current revisions of a site's entries between two dates, oldest
    /// first (by date, then id): those of the programmes the site runs now,
    /// through each programme's index keys. No site index is kept (it
    /// doubled the keys sled holds in memory, see migrate.rs).
    pub fn site_entries(&self, site: SiteId, from: NaiveDate, to: NaiveDate) -> Result<Vec<Entry>> {
        let mut found = Vec::new();
        for program in self.programs()?.into_iter().filter(|p| p.site == site) {
            found.extend(self.indexed(program.id, from, to)?);
        }
        found.sort_by_key(|e| (e.draft.date, e.id));
        Ok(found)
    }

    fn indexed(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<Entry>> {
        let mut found = Vec::new();
        for id in dated_ids(&self.program_days, Some(program), from, to)? {
            if let Some(entry) = self.current(id)? {
                found.push(entry);
            }
        }
        Ok(found)
    }

    /// Ids of the entries whose current revision falls between two dates
    /// (inclusive), of one programme or of all, from the index alone: no
    /// entry is read. One programme's are in date then id order; all
    /// programmes' come programme by programme (a range scan each).
    pub fn entry_ids(&self, program: Option<ProgramId>, from: NaiveDate, to: NaiveDate) -> Result<Vec<EntryId>> {
        dated_ids(&self.program_days, program, from, to)
    }

    /// Every revision of every entry, in id then revision order.
    pub fn all_revisions(&self) -> impl Iterator<Item = Result<Entry>> + '_ {
        self.entries.iter().values().map(|v| self.decode_entry(&v?))
    }

    /// Every entry's current revision, in id order: one pass over
    /// `entries`, where an entry's revisions are adjacent and its current
    /// one is the last of them; only that one is decoded. Holds nothing
    /// but the cursor and one undecoded value.
    pub fn current_entries(&self) -> impl Iterator<Item = Result<Entry>> + '_ {
        last_of_each(self.entries.iter()).map(|last| self.decode_entry(&last?.2))
    }

    /// The current revision number of every entry, from the keys alone.
    pub fn heads(&self) -> Result<Vec<(EntryId, u32)>> {
        last_of_each(self.entries.iter()).map(|last| last.map(|(id, revision, _)| (id, revision))).collect()
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

    /// Activity rows of a programme between two dates, inclusive.
    pub fn activities(&self, program: ProgramId, from: NaiveDate, to: NaiveDate) -> Result<Vec<ActivityRow>> {
        let (start, end) = keys::dated_range(program, from, to);
        let malformed = || super::StoreError::Corrupt { tree: "activity".into(), detail: "malformed key".into() };
        self.activity
            .range(start..end)
            .map(|kv| {
                let (k, v) = kv?;
                let (program, date, kind) = keys::activity_parts(&k).ok_or_else(malformed)?;
                Ok(ActivityRow { program, date, kind, activity: decode(&v).map_err(|e| corrupt("activity", e))? })
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

    /// How many entries there are: the distinct ids among the revisions'
    /// keys (a pass over the keys, as sled's own count of a tree is).
    pub fn entry_count(&self) -> usize {
        last_of_each(self.entries.iter()).count()
    }

    /// Every revision of every entry, voided and superseded ones included.
    pub fn revision_count(&self) -> usize {
        self.entries.len()
    }

    /// The schema the database is stamped with.
    pub fn schema(&self) -> Result<u32> {
        let bytes = self.meta.get(keys::META_SCHEMA)?.unwrap_or_default();
        decode(&bytes).map_err(|e| corrupt("meta", e))
    }
}

/// The last revision of each entry from a walk over `entries` in key
/// order (one entry's revisions are adjacent, oldest first): its id,
/// revision and stored bytes, undecoded.
pub(super) fn last_of_each(mut revisions: sled::Iter) -> impl Iterator<Item = Result<(EntryId, u32, sled::IVec)>> {
    let mut held: Option<(EntryId, u32, sled::IVec)> = None;
    std::iter::from_fn(move || {
        loop {
            match revisions.next() {
                Some(Ok((key, value))) => {
                    let Some((id, revision)) = keys::revision_parts(&key) else { return Some(Err(short_entry_key())) };
                    match held.replace((id, revision, value)) {
                        Some(last) if last.0 != id => return Some(Ok(last)),
                        _ => continue,
                    }
                }
                Some(Err(e)) => return Some(Err(e.into())),
                None => return held.take().map(Ok),
            }
        }
    })
}

fn short_entry_key() -> super::StoreError {
    super::StoreError::Corrupt { tree: "entries".into(), detail: "short key".into() }
}

/// Entry ids in the programmes' index (`program_days`) between two dates,
/// for one programme or every programme. Without an owner it seeks from one
/// owner's first key to the next owner's, so it reads only keys in range
/// plus one key per owner.
fn dated_ids(index: &sled::Tree, owner: Option<u32>, from: NaiveDate, to: NaiveDate) -> Result<Vec<EntryId>> {
    let short = || super::StoreError::Corrupt { tree: "index".into(), detail: "short key".into() };
    let mut ids = Vec::new();
    let mut current = owner.unwrap_or(0);
    loop {
        let (start, end) = keys::dated_range(current, from, to);
        if owner.is_none() {
            // The first key at or after (current, from) names the next owner
            // that has any entries from that day on.
            let Some(first) = index.range(start.as_slice()..).keys().next().transpose()? else { break };
            let found = keys::u32_from(&first).ok_or_else(short)?;
            if found != current {
                current = found;
                continue;
            }
        }
        for kv in index.range(start..end) {
            let (key, value) = kv?;
            ids.extend(program_days::ids(&key, &value)?);
        }
        match (owner, current.checked_add(1)) {
            (None, Some(next)) => current = next,
            _ => break,
        }
    }
    Ok(ids)
}

pub(super) fn rollup_row(key: &[u8], value: &[u8]) -> Result<RollupRow> {
    rollup_row_of(key, decode(value).map_err(|e| corrupt("rollups", e))?)
}

/// A row of a rollup key (daily or monthly) and its sum.
pub(super) fn rollup_row_of(key: &[u8], rollup: Rollup) -> Result<RollupRow> {
    let (program, date, kind, unit, item) = keys::rollup_parts(key)
        .ok_or_else(|| super::StoreError::Corrupt { tree: "rollups".into(), detail: "malformed key".into() })?;
    Ok(RollupRow { program, date, kind, unit, item, rollup })
}

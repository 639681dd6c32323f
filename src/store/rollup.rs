//! Daily totals per programme, date, kind, unit and item, kept in step with
//! the entries in the same transaction, so that monthly figures over five
//! years are a short range scan instead of a scan of every entry.
//!
//! Beside them, in the `activity` tree, the day's entries and attendance
//! per programme, date and kind (sessions, WBP, officers, cadets and
//! WBP-hours of training), which quantities alone cannot give. That tree
//! came without a schema change: a database opened without its marker
//! (`keys::META_ACTIVITY`) has it built once from the entries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sled::transaction::TransactionalTree;

use super::StoreError;
use super::codec::{decode, encode};
use super::write::{TxResult, abort};
use crate::domain::entry::{Entry, Status};
use crate::domain::unit::Unit;

/// The sum of one day's done, current, unvoided quantities for one key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rollup {
    /// Thousandths of the unit.
    pub total: i64,
    /// How many entries contributed.
    pub entries: u32,
}

/// One day's entries of a programme and kind, and who took part in them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub entries: i64,
    pub participants: i64,
    pub officers: i64,
    pub cadets: i64,
    /// Thousandths of an hour times WBP: each entry's hours (its `jam`
    /// quantities) by its participants.
    pub participant_hours: i64,
}

impl Activity {
    fn of(entry: &Entry) -> Option<Activity> {
        let d = &entry.draft;
        let hours = d
            .quantities
            .iter()
            .filter(|q| q.unit == Unit::Jam)
            .try_fold(0i64, |sum, q| sum.checked_add(q.value.milli()))?;
        Some(Activity {
            entries: 1,
            participants: i64::from(d.participants),
            officers: i64::from(d.officers),
            cadets: i64::from(d.cadets),
            participant_hours: hours.checked_mul(i64::from(d.participants))?,
        })
    }

    /// This activity with `other` times `sign` added; `None` past i64.
    pub fn plus(self, other: Activity, sign: i64) -> Option<Activity> {
        let add = |a: i64, b: i64| a.checked_add(b.checked_mul(sign)?);
        Some(Activity {
            entries: add(self.entries, other.entries)?,
            participants: add(self.participants, other.participants)?,
            officers: add(self.officers, other.officers)?,
            cadets: add(self.cadets, other.cadets)?,
            participant_hours: add(self.participant_hours, other.participant_hours)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        *self == Activity::default()
    }
}

/// Rollup changes keyed by rollup key, and activity changes keyed by
/// activity key; applied in one go per transaction.
#[derive(Default, Debug)]
pub struct Deltas(pub BTreeMap<Vec<u8>, (i64, i64)>, pub BTreeMap<Vec<u8>, Activity>);

impl Deltas {
    /// Adds (`sign` = 1) or takes away (`sign` = -1) one revision's quantities.
    /// Checked: a sum past i64 is an error, never a wrap (two values of 2^62
    /// thousandths once made a daily total negative). Validation keeps each
    /// value under its unit's maximum, so only absurd volumes can get here.
    pub fn apply(&mut self, entry: &Entry, sign: i64) -> Result<(), StoreError> {
        if !counts_in_totals(entry) {
            return Ok(());
        }
        let d = &entry.draft;
        for q in &d.quantities {
            let key = super::keys::rollup(d.program, d.date, d.kind, q.unit, &q.item);
            let slot = self.0.entry(key).or_insert((0, 0));
            let value = q.value.milli().checked_mul(sign).ok_or(StoreError::TotalOverflow)?;
            slot.0 = slot.0.checked_add(value).ok_or(StoreError::TotalOverflow)?;
            slot.1 = slot.1.checked_add(sign).ok_or(StoreError::TotalOverflow)?;
        }
        let key = super::keys::activity(d.program, d.date, d.kind);
        let slot = self.1.entry(key).or_default();
        let change = Activity::of(entry).ok_or(StoreError::TotalOverflow)?;
        *slot = slot.plus(change, sign).ok_or(StoreError::TotalOverflow)?;
        Ok(())
    }

    /// Writes the changes into the rollups and the activity, inside the
    /// transaction that writes the entries they come from. A row that
    /// comes to nothing is removed.
    pub(super) fn write(&self, rollups: &TransactionalTree, activity: &TransactionalTree) -> TxResult<()> {
        for (key, (total, count)) in &self.0 {
            let old = match rollups.get(key)? {
                Some(bytes) => decode::<Rollup>(&bytes).or_else(|e| abort(super::corrupt("rollups", e)))?,
                None => Rollup::default(),
            };
            let Some(new) = old.plus(*total, *count) else { return abort(StoreError::TotalOverflow) };
            if new.is_empty() {
                rollups.remove(key.as_slice())?;
            } else {
                rollups.insert(key.as_slice(), encode(&new))?;
            }
        }
        for (key, change) in &self.1 {
            let old = match activity.get(key)? {
                Some(bytes) => decode::<Activity>(&bytes).or_else(|e| abort(super::corrupt("activity", e)))?,
                None => Activity::default(),
            };
            let Some(new) = old.plus(*change, 1) else { return abort(StoreError::TotalOverflow) };
            if new.is_empty() {
                activity.remove(key.as_slice())?;
            } else {
                activity.insert(key.as_slice(), encode(&new))?;
            }
        }
        Ok(())
    }
}

/// Totals are of work done: pending (planned) and voided entries do not count.
pub fn counts_in_totals(entry: &Entry) -> bool {
    entry.counts() && entry.draft.status == Status::Done
}

impl Rollup {
    /// This rollup changed by a delta; `None` if the total or the count
    /// would leave its type.
    pub fn plus(self, total: i64, entries: i64) -> Option<Rollup> {
        let total = self.total.checked_add(total)?;
        let entries = i64::from(self.entries).checked_add(entries)?.max(0);
        Some(Rollup { total, entries: u32::try_from(entries).ok()? })
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0 && self.entries == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::entry::Quantity;
    use crate::domain::{Amount, Kind, Unit};

    fn entry(id: u64, milli: i64) -> Entry {
        let quantity = Quantity { value: Amount::from_milli(milli), unit: Unit::Kg, item: "cabai".into() };
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        crate::domain::entry::test_entry(id, date, Kind::Harvest, quantity)
    }

    #[test]
    fn an_overflowing_sum_is_an_error_not_a_negative_total() {
        let mut deltas = Deltas::default();
        deltas.apply(&entry(1, 1 << 62), 1).unwrap();
        assert_eq!(deltas.apply(&entry(2, 1 << 62), 1), Err(StoreError::TotalOverflow));
        assert!(deltas.0.values().all(|(total, _)| *total >= 0));
        assert_eq!(Rollup { total: i64::MAX, entries: 1 }.plus(1, 1), None);
        assert_eq!(Rollup { total: 5, entries: 1 }.plus(-5, -1), Some(Rollup::default()));
    }
}

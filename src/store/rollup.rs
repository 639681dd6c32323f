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

use chrono::NaiveDate;
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
        self.apply_activity(entry, sign)
    }

    /// The activity part of `apply` alone (entries and attendance of the
    /// day), for an entry that counts in the totals.
    pub fn apply_activity(&mut self, entry: &Entry, sign: i64) -> Result<(), StoreError> {
        let d = &entry.draft;
        let key = super::keys::activity(d.program, d.date, d.kind);
        let slot = self.1.entry(key).or_default();
        let change = Activity::of(entry).ok_or(StoreError::TotalOverflow)?;
        *slot = slot.plus(change, sign).ok_or(StoreError::TotalOverflow)?;
        Ok(())
    }

    /// Writes the activity changes, inside the transaction that writes the
    /// entries they come from (the rollups go through `apply_rollups`, daily
    /// and monthly). A row that comes to nothing is removed.
    pub(super) fn write_activity(&self, activity: &TransactionalTree) -> TxResult<()> {
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

/// A month's sum of daily rollups (tree `monthly`): wider than a day's,
/// since days that each fit an i64 may not fit one together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthRollup {
    pub total: i128,
    pub entries: u64,
}

/// What both kinds of stored sum do with a change.
pub trait Sum: Copy + Default + super::codec::Stored {
    /// This sum changed by a delta; `None` if it would leave its type.
    fn plus_wide(self, total: i128, entries: i64) -> Option<Self>;
    fn is_nothing(&self) -> bool;
}

impl Sum for Rollup {
    fn plus_wide(self, total: i128, entries: i64) -> Option<Self> {
        self.plus(i64::try_from(total).ok()?, entries)
    }

    fn is_nothing(&self) -> bool {
        self.is_empty()
    }
}

impl Sum for MonthRollup {
    fn plus_wide(self, total: i128, entries: i64) -> Option<Self> {
        let total = self.total.checked_add(total)?;
        let entries = i128::from(self.entries).checked_add(i128::from(entries))?.max(0);
        Some(MonthRollup { total, entries: u64::try_from(entries).ok()? })
    }

    fn is_nothing(&self) -> bool {
        self.total == 0 && self.entries == 0
    }
}

impl MonthRollup {
    /// As a day's rollup, for sums in i64: an error past it.
    pub fn narrow(self) -> Result<Rollup, StoreError> {
        let total = i64::try_from(self.total).map_err(|_| StoreError::TotalOverflow)?;
        let entries = u32::try_from(self.entries).map_err(|_| StoreError::TotalOverflow)?;
        Ok(Rollup { total, entries })
    }
}

/// Changes to stored sums by key, wide enough for a month of days.
#[derive(Default, Debug)]
pub struct WideDeltas(pub BTreeMap<Vec<u8>, (i128, i64)>);

impl Deltas {
    /// The changes as they are, to apply to the daily rollups.
    pub fn wide(&self) -> WideDeltas {
        WideDeltas(self.0.iter().map(|(k, (total, count))| (k.clone(), (i128::from(*total), *count))).collect())
    }

    /// The same changes summed by month: each key's date becomes the first
    /// of its month (tree `monthly`), so that totals over years read a
    /// row per month instead of one per day.
    pub fn monthly(&self) -> WideDeltas {
        let mut months = WideDeltas::default();
        for (key, (total, count)) in &self.0 {
            let slot = months.0.entry(monthly_key(key)).or_insert((0, 0));
            slot.0 = slot.0.saturating_add(i128::from(*total));
            slot.1 = slot.1.saturating_add(*count);
        }
        months
    }
}

/// A daily rollup key's monthly key: its date made the first of its month.
pub fn monthly_key(daily: &[u8]) -> Vec<u8> {
    let mut key = daily.to_vec();
    if let Some(date) = daily.get(4..).and_then(super::keys::day_from) {
        key[4..8].copy_from_slice(&super::keys::day(super::stock::month_of(date)));
    }
    key
}

impl super::Store {
    /// Builds the monthly rollups from the daily ones if the marker says
    /// they are missing (a database written before they existed): once,
    /// at open. One pass over `rollups`, holding one month's keys at a time
    /// (the daily keys run programme by programme, day by day).
    pub(super) fn ensure_monthly(&self) -> Result<(), StoreError> {
        if self.meta.contains_key(super::keys::META_MONTHLY)? {
            return Ok(());
        }
        self.write(|| {
            self.monthly.clear()?;
            let mut month: Option<Vec<u8>> = None;
            let mut sums: BTreeMap<Vec<u8>, MonthRollup> = BTreeMap::new();
            let flush = |sums: &mut BTreeMap<Vec<u8>, MonthRollup>| -> Result<(), StoreError> {
                let mut batch = sled::Batch::default();
                for (key, rollup) in std::mem::take(sums) {
                    batch.insert(key, super::codec::encode(&rollup));
                }
                Ok(self.monthly.apply_batch(batch)?)
            };
            for kv in self.rollups.iter() {
                let (key, value) = kv?;
                let rollup: Rollup = super::codec::decode(&value).map_err(|e| super::corrupt("rollups", e))?;
                let monthly = monthly_key(&key);
                if month.as_deref() != monthly.get(..8) {
                    flush(&mut sums)?;
                    month = monthly.get(..8).map(<[u8]>::to_vec);
                }
                let slot = sums.entry(monthly).or_default();
                let sum = slot.plus_wide(i128::from(rollup.total), i64::from(rollup.entries));
                *slot = sum.ok_or(StoreError::TotalOverflow)?;
            }
            flush(&mut sums)?;
            self.meta.insert(super::keys::META_MONTHLY, super::codec::encode(&1u32))?;
            Ok(())
        })
    }

    /// Rollup rows of a programme between two dates, inclusive, for sums:
    /// whole months from the monthly rollups (dated the first of their
    /// month), the days at either end from the daily ones.
    pub fn rollups_for_sums(
        &self,
        program: crate::domain::reference::ProgramId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<super::RollupRow>, StoreError> {
        use chrono::Datelike;
        let first_whole = if from.day() == 1 { Some(from) } else { next_month(from) };
        // The last day of the last whole month: `to` itself if a month ends there.
        let last_whole = match to.succ_opt() {
            Some(next) if next.day() != 1 => super::stock::month_of(to).pred_opt(),
            _ => Some(to),
        };
        let (Some(first), Some(last)) = (first_whole, last_whole) else { return self.rollups(program, from, to) };
        if first > last {
            return self.rollups(program, from, to);
        }
        let mut rows = Vec::new();
        if from < first {
            rows.extend(self.rollups(program, from, first.pred_opt().unwrap_or(first))?);
        }
        let (start, end) = super::keys::dated_range(program, first, last);
        for kv in self.monthly.range(start..end) {
            let (k, v) = kv?;
            let month: MonthRollup = super::codec::decode(&v).map_err(|e| super::corrupt("monthly", e))?;
            rows.push(super::read::rollup_row_of(&k, month.narrow()?)?);
        }
        if let Some(after) = last.succ_opt().filter(|after| *after <= to) {
            rows.extend(self.rollups(program, after, to)?);
        }
        Ok(rows)
    }
}

/// The first day of the month after `date`'s.
fn next_month(date: NaiveDate) -> Option<NaiveDate> {
    use chrono::Months;
    super::stock::month_of(date).checked_add_months(Months::new(1))
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

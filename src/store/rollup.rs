//! Daily totals per programme, date, kind, unit and item, kept in step with
//! the entries in the same transaction, so that monthly figures over five
//! years are a short range scan instead of a scan of every entry.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::domain::entry::{Entry, Status};

/// The sum of one day's done, current, unvoided quantities for one key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rollup {
    /// Thousandths of the unit.
    pub total: i64,
    /// How many entries contributed.
    pub entries: u32,
}

/// Rollup changes keyed by rollup key; applied in one go per transaction.
#[derive(Default, Debug)]
pub struct Deltas(pub BTreeMap<Vec<u8>, (i64, i64)>);

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

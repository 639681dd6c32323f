//! Daily totals per programme, date, kind, unit and item, kept in step with
//! the entries in the same transaction, so that monthly figures over five
//! years are a short range scan instead of a scan of every entry.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
    pub fn apply(&mut self, entry: &Entry, sign: i64) {
        if !counts_in_totals(entry) {
            return;
        }
        let d = &entry.draft;
        for q in &d.quantities {
            let key = super::keys::rollup(d.program, d.date, d.kind, q.unit, &q.item);
            let slot = self.0.entry(key).or_insert((0, 0));
            slot.0 += sign * q.value.milli();
            slot.1 += sign;
        }
    }
}

/// Totals are of work done: pending (planned) and voided entries do not count.
pub fn counts_in_totals(entry: &Entry) -> bool {
    entry.counts() && entry.draft.status == Status::Done
}

impl Rollup {
    pub fn plus(self, total: i64, entries: i64) -> Rollup {
        Rollup { total: self.total + total, entries: (i64::from(self.entries) + entries).max(0) as u32 }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0 && self.entries == 0
    }
}

//! Livestock head counts the way farmOS derives inventory: the newest count
//! (a reset) is the base, later births and purchases add, deaths and sales
//! subtract. Only done, current, unvoided revisions take part.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::amount::Amount;
use super::entry::{Entry, EntryDraft, Status};
use super::sector::InventoryEffect;
use super::unit::Unit;

/// Head count per species (item) at the end of `at`. Entries of one day
/// apply in the order they were recorded (by id), as farmOS orders by time.
pub fn head_counts(entries: &[Entry], at: NaiveDate) -> BTreeMap<String, i64> {
    let mut relevant: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.counts() && e.draft.status == Status::Done && e.draft.date <= at)
        .filter(|e| e.draft.kind.inventory_effect() != InventoryEffect::None)
        .collect();
    relevant.sort_by_key(|e| (e.draft.date, e.id));
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for entry in relevant {
        let effect = entry.draft.kind.inventory_effect();
        for q in entry.draft.quantities.iter().filter(|q| q.unit == Unit::Ekor) {
            let heads = q.value.milli() / Amount::whole(1).milli();
            let count = counts.entry(q.item.clone()).or_insert(0);
            match effect {
                InventoryEffect::Reset => *count = heads,
                // Saturating: values are within their unit's maximum, but a
                // count must not wrap (or panic) even on a damaged store.
                InventoryEffect::Increment => *count = count.saturating_add(heads),
                InventoryEffect::Decrement => *count = count.saturating_sub(heads),
                InventoryEffect::None => {}
            }
        }
    }
    counts
}

/// The species a death or sale would take below zero, with the count on
/// hand and the count it would leave. Stock below zero is a fact to flag
/// (a miscount, an animal born unrecorded), not a forbidden state: the
/// interface asks the officer to confirm with a reason before saving.
pub fn below_zero(herd: &BTreeMap<String, i64>, draft: &EntryDraft) -> Vec<(String, i64, i64)> {
    if draft.kind.inventory_effect() != InventoryEffect::Decrement {
        return Vec::new();
    }
    let mut left: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for q in draft.quantities.iter().filter(|q| q.unit == Unit::Ekor) {
        let on_hand = herd.get(&q.item).copied().unwrap_or(0);
        let heads = q.value.milli() / Amount::whole(1).milli();
        let (_, after) = left.entry(q.item.as_str()).or_insert((on_hand, on_hand));
        *after = after.saturating_sub(heads);
    }
    left.into_iter()
        .filter(|(_, (_, after))| *after < 0)
        .map(|(item, (on, after))| (item.to_string(), on, after))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::entry::Quantity;
    use crate::domain::sector::Kind;

    fn entry(id: u64, day: u32, kind: Kind, qty: &str) -> Entry {
        let date = NaiveDate::from_ymd_opt(2026, 1, day).unwrap();
        crate::domain::entry::test_entry(id, date, kind, Quantity::parse(qty).unwrap())
    }

    #[test]
    fn newest_reset_then_increments_and_decrements() {
        let entries = vec![
            entry(1, 1, Kind::HeadCount, "40 ekor domba"),
            entry(2, 2, Kind::Birth, "3 ekor domba"),
            entry(3, 3, Kind::HeadCount, "45 ekor domba"),
            entry(4, 4, Kind::Sale, "5 ekor domba"),
            entry(5, 4, Kind::Purchase, "2 ekor kambing"),
            entry(6, 9, Kind::Death, "1 ekor domba"),
        ];
        let at = |day| head_counts(&entries, NaiveDate::from_ymd_opt(2026, 1, day).unwrap());
        assert_eq!(at(2)["domba"], 43);
        assert_eq!(at(3)["domba"], 45);
        assert_eq!(at(5)["domba"], 40);
        assert_eq!(at(5)["kambing"], 2);
        assert_eq!(at(9)["domba"], 39);
    }

    #[test]
    fn voided_and_pending_entries_do_not_count() {
        let mut voided = entry(2, 2, Kind::Birth, "3 ekor domba");
        voided.voided = true;
        let mut pending = entry(3, 2, Kind::Birth, "4 ekor domba");
        pending.draft.status = Status::Pending;
        let entries = vec![entry(1, 1, Kind::HeadCount, "40 ekor domba"), voided, pending];
        assert_eq!(head_counts(&entries, NaiveDate::from_ymd_opt(2026, 1, 5).unwrap())["domba"], 40);
    }

    #[test]
    fn a_death_past_the_herd_is_flagged_with_what_it_would_leave() {
        let herd = BTreeMap::from([("domba".to_string(), 44)]);
        let death = entry(1, 1, Kind::Death, "100 ekor domba").draft;
        assert_eq!(below_zero(&herd, &death), [("domba".to_string(), 44, -56)]);
        let fine = entry(1, 1, Kind::Death, "44 ekor domba").draft;
        assert!(below_zero(&herd, &fine).is_empty());
        let birth = entry(1, 1, Kind::Birth, "100 ekor kambing").draft;
        assert!(below_zero(&herd, &birth).is_empty(), "only deaths and sales take away");
    }
}

//! Livestock head counts the way farmOS derives inventory: the newest count
//! (a reset) is the base, later births and purchases add, deaths and sales
//! subtract. Only done, current, unvoided revisions take part.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use serde::{Deserialize, Serialize};

use super::amount::Amount;
use super::entry::{Entry, EntryDraft, EntryId, Status};
use super::sector::InventoryEffect;
use super::text::item_key;
use super::unit::Unit;

/// Head count per species at the end of `at`. Entries of one day
/// apply in the order they were recorded (by id), as farmOS orders by time.
/// This reads the whole history: the reference that the store's monthly
/// stock (`net_of`, `apply_net`) is tested against.
pub fn head_counts(entries: &[Entry], at: NaiveDate) -> BTreeMap<String, i64> {
    let mut moves: Vec<Movement> = entries.iter().flat_map(movements).filter(|m| m.date <= at).collect();
    moves.sort_by_key(Movement::order);
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for m in &moves {
        m.apply(&mut counts);
    }
    counts
}

/// What one quantity of a done, current, unvoided livestock entry does to
/// one species' count: the facts a head count needs, kept by the store a
/// month at a time so that a head count never reads the entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub date: NaiveDate,
    pub id: EntryId,
    /// Which of the entry's quantities in heads: they apply in their order.
    pub place: u16,
    /// The species' key (`item_key`): "Domba" and "domba" are one herd.
    pub item: String,
    pub step: Step,
}

/// A reset to a count, or heads added or taken away.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Set(i64),
    Add(i64),
    Take(i64),
}

impl Movement {
    /// The order movements apply in: by day, then as recorded.
    pub fn order(&self) -> (NaiveDate, EntryId, u16) {
        (self.date, self.id, self.place)
    }

    pub fn apply(&self, counts: &mut BTreeMap<String, i64>) {
        let count = counts.entry(self.item.clone()).or_insert(0);
        // Saturating: values are within their unit's maximum, but a count
        // must not wrap (or panic) even on a damaged store.
        *count = match self.step {
            Step::Set(heads) => heads,
            Step::Add(heads) => count.saturating_add(heads),
            Step::Take(heads) => count.saturating_sub(heads),
        };
    }
}

/// The movements an entry makes: none unless it is done, current,
/// unvoided and of a kind that changes a herd; one per quantity in heads.
pub fn movements(entry: &Entry) -> Vec<Movement> {
    let effect = entry.draft.kind.inventory_effect();
    if !entry.counts() || entry.draft.status != Status::Done || effect == InventoryEffect::None {
        return Vec::new();
    }
    let ekor = entry.draft.quantities.iter().filter(|q| q.unit == Unit::Ekor);
    ekor.zip(0u16..)
        .map(|(q, place)| {
            let heads = q.value.milli() / Amount::whole(1).milli();
            let step = match effect {
                InventoryEffect::Reset => Step::Set(heads),
                InventoryEffect::Increment => Step::Add(heads),
                _ => Step::Take(heads),
            };
            Movement { date: entry.draft.date, id: entry.id, place, item: item_key(&q.item), step }
        })
        .collect()
}

/// What a run of movements does to one species' count, whatever it was
/// before: sets it (a count happened) or shifts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Net {
    Set(i64),
    Shift(i64),
}

impl Net {
    fn then(self, step: Step) -> Net {
        let shift = |n: i64| match self {
            Net::Set(c) => Net::Set(c.saturating_add(n)),
            Net::Shift(d) => Net::Shift(d.saturating_add(n)),
        };
        match step {
            Step::Set(c) => Net::Set(c),
            Step::Add(n) => shift(n),
            Step::Take(n) => shift(n.saturating_neg()),
        }
    }
}

/// The net of each species' movements (given in their order): a month of
/// them then applies in one step per species.
pub fn net_of(moves: &[Movement]) -> BTreeMap<String, Net> {
    let mut net: BTreeMap<String, Net> = BTreeMap::new();
    for m in moves {
        let slot = net.entry(m.item.clone()).or_insert(Net::Shift(0));
        *slot = slot.then(m.step);
    }
    net
}

/// Counts after a whole period whose net is `net`: what applying its
/// movements one by one gives (short of sums past i64, which values within
/// their units' maxima never reach).
pub fn apply_net(counts: &mut BTreeMap<String, i64>, net: &BTreeMap<String, Net>) {
    for (item, n) in net {
        let count = counts.entry(item.clone()).or_insert(0);
        *count = match n {
            Net::Set(c) => *c,
            Net::Shift(d) => count.saturating_add(*d),
        };
    }
}

/// The species a death or sale would take below zero, with the count on
/// hand and the count it would leave. Stock below zero is a fact to flag
/// (a miscount, an animal born unrecorded), not a forbidden state: the
/// interface asks the officer to confirm with a reason before saving.
/// Species are matched by `item_key` (the herd may be named "Domba", the
/// death typed "domba"); each is named as the draft first spells it.
pub fn below_zero(herd: &BTreeMap<String, i64>, draft: &EntryDraft) -> Vec<(String, i64, i64)> {
    if draft.kind.inventory_effect() != InventoryEffect::Decrement {
        return Vec::new();
    }
    let on_hand: BTreeMap<String, i64> = herd.iter().map(|(species, n)| (item_key(species), *n)).collect();
    let mut left: BTreeMap<String, (&str, i64, i64)> = BTreeMap::new();
    for q in draft.quantities.iter().filter(|q| q.unit == Unit::Ekor) {
        let key = item_key(&q.item);
        let on = on_hand.get(&key).copied().unwrap_or(0);
        let heads = q.value.milli() / Amount::whole(1).milli();
        let (_, _, after) = left.entry(key).or_insert((q.item.as_str(), on, on));
        *after = after.saturating_sub(heads);
    }
    left.into_values()
        .filter(|(_, _, after)| *after < 0)
        .map(|(item, on, after)| (item.to_string(), on, after))
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
        // The herd named "Domba", the death typed "domba": one species.
        let herd = BTreeMap::from([("Domba".to_string(), 44)]);
        assert_eq!(below_zero(&herd, &death), [("domba".to_string(), 44, -56)]);
    }

    #[test]
    fn one_species_whatever_its_capitals() {
        let entries = vec![
            entry(1, 1, Kind::HeadCount, "40 ekor Domba"),
            entry(2, 2, Kind::Birth, "3 ekor domba"),
            entry(3, 3, Kind::Death, "1 ekor DOMBA"),
        ];
        let counts = head_counts(&entries, NaiveDate::from_ymd_opt(2026, 1, 5).unwrap());
        assert_eq!(counts, BTreeMap::from([("domba".to_string(), 42)]), "one herd, under its key");
    }
}

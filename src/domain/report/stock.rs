//! Livestock stock at the end of each month, from daily rollups of head
//! counts, births, purchases, deaths and sales (the rules of
//! `domain::inventory`, by day).
//!
//! THE one place month-end stock is worked out for reports, so that the
//! monthly stock checkpoints can replace the walk from the first day.
//!
//! Daily totals lose the order of one day's entries, so a day is read as:
//! its head count first (the count taken that morning), then its births,
//! purchases, deaths and sales. Two counts of one species on one day are
//! taken as their mean (one count is itself).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::DayTotal;
use super::period::Period;
use crate::domain::amount::SCALE;
use crate::domain::sector::{InventoryEffect, Kind};
use crate::domain::text::item_key;
use crate::domain::unit::Unit;

/// One species over one month (cut to the report's period).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMonth {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub item: String,
    /// Head at the end of `to`.
    pub stock: i64,
    pub births: i64,
    pub purchases: i64,
    pub deaths: i64,
    pub sales: i64,
    /// The lowest day-end stock in the month: below zero is a warning
    /// (a miscount, or a birth not recorded).
    pub lowest: i64,
}

impl StockMonth {
    /// A month with no births, purchases, deaths or sales (yet).
    fn quiet(month: &Period, item: &str, lowest: i64) -> StockMonth {
        StockMonth {
            from: month.from,
            to: month.to,
            item: item.to_string(),
            stock: 0,
            births: 0,
            purchases: 0,
            deaths: 0,
            sales: 0,
            lowest,
        }
    }

    pub fn went_below_zero(&self) -> bool {
        self.lowest < 0
    }
}

#[derive(Default, Clone, Copy)]
struct Day {
    count: Option<(i64, i64)>,
    births: i64,
    purchases: i64,
    deaths: i64,
    sales: i64,
}

/// Month-end stock per species for each month of `months` (in order),
/// from one programme's rows from its first day to the last month's end.
/// Rows of other kinds and units are ignored.
pub fn month_end_stock<'a>(rows: impl IntoIterator<Item = &'a DayTotal>, months: &[Period]) -> Vec<StockMonth> {
    // By species key ("Domba" and "domba" are one herd), each shown as
    // its first row spells it.
    let mut shown: BTreeMap<String, &str> = BTreeMap::new();
    let mut days: BTreeMap<(NaiveDate, String), Day> = BTreeMap::new();
    for row in rows.into_iter().filter(|r| r.unit == Unit::Ekor) {
        let heads = row.total / SCALE;
        let key = item_key(&row.item);
        shown.entry(key.clone()).or_insert(row.item.as_str());
        let day = days.entry((row.date, key)).or_default();
        match (row.kind.inventory_effect(), row.kind) {
            (InventoryEffect::Reset, _) => day.count = Some((heads, i64::from(row.entries.max(1)))),
            (_, Kind::Birth) => day.births += heads,
            (_, Kind::Purchase) => day.purchases += heads,
            (_, Kind::Death) => day.deaths += heads,
            (_, Kind::Sale) => day.sales += heads,
            _ => {}
        }
    }
    let items: BTreeSet<&str> = days.keys().map(|(_, item)| item.as_str()).collect();
    let mut out = Vec::new();
    let mut stock: BTreeMap<&str, i64> = BTreeMap::new();
    let mut walked = days.iter().peekable();
    for month in months {
        // Everything before the month moves the stock it starts from.
        let mut sums: BTreeMap<&str, StockMonth> = BTreeMap::new();
        while let Some(((date, item), day)) = walked.peek() {
            if *date > month.to {
                break;
            }
            let level = stock.entry(item).or_insert(0);
            if let Some((total, entries)) = day.count {
                *level = total / entries;
            }
            *level = level.saturating_add(day.births + day.purchases).saturating_sub(day.deaths + day.sales);
            if *date >= month.from {
                let sum = sums.entry(item).or_insert_with(|| StockMonth::quiet(month, shown[item.as_str()], i64::MAX));
                sum.births += day.births;
                sum.purchases += day.purchases;
                sum.deaths += day.deaths;
                sum.sales += day.sales;
                sum.lowest = sum.lowest.min(*level);
            }
            walked.next();
        }
        for item in &items {
            let level = stock.get(item).copied();
            let Some(level) = level else { continue };
            let mut row = sums.remove(item).unwrap_or_else(|| StockMonth::quiet(month, shown[*item], level));
            row.stock = level;
            // The stock carried in counts too: a month that starts below zero.
            row.lowest = row.lowest.min(level);
            out.push(row);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::entry::{Entry, Quantity};
    use crate::domain::inventory::head_counts;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn row(date: NaiveDate, kind: Kind, heads: i64, item: &str) -> DayTotal {
        DayTotal { program: 1, date, kind, unit: Unit::Ekor, item: item.into(), total: heads * SCALE, entries: 1 }
    }

    #[test]
    fn counts_reset_and_moves_add_and_take_away_month_by_month() {
        let rows = vec![
            row(d(1, 5), Kind::HeadCount, 40, "domba"),
            row(d(1, 9), Kind::Birth, 3, "domba"),
            row(d(2, 2), Kind::Sale, 5, "domba"),
            row(d(2, 3), Kind::Purchase, 2, "kambing"),
            row(d(3, 1), Kind::HeadCount, 37, "domba"),
            row(d(3, 1), Kind::Death, 1, "domba"),
        ];
        let months =
            [Period::month(2026, 1).unwrap(), Period::month(2026, 2).unwrap(), Period::month(2026, 3).unwrap()];
        let stock = month_end_stock(&rows, &months);
        let at = |m: u32, item: &str| stock.iter().find(|s| s.from.month0() + 1 == m && s.item == item).cloned();
        use chrono::Datelike;
        assert_eq!(at(1, "domba").unwrap().stock, 43);
        assert_eq!(at(1, "domba").unwrap().births, 3);
        assert!(at(1, "kambing").is_none(), "no kambing yet in January");
        assert_eq!((at(2, "domba").unwrap().stock, at(2, "domba").unwrap().sales), (38, 5));
        assert_eq!(at(2, "kambing").unwrap().stock, 2);
        assert_eq!(at(3, "domba").unwrap().stock, 36, "the count first, then the death");
        assert_eq!(at(3, "kambing").unwrap().stock, 2, "carried over a month with no moves");
    }

    #[test]
    fn stock_below_zero_is_flagged_in_the_month_it_happens() {
        let rows = vec![row(d(1, 1), Kind::HeadCount, 2, "domba"), row(d(2, 10), Kind::Death, 3, "domba")];
        let months = [Period::month(2026, 1).unwrap(), Period::month(2026, 2).unwrap()];
        let stock = month_end_stock(&rows, &months);
        assert!(!stock[0].went_below_zero());
        assert!(stock[1].went_below_zero());
        assert_eq!(stock[1].stock, -1);
    }

    #[test]
    fn one_entry_a_day_gives_what_the_entry_walk_gives() {
        let entry = |id, date, kind, heads: i64| -> Entry {
            let q = Quantity { value: crate::domain::Amount::whole(heads), unit: Unit::Ekor, item: "domba".into() };
            crate::domain::entry::test_entry(id, date, kind, q)
        };
        let entries = [
            entry(1, d(1, 2), Kind::HeadCount, 10),
            entry(2, d(1, 7), Kind::Birth, 4),
            entry(3, d(1, 20), Kind::Death, 2),
        ];
        let rows: Vec<DayTotal> = entries
            .iter()
            .map(|e| row(e.draft.date, e.draft.kind, e.draft.quantities[0].value.milli() / SCALE, "domba"))
            .collect();
        let stock = month_end_stock(&rows, &[Period::month(2026, 1).unwrap()]);
        assert_eq!(stock[0].stock, head_counts(&entries, d(1, 31))["domba"]);
    }
}

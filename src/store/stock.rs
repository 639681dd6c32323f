//! Livestock stock a month at a time, kept in step with the entries in the
//! same transaction (as rollups keep totals), so that a head count reads a
//! programme's monthly nets and one month's movements, never its entries.
//!
//! Tree `stock`, key programme (4), first day of the month (4), part (1):
//! part 0 the month's net per species (`Net`: set to a count, or shifted),
//! part 1 the month's movements in the order they apply (`Movement`). A
//! change rewrites the month it touches only: nets compose, so a
//! backdated correction leaves later months as they are. The marker
//! `keys::META_STOCK` says the tree is complete; a database written before
//! it existed gets it built once when opened (`ensure_stock`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sled::transaction::TransactionalTree;

use super::codec::{Stored, decode, encode};
use super::write::{TxResult, abort};
use super::{Result, Store, corrupt, keys};
use crate::domain::entry::{Entry, EntryId};
use crate::domain::inventory::{Movement, Net, apply_net, movements, net_of};
use crate::domain::reference::ProgramId;

/// A month's movements, in the order they apply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthMoves(pub Vec<Movement>);

/// A month's net per species.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthNet(pub BTreeMap<String, Net>);

impl Stored for MonthMoves {}
impl Stored for MonthNet {}

const NET: u8 = 0;
const MOVES: u8 = 1;

pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

pub(super) fn key(program: ProgramId, month: NaiveDate, part: u8) -> Vec<u8> {
    [&keys::id32(program)[..], &keys::day(month), &[part]].concat()
}

/// The month's two values for these movements (sorted here): none when
/// there are none.
pub(super) fn month_values(moves: Vec<Movement>) -> Option<(Vec<u8>, Vec<u8>)> {
    month_parts(moves).map(|(net, moves)| (encode(&net), encode(&moves)))
}

/// The same two parts as values, to compare with stored ones whatever
/// schema wrote them (`check`): the bytes carry the writer's schema.
pub(super) fn month_parts(mut moves: Vec<Movement>) -> Option<(MonthNet, MonthMoves)> {
    if moves.is_empty() {
        return None;
    }
    moves.sort_by_key(Movement::order);
    let net = MonthNet(net_of(&moves));
    Some((net, MonthMoves(moves)))
}

/// A month's two stored parts, if both read.
pub(super) fn stored_parts(net: &[u8], moves: &[u8]) -> Option<(MonthNet, MonthMoves)> {
    Some((decode(net).ok()?, decode(moves).ok()?))
}

/// The stock changes of one transaction, month by month: entries whose
/// movements go (an old revision) and movements that come.
#[derive(Default, Debug)]
pub(super) struct StockChanges {
    months: BTreeMap<(ProgramId, NaiveDate), (BTreeSet<EntryId>, Vec<Movement>)>,
}

impl StockChanges {
    /// The movements of a revision no longer current go.
    pub fn remove(&mut self, entry: &Entry) {
        if movements(entry).is_empty() {
            return;
        }
        let (gone, added) = self.months.entry((entry.draft.program, month_of(entry.draft.date))).or_default();
        gone.insert(entry.id);
        added.retain(|m| m.id != entry.id);
    }

    /// A new current revision's movements come.
    pub fn add(&mut self, entry: &Entry) {
        self.add_moves(entry.draft.program, movements(entry));
    }

    pub fn add_moves(&mut self, program: ProgramId, moves: Vec<Movement>) {
        for m in moves {
            self.months.entry((program, month_of(m.date))).or_default().1.push(m);
        }
    }

    /// Rewrites each month touched, inside the caller's transaction.
    pub fn write(&self, stock: &TransactionalTree) -> TxResult<()> {
        for ((program, month), (gone, added)) in &self.months {
            let moves_key = key(*program, *month, MOVES);
            let mut moves = match stock.get(&moves_key)? {
                Some(bytes) => decode::<MonthMoves>(&bytes).or_else(|e| abort(corrupt("stock", e)))?.0,
                None => Vec::new(),
            };
            moves.retain(|m| !gone.contains(&m.id));
            moves.extend(added.iter().cloned());
            match month_values(moves) {
                Some((net, moves)) => {
                    stock.insert(key(*program, *month, NET), net)?;
                    stock.insert(moves_key, moves)?;
                }
                None => {
                    stock.remove(key(*program, *month, NET))?;
                    stock.remove(moves_key)?;
                }
            }
        }
        Ok(())
    }
}

impl Store {
    /// Head count per species at the end of `at`, from the stock: every
    /// earlier month's net, then `at`'s month's movements up to that day.
    /// Reads no entry.
    pub fn herd(&self, program: ProgramId, at: NaiveDate) -> Result<BTreeMap<String, i64>> {
        let month = month_of(at);
        let mut counts = BTreeMap::new();
        for kv in self.stock.range(keys::id32(program).to_vec()..key(program, month, NET)) {
            let (k, v) = kv?;
            if k.get(8) == Some(&NET) {
                apply_net(&mut counts, &decode::<MonthNet>(&v).map_err(|e| corrupt("stock", e))?.0);
            }
        }
        if let Some(v) = self.stock.get(key(program, month, MOVES))? {
            let moves = decode::<MonthMoves>(&v).map_err(|e| corrupt("stock", e))?.0;
            for m in moves.iter().take_while(|m| m.date <= at) {
                m.apply(&mut counts);
            }
        }
        Ok(counts)
    }

    /// Builds the stock from the current entries if the marker says it is
    /// missing (a database written before it existed, or restored from
    /// such a backup): once, at open, before anything reads. Reads every
    /// current revision; holds only the livestock movements.
    pub(super) fn ensure_stock(&self) -> Result<()> {
        if self.meta.contains_key(keys::META_STOCK)? {
            return Ok(());
        }
        let mut months: BTreeMap<(ProgramId, NaiveDate), Vec<Movement>> = BTreeMap::new();
        for entry in self.current_entries() {
            let entry = entry?;
            for m in movements(&entry) {
                months.entry((entry.draft.program, month_of(m.date))).or_default().push(m);
            }
        }
        self.write(|| {
            self.stock.clear()?;
            let mut batch = sled::Batch::default();
            for ((program, month), moves) in months {
                if let Some((net, moves)) = month_values(moves) {
                    batch.insert(key(program, month, NET), net);
                    batch.insert(key(program, month, MOVES), moves);
                }
            }
            self.stock.apply_batch(batch)?;
            self.meta.insert(keys::META_STOCK, encode(&1u32))?;
            Ok(())
        })
    }

    pub(super) fn has_stock(&self) -> Result<bool> {
        Ok(self.meta.contains_key(keys::META_STOCK)?)
    }

    /// As a database written before the stock existed: no stock, no marker.
    #[cfg(test)]
    pub fn forget_stock_for_test(&self) -> Result<()> {
        self.stock.clear()?;
        self.meta.remove(keys::META_STOCK)?;
        self.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::entry::{EntryDraft, Quantity, Status};
    use crate::domain::officer::Nip;
    use crate::domain::reference_data::reference_data;
    use crate::domain::sector::Kind;
    use crate::store::check::Problem;
    use crate::store::{AuditAction, AuditNote, Change, OpenMode};

    fn note() -> AuditNote {
        let at = "2026-03-10T02:00:00Z".parse().unwrap();
        AuditNote { at, officer: None, action: AuditAction::EntryCorrected, detail: String::new(), user: "t".into() }
    }

    fn draft(day: u32, kind: Kind, qty: &str) -> EntryDraft {
        EntryDraft {
            program: 3,
            date: NaiveDate::from_ymd_opt(2026, 2, day).unwrap(),
            kind,
            quantities: vec![Quantity::parse(qty).unwrap()],
            participants: 1,
            officers: 0,
            cadets: 0,
            notes: "sakit".into(),
            status: Status::Done,
        }
    }

    #[test]
    fn check_finds_a_month_of_stock_or_totals_changed_and_a_lost_index_key_costs_no_total() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), OpenMode::CreateIfMissing).unwrap();
        store.init_reference(&reference_data(), &note()).unwrap();
        let nip = Nip::parse("198507142009121001").unwrap();
        let changes = [
            Change::Add(draft(1, Kind::HeadCount, "40 ekor domba")),
            Change::Add(draft(20, Kind::Death, "1 ekor domba")),
        ];
        let entries = store.commit(&changes, &nip, note().at, &note()).unwrap();
        assert_eq!(store.check().unwrap(), vec![]);
        let month = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        assert_eq!(store.herd(3, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()).unwrap()["domba"], 39);

        // A movement dropped from the month: the net no longer matches.
        let moves_key = key(3, month, MOVES);
        let mut moves = decode::<MonthMoves>(&store.stock.get(&moves_key).unwrap().unwrap()).unwrap();
        moves.0.pop();
        store.stock.insert(&moves_key, encode(&moves)).unwrap();
        assert_eq!(store.check().unwrap(), vec![Problem::StockWrong { program: 3, month }]);
        // A month no entry makes.
        let stray = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        store.stock.insert(key(3, stray, NET), encode(&MonthNet::default())).unwrap();
        let problems = store.check().unwrap();
        assert_eq!(
            problems,
            vec![Problem::StockWrong { program: 3, month: stray }, Problem::StockWrong { program: 3, month }]
        );
        store.forget_stock_for_test().unwrap();
        store.ensure_stock().unwrap();
        assert_eq!(store.check().unwrap(), vec![]);

        // A month's total changed: reported; built again from the daily
        // totals when the marker is gone, as in a database made before them.
        let (monthly, _) = store.monthly.iter().next().unwrap().unwrap();
        let wrong = crate::store::rollup::MonthRollup { total: 1, entries: 1 };
        store.monthly.insert(&monthly, encode(&wrong)).unwrap();
        let one = crate::store::Rollup { total: 1, entries: 1 };
        assert!(matches!(&store.check().unwrap()[..], [Problem::RollupWrong { found, .. }] if *found == one));
        store.meta.remove(keys::META_MONTHLY).unwrap();
        store.ensure_monthly().unwrap();
        assert_eq!(store.check().unwrap(), vec![]);

        // An index key lost: reported, and its entry still counts in its day's totals.
        let lost = keys::dated(3, entries[1].draft.date, entries[1].id);
        let day = super::super::program_days::day_key(3, entries[1].draft.date);
        let kept: Vec<u8> = store
            .program_days
            .get(day)
            .unwrap()
            .unwrap()
            .chunks(8)
            .filter(|id| id[..] != lost[8..])
            .flatten()
            .copied()
            .collect();
        store.program_days.insert(day, kept).unwrap();
        let problems = store.check().unwrap();
        let tree = super::super::program_days::TREE.into();
        assert_eq!(problems, vec![Problem::IndexMissing { tree, key: super::super::hex(&lost) }]);
    }
}

//! `herd_at` from the store's monthly stock: the same head counts as
//! reading the programme's whole history (`head_counts`), without reading
//! a single entry, whatever adds, corrections, voids and imports came
//! before.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use proptest::prelude::*;

use super::{Backend, Local, Records};
use crate::clock::FixedClock;
use crate::domain::Amount;
use crate::domain::date::wib;
use crate::domain::entry::{Entry, EntryDraft, Quantity, Status};
use crate::domain::officer::Nip;
use crate::domain::sector::Kind;
use crate::domain::unit::Unit;
use crate::records::OpenMode;
use crate::store::{AuditAction, AuditNote, Change};

/// Peternakan Domba, the reference data's livestock programme; 1 is a farm.
const HERD: u32 = 3;
const FARM: u32 = 1;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
}

fn nip() -> Nip {
    Nip::parse("198503122010121001").unwrap()
}

fn local(records: &Records) -> &Local {
    match &records.backend {
        Backend::Local(local) => local,
        Backend::Remote(_) => unreachable!("opened in this process"),
    }
}

fn note(local: &Local) -> AuditNote {
    AuditNote {
        at: local.clock.now(),
        officer: Some(nip()),
        action: AuditAction::EntryCorrected,
        detail: String::new(),
        user: "test".into(),
    }
}

/// Writes straight to the store: any shape of draft, as a damaged or old
/// database might hold.
fn commit(local: &Local, changes: &[Change]) -> Vec<Entry> {
    local.store().unwrap().commit(changes, &nip(), local.clock.now(), &note(local)).unwrap()
}

/// A livestock draft (or, on the farm, a harvest that moves no herd).
#[derive(Clone, Debug)]
struct Fact {
    program: u32,
    day: i64,
    kind: Kind,
    heads: i64,
    species: &'static str,
    /// A second species in the same entry (counted after the first).
    also: Option<i64>,
    done: bool,
}

impl Fact {
    fn draft(&self) -> EntryDraft {
        let ekor = |n: i64, item: &str| Quantity { value: Amount::whole(n), unit: Unit::Ekor, item: item.into() };
        let (kind, mut quantities) = if self.program == FARM {
            (Kind::Harvest, vec![Quantity { value: Amount::whole(self.heads), unit: Unit::Kg, item: "cabai".into() }])
        } else {
            (self.kind, vec![ekor(self.heads, self.species)])
        };
        if let (Some(n), true) = (self.also, self.program == HERD) {
            quantities.push(ekor(n, "kambing"));
        }
        EntryDraft {
            program: self.program,
            date: start() + Duration::days(self.day),
            kind,
            quantities,
            participants: 2,
            officers: 0,
            cadets: 0,
            // Deaths and sales must say why (`check` asks it of them).
            notes: "sakit".into(),
            status: if self.done { Status::Done } else { Status::Pending },
        }
    }
}

fn fact() -> impl Strategy<Value = Fact> {
    let kind = prop::sample::select(vec![Kind::HeadCount, Kind::Birth, Kind::Purchase, Kind::Death, Kind::Sale]);
    let program = prop::sample::select(vec![HERD, HERD, HERD, FARM]);
    // "Domba" and "DOMBA" are the herd of "domba": one species in the
    // stock, the head counts, the totals and `check`.
    let species = prop::sample::select(vec!["domba", "Domba", "DOMBA", "kambing"]);
    (program, 0i64..130, kind, 0i64..60, species, prop::option::of(1i64..9), prop::bool::weighted(0.85)).prop_map(
        |(program, day, kind, heads, species, also, done)| Fact { program, day, kind, heads, species, also, done },
    )
}

#[derive(Clone, Debug)]
enum Op {
    Add(Fact),
    /// Several entries in one transaction.
    Batch(Vec<Fact>),
    /// Entries through the staged import (stock written at its commit point).
    Import(Vec<Fact>),
    Correct {
        target: usize,
        fact: Fact,
    },
    Void {
        target: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => fact().prop_map(Op::Add),
        1 => prop::collection::vec(fact(), 1..5).prop_map(Op::Batch),
        1 => prop::collection::vec(fact(), 1..6).prop_map(Op::Import),
        3 => (any::<usize>(), fact()).prop_map(|(target, fact)| Op::Correct { target, fact }),
        1 => any::<usize>().prop_map(|target| Op::Void { target }),
    ]
}

/// Applies the operations; a correction or void of a voided entry is skipped.
fn build(local: &Local, ops: &[Op]) {
    let store = local.store().unwrap();
    let mut ids: Vec<(u64, u32, bool)> = Vec::new(); // id, head, voided
    for op in ops {
        match op {
            Op::Add(fact) => ids.extend(commit(local, &[Change::Add(fact.draft())]).iter().map(|e| (e.id, 1, false))),
            Op::Batch(facts) => {
                let changes: Vec<Change> = facts.iter().map(|f| Change::Add(f.draft())).collect();
                ids.extend(commit(local, &changes).iter().map(|e| (e.id, 1, false)));
            }
            Op::Import(facts) => {
                let import = store.stage_begin().unwrap();
                let drafts: Vec<EntryDraft> = facts.iter().map(Fact::draft).collect();
                store.stage_drafts(import, 0, &drafts).unwrap();
                let made =
                    store.stage_commit(import, drafts.len() as u64, &nip(), local.clock.now(), &note(local)).unwrap();
                ids.extend(made.map(|id| (id, 1, false)));
            }
            Op::Correct { target, fact } if !ids.is_empty() => {
                let slot = target % ids.len();
                let (id, head, voided) = ids[slot];
                if !voided {
                    let change = Change::Correct { id, base: head, draft: fact.draft(), reason: "salah".into() };
                    ids[slot] = (id, commit(local, &[change])[0].revision, false);
                }
            }
            Op::Void { target } if !ids.is_empty() => {
                let slot = target % ids.len();
                let (id, head, voided) = ids[slot];
                if !voided {
                    ids[slot] = (
                        id,
                        commit(local, &[Change::Void { id, base: head, reason: "ganda".into() }])[0].revision,
                        true,
                    );
                }
            }
            _ => {}
        }
    }
}

fn opened(dir: &std::path::Path) -> Records {
    let now = DateTime::parse_from_rfc3339("2025-10-31T09:00:00+07:00").unwrap().with_timezone(&Utc);
    let records = Records::open(dir, OpenMode::CreateIfMissing, Box::new(FixedClock(now)), wib()).unwrap();
    records.init(false).unwrap();
    records
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn a_head_count_from_the_stock_equals_the_history_and_reads_no_entry(
        ops in prop::collection::vec(op(), 1..40),
        days in prop::collection::vec(-3i64..140, 8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let records = opened(dir.path());
        let local = local(&records);
        build(local, &ops);
        let store = local.store().unwrap();
        // Month ends and the days around them, and days chosen at random.
        let month_ends = [29, 30, 60, 61, 91, 92, 121, 122];
        for at in days.iter().chain(&month_ends).map(|d| start() + Duration::days(*d)) {
            for program in [HERD, FARM] {
                let before = store.entry_reads();
                let herd = local.herd_at(program, at).unwrap();
                prop_assert_eq!(store.entry_reads(), before, "a head count read an entry");
                prop_assert_eq!(&herd, &local.head_counts(program, at).unwrap(), "programme {} at {}", program, at);
            }
        }
        // Totals over whole months come from the monthly rollups, the days
        // either side from the daily ones: the same sums as the entries'.
        let ranges = [(0, 29), (30, 60), (3, 100), (-40, 200), (15, 16), (29, 91)];
        for (from, to) in ranges.map(|(a, b)| (start() + Duration::days(a), start() + Duration::days(b))) {
            for program in [HERD, FARM] {
                prop_assert_eq!(local.totals(program, from, to).unwrap(), local.totals_by_scan(program, from, to).unwrap());
            }
        }
        prop_assert_eq!(store.check().unwrap(), vec![]);
    }
}

#[test]
fn a_database_without_the_stock_gets_it_built_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fact = |day, kind, heads| Fact { program: HERD, day, kind, heads, species: "domba", also: None, done: true };
    let at = start() + Duration::days(70);
    let want = {
        let records = opened(dir.path());
        let local = local(&records);
        build(
            local,
            &[
                Op::Add(fact(1, Kind::HeadCount, 40)),
                Op::Add(fact(35, Kind::Birth, 3)),
                Op::Add(fact(66, Kind::Sale, 5)),
                Op::Void { target: 1 },
            ],
        );
        let want = local.herd_at(HERD, at).unwrap();
        assert_eq!(want.get("domba"), Some(&35));
        local.store().unwrap().forget_stock_for_test().unwrap();
        assert_eq!(local.herd_at(HERD, at).unwrap().get("domba"), None, "the stock is gone");
        want
    };
    let records = reopened(dir.path());
    let local = local(&records);
    assert_eq!(local.herd_at(HERD, at).unwrap(), want, "built again at open");
    assert_eq!(local.store().unwrap().check().unwrap(), vec![]);
}

/// Opens a database this process held a moment ago: sled lets go of its
/// lock lazily, so "locked" is retried (yielding in between).
fn reopened(dir: &std::path::Path) -> Records {
    let now = DateTime::parse_from_rfc3339("2025-10-31T09:00:00+07:00").unwrap().with_timezone(&Utc);
    for _ in 0..1_000_000 {
        match Records::open(dir, OpenMode::Existing, Box::new(FixedClock(now)), wib()) {
            Ok(records) => return records,
            Err(super::Error::Store(crate::store::StoreError::Locked { .. })) => std::thread::yield_now(),
            Err(e) => panic!("{e:?}"),
        }
    }
    panic!("the database stayed locked")
}

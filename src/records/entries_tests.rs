//! `entries` (and so `export`) through the indexes: the same answer as
//! reading every revision, and only the reads the filter needs.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use proptest::prelude::*;

use super::{Backend, EntryFilter, Local, Records, RevisionState};
use crate::clock::FixedClock;
use crate::domain::Amount;
use crate::domain::date::wib;
use crate::domain::entry::{Entry, EntryDraft, Quantity, Status};
use crate::domain::officer::Nip;
use crate::domain::scale_demo::ScaleSpec;
use crate::domain::sector::Kind;
use crate::domain::unit::Unit;
use crate::records::OpenMode;
use crate::store::{AuditAction, AuditNote, Change};

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn local(records: &Records) -> &Local {
    match &records.backend {
        Backend::Local(local) => local,
        Backend::Remote(_) => unreachable!("opened in this process"),
    }
}

fn nip() -> Nip {
    Nip::parse("198503122010121001").unwrap()
}

/// Writes straight to the store: these tests are about reading.
fn commit(local: &Local, changes: &[Change]) -> Vec<Entry> {
    let note = AuditNote {
        at: local.clock.now(),
        officer: Some(nip()),
        action: AuditAction::EntryCorrected,
        detail: String::new(),
        user: "test".into(),
    };
    local.store().unwrap().commit(changes, &nip(), local.clock.now(), &note).unwrap()
}

/// Programmes 1 and 5 are both farms (at different sites), so a correction
/// may move a harvest from one to the other; 4 takes in waste.
fn draft(program: u32, date: NaiveDate, n: i64) -> EntryDraft {
    let (kind, unit, item) =
        if program == 4 { (Kind::WasteReceived, Unit::Kg, "sampah") } else { (Kind::Harvest, Unit::Kg, "cabai") };
    EntryDraft {
        program,
        date,
        kind,
        quantities: vec![Quantity { value: Amount::from_milli((n % 50 + 1) * 1000), unit, item: item.into() }],
        participants: 2,
        officers: 0,
        cadets: 0,
        notes: String::new(),
        status: Status::Done,
    }
}

#[derive(Clone, Debug)]
enum Op {
    Add { program: u32, day: i64 },
    Correct { target: usize, program: u32, day: i64 },
    Void { target: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let program = prop::sample::select(vec![1u32, 4, 5]);
    let farm = prop::sample::select(vec![1u32, 5]);
    prop_oneof![
        4 => (program, 0i64..90).prop_map(|(program, day)| Op::Add { program, day }),
        2 => (any::<usize>(), farm, 0i64..90).prop_map(|(target, program, day)| Op::Correct { target, program, day }),
        1 => any::<usize>().prop_map(|target| Op::Void { target }),
    ]
}

fn filter() -> impl Strategy<Value = EntryFilter> {
    let program = prop::option::of(prop::sample::select(vec![1u32, 3, 4, 5]));
    let date = prop::option::of((0i64..100).prop_map(|d| day(2025, 6, 1) + Duration::days(d - 5)));
    (program, date.clone(), date, any::<bool>()).prop_map(|(program, from, to, history)| EntryFilter {
        from,
        to,
        program,
        history,
    })
}

/// Applies the operations; a correction or void of an entry that no longer
/// takes one (voided) is skipped.
fn build(local: &Local, ops: &[Op]) {
    let mut ids: Vec<(u64, u32, bool, u32)> = Vec::new(); // id, head, voided, programme
    for (n, op) in ops.iter().enumerate() {
        let start = day(2025, 6, 1);
        match op {
            Op::Add { program, day } => {
                let e = &commit(local, &[Change::Add(draft(*program, start + Duration::days(*day), n as i64))])[0];
                ids.push((e.id, e.revision, false, *program));
            }
            Op::Correct { target, program, day } if !ids.is_empty() => {
                let slot = target % ids.len();
                let (id, head, voided, was) = ids[slot];
                // Waste stays waste; farms may swap.
                let program = if was == 4 { 4 } else { *program };
                if !voided {
                    let d = draft(program, start + Duration::days(*day), n as i64);
                    let change = Change::Correct { id, base: head, draft: d, reason: "salah tanggal".into() };
                    let e = &commit(local, &[change])[0];
                    ids[slot] = (id, e.revision, false, program);
                }
            }
            Op::Void { target } if !ids.is_empty() => {
                let slot = target % ids.len();
                let (id, head, voided, program) = ids[slot];
                if !voided {
                    let e = &commit(local, &[Change::Void { id, base: head, reason: "ganda".into() }])[0];
                    ids[slot] = (id, e.revision, true, program);
                }
            }
            _ => {}
        }
    }
}

/// What the indexes can find with history: revisions of the entries whose
/// current revision is in range (see `Local::entries`).
fn reachable(local: &Local, filter: &EntryFilter, found: Vec<(Entry, RevisionState)>) -> Vec<(Entry, RevisionState)> {
    let in_range = |e: &Entry| {
        filter.from.is_none_or(|f| e.draft.date >= f)
            && filter.to.is_none_or(|t| e.draft.date <= t)
            && filter.program.is_none_or(|p| p == e.draft.program)
    };
    found.into_iter().filter(|(e, _)| in_range(&local.store().unwrap().current(e.id).unwrap().unwrap())).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_indexed_reads_give_what_reading_every_revision_gives(
        ops in prop::collection::vec(op(), 1..40),
        filters in prop::collection::vec(filter(), 6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let clock = Box::new(FixedClock(at("2025-09-30T09:00:00+07:00")));
        let records = Records::open(dir.path(), OpenMode::CreateIfMissing, clock, wib()).unwrap();
        records.init(false).unwrap();
        let local = local(&records);
        build(local, &ops);
        for filter in filters.iter().chain([&EntryFilter::default(), &EntryFilter { history: true, ..Default::default() }]) {
            let indexed = local.entries(filter).unwrap();
            let scanned = local.entries_by_scan(filter).unwrap();
            if filter.history {
                prop_assert_eq!(&indexed, &reachable(local, filter, scanned.clone()), "{:?}", filter);
                // Only a revision whose entry moved out of range is missed.
                for (e, state) in &scanned {
                    if !indexed.contains(&(e.clone(), *state)) {
                        let current = local.store().unwrap().current(e.id).unwrap().unwrap();
                        prop_assert!(current.draft.date != e.draft.date || current.draft.program != e.draft.program);
                    }
                }
            } else {
                prop_assert_eq!(&indexed, &scanned, "{:?}", filter);
            }
        }
    }
}

#[test]
fn a_programme_month_reads_only_its_own_entries() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Box::new(FixedClock(at("2030-05-18T09:00:00+07:00")));
    let spec = ScaleSpec { years: 5, entries: 20_000, seed: 3 };
    let (records, outcome) = Records::create_scale_demo(dir.path(), clock, wib(), spec, &mut |_, _| Ok(())).unwrap();
    assert_eq!(outcome.init.demo_entries, 20_000);
    let local = local(&records);
    let month =
        EntryFilter { from: Some(day(2028, 3, 1)), to: Some(day(2028, 3, 31)), program: Some(1), history: false };
    // Two corrections and a void inside the month, so history has more to read.
    let inside = local.entries(&month).unwrap();
    let (a, b) = (&inside[0].0, &inside[1].0);
    commit(local, &[Change::Correct { id: a.id, base: a.revision, draft: a.draft.clone(), reason: "cek".into() }]);
    commit(local, &[Change::Correct { id: a.id, base: a.revision + 1, draft: a.draft.clone(), reason: "cek".into() }]);
    commit(local, &[Change::Void { id: b.id, base: b.revision, reason: "ganda".into() }]);

    let reads = |filter: &EntryFilter| {
        let before = local.store().unwrap().entry_reads();
        let found = local.entries(filter).unwrap();
        (found, local.store().unwrap().entry_reads() - before)
    };
    let (found, count) = reads(&month);
    assert_eq!(found, local.entries_by_scan(&month).unwrap());
    // Every current revision in the month is read once, the voided one too.
    assert_eq!(found.len() + 1, inside.len());
    assert_eq!(count, inside.len() as u64, "one read per entry of the programme-month");

    let history = EntryFilter { history: true, ..month.clone() };
    let (found, count) = reads(&history);
    assert_eq!(found, local.entries_by_scan(&history).unwrap());
    assert_eq!(found.len(), inside.len() + 3);
    assert_eq!(count, found.len() as u64, "the revisions of the programme-month's entries");

    let all = EntryFilter { program: None, ..month.clone() };
    let (found, count) = reads(&all);
    assert_eq!(found, local.entries_by_scan(&all).unwrap());
    assert!(found.len() > inside.len() && found.len() < 1_000, "{}", found.len());
    assert_eq!(count, found.len() as u64 + 1, "the month's entries across programmes, and the voided one");

    // The old way read all of them.
    let before = local.store().unwrap().entry_reads();
    local.entries_by_scan(&month).unwrap();
    assert_eq!(local.store().unwrap().entry_reads() - before, 20_003);
}

/// There is no site index: a site's entries are read through its
/// programmes' keys, and only they are read.
#[test]
fn a_sites_month_is_read_through_its_programmes_keys() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Box::new(FixedClock(at("2030-05-18T09:00:00+07:00")));
    let spec = ScaleSpec { years: 1, entries: 3_000, seed: 5 };
    let (records, _) = Records::create_scale_demo(dir.path(), clock, wib(), spec, &mut |_, _| Ok(())).unwrap();
    let local = local(&records);
    let store = local.store().unwrap();
    let (from, to) = (day(2030, 3, 1), day(2030, 3, 31));
    let programs = store.programs().unwrap();
    let sites: std::collections::BTreeSet<u32> = programs.iter().map(|p| p.site).collect();
    assert!(sites.len() > 1, "{sites:?}");
    let mut seen = 0;
    for site in sites {
        let here: Vec<u32> = programs.iter().filter(|p| p.site == site).map(|p| p.id).collect();
        // What reading every entry finds: the site's programmes' entries in
        // the month, voided ones included, by date then id.
        let mut expected: Vec<Entry> = store
            .current_entries()
            .map(Result::unwrap)
            .filter(|e| here.contains(&e.draft.program) && (from..=to).contains(&e.draft.date))
            .collect();
        expected.sort_by_key(|e| (e.draft.date, e.id));
        let before = store.entry_reads();
        let found = store.site_entries(site, from, to).unwrap();
        assert_eq!(store.entry_reads() - before, found.len() as u64, "only the site's month is read");
        assert_eq!(found, expected, "site {site}");
        seen += found.len();
    }
    assert!(seen > 0 && seen < 3_000, "{seen}");
}

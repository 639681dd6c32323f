//! The store through the records API: revisions, conflicts, rollups,
//! schema versions and the lock held by another process.

mod common;

use binalog::domain::{Amount, Kind};
use binalog::i18n::{self, Lang};
use binalog::records::{Actor, EntryFilter, Error, Records, RevisionState};
use binalog::store::codec::{self, encode};
use binalog::store::keys;
use common::*;
use proptest::prelude::*;

/// A new database with its admin, an officer and a supervisor of site 1.
fn with_supervisor(path: &std::path::Path) -> (Records, Actor, Actor, Actor) {
    let (records, admin, actor) = fresh_with_admin(path);
    records.add_officer(Some(&admin), SUPERVISOR_NIP, "Rina", binalog::domain::Role::Supervisor, PIN).unwrap();
    records.assign_sites(&admin, SUPERVISOR_NIP, &[1]).unwrap();
    let supervisor = records.login(SUPERVISOR_NIP, PIN).unwrap();
    (records, admin, actor, supervisor)
}

/// Two changes of the same revision sent at once from two threads: the
/// store checks the base inside its transaction (there is no head key, the
/// current revision is the entry's last), and sled runs transactions one
/// at a time, so exactly one is saved and the other is told the entry
/// changed, shown the revision that won. Rounds alternate two corrections
/// with a correction against a void (which, when the void wins before the
/// correction reads the entry, is refused as voided instead).
#[test]
fn two_changes_of_the_same_revision_at_once_save_exactly_one() {
    let dir = tempfile::tempdir().unwrap();
    let (records, _admin, actor, supervisor) = with_supervisor(dir.path());
    for round in 0..24 {
        let entry = records.add_entry(&actor, draft(1, day(2026, 3, 2), Kind::Harvest, "1 kg cabai")).unwrap();
        let start = std::sync::Barrier::new(2);
        let change = |side: usize| {
            start.wait();
            if side == 1 && round % 2 == 1 {
                return records.void_entry(&supervisor, entry.id, 1, "dobel");
            }
            let fixed = draft(1, day(2026, 3, 2), Kind::Harvest, &format!("{} kg cabai", side + 2));
            records.correct_entry(&actor, entry.id, 1, fixed, "salah timbang")
        };
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| change(0));
            let b = s.spawn(|| change(1));
            (a.join().unwrap(), b.join().unwrap())
        });
        let (saved, refused) = match (a, b) {
            (Ok(saved), Err(refused)) | (Err(refused), Ok(saved)) => (saved, refused),
            other => panic!("round {round}: not exactly one saved: {other:?}"),
        };
        assert_eq!((saved.revision, saved.supersedes), (2, Some(1)), "round {round}");
        match refused {
            Error::ChangedByAnother { current } => assert_eq!(*current, saved, "round {round}"),
            // A correction that reads the entry after the void won is
            // told it is voided, before it reaches the store.
            Error::EntryVoided { id } if saved.voided => assert_eq!(id, entry.id),
            other => panic!("round {round}: {other:?}"),
        }
        let history = records.history(entry.id).unwrap();
        assert_eq!(history.iter().map(|e| e.revision).collect::<Vec<_>>(), vec![1, 2], "round {round}");
        assert_eq!(history[1], saved, "round {round}");
    }
    assert_eq!(records.check().unwrap(), vec![]);
}

#[test]
fn a_correction_supersedes_and_a_void_removes_from_totals() {
    let dir = tempfile::tempdir().unwrap();
    let (records, admin, actor, supervisor) = with_supervisor(dir.path());
    let first = records.add_entry(&actor, draft(1, day(2026, 3, 2), Kind::Harvest, "12,5 kg cabai")).unwrap();
    assert_eq!((first.revision, first.supersedes), (1, None));
    let month = |r: &binalog::records::Records| r.totals(1, day(2026, 3, 1), day(2026, 3, 31)).unwrap();
    assert_eq!(month(&records)[0].value, Amount::from_milli(12_500));

    let fixed = draft(1, day(2026, 3, 2), Kind::Harvest, "15 kg cabai");
    let second = records.correct_entry(&actor, first.id, 1, fixed, "salah timbang").unwrap();
    assert_eq!((second.revision, second.supersedes, second.reason.as_str()), (2, Some(1), "salah timbang"));
    assert_eq!(month(&records)[0].value, Amount::whole(15));

    // A change based on the old revision is refused and shows the newest.
    let stale = records.void_entry(&supervisor, first.id, 1, "dobel");
    match stale {
        Err(Error::ChangedByAnother { current }) => assert_eq!(current.revision, 2),
        other => panic!("expected a conflict, got {other:?}"),
    }

    let void = records.void_entry(&supervisor, first.id, 2, "dobel").unwrap();
    assert!(void.voided);
    assert!(month(&records).is_empty());
    assert_eq!(records.history(first.id).unwrap().len(), 3);
    assert!(matches!(records.void_entry(&actor, first.id, 3, "lagi"), Err(Error::EntryVoided { .. })));
    assert!(matches!(
        records.correct_entry(&actor, first.id, 3, draft(1, day(2026, 3, 2), Kind::Harvest, "1 kg"), ""),
        Err(Error::EntryVoided { .. })
    ));

    let all = records.entries(&EntryFilter { history: true, ..Default::default() }).unwrap();
    let states: Vec<_> = all.iter().map(|(e, s)| (e.revision, *s)).collect();
    assert_eq!(
        states,
        vec![(1, RevisionState::Superseded), (2, RevisionState::Superseded), (3, RevisionState::Voided)]
    );
    assert!(records.entries(&EntryFilter::default()).unwrap().is_empty());
    assert_eq!(records.check().unwrap(), vec![]);
    // Every change left one audit record naming the officer.
    let changes: Vec<_> =
        records.audit(&admin, &Default::default()).unwrap().into_iter().filter(|a| !a.entries.is_empty()).collect();
    let who: Vec<_> = changes.iter().map(|a| (a.action, a.officer.as_ref().unwrap().as_str())).collect();
    use binalog::store::AuditAction::*;
    assert_eq!(who, vec![(EntryAdded, NIP), (EntryCorrected, NIP), (EntryVoided, SUPERVISOR_NIP)]);
}

#[test]
fn refused_entries_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (records, actor) = fresh(dir.path());
    let wrong_sector = draft(3, day(2026, 3, 2), Kind::Harvest, "3 kg cabai");
    let future = draft(1, day(2026, 3, 11), Kind::Harvest, "3 kg cabai");
    let early = draft(1, day(2025, 5, 18), Kind::Harvest, "3 kg cabai");
    for d in [wrong_sector, future, early] {
        assert!(matches!(records.add_entry(&actor, d), Err(Error::Invalid(_))));
    }
    assert_eq!(records.entry_count(), 0);
    let admin = records.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    assert!(records.audit(&admin, &Default::default()).unwrap().iter().all(|a| a.entries.is_empty()));
}

#[test]
fn a_newer_database_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["init"]).status.success());
    {
        let db = sled::open(dir.path()).unwrap();
        db.open_tree("meta").unwrap().insert(keys::META_SCHEMA, encode(&99u32)).unwrap();
        db.flush().unwrap();
    }
    let out = run(dir.path(), &["programs"]);
    assert_eq!(out.status.code(), Some(1));
    let expected = format!("lebih baru (skema 99; versi ini mengenal sampai {})", codec::SCHEMA_VERSION);
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    let out = run(dir.path(), &["--lang", "en", "check"]);
    assert!(stderr(&out).contains("newer binalog"), "{}", stderr(&out));
    let e = Error::Store(StoreError::NewerSchema { found: 99, supported: u32::from(codec::SCHEMA_VERSION) });
    assert!(i18n::error(Lang::En, &e).contains("schema 99"));
    // A newer build writes its stamp with its own schema byte too: still
    // "newer", never "damaged, restore a backup".
    let newer = codec::SCHEMA_VERSION + 1;
    {
        let db = sled::open(dir.path()).unwrap();
        let stamp = [&[newer][..], &encode(&u32::from(newer))[1..]].concat();
        db.open_tree("meta").unwrap().insert(keys::META_SCHEMA, stamp).unwrap();
        db.flush().unwrap();
    }
    let out = run(dir.path(), &["--lang", "en", "programs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("newer binalog") && stderr(&out).contains(&format!("schema {newer}")),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("backup"), "{}", stderr(&out));
}

/// Each open of the database happens in its own process (see
/// `run_child_test`): the binary writes, this test rewrites the entry as
/// schema 1 stored it, the binary migrates, a child test inspects the bytes.
#[test]
fn an_older_database_is_migrated_on_open() {
    if is_child() {
        return;
    }
    let dir = prepared();
    let db_path = dir.path();
    let add = run_as_operator(
        db_path,
        &[
            "entry",
            "add",
            "--program",
            "2",
            "--date",
            "04/03/2026",
            "--kind",
            "training",
            "--qty",
            "3 jam menjahit dasar",
            "--participants",
            "12",
            "--officers",
            "2",
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let id: u64 = stdout(&add).trim().parse().unwrap();
    {
        let db = sled::open(db_path).unwrap();
        let entries = db.open_tree("entries").unwrap();
        let key = keys::revision(id, 1);
        let entry: binalog::domain::Entry = codec::decode(&entries.get(&key).unwrap().unwrap()).unwrap();
        let d = entry.draft;
        let old = codec::v1::Entry {
            id,
            revision: 1,
            supersedes: None,
            draft: codec::v1::Draft {
                program: d.program,
                date: d.date,
                kind: d.kind,
                quantities: d.quantities,
                participants: d.participants,
                notes: d.notes,
                status: d.status,
            },
            voided: false,
            reason: String::new(),
            recorded_by: entry.recorded_by,
            recorded_at: entry.recorded_at,
        };
        entries.insert(&key, codec::v1::encode_v1(&old)).unwrap();
        // And the audit record of that entry as schema 2 stored it.
        let audit = db.open_tree("audit").unwrap();
        let (audit_key, value) = audit.iter().next_back().unwrap().unwrap();
        let record: binalog::store::AuditRecord = codec::decode(&value).unwrap();
        let old_record = codec::v2::AuditRecord {
            seq: record.seq,
            at: record.at,
            officer: record.officer,
            action: record.action,
            entries: record.entries,
            detail: record.detail,
        };
        audit.insert(audit_key, codec::v2::encode_v2(&old_record)).unwrap();
        db.open_tree("meta").unwrap().insert(keys::META_SCHEMA, encode(&1u32)).unwrap();
        db.flush().unwrap();
    }
    let check = run(db_path, &["check"]);
    assert!(check.status.success(), "{}{}", stdout(&check), stderr(&check));
    let export = stdout(&run(db_path, &["export", "--format", "jsonl"]));
    assert!(export.contains("\"officers\":0,\"cadets\":0"), "{export}");
    assert!(export.contains("menjahit dasar"), "{export}");
    let inspect = run_child_test(
        "inspect_migrated_database",
        &[("MIGRATED_DB", db_path.to_str().unwrap()), ("MIGRATED_ID", &id.to_string())],
    )
    .output()
    .unwrap();
    let expected = format!("schema {v}, entry schema {v}, audit schema {v}", v = codec::SCHEMA_VERSION);
    assert!(stdout(&inspect).contains(&expected), "{}{}", stdout(&inspect), stderr(&inspect));
}

/// The child half of the migration test: reports the stored schema bytes.
#[test]
fn inspect_migrated_database() {
    if !is_child() {
        return;
    }
    let db = sled::open(std::env::var("MIGRATED_DB").unwrap()).unwrap();
    let id: u64 = std::env::var("MIGRATED_ID").unwrap().parse().unwrap();
    let stored = db.open_tree("entries").unwrap().get(keys::revision(id, 1)).unwrap().unwrap();
    let schema = db.open_tree("meta").unwrap().get(keys::META_SCHEMA).unwrap().unwrap();
    let audit = db.open_tree("audit").unwrap().iter().values().map(|v| v.unwrap()[0]).min().unwrap();
    println!("schema {}, entry schema {}, audit schema {audit}", codec::decode::<u32>(&schema).unwrap(), stored[0]);
}

#[test]
fn a_database_held_by_another_process_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let (_held, _) = fresh(dir.path());
    let out = run(dir.path(), &["programs"]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(message.contains(&dir.path().display().to_string()), "{message}");
    assert!(message.contains("sedang dipakai program binalog lain"), "{message}");
    assert!(!message.contains("could not acquire lock"), "{message}");
}

#[test]
fn livestock_head_counts_follow_the_entries() {
    let dir = tempfile::tempdir().unwrap();
    let (records, admin, actor) = fresh_with_admin(dir.path());
    let add = |d, kind, qty: &str, notes: &str| {
        let mut draft = draft(3, d, kind, qty);
        draft.notes = notes.into();
        records.add_entry(&actor, draft).unwrap()
    };
    add(day(2026, 3, 1), Kind::HeadCount, "40 ekor domba", "");
    add(day(2026, 3, 2), Kind::Birth, "2 ekor domba", "");
    let death = add(day(2026, 3, 3), Kind::Death, "1 ekor domba", "sakit");
    assert_eq!(records.head_counts(3, day(2026, 3, 10)).unwrap()["domba"], 41);
    records.void_entry(&admin, death.id, 1, "salah catat").unwrap();
    assert_eq!(records.head_counts(3, day(2026, 3, 10)).unwrap()["domba"], 42);
    assert_eq!(records.head_counts(3, day(2026, 3, 1)).unwrap()["domba"], 40);
}

#[derive(Debug, Clone)]
enum Step {
    Add { program: u32, day: u32, milli: i64, item: usize, pending: bool },
    Correct { pick: usize, milli: i64, day: u32 },
    Void { pick: usize },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (prop::sample::select(vec![1u32, 5]), 1u32..29, 0i64..5_000_000, 0usize..3, prop::bool::weighted(0.2))
            .prop_map(|(program, day, milli, item, pending)| Step::Add { program, day, milli, item, pending }),
        1 => (any::<usize>(), 0i64..5_000_000, 1u32..29).prop_map(|(pick, milli, day)| Step::Correct { pick, milli, day }),
        1 => any::<usize>().prop_map(|pick| Step::Void { pick }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// After random adds, corrections and voids the rollups equal the sums
    /// of the current revisions, and check finds nothing.
    #[test]
    fn rollups_equal_the_sums_of_current_revisions(steps in prop::collection::vec(step(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let (records, actor, _) = fresh_with_admin(dir.path());
        let items = ["cabai", "tomat", "gabah"];
        let mut ids = Vec::new();
        for step in steps {
            match step {
                Step::Add { program, day: d, milli, item, pending } => {
                    let mut draft = draft(program, day(2026, 2, d), Kind::Harvest, "1 kg");
                    draft.quantities[0].value = Amount::from_milli(milli);
                    draft.quantities[0].item = items[item].into();
                    if pending { draft.status = binalog::domain::Status::Pending; }
                    ids.push(records.add_entry(&actor, draft).unwrap().id);
                }
                Step::Correct { pick, milli, day: d } if !ids.is_empty() => {
                    let current = records.current(ids[pick % ids.len()]).unwrap();
                    if current.voided { continue; }
                    let mut draft = current.draft.clone();
                    draft.quantities[0].value = Amount::from_milli(milli);
                    draft.date = day(2026, 2, d);
                    records.correct_entry(&actor, current.id, current.revision, draft, "koreksi").unwrap();
                }
                Step::Void { pick } if !ids.is_empty() => {
                    let current = records.current(ids[pick % ids.len()]).unwrap();
                    if current.voided { continue; }
                    records.void_entry(&actor, current.id, current.revision, "batal").unwrap();
                }
                _ => {}
            }
        }
        for program in [1, 5] {
            // A whole month (the monthly rollups), days, and days either side of a whole month.
            for (from, to) in [(day(2026, 2, 1), day(2026, 2, 28)), (day(2026, 2, 10), day(2026, 2, 20)), (day(2026, 1, 15), day(2026, 3, 10))] {
                prop_assert_eq!(records.totals(program, from, to).unwrap(), records.totals_by_scan(program, from, to).unwrap());
            }
        }
        prop_assert_eq!(records.check().unwrap(), vec![]);
    }
}

/// `check` reports damage: a removed audit record, a rollup changed behind
/// the store's back, an index key lost. (Each open in its own process.)
#[test]
fn check_reports_tampering() {
    if is_child() {
        return;
    }
    let dir = prepared();
    let db = dir.path();
    for qty in ["2 kg cabai", "3 kg tomat"] {
        let add = run_as_operator(
            db,
            &["entry", "add", "--program", "1", "--date", "05/03/2026", "--kind", "harvest", "--qty", qty],
        );
        assert!(add.status.success(), "{}", stderr(&add));
    }
    {
        let raw = sled::open(db).unwrap();
        raw.open_tree("audit").unwrap().remove(2u64.to_be_bytes()).unwrap();
        let rollups = raw.open_tree("rollups").unwrap();
        let (key, _) = rollups.iter().next().unwrap().unwrap();
        rollups.insert(key, encode(&binalog::store::Rollup { total: 1, entries: 1 })).unwrap();
        // The index holds a day's ids as one value: the day's first id lost.
        let index = raw.open_tree("program_days").unwrap();
        let (day, ids) = index.iter().next().unwrap().unwrap();
        index.insert(day, &ids[8..]).unwrap();
        raw.flush().unwrap();
    }
    let out = run(db, &["--lang", "en", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(report.contains("The check found 3 problems"), "{report}");
    assert!(report.contains("the audit trail has a gap: number 1 is followed by 3"), "{report}");
    assert!(report.contains("should be 2 from 1 entry, stored 0.001 from 1"), "{report}");
    assert!(report.contains("program_days") && report.contains("index key missing"), "{report}");
}

// ---- Every value checked by the domain's rules, whoever sends it ----

use binalog::domain::entry::{EntryDraft, Field, Quantity, Status};
use binalog::domain::invalid::Invalid;
use binalog::domain::text::TextField;
use binalog::domain::{Nip, Unit};
use binalog::records::Problem;
use binalog::store::{AuditAction, AuditNote, Change, OpenMode, Store, StoreError};
use chrono::NaiveDate;

/// Texts an attacker or a slipped paste could send: ordinary words, any
/// characters at all (controls, bidi overrides, zero-width), text just
/// under and over the limits, bytes made into text.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z]{1,12}( [a-z]{1,8})?",
        2 => prop::collection::vec(any::<char>(), 0..24).prop_map(String::from_iter),
        1 => (75usize..86).prop_map(|n| "x".repeat(n)),
        1 => (995usize..1006).prop_map(|n| "y ".repeat(n / 2)),
        1 => prop::collection::vec(any::<u8>(), 0..24).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        12 => (0i64..330).prop_map(|d| day(2025, 5, 1) + chrono::Duration::days(d)),
        1 => Just(day(2099, 1, 1)),
        1 => Just(NaiveDate::MAX),
        1 => Just(NaiveDate::MIN),
    ]
}

fn any_milli() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => (0i64..2_000).prop_map(|n| n * 1000),
        2 => 0i64..200_000_000,
        1 => Just(1i64 << 62),
        1 => Just(-5_000_000i64),
        1 => any::<i64>(),
    ]
}

fn any_count() -> impl Strategy<Value = u32> {
    prop_oneof![12 => 0u32..20, 1 => Just(999_999_999u32), 1 => any::<u32>()]
}

fn any_quantity() -> impl Strategy<Value = Quantity> {
    (
        any_milli(),
        prop::sample::select(Unit::ALL.to_vec()),
        prop_oneof![3 => Just("cabai".to_string()), 2 => any_text()],
    )
        .prop_map(|(milli, unit, item)| Quantity { value: Amount::from_milli(milli), unit, item })
}

/// Drafts most of whose values are plausible (so that many pass) and
/// some wild: unknown programmes, kinds outside the sector, units outside
/// the kind, negative and huge amounts, far dates, escape bytes.
fn any_draft() -> impl Strategy<Value = EntryDraft> {
    let program = prop_oneof![8 => Just(1u32), 1 => 0u32..9];
    let kind = prop_oneof![8 => Just(Kind::Harvest), 1 => prop::sample::select(Kind::ALL.to_vec())];
    let quantities = prop_oneof![
        6 => (0i64..500, prop::sample::select(vec![Unit::Kg, Unit::Ton, Unit::Karung]))
            .prop_map(|(n, unit)| vec![Quantity { value: Amount::whole(n), unit, item: "cabai".into() }]),
        2 => prop::collection::vec(any_quantity(), 0..3),
    ];
    let notes = prop_oneof![4 => Just(String::new()), 2 => any_text()];
    let status = prop_oneof![Just(Status::Done), Just(Status::Pending)];
    (program, any_date(), kind, quantities, any_count(), any_count(), any_count(), notes, status).prop_map(
        |(program, date, kind, quantities, participants, officers, cadets, notes, status)| EntryDraft {
            program,
            date,
            kind,
            quantities,
            participants,
            officers: officers % 3,
            cadets: cadets % 3,
            notes,
            status,
        },
    )
}

/// What the domain says of a draft: the cleaned draft, or `None` if any
/// rule (or an unknown programme) refuses it.
fn expected(records: &binalog::records::Records, draft: &EntryDraft) -> Option<EntryDraft> {
    let program = records.program(draft.program).ok()?;
    draft.clone().validate(&program, day(2026, 3, 10)).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Random drafts sent through import, add_entry and correct_entry on a
    /// real database: exactly the drafts `EntryDraft::validate` accepts are
    /// stored (cleaned as it cleans them), an import with any bad draft
    /// stores nothing, and afterwards every stored revision passes the
    /// rules and `check` finds nothing.
    #[test]
    fn nothing_is_stored_that_the_domain_refuses(
        batch in prop::collection::vec(any_draft(), 1..6),
        singles in prop::collection::vec(any_draft(), 1..8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let (records, operator) = fresh(dir.path());
        let base = records.add_entry(&operator, draft(1, day(2026, 3, 9), Kind::Harvest, "1 kg cabai")).unwrap();

        let before = records.count_entries().unwrap();
        let wanted: Vec<Option<EntryDraft>> = batch.iter().map(|d| expected(&records, d)).collect();
        match records.import(&operator, batch.clone()) {
            Ok(ids) => {
                prop_assert!(wanted.iter().all(Option::is_some), "import stored a refused draft: {:?}", batch);
                prop_assert_eq!(ids.len(), batch.len());
                for (id, want) in ids.iter().zip(&wanted) {
                    prop_assert_eq!(&records.current(*id).unwrap().draft, want.as_ref().unwrap());
                }
            }
            Err(e) => {
                prop_assert!(wanted.iter().any(Option::is_none), "a valid import was refused: {:?}", e);
                prop_assert_eq!(records.count_entries().unwrap(), before, "a refused import stored something");
                if let Error::ImportRefused { rows, total } = &e {
                    let bad: Vec<usize> = wanted.iter().enumerate().filter(|(_, w)| w.is_none()).map(|(i, _)| i + 1).collect();
                    prop_assert_eq!(rows.iter().map(|(row, _)| *row).collect::<Vec<_>>(), bad.clone());
                    prop_assert_eq!(*total, bad.len());
                } else {
                    prop_assert!(false, "unexpected refusal {:?}", e);
                }
            }
        }

        let mut base_revision = base.revision;
        for single in singles {
            let want = expected(&records, &single);
            match (records.add_entry(&operator, single.clone()), &want) {
                (Ok(entry), Some(want)) => prop_assert_eq!(&entry.draft, want),
                (Err(_), None) => {}
                (got, _) => prop_assert!(false, "add_entry {:?} gave {:?}, the domain says {:?}", single, got, want),
            }
            match (records.correct_entry(&operator, base.id, base_revision, single.clone(), "koreksi"), &want) {
                (Ok(entry), Some(want)) => {
                    prop_assert_eq!(&entry.draft, want);
                    base_revision = entry.revision;
                }
                (Err(_), None) => {}
                (got, _) => prop_assert!(false, "correct_entry {:?} gave {:?}, the domain says {:?}", single, got, want),
            }
        }

        for (entry, _) in records.entries(&EntryFilter { history: true, ..EntryFilter::default() }).unwrap() {
            let program = records.program(entry.draft.program).unwrap();
            prop_assert!(entry.draft.clone().validate(&program, day(2026, 3, 10)).is_ok(), "stored: {:?}", entry);
        }
        prop_assert_eq!(records.check().unwrap(), vec![]);
    }
}

/// An import sent straight to the records API (as a socket request would)
/// with the values of the issue: nothing is stored, and every bad draft is
/// named by its place in the request with what is wrong.
#[test]
fn an_import_of_bad_values_is_refused_whole_naming_each_draft() {
    let dir = tempfile::tempdir().unwrap();
    let (records, operator) = fresh(dir.path());
    let good = draft(1, day(2026, 3, 2), Kind::Harvest, "3 kg cabai");
    let mut future = good.clone();
    future.date = day(2099, 1, 1);
    let mut negative = good.clone();
    negative.quantities[0].value = Amount::from_milli(-5_000_000);
    let mut ekor = good.clone();
    ekor.kind = Kind::PiecesSewn;
    let mut crowd = good.clone();
    crowd.participants = 999_999_999;
    let mut escaped = good.clone();
    escaped.notes = "\u{1b}]52;c;aGk=\u{7}".into();
    let drafts = vec![good.clone(), future, negative, ekor, crowd, escaped, good];
    let Err(Error::ImportRefused { rows, total }) = records.import(&operator, drafts) else {
        panic!("the import was not refused")
    };
    assert_eq!(total, 5);
    assert_eq!(rows.iter().map(|(row, _)| *row).collect::<Vec<_>>(), [2, 3, 4, 5, 6]);
    assert!(matches!(rows[0].1[0], (Field::Date, Invalid::DateInFuture { .. })));
    assert!(matches!(rows[1].1[0], (Field::Quantity(0), Invalid::ValueNegative { .. })));
    assert!(matches!(rows[2].1[0], (Field::Kind, Invalid::KindNotInSector { .. })));
    assert!(matches!(rows[3].1[0], (Field::Participants, Invalid::ParticipantsTooMany { .. })));
    assert_eq!(rows[4].1[0], (Field::Notes, Invalid::TextForbidden { field: TextField::Notes, found: "\\x1b".into() }));
    assert_eq!(records.count_entries().unwrap(), 0);
    let message = i18n::error(Lang::En, &Error::ImportRefused { rows, total });
    assert!(message.starts_with("Import refused, nothing was stored: 5 entries break the rules."), "{message}");
    assert!(message.contains("entry 6: Notes holds a control or invisible character"), "{message}");
}

fn straight_to_store(db: &std::path::Path, drafts: Vec<EntryDraft>) -> Result<Vec<binalog::domain::Entry>, StoreError> {
    let store = when_released(|| Store::open(db, OpenMode::Existing));
    let nip = Nip::parse(NIP).unwrap();
    let note = AuditNote {
        at: now(),
        officer: Some(nip.clone()),
        action: AuditAction::Imported,
        detail: "test".into(),
        user: "test".into(),
    };
    let changes: Vec<Change> = drafts.into_iter().map(Change::Add).collect();
    store.commit(&changes, &nip, now(), &note)
}

/// Values written around the records API (as an older binalog or a bug
/// could have): `check` names each entry, revision and field the rules
/// now refuse, and reference records with forbidden text.
#[test]
fn check_flags_values_the_rules_refuse_written_straight_to_the_store() {
    let dir = tempfile::tempdir().unwrap();
    drop(fresh(dir.path()));
    let mut bad = draft(1, day(2026, 3, 2), Kind::Harvest, "3 kg cabai");
    bad.notes = "ok\u{1b}[2J".into();
    bad.quantities.push(Quantity { value: Amount::from_milli(-5_000_000), unit: Unit::Kg, item: "tomat".into() });
    bad.quantities.push(Quantity { value: Amount::from_milli(1 << 62), unit: Unit::Kg, item: "gabah".into() });
    bad.quantities.push(Quantity { value: Amount::whole(2), unit: Unit::Jam, item: "z".repeat(81) });
    bad.participants = 999_999_999;
    let id = straight_to_store(dir.path(), vec![bad]).unwrap()[0].id;
    {
        let store = when_released(|| Store::open(dir.path(), OpenMode::Existing));
        let mut site = store.sites().unwrap().remove(0);
        site.name = "Lapas\u{202e}Batu".into();
        let note = AuditNote {
            at: now(),
            officer: None,
            action: AuditAction::ReferenceUpdated,
            detail: "test".into(),
            user: "test".into(),
        };
        store.update_reference(&binalog::store::Reference::Site(site), &note).unwrap();
    }
    let records = open(dir.path());
    let problems = records.check().unwrap();
    let refused = |field: Field| {
        problems
            .iter()
            .filter_map(|p| match p {
                Problem::EntryValueRefused { entry, revision: 1, field: f, problem } if *entry == id && *f == field => {
                    Some(problem.clone())
                }
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(refused(Field::Notes), [Invalid::TextForbidden { field: TextField::Notes, found: "\\x1b".into() }]);
    assert!(matches!(refused(Field::Quantity(1))[..], [Invalid::ValueNegative { .. }]));
    assert!(matches!(refused(Field::Quantity(2))[..], [Invalid::ValueTooLarge { .. }]));
    assert!(matches!(refused(Field::Quantity(3))[..], [Invalid::UnitNotForKind { .. }]));
    assert!(matches!(refused(Field::Participants)[..], [Invalid::ParticipantsTooMany { .. }]));
    assert!(problems.iter().any(|p| matches!(p,
        Problem::RecordValueRefused { tree, key, problem: Invalid::TextForbidden { field: TextField::SiteName, .. } }
            if tree == "sites" && key == "1")));
    assert_eq!(problems.len(), 6, "{problems:?}");
    drop(records);

    // The same report from the command, in words, with the escape escaped.
    let out = run(dir.path(), &["--lang", "en", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out) + &stderr(&out);
    assert!(
        report.contains(&format!("entry {id} revision 1, Notes: the rules now refuse its value: Notes holds")),
        "{report}"
    );
    assert!(report.contains("\\x1b") && !report.contains('\u{1b}'), "{report}");
}

/// Two values of 2^62 thousandths once made a daily total wrap negative:
/// in one day they are refused as an overflow and nothing is stored; on
/// two days each is stored (around the API) but the total over both is an
/// error, never a negative sum.
#[test]
fn totals_never_wrap() {
    let dir = tempfile::tempdir().unwrap();
    drop(fresh(dir.path()));
    let mut huge = draft(1, day(2026, 3, 2), Kind::Harvest, "1 kg cabai");
    huge.quantities[0].value = Amount::from_milli(1 << 62);
    let refused = straight_to_store(dir.path(), vec![huge.clone(), huge.clone()]);
    assert_eq!(refused.unwrap_err(), StoreError::TotalOverflow);
    let mut next_day = huge.clone();
    next_day.date = day(2026, 3, 3);
    straight_to_store(dir.path(), vec![huge]).unwrap();
    straight_to_store(dir.path(), vec![next_day]).unwrap();
    let records = open(dir.path());
    assert_eq!(records.count_entries().unwrap(), 2);
    assert_eq!(records.totals(1, day(2026, 3, 1), day(2026, 3, 31)), Err(Error::Store(StoreError::TotalOverflow)));
    assert_eq!(
        records.totals_by_scan(1, day(2026, 3, 1), day(2026, 3, 31)),
        Err(Error::Store(StoreError::TotalOverflow))
    );
    assert_eq!(records.totals(1, day(2026, 3, 2), day(2026, 3, 2)).unwrap()[0].value, Amount::from_milli(1 << 62));
}

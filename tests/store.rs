//! The store through the records API: revisions, conflicts, rollups,
//! schema versions and the lock held by another process.

mod common;

use binalog::domain::{Amount, Kind};
use binalog::i18n::{self, Lang};
use binalog::records::{EntryFilter, Error, RevisionState};
use binalog::store::codec::{self, encode};
use binalog::store::keys;
use common::*;
use proptest::prelude::*;

#[test]
fn a_correction_supersedes_and_a_void_removes_from_totals() {
    let dir = tempfile::tempdir().unwrap();
    let (records, admin, actor) = fresh_with_admin(dir.path());
    records.add_officer(Some(&admin), SUPERVISOR_NIP, "Rina", binalog::domain::Role::Supervisor, PIN).unwrap();
    records.assign_sites(&admin, SUPERVISOR_NIP, &[1]).unwrap();
    let supervisor = records.login(SUPERVISOR_NIP, PIN).unwrap();
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
    let e = Error::NewerSchema { found: 99, supported: u32::from(codec::SCHEMA_VERSION) };
    assert!(i18n::error(Lang::En, &e).contains("schema 99"));
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
            for (from, to) in [(day(2026, 2, 1), day(2026, 2, 28)), (day(2026, 2, 10), day(2026, 2, 20))] {
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
        let index = raw.open_tree("by_site").unwrap();
        let (key, _) = index.iter().next().unwrap().unwrap();
        index.remove(key).unwrap();
        raw.flush().unwrap();
    }
    let out = run(db, &["--lang", "en", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(report.contains("The check found 3 problems"), "{report}");
    assert!(report.contains("the audit trail has a gap: number 1 is followed by 3"), "{report}");
    assert!(report.contains("should be 2 from 1 entries, stored 0.001 from 1"), "{report}");
    assert!(report.contains("by_site") && report.contains("index key missing"), "{report}");
}

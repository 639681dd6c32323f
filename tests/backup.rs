//! Backups as one file (store/backup.rs): consistent while officers save,
//! verified, restored into an empty folder only; a damaged file refused by
//! `verify-backup` and `restore`, naming what is wrong, and left unchanged.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Barrier, OnceLock};

use binalog::domain::Kind;
use binalog::records::{Error, Records};
use binalog::report::export;
use binalog::store::{BackupDamage, StoreError, restore, verify_backup};
use common::*;
use proptest::prelude::*;

/// Every revision as JSON Lines, one `String` per line.
fn export_lines(records: &Records) -> Vec<String> {
    let mut out = Vec::new();
    let filter = binalog::records::EntryFilter { history: true, ..Default::default() };
    export::export(records, &filter, export::Format::Jsonl, &mut out).unwrap().unwrap();
    String::from_utf8(out).unwrap().lines().map(str::to_string).collect()
}

fn entry_id(line: &str) -> u64 {
    serde_json::from_str::<serde_json::Value>(line).unwrap()["entry_id"].as_u64().unwrap()
}

/// Four threads save through the records API while the backup is taken:
/// the backup holds every entry acknowledged before it began, and the
/// restored database (through the real binary) exports exactly the
/// source's lines for the entries it holds, with `check` finding nothing.
#[test]
fn a_backup_taken_while_four_threads_save_is_consistent_and_restores() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (records, admin, operator) = fresh_with_admin(&db);
    let file = dir.path().join("cadangan.binalog");
    let started = Barrier::new(5);
    let (summary, before) = std::thread::scope(|s| {
        let savers: Vec<_> = (0..4u32)
            .map(|t| {
                let (records, operator, started) = (&records, &operator, &started);
                s.spawn(move || {
                    // Results are kept, not unwrapped here: a thread that
                    // panicked before the barrier would leave the others waiting.
                    let mut saved = Vec::new();
                    for i in 0..40u32 {
                        if i == 5 {
                            started.wait();
                        }
                        let qty = format!("{},{} kg cabai", t + 1, i + 1);
                        let d = draft(1, day(2026, 3, 1 + i % 9), Kind::Harvest, &qty);
                        saved.push(records.add_entry(operator, d).map(|e| e.id));
                    }
                    saved
                })
            })
            .collect();
        // Every thread has had five saves acknowledged; they go on saving.
        started.wait();
        let summary = records.backup(&admin, &file).unwrap();
        let ids: Vec<Vec<u64>> = savers
            .into_iter()
            .map(|h| h.join().unwrap().into_iter().collect::<Result<Vec<u64>, Error>>().unwrap())
            .collect();
        let before: BTreeSet<u64> = ids.iter().flat_map(|ids| ids[..5].iter().copied()).collect();
        (summary, before)
    });
    assert!(summary.entries >= 20 && summary.entries <= 160, "{summary:?}");
    assert_eq!(binalog::records::files::verify_backup(&file).unwrap(), summary);
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");

    let restored = dir.path().join("restored");
    let out = run(&restored, &["--lang", "en", "restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("every value reads, indexes and totals agree"), "{}", stdout(&out));
    let exported = run(&restored, &["export", "--history", "--format", "jsonl"]);
    let restored_lines: Vec<String> = stdout(&exported).lines().map(str::to_string).collect();
    let held: BTreeSet<u64> = restored_lines.iter().map(|l| entry_id(l)).collect();
    assert_eq!(held.len() as u64, summary.entries);
    assert!(before.is_subset(&held), "acknowledged before the backup but missing: {:?}", before.difference(&held));
    // Only entries were added, so the source's lines for the held entries
    // are the source as it stood at the snapshot.
    let at_snapshot: Vec<String> = export_lines(&records).into_iter().filter(|l| held.contains(&entry_id(l))).collect();
    assert_eq!(restored_lines, at_snapshot);
}

#[test]
fn only_an_admin_takes_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let (records, operator) = fresh(&dir.path().join("db"));
    let file = dir.path().join("b.binalog");
    let refused = records.backup(&operator, &file);
    assert!(matches!(refused, Err(Error::Denied(_))), "{refused:?}");
    assert!(!file.exists());
}

/// A small good backup, made once, and its bytes.
fn good_backup() -> &'static (tempfile::TempDir, Vec<u8>) {
    static BACKUP: OnceLock<(tempfile::TempDir, Vec<u8>)> = OnceLock::new();
    BACKUP.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (records, admin, operator) = fresh_with_admin(&dir.path().join("db"));
        for (i, qty) in ["2 kg cabai", "3 kg tomat", "1,5 kg terong"].into_iter().enumerate() {
            records.add_entry(&operator, draft(1, day(2026, 3, 2 + i as u32), Kind::Harvest, qty)).unwrap();
        }
        let file = dir.path().join("good.binalog");
        records.backup(&admin, &file).unwrap();
        let bytes = std::fs::read(&file).unwrap();
        (dir, bytes)
    })
}

/// Writes `bytes` as a backup file; returns both refusals (verify and
/// restore) and checks that neither changed the file or made the folder.
fn refusals(bytes: &[u8]) -> (StoreError, StoreError) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("damaged.binalog");
    std::fs::write(&file, bytes).unwrap();
    let verified = verify_backup(&file).expect_err("a damaged backup verifies");
    let dest = dir.path().join("restored");
    let restored = restore(&file, &dest).expect_err("a damaged backup restores");
    assert!(!dest.exists(), "a refused restore made {}", dest.display());
    assert_eq!(std::fs::read(&file).unwrap(), bytes, "the damaged file was changed");
    (verified, restored)
}

fn damage(e: &StoreError) -> &BackupDamage {
    match e {
        StoreError::BackupDamaged { damage, .. } => damage,
        other => panic!("expected a damaged backup, got {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// One changed byte anywhere: both refuse, naming the damage.
    #[test]
    fn one_flipped_byte_anywhere_is_refused(position in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let good = &good_backup().1;
        let mut bytes = good.clone();
        let at = position.index(bytes.len());
        bytes[at] ^= flip;
        let (verified, restored) = refusals(&bytes);
        prop_assert_eq!(&verified, &restored);
        let expected_kind = match damage(&verified) {
            BackupDamage::BadMagic => at < 8,
            BackupDamage::UnknownVersion { .. } => (8..12).contains(&at),
            // The length field changed to more than the file holds.
            BackupDamage::Truncated { .. } => (40..48).contains(&at),
            BackupDamage::ChecksumMismatch => at >= 12,
            BackupDamage::Malformed { .. } => false,
        };
        prop_assert!(expected_kind, "byte {} gave {:?}", at, verified);
    }
}

#[test]
fn a_truncated_backup_names_where_it_ends() {
    let good = &good_backup().1;
    for len in [0, 5, 30, 100, good.len() / 2, good.len() - 1] {
        let (verified, _) = refusals(&good[..len]);
        assert_eq!(damage(&verified), &BackupDamage::Truncated { at: len as u64 }, "cut at {len}");
    }
    let (not_ours, _) = refusals(b"id,date\n1,2\n");
    assert_eq!(damage(&not_ours), &BackupDamage::BadMagic);
}

#[test]
fn a_restore_goes_only_into_an_empty_or_new_folder() {
    let (dir, _) = good_backup();
    let file = dir.path().join("good.binalog");
    let target = tempfile::tempdir().unwrap();
    std::fs::write(target.path().join("catatan.txt"), "jangan ditimpa").unwrap();
    let refused = restore(&file, target.path());
    assert_eq!(refused.unwrap_err(), StoreError::FolderNotEmpty { path: target.path().to_path_buf() });
    let names: Vec<_> = std::fs::read_dir(target.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["catatan.txt"]);
    assert_eq!(std::fs::read_to_string(target.path().join("catatan.txt")).unwrap(), "jangan ditimpa");
    // The live source database is not empty either.
    let refused = restore(&file, &dir.path().join("db"));
    assert!(matches!(refused, Err(StoreError::FolderNotEmpty { .. })), "{refused:?}");
}

/// The commands end to end through the real binary, in Indonesian (the
/// default) and English.
#[test]
fn backup_verify_and_restore_through_the_binary() {
    let dir = prepared_with_one_entry();
    let db = dir.path();
    let out_dir = tempfile::tempdir().unwrap();
    let file = out_dir.path().join("cadangan.binalog");
    let file_arg = file.to_str().unwrap();

    let by_operator = run_as_operator(db, &["backup", file_arg]);
    assert_eq!(by_operator.status.code(), Some(1));
    assert!(!file.exists());

    let out = run_with_pins(db, &["backup", file_arg, "--as", ADMIN_NIP], &[ADMIN_PIN]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("sudah diperiksa"), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 catatan (1 revisi), 2 petugas"), "{}", stdout(&out));
    let again = run_with_pins(db, &["backup", file_arg, "--as", ADMIN_NIP], &[ADMIN_PIN]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("sudah ada"), "{}", stderr(&again));

    let verified = run(db, &["--lang", "en", "verify-backup", file_arg]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    let text = stdout(&verified);
    assert!(
        text.contains("is good")
            && text.contains(&format!("Format 1, schema {}, database ", binalog::store::codec::SCHEMA_VERSION)),
        "{text}"
    );
    assert!(text.contains("made 10/03/2026 09:00:00 +07:00"), "{text}");

    let restored = out_dir.path().join("pulih");
    let out = run(&restored, &["restore", file_arg]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("Pemeriksaan selesai: 1 catatan"), "{}", stdout(&out));
    assert_eq!(stdout(&run(&restored, &["export", "--history"])), stdout(&run(db, &["export", "--history"])));
    let twice = run(&restored, &["--lang", "en", "restore", file_arg]);
    assert_eq!(twice.status.code(), Some(1));
    assert!(stderr(&twice).contains("is not empty"), "{}", stderr(&twice));

    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 40;
    bytes[last] ^= 0x10;
    let damaged = out_dir.path().join("rusak.binalog");
    std::fs::write(&damaged, &bytes).unwrap();
    for args in [vec!["verify-backup"], vec!["--db", out_dir.path().join("baru").to_str().unwrap(), "restore"]] {
        let mut args = args.clone();
        args.extend(["--lang", "en", damaged.to_str().unwrap()]);
        let out = run(db, &args);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("SHA-256 checksum does not match"), "{}", stderr(&out));
    }
    assert!(!out_dir.path().join("baru").exists());
    let missing = run(db, &["--lang", "en", "verify-backup", "/nonexistent/b.binalog"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("/nonexistent/b.binalog cannot be read"), "{}", stderr(&missing));
}

/// Over the server the server writes the file: the CLI sends an absolute
/// path even when given a relative one.
#[test]
fn a_backup_through_the_server_is_written_where_the_officer_asked() {
    let dir = prepared();
    let db = dir.path();
    let _server = common::serve::Served::start(db, &[]);
    let out_dir = tempfile::tempdir().unwrap();
    let mut cmd = served(db);
    cmd.current_dir(out_dir.path()).args(["backup", "relatif.binalog", "--as", ADMIN_NIP]);
    let out = with_pins(cmd, &[ADMIN_PIN]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = verify_backup(&out_dir.path().join("relatif.binalog")).unwrap();
    assert_eq!(summary.officers, 2);
    assert!(!Path::new(db).join("relatif.binalog").exists());
}

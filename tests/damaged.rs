//! A database sled cannot open (store/damage.rs): said in words, never a
//! panic; `check` writes nothing to what it checks; a damaged snapshot is
//! moved aside only by `repair --snapshot`, which keeps the old file.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;

/// Every file under `dir` and its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(files(&path));
        } else {
            all.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    all
}

fn snapshot_of(db: &Path) -> PathBuf {
    std::fs::read_dir(db)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("snap."))
        .max()
        .expect("sled left a snapshot when the last command closed the database")
}

/// A database with one entry and a good backup in its `backups/` folder;
/// returns it and its export.
fn with_backup() -> (tempfile::TempDir, String) {
    let dir = prepared_with_one_entry();
    let db = dir.path();
    std::fs::create_dir(db.join("backups")).unwrap();
    let file = db.join("backups").join("harian-2026-03-10.binalog");
    let backup = run_with_pins(db, &["backup", file.to_str().unwrap(), "--as", ADMIN_NIP], &[ADMIN_PIN]);
    assert!(backup.status.success(), "{}", stderr(&backup));
    let export = stdout(&run(db, &["export", "--history"]));
    (dir, export)
}

#[test]
fn a_damaged_snapshot_is_named_and_check_writes_nothing() {
    let (dir, export) = with_backup();
    let db = dir.path();
    let snapshot = snapshot_of(db);
    let mut bytes = std::fs::read(&snapshot).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&snapshot, &bytes).unwrap();
    let before = files(db);

    let check = run(db, &["--lang", "en", "check"]);
    assert_eq!(check.status.code(), Some(1));
    let said = stderr(&check);
    assert!(!said.contains("panicked") && !said.contains("RUST_BACKTRACE"), "{said}");
    assert!(said.contains(&format!("The database at {} is damaged", db.display())), "{said}");
    assert!(said.contains(&format!("sled's snapshot file {}", snapshot.display())), "{said}");
    assert!(said.contains("binalog repair --snapshot"), "{said}");
    let backup = db.join("backups").join("harian-2026-03-10.binalog");
    assert!(
        said.contains(&format!("The newest good backup is {}, made 10/03/2026 02:00 UTC", backup.display())),
        "{said}"
    );
    assert!(said.contains(&format!("binalog restore {} --db {}-restored", backup.display(), db.display())), "{said}");
    assert_eq!(files(db), before, "check changed the folder it checked");

    // Any other command says the same, in Indonesian by default.
    let export_damaged = run(db, &["export"]);
    assert_eq!(export_damaged.status.code(), Some(1));
    assert!(stderr(&export_damaged).contains("rusak"), "{}", stderr(&export_damaged));

    let repair = run(db, &["--lang", "en", "repair", "--snapshot"]);
    assert!(repair.status.success(), "{}{}", stdout(&repair), stderr(&repair));
    assert!(stdout(&repair).contains("every value reads, indexes and totals agree"), "{}", stdout(&repair));
    let kept = db.join(format!("damaged-{}", snapshot.file_name().unwrap().to_string_lossy()));
    assert_eq!(std::fs::read(&kept).unwrap(), bytes, "the damaged snapshot is kept as it was");
    assert_eq!(stdout(&run(db, &["export", "--history"])), export);
}

#[test]
fn repair_leaves_an_intact_snapshot_alone() {
    let (dir, _) = with_backup();
    let db = dir.path();
    let before = files(db);
    let repair = run(db, &["--lang", "en", "repair", "--snapshot"]);
    assert_eq!(repair.status.code(), Some(1));
    assert!(stderr(&repair).contains("is intact: nothing was moved"), "{}", stderr(&repair));
    assert_eq!(files(db), before);
}

/// Damage in sled's log: no snapshot hint, but the backup and the command.
#[test]
fn a_damaged_log_names_the_backup_without_a_snapshot_hint() {
    let (dir, _) = with_backup();
    let db = dir.path();
    let mut bytes = std::fs::read(db.join("db")).unwrap();
    for b in &mut bytes[20..24] {
        *b ^= 0xAA;
    }
    std::fs::write(db.join("db"), &bytes).unwrap();
    let before = files(db);
    let check = run(db, &["--lang", "en", "check"]);
    assert_eq!(check.status.code(), Some(1));
    let said = stderr(&check);
    assert!(said.contains("is damaged") && !said.contains("snapshot"), "{said}");
    assert!(said.contains("binalog restore "), "{said}");
    assert_eq!(files(db), before, "check changed the folder it checked");
}

/// `check` named at a backup file checks it as `verify-backup` does.
#[test]
fn check_of_a_backup_file_verifies_it() {
    let (dir, _) = with_backup();
    let file = dir.path().join("backups").join("harian-2026-03-10.binalog");
    let out = run(&file, &["--lang", "en", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("is a backup file") && stdout(&out).contains("is good"), "{}", stdout(&out));
}

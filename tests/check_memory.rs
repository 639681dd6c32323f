//! `check` streams: what it holds stays a fixed amount, on a database
//! whose revisions, held decoded as the check once held them (about
//! 1.4 KB an entry), would take several times that.
//!
//! sled itself keeps some memory for every page a process has read, even
//! with its cache lowered (about 0.35 KB an entry here): any pass over the
//! whole database pays that, and it is not the check's doing. So the
//! measure is taken in a child process that first makes a backup (a
//! streaming pass over every tree: sled's floor), then checks: the peak
//! resident memory (the kernel's count) may grow by no more than the
//! budget between the two. sled's cache is lowered to 1 MiB
//! (`BINALOG_CACHE_BYTES`, read by debug builds only).

mod common;

use std::path::Path;
use std::process::Stdio;

use binalog::store::{OpenMode, Store};
use common::{binalog, is_child, run_child_test, stderr, stdout};

/// What the check may hold beyond a pass over every tree.
const HELD: u64 = 8 << 20;
const ENTRIES: u64 = 40_000;
/// Decoded revisions take about this much each (1.45 GB for a million).
const DECODED_BYTES: u64 = 1_400;
const DB_ENV: &str = "BINALOG_CHECK_MEMORY_DB";

/// Resident memory now and at its peak, in bytes.
fn memory() -> (u64, u64) {
    let (now, peak) = common::memory_kb("self");
    (now * 1024, peak * 1024)
}

#[test]
fn check_holds_a_fixed_amount_beyond_a_pass_over_every_tree() {
    const { assert!(ENTRIES * DECODED_BYTES > 6 * HELD, "the old check would hold several times the budget") };
    if is_child() {
        return measure(Path::new(&std::env::var(DB_ENV).unwrap()));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let count = ENTRIES.to_string();
    let init = binalog(&db).args(["init", "--demo", "--entries", &count]).stdin(Stdio::null()).output().unwrap();
    assert!(init.status.success(), "{}{}", stdout(&init), stderr(&init));
    let cache = (1u64 << 20).to_string();
    let envs = [(DB_ENV, db.to_str().unwrap()), (binalog::store::CACHE_ENV, cache.as_str())];
    let out = run_child_test("check_holds_a_fixed_amount_beyond_a_pass_over_every_tree", &envs).output().unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    eprintln!("{}", stdout(&out).lines().find(|l| l.contains("check held")).unwrap_or_default());
    assert!(stdout(&out).contains("check held"), "the child measured: {}", stdout(&out));
}

/// In the child: sled's floor, then the check, in one process.
fn measure(db: &Path) {
    let store = Store::open(db, OpenMode::Existing).unwrap();
    let (opened, _) = memory();
    let backup = db.with_file_name("floor.binalog");
    store.backup_to(&backup, chrono::Utc::now()).unwrap();
    let (_, floor) = memory();
    assert_eq!(store.check().unwrap(), vec![]);
    let (_, checked) = memory();
    let held = checked.saturating_sub(floor);
    println!("opened {opened}, after a backup {floor}, after check {checked}: check held {held} bytes");
    // The floor is sled's, not a backup holding the database: it grew by
    // less than the decoded revisions would take.
    assert!(floor - opened < ENTRIES * DECODED_BYTES / 2, "the backup's pass held {} bytes", floor - opened);
    assert!(held < HELD, "check held {held} bytes beyond sled's floor; the budget is {HELD}");
}

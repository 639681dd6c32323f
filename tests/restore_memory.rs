//! A restore writes in small batches: sled holds what a batch replaces
//! until the batch ends, and in batches of 10,000 pairs a restore of
//! 20,000 entries peaked near 290 MB (the million took 11 GB), against
//! about 40 MB in batches of 500 (store/backup.rs `RESTORE_BATCH`). The
//! restore runs in a child process so that its peak resident memory (the
//! kernel's count) is its own.

mod common;

use std::path::Path;
use std::process::Stdio;

use binalog::store::{OpenMode, Store};
use common::{binalog, is_child, run_child_test, stderr, stdout};

const ENTRIES: u64 = 20_000;
/// What the restore's process may reach at its peak.
const BUDGET: u64 = 120 << 20;
const BACKUP_ENV: &str = "BINALOG_RESTORE_MEMORY_BACKUP";

/// This process's peak resident memory, in bytes.
fn peak() -> u64 {
    common::memory_kb("self").1 * 1024
}

#[test]
fn a_restore_holds_a_small_batch_at_a_time() {
    if is_child() {
        return measure(Path::new(&std::env::var(BACKUP_ENV).unwrap()));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let count = ENTRIES.to_string();
    let init = binalog(&db).args(["init", "--demo", "--entries", &count]).stdin(Stdio::null()).output().unwrap();
    assert!(init.status.success(), "{}{}", stdout(&init), stderr(&init));
    let backup = dir.path().join("all.binalog");
    Store::open(&db, OpenMode::Existing).unwrap().backup_to(&backup, chrono::Utc::now()).unwrap();
    let envs = [(BACKUP_ENV, backup.to_str().unwrap())];
    let out = run_child_test("a_restore_holds_a_small_batch_at_a_time", &envs).output().unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("restore peaked"), "the child measured: {}", stdout(&out));
}

/// In the child: the restore, then its peak.
fn measure(backup: &Path) {
    let dest = backup.with_file_name("restored");
    let (summary, problems) = binalog::store::restore(backup, &dest).unwrap();
    assert_eq!(problems, vec![], "the restored database checks clean");
    assert_eq!(summary.entries, ENTRIES, "every entry restored");
    let peak = peak();
    println!("restore peaked at {peak} bytes");
    assert!(peak < BUDGET, "the restore peaked at {peak} bytes; the budget is {BUDGET}");
}

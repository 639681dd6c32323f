//! `check` streams: on a database several times larger than a small
//! memory budget it stays within the budget. Measured as the peak resident
//! memory of the real binary checking the database in its own process
//! (the kernel's count, from `wait4`), with sled's cache lowered to 1 MiB
//! (`BINALOG_CACHE_BYTES`, read by debug builds only) so that what the
//! check itself holds is what shows. Before it streamed, `check` held
//! every revision decoded: about 1.4 KB an entry, more than the database's
//! size on disk.

mod common;

use std::path::Path;
use std::process::Stdio;

use common::{binalog, stderr, stdout};

/// The budget the check must stay within, the binary and sled included.
const BUDGET: u64 = 48 << 20;
const ENTRIES: &str = "150000";

fn disk_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            if meta.is_dir() { disk_size(&e.path()) } else { meta.len() }
        })
        .sum()
}

/// Runs the command to its end and returns its exit code and its peak
/// resident memory in bytes.
#[allow(clippy::zombie_processes)] // reaped by `wait4`, which also gives its rusage
fn peak_memory(mut cmd: std::process::Command) -> (i32, u64) {
    let child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).stdin(Stdio::null()).spawn().unwrap();
    let mut status = 0;
    // SAFETY: plain out-parameters for a child this test spawned and has
    // not waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t);
    // Linux counts ru_maxrss in kilobytes.
    (libc::WEXITSTATUS(status), usage.ru_maxrss as u64 * 1024)
}

#[test]
fn check_stays_within_a_memory_budget_several_times_smaller_than_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path();
    let init = binalog(db).args(["init", "--demo", "--entries", ENTRIES]).stdin(Stdio::null()).output().unwrap();
    assert!(init.status.success(), "{}{}", stdout(&init), stderr(&init));
    let size = disk_size(db);
    assert!(size > 3 * BUDGET, "the database ({size} bytes) is several times the budget");

    let mut check = binalog(db);
    check.args(["check"]).env(binalog::store::CACHE_ENV, (1u64 << 20).to_string());
    let (code, peak) = peak_memory(check);
    assert_eq!(code, 0, "check found no problem");
    assert!(peak < BUDGET, "check peaked at {peak} bytes, over the budget of {BUDGET} on a database of {size}");
}

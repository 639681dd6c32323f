//! Helpers shared by the integration tests: a real sled database in a
//! temporary folder, a stopped clock, and the real binary.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use binalog::clock::FixedClock;
use binalog::domain::date::wib;
use binalog::domain::{EntryDraft, Kind, Quantity, Status};
use binalog::records::{Actor, Records};
use binalog::store::OpenMode;
use chrono::{DateTime, NaiveDate, Utc};

/// The instant every test lives at: 10 March 2026, 09:00 WIB.
pub const NOW: &str = "2026-03-10T09:00:00+07:00";
pub const NIP: &str = "198503122010121001";
pub const PIN: &str = "246810";

pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc)
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn open(path: &Path) -> Records {
    open_at(path, now())
}

pub fn open_at(path: &Path, at: DateTime<Utc>) -> Records {
    Records::open(path, OpenMode::CreateIfMissing, Box::new(FixedClock(at)), wib()).unwrap()
}

/// An initialised database with one operator; returns it and the actor.
pub fn fresh(path: &Path) -> (Records, Actor) {
    let records = open(path);
    records.init(false).unwrap();
    records.add_officer(None, NIP, "Budi Santoso", binalog::domain::Role::Operator, PIN).unwrap();
    let actor = records.identify(NIP).unwrap();
    (records, actor)
}

pub fn draft(program: u32, date: NaiveDate, kind: Kind, qty: &str) -> EntryDraft {
    EntryDraft {
        program,
        date,
        kind,
        quantities: vec![Quantity::parse(qty).unwrap()],
        participants: 3,
        officers: 0,
        cadets: 0,
        notes: String::new(),
        status: Status::Done,
    }
}

/// The real binary with the database and clock of a test.
pub fn binalog(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_binalog"));
    cmd.env("BINALOG_DB", db).env("BINALOG_FIXED_NOW", NOW).env_remove("BINALOG_LANG");
    cmd
}

pub fn run(db: &Path, args: &[&str]) -> Output {
    binalog(db).args(args).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// sled frees its file lock lazily after the last handle is dropped, so a
/// test that must open the same database twice does the second open in
/// another process: this test binary, re-run for one named test with
/// `BINALOG_TEST_CHILD` set. The child test returns at once unless it is set.
pub fn run_child_test(test: &str, envs: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", test, "--nocapture", "--test-threads", "1"]).env(CHILD_ENV, "1");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd
}

pub const CHILD_ENV: &str = "BINALOG_TEST_CHILD";

pub fn is_child() -> bool {
    std::env::var_os(CHILD_ENV).is_some()
}

/// Adds an officer through the real binary.
pub fn add_officer_cli(db: &Path) {
    use std::io::Write;
    let mut child = binalog(db)
        .args(["officer", "add", "--nip", NIP, "--name", "Budi Santoso", "--role", "operator", "--pin-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PIN}").unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
}

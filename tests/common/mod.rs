//! Helpers shared by the integration tests: a real sled database in a
//! temporary folder, a stopped clock, and the real binary.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use binalog::clock::FixedClock;
use binalog::domain::date::wib;
use binalog::domain::{EntryDraft, Kind, Quantity, Status};
use binalog::records::OpenMode;
use binalog::records::{Actor, Records};
use chrono::{DateTime, NaiveDate, Utc};

/// The instant every test lives at: 10 March 2026, 09:00 WIB.
pub const NOW: &str = "2026-03-10T09:00:00+07:00";
/// An operator at every site, and the admin who set the database up.
pub const NIP: &str = "198503122010121001";
pub const PIN: &str = "246810";
pub const ADMIN_NIP: &str = "198001012005011001";
pub const ADMIN_PIN: &str = "135790";
pub const SUPERVISOR_NIP: &str = "198705052010012003";

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
    when_released(|| Records::open(path, OpenMode::CreateIfMissing, Box::new(FixedClock(at)), wib()))
}

/// Opens a database this process held a moment ago. sled lets go of its
/// file lock lazily, in its own threads, once the last handle is dropped,
/// and says nothing when it has: so the open is retried (a bounded number
/// of times, yielding in between) while the answer is "locked". Anything
/// else fails at once.
pub fn when_released<T, E: std::fmt::Debug>(mut open: impl FnMut() -> Result<T, E>) -> T {
    for _ in 0..1_000_000 {
        match open() {
            Ok(opened) => return opened,
            // Locked, as the store says it or as the records API wraps it.
            Err(e) if format!("{e:?}").contains("Locked {") => std::thread::yield_now(),
            Err(e) => panic!("{e:?}"),
        }
    }
    panic!("the database stayed locked")
}

/// An initialised database with an admin and an operator at every site;
/// returns it and the operator, logged in.
pub fn fresh(path: &Path) -> (Records, Actor) {
    let (records, _, operator) = fresh_with_admin(path);
    (records, operator)
}

/// Also returns the admin, logged in.
pub fn fresh_with_admin(path: &Path) -> (Records, Actor, Actor) {
    use binalog::domain::Role;
    let records = open(path);
    records.init(false).unwrap();
    records.add_officer(None, ADMIN_NIP, "Sari Admin", Role::Admin, ADMIN_PIN).unwrap();
    let admin = records.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    records.add_officer(Some(&admin), NIP, "Budi Santoso", Role::Operator, PIN).unwrap();
    records.assign_sites(&admin, NIP, &[1, 2, 3]).unwrap();
    let operator = records.login(NIP, PIN).unwrap();
    (records, admin, operator)
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

/// The real binary with the database and clock of a test, opening the
/// database in its own process (`--direct`): most tests look at one
/// command at a time, and a server started on demand would keep the
/// database open for a minute after. The server tests use `served`.
pub fn binalog(db: &Path) -> Command {
    let mut cmd = served(db);
    cmd.env("BINALOG_DIRECT", "1");
    cmd
}

/// The real binary, using the database's server (started if none answers).
pub fn served(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_binalog"));
    cmd.env("BINALOG_DB", db)
        .env("BINALOG_FIXED_NOW", NOW)
        .env_remove("BINALOG_LANG")
        .env_remove("BINALOG_DIRECT")
        .env_remove("BINALOG_SOCKET");
    cmd
}

pub fn run(db: &Path, args: &[&str]) -> Output {
    binalog(db).args(args).stdin(std::process::Stdio::null()).output().unwrap()
}

/// Runs with `--pin-stdin` and the given lines on standard input.
pub fn run_with_pins(db: &Path, args: &[&str], lines: &[&str]) -> Output {
    run_with_pins_at(db, NOW, args, lines)
}

/// The same, with the clock stopped at another instant (RFC 3339).
pub fn run_with_pins_at(db: &Path, now: &str, args: &[&str], lines: &[&str]) -> Output {
    let mut cmd = binalog(db);
    cmd.env("BINALOG_FIXED_NOW", now).args(args);
    with_pins(cmd, lines)
}

/// Runs `cmd` with `--pin-stdin` and these lines on standard input.
pub fn with_pins(cmd: Command, lines: &[&str]) -> Output {
    spawn_with_pins(cmd, lines).wait_with_output().unwrap()
}

/// Starts `cmd` with `--pin-stdin`, these lines on standard input (then
/// closed), and its output piped for the caller to read.
pub fn spawn_with_pins(mut cmd: Command, lines: &[&str]) -> std::process::Child {
    use std::io::Write;
    let mut child = cmd
        .arg("--pin-stdin")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in lines {
        // A command may refuse and end before it reads its PIN (a file
        // refused first): the pipe is then closed, which is no failure.
        match writeln!(stdin, "{line}") {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => break,
            written => written.unwrap(),
        }
    }
    drop(stdin);
    child
}

/// Runs as the operator `NIP`, its PIN on standard input.
pub fn run_as_operator(db: &Path, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--as", NIP]);
    run_with_pins(db, &all, &[PIN])
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

/// Adds the first admin and the operator `NIP` (at every site) through
/// the real binary.
pub fn add_officer_cli(db: &Path) {
    let admin = run_with_pins(
        db,
        &["officer", "add", "--nip", ADMIN_NIP, "--name", "Sari Admin", "--role", "admin"],
        &[ADMIN_PIN],
    );
    assert!(admin.status.success(), "{}", stderr(&admin));
    let args = [
        "officer",
        "add",
        "--nip",
        NIP,
        "--name",
        "Budi Santoso",
        "--role",
        "operator",
        "--sites",
        "1,2,3",
        "--as",
        ADMIN_NIP,
    ];
    let operator = run_with_pins(db, &args, &[ADMIN_PIN, PIN]);
    assert!(operator.status.success(), "{}", stderr(&operator));
}

pub mod serve;

/// A database with the reference data, the admin and the operator `NIP`
/// at every site, made through the real binary.
pub fn prepared() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["init"]).status.success());
    add_officer_cli(dir.path());
    dir
}

/// `prepared`, with one harvest recorded by the operator on 05/03/2026.
pub fn prepared_with_one_entry() -> tempfile::TempDir {
    let dir = prepared();
    let add = run_as_operator(
        dir.path(),
        &["entry", "add", "--program", "1", "--date", "05/03/2026", "--kind", "harvest", "--qty", "2 kg cabai"],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    dir
}

/// Resident memory now and at its peak, in kB (the kernel's VmRSS and
/// VmHWM), of the process `who`: `"self"` or a process id.
pub fn memory_kb(who: &str) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{who}/status")).unwrap();
    let field = |name: &str| -> u64 {
        let line = status.lines().find(|l| l.starts_with(name)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

//! Imports through a real `binalog serve`, sent in chunks and made visible
//! at once (records/import.rs, store/staging.rs): a bad row anywhere
//! stores nothing, a client killed mid-import leaves nothing, and what a
//! chunked import stores is what one transaction over the whole import
//! stores.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use binalog::clock::FixedClock;
use binalog::domain::date::wib;
use binalog::domain::officer::Nip;
use binalog::domain::{Amount, EntryDraft, Invalid, Kind, Status};
use binalog::records::{AuditFilter, EntryFilter, Error, IMPORT_CHUNK, Records};
use binalog::report::export::{self, Format};
use binalog::store::{AuditAction, AuditNote, Change, OpenMode, Store};
use common::serve::Served;
use common::*;

/// The `i`-th draft: two programmes at two sites, a month of days, four
/// items, some planned, each with its own value.
fn row(i: usize) -> EntryDraft {
    let mut d = draft([1, 5][i % 2], day(2026, 2, 1 + (i % 28) as u32), Kind::Harvest, "1 kg x");
    d.quantities[0].value = Amount::from_milli(i as i64 * 10 + 1);
    d.quantities[0].item = ["cabai", "tomat", "padi", "terong"][i % 4].into();
    if i.is_multiple_of(11) {
        d.status = Status::Pending;
    }
    d
}

fn rows(n: usize) -> Vec<EntryDraft> {
    (0..n).map(row).collect()
}

/// Everything a database holds of its entries: the export (every
/// revision, ids, officers, times), the totals of both programmes from
/// the rollups, which must equal a scan of the entries, and `check`.
fn holdings(records: &Records) -> (String, Vec<binalog::records::Total>) {
    records.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    let mut csv = Vec::new();
    let every = EntryFilter { history: true, ..EntryFilter::default() };
    export::export(records, &every, Format::Csv, &mut csv).unwrap().unwrap();
    let (from, to) = (day(2026, 1, 1), day(2026, 3, 31));
    let mut totals = Vec::new();
    for program in [1, 5] {
        let rolled = records.totals(program, from, to).unwrap();
        assert_eq!(rolled, records.totals_by_scan(program, from, to).unwrap(), "programme {program}");
        totals.extend(rolled);
    }
    assert_eq!(records.check().unwrap(), vec![]);
    (String::from_utf8(csv).unwrap(), totals)
}

fn imports_audited(records: &Records) -> Vec<String> {
    let admin = records.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    let audit = records.audit(&admin, &AuditFilter::default()).unwrap();
    audit.into_iter().filter(|r| r.action == AuditAction::Imported).map(|r| r.detail).collect()
}

/// The same drafts stored as before chunking: one transaction, straight
/// into the store, by the operator at the tests' time.
fn one_transaction(db: &Path, drafts: &[EntryDraft]) {
    let store = Store::open(db, OpenMode::Existing).unwrap();
    let nip = Nip::parse(NIP).unwrap();
    let detail = format!("{} entries", drafts.len());
    let note =
        AuditNote { at: now(), officer: Some(nip.clone()), action: AuditAction::Imported, detail, user: "t".into() };
    let changes: Vec<Change> = drafts.iter().cloned().map(Change::Add).collect();
    store.commit(&changes, &nip, now(), &note).unwrap();
}

#[test]
fn a_chunked_import_through_the_server_stores_what_one_transaction_stores() {
    let n = 2 * IMPORT_CHUNK + 345;
    let drafts = rows(n);

    let chunked = prepared();
    let server = Served::start(chunked.path(), &[]);
    let client = server.client();
    let operator = client.login(NIP, PIN).unwrap();
    let ids = client.import(&operator, drafts.clone()).unwrap();
    assert_eq!(ids, (1..=n as u64).collect::<Vec<_>>());
    assert_eq!(client.count_entries().unwrap(), n);
    let served = holdings(&client);
    assert_eq!(imports_audited(&client), [format!("{n} entries")], "one audit record for the whole import");

    let single = prepared();
    one_transaction(single.path(), &drafts);
    let direct = when_released(|| {
        Records::open(single.path(), binalog::records::OpenMode::Existing, Box::new(FixedClock(now())), wib())
    });
    assert_eq!(holdings(&direct), served);
    assert_eq!(imports_audited(&direct), [format!("{n} entries")]);
}

/// Drafts checked chunk by chunk on the server: a bad one in the last
/// chunk is named by its place in the whole import, and nothing of the
/// chunks before it was stored. Through the command line the same row is
/// named by its line in the file.
#[test]
fn a_bad_row_in_the_last_chunk_stores_nothing_and_is_named() {
    let n = 2 * IMPORT_CHUNK + 10;
    let mut drafts = rows(n);
    drafts[n - 3].date = day(2099, 1, 1);

    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let client = server.client();
    let operator = client.login(NIP, PIN).unwrap();
    match client.import(&operator, drafts) {
        Err(Error::ImportRefused { rows, total }) => {
            assert_eq!(total, 1);
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].0, n - 2, "its place, from 1, in the whole import");
            assert!(matches!(rows[0].1[..], [(_, Invalid::DateInFuture { .. })]), "{rows:?}");
        }
        other => panic!("not refused: {other:?}"),
    }
    assert_eq!(client.count_entries().unwrap(), 0);
    assert!(imports_audited(&client).is_empty());
    assert_eq!(client.check().unwrap(), vec![]);

    // The command line, through the same server: a file whose bad row is
    // in its last chunk (line 1 is the header).
    let mut csv = String::from("program_id,date,kind,item,value,unit,participants,notes\n");
    for i in 0..n {
        let date = if i == n - 3 { "01/01/2099".to_string() } else { format!("{:02}/02/2026", 1 + i % 28) };
        csv.push_str(&format!("{},{date},harvest,cabai,{},kg,3,\n", [1, 5][i % 2], i + 1));
    }
    let file = dir.path().join("rows.csv");
    std::fs::write(&file, csv).unwrap();
    let mut cmd = served(dir.path());
    cmd.args(["--lang", "en", "import", file.to_str().unwrap(), "--as", NIP]);
    let out = with_pins(cmd, &[PIN]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let said = stderr(&out);
    assert!(said.contains(&format!("line {}", n - 1)), "{said}");
    assert!(said.contains("01/01/2099"), "{said}");
    assert_eq!(client.count_entries().unwrap(), 0);
}

/// The command line reads the file twice and stages whole entries a
/// chunk at a time (report/import/stream.rs): an entry whose rows lie far
/// apart (its first row at the top, its second at the bottom, a chunk
/// later) is still one entry, made first as its first row is first; a
/// file on standard input gives the same entries.
#[test]
fn an_entrys_rows_far_apart_in_a_file_are_one_entry_from_a_file_or_standard_input() {
    let n = IMPORT_CHUNK + 50;
    let mut csv = String::from("entry_id,program_id,date,kind,item,value,unit,participants,notes\n");
    for i in 0..n {
        csv.push_str(&format!("e{i},{},{:02}/02/2026,harvest,cabai,{},kg,3,\n", [1, 5][i % 2], 1 + i % 28, i + 1));
    }
    csv.push_str("e0,1,01/02/2026,harvest,tomat,7,kg,3,\n");
    let mut exports = Vec::new();
    for from_stdin in [false, true] {
        let dir = prepared();
        let file = dir.path().join("rows.csv");
        std::fs::write(&file, &csv).unwrap();
        let out = if from_stdin {
            let mut lines = vec![PIN];
            lines.extend(csv.lines());
            run_with_pins(dir.path(), &["--lang", "en", "import", "-", "--as", NIP], &lines)
        } else {
            run_with_pins(dir.path(), &["--lang", "en", "import", file.to_str().unwrap(), "--as", NIP], &[PIN])
        };
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains(&format!("{n} entries")), "{}", stdout(&out));
        let records = open(dir.path());
        assert_eq!(records.count_entries().unwrap(), n);
        let first = records.current(1).unwrap();
        let items: Vec<&str> = first.draft.quantities.iter().map(|q| q.item.as_str()).collect();
        assert_eq!(items, ["cabai", "tomat"], "the first entry has both its rows");
        assert_eq!(records.current(2).unwrap().draft.program, 5, "then the file's second entry");
        assert_eq!(records.check().unwrap(), vec![]);
        let mut text = Vec::new();
        export::export(&records, &EntryFilter::default(), Format::Csv, &mut text).unwrap().unwrap();
        exports.push(text);
    }
    assert_eq!(exports[0], exports[1]);
}

/// While one client imports, another reads over and over: each answer
/// shows none of the import or all of it, never part (the entries are
/// made visible a chunk per transaction, with the rollups before them,
/// while the server keeps readers out).
#[test]
fn a_reader_sees_none_of_an_import_or_all_of_it() {
    let n = 3 * IMPORT_CHUNK + 7;
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let importer = server.client();
    let operator = importer.login(NIP, PIN).unwrap();
    let reader = server.client();
    let drafts = rows(n);
    let done_in_programme_1 = drafts.iter().filter(|d| d.program == 1 && d.status == Status::Done).count() as u32;
    let (from, to) = (day(2026, 1, 1), day(2026, 3, 31));
    let importing = std::thread::spawn(move || importer.import(&operator, drafts).unwrap().len());
    let mut seen = std::collections::BTreeSet::new();
    loop {
        let count = reader.count_entries().unwrap();
        assert!(count == 0 || count == n, "{count} of {n} entries visible");
        let counted: u32 = reader.totals(1, from, to).unwrap().iter().map(|t| t.entries).sum();
        assert!(counted == 0 || counted == done_in_programme_1, "{counted} of {done_in_programme_1} in the totals");
        seen.insert((count, counted));
        if count == n && counted == done_in_programme_1 {
            break;
        }
    }
    assert_eq!(importing.join().unwrap(), n);
    assert!(seen.contains(&(n, done_in_programme_1)));
}

const SOCKET_ENV: &str = "BINALOG_TEST_SOCKET";
/// What the child says once its chunks are staged.
const STAGED: &str = "CHUNKS-STAGED";

/// The client of the next test, in a process of its own: stages two
/// chunks, says so, then waits to be killed.
#[test]
fn child_stages_two_chunks_and_waits() {
    if !is_child() {
        return;
    }
    let socket = std::env::var(SOCKET_ENV).unwrap();
    let records = Records::connect(Path::new(&socket), Box::new(FixedClock(now())), wib()).unwrap();
    let operator = records.login(NIP, PIN).unwrap();
    let import = records.import_begin(&operator).unwrap();
    for chunk in rows(2 * IMPORT_CHUNK).chunks(IMPORT_CHUNK) {
        records.import_chunk(&operator, import, chunk.to_vec()).unwrap();
    }
    println!("{STAGED}");
    // Killed while it waits for a line that never comes.
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).unwrap();
    panic!("the parent was to kill this client");
}

#[test]
fn a_client_killed_mid_import_leaves_nothing_and_the_next_import_works() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let mut child =
        run_child_test("child_stages_two_chunks_and_waits", &[(SOCKET_ENV, server.socket.to_str().unwrap())])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
    let staged = BufReader::new(child.stdout.take().unwrap()).lines().map_while(Result::ok).any(|l| l.contains(STAGED));
    assert!(staged, "the child staged its chunks");
    // SAFETY: kill takes no pointers; the child has not been waited for.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGKILL) }, 0);
    assert!(!child.wait().unwrap().success());

    let client = server.client();
    assert_eq!(client.count_entries().unwrap(), 0, "nothing of the killed import is visible");
    assert!(imports_audited(&client).is_empty());
    assert_eq!(client.check().unwrap(), vec![]);

    let operator = client.login(NIP, PIN).unwrap();
    let ids = client.import(&operator, rows(IMPORT_CHUNK + 1)).unwrap();
    assert_eq!(ids.first(), Some(&1), "the killed import took no ids");
    assert_eq!(ids.len(), IMPORT_CHUNK + 1);
    holdings(&client);
}

/// The server's resident memory over an import of 200,000 rows, for
/// BENCHMARKS.md. Run by hand:
///
/// ```text
/// cargo test --test import_chunks -- --ignored --nocapture server_memory
/// ```
#[test]
#[ignore = "a measurement, run by hand"]
fn server_memory_over_an_import_of_200000_rows() {
    let dir = prepared();
    let mut server = Served::start(dir.path(), &[]);
    let memory_of = |pid: u32| {
        let (now, peak) = common::memory_kb(&pid.to_string());
        format!("VmHWM {peak} kB, VmRSS {now} kB")
    };
    let pid = server.child.id();
    let memory = || memory_of(pid);
    println!("before: {}", memory());
    let client = server.client();
    let operator = client.login(NIP, PIN).unwrap();
    let started = std::time::Instant::now();
    let import = client.import_begin(&operator).unwrap();
    for (n, chunk) in rows(200_000).chunks(IMPORT_CHUNK).enumerate() {
        client.import_chunk(&operator, import, chunk.to_vec()).unwrap();
        if n % 20 == 19 {
            println!("staged {}: {}", (n + 1) * IMPORT_CHUNK, memory());
        }
    }
    let ids = client.import_finish(&operator, import).unwrap();
    println!("imported {} rows in {:.1} s", ids.end - ids.start, started.elapsed().as_secs_f64());
    println!("after: {}", memory());
    assert_eq!(client.count_entries().unwrap(), 200_000);
    println!("after counting: {}", memory());
    drop(client);
    server.terminate();
    // For comparison: a new server on the same database, after a check
    // (which reads every entry).
    let again = Served::start(dir.path(), &[]);
    let client = again.client();
    assert_eq!(client.check().unwrap(), vec![]);
    println!("a new server after check: {}", memory_of(again.child.id()));
}

/// The command line's and the server's memory over `binalog import` of a
/// 200,000-row file, for BENCHMARKS.md. Run by hand:
///
/// ```text
/// cargo test --test import_chunks -- --ignored --nocapture cli_memory
/// ```
#[test]
#[ignore = "a measurement, run by hand"]
fn cli_memory_over_an_import_of_200000_rows() {
    let dir = prepared();
    let server = Served::start(dir.path(), &[]);
    let mut csv = String::from("program_id,date,kind,item,value,unit,participants,notes\n");
    for i in 0..200_000 {
        let item = ["cabai", "tomat", "padi", "terong"][i % 4];
        csv.push_str(&format!("{},{:02}/02/2026,harvest,{item},{},kg,3,\n", [1, 5][i % 2], 1 + i % 28, 1 + i % 97));
    }
    let file = dir.path().join("rows.csv");
    std::fs::write(&file, csv).unwrap();
    let mut cmd = std::process::Command::new("/usr/bin/time");
    cmd.args(["-f", "command line: peak %M kB, %e s", env!("CARGO_BIN_EXE_binalog")])
        .env("BINALOG_DB", dir.path())
        .env("BINALOG_FIXED_NOW", NOW)
        .env_remove("BINALOG_DIRECT")
        .args(["--lang", "en", "import", file.to_str().unwrap(), "--as", NIP]);
    let out = with_pins(cmd, &[PIN]);
    println!("{}{}", stdout(&out), stderr(&out));
    assert!(out.status.success());
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let lines: Vec<&str> = status.lines().filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS")).collect();
    println!("server: {}", lines.join(", "));
}

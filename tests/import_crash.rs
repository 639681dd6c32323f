//! An import killed with SIGKILL at whatever point it has reached (staging
//! a chunk, at its commit point, between two chunks of its apply, before
//! its marker goes) and the database opened again: all of the import or
//! none of it, with totals, the programme index, the change feed's
//! numbers and the audit agreeing, and no staged file left.
//!
//! The real binary is stopped at each named point by the debug builds'
//! `BINALOG_TEST_IMPORT_CRASH` (store/staging.rs); a child of this test
//! binary is killed wherever it happens to be, over and over.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;

use binalog::clock::FixedClock;
use binalog::domain::date::wib;
use binalog::domain::{Amount, EntryDraft, Kind};
use binalog::records::{AuditAction, AuditFilter, OpenMode, Records};
use common::*;

const ROUNDS: usize = 12;
/// Drafts per import: three chunks staged, three chunks of the apply
/// (`store::WRITE_BATCH` is 500).
const ROWS: usize = 1_100;
const CHUNK: usize = 400;
const DB_ENV: &str = "IMPORT_CRASH_DB";

fn rows(round: usize) -> Vec<EntryDraft> {
    (0..ROWS)
        .map(|i| {
            let mut d = draft([1, 5][i % 2], day(2026, 2, 1 + (i % 28) as u32), Kind::Harvest, "1 kg x");
            d.quantities[0].value = Amount::whole((round * ROWS + i) as i64 % 97 + 1);
            d.quantities[0].item = ["cabai", "tomat", "padi"][i % 3].into();
            d
        })
        .collect()
}

/// Opens the database a killed child (or this process a moment ago) held.
fn reopen(db: &Path) -> Records {
    when_released(|| Records::open(db, OpenMode::Existing, Box::new(FixedClock(now())), wib()))
}

/// The importer: imports, then adds one entry, over and over, saying
/// where it is after each step; bounded, so that a parent that dies does
/// not leave it running.
#[test]
fn crash_child_importer() {
    if !is_child() {
        return;
    }
    let records = reopen(Path::new(&std::env::var(DB_ENV).unwrap()));
    let operator = records.login(NIP, PIN).unwrap();
    let mut out = std::io::stdout().lock();
    let mut say = |what: &str| {
        writeln!(out, "{what}").unwrap();
        out.flush().unwrap();
    };
    for round in 0..50 {
        let import = records.import_begin(&operator).unwrap();
        for (n, chunk) in rows(round).chunks(CHUNK).enumerate() {
            records.import_chunk(&operator, import, chunk.to_vec()).unwrap();
            say(&format!("staged {n}"));
        }
        say("finishing");
        let ids = records.import_finish(&operator, import).unwrap();
        assert_eq!(ids.end - ids.start, ROWS as u64);
        say("imported");
        records.add_entry(&operator, draft(1, day(2026, 3, 2), Kind::Harvest, "2 kg cabai")).unwrap();
        say("added");
    }
}

/// What must hold of the database after any kill: returns the imports
/// and single entries it holds.
fn consistent(db: &Path, round: usize) -> (usize, usize) {
    let records = reopen(db);
    assert!(staging_gone(db), "round {round}: a staged file left after the open");
    let admin = records.login(ADMIN_NIP, ADMIN_PIN).unwrap();
    assert_eq!(records.check().unwrap(), vec![], "round {round}");
    let audit = records.audit(&admin, &AuditFilter::default()).unwrap();
    let imports: Vec<&str> =
        audit.iter().filter(|r| r.action == AuditAction::Imported).map(|r| r.detail.as_str()).collect();
    let imported: usize = imports.iter().map(|d| d.trim_end_matches(" entries").parse::<usize>().unwrap()).sum();
    let added = audit.iter().filter(|r| r.action == AuditAction::EntryAdded).count();
    let count = records.count_entries().unwrap();
    assert_eq!(count, imported + added, "round {round}: all of each import or none");
    // Ids from 1 without a gap or a reuse.
    for id in 1..=count as u64 {
        assert!(records.current(id).is_ok(), "round {round}: entry {id} missing");
    }
    assert!(records.current(count as u64 + 1).is_err(), "round {round}: an entry past the count");
    let (from, to) = (day(2026, 1, 1), day(2026, 3, 31));
    for program in [1, 5] {
        let rolled = records.totals(program, from, to).unwrap();
        assert_eq!(rolled, records.totals_by_scan(program, from, to).unwrap(), "round {round}: programme {program}");
    }
    // The feed numbers every change once, from 1, without a gap, and
    // names each entry's revision once.
    let mut seqs = Vec::new();
    let mut revisions = 0;
    let mut after = 0;
    loop {
        let page = records.feed(&admin, after, 5_000).unwrap();
        seqs.extend(page.changes.iter().map(|c| c.seq));
        revisions +=
            page.changes.iter().filter(|c| matches!(c.record, binalog::records::FeedRecord::Revision(_))).count();
        if page.through == after || page.through == page.last {
            assert_eq!(page.through, page.last, "round {round}: the feed stops before its end");
            break;
        }
        after = page.through;
    }
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>(), "round {round}");
    assert_eq!(revisions, count, "round {round}: one change per entry");
    (imports.len(), added)
}

/// The staged files in the database folder.
fn staged_files(db: &Path) -> Vec<std::path::PathBuf> {
    let paths = std::fs::read_dir(db).unwrap().filter_map(|e| e.ok()).map(|e| e.path());
    paths.filter(|p| p.extension().is_some_and(|x| x == "staged")).collect()
}

/// Whether opening took away every staged file.
fn staging_gone(db: &Path) -> bool {
    staged_files(db).is_empty()
}

#[test]
fn an_import_killed_anywhere_leaves_all_of_it_or_none() {
    if is_child() {
        return;
    }
    let dir = prepared();
    let db = dir.path();
    let points = ["staged 0", "staged 1", "staged 2", "finishing", "imported", "added"];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut acked = 0;
    for round in 0..ROUNDS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Every point is a kill point in turn; how many steps pass first varies.
        let point = points[round % points.len()];
        let passes = (seed % 2) as usize;
        let mut child = run_child_test("crash_child_importer", &[(DB_ENV, db.to_str().unwrap())])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut seen = 0;
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            acked += usize::from(line == "imported");
            if line == point {
                seen += 1;
                if seen > passes {
                    // The importer is at its next step when this lands.
                    child.kill().unwrap();
                    break;
                }
            }
        }
        child.wait().unwrap();
        assert_eq!(seen, passes + 1, "round {round}: the importer stopped before {point}");
        let (imports, _) = consistent(db, round);
        assert!(imports >= acked, "round {round}: {acked} imports acknowledged, {imports} kept");
    }
    assert!(staging_gone(db));
}

/// Where the next test stops `binalog import`, and whether the import has
/// happened by then (past its commit point).
const POINTS: [(&str, bool); 6] =
    [("staged", false), ("synced", false), ("chunk-0", true), ("chunk-2", true), ("chunk-4", true), ("applied", true)];
/// Rows of the file: two chunks staged, five chunks of the apply.
const FILE_ROWS: usize = 2_300;

/// Checks the database in a process of its own (the importer's lock is
/// gone with it, this one's with this child) and says what it holds.
#[test]
fn verify_child() {
    if !is_child() {
        return;
    }
    let (imports, added) = consistent(Path::new(&std::env::var(DB_ENV).unwrap()), 0);
    println!("holds {imports} {added}");
}

fn verified(db: &Path) -> (usize, usize) {
    let out = run_child_test("verify_child", &[(DB_ENV, db.to_str().unwrap())]).output().unwrap();
    let said = stdout(&out);
    assert!(out.status.success(), "{said}{}", stderr(&out));
    let line =
        said.split("holds ").nth(1).and_then(|r| r.lines().next()).unwrap_or_else(|| panic!("no answer: {said}"));
    let (imports, added) = line.split_once(' ').unwrap();
    (imports.parse().unwrap(), added.parse().unwrap())
}

#[test]
fn binalog_import_killed_at_each_point_leaves_all_of_it_or_none() {
    if is_child() {
        return;
    }
    let dir = prepared();
    let db = dir.path();
    let mut csv = String::from("program_id,date,kind,item,value,unit,participants,notes\n");
    for i in 0..FILE_ROWS {
        csv.push_str(&format!("{},{:02}/02/2026,harvest,cabai,{},kg,3,\n", [1, 5][i % 2], 1 + i % 28, i % 89 + 1));
    }
    let file = db.join("rows.csv");
    std::fs::write(&file, csv).unwrap();
    let import = ["--lang", "en", "import", file.to_str().unwrap(), "--as", NIP];
    let mut expected = 0;
    for (point, happened) in POINTS {
        let mut cmd = binalog(db);
        cmd.env("BINALOG_TEST_IMPORT_CRASH", point).args(import);
        let out = with_pins(cmd, &[PIN]);
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(libc::SIGKILL), "{point}: {}{}", stdout(&out), stderr(&out));
        expected += usize::from(happened);
        let check = run(db, &["check"]);
        assert!(check.status.success(), "{point}: {}{}", stdout(&check), stderr(&check));
        assert_eq!(verified(db), (expected, 0), "{point}: the imports it holds");
    }
    // And one that is not stopped, after them all: the numbers go on.
    let out = run_with_pins(db, &import, &[PIN]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(verified(db), (expected + 1, 0));
    assert_eq!(expected * FILE_ROWS + FILE_ROWS, {
        let records = reopen(db);
        records.count_entries().unwrap()
    });
}

/// What a test does to a staged file's bytes (none left: the file goes).
type Damage = fn(&mut Vec<u8>);

/// The staged file of an import a crash left past its commit point,
/// damaged before the next open: truncated inside a draft, garbage added
/// after its drafts, a length that claims more than the file holds, gone.
/// Every command that opens the database refuses, naming the file and the
/// restore, in either language; `binalog check` says the same.
#[test]
fn a_damaged_staged_file_of_a_committed_import_refuses_the_open_naming_it() {
    if is_child() {
        return;
    }
    let damages: [(&str, Damage); 4] = [
        ("truncated", |bytes| bytes.truncate(bytes.len() - 7)),
        ("garbage", |bytes| bytes.extend_from_slice(&[0xff; 9])),
        ("lying length", |bytes| bytes[..4].copy_from_slice(&u32::MAX.to_le_bytes())),
        ("gone", |bytes| bytes.clear()),
    ];
    for (damage, apply) in damages {
        let dir = prepared();
        let db = dir.path();
        let file = db.join("rows.csv");
        let mut csv = String::from("program_id,date,kind,item,value,unit,participants,notes\n");
        for i in 0..700 {
            csv.push_str(&format!("1,{:02}/02/2026,harvest,cabai,{},kg,3,\n", 1 + i % 28, i + 1));
        }
        std::fs::write(&file, csv).unwrap();
        let mut cmd = binalog(db);
        cmd.env("BINALOG_TEST_IMPORT_CRASH", "chunk-0").args(["import", file.to_str().unwrap(), "--as", NIP]);
        assert!(!with_pins(cmd, &[PIN]).status.success());
        let staged = staged_files(db);
        let [staged] = &staged[..] else { panic!("{damage}: {staged:?}") };
        let mut bytes = std::fs::read(staged).unwrap();
        apply(&mut bytes);
        if bytes.is_empty() {
            std::fs::remove_file(staged).unwrap();
        } else {
            std::fs::write(staged, bytes).unwrap();
        }
        let name = staged.file_name().unwrap().to_string_lossy().into_owned();
        for (lang, command) in [("en", "check"), ("id", "check"), ("en", "export"), ("id", "export")] {
            let out = run(db, &["--lang", lang, command]);
            let said = stderr(&out);
            assert!(!out.status.success(), "{damage}, {command}: {}", stdout(&out));
            assert!(said.contains(&name), "{damage}, {lang} {command}: {said}");
            let restore = format!("--db {}-restored", db.display());
            assert!(said.contains(&restore), "{damage}, {lang} {command}: the database's own folder: {said}");
            assert!(said.contains("binalog restore"), "{damage}, {lang} {command}: {said}");
        }
    }
}

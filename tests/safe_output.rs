//! What the command line writes is safe to show and to open: stored text
//! with escape sequences never reaches standard output raw, spreadsheet
//! formulas are disarmed and read back, a reader that leaves early ends the
//! command quietly, and import names the right line of a broken file.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Output;

use binalog::domain::demo::{DEMO_OFFICERS, DEMO_PIN};
use binalog::domain::text::is_forbidden;
use binalog::domain::{Kind, Nip, Role};
use binalog::store::{AuditAction, AuditNote, Change, OpenMode, Reference, Store};
use common::*;

/// An OSC 52 clipboard write, a window title change, a right-to-left
/// override, a C1 control and a zero-width space, in one stored text.
const NASTY: &str = "x\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}]0;owned\u{7}\u{202e}gnp.exe\u{9b}2J\u{200b}y";
/// How it must appear instead: the start of each escape.
const ESCAPED: [&str; 4] = ["\\x1b]52;c;", "\\x07", "\\u{202e}", "\\x9b"];

/// Stores text no input would take today, as an older database may hold
/// it: through the store itself, below every front end's checks.
fn store_nasty_text(db: &Path) -> u64 {
    let store = Store::open(db, OpenMode::Existing).unwrap();
    let nip = Nip::parse(NIP).unwrap();
    let note = |action| AuditNote {
        at: now(),
        officer: Some(nip.clone()),
        action,
        detail: format!("=cmd|' /C calc'!A0 {NASTY}"),
        user: NASTY.to_string(),
    };
    let mut draft = draft(1, day(2026, 3, 5), Kind::Harvest, "2 kg cabai");
    draft.quantities[0].item = format!("cabai{NASTY}");
    draft.notes = NASTY.to_string();
    let added = store.commit(&[Change::Add(draft.clone())], &nip, now(), &note(AuditAction::EntryAdded)).unwrap();
    let id = added[0].id;
    let correct = Change::Correct { id, base: 1, draft, reason: NASTY.to_string() };
    store.commit(&[correct], &nip, now(), &note(AuditAction::EntryCorrected)).unwrap();

    let mut site = store.sites().unwrap().remove(0);
    site.name = NASTY.to_string();
    site.code = format!("+{NASTY}");
    store.update_reference(&Reference::Site(site), &note(AuditAction::ReferenceUpdated)).unwrap();
    let mut partner = store.partners().unwrap().remove(0);
    partner.name = format!("@{NASTY}");
    store.update_reference(&Reference::Partner(partner), &note(AuditAction::ReferenceUpdated)).unwrap();
    let mut agreement = store.agreements().unwrap().remove(0);
    agreement.number = format!("-{NASTY}");
    store.update_reference(&Reference::Agreement(agreement), &note(AuditAction::ReferenceUpdated)).unwrap();
    let mut program = store.programs().unwrap().remove(0);
    program.name = format!("={NASTY}");
    store.update_reference(&Reference::Program(program), &note(AuditAction::ReferenceUpdated)).unwrap();
    let mut officer = store.officer(&nip).unwrap().unwrap();
    officer.name = NASTY.to_string();
    store.put_officer(&officer, &note(AuditAction::OfficerUpdated)).unwrap();
    store.flush().unwrap();
    id
}

fn assert_safe(what: &str, out: &Output) {
    assert!(out.status.success(), "{what}: {}", stderr(out));
    let text = stdout(out);
    let raw: Vec<char> = text.chars().filter(|c| is_forbidden(*c) && *c != '\n').collect();
    assert!(raw.is_empty(), "{what} printed {raw:?} raw:\n{text}");
    for escaped in ESCAPED {
        assert!(text.contains(escaped), "{what} shows {escaped}:\n{text}");
    }
}

#[test]
fn stored_escape_sequences_never_reach_standard_output_raw() {
    let dir = prepared();
    let db = dir.path();
    let id = store_nasty_text(db).to_string();
    let admin = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--as", ADMIN_NIP]);
        run_with_pins(db, &all, &[ADMIN_PIN])
    };
    for format in ["table", "csv", "json"] {
        for list in ["sites", "partners", "agreements", "programs"] {
            assert_safe(&format!("{list} --format {format}"), &run(db, &[list, "--format", format]));
        }
        assert_safe(&format!("officer list {format}"), &admin(&["officer", "list", "--format", format]));
    }
    assert_safe("entry show", &run(db, &["entry", "show", &id]));
    assert_safe("entry queue", &admin(&["entry", "queue"]));
    assert_safe("audit", &admin(&["audit"]));
    assert_safe("audit csv", &admin(&["audit", "--format", "csv"]));
    assert_safe("export csv", &run(db, &["export"]));
    assert_safe("export history", &run(db, &["export", "--history"]));
    assert_safe("export jsonl", &run(db, &["export", "--format", "jsonl"]));

    // JSON stays JSON, with the escapes as text inside its strings.
    let jsonl = stdout(&run(db, &["export", "--format", "jsonl"]));
    let entry: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert!(entry["notes"].as_str().unwrap().starts_with("x\\x1b]52;c;"), "{entry}");
    let programs: serde_json::Value =
        serde_json::from_str(&stdout(&run(db, &["programs", "--format", "json"]))).unwrap();
    assert!(programs[0]["program"].as_str().unwrap().starts_with("=x\\x1b"), "{programs}");

    // Every CSV the program writes disarms formulas in text cells only.
    let programs = stdout(&run(db, &["programs", "--format", "csv"]));
    assert!(programs.lines().nth(1).unwrap().starts_with("1,'=x\\x1b]52"), "{programs}");
    let sites = stdout(&run(db, &["sites", "--format", "csv"]));
    assert!(sites.lines().nth(1).unwrap().starts_with("1,'+x\\x1b"), "{sites}");
    let partners = stdout(&run(db, &["partners", "--format", "csv"]));
    assert!(partners.lines().nth(1).unwrap().starts_with("1,'@x\\x1b"), "{partners}");
    let agreements = stdout(&run(db, &["agreements", "--format", "csv"]));
    assert!(agreements.lines().nth(1).unwrap().starts_with("1,'-x\\x1b"), "{agreements}");
    let audit = stdout(&admin(&["audit", "--format", "csv"]));
    assert!(audit.contains(",'=cmd|' /C calc'!A0 x\\x1b"), "{audit}");
    let export = stdout(&run(db, &["export"]));
    assert!(export.contains(",'=x\\x1b]52"), "the programme column: {export}");
}

/// Text a spreadsheet would run, and text that looks like what the guard
/// writes, all stored through the ordinary command line.
const FORMULAS: [(&str, &str); 6] = [
    ("2 kg =cabai", "=HYPERLINK(\"http://x\";\"klik\")"),
    ("3 kg +tomat", "+62 812 555"),
    ("4 kg -", "-"),
    ("5 kg @terong", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("6 kg 'cabai", "'=sudah berpetik"),
    ("7 kg c:\\data", "catatan biasa \\x1b bukan escape"),
];

/// Rows of an export as cells, without what a new database assigns anew
/// (entry id, recorder, time).
fn export_rows(db: &Path) -> Vec<Vec<String>> {
    let out = run(db, &["export"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    reader.records().map(|r| r.unwrap().iter().skip(1).take(14).map(str::to_string).collect()).collect()
}

#[test]
fn formula_cells_are_disarmed_and_export_then_import_gives_the_same_entries() {
    let dir = prepared();
    let db = dir.path();
    for (qty, notes) in FORMULAS {
        let args = ["entry", "add", "--program", "1", "--date", "05/03/2026", "--kind", "harvest"];
        let mut all = args.to_vec();
        all.extend_from_slice(&["--qty", qty, "--notes", notes]);
        let out = run_as_operator(db, &all);
        assert!(out.status.success(), "{qty}: {}", stderr(&out));
    }
    let export = stdout(&run(db, &["export"]));
    for cell in [
        ",'=cabai,",
        ",\"'=HYPERLINK(\"\"http://x\"\";\"\"klik\"\")\",",
        ",'+tomat,",
        ",'+62 812 555,",
        ",'-,",
        ",'@terong,",
        ",'@SUM(1+1)*cmd|' /C calc'!A0,",
        ",'cabai,",
        ",''=sudah berpetik,",
        ",c:\\\\data,",
        ",catatan biasa \\\\x1b bukan escape,",
    ] {
        assert!(export.contains(cell), "{cell} in\n{export}");
    }
    assert!(export.contains(",2026-03-05,"), "dates as they are");

    let copy = prepared();
    let file = copy.path().join("export.csv");
    std::fs::write(&file, &export).unwrap();
    let import = run_as_operator(copy.path(), &["import", file.to_str().unwrap()]);
    assert!(import.status.success(), "{}", stderr(&import));
    assert_eq!(export_rows(copy.path()), export_rows(db));
    let first = run(copy.path(), &["entry", "show", "1"]);
    assert!(stdout(&first).contains("2 kg =cabai | done"), "{}", stdout(&first));
    assert!(stdout(&first).contains("=HYPERLINK(\"http://x\";\"klik\")"), "{}", stdout(&first));
}

/// Runs a command whose reader goes away: after `read_lines` lines (none:
/// before the command wrote anything), as `| head` does.
fn with_closed_pipe(db: &Path, args: &[&str], pins: &[&str], read_lines: usize) -> Output {
    let mut cmd = binalog(db);
    cmd.args(args);
    let mut child = spawn_with_pins(cmd, pins);
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..read_lines {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "{args:?} printed a line");
    }
    drop(reader);
    child.wait_with_output().unwrap()
}

#[test]
fn a_reader_that_leaves_early_ends_the_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path();
    assert!(run(db, &["init", "--demo"]).status.success());
    // The demo's admin reads the audit and the officers, its supervisor
    // the queue of entries to verify.
    let [(admin_nip, _, Role::Admin), _, (supervisor_nip, _, Role::Supervisor)] = DEMO_OFFICERS else {
        panic!("the demo's officers changed: {DEMO_OFFICERS:?}");
    };
    let commands: [&[&str]; 12] = [
        &["export"],
        &["export", "--format", "jsonl"],
        &["export", "--history"],
        &["programs"],
        &["sites", "--format", "csv"],
        &["agreements", "--format", "json"],
        &["entry", "show", "1"],
        &["entry", "queue", "--as", supervisor_nip],
        &["audit", "--as", admin_nip],
        &["audit", "--format", "csv", "--as", admin_nip],
        &["officer", "list", "--as", admin_nip],
        &["check"],
    ];
    for args in commands {
        for read_lines in [0, 1] {
            let out = with_closed_pipe(db, args, &[DEMO_PIN], read_lines);
            assert_eq!(out.status.code(), Some(0), "{args:?} after {read_lines} lines: {}", stderr(&out));
            assert_eq!(stderr(&out), "", "{args:?} after {read_lines} lines");
        }
    }
    // A full disk is no reader leaving: it is said, and the command fails.
    for args in [&["programs"][..], &["export"], &["entry", "show", "1"]] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = binalog(db).args(["--lang", "en"]).args(args).stdout(full).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).starts_with("Could not write the output: No space left"), "{args:?}: {}", stderr(&out));
    }
    // Long outputs outgrow a pipe's 64 KiB, so they met the closed end even
    // when the reader took its one line late.
    for args in [&["export"][..], &["entry", "queue", "--as", supervisor_nip]] {
        let mut cmd = binalog(db);
        cmd.args(args);
        let full = with_pins(cmd, &[DEMO_PIN]);
        assert!(full.stdout.len() > 1 << 16, "{args:?} writes more than a pipe holds");
    }
}

#[test]
fn an_unclosed_quote_names_the_line_it_opened_and_stores_nothing() {
    let dir = prepared();
    let db = dir.path();
    let file = db.join("open.csv");
    for end in ["\n", "\r\n"] {
        let csv = [
            "program_id,date,kind,item,value,unit,participants,notes",
            "1,05/03/2026,harvest,cabai,2,kg,4,pagi",
            "1,05/03/2026,harvest,cabai,3,kg,4,\"kutip dibuka",
            "1,06/03/2026,harvest,tomat,4,kg,4,sore",
            "",
        ]
        .join(end);
        std::fs::write(&file, csv).unwrap();
        let out = run_as_operator(db, &["--lang", "en", "import", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains("line 3: A quote (\") opens a cell on this line and is never closed"), "{end:?}: {err}");
        assert_eq!(stdout(&run(db, &["export"])).lines().count(), 1, "nothing stored");
        let id = run_as_operator(db, &["import", file.to_str().unwrap()]);
        assert!(stderr(&id).contains("baris 3: Tanda kutip (\") membuka sel"), "{}", stderr(&id));
    }
}

#[test]
fn crlf_and_lf_files_name_the_same_lines() {
    let dir = prepared();
    let db = dir.path();
    let lines = [
        "program_id,date,kind,item,value,unit,participants,notes",
        "1,05/03/2026,harvest,cabai,12,kg,4,",
        "1,05/03/2026,harvest,cabai,dua,kg,4,",
        "1,05/03/2026,harvest,cabai,2,kg,4,\"dua",
        "baris\"",
        "1,31/02/2026,harvest,cabai,2,kg,4,",
        "1,05/03/2026,harvest,cabai,2,kg,4",
        "1,05/03/2026,harvest,cabai,2,kg,banyak,",
        "",
    ];
    let mut reports = Vec::new();
    for end in ["\n", "\r\n", "\r"] {
        let file = db.join("bad.csv");
        std::fs::write(&file, lines.join(end)).unwrap();
        let out = run_as_operator(db, &["--lang", "en", "import", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        reports.push(stderr(&out));
    }
    let lf = &reports[0];
    for line in [3, 6, 7, 8] {
        assert!(lf.contains(&format!("line {line}: ")), "line {line} named: {lf}");
    }
    assert!(!lf.contains("line 2:") && !lf.contains("line 4:") && !lf.contains("line 5:"), "{lf}");
    assert_eq!(&reports[1], lf, "CRLF");
    assert_eq!(&reports[2], lf, "CR");
    assert_eq!(stdout(&run(db, &["export"])).lines().count(), 1, "nothing stored");
}

//! The streamed import against the whole plan (`plan`, which reads the
//! file once and holds every draft): the same problems on the same lines
//! whichever pass finds them and however many chunks were staged before,
//! nothing stored and no staged file left when any row is bad, and the
//! same entries when none is.

use std::io::Read;
use std::path::Path;

use super::{Imported, LineProblem, Refused, import, plan};
use crate::records::{Actor, IMPORT_CHUNK, Records};

const HEADER: &str = "entry_id,program_id,date,kind,item,value,unit,participants,notes\n";

/// A database on 30 September 2025 with an operator at site 1, where
/// programme 1 farms (and an admin and a supervisor).
fn opened(dir: &Path) -> (Records, Actor) {
    let (records, _, operator, _) = crate::records::report_tests::opened(dir);
    (records, operator)
}

/// A good harvest row of programme 1, its entry_id `group` (may be
/// blank), its day from `i`.
fn row(group: &str, i: usize, item: &str) -> String {
    format!("{group},1,{:02}/09/2025,harvest,{item},{},kg,3,\n", 1 + i % 28, i + 1)
}

/// `n` good rows, each an entry of its own but every tenth, which shares
/// an entry_id with the row after it.
fn good_rows(n: usize) -> Vec<String> {
    let good = |i: usize| match i % 10 {
        0 => row(&format!("g{i}"), i, "cabai"),
        1 => row(&format!("g{}", i - 1), i - 1, "tomat"),
        _ => row("", i, "cabai"),
    };
    (0..n).map(good).collect()
}

fn file(rows: &[String]) -> Vec<u8> {
    [HEADER.to_string(), rows.concat()].concat().into_bytes()
}

fn streamed(records: &Records, actor: &Actor, bytes: &[u8], dry_run: bool) -> Result<Imported, Refused> {
    let opener = || -> std::io::Result<Box<dyn Read>> { Ok(Box::new(std::io::Cursor::new(bytes.to_vec()))) };
    import(records, actor, opener, dry_run)
}

fn refused_lines(outcome: Result<Imported, Refused>) -> Vec<LineProblem> {
    match outcome {
        Err(Refused::Lines(problems)) => problems,
        other => panic!("not refused for its lines: {other:?}"),
    }
}

fn staged_files(db: &Path) -> Vec<String> {
    let names = std::fs::read_dir(db).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name());
    names.map(|n| n.to_string_lossy().into_owned()).filter(|n| n.ends_with(".staged")).collect()
}

/// Bad rows only near the end of a file, after two chunks' worth of good
/// entries were staged: a row that does not parse (one in an entry whose
/// other rows come before and after it, one the first of its entry), a
/// row that differs from its entry, a draft the rules refuse. Every one
/// is named as the whole plan names it, a dry run says the same, and
/// nothing is stored or left staged.
#[test]
fn bad_rows_found_after_chunks_were_staged_store_nothing_and_are_all_named() {
    let dir = tempfile::tempdir().unwrap();
    let (records, operator) = opened(dir.path());
    let n = 2 * IMPORT_CHUNK + 300;
    let mut rows = good_rows(n);
    // Line numbers: the header is line 1, rows[i] is line i + 2.
    let at = 2 * IMPORT_CHUNK + 100;
    rows[at] = "late,1,05/09/2025,harvest,cabai,1,kg,3,\n".into();
    rows[at + 1] = "late,1,no-date,harvest,cabai,2,kg,3,\n".into();
    rows[at + 2] = "late,1,05/09/2025,harvest,tomat,3,kg,3,\n".into();
    rows[at + 20] = "first-bad,1,05/09/2025,harvest,cabai,lots,kg,3,\n".into();
    rows[at + 21] = "first-bad,1,05/09/2025,harvest,tomat,3,kg,3,\n".into();
    rows[at + 40] = "g-differs,1,05/09/2025,harvest,cabai,3,kg,3,\n".into();
    rows[at + 41] = "g-differs,1,06/09/2025,harvest,tomat,3,kg,3,\n".into();
    rows[n - 5] = row("", 1, "cabai").replace("09/2025", "09/2099");
    rows[n - 1] = ",1,05/09/2025,harvest,cabai,1,parsec,3,\n".into();
    let bytes = file(&rows);

    let whole = plan(&records, &bytes[..]).unwrap_err();
    let lines: Vec<u64> = whole.iter().map(|p| p.line).collect();
    let expected = [at + 1, at + 20, at + 41, n - 5, n - 1].map(|i| i as u64 + 2);
    assert_eq!(lines, expected, "{whole:?}");

    assert_eq!(refused_lines(streamed(&records, &operator, &bytes, false)), whole);
    assert_eq!(staged_files(dir.path()), Vec::<String>::new());
    assert_eq!(records.count_entries().unwrap(), 0);
    assert_eq!(refused_lines(streamed(&records, &operator, &bytes, true)), whole, "a dry run says the same");
}

/// Rows the CSV reader cannot read are found by the first pass: nothing is
/// staged at all, and they are named with the rows that do not parse.
#[test]
fn rows_the_csv_reader_refuses_are_named_with_those_that_do_not_parse() {
    let dir = tempfile::tempdir().unwrap();
    let (records, operator) = opened(dir.path());
    let mut rows = good_rows(IMPORT_CHUNK + 10);
    rows[3] = ",1,05/09/2025,harvest,cabai,1,kg\n".into();
    rows[IMPORT_CHUNK + 5] = ",1,05/09/2025,harvest,cabai,1,kg,3,,extra\n".into();
    rows[IMPORT_CHUNK + 6] = ",1,05/09/2025,sowing?,cabai,1,kg,3,\n".into();
    let bytes = file(&rows);
    let whole = plan(&records, &bytes[..]).unwrap_err();
    let lines: Vec<u64> = whole.iter().map(|p| p.line).collect();
    assert_eq!(lines, [5, IMPORT_CHUNK as u64 + 7, IMPORT_CHUNK as u64 + 8], "{whole:?}");
    // A row short of cells, and one with a cell too many: named so.
    assert_eq!((whole[0].key, whole[1].key), ("cli.csv_cells", "cli.csv_cells"));
    assert_eq!(whole[0].args[0].1, crate::domain::invalid::Arg::Number(7));
    assert_eq!(whole[1].args[0].1, crate::domain::invalid::Arg::Number(10));
    assert_eq!(refused_lines(streamed(&records, &operator, &bytes, false)), whole);
    assert_eq!(refused_lines(streamed(&records, &operator, &bytes, true)), whole);
    assert_eq!(staged_files(dir.path()), Vec::<String>::new());
    assert_eq!(records.count_entries().unwrap(), 0);
}

/// A good file stores what the whole plan would: its entries (rows of
/// one entry_id joined) in the file's order.
#[test]
fn a_good_file_stores_the_plans_entries_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (records, operator) = opened(dir.path());
    let n = IMPORT_CHUNK + 35;
    let bytes = file(&good_rows(n));
    let whole = plan(&records, &bytes[..]).unwrap();
    let dry = streamed(&records, &operator, &bytes, true).unwrap();
    assert_eq!(dry, Imported { entries: whole.drafts.len(), rows: n });
    assert_eq!(records.count_entries().unwrap(), 0, "a dry run stores nothing");
    let done = streamed(&records, &operator, &bytes, false).unwrap();
    assert_eq!(done, dry);
    assert_eq!(records.count_entries().unwrap(), whole.drafts.len());
    for (id, draft) in (1..).zip(&whole.drafts) {
        assert_eq!(&records.current(id).unwrap().draft, draft, "entry {id}");
    }
    assert_eq!(staged_files(dir.path()), Vec::<String>::new());
}

/// A row that is not UTF-8 (a file saved in Excel's own encoding) names
/// its column and what to do, in the officer's words, not the reader's.
#[test]
fn a_row_that_is_not_utf8_names_its_column() {
    let dir = tempfile::tempdir().unwrap();
    let (records, operator) = opened(dir.path());
    let mut bytes = file(&good_rows(3));
    let at = bytes.windows(5).position(|w| w == b"cabai").unwrap();
    bytes[at + 2] = 0xe0;
    let whole = plan(&records, &bytes[..]).unwrap_err();
    assert_eq!(whole.len(), 1, "{whole:?}");
    assert_eq!((whole[0].line, whole[0].key), (2, "cli.csv_not_utf8"));
    assert_eq!(whole[0].args, vec![("column", crate::domain::invalid::Arg::Text("item".into()))]);
    assert_eq!(refused_lines(streamed(&records, &operator, &bytes, false)), whole);
    assert_eq!(records.count_entries().unwrap(), 0);
}

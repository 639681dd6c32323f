//! `binalog import`: reads the export's CSV columns and turns them into
//! validated drafts. Every row is checked before anything is stored; one
//! bad row means nothing is stored, and every bad row is reported.

use std::collections::HashMap;
use std::io::Read;

use crate::domain::date::parse_date;
use crate::domain::entry::{EntryDraft, Field, Quantity, Status};
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::sector::Kind;
use crate::domain::unit::Unit;
use crate::records::{Error, IMPORT_CHUNK, Records};
use crate::report::safe::read_csv_text;

pub const REQUIRED: [&str; 8] = ["program_id", "date", "kind", "item", "value", "unit", "participants", "notes"];

/// A problem on one line of the file (line 1 is the header), as a catalog
/// key and its values, for the front end to put in the user's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineProblem {
    pub line: u64,
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl LineProblem {
    fn invalid(line: u64, e: &Invalid) -> LineProblem {
        LineProblem { line, key: e.key(), args: e.args() }
    }
}

/// What a file would import: drafts in file order and the rows they came from.
#[derive(Debug)]
pub struct Plan {
    pub drafts: Vec<EntryDraft>,
    pub rows: usize,
}

/// One data row, parsed as far as its own fields allow.
struct Row {
    line: u64,
    group: String,
    program: u32,
    date: chrono::NaiveDate,
    kind: Kind,
    quantity: Quantity,
    participants: u32,
    notes: String,
    status: Status,
}

/// Reads and checks the whole file. Either every row is good and the plan
/// is returned, or every problem found is.
pub fn plan(records: &Records, mut input: impl Read) -> Result<Plan, Vec<LineProblem>> {
    let mut bytes = Vec::new();
    if let Err(e) = input.read_to_end(&mut bytes) {
        return Err(vec![LineProblem {
            line: 1,
            key: "cli.csv_malformed",
            args: vec![("detail", Arg::Text(e.to_string()))],
        }]);
    }
    let bytes = lf_line_ends(bytes);
    if let Some(line) = unclosed_quote(&bytes) {
        return Err(vec![LineProblem { line, key: "cli.import_unclosed_quote", args: vec![] }]);
    }
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|e| vec![csv_problem(1, &e)])?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_lowercase())
        .collect::<Vec<_>>();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| column(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(vec![LineProblem {
            line: 1,
            key: "cli.import_columns",
            args: vec![("columns", Arg::Text(missing.join(", ")))],
        }]);
    }
    let (entry_col, status_col) = (column("entry_id"), column("status"));
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(csv_problem(line, &e));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |col: Option<usize>| col.and_then(|i| record.get(i)).unwrap_or("").to_string();
        let cells: HashMap<&str, String> = REQUIRED.iter().map(|name| (*name, cell(column(name)))).collect();
        match parse_row(line, &cells, &cell(entry_col), &cell(status_col)) {
            Ok(row) => rows.push(row),
            Err(e) => problems.push(LineProblem::invalid(line, &e)),
        }
    }
    if rows.is_empty() && problems.is_empty() {
        return Err(vec![LineProblem { line: 1, key: "cli.import_empty", args: vec![] }]);
    }
    let row_count = rows.len() + problems.len();
    let drafts = group_and_validate(records, rows, &mut problems);
    if problems.is_empty() {
        Ok(Plan { drafts, rows: row_count })
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

/// The file with every line end (CRLF as spreadsheets write, LF, a lone CR)
/// made LF. The CSV reader counts lines by LF and, after a CRLF, starts the
/// next record on the LF it has not yet read: every line named one too low.
fn lf_line_ends(bytes: Vec<u8>) -> Vec<u8> {
    if !bytes.contains(&b'\r') {
        return bytes;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter().copied().peekable();
    while let Some(b) = iter.next() {
        if b == b'\r' {
            iter.next_if_eq(&b'\n');
            out.push(b'\n');
        } else {
            out.push(b);
        }
    }
    out
}

/// The line where a quoted cell opens that no quote closes, if any. The CSV
/// reader would take the rest of the file into that one cell and say
/// nothing. Follows the reader's rules: a quote opens a cell only as its
/// first character, and `""` inside one is a quote character.
fn unclosed_quote(bytes: &[u8]) -> Option<u64> {
    #[derive(Clone, Copy)]
    enum State {
        CellStart,
        Unquoted,
        Quoted { opened: u64 },
        QuoteInQuoted { opened: u64 },
    }
    let mut line = 1;
    let mut state = State::CellStart;
    for &b in bytes {
        state = match (state, b) {
            (State::CellStart, b'"') => State::Quoted { opened: line },
            (State::Quoted { opened }, b'"') => State::QuoteInQuoted { opened },
            (State::Quoted { .. }, _) => state,
            (State::QuoteInQuoted { opened }, b'"') => State::Quoted { opened },
            (_, b',' | b'\n') => State::CellStart,
            _ => State::Unquoted,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    match state {
        State::Quoted { opened } => Some(opened),
        _ => None,
    }
}

fn csv_problem(line: u64, e: &csv::Error) -> LineProblem {
    LineProblem { line, key: "cli.csv_malformed", args: vec![("detail", Arg::Text(e.to_string()))] }
}

fn parse_row(line: u64, cells: &HashMap<&str, String>, group: &str, status: &str) -> Result<Row, Invalid> {
    let get = |name: &str| cells.get(name).map_or("", String::as_str);
    let program_text = get("program_id");
    let program = program_text.parse().map_err(|_| Invalid::ProgramUnknown { input: program_text.to_string() })?;
    let date = parse_date(get("date"))?;
    let kind_text = get("kind");
    let kind = Kind::from_code(kind_text).ok_or(Invalid::KindUnknown { input: kind_text.to_string() })?;
    let unit_text = get("unit");
    let unit = Unit::from_code(unit_text).ok_or(Invalid::UnitUnknown { input: unit_text.to_string() })?;
    let quantity = Quantity::new(get("value"), unit, &read_csv_text(get("item")))?;
    let participants_text = get("participants");
    let participants = if participants_text.is_empty() {
        0
    } else {
        participants_text
            .parse()
            .map_err(|_| Invalid::ParticipantsNotNumber { input: participants_text.to_string() })?
    };
    Ok(Row {
        line,
        group: group.to_string(),
        program,
        date,
        kind,
        quantity,
        participants,
        notes: read_csv_text(get("notes")).into_owned(),
        status: Status::parse(status)?,
    })
}

/// Rows sharing an entry_id become one entry; a blank entry_id is an entry
/// of its own. Each draft is then checked against its programme.
fn group_and_validate(records: &Records, rows: Vec<Row>, problems: &mut Vec<LineProblem>) -> Vec<EntryDraft> {
    let mut groups: Vec<(Vec<u64>, EntryDraft)> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for row in rows {
        if !row.group.is_empty()
            && let Some(&at) = by_id.get(&row.group)
        {
            let (lines, draft) = &mut groups[at];
            match differing_column(draft, &row) {
                Some(column) => problems.push(LineProblem {
                    line: row.line,
                    key: "cli.import_group",
                    args: vec![
                        ("group", Arg::Text(row.group.clone())),
                        ("first", Arg::Number(lines[0] as i64)),
                        ("column", Arg::Text(column.to_string())),
                    ],
                }),
                None => {
                    lines.push(row.line);
                    draft.quantities.push(row.quantity);
                }
            }
            continue;
        }
        if !row.group.is_empty() {
            by_id.insert(row.group.clone(), groups.len());
        }
        let draft = EntryDraft {
            program: row.program,
            date: row.date,
            kind: row.kind,
            quantities: vec![row.quantity],
            participants: row.participants,
            officers: 0,
            cadets: 0,
            notes: row.notes,
            status: row.status,
        };
        groups.push((vec![row.line], draft));
    }
    // Checked by the records API a chunk at a time: over a server one
    // request per chunk rather than one per row.
    let mut drafts = Vec::with_capacity(groups.len());
    let mut groups = groups.into_iter().peekable();
    while groups.peek().is_some() {
        let (lines, chunk): (Vec<Vec<u64>>, Vec<EntryDraft>) = groups.by_ref().take(IMPORT_CHUNK).unzip();
        let sent = chunk.len();
        let checked = match records.validate_drafts(chunk) {
            Ok(checked) if checked.len() == sent => checked,
            Ok(checked) => {
                let other = Error::Protocol { detail: format!("{} answers for {sent} drafts", checked.len()) };
                problems.push(LineProblem { line: lines[0][0], key: other.key(), args: other.args() });
                return drafts;
            }
            Err(other) => {
                problems.push(LineProblem { line: lines[0][0], key: other.key(), args: other.args() });
                return drafts;
            }
        };
        for (lines, checked) in lines.iter().zip(checked) {
            match checked {
                Ok(draft) => drafts.push(draft),
                Err(found) => {
                    for (field, e) in found {
                        // A quantity's problem belongs to the row it came from.
                        let line = match field {
                            Field::Quantity(i) => lines.get(i).copied().unwrap_or(lines[0]),
                            _ => lines[0],
                        };
                        problems.push(LineProblem::invalid(line, &e));
                    }
                }
            }
        }
    }
    drafts
}

fn differing_column(draft: &EntryDraft, row: &Row) -> Option<&'static str> {
    if draft.program != row.program {
        Some("program_id")
    } else if draft.date != row.date {
        Some("date")
    } else if draft.kind != row.kind {
        Some("kind")
    } else if draft.participants != row.participants {
        Some("participants")
    } else if draft.notes != row.notes {
        Some("notes")
    } else if draft.status != row.status {
        Some("status")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_end_becomes_lf() {
        assert_eq!(lf_line_ends(b"a\r\nb\rc\nd\r\n".to_vec()), b"a\nb\nc\nd\n");
        assert_eq!(lf_line_ends(b"\r\r\n".to_vec()), b"\n\n");
    }

    #[test]
    fn a_quote_left_open_is_found_on_the_line_it_opened() {
        assert_eq!(unclosed_quote(b"h\n1,\"ok\"\n2,\"open\n3,x\n"), Some(3));
        assert_eq!(unclosed_quote(b"h\n\"a\nb\",\"c\"\"d\"\n"), None, "closed across lines, doubled quote");
        assert_eq!(unclosed_quote(b"h\n1,\"a\"\"\n"), Some(2), "a doubled quote does not close");
        assert_eq!(unclosed_quote(b"h\n1,a\"b\n"), None, "a quote inside a cell is a character");
        assert_eq!(unclosed_quote(b"h\n1,\"a\"b\"\n"), None, "after the closing quote the cell is plain");
    }
}

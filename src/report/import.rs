//! `binalog import`: reads the export's CSV columns and turns them into
//! validated drafts. Every row is checked before anything is stored; one
//! bad row means nothing is stored, and every bad row is reported.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;

use crate::domain::Amount;
use crate::domain::draft_text::{self, TypedDraft, TypedQuantity, name_prices};
use crate::domain::entry::{EntryDraft, Field};
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::unit::Unit;
use crate::i18n::Message;
use crate::records::{IMPORT_CHUNK, Records, WireError};
use crate::report::dialect::Dialect;
use crate::report::safe::read_csv_text;
use trimmed::TrimmedRows;

mod stream;
#[cfg(test)]
mod stream_tests;
mod trimmed;
pub use stream::{Imported, Refused, import};

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

/// One data row: an entry of one quantity, read as the form and the
/// command line read theirs (domain/draft_text.rs).
struct Row<'r> {
    line: u64,
    /// The entry_id, borrowed from the row's cells.
    group: &'r str,
    draft: EntryDraft,
}

/// Reads and checks the whole file. Either every row is good and the plan
/// is returned, or every problem found is. The file is read as a stream,
/// a row at a time; what is held is the drafts, which must all be checked
/// before any is stored.
pub fn plan(records: &Records, input: impl Read) -> Result<Plan, Vec<LineProblem>> {
    let (groups, rows, mut problems) = read_drafts(input)?;
    let drafts = validate(records, groups, &mut problems);
    if problems.is_empty() {
        Ok(Plan { drafts, rows })
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

/// The drafts a file holds, each with its lines, before the records API
/// checks them against their programmes; the rows read and the problems
/// found so far. Err when the file cannot be read as rows at all.
type FileDrafts = (Vec<(Vec<u64>, EntryDraft)>, usize, Vec<LineProblem>);

fn read_drafts(input: impl Read) -> Result<FileDrafts, Vec<LineProblem>> {
    let mut groups = Groups::default();
    let (rows, mut problems) = read_rows(input, |cells| parsed(cells).map(|row| groups.add(row)).err())?;
    problems.append(&mut groups.problems);
    Ok((groups.drafts, rows, problems))
}

/// Where the columns a row is read from stand in the file's header,
/// found once for the whole file.
struct Columns {
    /// Each of `REQUIRED`, in its order.
    required: [Option<usize>; REQUIRED.len()],
    entry: Option<usize>,
    status: Option<usize>,
}

/// One data row's cells, borrowed from the CSV reader's record: nothing
/// is copied for a row that is only counted.
struct Cells<'r> {
    line: u64,
    program: &'r str,
    date: &'r str,
    kind: &'r str,
    item: &'r str,
    value: &'r str,
    unit: &'r str,
    participants: &'r str,
    notes: &'r str,
    /// The entry_id: rows sharing one are one entry.
    group: &'r str,
    status: &'r str,
    /// The file is Excel's Indonesian CSV (`Dialect::decimal_comma`).
    decimal_comma: bool,
}

impl<'r> Cells<'r> {
    fn of(record: &'r csv::StringRecord, columns: &Columns, decimal_comma: bool) -> Cells<'r> {
        // Trimmed as `csv::Trim::All` trims (trimmed.rs).
        let cell = |col: Option<usize>| col.and_then(|i| record.get(i)).map_or("", str::trim);
        let [program, date, kind, item, value, unit, participants, notes] = columns.required.map(cell);
        Cells {
            line: record.position().map_or(0, |p| p.line()),
            program,
            date,
            kind,
            item,
            value,
            unit,
            participants,
            notes,
            group: cell(columns.entry),
            status: cell(columns.status),
            decimal_comma,
        }
    }
}

/// Reads the file a row at a time, handing each row read to `row` in file
/// order; the rows read and the problems of the file, with any `row`
/// returns in their place. Err when the file cannot be read as rows at all.
fn read_rows(
    input: impl Read,
    mut row: impl FnMut(&Cells) -> Option<LineProblem>,
) -> Result<(usize, Vec<LineProblem>), Vec<LineProblem>> {
    let (dialect, input) = match Dialect::detect(input) {
        Ok(found) => found,
        Err(problem) => return Err(vec![problem]),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        // The rows' cells are trimmed by `TrimmedRows` and `Cells`.
        .trim(csv::Trim::Headers)
        .delimiter(dialect.separator)
        .from_reader(Normalised::new(input, dialect.separator));
    let headers = match reader.headers() {
        Ok(headers) => headers.iter().map(|h| h.trim_start_matches('\u{feff}').to_lowercase()).collect::<Vec<_>>(),
        Err(e) => return Err(unclosed_first(reader, vec![csv_problem(1, e.to_string())])),
    };
    let column = |name: &str| headers.iter().position(|h| h == name);
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| column(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(unclosed_first(reader, vec![dialect.columns_missing(&missing, &headers)]));
    }
    let columns = Columns { required: REQUIRED.map(column), entry: column("entry_id"), status: column("status") };
    let mut problems = Vec::new();
    let mut rows = 0;
    // One record for every row: read into, never copied.
    let mut trimmed = TrimmedRows::new();
    while let Some(read) = trimmed.next(&mut reader).transpose() {
        rows += 1;
        match read {
            Ok(record) => problems.extend(row(&Cells::of(record, &columns, dialect.decimal_comma))),
            Err(e) => {
                problems.push(unreadable(e.line, e.why, &headers));
                if e.last {
                    break;
                }
            }
        }
    }
    if let Some(line) = reader.get_ref().unclosed_quote() {
        return Err(vec![LineProblem { line, key: "cli.import_unclosed_quote", args: vec![] }]);
    }
    if rows == 0 {
        return Err(vec![LineProblem { line: 1, key: "cli.import_empty", args: vec![] }]);
    }
    Ok((rows, problems))
}

/// A row as a draft, or the problem that names its line.
fn parsed<'r>(cells: &Cells<'r>) -> Result<Row<'r>, LineProblem> {
    parse_row(cells).map_err(|e| LineProblem::invalid(cells.line, &e))
}

/// The drafts of a file as read, before any programme's rules: what the
/// entry form and the command line would make of the same text.
#[cfg(test)]
pub(crate) fn drafts(input: impl Read) -> Result<Vec<EntryDraft>, Vec<LineProblem>> {
    match read_drafts(input)? {
        (groups, _, problems) if problems.is_empty() => Ok(groups.into_iter().map(|(_, draft)| draft).collect()),
        (_, _, problems) => Err(problems),
    }
}

/// A quote left open anywhere in the file is the one problem worth naming:
/// the CSV reader took the rest of the file into that cell. Reads the rest
/// of the file to find one.
fn unclosed_first<R: Read>(reader: csv::Reader<Normalised<R>>, problems: Vec<LineProblem>) -> Vec<LineProblem> {
    let mut rest = reader.into_inner();
    if std::io::copy(&mut rest, &mut std::io::sink()).is_ok()
        && let Some(line) = rest.unclosed_quote()
    {
        return vec![LineProblem { line, key: "cli.import_unclosed_quote", args: vec![] }];
    }
    problems
}

/// The file as the CSV reader gets it, with every line end (CRLF as
/// spreadsheets write, LF, a lone CR) made LF: the reader counts lines by
/// LF and, after a CRLF, starts the next record on the LF it has not yet
/// read, so every line would be named one too low. On the way it watches
/// for a quoted cell that no quote closes (`Quotes`).
struct Normalised<R> {
    inner: R,
    /// The last byte read was a CR, made LF: an LF right after it is the
    /// same line end.
    after_cr: bool,
    quotes: Quotes,
}

impl<R: Read> Normalised<R> {
    fn new(inner: R, separator: u8) -> Normalised<R> {
        Normalised { inner, after_cr: false, quotes: Quotes { line: 1, state: QuoteState::CellStart, separator } }
    }

    /// The line where a quoted cell opens that no quote closes, once the
    /// whole file has been read.
    fn unclosed_quote(&self) -> Option<u64> {
        self.quotes.unclosed()
    }
}

impl<R: Read> Read for Normalised<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let read = self.inner.read(out)?;
            if read == 0 {
                return Ok(0);
            }
            // Most files have no CR at all: then nothing is rewritten.
            let kept = if !self.after_cr && !out[..read].contains(&b'\r') {
                read
            } else {
                lf_line_ends(&mut out[..read], &mut self.after_cr)
            };
            self.quotes.feed(&out[..kept]);
            // Only the LF of a CRLF split across reads: read on.
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

/// Rewrites `bytes` in place with every line end LF (never longer than
/// it was); how many bytes are kept. `after_cr`: the byte before them was
/// a CR, made LF, so an LF first is the same line end.
fn lf_line_ends(bytes: &mut [u8], after_cr: &mut bool) -> usize {
    let mut kept = 0;
    for i in 0..bytes.len() {
        let b = bytes[i];
        if std::mem::replace(after_cr, b == b'\r') && b == b'\n' {
            continue;
        }
        bytes[kept] = if b == b'\r' { b'\n' } else { b };
        kept += 1;
    }
    kept
}

/// Follows the CSV reader's rules for quotes: a quote opens a cell only as
/// its first character, and `""` inside one is a quote character.
#[derive(Clone, Copy, Debug)]
enum QuoteState {
    CellStart,
    Unquoted,
    Quoted { opened: u64 },
    QuoteInQuoted { opened: u64 },
}

#[derive(Debug)]
struct Quotes {
    line: u64,
    state: QuoteState,
    separator: u8,
}

impl Quotes {
    /// Bytes of the file, line ends already LF. Inside a quoted cell only
    /// a quote matters, inside a plain one only its end: the bytes between
    /// are passed over a run at a time (lines counted), not a byte at a time.
    fn feed(&mut self, bytes: &[u8]) {
        let lines = |run: &[u8]| run.iter().filter(|&&b| b == b'\n').count() as u64;
        let mut rest = bytes;
        while let Some((&first, after)) = rest.split_first() {
            let to = match self.state {
                QuoteState::Quoted { .. } => rest.iter().position(|&b| b == b'"'),
                QuoteState::Unquoted => rest.iter().position(|&b| b == b'\n' || b == self.separator),
                QuoteState::CellStart | QuoteState::QuoteInQuoted { .. } => {
                    self.feed_byte(first);
                    rest = after;
                    continue;
                }
            };
            let Some(at) = to else {
                // The state holds to the end of these bytes.
                self.line += lines(rest);
                return;
            };
            self.line += lines(&rest[..at]);
            self.feed_byte(rest[at]);
            rest = &rest[at + 1..];
        }
    }

    /// One byte of the file, line ends already LF.
    fn feed_byte(&mut self, b: u8) {
        self.state = match (self.state, b) {
            (QuoteState::CellStart, b'"') => QuoteState::Quoted { opened: self.line },
            (QuoteState::Quoted { opened }, b'"') => QuoteState::QuoteInQuoted { opened },
            (QuoteState::Quoted { .. }, _) => self.state,
            (QuoteState::QuoteInQuoted { opened }, b'"') => QuoteState::Quoted { opened },
            (_, b'\n') => QuoteState::CellStart,
            (_, b) if b == self.separator => QuoteState::CellStart,
            _ => QuoteState::Unquoted,
        };
        if b == b'\n' {
            self.line += 1;
        }
    }

    fn unclosed(&self) -> Option<u64> {
        match self.state {
            QuoteState::Quoted { opened } => Some(opened),
            _ => None,
        }
    }
}

fn csv_problem(line: u64, detail: String) -> LineProblem {
    LineProblem { line, key: "cli.csv_malformed", args: vec![("detail", Arg::Text(detail))] }
}

/// A row the reader could not read, worded for the officer where they can
/// fix it: the file's encoding (naming the column), or a row with more or
/// fewer cells than the header.
fn unreadable(line: u64, why: trimmed::Why, headers: &[String]) -> LineProblem {
    match why {
        trimmed::Why::NotUtf8 { cell } => {
            let column = headers.get(cell).cloned().unwrap_or_else(|| (cell + 1).to_string());
            LineProblem { line, key: "cli.csv_not_utf8", args: vec![("column", Arg::Text(column))] }
        }
        trimmed::Why::Cells { found, expected } => LineProblem {
            line,
            key: "cli.csv_cells",
            args: vec![
                ("found", Arg::Number(i64::try_from(found).unwrap_or(i64::MAX))),
                ("expected", Arg::Number(i64::try_from(expected).unwrap_or(i64::MAX))),
            ],
        },
        trimmed::Why::Other(detail) => csv_problem(line, detail),
    }
}

/// A value of an Excel-Indonesian file as the shared parser reads it: its
/// comma is the decimal mark, so it is written with a dot and a fourth
/// decimal (`7,125` becomes `7.1250`), which has one reading only.
fn decimal_comma_value<'v>(value: &'v str, unit: &str, decimal_comma: bool) -> Result<Cow<'v, str>, Invalid> {
    if !(decimal_comma && value.contains(',')) {
        return Ok(Cow::Borrowed(value));
    }
    match Unit::from_code(unit) {
        Some(unit) => {
            let milli = Amount::parse_decimal_comma(value, unit)?.milli();
            Ok(Cow::Owned(format!("{}.{:03}0", milli / 1000, milli % 1000)))
        }
        None => Ok(Cow::Borrowed(value)),
    }
}

/// A row's cells as a draft; the first problem found, if any (a row is
/// one line of the file, named once). With `decimal_comma` (the file is
/// Excel's Indonesian CSV) a comma in a value is its decimal mark and
/// never a thousands separator.
fn parse_row<'r>(cells: &Cells<'r>) -> Result<Row<'r>, Invalid> {
    let (item, notes) = (read_csv_text(cells.item), read_csv_text(cells.notes));
    let value = decimal_comma_value(cells.value, cells.unit, cells.decimal_comma)?;
    let typed = TypedDraft {
        program: Some(cells.program),
        date: Some(cells.date),
        kind: Some(cells.kind),
        kind_required: true,
        quantities: Some(vec![TypedQuantity::Parts { value: &value, unit: cells.unit, item: &item }]),
        participants: Some(cells.participants),
        officers: None,
        cadets: None,
        notes: Some(&notes),
        status: Some(cells.status),
    };
    let parsed = typed.parse(draft_text::blank(0, chrono::NaiveDate::default()));
    match parsed.problems.into_iter().next() {
        Some((_, e)) => Err(e),
        None => Ok(Row { line: cells.line, group: cells.group, draft: parsed.draft }),
    }
}

/// Rows sharing an entry_id become one entry; a blank entry_id is an entry
/// of its own. Grouped as the rows are read.
#[derive(Default)]
struct Groups {
    /// Each draft with the lines it came from.
    drafts: Vec<(Vec<u64>, EntryDraft)>,
    by_id: HashMap<String, usize>,
    /// Rows that do not fit the entry their entry_id names.
    problems: Vec<LineProblem>,
}

impl Groups {
    fn add(&mut self, row: Row) {
        if !row.group.is_empty()
            && let Some(&at) = self.by_id.get(row.group)
        {
            let (lines, draft) = &mut self.drafts[at];
            if let Some(problem) = join(lines, draft, row) {
                self.problems.push(problem);
            }
            return;
        }
        if !row.group.is_empty() {
            self.by_id.insert(row.group.to_string(), self.drafts.len());
        }
        self.drafts.push((vec![row.line], row.draft));
    }
}

/// Adds a row to the entry its entry_id names (first read at `lines[0]`),
/// or says which column differs.
fn join(lines: &mut Vec<u64>, draft: &mut EntryDraft, row: Row) -> Option<LineProblem> {
    if let Some(column) = differing_column(draft, &row) {
        return Some(LineProblem {
            line: row.line,
            key: "cli.import_group",
            args: vec![
                ("group", Arg::Text(row.group.to_string())),
                ("first", Arg::Number(lines[0] as i64)),
                ("column", Arg::Text(column.to_string())),
            ],
        });
    }
    lines.push(row.line);
    draft.quantities.extend(row.draft.quantities);
    // A price row names what the entry's other rows name.
    name_prices(&mut draft.quantities);
    None
}

/// Each draft checked against its programme.
fn validate(
    records: &Records,
    groups: Vec<(Vec<u64>, EntryDraft)>,
    problems: &mut Vec<LineProblem>,
) -> Vec<EntryDraft> {
    // Checked by the records API a chunk at a time: over a server one
    // request per chunk rather than one per row.
    let mut drafts = Vec::with_capacity(groups.len());
    let mut groups = groups.into_iter().peekable();
    while groups.peek().is_some() {
        let (lines, chunk): (Vec<Vec<u64>>, Vec<EntryDraft>) = groups.by_ref().take(IMPORT_CHUNK).unzip();
        match validate_chunk(records, &lines, chunk, problems) {
            Some(checked) => drafts.extend(checked),
            None => return drafts,
        }
    }
    drafts
}

/// One chunk of drafts (each with its lines) checked by the records API:
/// the good drafts, cleaned, with each problem put on its line. None when
/// the records could not be asked (the problem says why).
fn validate_chunk(
    records: &Records,
    lines: &[Vec<u64>],
    chunk: Vec<EntryDraft>,
    problems: &mut Vec<LineProblem>,
) -> Option<Vec<EntryDraft>> {
    let sent = chunk.len();
    let checked = match records.validate_drafts(chunk) {
        Ok(checked) if checked.len() == sent => checked,
        Ok(checked) => {
            let other = WireError::Protocol { detail: format!("{} answers for {sent} drafts", checked.len()) };
            problems.push(LineProblem { line: lines[0][0], key: other.key(), args: other.args() });
            return None;
        }
        Err(other) => {
            problems.push(LineProblem { line: lines[0][0], key: other.key(), args: other.args() });
            return None;
        }
    };
    let mut drafts = Vec::with_capacity(sent);
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
    Some(drafts)
}

fn differing_column(draft: &EntryDraft, row: &Row) -> Option<&'static str> {
    let row = &row.draft;
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

    /// The file as the CSV reader gets it, read in pieces of `piece`
    /// bytes, and the line of an unclosed quote.
    fn normalised(bytes: &[u8], piece: usize) -> (Vec<u8>, Option<u64>) {
        let (out, unclosed, _) = normalised_by(bytes, piece, b',');
        (out, unclosed)
    }

    /// `normalised` with its separator, and the lines it counted.
    fn normalised_by(bytes: &[u8], piece: usize, separator: u8) -> (Vec<u8>, Option<u64>, u64) {
        struct Pieces<'a>(&'a [u8], usize);
        impl Read for Pieces<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut reader = Normalised::new(Pieces(bytes, piece), separator);
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        (out, reader.unclosed_quote(), reader.quotes.line)
    }

    /// What `Normalised` must give however it reads: every byte on its
    /// own, as the rules say.
    fn byte_at_a_time(bytes: &[u8], separator: u8) -> (Vec<u8>, Option<u64>, u64) {
        let mut quotes = Quotes { line: 1, state: QuoteState::CellStart, separator };
        let (mut after_cr, mut out) = (false, Vec::new());
        for &b in bytes {
            if std::mem::replace(&mut after_cr, b == b'\r') && b == b'\n' {
                continue;
            }
            let b = if b == b'\r' { b'\n' } else { b };
            quotes.feed_byte(b);
            out.push(b);
        }
        (out, quotes.unclosed(), quotes.line)
    }

    /// Runs of bytes are passed over at once, and files without a CR are
    /// not rewritten: every short file of quotes, separators, line ends
    /// and text reads as a byte at a time reads it, in pieces of any size.
    #[test]
    fn reading_in_runs_is_reading_a_byte_at_a_time() {
        let alphabet = [b'a', b'"', b',', b';', b'\r', b'\n'];
        let mut files = vec![Vec::new()];
        for _ in 0..6 {
            let longer: Vec<Vec<u8>> =
                files.iter().flat_map(|f| alphabet.map(|b| [f.as_slice(), &[b]].concat())).collect();
            for file in &longer {
                for separator in [b',', b';'] {
                    let expected = byte_at_a_time(file, separator);
                    for piece in [1, 2, 3, usize::MAX] {
                        assert_eq!(normalised_by(file, piece, separator), expected, "{file:?} in pieces of {piece}");
                    }
                }
            }
            files = longer;
        }
    }

    fn lf_line_ends(bytes: Vec<u8>) -> Vec<u8> {
        let whole = normalised(&bytes, usize::MAX).0;
        for piece in 1..4 {
            assert_eq!(normalised(&bytes, piece).0, whole, "read {piece} bytes at a time");
        }
        whole
    }

    fn unclosed_quote(bytes: &[u8]) -> Option<u64> {
        normalised(bytes, 3).1
    }

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

//! The file's rows as `csv::Trim::All` gives them, without its cost: the
//! csv crate (1.4) trims a row by building a new record, twice (as bytes,
//! then as text), two allocations of every row of a file read twice. Here
//! each row is read as bytes, trimmed into one record kept for the whole
//! file, then checked as UTF-8 as the crate checks it; a row that is not
//! UTF-8 is named by its line and cell as the crate names it.

use std::io::Read;

use csv::{ByteRecord, StringRecord};

/// Reads a file's rows into the same two records, row after row.
pub(super) struct TrimmedRows {
    raw: ByteRecord,
    /// The last row read, each cell without the ASCII white space around
    /// it; its room is used again for the next.
    row: Option<StringRecord>,
    /// The room of a row that was not UTF-8.
    spare: Option<ByteRecord>,
}

/// A row the CSV reader could not read.
pub(super) struct Unreadable {
    /// Where the row starts (0 when the reader cannot tell).
    pub line: u64,
    pub why: Why,
    /// The file cannot be read on (an I/O error): asking again would fail
    /// again.
    pub last: bool,
}

/// Why a row could not be read: the two an officer can fix named for
/// them (import.rs words them), anything else as the csv crate words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Why {
    /// A cell (from 0) is not UTF-8 text: the file was saved in another
    /// encoding.
    NotUtf8 {
        cell: usize,
    },
    /// The row has `found` cells where the rows before had `expected`.
    Cells {
        found: u64,
        expected: u64,
    },
    Other(String),
}

impl Why {
    fn of(e: &csv::Error) -> Why {
        match e.kind() {
            csv::ErrorKind::Utf8 { err, .. } => Why::NotUtf8 { cell: err.field() },
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                Why::Cells { found: *len, expected: *expected_len }
            }
            _ => Why::Other(e.to_string()),
        }
    }
}

impl TrimmedRows {
    pub(super) fn new() -> TrimmedRows {
        TrimmedRows { raw: ByteRecord::new(), row: None, spare: None }
    }

    /// The next row, None at the end of the file. Its cells are trimmed of
    /// ASCII white space only, as the crate's byte trim leaves them: the
    /// caller trims what it reads with `str::trim`, which together is the
    /// crate's `Trim::All`. The reader must be built with `Trim::Headers`
    /// (or none): its own trim of the rows would cost what this saves.
    pub(super) fn next<R: Read>(&mut self, reader: &mut csv::Reader<R>) -> Result<Option<&StringRecord>, Unreadable> {
        let before = reader.position().clone();
        match reader.read_byte_record(&mut self.raw) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(Unreadable { line, why: Why::of(&e), last: e.is_io_error() });
            }
        }
        let room = self.row.take().map(StringRecord::into_byte_record).or_else(|| self.spare.take());
        let mut trimmed = room.unwrap_or_default();
        trimmed.clear();
        for cell in &self.raw {
            trimmed.push_field(cell.trim_ascii());
        }
        trimmed.set_position(self.raw.position().cloned());
        match StringRecord::from_byte_record(trimmed) {
            Ok(row) => Ok(Some(self.row.insert(row))),
            Err(e) => {
                let why = Why::NotUtf8 { cell: e.utf8_error().field() };
                self.spare = Some(e.into_byte_record());
                Err(Unreadable { line: before.line(), why, last: false })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each row as the crate's `Trim::All` reads it: its cells, or the
    /// error's line and why.
    fn crate_rows(bytes: &[u8]) -> Vec<Result<Vec<String>, (u64, Why)>> {
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(bytes);
        reader.headers().unwrap();
        let mut rows = Vec::new();
        for row in reader.records() {
            rows.push(match row {
                Ok(row) => Ok(row.iter().map(String::from).collect()),
                Err(e) => Err((e.position().map_or(0, |p| p.line()), Why::of(&e))),
            });
        }
        rows
    }

    fn trimmed_rows(bytes: &[u8]) -> Vec<Result<Vec<String>, (u64, Why)>> {
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::Headers).from_reader(bytes);
        reader.headers().unwrap();
        let mut rows = TrimmedRows::new();
        let mut read = Vec::new();
        loop {
            match rows.next(&mut reader) {
                Ok(None) => return read,
                Ok(Some(row)) => read.push(Ok(row.iter().map(|cell| cell.trim().to_string()).collect())),
                Err(e) => read.push(Err((e.line, e.why))),
            }
        }
    }

    /// White space of every kind around cells and inside quotes, rows that
    /// are not UTF-8 (one with spaces before the bad byte, where the
    /// crate's place of the bad byte counts from the trimmed cell), rows
    /// of the wrong length, and good rows after each.
    #[test]
    fn rows_read_and_refused_as_the_crates_trim_all_reads_them() {
        let file: &[u8] = b"a , b,c\n \t1 ,\" 2 \",\xc2\xa0x\xe2\x80\x83\n  \xff,ok,ok\nx, \x0b y,z\n1,2\n\
            ok,  ab\xc3,z\n\"q\",\" \xe2\x80\xa8 \",3\n,,\n \r\n1,2,3,4\nlast,row,\xf0\x9f\x8c\xb6 \n";
        let expected = crate_rows(file);
        assert!(expected.iter().filter(|r| r.is_err()).count() >= 4, "{expected:?}");
        assert!(expected.iter().any(|r| matches!(r, Err((_, Why::NotUtf8 { .. })))), "{expected:?}");
        assert!(expected.iter().any(|r| matches!(r, Err((_, Why::Cells { found: 2, expected: 3 })))), "{expected:?}");
        assert_eq!(trimmed_rows(file), expected);
    }
}

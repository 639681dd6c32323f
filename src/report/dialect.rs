//! Which CSV an import file is: commas and a decimal dot (binalog's own
//! export, most programs), or semicolons and a decimal comma (Excel set to
//! Indonesian, and `export --excel`), or tabs (Excel's "text" files). Told
//! from the header line, so a file a person saved from Excel imports as it
//! is, and a file that cannot be read is refused saying why.

use std::io::{Cursor, Read};

use super::import::LineProblem;
use crate::domain::invalid::Arg;

/// How far the header line is looked for: no header is this long.
const HEADER_MAX: usize = 64 << 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect {
    pub separator: u8,
    /// A comma in a value is its decimal mark (semicolon and tab files).
    pub decimal_comma: bool,
}

impl Dialect {
    /// Reads the header line, tells the dialect by the separator it uses
    /// most, and gives the whole file back to be read from the start.
    pub fn detect<R: Read>(mut input: R) -> Result<(Dialect, impl Read), LineProblem> {
        let mut head = Vec::new();
        let mut chunk = [0u8; 4096];
        while !head.contains(&b'\n') && head.len() < HEADER_MAX {
            match input.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => head.extend_from_slice(&chunk[..n]),
                Err(e) => {
                    return Err(LineProblem {
                        line: 1,
                        key: "cli.csv_malformed",
                        args: vec![("detail", Arg::Text(e.to_string()))],
                    });
                }
            }
        }
        if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
            return Err(LineProblem { line: 1, key: "cli.import_utf16", args: vec![] });
        }
        let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
        let count = |sep: u8| line.iter().filter(|b| **b == sep).count();
        let (commas, semicolons, tabs) = (count(b','), count(b';'), count(b'\t'));
        let separator = if tabs > commas.max(semicolons) {
            b'\t'
        } else if semicolons > commas {
            b';'
        } else {
            b','
        };
        let dialect = Dialect { separator, decimal_comma: separator != b',' };
        Ok((dialect, Cursor::new(head).chain(input)))
    }

    /// The refusal of a header that lacks required columns, saying how the
    /// file was read: a person who saved it from Excel sees why it failed.
    pub fn columns_missing(&self, missing: &[&str], header: &[String]) -> LineProblem {
        let separator = char::from(self.separator);
        let mut found: String = header.join(&separator.to_string());
        if found.chars().count() > 120 {
            found = found.chars().take(120).collect::<String>() + "…";
        }
        let args = vec![("columns", Arg::Text(missing.join(", "))), ("header", Arg::Text(found))];
        let key = match (self.separator, header.len()) {
            (b';', _) => "cli.import_columns_semicolon",
            (b'\t', _) => "cli.import_columns_tab",
            (_, 1) => "cli.import_columns_one",
            _ => "cli.import_columns",
        };
        LineProblem { line: 1, key, args }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(bytes: &[u8]) -> (Dialect, Vec<u8>) {
        let (dialect, mut rest) = Dialect::detect(bytes).unwrap();
        let mut all = Vec::new();
        rest.read_to_end(&mut all).unwrap();
        (dialect, all)
    }

    #[test]
    fn the_separator_is_told_from_the_header_and_nothing_is_lost() {
        let excel = "\u{feff}program_id;date;value\r\n1;2026-03-05;12,5\r\n".as_bytes();
        assert_eq!(detect(excel), (Dialect { separator: b';', decimal_comma: true }, excel.to_vec()));
        let plain = b"program_id,date,value\n1,2026-03-05,12.5\n";
        assert_eq!(detect(plain), (Dialect { separator: b',', decimal_comma: false }, plain.to_vec()));
        let tabs = b"program_id\tdate\tvalue\n";
        assert_eq!(detect(tabs).0.separator, b'\t');
        let long = [b"a;".repeat(5_000), b"\nrest".to_vec()].concat();
        assert_eq!(detect(&long), (Dialect { separator: b';', decimal_comma: true }, long.clone()));
    }

    #[test]
    fn a_utf16_file_is_refused_by_name() {
        let utf16 = [0xff, 0xfe, b'p', 0];
        assert_eq!(Dialect::detect(&utf16[..]).err().map(|p| p.key), Some("cli.import_utf16"));
    }
}

//! Rows for PostgreSQL's COPY, text format: one line per row, columns
//! separated by tabs, `\N` for NULL, and backslash, tab, newline and
//! carriage return escaped, so any stored text arrives as it was.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::domain::text::item_key;
use crate::records::{FeedChange, FeedRecord};

/// The staging tables a push fills with COPY, each shaped like its table
/// in `sql/` (column order included).
pub const STAGED: [&str; 9] = [
    "sites",
    "partners",
    "agreements",
    "programmes",
    "officers",
    "entry_revisions",
    "quantities",
    "verifications",
    "item_keys",
];

/// One table's rows waiting to be sent.
#[derive(Default)]
pub struct Rows {
    pub text: Vec<u8>,
    pub count: usize,
}

impl Rows {
    fn push(&mut self, cells: &[Cell]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.text.push(b'\t');
            }
            match cell {
                Cell::Null => self.text.extend_from_slice(b"\\N"),
                Cell::Plain(s) => self.text.extend_from_slice(s.as_bytes()),
                Cell::Text(s) => escape_into(&mut self.text, s),
            }
        }
        self.text.push(b'\n');
        self.count += 1;
    }
}

enum Cell<'a> {
    Null,
    /// Numbers, dates, booleans: nothing to escape.
    Plain(String),
    Text(&'a str),
}

fn escape_into(out: &mut Vec<u8>, text: &str) {
    for b in text.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

fn n(v: impl ToString) -> Cell<'static> {
    Cell::Plain(v.to_string())
}

fn at(t: DateTime<Utc>) -> Cell<'static> {
    Cell::Plain(t.to_rfc3339_opts(SecondsFormat::Micros, true))
}

fn array(ids: &[u32]) -> Cell<'static> {
    Cell::Plain(format!("{{{}}}", ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",")))
}

/// Rows of each staged table, in `STAGED` order.
#[derive(Default)]
pub struct Batch {
    pub tables: [Rows; 9],
    /// Items whose key (`item_keys`, sql/002) this push has sent: a few
    /// hundred, each sent once.
    keyed: std::collections::HashSet<String>,
}

impl Batch {
    pub fn rows(&self) -> usize {
        self.tables.iter().map(|t| t.count).sum()
    }

    /// Adds one change of database `db` to the table it belongs in.
    pub fn add(&mut self, db: &str, change: &FeedChange) {
        let seq = n(change.seq);
        let d = Cell::Text(db);
        match &change.record {
            FeedRecord::Site(s) => {
                self.tables[0].push(&[d, n(s.id), Cell::Text(&s.code), Cell::Text(&s.name), n(s.utc_offset), seq])
            }
            FeedRecord::Partner(p) => self.tables[1].push(&[
                d,
                n(p.id),
                Cell::Text(&p.name),
                p.field.map_or(Cell::Null, |f| n(f.code())),
                n(p.inferred),
                seq,
            ]),
            FeedRecord::Agreement(a) => self.tables[2].push(&[
                d,
                n(a.id),
                Cell::Text(&a.number),
                n(a.partner),
                n(a.signed),
                n(a.start),
                n(a.end),
                array(&a.sites),
                n(a.inferred),
                seq,
            ]),
            FeedRecord::Program(p) => self.tables[3].push(&[
                d,
                n(p.id),
                Cell::Text(&p.name),
                n(p.sector.code()),
                n(p.site),
                n(p.partner),
                n(p.agreement),
                n(p.start),
                n(p.end),
                n(p.status.code()),
                seq,
            ]),
            FeedRecord::Officer(o) => self.tables[4].push(&[
                d,
                Cell::Text(o.nip.as_str()),
                Cell::Text(&o.name),
                n(o.role.code()),
                n(o.active),
                array(&o.sites),
                seq,
            ]),
            FeedRecord::Revision(e) => {
                let r = &e.draft;
                self.tables[5].push(&[
                    Cell::Text(db),
                    n(e.id),
                    n(e.revision),
                    e.supersedes.map_or(Cell::Null, n),
                    n(r.program),
                    n(r.date),
                    n(r.kind.code()),
                    n(r.status.code()),
                    n(e.voided),
                    n(r.participants),
                    n(r.officers),
                    n(r.cadets),
                    Cell::Text(&r.notes),
                    Cell::Text(&e.reason),
                    Cell::Text(e.recorded_by.as_str()),
                    at(e.recorded_at),
                    seq,
                ]);
                for (position, q) in r.quantities.iter().enumerate() {
                    self.tables[6].push(&[
                        Cell::Text(db),
                        n(e.id),
                        n(e.revision),
                        n(r.date),
                        n(position),
                        n(q.value.milli()),
                        n(q.unit.code()),
                        Cell::Text(&q.item),
                    ]);
                    if !q.item.is_empty() && !self.keyed.contains(&q.item) {
                        self.keyed.insert(q.item.clone());
                        self.tables[8].push(&[Cell::Text(&q.item), Cell::Text(&item_key(&q.item))]);
                    }
                }
            }
            FeedRecord::Verification { id, revision, by, at: when } => {
                self.tables[7].push(&[d, n(id), n(revision), Cell::Text(by.as_str()), at(*when), seq])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cells_escape_what_copy_would_read_as_structure() {
        let mut rows = Rows::default();
        rows.push(&[Cell::Text("a\tb\\c\nd\re"), Cell::Null, n(7)]);
        assert_eq!(String::from_utf8(rows.text).unwrap(), "a\\tb\\\\c\\nd\\re\t\\N\t7\n");
        assert_eq!(rows.count, 1);
    }
}

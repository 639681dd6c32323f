//! `binalog import` in memory that does not grow with the file's drafts:
//! the file is read twice. The first pass only counts each entry_id's rows
//! (and finds the rows the CSV reader cannot read): it parses no row, so
//! it costs little. The second parses each row, builds each entry as its
//! rows come, and once an entry has all its rows (by the first pass's
//! count; a row that does not parse counts as come) and every entry before
//! it in the file is whole too, it goes on to be checked, and staged, a
//! chunk at a time (records/import.rs). Rows sharing an entry_id far apart
//! in the file wait only for each other.
//!
//! All or nothing as before: staging is out of sight, and a bad row
//! anywhere (found by either pass, in any chunk) stops the staging and
//! drops what was staged; every bad row is still reported. Entries are
//! made in the order of their first rows, as the whole plan made them.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use super::{Cells, LineProblem, Row, join, parsed, read_rows, validate_chunk};
use crate::domain::entry::EntryDraft;
use crate::records::{Actor, Error, IMPORT_CHUNK, ImportId, Records, WireError};

/// What an import stored, or with `dry_run` would store: entries, and the
/// file's rows they came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub entries: usize,
    pub rows: usize,
}

/// Why nothing was stored: the file's bad rows, or the records' answer.
#[derive(Debug)]
pub enum Refused {
    Lines(Vec<LineProblem>),
    Records(Error),
}

/// Reads the file that `open` opens (once per pass, from its start) and
/// stores every entry in it, or none. With `dry_run` nothing is staged.
pub fn import(
    records: &Records,
    actor: &Actor,
    mut open: impl FnMut() -> std::io::Result<Box<dyn Read>>,
    dry_run: bool,
) -> Result<Imported, Refused> {
    let opened =
        |r: std::io::Result<Box<dyn Read>>| r.map_err(|e| Refused::Records(Error::Io { detail: e.to_string() }));
    let mut rows_of: HashMap<String, u32> = HashMap::new();
    let (rows, problems) = read_rows(opened(open())?, |cells| {
        if !cells.group.is_empty() {
            match rows_of.get_mut(cells.group) {
                Some(count) => *count += 1,
                None => _ = rows_of.insert(cells.group.to_string(), 1),
            }
        }
        None
    })
    .map_err(Refused::Lines)?;
    let mut stream = Stream {
        records,
        actor,
        dry_run,
        rows_of,
        problems,
        open: HashMap::new(),
        pending: BTreeMap::new(),
        next_place: 0,
        ready: Vec::new(),
        good: 0,
        import: None,
        failed: None,
        stopped: false,
    };
    // The rows the CSV reader cannot read were found by the first pass;
    // the rows that do not parse are found by this one.
    let (again, _) = read_rows(opened(open())?, |cells| {
        stream.read(cells);
        None
    })
    .map_err(Refused::Lines)?;
    stream.finish(rows, again)
}

/// An entry being built: its lines, its draft, its rows still to come.
struct Pending {
    lines: Vec<u64>,
    draft: EntryDraft,
    left: u32,
}

struct Stream<'a> {
    records: &'a Records,
    actor: &'a Actor,
    dry_run: bool,
    /// Rows still to come of each entry_id not yet begun (the first
    /// pass's count).
    rows_of: HashMap<String, u32>,
    problems: Vec<LineProblem>,
    /// Entries with rows still to come, by entry_id: their places.
    open: HashMap<String, u64>,
    /// Entries not yet checked, by place (the order of their first rows).
    pending: BTreeMap<u64, Pending>,
    next_place: u64,
    /// Whole entries, in order, waiting for a chunk to fill.
    ready: Vec<(Vec<u64>, EntryDraft)>,
    /// Entries that passed the check.
    good: usize,
    import: Option<ImportId>,
    /// The records failed (not a bad row): nothing more is done.
    failed: Option<Error>,
    /// The records could not check a chunk: the rest is not checked (the
    /// problem says why), as the whole plan stopped.
    stopped: bool,
}

impl Stream<'_> {
    /// One row of the second pass. Its problem, if it does not parse, is
    /// kept at once: nothing more is staged.
    fn read(&mut self, cells: &Cells) {
        match parsed(cells) {
            Ok(row) => self.add(row),
            Err(problem) => {
                self.problems.push(problem);
                self.not_parsed(cells.group);
            }
        }
    }

    /// A row of `group` that does not parse: the first pass counted it, so
    /// its entry waits for it no longer.
    fn not_parsed(&mut self, group: &str) {
        if group.is_empty() {
            return;
        }
        if let Some(&place) = self.open.get(group) {
            self.row_came(place, group);
            self.take_whole();
        } else if let Some(count) = self.rows_of.get_mut(group) {
            *count = count.saturating_sub(1);
        }
    }

    fn add(&mut self, row: Row) {
        if !row.group.is_empty()
            && let Some(&place) = self.open.get(row.group)
        {
            let group = row.group;
            if let Some(pending) = self.pending.get_mut(&place)
                && let Some(problem) = join(&mut pending.lines, &mut pending.draft, row)
            {
                self.problems.push(problem);
            }
            self.row_came(place, group);
        } else {
            let place = self.next_place;
            self.next_place += 1;
            // The first pass counted this row too.
            let left = self.rows_of.remove(row.group).map_or(0, |n| n.saturating_sub(1));
            if left > 0 {
                self.open.insert(row.group.to_string(), place);
            }
            self.pending.insert(place, Pending { lines: vec![row.line], draft: row.draft, left });
        }
        self.take_whole();
    }

    /// One more row of the entry at `place` has come (joined, or found not
    /// to parse): once none is left to come, its entry_id is no longer open.
    fn row_came(&mut self, place: u64, group: &str) {
        if let Some(pending) = self.pending.get_mut(&place) {
            pending.left = pending.left.saturating_sub(1);
            if pending.left == 0 {
                self.open.remove(group);
            }
        }
    }

    /// The entries at the head of the file's order that have all their
    /// rows go on, a chunk at a time.
    fn take_whole(&mut self) {
        while let Some(first) = self.pending.first_entry() {
            if first.get().left > 0 {
                break;
            }
            let whole = first.remove();
            self.ready.push((whole.lines, whole.draft));
            if self.ready.len() == IMPORT_CHUNK {
                self.check_ready();
            }
        }
    }

    /// Checks the whole entries waiting, and stages them while nothing
    /// anywhere has been found wrong. Staging checks each draft itself
    /// (the records never take a draft unchecked), so a chunk is checked
    /// on its own only when it is not staged, or staging refused it: then
    /// for every problem on its line.
    fn check_ready(&mut self) {
        let (lines, chunk): (Vec<Vec<u64>>, Vec<EntryDraft>) = std::mem::take(&mut self.ready).into_iter().unzip();
        if chunk.is_empty() || self.stopped || self.failed.is_some() {
            return;
        }
        if self.problems.is_empty() && !self.dry_run {
            let count = chunk.len();
            let staged = match self.import {
                Some(import) => Ok(import),
                None => self.records.import_begin(self.actor).inspect(|import| self.import = Some(*import)),
            }
            .and_then(|import| self.records.import_chunk(self.actor, import, chunk.clone()));
            match staged {
                Ok(()) => {
                    self.good += count;
                    return;
                }
                // Its bad drafts, each problem on its line, below.
                Err(Error::ImportRefused { .. }) => {}
                Err(e) => {
                    self.failed = Some(e);
                    return;
                }
            }
        }
        match validate_chunk(self.records, &lines, chunk, &mut self.problems) {
            Some(good) => self.good += good.len(),
            None => self.stopped = true,
        }
    }

    fn finish(mut self, rows: usize, rows_again: usize) -> Result<Imported, Refused> {
        // Entries still waiting for rows the first pass counted and the
        // second did not see (the file changed between them) go as they are.
        let rest = std::mem::take(&mut self.pending);
        self.ready.extend(rest.into_values().map(|p| (p.lines, p.draft)));
        for chunk in std::mem::take(&mut self.ready).chunks(IMPORT_CHUNK) {
            self.ready = chunk.to_vec();
            self.check_ready();
        }
        if rows_again != rows && self.failed.is_none() {
            let detail = format!("the file changed while it was read: {rows} rows, then {rows_again}");
            self.failed = Some(WireError::Protocol { detail }.into());
        }
        let outcome = if let Some(e) = self.failed.take() {
            Err(Refused::Records(e))
        } else if !self.problems.is_empty() {
            let mut problems = std::mem::take(&mut self.problems);
            problems.sort_by_key(|p| p.line);
            Err(Refused::Lines(problems))
        } else if let Some(import) = self.import.take() {
            let expected = self.good as u64;
            match self.records.import_finish(self.actor, import) {
                Ok(ids) if ids.end - ids.start == expected => Ok(Imported { entries: self.good, rows }),
                Ok(ids) => {
                    let detail = format!("{} of {expected} drafts imported", ids.end - ids.start);
                    Err(Refused::Records(WireError::Protocol { detail }.into()))
                }
                Err(e) => Err(Refused::Records(e)),
            }
        } else {
            Ok(Imported { entries: self.good, rows })
        };
        if let Some(import) = self.import {
            // Refused: what was staged goes (a server that has gone
            // dropped it with the session).
            let _ = self.records.import_abort(self.actor, import);
        }
        outcome
    }
}

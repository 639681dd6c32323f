//! `binalog export`: one CSV row per quantity, or one JSON object per entry.
//! CSV comes in two dialects: for machines (commas, a decimal dot, LF) and
//! for Excel set to Indonesian (`--excel`: semicolons, a decimal comma, a
//! UTF-8 byte-order mark and CRLF, so that Excel opens the file with its
//! numbers as numbers and its names in the right letters).

use std::collections::HashMap;
use std::io::Write;

use chrono::SecondsFormat;
use serde_json::json;

use super::CSV_COLUMNS;
use super::safe::{csv_text, escape_json_strings};
use crate::domain::entry::Entry;
use crate::records::{EntryFilter, Records, Result, RevisionState};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    /// CSV as Excel in Indonesian reads it.
    ExcelCsv,
    Jsonl,
}

/// The byte-order mark Excel needs to read a CSV file as UTF-8.
pub const BOM: &str = "\u{feff}";

/// Names of the records an entry points at, looked up once per export.
struct Names {
    programs: HashMap<u32, (String, String, u32, u32)>,
    sites: HashMap<u32, String>,
    partners: HashMap<u32, String>,
}

impl Names {
    fn load(records: &Records) -> Result<Names> {
        Ok(Names {
            programs: records
                .programs()?
                .into_iter()
                .map(|p| (p.id, (p.name, p.sector.code().to_string(), p.site, p.partner)))
                .collect(),
            sites: records.sites()?.into_iter().map(|s| (s.id, s.name)).collect(),
            partners: records.partners()?.into_iter().map(|p| (p.id, p.name)).collect(),
        })
    }

    /// (programme, sector, site, partner) for a programme id.
    fn of(&self, program: u32) -> (&str, &str, &str, &str) {
        match self.programs.get(&program) {
            Some((name, sector, site, partner)) => (
                name,
                sector,
                self.sites.get(site).map_or("", String::as_str),
                self.partners.get(partner).map_or("", String::as_str),
            ),
            None => ("", "", "", ""),
        }
    }
}

/// The status column: the entry's own status, or where a revision stands
/// when history is included.
fn status(entry: &Entry, state: RevisionState) -> &'static str {
    match state {
        RevisionState::Current => entry.draft.status.code(),
        other => other.code(),
    }
}

/// Writes the matching entries. Output errors (a closed pipe) are returned
/// as I/O errors for the caller to report.
pub fn export(
    records: &Records,
    filter: &EntryFilter,
    format: Format,
    out: &mut dyn Write,
) -> Result<std::io::Result<usize>> {
    let entries = records.entries(filter)?;
    Ok(match format {
        Format::Csv => write_csv(CsvRows::start(records, out)?, &entries),
        Format::ExcelCsv => match out.write_all(BOM.as_bytes()) {
            Ok(()) => write_csv(CsvRows::start_excel(records, out)?, &entries),
            Err(e) => Err(e),
        },
        Format::Jsonl => write_jsonl(&Names::load(records)?, &entries, out),
    })
}

fn write_csv(mut rows: CsvRows, entries: &[(Entry, RevisionState)]) -> std::io::Result<usize> {
    for (entry, state) in entries {
        rows.write(entry, *state)?;
    }
    rows.finish()
}

/// The export's CSV, written entry by entry: `export` writes a filter's
/// entries through it, and the scale demo the rows it stores, so that both
/// give the same rows for the same entries.
pub struct CsvRows<'w> {
    names: Names,
    csv: csv::Writer<&'w mut dyn Write>,
    header_written: bool,
    rows: usize,
    /// Values with a decimal comma (the Excel dialect).
    decimal_comma: bool,
}

impl<'w> CsvRows<'w> {
    /// Looks up the names of the records entries point at; writes nothing yet.
    pub fn start(records: &Records, out: &'w mut dyn Write) -> Result<CsvRows<'w>> {
        let csv = csv::Writer::from_writer(out);
        Ok(CsvRows { names: Names::load(records)?, csv, header_written: false, rows: 0, decimal_comma: false })
    }

    /// The Excel dialect: semicolons, CRLF and a decimal comma (the caller
    /// writes the byte-order mark first).
    pub fn start_excel(records: &Records, out: &'w mut dyn Write) -> Result<CsvRows<'w>> {
        let csv = csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(out);
        Ok(CsvRows { names: Names::load(records)?, csv, header_written: false, rows: 0, decimal_comma: true })
    }

    fn header(&mut self) -> std::io::Result<()> {
        if !self.header_written {
            self.csv.write_record(CSV_COLUMNS).map_err(io_error)?;
            self.header_written = true;
        }
        Ok(())
    }

    /// One row per quantity of the entry.
    pub fn write(&mut self, entry: &Entry, state: RevisionState) -> std::io::Result<()> {
        self.header()?;
        let d = &entry.draft;
        let (program, sector, site, partner) = self.names.of(d.program);
        for q in &d.quantities {
            // Text columns through `csv_text`, numbers and dates as they are.
            self.csv
                .write_record([
                    entry.id.to_string().as_str(),
                    &d.date.format("%Y-%m-%d").to_string(),
                    &csv_text(site),
                    &d.program.to_string(),
                    &csv_text(program),
                    &csv_text(sector),
                    &csv_text(partner),
                    &csv_text(d.kind.code()),
                    &csv_text(&q.item),
                    &if self.decimal_comma { q.value.format(',') } else { q.value.to_plain() },
                    &csv_text(q.unit.code()),
                    &d.participants.to_string(),
                    &csv_text(&d.notes),
                    &csv_text(status(entry, state)),
                    &entry.revision.to_string(),
                    &csv_text(entry.recorded_by.as_str()),
                    &entry.recorded_at.to_rfc3339_opts(SecondsFormat::Secs, true),
                ])
                .map_err(io_error)?;
            self.rows += 1;
        }
        Ok(())
    }

    /// Writes the header if no row came, flushes, and returns the rows written.
    pub fn finish(mut self) -> std::io::Result<usize> {
        self.header()?;
        self.csv.flush()?;
        Ok(self.rows)
    }
}

/// The I/O error inside a CSV error, kept as it is so that the caller can
/// tell a closed pipe (`| head`) from a real failure; csv's own conversion
/// would wrap it as `Other`.
fn io_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

fn write_jsonl(names: &Names, entries: &[(Entry, RevisionState)], out: &mut dyn Write) -> std::io::Result<usize> {
    for (entry, state) in entries {
        let d = &entry.draft;
        let (program, sector, site, partner) = names.of(d.program);
        let quantities: Vec<_> = d
            .quantities
            .iter()
            // Values stay strings so no consumer rounds them through a float.
            .map(|q| json!({"item": q.item, "value": q.value.to_plain(), "unit": q.unit.code()}))
            .collect();
        let mut line = json!({
            "entry_id": entry.id,
            "date": d.date.format("%Y-%m-%d").to_string(),
            "site": site,
            "program_id": d.program,
            "program": program,
            "sector": sector,
            "partner": partner,
            "kind": d.kind.code(),
            "quantities": quantities,
            "participants": d.participants,
            "officers": d.officers,
            "cadets": d.cadets,
            "notes": d.notes,
            "status": status(entry, *state),
            "revision": entry.revision,
            "supersedes": entry.supersedes,
            "reason": entry.reason,
            "recorded_by": entry.recorded_by.as_str(),
            "recorded_at": entry.recorded_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        });
        escape_json_strings(&mut line);
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(entries.len())
}

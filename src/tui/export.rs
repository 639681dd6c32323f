//! Files written from the interface (issue 11): a register as it is
//! searched, or a report, as CSV for machines or CSV as Excel in
//! Indonesian reads it (semicolons, decimal comma, byte-order mark, CRLF).
//! They go to the officer's export folder, `~/binalog-ekspor/NIP/`, under
//! a name that says what and when; the screen says where.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::report::ReportSpec;
use crate::records::{Actor, Error, Records, RegisterQuery, Result, RevisionState};
use crate::report::export::{BOM, CsvRows};

/// Entries a page of the register is read in while writing its file.
const PAGE: usize = 500;

/// Where files go: `binalog-ekspor` in the home of the Unix user the
/// terminal runs as (the shared workshop account); each officer's files
/// in a folder named by their NIP (`update` adds it).
pub fn base() -> PathBuf {
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join("binalog-ekspor")
}

/// A new file in `dir` named `stem` and the local time; never an existing one.
fn create(dir: &Path, stem: &str, records: &Records) -> Result<(PathBuf, std::fs::File)> {
    let io = |e: std::io::Error| Error::Io { detail: e.to_string() };
    std::fs::create_dir_all(dir).map_err(io)?;
    let at = records.local_time(records.now()).format("%Y%m%d-%H%M%S");
    let path = dir.join(format!("{stem}-{at}.csv"));
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(io)?;
    Ok((path, file))
}

/// The programme's register as searched, every page of it, newest first:
/// the file and how many rows (a row per quantity) it holds.
pub fn register(
    records: &Records,
    folder: &Path,
    program: u32,
    query: &RegisterQuery,
    excel: bool,
) -> Result<(PathBuf, usize)> {
    let (path, mut file) = create(folder, &format!("catatan-program-{program}"), records)?;
    let io = |e: std::io::Error| Error::Io { detail: e.to_string() };
    let out: &mut dyn Write = &mut file;
    if excel {
        out.write_all(BOM.as_bytes()).map_err(io)?;
    }
    let mut rows = if excel { CsvRows::start_excel(records, out)? } else { CsvRows::start(records, out)? };
    let mut page_query = query.clone();
    loop {
        let page = records.search_register(program, &page_query, PAGE)?;
        for entry in &page.entries {
            rows.write(entry, RevisionState::Current).map_err(io)?;
        }
        match page.older.and_then(|older| older.pred_opt()) {
            Some(through) => page_query.through = Some(through),
            None => break,
        }
    }
    let count = rows.finish().map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok((path, count))
}

/// The report as `binalog report --format csv` writes it, or that CSV as
/// Excel in Indonesian reads it.
pub fn report(
    records: &Records,
    actor: &Actor,
    folder: &Path,
    spec: ReportSpec,
    lang: crate::i18n::Lang,
    excel: bool,
) -> Result<(PathBuf, usize)> {
    let report = records.report(actor, spec)?;
    let csv = crate::report::monthly::render(&report, lang, crate::report::monthly::Format::Csv);
    let text = if excel { to_excel(&csv)? } else { csv };
    let stem = format!("laporan-{}-{}", spec.period.from.format("%Y%m%d"), spec.period.to.format("%Y%m%d"));
    let (path, mut file) = create(folder, &stem, records)?;
    let io = |e: std::io::Error| Error::Io { detail: e.to_string() };
    file.write_all(text.as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok((path, text.lines().count().saturating_sub(1)))
}

/// A plain CSV rewritten for Excel in Indonesian: semicolons, CRLF, a
/// byte-order mark, and a decimal comma in every number.
pub fn to_excel(csv: &str) -> Result<String> {
    let bad = |e: csv::Error| Error::Io { detail: e.to_string() };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(csv.as_bytes());
    let mut out = Vec::from(BOM.as_bytes());
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(&mut out);
        for record in reader.records() {
            let record = record.map_err(bad)?;
            let cells: Vec<String> = record.iter().map(excel_cell).collect();
            writer.write_record(&cells).map_err(bad)?;
        }
        writer.flush().map_err(|e| Error::Io { detail: e.to_string() })?;
    }
    String::from_utf8(out).map_err(|e| Error::Io { detail: e.to_string() })
}

/// A number written with a decimal comma; any other cell as it is.
fn excel_cell(cell: &str) -> String {
    let number = !cell.is_empty()
        && cell.trim_start_matches('-').chars().all(|c| c.is_ascii_digit() || c == '.')
        && cell.chars().filter(|c| *c == '.').count() <= 1
        && cell.trim_start_matches('-').starts_with(|c: char| c.is_ascii_digit());
    if number { cell.replace('.', ",") } else { cell.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_take_a_decimal_comma_and_text_stays() {
        let excel = to_excel("kind,item,value\nharvest,\"cabai, merah\",12.5\nsale,1.2.3,-4\n").unwrap();
        assert!(excel.starts_with(BOM));
        assert_eq!(&excel[BOM.len()..], "kind;item;value\r\nharvest;cabai, merah;12,5\r\nsale;1.2.3;-4\r\n");
    }
}

//! `init`, `export`, `import` and `check`.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{Context, Error, ExportArgs, ExportFormat, ImportArgs, Result, out};
use crate::clock;
use crate::domain::demo::{DEMO_OFFICERS, DEMO_PIN};
use crate::domain::entry::Entry;
use crate::domain::invalid::Arg;
use crate::domain::scale_demo::{SCALE_SEED, ScaleSpec};
use crate::i18n::{self, Lang, fill};
use crate::records::{EntryFilter, InitOutcome, Records, RevisionState};
use crate::records::{OpenMode, Problem};
use crate::report::export::CsvRows;
use crate::report::{export, import};

/// `init --demo --entries N`: a database for measuring binalog at scale.
#[derive(clap::Args, Debug)]
pub struct ScaleArgs {
    /// With --demo, on a new database only: this many generated entries in
    /// 21 programmes instead of the year of samples (for measuring)
    #[arg(long, requires = "demo", value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub entries: Option<u64>,
    /// With --entries: spread over this many years up to today (never
    /// before a programme's start)
    #[arg(long, requires = "entries", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub years: u32,
    /// With --entries: also write the same rows as export CSV to this file
    #[arg(long, requires = "entries", value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

pub fn init(ctx: &Context, demo: bool, scale: &ScaleArgs) -> Result<ExitCode> {
    if let Some(entries) = scale.entries {
        return init_scale(ctx, entries, scale);
    }
    let outcome = ctx.open(OpenMode::CreateIfMissing)?.init(demo)?;
    if !outcome.created {
        return init_exists(ctx);
    }
    let mut lines = vec![init_created(ctx, &outcome)];
    if demo {
        let count = Arg::Number(outcome.demo_entries as i64);
        lines.push(fill(ctx.lang(), "cli.init_demo", &[("count", count)]));
        lines.extend(demo_logins(ctx.lang()));
    }
    out::said(&lines.join("\n"))
}

fn init_exists(ctx: &Context) -> Result<ExitCode> {
    let path = Arg::Text(ctx.db_path().display().to_string());
    out::said(&fill(ctx.lang(), "cli.init_exists", &[("path", path)]))
}

fn init_created(ctx: &Context, outcome: &InitOutcome) -> String {
    let [sites, partners, agreements, programs] = outcome.reference;
    let n = |v: usize| Arg::Number(v as i64);
    let args = [
        ("path", Arg::Text(ctx.db_path().display().to_string())),
        ("sites", n(sites)),
        ("partners", n(partners)),
        ("agreements", n(agreements)),
        ("programs", n(programs)),
    ];
    fill(ctx.lang(), "cli.init_created", &args)
}

fn demo_logins(lang: Lang) -> Vec<String> {
    DEMO_OFFICERS
        .iter()
        .map(|(nip, name, role)| {
            let args = [
                ("name", Arg::Text((*name).into())),
                ("nip", Arg::Text((*nip).into())),
                ("role", Arg::Text(role.code().into())),
                ("pin", Arg::Text(DEMO_PIN.into())),
            ];
            fill(lang, "cli.init_demo_login", &args)
        })
        .collect()
}

/// Always in this process, whatever `--direct` says: the entries go
/// straight to the store in large batches, never a million requests
/// through a server. A database a server holds is not new anyway.
fn init_scale(ctx: &Context, entries: u64, args: &ScaleArgs) -> Result<ExitCode> {
    let lang = ctx.lang();
    // The CSV file is opened first so that a bad path stores nothing, and
    // emptied only once entries come, so that a database made before keeps
    // the file made with it.
    let open = |path: &Path| std::fs::OpenOptions::new().write(true).create(true).truncate(false).open(path);
    let unwritable = |e: std::io::Error| Error::file_unwritable(args.csv.as_deref().unwrap_or(Path::new("")), &e);
    let mut file = args.csv.as_deref().map(open).transpose().map_err(unwritable)?.map(std::io::BufWriter::new);
    let spec = ScaleSpec { years: args.years, entries, seed: SCALE_SEED };
    let mut sink = file.as_mut();
    let mut rows: Option<CsvRows> = None;
    let created = {
        let mut written = |records: &Records, batch: &[Entry]| -> std::io::Result<()> {
            if let Some(out) = sink.take() {
                rows = Some(start_csv(records, out, lang)?);
            }
            if let Some(rows) = rows.as_mut() {
                for entry in batch {
                    rows.write(entry, RevisionState::Current)?;
                }
            }
            Ok(())
        };
        Records::create_scale_demo(&ctx.db_path(), clock::from_env(), ctx.global.tz, spec, &mut written)
    };
    let (records, outcome) = created.map_err(|e| ctx.held_by_server(e))?;
    if !outcome.init.created {
        return init_exists(ctx);
    }
    if let (None, Some(out)) = (&rows, sink) {
        // No entry fell in the window: the file still gets its header.
        rows = Some(start_csv(&records, out, lang).map_err(unwritable)?);
    }
    let mut lines = vec![init_created(ctx, &outcome.init)];
    let (from, to) = outcome.span.unwrap_or((records.today(), records.today()));
    let scale_args =
        [("count", Arg::Number(outcome.init.demo_entries as i64)), ("from", Arg::Date(from)), ("to", Arg::Date(to))];
    lines.push(fill(lang, "cli.init_scale", &scale_args));
    if let Some(rows) = rows {
        let path = args.csv.as_deref();
        // Flushes the file too: csv's flush flushes what it writes to.
        let n = rows.finish().map_err(unwritable)?;
        let csv_args =
            [("path", Arg::Text(path.unwrap_or(Path::new("")).display().to_string())), ("rows", Arg::Number(n as i64))];
        lines.push(fill(lang, "cli.init_scale_csv", &csv_args));
    }
    lines.extend(demo_logins(lang));
    out::said(&lines.join("\n"))
}

/// Empties the CSV file and starts its rows.
fn start_csv<'w>(records: &Records, out: &'w mut std::io::BufWriter<File>, lang: Lang) -> std::io::Result<CsvRows<'w>> {
    out.get_ref().set_len(0)?;
    CsvRows::start(records, out).map_err(|e| std::io::Error::other(i18n::error(lang, &e)))
}

pub fn export(ctx: &Context, args: &ExportArgs) -> Result<ExitCode> {
    let filter = EntryFilter { from: args.from, to: args.to, program: args.program, history: args.history };
    let format = match args.format {
        ExportFormat::Csv if args.excel => export::Format::ExcelCsv,
        ExportFormat::Csv => export::Format::Csv,
        ExportFormat::Jsonl => export::Format::Jsonl,
    };
    let records = ctx.open(OpenMode::Existing)?;
    super::actor::login_if(ctx, &records, args.as_nip.as_deref())?;
    // Streamed as it is written: an export can be large. Stored text is
    // made safe cell by cell in `export`.
    let written = export::export(&records, &filter, format, &mut std::io::stdout().lock())?;
    out::status(written.map(|_| ()), ExitCode::SUCCESS)
}

pub fn import(ctx: &Context, args: &ImportArgs) -> Result<ExitCode> {
    let lang = ctx.lang();
    // The file is read twice (report/import/stream.rs): opened now, so
    // that one that cannot be read is said before anything else, and again
    // for the second pass. Standard input is kept in memory to be read twice.
    let mut first: Option<Box<dyn Read>> = None;
    if args.file.as_os_str() != "-" {
        let file = File::open(&args.file).map_err(|e| Error::file_unreadable(&args.file, &e))?;
        first = Some(Box::new(std::io::BufReader::new(file)));
    }
    let records = ctx.open(OpenMode::Existing)?;
    // Logged in before the file is read: with --pin-stdin the PIN is the
    // first line of standard input, and the CSV may follow it.
    let actor = super::actor::login(ctx, &records, &args.as_nip)?;
    let mut stdin: Option<std::sync::Arc<Vec<u8>>> = None;
    let open = || -> std::io::Result<Box<dyn Read>> {
        if args.file.as_os_str() == "-" {
            if stdin.is_none() {
                let mut all = Vec::new();
                std::io::stdin().read_to_end(&mut all)?;
                stdin = Some(std::sync::Arc::new(all));
            }
            let bytes = stdin.clone().unwrap_or_default();
            return Ok(Box::new(std::io::Cursor::new(ArcBytes(bytes))));
        }
        match first.take() {
            Some(file) => Ok(file),
            None => Ok(Box::new(std::io::BufReader::new(File::open(&args.file)?))),
        }
    };
    // The problems quote the file's cells: they are said escaped.
    let done = import::import(&records, &actor, open, args.dry_run).map_err(|refused| match refused {
        import::Refused::Records(e) => Error::from(e),
        import::Refused::Lines(problems) => Error::ImportRefused { problems },
    })?;
    let counts = [("count", Arg::Number(done.entries as i64)), ("rows", Arg::Number(done.rows as i64))];
    let key = if args.dry_run { "cli.import_dry" } else { "cli.import_done" };
    out::said(&fill(lang, key, &counts))
}

/// Standard input's bytes, shared by both passes.
struct ArcBytes(std::sync::Arc<Vec<u8>>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The database a server has open is checked by that server, as the
/// admin `as_nip`. Any other folder is checked from a copy
/// (records::files::check_copy), so nothing that is being checked is opened
/// for writing; a backup file is checked as `verify-backup` does.
pub fn check(ctx: &Context, as_nip: Option<&str>) -> Result<ExitCode> {
    let path = ctx.db_path();
    if path.is_file() {
        let _ = out::say(&fill(ctx.lang(), "cli.check_is_backup", &[("path", Arg::Text(path.display().to_string()))]));
        return super::backup::verify_backup(ctx, &path);
    }
    if ctx.global.direct || !ctx.server_answers() {
        let (problems, entries) = crate::records::files::check_copy(&path).map_err(|e| ctx.held_by_server(e))?;
        return report_check(ctx, &problems, entries);
    }
    let records = ctx.open(OpenMode::Existing)?;
    super::actor::login_if(ctx, &records, as_nip)?;
    let problems = records.check()?;
    report_check(ctx, &problems, records.entry_count())
}

/// Prints what `check` found: success, or each problem and failure.
pub(super) fn report_check(ctx: &Context, problems: &[Problem], entries: usize) -> Result<ExitCode> {
    let lang = ctx.lang();
    if problems.is_empty() {
        return out::said(&fill(lang, "cli.check_ok", &[("entries", Arg::Number(entries as i64))]));
    }
    // Problems name keys that hold stored text (a rollup's item): `say`.
    let mut lines = vec![fill(lang, "cli.check_failed", &[("count", Arg::Number(problems.len() as i64))])];
    lines.extend(problems.iter().map(|p| format!("  {}", problem(lang, p))));
    out::status(out::say(&lines.join("\n")), ExitCode::from(1))
}

fn problem(lang: Lang, p: &Problem) -> String {
    let t = |s: &str| Arg::Text(s.to_string());
    let n = |v: i64| Arg::Number(v);
    match p {
        Problem::Undecodable { tree, key, detail } => {
            fill(lang, "check.undecodable", &[("tree", t(tree)), ("key", t(key)), ("detail", t(detail))])
        }
        Problem::IndexMissing { tree, key } => fill(lang, "check.index_missing", &[("tree", t(tree)), ("key", t(key))]),
        Problem::IndexExtra { tree, key } => fill(lang, "check.index_extra", &[("tree", t(tree)), ("key", t(key))]),
        Problem::ActivityWrong { key, expected, found } => fill(
            lang,
            "check.activity_wrong",
            &[
                ("key", t(key)),
                ("expected", n(expected.entries)),
                ("expected_people", n(expected.people)),
                ("found", n(found.entries)),
                ("found_people", n(found.people)),
            ],
        ),
        Problem::RollupWrong { key, expected, found } => i18n::fill(
            lang,
            "check.rollup_wrong",
            &[
                ("key", t(key)),
                ("expected", Arg::Amount(expected.value)),
                ("expected_entries", n(i64::from(expected.entries))),
                ("found", Arg::Amount(found.value)),
                ("found_entries", n(i64::from(found.entries))),
            ],
        ),
        Problem::StockWrong { program, month } => fill(
            lang,
            "check.stock_wrong",
            &[("program", n(i64::from(*program))), ("month", t(&month.format("%m/%Y").to_string()))],
        ),
        Problem::RevisionMissing { entry, revision } => {
            fill(lang, "check.revision_missing", &[("entry", n(*entry as i64)), ("revision", n(i64::from(*revision)))])
        }
        Problem::ProgramMissing { entry, program } => {
            fill(lang, "check.program_missing", &[("entry", n(*entry as i64)), ("program", n(i64::from(*program)))])
        }
        Problem::AuditGap { after, next } => {
            fill(lang, "check.audit_gap", &[("after", n(*after as i64)), ("next", n(*next as i64))])
        }
        Problem::CounterBehind { counter, next, highest } => fill(
            lang,
            "check.counter_behind",
            &[("counter", t(counter)), ("next", n(*next as i64)), ("highest", n(*highest as i64))],
        ),
        Problem::EntryValueRefused { entry, revision, field, problem } => fill(
            lang,
            "check.entry_value_refused",
            &[
                ("entry", n(*entry as i64)),
                ("revision", n(i64::from(*revision))),
                ("field", t(&i18n::field(lang, *field))),
                ("problem", t(&i18n::invalid(lang, problem))),
            ],
        ),
        Problem::RecordValueRefused { tree, key, problem } => fill(
            lang,
            "check.record_value_refused",
            &[("tree", t(tree)), ("key", t(key)), ("problem", t(&i18n::invalid(lang, problem)))],
        ),
        Problem::TotalOverflow { entry } => fill(lang, "check.total_overflow", &[("entry", n(*entry as i64))]),
    }
}

//! `init`, `export`, `import` and `check`.

use std::fs::File;
use std::io::Read;
use std::process::ExitCode;

use super::{Context, ExportArgs, ExportFormat, ImportArgs, out};
use crate::domain::demo::{DEMO_OFFICERS, DEMO_PIN};
use crate::domain::invalid::Arg;
use crate::i18n::{self, Lang, fill};
use crate::records::EntryFilter;
use crate::report::{export, import};
use crate::store::{OpenMode, Problem};

pub fn init(ctx: &Context, demo: bool) -> ExitCode {
    let lang = ctx.lang();
    let path = Arg::Text(ctx.db_path().display().to_string());
    let result = ctx.open(OpenMode::CreateIfMissing).and_then(|records| records.init(demo));
    match result {
        Ok(outcome) if !outcome.created => out::said(ctx, &fill(lang, "cli.init_exists", &[("path", path)])),
        Ok(outcome) => {
            let [sites, partners, agreements, programs] = outcome.reference;
            let n = |v: usize| Arg::Number(v as i64);
            let args = [
                ("path", path),
                ("sites", n(sites)),
                ("partners", n(partners)),
                ("agreements", n(agreements)),
                ("programs", n(programs)),
            ];
            let mut lines = vec![fill(lang, "cli.init_created", &args)];
            if demo {
                lines.push(fill(lang, "cli.init_demo", &[("count", n(outcome.demo_entries))]));
                for (nip, name, role) in DEMO_OFFICERS {
                    let args = [
                        ("name", Arg::Text(name.into())),
                        ("nip", Arg::Text(nip.into())),
                        ("role", Arg::Text(role.code().into())),
                        ("pin", Arg::Text(DEMO_PIN.into())),
                    ];
                    lines.push(fill(lang, "cli.init_demo_login", &args));
                }
            }
            out::said(ctx, &lines.join("\n"))
        }
        Err(e) => ctx.fail(&e),
    }
}

pub fn export(ctx: &Context, args: &ExportArgs) -> ExitCode {
    let filter = EntryFilter { from: args.from, to: args.to, program: args.program, history: args.history };
    let format = match args.format {
        ExportFormat::Csv => export::Format::Csv,
        ExportFormat::Jsonl => export::Format::Jsonl,
    };
    let records = match ctx.open(OpenMode::Existing) {
        Ok(r) => r,
        Err(e) => return ctx.fail(&e),
    };
    if let Err(e) = super::actor::login_if(ctx, &records, args.as_nip.as_deref()) {
        return ctx.fail(&e);
    }
    // Streamed as it is written: an export can be large. Stored text is
    // made safe cell by cell in `export`.
    match export::export(&records, &filter, format, &mut std::io::stdout().lock()) {
        Ok(written) => out::status(ctx, written.map(|_| ()), ExitCode::SUCCESS),
        Err(e) => ctx.fail(&e),
    }
}

pub fn import(ctx: &Context, args: &ImportArgs) -> ExitCode {
    let lang = ctx.lang();
    let input: Box<dyn Read> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        match File::open(&args.file) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => {
                let args = [("path", Arg::Text(args.file.display().to_string())), ("detail", Arg::Text(e.to_string()))];
                eprintln!("{}", fill(lang, "cli.file_unreadable", &args));
                return ExitCode::from(1);
            }
        }
    };
    let records = match ctx.open(OpenMode::Existing) {
        Ok(r) => r,
        Err(e) => return ctx.fail(&e),
    };
    // Logged in before the file is read: with --pin-stdin the PIN is the
    // first line of standard input, and the CSV may follow it.
    let actor = match super::actor::login(ctx, &records, &args.as_nip) {
        Ok(a) => a,
        Err(e) => return ctx.fail(&e),
    };
    let plan = match import::plan(&records, input) {
        Ok(plan) => plan,
        Err(problems) => {
            let bad_lines: std::collections::BTreeSet<u64> = problems.iter().map(|p| p.line).collect();
            let mut lines = vec![fill(lang, "cli.import_refused", &[("count", Arg::Number(bad_lines.len() as i64))])];
            for p in &problems {
                let message = fill(lang, p.key, &p.args);
                let args = [("line", Arg::Number(p.line as i64)), ("message", Arg::Text(message))];
                lines.push(format!("  {}", fill(lang, "cli.import_line", &args)));
            }
            // Messages quote the file's cells, which may hold escape bytes.
            out::complain(&lines.join("\n"));
            return ExitCode::from(1);
        }
    };
    let counts = |count: usize| [("count", Arg::Number(count as i64)), ("rows", Arg::Number(plan.rows as i64))];
    if args.dry_run {
        return out::said(ctx, &fill(lang, "cli.import_dry", &counts(plan.drafts.len())));
    }
    match records.import(&actor, plan.drafts) {
        Ok(ids) => out::said(ctx, &fill(lang, "cli.import_done", &counts(ids.len()))),
        Err(e) => ctx.fail(&e),
    }
}

/// The database a server has open is checked by that server, as the
/// admin `as_nip`. Any other folder is checked from a copy
/// (store::check::check_copy), so nothing that is being checked is opened
/// for writing; a backup file is checked as `verify-backup` does.
pub fn check(ctx: &Context, as_nip: Option<&str>) -> ExitCode {
    let path = ctx.db_path();
    if path.is_file() {
        let _ = out::say(&fill(ctx.lang(), "cli.check_is_backup", &[("path", Arg::Text(path.display().to_string()))]));
        return super::backup::verify_backup(ctx, &path);
    }
    if ctx.global.direct || !ctx.server_answers() {
        return match crate::store::check::check_copy(&path) {
            Ok((problems, entries)) => report_check(ctx, &problems, entries),
            Err(e) => ctx.fail(&ctx.held_by_server(e.into())),
        };
    }
    let records = match ctx.open(OpenMode::Existing).and_then(|r| super::actor::login_if(ctx, &r, as_nip).map(|_| r)) {
        Ok(r) => r,
        Err(e) => return ctx.fail(&e),
    };
    match records.check() {
        Ok(problems) => report_check(ctx, &problems, records.entry_count()),
        Err(e) => ctx.fail(&e),
    }
}

/// Prints what `check` found: success, or each problem and failure.
pub(super) fn report_check(ctx: &Context, problems: &[Problem], entries: usize) -> ExitCode {
    let lang = ctx.lang();
    if problems.is_empty() {
        return out::said(ctx, &fill(lang, "cli.check_ok", &[("entries", Arg::Number(entries as i64))]));
    }
    // Problems name keys that hold stored text (a rollup's item): `say`.
    let mut lines = vec![fill(lang, "cli.check_failed", &[("count", Arg::Number(problems.len() as i64))])];
    lines.extend(problems.iter().map(|p| format!("  {}", problem(lang, p))));
    out::status(ctx, out::say(&lines.join("\n")), ExitCode::from(1))
}

fn problem(lang: Lang, p: &Problem) -> String {
    let t = |s: &str| Arg::Text(s.to_string());
    let n = |v: i64| Arg::Number(v);
    let amount = |milli: i64| Arg::Amount(crate::domain::Amount::from_milli(milli));
    match p {
        Problem::Undecodable { tree, key, detail } => {
            fill(lang, "check.undecodable", &[("tree", t(tree)), ("key", t(key)), ("detail", t(detail))])
        }
        Problem::IndexMissing { tree, key } => fill(lang, "check.index_missing", &[("tree", t(tree)), ("key", t(key))]),
        Problem::IndexExtra { tree, key } => fill(lang, "check.index_extra", &[("tree", t(tree)), ("key", t(key))]),
        Problem::RollupWrong { key, expected, found } => i18n::fill(
            lang,
            "check.rollup_wrong",
            &[
                ("key", t(key)),
                ("expected", amount(expected.total)),
                ("expected_entries", n(i64::from(expected.entries))),
                ("found", amount(found.total)),
                ("found_entries", n(i64::from(found.entries))),
            ],
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

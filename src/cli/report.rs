//! `binalog report` (the monthly report, Laporan Bulanan) and
//! `binalog target set|list` (programmes' yearly targets).

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};

use super::listing::{Cell, Listing};
use super::{Context, Error, ListFormat, Result, actor, out, parse_day};
use crate::domain::invalid::{Arg, Invalid};
use crate::domain::report::{Grouping, Period, ReportSpec};
use crate::domain::sector::Kind;
use crate::i18n::{fill, kind_name};
use crate::records::OpenMode;
use crate::report::monthly::{self, Format};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReportFormat {
    Text,
    Md,
    Csv,
    Json,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A month: 2026-11
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["year", "week", "from", "to"])]
    pub month: Option<String>,
    /// A year: 2026
    #[arg(long, value_name = "YYYY", conflicts_with_all = ["week", "from", "to"])]
    pub year: Option<String>,
    /// An ISO week: 2026-W48
    #[arg(long, value_name = "YYYY-Www", conflicts_with_all = ["from", "to"])]
    pub week: Option<String>,
    /// First day of any range (dd/mm/yyyy or yyyy-mm-dd)
    #[arg(long, value_parser = parse_day)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day of the range [default: the first, a one-day report]
    #[arg(long, value_parser = parse_day)]
    pub to: Option<chrono::NaiveDate>,
    /// Only this site's programmes
    #[arg(long)]
    pub site: Option<u32>,
    /// Only this programme
    #[arg(long)]
    pub program: Option<u32>,
    /// One group per site, program, sector or partner
    #[arg(long, default_value = "program")]
    pub by: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// NIP of the officer reporting: an operator's report covers their sites
    #[arg(long = "as", value_name = "NIP")]
    pub as_nip: String,
}

#[derive(Subcommand, Debug)]
pub enum TargetCommand {
    /// Set a programme's yearly target of a kind (admins), e.g. "12000 kg cabai"
    Set {
        #[arg(long)]
        program: u32,
        #[arg(long)]
        year: i32,
        /// The kind's code: harvest, pieces_finished, ...
        #[arg(long)]
        kind: String,
        /// VALUE UNIT [ITEM], as in an entry
        quantity: String,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
    /// List targets
    List {
        #[arg(long)]
        program: Option<u32>,
        #[arg(long)]
        year: Option<i32>,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
        /// NIP of the officer reading (needed through a server)
        #[arg(long = "as", value_name = "NIP")]
        as_nip: Option<String>,
    },
}

/// The period the options name (none when they name none), or why it
/// cannot be one.
fn period(args: &ReportArgs) -> Option<Result<Period, Invalid>> {
    let period = if let Some(month) = &args.month {
        Period::parse_month(month)
    } else if let Some(year) = &args.year {
        Period::parse_year(year)
    } else if let Some(week) = &args.week {
        Period::parse_week(week)
    } else {
        match (args.from, args.to) {
            (Some(from), None) => Period::day(from),
            (Some(from), Some(to)) => Period::range(from, to),
            (None, Some(to)) => Period::day(to),
            (None, None) => return None,
        }
    };
    Some(period)
}

pub fn report(ctx: &Context, args: &ReportArgs) -> Result<ExitCode> {
    let period = period(args).ok_or(Error::Usage { key: "cli.report_needs_period" })?;
    let spec = ReportSpec { period: period?, by: Grouping::parse(&args.by)?, site: args.site, program: args.program };
    let records = ctx.open(OpenMode::Existing)?;
    let by = actor::login(ctx, &records, &args.as_nip)?;
    let report = records.report(&by, spec)?;
    let format = match args.format {
        ReportFormat::Text => Format::Text,
        ReportFormat::Md => Format::Markdown,
        ReportFormat::Csv => Format::Csv,
        ReportFormat::Json => Format::Json,
    };
    // Stored text was escaped cell by cell in the renderer.
    out::status(out::print(&monthly::render(&report, ctx.lang(), format)), ExitCode::SUCCESS)
}

fn kind(code: &str) -> Result<Kind, Invalid> {
    Kind::from_code(code).ok_or_else(|| Invalid::KindUnknown { input: code.trim().to_string() })
}

pub fn target(ctx: &Context, command: TargetCommand) -> Result<ExitCode> {
    match command {
        TargetCommand::Set { program, year, kind: code, quantity, as_nip } => {
            let kind = kind(&code)?;
            let records = ctx.open(OpenMode::Existing)?;
            let by = actor::login(ctx, &records, &as_nip)?;
            let t = records.set_target(&by, program, year, kind, &quantity)?;
            let lang = ctx.lang();
            let args = [
                ("year", Arg::Number(i64::from(t.year))),
                ("program", Arg::Number(i64::from(t.program))),
                ("kind", Arg::Text(kind_name(lang, t.kind).to_string())),
                ("value", Arg::Amount(t.value)),
                ("unit", Arg::Text(t.unit.code().to_string())),
                ("item", Arg::Text(t.item)),
            ];
            out::said(fill(lang, "cli.target_saved", &args).trim_end())
        }
        TargetCommand::List { program, year, format, as_nip } => super::listing::show(
            ctx,
            as_nip.as_deref(),
            |r, _| {
                Ok(Listing {
                    columns: &["program_id", "year", "kind", "value", "unit", "item"],
                    rows: r
                        .targets(program, year)?
                        .into_iter()
                        .map(|t| {
                            vec![
                                Cell::Number(t.program.into()),
                                Cell::Number(u64::try_from(t.year).unwrap_or_default()),
                                Cell::Text(t.kind.code().into()),
                                Cell::Text(t.value.to_plain()),
                                Cell::Text(t.unit.code().into()),
                                Cell::Text(t.item),
                            ]
                        })
                        .collect(),
                })
            },
            format,
        ),
    }
}

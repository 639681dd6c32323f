//! `binalog audit`: the audit trail, for admins.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::listing::{self, Cell, Listing};
use super::{Context, ListFormat, Result, actor, parse_day};
use crate::domain::officer::Nip;
use crate::records::AuditFilter;
use crate::records::OpenMode;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AuditFormat {
    Table,
    Csv,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[arg(long, value_parser = parse_day)]
    pub from: Option<chrono::NaiveDate>,
    #[arg(long, value_parser = parse_day)]
    pub to: Option<chrono::NaiveDate>,
    /// Only this officer's records
    #[arg(long)]
    pub officer: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: AuditFormat,
    #[arg(long = "as", value_name = "NIP")]
    pub as_nip: String,
}

/// `user` is the Unix user of the session that made the change (empty
/// for records older than schema 3); new columns go last.
pub const COLUMNS: [&str; 7] = ["seq", "at", "officer", "action", "entries", "detail", "user"];

pub fn run(ctx: &Context, args: &AuditArgs) -> Result<ExitCode> {
    let records = ctx.open(OpenMode::Existing)?;
    let officer = args.officer.as_deref().map(Nip::parse).transpose()?;
    let by = actor::login(ctx, &records, &args.as_nip)?;
    let trail = records.audit(&by, &AuditFilter { from: args.from, to: args.to, officer })?;
    let tz = ctx.global.tz;
    let rows = trail
        .into_iter()
        .map(|r| {
            let entries: Vec<String> = r.entries.iter().map(|(id, rev)| format!("{id}r{rev}")).collect();
            vec![
                Cell::Number(r.seq),
                Cell::Instant(r.at, tz),
                Cell::Text(r.officer.as_ref().map(|n| n.to_string()).unwrap_or_default()),
                Cell::Text(r.action.code().to_string()),
                Cell::Text(entries.join(" ")),
                Cell::Text(r.detail),
                Cell::Text(r.user),
            ]
        })
        .collect();
    let format = match args.format {
        AuditFormat::Table => ListFormat::Table,
        AuditFormat::Csv => ListFormat::Csv,
    };
    listing::print(&Listing { columns: &COLUMNS, rows }, format)
}

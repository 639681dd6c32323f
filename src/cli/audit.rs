//! `binalog audit`: the audit trail, for admins.

use std::process::ExitCode;

use chrono::SecondsFormat;
use clap::{Args, ValueEnum};

use super::{Context, actor, parse_day};
use crate::domain::officer::Nip;
use crate::records::{AuditFilter, Error};
use crate::store::OpenMode;

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

pub fn run(ctx: &Context, args: &AuditArgs) -> ExitCode {
    let result = ctx.open(OpenMode::Existing).and_then(|records| {
        let officer = args.officer.as_deref().map(Nip::parse).transpose().map_err(Error::from)?;
        let by = actor::login(ctx, &records, &args.as_nip)?;
        records.audit(&by, &AuditFilter { from: args.from, to: args.to, officer })
    });
    let trail = match result {
        Ok(t) => t,
        Err(e) => return ctx.fail(&e),
    };
    let rows: Vec<[String; 7]> = trail
        .iter()
        .map(|r| {
            let entries: Vec<String> = r.entries.iter().map(|(id, rev)| format!("{id}r{rev}")).collect();
            let at = match args.format {
                AuditFormat::Csv => r.at.to_rfc3339_opts(SecondsFormat::Secs, true),
                AuditFormat::Table => r.at.with_timezone(&ctx.global.tz).format("%d/%m/%Y %H:%M:%S").to_string(),
            };
            [
                r.seq.to_string(),
                at,
                r.officer.as_ref().map(|n| n.to_string()).unwrap_or_default(),
                r.action.code().to_string(),
                entries.join(" "),
                r.detail.clone(),
                r.user.clone(),
            ]
        })
        .collect();
    match args.format {
        AuditFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout().lock());
            let written = w.write_record(COLUMNS).and_then(|_| rows.iter().try_for_each(|r| w.write_record(r)));
            if written.and_then(|_| w.flush().map_err(csv::Error::from)).is_err() {
                return ExitCode::from(1);
            }
        }
        AuditFormat::Table => {
            let body: Vec<Vec<String>> = rows.into_iter().map(|r| r.to_vec()).collect();
            print!("{}", super::listing::align(&COLUMNS, &body));
        }
    }
    ExitCode::SUCCESS
}

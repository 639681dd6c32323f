//! `binalog officer …`: accounts, managed by an admin. The very first
//! officer of a database is added without `--as` and must be an admin.

use std::process::ExitCode;

use clap::Subcommand;

use super::{Context, ListFormat, Result, actor, listing, out};
use crate::domain::invalid::Arg;
use crate::domain::officer::{Officer, Role};
use crate::i18n::fill;
use crate::records::OpenMode;
use crate::records::Records;

#[derive(Subcommand, Debug)]
pub enum OfficerCommand {
    /// Add an officer; their PIN is asked twice without echo
    Add {
        #[arg(long)]
        nip: String,
        #[arg(long)]
        name: String,
        /// operator, supervisor or admin
        #[arg(long)]
        role: String,
        /// Sites (ids, comma separated) the officer works at
        #[arg(long, value_delimiter = ',')]
        sites: Vec<u32>,
        /// The admin adding them (not needed for the first officer)
        #[arg(long = "as", value_name = "NIP")]
        as_nip: Option<String>,
    },
    /// List officers (no PINs)
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
    /// Set the sites an officer works at
    Assign {
        #[arg(long)]
        nip: String,
        /// Site ids, comma separated
        #[arg(long, value_delimiter = ',', required = true)]
        sites: Vec<u32>,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
    /// Stop an officer from logging in (their records stay)
    Deactivate {
        #[arg(long)]
        nip: String,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
    /// Let a deactivated officer log in again
    Activate {
        #[arg(long)]
        nip: String,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
    /// Give an officer a new PIN (and lift a lockout)
    ResetPin {
        #[arg(long)]
        nip: String,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
}

fn announce(ctx: &Context, key: &'static str, officer: &Officer) -> Result<ExitCode> {
    let args = [
        ("name", Arg::Text(officer.name.clone())),
        ("nip", Arg::Text(officer.nip.to_string())),
        ("role", Arg::Text(officer.role.code().into())),
    ];
    out::said(&fill(ctx.lang(), key, &args))
}

pub fn run(ctx: &Context, command: OfficerCommand) -> Result<ExitCode> {
    if let OfficerCommand::List { format, as_nip } = command {
        return listing::officers(ctx, format, &as_nip);
    }
    let records = ctx.open(OpenMode::Existing)?;
    let (key, officer) = change(ctx, &records, command)?;
    announce(ctx, key, &officer)
}

fn change(ctx: &Context, records: &Records, command: OfficerCommand) -> Result<(&'static str, Officer)> {
    match command {
        OfficerCommand::Add { nip, name, role, sites, as_nip } => {
            let role = Role::parse(&role)?;
            let by = as_nip.map(|admin| actor::login(ctx, records, &admin)).transpose()?;
            let pin = actor::new_pin(ctx)?;
            let mut officer = records.add_officer(by.as_ref(), &nip, &name, role, &pin)?;
            if let (Some(by), false) = (&by, sites.is_empty()) {
                officer = records.assign_sites(by, &nip, &sites)?;
            }
            Ok(("cli.officer_added", officer))
        }
        OfficerCommand::Assign { nip, sites, as_nip } => {
            let by = actor::login(ctx, records, &as_nip)?;
            Ok(("cli.officer_updated", records.assign_sites(&by, &nip, &sites)?))
        }
        OfficerCommand::Deactivate { nip, as_nip } => {
            let by = actor::login(ctx, records, &as_nip)?;
            Ok(("cli.officer_updated", records.set_officer_active(&by, &nip, false)?))
        }
        OfficerCommand::Activate { nip, as_nip } => {
            let by = actor::login(ctx, records, &as_nip)?;
            Ok(("cli.officer_updated", records.set_officer_active(&by, &nip, true)?))
        }
        OfficerCommand::ResetPin { nip, as_nip } => {
            let by = actor::login(ctx, records, &as_nip)?;
            let pin = actor::new_pin(ctx)?;
            Ok(("cli.officer_updated", records.reset_pin(&by, &nip, &pin)?))
        }
        OfficerCommand::List { .. } => unreachable!("listed above"),
    }
}

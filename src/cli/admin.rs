//! `binalog site|partner|agreement|program add|edit`: the admin's
//! corrections and additions to the reference data.

use std::process::ExitCode;

use clap::Subcommand;

use super::{Context, actor, out, parse_day};
use crate::domain::invalid::Arg;
use crate::domain::reference::ProgramStatus;
use crate::domain::sector::Sector;
use crate::i18n::fill;
use crate::records::OpenMode;
use crate::records::{Error, Records, Result};

fn parse_sector(s: &str) -> std::result::Result<Sector, String> {
    Sector::from_code(s).ok_or_else(|| super::bad_value("cli.sector_value", s))
}

#[derive(Subcommand, Debug)]
pub enum SiteCommand {
    /// Add a site (Lapas)
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
    /// Correct a site's code, name or time zone
    Edit {
        id: u32,
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        name: Option<String>,
        /// The site's zone, which decides "today" for its entries: WIB, WITA or WIT
        #[arg(long, value_name = "ZONE")]
        tz: Option<String>,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum PartnerCommand {
    /// Add a partner
    Add {
        #[arg(long)]
        name: String,
        /// The sector the partner works in
        #[arg(long, value_parser = parse_sector)]
        field: Option<Sector>,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
    /// Correct a partner's name and field (confirms an inferred field)
    Edit {
        id: u32,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_sector)]
        field: Option<Sector>,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AgreementCommand {
    /// Add a five-year cooperation agreement (PKS)
    Add {
        #[arg(long)]
        number: String,
        #[arg(long)]
        partner: u32,
        #[arg(long, value_parser = parse_day)]
        signed: chrono::NaiveDate,
        /// [default: the signing date]
        #[arg(long, value_parser = parse_day)]
        start: Option<chrono::NaiveDate>,
        /// Site ids, comma separated
        #[arg(long, value_delimiter = ',', required = true)]
        sites: Vec<u32>,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
    /// Correct an agreement's number, dates and sites
    Edit {
        id: u32,
        #[arg(long)]
        number: String,
        #[arg(long, value_parser = parse_day)]
        signed: chrono::NaiveDate,
        #[arg(long, value_parser = parse_day)]
        start: Option<chrono::NaiveDate>,
        #[arg(long, value_delimiter = ',', required = true)]
        sites: Vec<u32>,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProgramCommand {
    /// Add a programme under an agreement
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_sector)]
        sector: Sector,
        #[arg(long)]
        site: u32,
        #[arg(long)]
        agreement: u32,
        /// [default: the agreement's start]
        #[arg(long, value_parser = parse_day)]
        start: Option<chrono::NaiveDate>,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
    /// Rename a programme, or end it (--ended) or reopen it (--active)
    Edit {
        id: u32,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, conflicts_with = "active")]
        ended: bool,
        #[arg(long)]
        active: bool,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
}

/// What was saved, for the confirmation line: a label and an id.
type Saved = (String, u32);

/// Logs in as the admin, runs `body` (the records API's calls) and says
/// what was saved.
fn with_admin(
    ctx: &Context,
    as_nip: &str,
    body: impl FnOnce(&Records, &crate::records::Actor) -> Result<Saved>,
) -> super::Result<ExitCode> {
    let records = ctx.open(OpenMode::Existing)?;
    let by = actor::login(ctx, &records, as_nip)?;
    let (what, id) = body(&records, &by)?;
    let args = [("what", Arg::Text(what)), ("id", Arg::Number(i64::from(id)))];
    out::said(&fill(ctx.lang(), "cli.saved_reference", &args))
}

pub fn site(ctx: &Context, command: SiteCommand) -> super::Result<ExitCode> {
    match command {
        SiteCommand::Add { code, name, as_nip } => with_admin(ctx, &as_nip, |r, by| {
            let s = r.add_site(by, &code, &name)?;
            Ok((s.name, s.id))
        }),
        SiteCommand::Edit { id, code, name, tz, as_nip } => with_admin(ctx, &as_nip, |r, by| {
            let mut site =
                r.sites()?.into_iter().find(|s| s.id == id).ok_or(crate::records::Error::SiteUnknown { id })?;
            if code.is_some() || name.is_some() {
                site = r.update_site(
                    by,
                    id,
                    code.as_deref().unwrap_or(&site.code),
                    name.as_deref().unwrap_or(&site.name),
                )?;
            }
            if let Some(zone) = tz {
                site = r.set_site_zone(by, id, &zone)?;
            }
            Ok((site.name, site.id))
        }),
    }
}

pub fn partner(ctx: &Context, command: PartnerCommand) -> super::Result<ExitCode> {
    match command {
        PartnerCommand::Add { name, field, as_nip } => with_admin(ctx, &as_nip, |r, by| {
            let p = r.add_partner(by, &name, field)?;
            Ok((p.name, p.id))
        }),
        PartnerCommand::Edit { id, name, field, as_nip } => with_admin(ctx, &as_nip, |r, by| {
            let p = r.update_partner(by, id, &name, field)?;
            Ok((p.name, p.id))
        }),
    }
}

pub fn agreement(ctx: &Context, command: AgreementCommand) -> super::Result<ExitCode> {
    match command {
        AgreementCommand::Add { number, partner, signed, start, sites, as_nip } => with_admin(ctx, &as_nip, |r, by| {
            let a = r.add_agreement(by, &number, partner, signed, start.unwrap_or(signed), &sites)?;
            Ok((a.number, a.id))
        }),
        AgreementCommand::Edit { id, number, signed, start, sites, as_nip } => with_admin(ctx, &as_nip, |r, by| {
            let a = r.update_agreement(by, id, &number, signed, start.unwrap_or(signed), &sites)?;
            Ok((a.number, a.id))
        }),
    }
}

pub fn program(ctx: &Context, command: ProgramCommand) -> super::Result<ExitCode> {
    match command {
        ProgramCommand::Add { name, sector, site, agreement, start, as_nip } => with_admin(ctx, &as_nip, |r, by| {
            let start = match start {
                Some(s) => s,
                None => {
                    r.agreements()?
                        .into_iter()
                        .find(|a| a.id == agreement)
                        .ok_or(Error::AgreementUnknown { id: agreement })?
                        .start
                }
            };
            let p = r.add_program(by, &name, sector, site, agreement, start)?;
            Ok((p.name, p.id))
        }),
        ProgramCommand::Edit { id, name, ended, active, as_nip } => with_admin(ctx, &as_nip, |r, by| {
            let current = r.program(id)?;
            let status = if ended {
                ProgramStatus::Ended
            } else if active {
                ProgramStatus::Active
            } else {
                current.status
            };
            // An empty name is refused by the records API's text rules.
            let name = name.unwrap_or(current.name);
            let p = r.update_program(by, id, &name, status)?;
            Ok((p.name, p.id))
        }),
    }
}

//! `sites`, `partners`, `agreements`, `programs` (and the officers and the
//! audit trail): records as an aligned table (for people), CSV or JSON (for
//! scripts), with stored text made safe in each.

use std::borrow::Cow;
use std::collections::HashMap;
use std::process::ExitCode;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};

use super::{Context, ListFormat, Result, out};
use crate::domain::date::format_date;
use crate::domain::text::escape_forbidden;
use crate::records::{Actor, OpenMode, Records};
use crate::report::safe::{csv_text, escape_json_strings};

/// A cell keeps its machine form; dates are shown dd/mm/yyyy in tables.
/// Only `Text` can hold stored text: each format makes it safe in one
/// place, `table`, `Cell::csv` and `json_text` below.
pub enum Cell {
    Text(String),
    Number(u64),
    Date(NaiveDate),
    /// An instant: UTC in files, the `--tz` clock in tables.
    Instant(DateTime<Utc>, FixedOffset),
    Flag(bool),
}

impl Cell {
    fn machine(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Instant(at, _) => at.to_rfc3339_opts(SecondsFormat::Secs, true),
            Cell::Flag(b) => b.to_string(),
        }
    }

    fn human(&self) -> String {
        match self {
            Cell::Date(d) => format_date(*d),
            Cell::Instant(at, tz) => at.with_timezone(tz).format("%d/%m/%Y %H:%M:%S").to_string(),
            Cell::Flag(true) => "*".into(),
            Cell::Flag(false) => String::new(),
            other => other.machine(),
        }
    }

    fn csv(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => csv_text(s),
            other => Cow::Owned(other.machine()),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Number(n) => (*n).into(),
            Cell::Flag(b) => (*b).into(),
            other => other.machine().into(),
        }
    }
}

pub struct Listing {
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<Cell>>,
}

/// Logs in as `as_nip` when given (a server answers reads only to an
/// officer; `--direct` needs the database's files, which hold everything
/// anyway), then builds and prints.
pub(super) fn show(
    ctx: &Context,
    as_nip: Option<&str>,
    build: impl FnOnce(&Records, Option<&Actor>) -> Result<Listing>,
    format: ListFormat,
) -> Result<ExitCode> {
    let records = ctx.open(OpenMode::Existing)?;
    let by = super::actor::login_if(ctx, &records, as_nip)?;
    print(&build(&records, by.as_ref())?, format)
}

/// Writes a listing in the chosen format; the one way every list leaves.
pub fn print(listing: &Listing, format: ListFormat) -> Result<ExitCode> {
    let text = match format {
        ListFormat::Table => table(listing),
        ListFormat::Csv => csv_of(listing),
        ListFormat::Json => json_text(listing),
    };
    out::status(out::print(&text), ExitCode::SUCCESS)
}

/// Cells are escaped before the columns are measured, so a row holding an
/// escape stays aligned with the rest.
fn table(listing: &Listing) -> String {
    let cells: Vec<Vec<String>> =
        listing.rows.iter().map(|r| r.iter().map(|c| escape_forbidden(&c.human()).into_owned()).collect()).collect();
    align(listing.columns, &cells)
}

/// Columns padded to their widest cell, two spaces apart.
fn align(columns: &[&str], cells: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for row in cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |row: Vec<&str>| {
        let padded: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(columns.to_vec());
    for row in cells {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

fn csv_of(listing: &Listing) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(listing.columns).expect("writing CSV to memory");
    for row in &listing.rows {
        w.write_record(row.iter().map(|c| c.csv().into_owned())).expect("writing CSV to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing to memory")).expect("CSV of UTF-8 cells is UTF-8")
}

fn json_text(listing: &Listing) -> String {
    let rows: Vec<serde_json::Value> = listing
        .rows
        .iter()
        .map(|row| {
            let object = listing.columns.iter().zip(row).map(|(c, v)| (c.to_string(), v.json())).collect();
            serde_json::Value::Object(object)
        })
        .collect();
    let mut rows = serde_json::Value::Array(rows);
    escape_json_strings(&mut rows);
    format!("{}\n", serde_json::to_string_pretty(&rows).expect("JSON of plain values"))
}

pub fn sites(ctx: &Context, format: ListFormat, as_nip: Option<&str>) -> Result<ExitCode> {
    show(
        ctx,
        as_nip,
        |r, _| {
            Ok(Listing {
                columns: &["site_id", "code", "name", "zone"],
                rows: r
                    .sites()?
                    .into_iter()
                    .map(|s| {
                        let zone = crate::domain::date::zone_name(s.tz());
                        vec![Cell::Number(s.id.into()), Cell::Text(s.code), Cell::Text(s.name), Cell::Text(zone)]
                    })
                    .collect(),
            })
        },
        format,
    )
}

pub fn partners(ctx: &Context, format: ListFormat, as_nip: Option<&str>) -> Result<ExitCode> {
    show(
        ctx,
        as_nip,
        |r, _| {
            Ok(Listing {
                columns: &["partner_id", "partner", "field", "inferred"],
                rows: r
                    .partners()?
                    .into_iter()
                    .map(|p| {
                        vec![
                            Cell::Number(p.id.into()),
                            Cell::Text(p.name),
                            Cell::Text(p.field.map_or("", |s| s.code()).to_string()),
                            Cell::Flag(p.inferred),
                        ]
                    })
                    .collect(),
            })
        },
        format,
    )
}

pub fn agreements(ctx: &Context, format: ListFormat, as_nip: Option<&str>) -> Result<ExitCode> {
    show(
        ctx,
        as_nip,
        |r, _| {
            let partners: HashMap<u32, String> = r.partners()?.into_iter().map(|p| (p.id, p.name)).collect();
            let sites: HashMap<u32, String> = r.sites()?.into_iter().map(|s| (s.id, s.code)).collect();
            Ok(Listing {
                columns: &["agreement_id", "number", "partner", "signed", "start", "end", "sites", "inferred"],
                rows: r
                    .agreements()?
                    .into_iter()
                    .map(|a| {
                        let site_codes: Vec<&str> =
                            a.sites.iter().map(|s| sites.get(s).map_or("?", String::as_str)).collect();
                        vec![
                            Cell::Number(a.id.into()),
                            Cell::Text(a.number),
                            Cell::Text(partners.get(&a.partner).cloned().unwrap_or_default()),
                            Cell::Date(a.signed),
                            Cell::Date(a.start),
                            Cell::Date(a.end),
                            Cell::Text(site_codes.join(" ")),
                            Cell::Flag(a.inferred),
                        ]
                    })
                    .collect(),
            })
        },
        format,
    )
}

pub fn programs(ctx: &Context, format: ListFormat, as_nip: Option<&str>) -> Result<ExitCode> {
    show(
        ctx,
        as_nip,
        |r, _| {
            let partners: HashMap<u32, String> = r.partners()?.into_iter().map(|p| (p.id, p.name)).collect();
            let sites: HashMap<u32, String> = r.sites()?.into_iter().map(|s| (s.id, s.name)).collect();
            let agreements: HashMap<u32, String> = r.agreements()?.into_iter().map(|a| (a.id, a.number)).collect();
            Ok(Listing {
                columns: &["program_id", "program", "sector", "site", "partner", "agreement", "start", "end", "status"],
                rows: r
                    .programs()?
                    .into_iter()
                    .map(|p| {
                        vec![
                            Cell::Number(p.id.into()),
                            Cell::Text(p.name),
                            Cell::Text(p.sector.code().into()),
                            Cell::Text(sites.get(&p.site).cloned().unwrap_or_default()),
                            Cell::Text(partners.get(&p.partner).cloned().unwrap_or_default()),
                            Cell::Text(agreements.get(&p.agreement).cloned().unwrap_or_default()),
                            Cell::Date(p.start),
                            Cell::Date(p.end),
                            Cell::Text(p.status.code().into()),
                        ]
                    })
                    .collect(),
            })
        },
        format,
    )
}

/// Officers for an admin: no PIN hashes, ever.
pub fn officers(ctx: &Context, format: ListFormat, as_nip: &str) -> Result<ExitCode> {
    show(
        ctx,
        Some(as_nip),
        |r, by| {
            let by = by.expect("logged in: the NIP was given");
            let officers = r.officers_for(by)?;
            Ok(Listing {
                columns: &["nip", "name", "role", "active", "sites", "locked_until"],
                rows: officers
                    .into_iter()
                    .map(|o| {
                        let sites: Vec<String> = o.sites.iter().map(u32::to_string).collect();
                        vec![
                            Cell::Text(o.nip.to_string()),
                            Cell::Text(o.name),
                            Cell::Text(o.role.code().into()),
                            Cell::Flag(o.active),
                            Cell::Text(sites.join(" ")),
                            Cell::Text(o.locked_until.map(|t| t.to_rfc3339()).unwrap_or_default()),
                        ]
                    })
                    .collect(),
            })
        },
        format,
    )
}

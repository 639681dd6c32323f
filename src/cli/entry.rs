//! `binalog entry add`.

use std::process::ExitCode;

use clap::Args;

use super::Context;
use crate::domain::date::parse_date;
use crate::domain::entry::{EntryDraft, Field, Quantity, Status};
use crate::domain::invalid::Invalid;
use crate::domain::sector::Kind;
use crate::records::Error;
use crate::store::OpenMode;

#[derive(Args, Debug)]
pub struct AddArgs {
    /// Programme id (see `binalog programs`)
    #[arg(long)]
    pub program: u32,
    /// Activity date, dd/mm/yyyy or yyyy-mm-dd [default: today]
    #[arg(long)]
    pub date: Option<String>,
    /// Kind of activity, e.g. harvest, head_count, pieces_sewn, training
    #[arg(long)]
    pub kind: String,
    /// "VALUE UNIT [ITEM]", e.g. "12,5 kg cabai"; repeat for more
    #[arg(long = "qty", value_name = "VALUE UNIT [ITEM]", required = true, allow_hyphen_values = true)]
    pub quantities: Vec<String>,
    /// WBP (inmates) who took part
    #[arg(long, default_value_t = 0)]
    pub participants: u32,
    /// Officers who took part (training)
    #[arg(long, default_value_t = 0)]
    pub officers: u32,
    /// Cadets who took part (training)
    #[arg(long, default_value_t = 0)]
    pub cadets: u32,
    /// Notes; for deaths and sales, the reason
    #[arg(long, default_value = "")]
    pub notes: String,
    /// done or pending
    #[arg(long, default_value = "done")]
    pub status: String,
    /// NIP of the officer recording
    #[arg(long = "as", value_name = "NIP")]
    pub as_nip: String,
}

pub fn add(ctx: &Context, args: &AddArgs) -> ExitCode {
    let result = ctx.open(OpenMode::Existing).and_then(|records| {
        let actor = records.identify(&args.as_nip)?;
        let draft = draft_from(args, records.today())?;
        records.add_entry(&actor, draft)
    });
    match result {
        Ok(entry) => {
            // Printed only now that the entry is durable: scripts may rely on it.
            println!("{}", entry.id);
            ExitCode::SUCCESS
        }
        Err(e) => ctx.fail(&e),
    }
}

/// Turns the arguments into a draft, collecting every problem at once.
fn draft_from(args: &AddArgs, today: chrono::NaiveDate) -> Result<EntryDraft, Error> {
    let mut problems = Vec::new();
    let date = match &args.date {
        Some(text) => parse_date(text).map_err(|e| problems.push((Field::Date, e))).ok(),
        None => Some(today),
    };
    let kind = Kind::from_code(&args.kind);
    if kind.is_none() {
        problems.push((Field::Kind, Invalid::KindUnknown { input: args.kind.clone() }));
    }
    let mut quantities = Vec::new();
    for (i, text) in args.quantities.iter().enumerate() {
        match Quantity::parse(text) {
            Ok(q) => quantities.push(q),
            Err(e) => problems.push((Field::Quantity(i), e)),
        }
    }
    let status = Status::parse(&args.status).map_err(|e| problems.push((Field::Notes, e))).ok();
    match (date, kind, status) {
        (Some(date), Some(kind), Some(status)) if problems.is_empty() => Ok(EntryDraft {
            program: args.program,
            date,
            kind,
            quantities,
            participants: args.participants,
            officers: args.officers,
            cadets: args.cadets,
            notes: args.notes.clone(),
            status,
        }),
        _ => Err(Error::Invalid(problems)),
    }
}

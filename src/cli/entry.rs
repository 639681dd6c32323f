//! `binalog entry …`: record, correct, void, verify and show entries.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{Context, Result, actor, out};
use crate::domain::date::format_date;
use crate::domain::draft_text::{self, TypedDraft, TypedQuantity};
use crate::domain::entry::{Entry, EntryDraft};
use crate::domain::invalid::Arg;
use crate::i18n::{self, fill, text};
use crate::records::OpenMode;
use crate::records::{self, Records};

#[derive(Subcommand, Debug)]
pub enum EntryCommand {
    /// Add an entry; prints its id once it is saved durably
    Add(AddArgs),
    /// Correct an entry: a new revision replaces the current one
    Correct(CorrectArgs),
    /// Void an entry: a new revision that counts in no total
    Void {
        id: u64,
        /// The revision you looked at [default: the current one]
        #[arg(long)]
        base: Option<u32>,
        #[arg(long)]
        reason: String,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
    /// Mark an entry's current revision as checked (supervisors)
    Verify {
        id: u64,
        /// The revision you checked [default: the current one]
        #[arg(long)]
        revision: Option<u32>,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
    /// Show an entry with all its revisions
    Show {
        id: u64,
        /// NIP of the officer reading (needed through a server)
        #[arg(long = "as", value_name = "NIP")]
        as_nip: Option<String>,
    },
    /// Entries waiting for your verification (supervisors)
    Queue {
        /// Only this site's entries
        #[arg(long)]
        site: Option<u32>,
        /// Only this programme's entries
        #[arg(long)]
        program: Option<u32>,
        #[arg(long, value_parser = super::parse_day)]
        from: Option<chrono::NaiveDate>,
        #[arg(long, value_parser = super::parse_day)]
        to: Option<chrono::NaiveDate>,
        /// Verify every entry listed, at once (each verification audited)
        #[arg(long)]
        verify: bool,
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
}

/// The fields of an entry as typed on the command line.
#[derive(Args, Debug, Default)]
pub struct Fields {
    /// Activity date, dd/mm/yyyy or yyyy-mm-dd
    #[arg(long)]
    pub date: Option<String>,
    /// Kind of activity, e.g. harvest, head_count, pieces_sewn, training
    #[arg(long)]
    pub kind: Option<String>,
    /// "VALUE UNIT [ITEM]", e.g. "12,5 kg cabai"; repeat for more
    #[arg(long = "qty", value_name = "VALUE UNIT [ITEM]", allow_hyphen_values = true)]
    pub quantities: Vec<String>,
    /// WBP (inmates) who took part
    #[arg(long)]
    pub participants: Option<u32>,
    /// Officers who took part (training)
    #[arg(long)]
    pub officers: Option<u32>,
    /// Cadets who took part (training)
    #[arg(long)]
    pub cadets: Option<u32>,
    /// Notes; for deaths and sales, the reason
    #[arg(long)]
    pub notes: Option<String>,
    /// done or pending
    #[arg(long)]
    pub status: Option<String>,
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// Programme id (see `binalog programs`)
    #[arg(long)]
    pub program: u32,
    #[command(flatten)]
    pub fields: Fields,
    /// NIP of the officer recording
    #[arg(long = "as", value_name = "NIP")]
    pub as_nip: String,
}

#[derive(Args, Debug)]
pub struct CorrectArgs {
    pub id: u64,
    /// The revision you looked at [default: the current one]
    #[arg(long)]
    pub base: Option<u32>,
    /// Move the entry to another programme
    #[arg(long)]
    pub program: Option<u32>,
    #[command(flatten)]
    pub fields: Fields,
    /// Why (required for supervisors and admins)
    #[arg(long, default_value = "")]
    pub reason: String,
    #[arg(long = "as", value_name = "NIP")]
    pub as_nip: String,
}

pub fn run(ctx: &Context, command: EntryCommand) -> Result<ExitCode> {
    let records = ctx.open(OpenMode::Existing)?;
    let text = match command {
        EntryCommand::Show { id, as_nip } => {
            actor::login_if(ctx, &records, as_nip.as_deref())?;
            show(ctx, &records, id)?
        }
        EntryCommand::Queue { site, program, from, to, verify, as_nip } => {
            let filter = crate::records::QueueFilter { site, program, from, to };
            queue(ctx, &records, &filter, verify, &as_nip)?
        }
        // Printed only now that the change is durable: scripts rely on it.
        change_command => change(ctx, &records, change_command)?.id.to_string(),
    };
    // Notes, items, names and reasons are stored text: `say` escapes them.
    out::said(&text)
}

fn change(ctx: &Context, records: &Records, command: EntryCommand) -> Result<Entry> {
    match command {
        EntryCommand::Add(args) => {
            let by = actor::login(ctx, records, &args.as_nip)?;
            let draft = draft_text::blank(args.program, records.today());
            let draft = apply(draft, &args.fields, true)?;
            Ok(records.add_entry(&by, draft)?)
        }
        EntryCommand::Correct(args) => {
            let by = actor::login(ctx, records, &args.as_nip)?;
            let current = records.current(args.id)?;
            let mut draft = apply(current.draft.clone(), &args.fields, false)?;
            draft.program = args.program.unwrap_or(draft.program);
            let base = args.base.unwrap_or(current.revision);
            Ok(records.correct_entry(&by, args.id, base, draft, &args.reason)?)
        }
        EntryCommand::Void { id, base, reason, as_nip } => {
            let by = actor::login(ctx, records, &as_nip)?;
            let base = match base {
                Some(b) => b,
                None => records.current(id)?.revision,
            };
            Ok(records.void_entry(&by, id, base, &reason)?)
        }
        EntryCommand::Verify { id, revision, as_nip } => {
            let by = actor::login(ctx, records, &as_nip)?;
            let revision = match revision {
                Some(r) => r,
                None => records.current(id)?.revision,
            };
            Ok(records.verify_entry(&by, id, revision)?)
        }
        EntryCommand::Show { .. } | EntryCommand::Queue { .. } => unreachable!("handled by run"),
    }
}

/// Lays the typed fields over a draft (domain/draft_text.rs, as the form
/// and an import read them), collecting every problem at once. A new entry
/// must name its kind and quantities; a correction keeps what it does not
/// mention.
pub(crate) fn apply(draft: EntryDraft, fields: &Fields, new: bool) -> records::Result<EntryDraft> {
    let count = |n: Option<u32>| n.map(|n| n.to_string());
    let (participants, officers, cadets) = (count(fields.participants), count(fields.officers), count(fields.cadets));
    let typed = TypedDraft {
        program: None,
        date: fields.date.as_deref(),
        kind: fields.kind.as_deref(),
        kind_required: new,
        quantities: (!fields.quantities.is_empty())
            .then(|| fields.quantities.iter().map(|q| TypedQuantity::Line(q)).collect()),
        participants: participants.as_deref(),
        officers: officers.as_deref(),
        cadets: cadets.as_deref(),
        notes: fields.notes.as_deref(),
        status: fields.status.as_deref(),
    };
    typed.parse(draft).into_result().map_err(records::Error::Invalid)
}

/// One line describing a revision: when, kind, quantities, who, and why.
pub fn describe(ctx: &Context, entry: &Entry) -> String {
    let lang = ctx.lang();
    let d = &entry.draft;
    let quantities: Vec<String> = d
        .quantities
        .iter()
        .map(|q| {
            format!("{} {} {}", q.value.format(lang.decimal_mark()), q.unit.label(), q.item).trim_end().to_string()
        })
        .collect();
    let mut line = format!(
        "{} {} | {} | {} | {}: {}",
        format_date(d.date),
        i18n::kind_name(lang, d.kind),
        quantities.join(", "),
        d.status.code(),
        text(lang, "field.participants"),
        d.participants
    );
    if !d.notes.is_empty() {
        line.push_str(&format!(" | {}", d.notes));
    }
    line
}

fn show(ctx: &Context, records: &Records, id: u64) -> Result<String> {
    let lang = ctx.lang();
    let history = records.history(id)?;
    let program = records.program(history[0].draft.program)?;
    let mut lines = vec![format!("#{id} {} ({})", program.name, program.id)];
    for rev in &history {
        let when = rev.recorded_at.with_timezone(&ctx.global.tz).format("%d/%m/%Y %H:%M");
        let args = [
            ("revision", Arg::Number(i64::from(rev.revision))),
            ("by", Arg::Text(rev.recorded_by.to_string())),
            ("at", Arg::Text(when.to_string())),
        ];
        lines.push(fill(lang, "cli.revision_header", &args));
        lines.push(format!("  {}", describe(ctx, rev)));
        if rev.voided {
            lines.push(format!("  {}: {}", text(lang, "cli.voided"), rev.reason));
        } else if !rev.reason.is_empty() {
            lines.push(format!("  {}: {}", text(lang, "cli.reason"), rev.reason));
        }
        if let Some(v) = records.verification(id, rev.revision)? {
            let when = v.at.with_timezone(&ctx.global.tz).format("%d/%m/%Y %H:%M").to_string();
            let args = [("by", Arg::Text(v.by.to_string())), ("at", Arg::Text(when))];
            lines.push(format!("  {}", fill(lang, "cli.verified_by", &args)));
        }
    }
    Ok(lines.join("\n"))
}

fn queue(
    ctx: &Context,
    records: &Records,
    filter: &crate::records::QueueFilter,
    verify: bool,
    as_nip: &str,
) -> Result<String> {
    let by = actor::login(ctx, records, as_nip)?;
    let queue = records.verification_queue_in(&by, filter)?;
    if verify {
        // Exactly the revisions listed: one changed meanwhile refuses them all.
        let listed: Vec<_> = queue.iter().map(|e| (e.id, e.revision)).collect();
        let count = records.verify_range(&by, &listed)?;
        return Ok(fill(ctx.lang(), "cli.verified_range", &[("count", Arg::Number(count as i64))]));
    }
    let lines: Vec<String> = queue
        .iter()
        .map(|entry| format!("#{} r{} p{} {}", entry.id, entry.revision, entry.draft.program, describe(ctx, entry)))
        .collect();
    Ok(lines.join("\n"))
}

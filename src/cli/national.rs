//! `binalog info`, `binalog feed` and `binalog push`: what a database is,
//! and its changes on their way to the region and Ditjenpas (national/).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{Context, Error, Result, actor, out};
use crate::domain::invalid::Arg;
use crate::i18n::fill;
use crate::national::{self, jsonl};
use crate::records::OpenMode;
use crate::records::{FEED_PAGE, Records};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FeedFormat {
    Jsonl,
}

#[derive(Args, Debug)]
pub struct FeedArgs {
    /// Print the changes after this sequence number (0: from the start)
    #[arg(long, default_value_t = 0, value_name = "SEQ")]
    pub since: u64,
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: FeedFormat,
    /// NIP of the admin reading the feed
    #[arg(long = "as", value_name = "NIP")]
    pub as_nip: String,
}

#[derive(Args, Debug)]
pub struct PushArgs {
    /// PostgreSQL connection string: "host=... dbname=... user=..." or postgresql://...
    #[arg(long, value_name = "CONNINFO", required_unless_present = "postgres_file", conflicts_with = "postgres_file")]
    pub postgres: Option<String>,
    /// A file holding the connection string, readable by its owner only
    #[arg(long, value_name = "PATH")]
    pub postgres_file: Option<PathBuf>,
    /// NIP of the admin pushing
    #[arg(long = "as", value_name = "NIP")]
    pub as_nip: String,
}

pub fn info(ctx: &Context, as_nip: Option<&str>) -> Result<ExitCode> {
    let records = ctx.open(OpenMode::Existing)?;
    actor::login_if(ctx, &records, as_nip)?;
    let info = records.database_info()?;
    let lang = ctx.lang();
    let text = |v: String| Arg::Text(v);
    let num = |v: u64| Arg::Number(v as i64);
    let mut lines = vec![
        fill(lang, "info.identity", &[("identity", text(info.identity))]),
        fill(lang, "info.schema", &[("schema", num(info.schema.into()))]),
        fill(
            lang,
            "info.counts",
            &[
                ("entries", num(info.entries)),
                ("revisions", num(info.revisions)),
                ("officers", num(info.officers)),
                ("programmes", num(info.programmes)),
            ],
        ),
        fill(lang, "info.last_change", &[("seq", text(info.last_change.to_string()))]),
        fill(lang, "info.sites", &[("count", num(info.sites.len() as u64))]),
    ];
    for site in info.sites {
        let zone = crate::domain::date::zone_name(site.tz());
        lines.push(fill(
            lang,
            "info.site",
            &[("id", num(site.id.into())), ("code", text(site.code)), ("name", text(site.name)), ("zone", text(zone))],
        ));
    }
    out::said(&lines.join("\n"))
}

pub fn feed(ctx: &Context, args: &FeedArgs) -> Result<ExitCode> {
    let records = ctx.open(OpenMode::Existing)?;
    let by = actor::login(ctx, &records, &args.as_nip)?;
    let database = records.database_identity()?;
    let mut after = args.since;
    loop {
        let page = records.feed(&by, after, FEED_PAGE)?;
        if page.through <= after {
            return Ok(ExitCode::SUCCESS);
        }
        after = page.through;
        let mut text = String::new();
        for change in &page.changes {
            text.push_str(&jsonl::line(&database, change).to_string());
            text.push('\n');
        }
        // A reader gone early ends the feed quietly; other failures fail it.
        if let Err(e) = out::print(&text) {
            return out::status(Err(e), ExitCode::SUCCESS);
        }
    }
}

/// Progress is told for pushes at least this large.
const PROGRESS_FROM: u64 = 20_000;
/// And every this many changes.
const PROGRESS_EVERY: u64 = 50_000;

pub fn push(ctx: &Context, args: &PushArgs) -> Result<ExitCode> {
    let conninfo = match (&args.postgres, &args.postgres_file) {
        (Some(c), _) => c.clone(),
        (None, Some(path)) => read_conninfo(path)?,
        // clap requires one of the two.
        (None, None) => return Err(Error::Usage { key: "push.conninfo_missing" }),
    };
    let records = ctx.open(OpenMode::Existing)?;
    out::said(&push_as(ctx, &records, &args.as_nip, &conninfo)?.join("\n"))
}

fn push_as(ctx: &Context, records: &Records, nip: &str, conninfo: &str) -> Result<Vec<String>> {
    let lang = ctx.lang();
    let by = actor::login(ctx, records, nip)?;
    let mut told = 0;
    let mut progress = |done: u64, total: u64| {
        if total >= PROGRESS_FROM && (done - told >= PROGRESS_EVERY || done == total) {
            told = done;
            let args = [("done", Arg::Number(done as i64)), ("total", Arg::Number(total as i64))];
            out::complain(&fill(lang, "push.progress", &args));
        }
    };
    let outcome = national::push(records, &by, conninfo, &mut progress)?;
    let mut lines: Vec<String> = outcome
        .migrated
        .iter()
        .map(|v| fill(lang, "push.migrated", &[("version", Arg::Number((*v).into()))]))
        .collect();
    let database = Arg::Text(outcome.database);
    let (from, to) = (Arg::Text(outcome.from.to_string()), Arg::Text(outcome.to.to_string()));
    lines.push(if outcome.changes == 0 {
        fill(lang, "push.nothing", &[("database", database), ("to", to)])
    } else {
        let changes = Arg::Number(outcome.changes as i64);
        fill(lang, "push.done", &[("changes", changes), ("database", database), ("from", from), ("to", to)])
    });
    Ok(lines)
}

/// The connection string from a file that only its owner may read: it
/// may hold a password.
fn read_conninfo(path: &Path) -> Result<String> {
    use std::os::unix::fs::PermissionsExt;
    let failed = |e: std::io::Error| Error::ConninfoUnreadable { path: path.to_path_buf(), detail: e.to_string() };
    let mode = std::fs::metadata(path).map_err(failed)?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(Error::ConninfoOpenToOthers { path: path.to_path_buf(), mode });
    }
    let text = std::fs::read_to_string(path).map_err(failed)?;
    Ok(text.trim().to_string())
}

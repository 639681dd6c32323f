//! `backup`, `verify-backup` and `restore`: one backup file (store/backup.rs);
//! `repair --snapshot` for a database sled cannot open (store/damage.rs).

use std::path::Path;
use std::process::ExitCode;

use super::{Context, Error, Result, out};
use crate::domain::invalid::Arg;
use crate::i18n::{Lang, fill};
use crate::records::files;
use crate::records::{BackupSummary, OpenMode};

pub fn backup(ctx: &Context, dest: &Path, as_nip: &str) -> Result<ExitCode> {
    // A server writes the file from its own working folder: name it fully.
    let dest = std::path::absolute(dest).unwrap_or_else(|_| dest.to_path_buf());
    let records = ctx.open(OpenMode::Existing)?;
    let admin = super::actor::login(ctx, &records, as_nip)?;
    let summary = records.backup(&admin, &dest)?;
    let _ = out::say(&fill(ctx.lang(), "cli.backup_done", &[("path", path_arg(&summary.path))]));
    print_summary(ctx, &summary);
    Ok(ExitCode::SUCCESS)
}

pub fn verify_backup(ctx: &Context, file: &Path) -> Result<ExitCode> {
    readable(file)?;
    let summary = files::verify_backup(file)?;
    let _ = out::say(&fill(ctx.lang(), "cli.backup_good", &[("path", path_arg(&summary.path))]));
    print_summary(ctx, &summary);
    Ok(ExitCode::SUCCESS)
}

pub fn restore(ctx: &Context, file: &Path) -> Result<ExitCode> {
    readable(file)?;
    let dest = ctx.db_path();
    let (summary, problems) = files::restore(file, &dest)?;
    let args = [("path", path_arg(&summary.path)), ("db", path_arg(&dest))];
    let _ = out::say(&fill(ctx.lang(), "cli.restore_done", &args));
    print_summary(ctx, &summary);
    super::data::report_check(ctx, &problems, summary.entries as usize)
}

/// A backup file that cannot be opened is named as such, not as a
/// database error.
fn readable(file: &Path) -> Result<()> {
    std::fs::File::open(file).map(drop).map_err(|e| Error::file_unreadable(file, &e))
}

fn path_arg(path: &Path) -> Arg {
    Arg::Text(path.display().to_string())
}

/// What a backup holds, in two lines.
fn print_summary(ctx: &Context, s: &BackupSummary) {
    let lang: Lang = ctx.lang();
    let n = |v: u64| Arg::Number(v as i64);
    let created = s.created.with_timezone(&ctx.global.tz).format("%d/%m/%Y %H:%M:%S %:z").to_string();
    let header = [
        ("format", n(u64::from(s.format))),
        ("schema", n(u64::from(s.schema))),
        ("identity", Arg::Text(s.identity.clone())),
        ("created", Arg::Text(created)),
    ];
    let _ = out::say(&format!("  {}", fill(lang, "cli.backup_header", &header)));
    let counts = [
        ("entries", n(s.entries)),
        ("revisions", n(s.revisions)),
        ("officers", n(s.officers)),
        ("audit", n(s.audit)),
        ("pairs", n(s.pairs)),
        ("bytes", n(s.bytes)),
    ];
    let _ = out::say(&format!("  {}", fill(lang, "cli.backup_counts", &counts)));
}

/// `repair --snapshot`: moves a damaged sled snapshot aside (kept under
/// another name), then checks the database from a copy.
pub fn repair_snapshot(ctx: &Context) -> Result<ExitCode> {
    let path = ctx.db_path();
    let moved = files::repair_snapshot(&path).map_err(|e| ctx.held_by_server(e))?;
    let _ = out::say(&fill(ctx.lang(), "cli.repair_done", &[("moved", path_arg(&moved))]));
    let (problems, entries) = files::check_copy(&path)?;
    super::data::report_check(ctx, &problems, entries)
}

//! The command line: argument definitions and dispatch. Each subcommand is
//! a thin shell over the records API; messages come from the catalogs.

mod actor;
mod admin;
mod audit;
mod backup;
mod data;
#[cfg(test)]
mod draft_agreement_tests;
mod entry;
mod error;
mod help;
mod listing;
mod national;
mod officer;
mod out;
mod report;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::FixedOffset;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::date::{parse_date, parse_time_zone};
use crate::frontend::FrontEnd;
use crate::i18n::{self, Lang};
pub use error::{Error, Result};

use crate::records::{self, OpenMode, Records};

#[derive(Parser, Debug)]
#[command(name = "binalog", version, about = "Catatan kegiatan pembinaan kemandirian / work programme records")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Database folder [default: $XDG_DATA_HOME/binalog or ~/.local/share/binalog]
    #[arg(long, global = true, env = "BINALOG_DB", value_name = "DIR")]
    pub db: Option<PathBuf>,
    /// Language of messages: id (Indonesian) or en (English)
    #[arg(long, global = true, env = "BINALOG_LANG", default_value = "id", value_parser = parse_lang)]
    pub lang: Lang,
    /// Time zone that decides "today": WIB, WITA, WIT or +07:00
    #[arg(long, global = true, default_value = "WIB", value_parser = parse_tz)]
    pub tz: FixedOffset,
    /// Draw borders with + - | (chosen automatically when the locale is not UTF-8)
    #[arg(long, global = true)]
    pub ascii: bool,
    /// Read PINs as lines of standard input instead of asking (for scripts):
    /// the acting officer's PIN first, then a new officer's PIN
    #[arg(long, global = true)]
    pub pin_stdin: bool,
    /// Lock the terminal interface after this long without a key: 90s, 5m, 1h
    #[arg(long, global = true, default_value = "5m", value_name = "TIME", value_parser = parse_idle_lock)]
    pub idle_lock: std::time::Duration,
    /// Open the database in this process instead of through a server
    /// (fails while a server has it open)
    #[arg(long, global = true, env = "BINALOG_DIRECT", value_parser = clap::builder::BoolishValueParser::new())]
    pub direct: bool,
    /// The server's socket [default: binalog.sock in the database folder]
    #[arg(long, global = true, env = "BINALOG_SOCKET", value_name = "PATH")]
    pub socket: Option<PathBuf>,
}

/// A flag's value clap refuses, worded by the catalog in English: clap
/// says the rest of its message ("invalid value 'x' for '--flag'") in
/// English, before the language is known.
pub(crate) fn bad_value(key: &'static str, input: &str) -> String {
    i18n::fill(Lang::En, key, &[("input", crate::domain::invalid::Arg::Text(input.to_string()))])
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| bad_value("cli.lang_value", s))
}

/// A whole number of seconds, minutes or hours: `90s`, `5m`, `1h`.
pub fn parse_idle_lock(s: &str) -> Result<std::time::Duration, String> {
    let text = s.trim().to_lowercase();
    let unit = text.chars().last().and_then(|c| match c {
        's' => Some(1),
        'm' => Some(60),
        'h' => Some(3600),
        _ => None,
    });
    let number = text.get(..text.len().saturating_sub(1)).and_then(|n| n.trim().parse::<u64>().ok());
    match (number, unit) {
        (Some(n), Some(seconds)) if n > 0 && n <= 24 * 3600 / seconds => {
            Ok(std::time::Duration::from_secs(n * seconds))
        }
        _ => Err(bad_value("cli.idle_lock_format", s)),
    }
}

fn parse_tz(s: &str) -> Result<FixedOffset, String> {
    parse_time_zone(s).map_err(|e| i18n::invalid(Lang::En, &e))
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the database with the reference data of the 19 May 2025 signing
    Init {
        /// Also add a year of sample entries
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        scale: data::ScaleArgs,
    },
    /// Manage officers (admins)
    #[command(subcommand)]
    Officer(officer::OfficerCommand),
    /// List the sites (Lapas)
    Sites(ListArgs),
    /// List the partners
    Partners(ListArgs),
    /// List the cooperation agreements (PKS)
    Agreements(ListArgs),
    /// List the programmes
    Programs(ListArgs),
    /// Add or correct a site (admins)
    #[command(subcommand)]
    Site(admin::SiteCommand),
    /// Add or correct a partner (admins)
    #[command(subcommand)]
    Partner(admin::PartnerCommand),
    /// Add or correct an agreement (admins)
    #[command(subcommand)]
    Agreement(admin::AgreementCommand),
    /// Add, rename or end a programme (admins)
    #[command(subcommand)]
    Program(admin::ProgramCommand),
    /// Record, correct, void, verify and show entries
    #[command(subcommand)]
    Entry(entry::EntryCommand),
    /// The audit trail (admins)
    Audit(audit::AuditArgs),
    /// The monthly report (Laporan Bulanan): target, realisation, achievement
    Report(report::ReportArgs),
    /// Set or list programmes' yearly targets
    #[command(subcommand)]
    Target(report::TargetCommand),
    /// Write entries to standard output as CSV or JSON Lines
    Export(ExportArgs),
    /// Read entries from a CSV file: all rows or none
    Import(ImportArgs),
    /// Verify every stored value, index and total (admins)
    Check {
        /// NIP of the admin checking (needed through a server)
        #[arg(long = "as", value_name = "NIP")]
        as_nip: Option<String>,
    },
    /// Write a consistent, verified backup of the database to one new file (admins)
    Backup {
        /// Destination file; must not exist yet
        dest: PathBuf,
        /// NIP of the admin taking the backup
        #[arg(long = "as", value_name = "NIP")]
        as_nip: String,
    },
    /// Check a backup file and show what it holds, writing nothing
    VerifyBackup {
        /// The backup file
        file: PathBuf,
    },
    /// Restore a backup file into an empty or new database folder (--db), then check it
    Restore {
        /// The backup file
        file: PathBuf,
    },
    /// Repair a database that will not open
    Repair {
        /// Move a damaged sled snapshot file aside (the old file is kept, renamed)
        #[arg(long, required = true)]
        snapshot: bool,
    },
    /// Own the database and serve every officer's binalog on a Unix socket
    Serve(serve::ServeArgs),
    /// Show the database's identity, schema, counts and sites
    Info {
        /// NIP of the officer reading (needed through a server)
        #[arg(long = "as", value_name = "NIP")]
        as_nip: Option<String>,
    },
    /// Print every change after a sequence number, one JSON object a line (admins)
    Feed(national::FeedArgs),
    /// Send every change since the last push to a national PostgreSQL (admins)
    Push(national::PushArgs),
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListFormat {
    Table,
    Csv,
    Json,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    /// NIP of the officer reading (needed through a server)
    #[arg(long = "as", value_name = "NIP")]
    pub as_nip: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// First day (dd/mm/yyyy or yyyy-mm-dd)
    #[arg(long, value_parser = parse_day)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day (dd/mm/yyyy or yyyy-mm-dd)
    #[arg(long, value_parser = parse_day)]
    pub to: Option<chrono::NaiveDate>,
    #[arg(long)]
    pub program: Option<u32>,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    /// CSV for Excel set to Indonesian: semicolons, decimal comma, a UTF-8
    /// byte-order mark and CRLF line ends
    #[arg(long, conflicts_with = "format")]
    pub excel: bool,
    /// Include superseded and voided revisions
    #[arg(long)]
    pub history: bool,
    /// NIP of the officer exporting (needed through a server)
    #[arg(long = "as", value_name = "NIP")]
    pub as_nip: Option<String>,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// CSV file with the export's columns; - reads standard input
    pub file: PathBuf,
    /// NIP of the officer importing
    #[arg(long = "as", value_name = "NIP")]
    pub as_nip: String,
    /// Check every row and report, storing nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub(crate) fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    parse_date(s).map_err(|e| i18n::invalid(Lang::En, &e))
}

/// What every command needs: the options and a way to open the records
/// (the front ends' shared part, `FrontEnd`, made from the options).
pub struct Context {
    pub global: Global,
    pub front: FrontEnd,
}

impl Context {
    pub fn new(global: Global) -> Context {
        let front = FrontEnd {
            lang: global.lang,
            db: global.db.clone().unwrap_or_else(default_db_path),
            socket: global.socket.clone(),
            direct: global.direct,
            tz: global.tz,
            ascii: global.ascii,
            idle_lock: global.idle_lock,
        };
        Context { global, front }
    }

    pub fn lang(&self) -> Lang {
        self.front.lang
    }

    pub fn db_path(&self) -> PathBuf {
        self.front.db.clone()
    }

    /// The records, through the database's server (started if none
    /// answers), or in this process with `--direct`.
    pub fn open(&self, mode: OpenMode) -> records::Result<Records> {
        self.front.open(mode)
    }

    /// A database locked by a server is better named as such: the fix is to
    /// leave out `--direct`.
    fn held_by_server(&self, e: records::Error) -> records::Error {
        self.front.held_by_server(e)
    }

    /// Whether a server answers on the database's socket.
    fn server_answers(&self) -> bool {
        self.front.server_answers()
    }
}

/// `$XDG_DATA_HOME/binalog`, else `~/.local/share/binalog`.
pub fn default_db_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("binalog")
}

/// Parses the command line with its help in the requested language; a
/// usage error exits with code 2, as clap does.
pub fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let command = help::localize(Cli::command(), help::requested_lang(&args));
    let matches = command.get_matches_from(args);
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Runs the command: its exit code, or what failed (main.rs says it and
/// exits with `Error::exit_code`).
pub fn run(cli: Cli) -> Result<ExitCode> {
    // Every file any command creates (exports, the server's log, a
    // database) is kept from other users.
    crate::unix::restrict_umask();
    let ctx = Context::new(cli.global);
    match cli.command {
        None => crate::tui::run(&ctx.front).map(|()| ExitCode::SUCCESS).map_err(Error::from),
        Some(Command::Init { demo, scale }) => data::init(&ctx, demo, &scale),
        Some(Command::Officer(command)) => officer::run(&ctx, command),
        Some(Command::Sites(args)) => listing::sites(&ctx, args.format, args.as_nip.as_deref()),
        Some(Command::Partners(args)) => listing::partners(&ctx, args.format, args.as_nip.as_deref()),
        Some(Command::Agreements(args)) => listing::agreements(&ctx, args.format, args.as_nip.as_deref()),
        Some(Command::Programs(args)) => listing::programs(&ctx, args.format, args.as_nip.as_deref()),
        Some(Command::Site(command)) => admin::site(&ctx, command),
        Some(Command::Partner(command)) => admin::partner(&ctx, command),
        Some(Command::Agreement(command)) => admin::agreement(&ctx, command),
        Some(Command::Program(command)) => admin::program(&ctx, command),
        Some(Command::Entry(command)) => entry::run(&ctx, command),
        Some(Command::Audit(args)) => audit::run(&ctx, &args),
        Some(Command::Report(args)) => report::report(&ctx, &args),
        Some(Command::Target(command)) => report::target(&ctx, command),
        Some(Command::Export(args)) => data::export(&ctx, &args),
        Some(Command::Import(args)) => data::import(&ctx, &args),
        Some(Command::Check { as_nip }) => data::check(&ctx, as_nip.as_deref()),
        Some(Command::Backup { dest, as_nip }) => backup::backup(&ctx, &dest, &as_nip),
        Some(Command::VerifyBackup { file }) => backup::verify_backup(&ctx, &file),
        Some(Command::Restore { file }) => backup::restore(&ctx, &file),
        Some(Command::Repair { .. }) => backup::repair_snapshot(&ctx),
        Some(Command::Serve(args)) => serve::run(&ctx, &args),
        Some(Command::Info { as_nip }) => national::info(&ctx, as_nip.as_deref()),
        Some(Command::Feed(args)) => national::feed(&ctx, &args),
        Some(Command::Push(args)) => national::push(&ctx, &args),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_idle_lock_takes_seconds_minutes_or_hours() {
        assert_eq!(parse_idle_lock("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_idle_lock("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_idle_lock(" 1H "), Ok(Duration::from_secs(3600)));
        for bad in ["5", "0s", "5x", "m", "-1m", "1.5m", "25h", ""] {
            let e = parse_idle_lock(bad).unwrap_err();
            assert!(e.contains("for example 90s, 5m, 1h"), "{bad}: {e}");
        }
        let cli = Cli::try_parse_from(["binalog", "--idle-lock", "1s"]).unwrap();
        assert_eq!(cli.global.idle_lock, Duration::from_secs(1));
        let cli = Cli::try_parse_from(["binalog"]).unwrap();
        assert_eq!(cli.global.idle_lock, crate::tui::app::DEFAULT_IDLE_LOCK);
        let e = Cli::try_parse_from(["binalog", "--idle-lock", "soon"]).unwrap_err();
        assert!(e.to_string().contains("The idle lock \"soon\" is not understood"), "{e}");
    }

    /// A flag's bad value is worded by the catalog, naming what was typed.
    #[test]
    fn a_bad_flag_value_is_worded_by_the_catalog() {
        let e = Cli::try_parse_from(["binalog", "--lang", "fr", "sites"]).unwrap_err();
        assert!(e.to_string().contains("\"fr\" is not a language: write id"), "{e}");
        let e = Cli::try_parse_from(["binalog", "serve", "--idle-exit", "5d"]).unwrap_err();
        assert!(e.to_string().contains("The duration \"5d\" is not understood"), "{e}");
        assert_eq!(serve::parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(serve::parse_duration("2m"), Ok(Duration::from_secs(120)));
        let e = Cli::try_parse_from(["binalog", "partner", "add", "--name", "x", "--field", "tambang", "--as", "1"])
            .unwrap_err();
        assert!(e.to_string().contains("\"tambang\" is not a sector"), "{e}");
    }
}

//! `binalog serve`: own the database and serve every officer's binalog.
//! Run by hand or by systemd it serves until SIGTERM; started on demand by
//! a client (`server::spawn`) it reports readiness on standard output and
//! exits a minute after its last client left.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::Context;
use crate::clock;
use crate::domain::invalid::Arg;
use crate::i18n::fill;
use crate::records::Error;
use crate::server::{Limits, Server, ServerConfig, protocol};

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Stop this long after the last client left (e.g. 60s, 5m, 1h);
    /// without it the server runs until it gets SIGTERM
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub idle_exit: Option<Duration>,
    /// Create the database folder if it does not exist yet
    #[arg(long)]
    pub create: bool,
    /// Report readiness as a frame on standard output, then let go of it
    /// (used when a client starts the server)
    #[arg(long, hide = true)]
    pub notify_stdout: bool,
    /// How long a client may take to send the rest of a frame it began
    #[arg(long, value_parser = parse_duration, default_value = "10s", value_name = "DURATION")]
    pub frame_timeout: Duration,
    /// How long a client may take from connecting to its first login
    #[arg(long, value_parser = parse_duration, default_value = "30s", value_name = "DURATION")]
    pub login_timeout: Duration,
    /// Connections at once from one Unix user
    #[arg(long, default_value_t = Limits::default().max_per_user, value_name = "COUNT")]
    pub max_per_user: usize,
    /// Connections at once in all
    #[arg(long, default_value_t = Limits::default().max_connections, value_name = "COUNT")]
    pub max_connections: usize,
    /// The hour of the daily backup into `backups/` in the database
    /// folder, in the sites' zone (HH:MM), or `off`
    #[arg(long, value_parser = parse_backup_at, default_value = "02:00", value_name = "HH:MM")]
    pub backup_at: BackupAt,
}

/// `--backup-at`: an hour, or off. A type of its own because clap reads
/// an `Option` field as "may be left out", not as "may say off".
#[derive(Clone, Copy, Debug)]
pub struct BackupAt(pub Option<chrono::NaiveTime>);

fn parse_backup_at(s: &str) -> Result<BackupAt, String> {
    crate::domain::backup_plan::parse_backup_at(s).map(BackupAt)
}

/// `90`, `90s`, `5m` or `1h`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u64 = number.parse().map_err(|_| super::bad_value("cli.duration_format", s))?;
    let seconds = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(super::bad_value("cli.duration_format", s)),
    };
    Ok(Duration::from_secs(seconds))
}

pub fn run(ctx: &Context, args: &ServeArgs) -> super::Result<ExitCode> {
    let lang = ctx.lang();
    let config = ServerConfig {
        db: ctx.db_path(),
        socket: ctx.global.socket.clone(),
        create: args.create,
        clock: clock::from_env(),
        tz: ctx.global.tz,
        idle_exit: args.idle_exit,
        limits: Limits {
            frame_timeout: args.frame_timeout,
            login_timeout: args.login_timeout,
            max_per_user: args.max_per_user,
            max_connections: args.max_connections,
            ..Limits::default()
        },
        lang,
        backup_at: args.backup_at.0,
    };
    let server = match Server::bind(config) {
        Ok(server) => server,
        Err(e) => {
            report(args, &Err(e.clone()));
            return Err(e.into());
        }
    };
    if let Err(e) = server.stopper().on_signals() {
        let e = Error::Io { detail: e.to_string() };
        report(args, &Err(e.clone()));
        return Err(e.into());
    }
    let listening = fill(
        lang,
        "server.listening",
        &[
            ("db", Arg::Text(server.db().display().to_string())),
            ("socket", Arg::Text(server.socket().display().to_string())),
            ("pid", Arg::Number(i64::from(std::process::id()))),
        ],
    );
    if args.notify_stdout {
        eprintln!("{listening}");
        report(args, &Ok(()));
    } else {
        // Scripts and tests wait for this line: it comes after the bind. A
        // reader that is already gone (`serve | head -0`) must not stop
        // the server, so a failed write is let be.
        let _ = super::out::print(&format!("{listening}\n"));
    }
    server.run()?;
    eprintln!("{}", fill(lang, "server.stopped_cleanly", &[("pid", Arg::Number(i64::from(std::process::id())))]));
    Ok(ExitCode::SUCCESS)
}

/// Tells the client that started this server whether it listens, then
/// lets go of the pipe so the client's read ends.
fn report(args: &ServeArgs, outcome: &Result<(), Error>) {
    if !args.notify_stdout {
        return;
    }
    let mut out = std::io::stdout();
    let _ = out.write_all(&protocol::ready_frame(outcome));
    let _ = out.flush();
    let _ = crate::unix::stdout_to_null();
}

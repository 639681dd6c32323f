//! Using a server, starting one when none answers, as tmux does: the
//! command line and the terminal interface call `open`, which connects to
//! the socket of the database, and if nobody answers starts
//! `binalog serve` detached from the terminal (its own session, standard
//! input from /dev/null, output to a log in the database folder) and waits
//! until it reports, on a pipe, that it listens or why it cannot.
//! A server started this way exits a minute after its last client left.

use std::fs::{File, OpenOptions};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::FixedOffset;

use super::protocol::{self, Accept, ConnectError, Hello, SOCKET_NAME};
use crate::clock::Clock;
use crate::i18n::Lang;
use crate::records::{Connector, Error, Records, Result, WireError};

/// How long a server started on demand outlives its last client.
pub const IDLE_EXIT: Duration = Duration::from_secs(60);

/// The log of a server started on demand, in the database folder.
pub const LOG_NAME: &str = "binalog-server.log";

/// Held while one client starts a server, so that two clients starting at
/// once end up with one server rather than a lock error.
const START_LOCK: &str = "binalog-start.lock";

/// How to start a server for a database.
#[derive(Clone, Debug)]
pub struct StartOptions {
    /// The binalog binary to run as `serve`.
    pub exe: PathBuf,
    pub db: PathBuf,
    pub socket: PathBuf,
    /// Create the database if it is missing (`init`, the terminal interface).
    pub create: bool,
    pub tz: FixedOffset,
    pub lang: Lang,
    pub idle_exit: Duration,
}

/// The records of `db` through its server, started if none answers.
pub fn open(
    db: &Path,
    socket: Option<&Path>,
    create: bool,
    clock: Box<dyn Clock>,
    tz: FixedOffset,
    lang: Lang,
) -> Result<Records> {
    let io = |e: std::io::Error| Error::Io { detail: e.to_string() };
    // The server runs from /, so every path it is given must be absolute.
    let db = std::path::absolute(db).map_err(io)?;
    let socket = std::path::absolute(socket.map_or_else(|| db.join(SOCKET_NAME), Path::to_path_buf)).map_err(io)?;
    let exe = std::env::current_exe().map_err(io)?;
    let options = StartOptions { exe, db, socket: socket.clone(), create, tz, lang, idle_exit: IDLE_EXIT };
    let hello = protocol::hello_for(tz);
    let connector: Connector = Box::new(move || connect_or_start(&options, &hello));
    Records::connect_with(connector, &socket, clock, tz)
}

/// Connects to the server of `options.db`, starting one if none answers.
pub fn connect_or_start(options: &StartOptions, hello: &Hello) -> Result<(UnixStream, Accept)> {
    if let Some(connected) = try_connect(options, hello)? {
        return Ok(connected);
    }
    if !options.create && !options.db.exists() {
        return Err(Error::database_missing(options.db.clone()));
    }
    crate::records::files::create_private_dir(&options.db).map_err(|e| Error::Io { detail: e.to_string() })?;
    // Whoever holds the lock starts the server; the others wait, then find
    // it answering. A folder we may not write to gets no lock, and no
    // server of ours either: the start below then says why.
    let _lock = start_lock(&options.db);
    if let Some(connected) = try_connect(options, hello)? {
        return Ok(connected);
    }
    match start(options) {
        // Someone else's server won the database between our two looks.
        Ok(()) | Err(Error::Connection(WireError::AlreadyRunning { .. })) => match try_connect(options, hello)? {
            Some(connected) => Ok(connected),
            None => Err(WireError::ServerStopped { socket: options.socket.clone() }.into()),
        },
        Err(e) => Err(e),
    }
}

fn try_connect(options: &StartOptions, hello: &Hello) -> Result<Option<(UnixStream, Accept)>> {
    match protocol::connect(&options.socket, hello) {
        Ok(connected) => Ok(Some(connected)),
        Err(ConnectError::Absent) => Ok(None),
        Err(ConnectError::Failed(e)) => Err(e.into()),
    }
}

fn start_lock(db: &Path) -> Option<File> {
    let file = OpenOptions::new().create(true).truncate(false).write(true).open(db.join(START_LOCK)).ok()?;
    crate::unix::lock_exclusive(&file).ok()?;
    Some(file)
}

/// Runs `binalog serve` in the background and waits for its report.
fn start(options: &StartOptions) -> Result<()> {
    let log_path = options.db.join(LOG_NAME);
    let failed = |detail: String| Error::from(WireError::StartFailed { detail, log: log_path.clone() });
    let log = OpenOptions::new().create(true).append(true).open(&log_path).map_err(|e| failed(e.to_string()))?;
    let mut command = Command::new(&options.exe);
    command
        .arg("serve")
        .arg("--db")
        .arg(&options.db)
        .arg("--socket")
        .arg(&options.socket)
        .arg("--idle-exit")
        .arg(format!("{}s", options.idle_exit.as_secs()))
        .arg("--tz")
        .arg(options.tz.to_string())
        .arg("--lang")
        .arg(options.lang.code())
        .arg("--notify-stdout")
        // Time is the server's own: a client's test clock, whoever started
        // the server, must not become every officer's "today".
        .env_remove(crate::clock::FIXED_NOW_ENV)
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log));
    if options.create {
        command.arg("--create");
    }
    crate::unix::detach_when_spawned(&mut command);
    let mut child = command.spawn().map_err(|e| failed(e.to_string()))?;
    let mut report = child.stdout.take().expect("stdout is piped");
    let payload = protocol::read_frame(&mut report);
    drop(report);
    let outcome = match payload {
        Ok(Some(payload)) => {
            protocol::decode::<Result<()>>(&payload).map_err(|detail| WireError::Protocol { detail })?
        }
        // It ended without a word: say how.
        _ => Err(failed(child.wait().map_or_else(|e| e.to_string(), |status| status.to_string()))),
    };
    // Collects the server's exit status whenever it comes, so a long-lived
    // client (the terminal interface) leaves no zombie behind.
    let _ = std::thread::Builder::new().name("binalog-reaper".into()).spawn(move || child.wait());
    outcome
}

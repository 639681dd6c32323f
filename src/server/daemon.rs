//! The server process: owns the database, listens on the socket, gives
//! each connection a thread, and stops cleanly. It waits on two things at
//! once (poll): the listening socket, and a wake-up socket on which a
//! signal, a stop request or a finished session writes a byte, so no loop
//! ever sleeps or spins.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{FixedOffset, NaiveTime};

use super::daily_backup::DailyBackups;
use super::logins::Logins;
use super::places::{Place, Places};
use super::protocol::{self, Busy, SOCKET_NAME};
use super::session::{self, Limits, Shared};
use crate::clock::Clock;
use crate::domain::invalid::Arg;
use crate::i18n::{Lang, fill};
use crate::records::{Error, Local, Result};
use crate::records::{OpenMode, WireError};

/// Everything `binalog serve` is told.
pub struct ServerConfig {
    pub db: PathBuf,
    /// Default: `binalog.sock` in the database folder.
    pub socket: Option<PathBuf>,
    /// Create the database folder if it is missing (a server started for
    /// `init` or the first run of the terminal interface).
    pub create: bool,
    pub clock: Box<dyn Clock>,
    /// The zone of clients that do not say theirs (every client does).
    pub tz: FixedOffset,
    /// Stop this long after the last client left; `None`: run until told.
    pub idle_exit: Option<Duration>,
    pub limits: Limits,
    /// The language of the server's log lines.
    pub lang: Lang,
    /// The hour of the daily backup in the sites' zone; `None`: none.
    pub backup_at: Option<NaiveTime>,
}

/// Asks a running server to stop, as SIGTERM does. Cheap to clone.
#[derive(Clone)]
pub struct Stopper {
    flag: Arc<AtomicBool>,
    wake: Arc<UnixStream>,
}

impl Stopper {
    pub fn stop(&self) {
        self.flag.store(true, Ordering::SeqCst);
        let _ = (&*self.wake).write(&[1]);
    }

    /// Stops the server on SIGTERM and SIGINT.
    pub fn on_signals(&self) -> io::Result<()> {
        for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
            signal_hook::flag::register(signal, self.flag.clone())?;
            signal_hook::low_level::pipe::register(signal, self.wake.try_clone()?)?;
        }
        Ok(())
    }
}

pub struct Server {
    local: Local,
    listener: UnixListener,
    socket: PathBuf,
    idle_exit: Option<Duration>,
    limits: Limits,
    lang: Lang,
    backup_at: Option<NaiveTime>,
    stop_flag: Arc<AtomicBool>,
    wake_rx: UnixStream,
    wake_tx: Arc<UnixStream>,
}

impl Server {
    /// Opens the database and listens. A database another process holds
    /// is refused: as "already running" when a server answers on the
    /// socket, else as locked. A socket file nobody answers on is left
    /// over from a server that was killed, and is replaced.
    pub fn bind(config: ServerConfig) -> Result<Server> {
        // Files of the database hold PIN hashes and records: nobody
        // outside the group reads them, nobody but the owner writes them.
        crate::unix::restrict_umask();
        // The connection caps, not the descriptor table, decide who is
        // refused: one descriptor per connection, with room for sled.
        crate::unix::raise_open_files_limit();
        // A PIN check's 19 MiB and a closed connection's pages go back to
        // the system when freed, not a second later (src/allocator.rs).
        crate::allocator::give_back_at_once();
        let socket = config.socket.clone().unwrap_or_else(|| config.db.join(SOCKET_NAME));
        let mode = if config.create { OpenMode::CreateIfMissing } else { OpenMode::Existing };
        let local = Local::open(&config.db, mode, config.clock, config.tz).map_err(|e| match e.locked_database() {
            Some(path) if UnixStream::connect(&socket).is_ok() => {
                WireError::AlreadyRunning { path: path.to_path_buf(), socket: socket.clone() }.into()
            }
            _ => e,
        })?;
        // We hold the database, so no server of it can be listening: a
        // socket that still answers belongs to something else.
        if socket.exists() || socket.symlink_metadata().is_ok() {
            if UnixStream::connect(&socket).is_ok() {
                return Err(WireError::SocketInUse { socket }.into());
            }
            remove_stale(&socket)?;
        }
        let io = |e: io::Error| Error::Io { detail: format!("{}: {e}", socket.display()) };
        let listener = UnixListener::bind(&socket).map_err(io)?;
        // Officers in the socket's group may connect; nobody else.
        std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o660)).map_err(io)?;
        listener.set_nonblocking(true).map_err(io)?;
        let (wake_rx, wake_tx) = UnixStream::pair().map_err(io)?;
        wake_rx.set_nonblocking(true).map_err(io)?;
        wake_tx.set_nonblocking(true).map_err(io)?;
        Ok(Server {
            local,
            listener,
            socket,
            idle_exit: config.idle_exit,
            limits: config.limits,
            lang: config.lang,
            backup_at: config.backup_at,
            stop_flag: Arc::new(AtomicBool::new(false)),
            wake_rx,
            wake_tx: Arc::new(wake_tx),
        })
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }

    pub fn db(&self) -> &Path {
        self.local.path()
    }

    pub fn stopper(&self) -> Stopper {
        Stopper { flag: self.stop_flag.clone(), wake: self.wake_tx.clone() }
    }

    /// Serves until stopped (or idle for `idle_exit`), then stops taking
    /// connections, lets every request in flight finish, flushes the
    /// database and removes the socket.
    pub fn run(self) -> Result<()> {
        let mut sessions: HashMap<u64, Session> = HashMap::new();
        let places = Places::new(self.limits.max_per_user, self.limits.max_connections);
        let shared = Arc::new(Shared { limits: self.limits, logins: Logins::start(self.limits.login_threads) });
        let (ended_tx, ended_rx) = mpsc::channel::<u64>();
        let mut next_id = 0u64;
        let mut idle_since = Some(Instant::now());
        let mut failure = None;
        let mut daily = DailyBackups::start(&self.local, self.backup_at);
        loop {
            while let Ok(id) = ended_rx.try_recv() {
                if let Some(session) = sessions.remove(&id) {
                    let _ = session.handle.join();
                }
            }
            if sessions.is_empty() && idle_since.is_none() {
                idle_since = Some(Instant::now());
            }
            if self.stop_flag.load(Ordering::SeqCst) {
                break;
            }
            let idle_left = match (self.idle_exit, idle_since) {
                (Some(limit), Some(since)) => match limit.checked_sub(since.elapsed()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => break,
                },
                _ => None,
            };
            // Started here, before the next connection is accepted, and
            // written on its own thread: writes wait for it, reads and
            // handshakes go on.
            let backup_due = daily.as_mut().map(|d| d.tick(&self.local, self.lang));
            let timeout = match (idle_left, backup_due) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if let Err(e) = crate::unix::wait_readable(&[self.listener.as_raw_fd(), self.wake_rx.as_raw_fd()], timeout)
            {
                // Cannot wait any more: stop as if told to, cleanly.
                failure = Some(Error::Io { detail: e.to_string() });
                break;
            }
            let mut drain = [0u8; 64];
            while matches!((&self.wake_rx).read(&mut drain), Ok(n) if n > 0) {}
            loop {
                match self.listener.accept() {
                    Ok((stream, _)) => {
                        let accepted = Instant::now();
                        let place = match places.take(crate::unix::peer_uid(&stream)) {
                            Ok(place) => place,
                            Err(busy) => {
                                refuse(stream, &busy);
                                continue;
                            }
                        };
                        next_id += 1;
                        if let Some(session) = self.start_session(next_id, stream, place, accepted, &shared, &ended_tx)
                        {
                            sessions.insert(next_id, session);
                            idle_since = None;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        if e.kind() != io::ErrorKind::WouldBlock {
                            let args = [("detail", Arg::Text(e.to_string()))];
                            eprintln!("{}", fill(self.lang, "server.accept_failed", &args));
                        }
                        break;
                    }
                }
            }
        }
        // Stop reading: a session waiting for its next request sees the end
        // at once; one running a request answers it first.
        for session in sessions.values() {
            let _ = session.stream.shutdown(Shutdown::Read);
        }
        for (_, session) in sessions.drain() {
            let _ = session.handle.join();
        }
        // A daily backup under way is finished, not cut off.
        if let Some(daily) = daily.as_mut() {
            daily.finish(self.local.now(), self.lang);
        }
        let flushed = self.local.flush();
        let _ = std::fs::remove_file(&self.socket);
        match failure {
            Some(e) => Err(e),
            None => flushed,
        }
    }

    fn start_session(
        &self,
        id: u64,
        stream: UnixStream,
        place: Place,
        accepted: Instant,
        shared: &Arc<Shared>,
        ended: &mpsc::Sender<u64>,
    ) -> Option<Session> {
        stream.set_nonblocking(false).ok()?;
        let kept = stream.try_clone().ok()?;
        let local = self.local.clone();
        let shared = shared.clone();
        let ended = ended.clone();
        let wake = self.wake_tx.clone();
        let handle = std::thread::Builder::new()
            .name(format!("binalog-session-{id}"))
            .spawn(move || {
                session::run(stream, &local, &shared, accepted, place);
                let _ = ended.send(id);
                let _ = (&*wake).write(&[0]);
            })
            .ok()?;
        Some(Session { stream: kept, handle })
    }
}

/// A connection being served, as the accepting loop keeps it.
struct Session {
    /// Shut down for reading when the server stops.
    stream: UnixStream,
    handle: JoinHandle<()>,
}

/// Tells a connection over a cap why, and closes it. Sent at once without
/// waiting for the hello, so that a refused connection costs no thread
/// and no time; the answer fits an empty socket buffer, so it never
/// blocks the accepting loop.
fn refuse(stream: UnixStream, busy: &Busy) {
    if stream.set_nonblocking(true).is_ok() {
        let _ = (&stream).write(&protocol::busy_frame(busy));
    }
    let _ = stream.shutdown(Shutdown::Write);
}

/// A server serving from a thread of this process (tests, benchmarks): it
/// is stopped, and its thread joined, when this is dropped or stopped.
pub struct ServerThread {
    socket: PathBuf,
    stopper: Stopper,
    thread: Option<JoinHandle<Result<()>>>,
}

impl Server {
    /// Serves on a new thread of this process.
    pub fn spawn(self) -> ServerThread {
        let socket = self.socket.clone();
        let stopper = self.stopper();
        let thread = std::thread::spawn(move || self.run());
        ServerThread { socket, stopper, thread: Some(thread) }
    }
}

impl ServerThread {
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// Stops the server as SIGTERM would; what its run returned.
    pub fn stop(mut self) -> Result<()> {
        self.stopper.stop();
        let thread = self.thread.take().expect("joined only once");
        thread.join().unwrap_or_else(|_| Err(Error::Io { detail: "the server thread panicked".into() }))
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            self.stopper.stop();
            let _ = thread.join();
        }
    }
}

/// Removes a socket file left behind; anything else at that path is not
/// ours to delete.
fn remove_stale(socket: &Path) -> Result<()> {
    let meta = socket.symlink_metadata().map_err(|e| Error::Io { detail: e.to_string() })?;
    if !meta.file_type().is_socket() {
        return Err(WireError::SocketInUse { socket: socket.to_path_buf() }.into());
    }
    std::fs::remove_file(socket).map_err(|e| Error::Io { detail: format!("{}: {e}", socket.display()) })
}

//! The records API as a client of a binalog server. The methods themselves
//! are generated from the API list (api.rs); this file holds the
//! connection: one request at a time, a reader thread that sorts the
//! server's frames into answers and pushed updates, and reconnecting.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{FixedOffset, NaiveDate};

use super::api::{Request, Response};
use super::{Actor, Error, Result, Update};
use crate::clock::Clock;
use crate::domain::officer::Nip;
use crate::server::protocol::{self, Accept, ServerFrame};

/// Makes a connection and shakes hands: plain (an existing server only) or
/// starting a server when none answers (`server::spawn`).
pub(crate) type Connector = Box<dyn Fn() -> Result<(UnixStream, Accept)> + Send + Sync>;

/// Which server a client talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerInfo {
    pub pid: u32,
    pub protocol: u32,
    pub db: PathBuf,
}

/// How long a call waits for its answer before asking whether the server
/// still runs: under the 10 seconds an officer is promised to hear that a
/// stopped server is not answering.
const REPLY_WAIT: Duration = Duration::from_secs(8);
/// How long a call waits, in all, on a server that is running (busy with a
/// large import or check): past this it is taken to be stuck.
const BUSY_WAIT: Duration = Duration::from_secs(600);

pub(crate) struct Remote {
    connector: Connector,
    socket: PathBuf,
    clock: Box<dyn Clock>,
    tz: FixedOffset,
    db: PathBuf,
    state: Mutex<State>,
    subscribers: Arc<Mutex<Vec<Sender<Update>>>>,
}

struct State {
    conn: Option<Connection>,
    info: ServerInfo,
    /// The officer logged in on this connection, as the server holds it.
    identity: Option<Nip>,
    /// The last successful login, replayed after a reconnect so the
    /// officer keeps working without typing the PIN again. Kept only in
    /// this process's memory, as the terminal already had it.
    credentials: Option<(String, String)>,
    /// The connection was dropped because the server did not answer: the
    /// next call connects again first.
    unanswered: bool,
}

struct Connection {
    stream: UnixStream,
    replies: Receiver<Response>,
    /// Cleared when this side closes the connection (a reconnect, a drop):
    /// then its end is no news for the subscribers.
    live: Arc<AtomicBool>,
}

impl Remote {
    pub fn connect(connector: Connector, socket: PathBuf, clock: Box<dyn Clock>, tz: FixedOffset) -> Result<Remote> {
        let subscribers = Arc::new(Mutex::new(Vec::new()));
        let (stream, accept) = connector()?;
        let conn = Connection::start(stream, subscribers.clone())?;
        let info = ServerInfo { pid: accept.pid, protocol: accept.version, db: accept.db.clone() };
        Ok(Remote {
            connector,
            socket,
            clock,
            tz,
            db: accept.db,
            state: Mutex::new(State { conn: Some(conn), info, identity: None, credentials: None, unanswered: false }),
            subscribers,
        })
    }

    pub fn path(&self) -> &Path {
        &self.db
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Today by this side's clock and zone; on one machine the server's
    /// clock is the same, and the server judges in this zone too.
    pub fn today(&self) -> NaiveDate {
        self.clock.today(self.tz)
    }

    pub fn tz(&self) -> FixedOffset {
        self.tz
    }

    pub fn info(&self) -> ServerInfo {
        self.lock().info.clone()
    }

    pub fn subscribe(&self) -> Receiver<Update> {
        let (tx, rx) = mpsc::channel();
        self.subscribers.lock().unwrap_or_else(|e| e.into_inner()).push(tx);
        rx
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn stopped(&self) -> Error {
        Error::ServerStopped { socket: self.socket.clone() }
    }

    /// The officer a caller names must be the one logged in on this
    /// connection: the server acts as that one whatever the caller holds,
    /// so a mismatch is refused here rather than recorded under the wrong
    /// name.
    pub(super) fn check_actor(&self, actor: Option<&Actor>) -> Result<()> {
        let Some(actor) = actor else { return Ok(()) };
        self.revive()?;
        match &self.lock().identity {
            Some(nip) if nip == actor.nip() => Ok(()),
            Some(nip) => Err(Error::OtherOfficer { nip: nip.to_string() }),
            None => Err(Error::NotLoggedIn),
        }
    }

    /// Sends one request and waits for its answer. A login's outcome also
    /// sets who this connection is, as it does on the server. A connection
    /// dropped after a server did not answer is made again first, so the
    /// officer's next try works once the server is back.
    pub(super) fn call(&self, request: Request) -> Result<Response> {
        self.revive()?;
        let frame = protocol::frame(&request)?;
        let login = match &request {
            Request::login { nip, pin } => Some((nip.clone(), pin.clone())),
            _ => None,
        };
        let mut state = self.lock();
        let pid = state.info.pid;
        let mut response = match state.conn.as_mut().map(|c| c.exchange(&frame, pid)) {
            Some(Exchange::Answered(response)) => Some(response),
            Some(Exchange::Gone) | None => None,
            Some(Exchange::NotAnswering(waited)) => {
                // The request may still be carried out when the server
                // wakes up; it is not sent again. The next call connects
                // anew (logging the officer in again), so nothing waits on
                // this connection's late answer.
                state.conn = None;
                state.identity = None;
                state.unanswered = true;
                return Err(Error::ServerNotAnswering { socket: self.socket.clone(), seconds: waited.as_secs() });
            }
        };
        if response.is_none() && state.identity.is_none() && state.conn.is_some() {
            // Nobody was logged in: the server may have closed the
            // connection at its login deadline without reading this
            // request. Nothing of ours was lost, so connect again and ask
            // once more (the officer who left the login screen open).
            state.conn = None;
            let (stream, accept) = (self.connector)()?;
            state.conn = Some(Connection::start(stream, self.subscribers.clone())?);
            state.info = ServerInfo { pid: accept.pid, protocol: accept.version, db: accept.db };
            let pid = state.info.pid;
            response = match state.conn.as_mut().map(|c| c.exchange(&frame, pid)) {
                Some(Exchange::Answered(response)) => Some(response),
                _ => None,
            };
        }
        let Some(response) = response else {
            state.conn = None;
            state.identity = None;
            return Err(self.stopped());
        };
        if let (Some(credentials), Response::login(result)) = (login, &response) {
            state.identity = result.as_ref().ok().map(|actor| actor.nip().clone());
            state.credentials = result.is_ok().then_some(credentials);
        }
        Ok(response)
    }

    /// After a server did not answer, its connection was dropped: connect
    /// again (and log in again) before the next request.
    fn revive(&self) -> Result<()> {
        if self.lock().unanswered { self.reconnect() } else { Ok(()) }
    }

    /// Connects again and repeats the last login, if there was one.
    pub fn reconnect(&self) -> Result<()> {
        let (stream, accept) = (self.connector)()?;
        let conn = Connection::start(stream, self.subscribers.clone())?;
        let credentials = {
            let mut state = self.lock();
            state.conn = Some(conn);
            state.identity = None;
            state.unanswered = false;
            state.info = ServerInfo { pid: accept.pid, protocol: accept.version, db: accept.db };
            state.credentials.clone()
        };
        if let Some((nip, pin)) = credentials {
            self.login(&nip, &pin)?;
        }
        Ok(())
    }
}

impl Connection {
    /// Starts the reader thread for a connected, greeted stream.
    fn start(stream: UnixStream, subscribers: Arc<Mutex<Vec<Sender<Update>>>>) -> Result<Connection> {
        // A write that makes no progress for this long meets a server that
        // reads nothing. Each write that moves some bytes starts it again,
        // so a large import to a busy server still goes through.
        stream.set_write_timeout(Some(REPLY_WAIT)).map_err(|e| Error::Io { detail: e.to_string() })?;
        let reader = stream.try_clone().map_err(|e| Error::Io { detail: e.to_string() })?;
        let (tx, replies) = mpsc::channel();
        let live = Arc::new(AtomicBool::new(true));
        let still_live = live.clone();
        std::thread::Builder::new()
            .name("binalog-client".into())
            .spawn(move || read_frames(reader, tx, subscribers, still_live))
            .map_err(|e| Error::Io { detail: e.to_string() })?;
        Ok(Connection { stream, replies, live })
    }

    /// Writes a request and takes the next answer. Past `REPLY_WAIT` it
    /// keeps waiting only while the server process (`pid`) is seen running,
    /// as a busy server is; a stopped one is not answering.
    fn exchange(&mut self, frame: &[u8], pid: u32) -> Exchange {
        let sent = Instant::now();
        match self.stream.write_all(frame) {
            Ok(()) => {}
            // A stopped server reads nothing: a large request fills the
            // socket and the write times out (see `start`).
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return Exchange::NotAnswering(sent.elapsed());
            }
            Err(_) => return Exchange::Gone,
        }
        let mut wait = REPLY_WAIT;
        loop {
            match self.replies.recv_timeout(wait) {
                Ok(response) => return Exchange::Answered(response),
                Err(mpsc::RecvTimeoutError::Disconnected) => return Exchange::Gone,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if !crate::unix::process_running(pid) || sent.elapsed() >= BUSY_WAIT {
                        return Exchange::NotAnswering(sent.elapsed());
                    }
                    wait = Duration::from_secs(1);
                }
            }
        }
    }
}

/// How a request fared on a connection.
enum Exchange {
    Answered(Response),
    /// The connection ended.
    Gone,
    /// No answer after this long.
    NotAnswering(Duration),
}

impl Drop for Connection {
    fn drop(&mut self) {
        // Ends the reader thread, which would otherwise wait for the server.
        self.live.store(false, Ordering::SeqCst);
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

/// Runs until the connection ends: answers go to the caller waiting in
/// `call`, updates to every subscriber. Dropping `replies` at the end
/// tells a waiting caller that the server has gone; subscribers hear
/// `Disconnected` unless this side closed the connection itself, or the
/// server closed it at its login deadline.
fn read_frames(
    mut stream: UnixStream,
    replies: Sender<Response>,
    subscribers: Arc<Mutex<Vec<Sender<Update>>>>,
    live: Arc<AtomicBool>,
) {
    let publish = |update: Update| {
        let mut subscribers = subscribers.lock().unwrap_or_else(|e| e.into_inner());
        subscribers.retain(|s| s.send(update.clone()).is_ok());
    };
    while let Ok(Some(payload)) = protocol::read_frame(&mut stream) {
        match protocol::decode::<ServerFrame>(&payload) {
            Ok(ServerFrame::Reply(response)) => {
                if replies.send(response).is_err() {
                    break;
                }
            }
            Ok(ServerFrame::Update(update)) => publish(update),
            Ok(ServerFrame::LoginExpired) => {
                // Nobody logged in in time: no news for the subscribers;
                // the next request connects again (`call`).
                live.store(false, Ordering::SeqCst);
                break;
            }
            Err(_) => break,
        }
    }
    drop(replies);
    if live.load(Ordering::SeqCst) {
        publish(Update::Disconnected);
    }
}

//! The records API as a client of a binalog server. The methods themselves
//! are generated from the API list (api.rs); this file holds who is logged
//! in on the connection and reconnecting. The connection itself (one
//! request at a time, a reader thread sorting answers from pushed updates)
//! is the wire's (wire/connection.rs).

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{FixedOffset, NaiveDate};

use super::api::{Request, Response};
use super::{Actor, Error, Result, Update};
use crate::clock::Clock;
use crate::domain::officer::Nip;
use crate::wire::Error as WireError;
use crate::wire::connection::{Connection, Exchange, Subscribers};
use crate::wire::protocol::{self, Accept, ConnectError, Hello};

/// Makes a connection and shakes hands: plain (an existing server only) or
/// starting a server when none answers (`server::spawn`).
pub type Connector = Box<dyn Fn() -> Result<(UnixStream, Accept)> + Send + Sync>;

/// Connects to whatever answers on `socket`, never starting a server.
pub fn plain_connector(socket: PathBuf, tz: FixedOffset) -> Connector {
    let hello: Hello = protocol::hello_for(tz);
    Box::new(move || match protocol::connect(&socket, &hello) {
        Ok(connected) => Ok(connected),
        Err(ConnectError::Absent) => Err(WireError::ServerStopped { socket: socket.clone() }.into()),
        Err(ConnectError::Failed(e)) => Err(e.into()),
    })
}

/// Which server a client talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerInfo {
    pub pid: u32,
    pub protocol: u32,
    pub db: PathBuf,
}

pub(crate) struct Remote {
    connector: Connector,
    socket: PathBuf,
    clock: Box<dyn Clock>,
    tz: FixedOffset,
    db: PathBuf,
    state: Mutex<State>,
    subscribers: Subscribers<Update>,
}

struct State {
    conn: Option<Connection<Response>>,
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

impl Remote {
    pub fn connect(connector: Connector, socket: PathBuf, clock: Box<dyn Clock>, tz: FixedOffset) -> Result<Remote> {
        let subscribers = Arc::new(Mutex::new(Vec::new()));
        let (stream, accept) = connector()?;
        let conn = start(stream, &subscribers)?;
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
        WireError::ServerStopped { socket: self.socket.clone() }.into()
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
                return Err(
                    WireError::ServerNotAnswering { socket: self.socket.clone(), seconds: waited.as_secs() }.into()
                );
            }
        };
        if response.is_none() && state.identity.is_none() && state.conn.is_some() {
            // Nobody was logged in: the server may have closed the
            // connection at its login deadline without reading this
            // request. Nothing of ours was lost, so connect again and ask
            // once more (the officer who left the login screen open).
            state.conn = None;
            let (stream, accept) = (self.connector)()?;
            state.conn = Some(start(stream, &self.subscribers)?);
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
        let conn = start(stream, &self.subscribers)?;
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

/// A connection whose end tells the subscribers `Update::Disconnected`.
fn start(stream: UnixStream, subscribers: &Subscribers<Update>) -> Result<Connection<Response>> {
    Ok(Connection::start(stream, subscribers.clone(), Update::Disconnected)?)
}

//! A client's side of one connection after the handshake: one request at
//! a time, and a reader thread that sorts the server's frames into
//! answers (to the caller waiting in `exchange`) and pushed updates (to
//! every subscriber). Generic over what the answers and updates are, so
//! the records API (records/remote.rs) builds on it without this module
//! knowing the API.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use super::error::{Error, Result};
use super::protocol::{self, ServerFrame};

/// Who hears the updates a server pushes.
pub type Subscribers<U> = Arc<Mutex<Vec<Sender<U>>>>;

/// How long a call waits for its answer before asking whether the server
/// still runs: under the 10 seconds an officer is promised to hear that a
/// stopped server is not answering.
pub const REPLY_WAIT: Duration = Duration::from_secs(8);
/// How long a call waits, in all, on a server that is running (busy with a
/// large import or check): past this it is taken to be stuck.
pub const BUSY_WAIT: Duration = Duration::from_secs(600);

pub struct Connection<R> {
    stream: UnixStream,
    replies: Receiver<R>,
    /// Cleared when this side closes the connection (a reconnect, a drop):
    /// then its end is no news for the subscribers.
    live: Arc<AtomicBool>,
}

/// How a request fared on a connection.
pub enum Exchange<R> {
    Answered(R),
    /// The connection ended.
    Gone,
    /// No answer after this long.
    NotAnswering(Duration),
}

impl<R: DeserializeOwned + Send + 'static> Connection<R> {
    /// Starts the reader thread for a connected, greeted stream. `gone` is
    /// what subscribers hear when the server ends the connection.
    pub fn start<U>(stream: UnixStream, subscribers: Subscribers<U>, gone: U) -> Result<Connection<R>>
    where
        U: DeserializeOwned + Clone + Send + 'static,
    {
        // A write that makes no progress for this long meets a server that
        // reads nothing. Each write that moves some bytes starts it again,
        // so a large import to a busy server still goes through.
        stream.set_write_timeout(Some(REPLY_WAIT)).map_err(Error::io)?;
        let reader = stream.try_clone().map_err(Error::io)?;
        let (tx, replies) = mpsc::channel();
        let live = Arc::new(AtomicBool::new(true));
        let still_live = live.clone();
        std::thread::Builder::new()
            .name("binalog-client".into())
            .spawn(move || read_frames(reader, tx, subscribers, still_live, gone))
            .map_err(Error::io)?;
        Ok(Connection { stream, replies, live })
    }

    /// Writes a request and takes the next answer. Past `REPLY_WAIT` it
    /// keeps waiting only while the server process (`pid`) is seen running,
    /// as a busy server is; a stopped one is not answering.
    pub fn exchange(&mut self, frame: &[u8], pid: u32) -> Exchange<R> {
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

impl<R> Drop for Connection<R> {
    fn drop(&mut self) {
        // Ends the reader thread, which would otherwise wait for the server.
        self.live.store(false, Ordering::SeqCst);
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

/// Runs until the connection ends: answers go to the caller waiting in
/// `exchange`, updates to every subscriber. Dropping `replies` at the end
/// tells a waiting caller that the server has gone; subscribers hear
/// `gone` unless this side closed the connection itself, or the server
/// closed it at its login deadline.
fn read_frames<R: DeserializeOwned, U: DeserializeOwned + Clone>(
    mut stream: UnixStream,
    replies: Sender<R>,
    subscribers: Subscribers<U>,
    live: Arc<AtomicBool>,
    gone: U,
) {
    let publish = |update: U| {
        let mut subscribers = subscribers.lock().unwrap_or_else(|e| e.into_inner());
        subscribers.retain(|s| s.send(update.clone()).is_ok());
    };
    while let Ok(Some(payload)) = protocol::read_frame(&mut stream) {
        match protocol::decode::<ServerFrame<R, U>>(&payload) {
            Ok(ServerFrame::Reply(response)) => {
                if replies.send(response).is_err() {
                    break;
                }
            }
            Ok(ServerFrame::Update(update)) => publish(update),
            Ok(ServerFrame::LoginExpired) => {
                // Nobody logged in in time: no news for the subscribers;
                // the next request connects again.
                live.store(false, Ordering::SeqCst);
                break;
            }
            Err(_) => break,
        }
    }
    drop(replies);
    if live.load(Ordering::SeqCst) {
        publish(gone);
    }
}

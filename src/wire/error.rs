//! What can go wrong between a client and a server: the connection's own
//! errors, language-free like `Invalid` (the catalog words them).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::domain::invalid::Arg;
use crate::i18n::Message;

/// Serializable: a server's refusal of a request (too large, unreadable)
/// reaches its client inside the records API's error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Error {
    /// The server's connection ended: it stopped, or was stopped.
    ServerStopped { socket: PathBuf },
    /// Client and server speak no protocol version in common.
    VersionMismatch { socket: PathBuf, ours: u32, theirs: Vec<u32> },
    /// The socket exists but refuses us (permissions, most likely).
    ConnectFailed { socket: PathBuf, detail: String },
    /// A request or answer larger than the protocol allows.
    TooLarge { size: u64, max: u64 },
    /// The other side sent something this version cannot read.
    Protocol { detail: String },
    /// The server refused a connection: this Unix user has `max` already.
    TooManyConnections { user: String, max: u32 },
    /// The server refused a connection: it has `max` in all already.
    ServerFull { socket: PathBuf, max: u32 },
    /// The server holds the connection but has not answered in time (it
    /// is stopped or stuck). Whether the request was carried out is not
    /// known; the connection is dropped and the next call connects again.
    ServerNotAnswering { socket: PathBuf, seconds: u64 },
    /// The socket could not be set up on this side.
    Io { detail: String },
    /// `serve` on a database whose server is already answering.
    AlreadyRunning { path: PathBuf, socket: PathBuf },
    /// Something other than a binalog server of this database answers on
    /// the socket path.
    SocketInUse { socket: PathBuf },
    /// A server could not be started in the background.
    StartFailed { detail: String, log: PathBuf },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn io(e: std::io::Error) -> Error {
        Error::Io { detail: e.to_string() }
    }
}

impl Message for Error {
    fn key(&self) -> &'static str {
        match self {
            Error::ServerStopped { .. } => "server.stopped",
            Error::ServerNotAnswering { .. } => "server.not_answering",
            Error::VersionMismatch { .. } => "server.version_mismatch",
            Error::ConnectFailed { .. } => "server.connect_failed",
            Error::TooLarge { .. } => "server.too_large",
            Error::Protocol { .. } => "server.protocol",
            Error::TooManyConnections { .. } => "server.too_many_connections",
            Error::ServerFull { .. } => "server.full",
            Error::Io { .. } => "error.io",
            Error::AlreadyRunning { .. } => "server.already_running",
            Error::SocketInUse { .. } => "server.socket_in_use",
            Error::StartFailed { .. } => "server.start_failed",
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        let text = |s: String| Arg::Text(s);
        let shown = |p: &PathBuf| Arg::Text(p.display().to_string());
        match self {
            Error::ServerStopped { socket } | Error::SocketInUse { socket } => vec![("socket", shown(socket))],
            Error::AlreadyRunning { path, socket } => vec![("path", shown(path)), ("socket", shown(socket))],
            Error::StartFailed { detail, log } => vec![("detail", text(detail.clone())), ("log", shown(log))],
            Error::ServerNotAnswering { socket, seconds } => {
                vec![("socket", shown(socket)), ("seconds", Arg::Number(*seconds as i64))]
            }
            Error::VersionMismatch { socket, ours, theirs } => {
                let theirs: Vec<String> = theirs.iter().map(u32::to_string).collect();
                vec![
                    ("socket", shown(socket)),
                    ("ours", Arg::Number(i64::from(*ours))),
                    ("theirs", text(theirs.join(", "))),
                ]
            }
            Error::ConnectFailed { socket, detail } => {
                vec![("socket", shown(socket)), ("detail", text(detail.clone()))]
            }
            Error::TooLarge { size, max } => {
                vec![("size", Arg::Number(*size as i64)), ("max", Arg::Number(*max as i64))]
            }
            Error::Protocol { detail } | Error::Io { detail } => vec![("detail", text(detail.clone()))],
            Error::TooManyConnections { user, max } => {
                vec![("user", text(user.clone())), ("max", Arg::Number(i64::from(*max)))]
            }
            Error::ServerFull { socket, max } => vec![("socket", shown(socket)), ("max", Arg::Number(i64::from(*max)))],
        }
    }
}

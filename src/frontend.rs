//! What a front end (the command line, the terminal interface) needs to
//! reach the records: the user's language, the database and how to reach
//! it (through its server, started if none answers, or in this process),
//! and how the terminal is drawn. The command line builds it from its
//! options; the interface borrows it, so it needs nothing of the command
//! line.

use std::path::PathBuf;
use std::time::Duration;

use chrono::FixedOffset;

use crate::clock;
use crate::i18n::Lang;
use crate::records::{Error, OpenMode, Records, Result, WireError};
use crate::server::protocol::SOCKET_NAME;

#[derive(Clone, Debug)]
pub struct FrontEnd {
    pub lang: Lang,
    /// The database folder.
    pub db: PathBuf,
    /// The server's socket, when not `binalog.sock` in the database folder.
    pub socket: Option<PathBuf>,
    /// Open the database in this process instead of through a server.
    pub direct: bool,
    /// The zone that decides "today".
    pub tz: FixedOffset,
    /// Borders drawn with + - | (the interface).
    pub ascii: bool,
    /// The interface locks after this long without a key.
    pub idle_lock: Duration,
}

impl FrontEnd {
    /// The records, through the database's server (started if none
    /// answers), or in this process when `direct`.
    pub fn open(&self, mode: OpenMode) -> Result<Records> {
        let records = if self.direct {
            Records::open(&self.db, mode, clock::from_env(), self.tz).map_err(|e| self.held_by_server(e))?
        } else {
            let create = mode == OpenMode::CreateIfMissing;
            let socket = self.socket.as_deref();
            crate::server::spawn::open(&self.db, socket, create, clock::from_env(), self.tz, self.lang)?
        };
        if mode == OpenMode::Existing && !records.is_initialised()? {
            return Err(Error::not_initialised(self.db.clone()));
        }
        Ok(records)
    }

    /// The server's socket.
    pub fn socket_path(&self) -> PathBuf {
        self.socket.clone().unwrap_or_else(|| self.db.join(SOCKET_NAME))
    }

    /// A database locked by a server is better named as such: the fix is to
    /// leave out `--direct`.
    pub fn held_by_server(&self, e: Error) -> Error {
        let Some(path) = e.locked_database().map(std::path::Path::to_path_buf) else { return e };
        let socket = self.socket.clone().unwrap_or_else(|| path.join(SOCKET_NAME));
        if std::os::unix::net::UnixStream::connect(&socket).is_ok() {
            WireError::AlreadyRunning { path, socket }.into()
        } else {
            e
        }
    }

    /// Whether a server answers on the database's socket.
    pub fn server_answers(&self) -> bool {
        std::os::unix::net::UnixStream::connect(self.socket_path()).is_ok()
    }
}

//! The binalog server: one process owns the database (sled lets only one
//! open it) and serves every officer's binalog over a Unix socket.
//!
//! - `protocol`: what crosses the socket: the wire's frames and handshake
//!   (src/wire) with the records API's requests, answers and updates.
//! - `session`: one connection: its login, its requests, pushed updates.
//! - `daemon`: the listening socket, a thread per connection, signals,
//!   stopping when idle, stopping cleanly; `daily_backup`: when the
//!   daily backup into `backups/` is due.
//! - `spawn`: a client's side of "use the server, or start one".
//! - `places`: how many connections each Unix user and everyone hold, and
//!   the caps on both; `outbox`: what waits, bounded, for a slow client;
//!   `logins`: the few threads PIN checks run on, bounding their memory.
//!
//! The requests themselves are the records API, generated from its list
//! in `records/api.rs`; the server runs them with the same `Local` code a
//! `--direct` program runs in-process.

pub mod daemon;
mod daily_backup;
mod logins;
mod outbox;
mod places;
pub mod protocol;
pub mod session;
pub mod spawn;

#[cfg(test)]
mod access_tests;

pub use daemon::{Server, ServerConfig, ServerThread, Stopper};
pub use session::Limits;

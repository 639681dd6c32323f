//! The wire between a binalog client and its server, apart from both
//! sides' business: frames, the version handshake, a client's connection
//! (its reader thread, waiting for answers), and the connection's errors.
//! It knows nothing of the records API: `records` (the client, its
//! `Remote`) and `server` (the daemon) both build on it, so neither needs
//! the other's side of the socket.
//!
//! - `protocol`: frames, the handshake, `ServerFrame`, the version.
//! - `connection`: one greeted connection, from the client's side.
//! - `error`: what can go wrong on the wire.

pub mod connection;
pub mod error;
pub mod protocol;

pub use error::Error;

//! What crosses the socket, as the server speaks it: the wire's frames and
//! handshake (wire/protocol.rs, re-exported here so a server's code and
//! tests name one place) with the records API's requests and answers.

use crate::records::api::{Request, Response};
pub use crate::records::plain_connector;
use crate::records::{Result, Update};
pub use crate::wire::protocol::*;

/// Everything the server sends after the handshake.
pub type ServerFrame = crate::wire::protocol::ServerFrame<Response, Update>;

/// The server's reading of a request; public so that tests can tell a
/// malformed frame from a valid one.
pub fn decode_request(payload: &[u8]) -> std::result::Result<Request, String> {
    decode(payload)
}

/// The first thing a server started in the background writes on its
/// standard output: whether it is listening, or why not.
pub fn ready_frame(outcome: &Result<()>) -> Vec<u8> {
    frame(outcome).expect("a readiness report is small")
}

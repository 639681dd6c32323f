//! One client connection, on its own thread: the handshake, then requests
//! answered in order as the officer who logged in on this connection, with
//! other clients' changes pushed in between. A writer thread sends the
//! answers and pushes, so that a client that stops reading delays nobody
//! but itself: its writer times out and the connection is closed.

use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::FixedOffset;

use super::protocol::{self, Accept, Greeting, ServerFrame};
use crate::records::api::{Request, Response};
use crate::records::{Actor, Local, Update};

/// Time-outs of one connection.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// How long the rest of a frame may take once its first byte came.
    /// Between frames a client may stay silent as long as it likes (an
    /// officer reading the screen).
    pub frame_timeout: Duration,
    /// How long the client may leave an answer unread.
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { frame_timeout: Duration::from_secs(10), write_timeout: Duration::from_secs(30) }
    }
}

/// Serves one connection until the client leaves, breaks the protocol, or
/// the server shuts the reading side down. Never panics on client input.
pub(crate) fn run(mut stream: UnixStream, base: &Local, limits: Limits) {
    let Some(hello) = greet(&mut stream, limits) else {
        let _ = stream.shutdown(Shutdown::Both);
        return;
    };
    let user = crate::unix::peer_uid(&stream).map_or_else(|| "unknown".to_string(), crate::unix::user_name);
    let tz = FixedOffset::east_opt(hello.tz_seconds).unwrap_or(base.tz());
    let local = base.for_session(&user, tz);

    // Subscribed before the client hears it is accepted, so that no change
    // saved after its connect returns can pass it by; pushes wait in the
    // queue until the writer starts, after the acceptance.
    let (out, queue) = mpsc::channel::<Vec<u8>>();
    let pushes = out.clone();
    local.hub().subscribe(
        local.origin(),
        Box::new(move |update: &Update| {
            protocol::frame(&ServerFrame::Update(update.clone())).is_ok_and(|f| pushes.send(f).is_ok())
        }),
    );
    let accept = Accept { version: protocol::PROTOCOL_VERSION, pid: std::process::id(), db: base.path().to_path_buf() };
    if stream.write_all(&protocol::accept_frame(&accept)).is_ok()
        && let Some(writer) = start_writer(&stream, queue, limits)
    {
        serve_requests(&mut stream, &local, limits, &out);
        // Unsubscribing drops the last sender but `out`: the writer then
        // sends what is queued and ends.
        local.hub().unsubscribe(local.origin());
        drop(out);
        let _ = writer.join();
    }
    local.hub().unsubscribe(local.origin());
    let _ = stream.shutdown(Shutdown::Both);
}

/// Reads the hello. A client of another version is told which versions
/// this server speaks; `None` closes the connection.
fn greet(stream: &mut UnixStream, limits: Limits) -> Option<protocol::Hello> {
    stream.set_read_timeout(Some(limits.frame_timeout)).ok()?;
    stream.set_write_timeout(Some(limits.write_timeout)).ok()?;
    let payload = protocol::read_frame(stream).ok()??;
    match protocol::parse_hello(&payload) {
        Greeting::Speaks(hello) => Some(hello),
        Greeting::Unsupported(_) => {
            let _ = stream.write_all(&protocol::refuse_frame(protocol::SPEAKS));
            None
        }
        Greeting::Garbage => None,
    }
}

fn serve_requests(stream: &mut UnixStream, local: &Local, limits: Limits, out: &mpsc::Sender<Vec<u8>>) {
    let mut actor: Option<Actor> = None;
    // Anything unreadable ends this connection, and only this one.
    while let Ok(Some(payload)) = read_request(stream, limits.frame_timeout) {
        let Ok(request) = protocol::decode_request(&payload) else { break };
        let is_login = matches!(request, Request::login { .. });
        let response = request.run(local, actor.as_ref());
        if is_login {
            // The connection is whoever logged in last; a failed login
            // leaves it nobody.
            actor = match &response {
                Response::login(Ok(a)) => Some(a.clone()),
                _ => None,
            };
        }
        let Some(frame) = reply_frame(response) else { break };
        if out.send(frame).is_err() {
            break;
        }
    }
}

/// The answer as a frame; an answer over the frame cap becomes the error
/// saying so, so the client learns why instead of losing the connection.
fn reply_frame(response: Response) -> Option<Vec<u8>> {
    let reply = ServerFrame::Reply(response);
    match protocol::frame(&reply) {
        Ok(frame) => Some(frame),
        Err(too_large) => {
            let ServerFrame::Reply(response) = reply else { return None };
            protocol::frame(&ServerFrame::Reply(response.into_error(too_large))).ok()
        }
    }
}

/// Reads one request frame: no time limit until its first byte, then the
/// frame time-out for the rest, so a stalled client is dropped mid-frame
/// but an idle one is not.
fn read_request(stream: &mut UnixStream, timeout: Duration) -> io::Result<Option<Vec<u8>>> {
    stream.set_read_timeout(None)?;
    let mut first = [0u8; 1];
    loop {
        match stream.read(&mut first) {
            Ok(0) => return Ok(None),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    stream.set_read_timeout(Some(timeout))?;
    protocol::read_rest(first[0], stream).map(Some)
}

fn start_writer(stream: &UnixStream, queue: mpsc::Receiver<Vec<u8>>, limits: Limits) -> Option<JoinHandle<()>> {
    let writer = stream.try_clone().ok()?;
    std::thread::Builder::new()
        .name("binalog-writer".into())
        .spawn(move || write_frames(writer, queue, limits.write_timeout))
        .ok()
}

fn write_frames(mut stream: UnixStream, queue: mpsc::Receiver<Vec<u8>>, timeout: Duration) {
    if stream.set_write_timeout(Some(timeout)).is_err() {
        return;
    }
    for frame in queue {
        if stream.write_all(&frame).is_err() {
            // Wakes the reading side, which then ends the session.
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
    }
}

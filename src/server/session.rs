//! One client connection, on its own thread: the handshake, then requests
//! answered in order as the officer who logged in on this connection, with
//! other clients' changes pushed in between. A writer thread sends the
//! answers and pushes from a bounded outbox, so that a client that stops
//! reading delays nobody but itself and holds little memory: its writer
//! times out, or its outbox overflows, and the connection is closed.
//! Before a login a connection is allowed only small frames and a fixed
//! time from accept.

use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::FixedOffset;

use super::logins::Logins;
use super::outbox::Outbox;
use super::places::Place;
use super::protocol::{self, Accept, Greeting, ServerFrame};
use crate::records::api::{Request, Response};
use crate::records::{Actor, Local, Update};

/// Time-outs and caps of the server's connections.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// How long the rest of a frame may take once its first byte came.
    /// Between frames a logged-in client may stay silent as long as it
    /// likes (an officer reading the screen).
    pub frame_timeout: Duration,
    /// How long the client may leave an answer unread.
    pub write_timeout: Duration,
    /// From accepting a connection to its first successful login: the
    /// handshake and the login must both be done by then, however the
    /// bytes trickle in, or the connection is closed. Unknown clients
    /// thus hold a connection for a bounded time.
    pub login_timeout: Duration,
    /// Connections at once from one Unix user: a workshop officer runs a
    /// few binalogs (the interface, a command or two), 32 is ample.
    pub max_per_user: usize,
    /// Connections at once in all: every officer of the three sites with
    /// room to spare, while the server's descriptors and threads stay few.
    pub max_connections: usize,
    /// Bytes of answers and pushes waiting for one slow client that has
    /// logged in, beyond the one frame that always fits (see `outbox`).
    pub outbox_bytes: usize,
    /// The same before a login: answers are small then, and nobody
    /// unknown may make the server hold much for them.
    pub outbox_bytes_before_login: usize,
    /// PIN checks at once (see `logins`): each takes about 19 MiB.
    pub login_threads: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            frame_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
            login_timeout: Duration::from_secs(30),
            max_per_user: 32,
            max_connections: 256,
            outbox_bytes: 4 << 20,
            outbox_bytes_before_login: 64 << 10,
            login_threads: 2,
        }
    }
}

/// Serves one connection until the client leaves, breaks the protocol, or
/// the server shuts the reading side down. Never panics on client input.
/// `accepted` is when the server accepted it: the login deadline counts
/// from there.
pub(crate) fn run(mut stream: UnixStream, base: &Local, server: &Shared, accepted: Instant, place: Place) {
    let limits = server.limits;
    // Let go of the place before the client can see the connection end
    // (`close`), so that it may connect again at once.
    let mut place = Some(place);
    let deadline = accepted + limits.login_timeout;
    let Some(hello) = greet(&mut stream, limits, deadline) else {
        close(&stream, place);
        return;
    };
    let user = crate::unix::peer_uid(&stream).map_or_else(|| "unknown".to_string(), crate::unix::user_name);
    let tz = FixedOffset::east_opt(hello.tz_seconds).unwrap_or(base.tz());
    let local = base.for_session(&user, tz);
    let Ok(shut) = stream.try_clone() else {
        close(&stream, place);
        return;
    };
    let outbox = Arc::new(Outbox::new(shut, limits.outbox_bytes_before_login));

    // Subscribed before the client hears it is accepted, so that no change
    // saved after its connect returns can pass it by; pushes wait in the
    // outbox until the writer starts, after the acceptance.
    let pushes = outbox.clone();
    // Only a connection with an officer logged in hears of others' changes:
    // even which programmes changed is nobody else's business.
    let officer_present = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let present = officer_present.clone();
    local.hub().subscribe(
        local.origin(),
        Box::new(move |update: &Update| {
            if !present.load(std::sync::atomic::Ordering::SeqCst) {
                return true;
            }
            protocol::frame(&ServerFrame::Update(update.clone())).is_ok_and(|f| pushes.offer(f))
        }),
    );
    let accept = Accept { version: protocol::PROTOCOL_VERSION, pid: std::process::id(), db: base.path().to_path_buf() };
    if stream.write_all(&protocol::accept_frame(&accept)).is_ok()
        && let Some(writer) = start_writer(&stream, outbox.clone(), limits)
    {
        if serve_requests(&mut stream, &local, server, deadline, &outbox, &officer_present) == Ended::Late {
            // Past its login deadline: cut off at once, whatever is
            // still queued for it.
            drop(place.take());
            let last = protocol::frame(&ServerFrame::LoginExpired).unwrap_or_default();
            outbox.break_off_saying(&last);
        }
        // No more pushes, no more answers: the writer sends what is
        // queued and ends.
        local.hub().unsubscribe(local.origin());
        outbox.finish();
        let _ = writer.join();
    }
    local.hub().unsubscribe(local.origin());
    close(&stream, place);
}

fn close(stream: &UnixStream, place: Option<Place>) {
    drop(place);
    let _ = stream.shutdown(Shutdown::Both);
}

/// What every session of one server shares.
pub(crate) struct Shared {
    pub limits: Limits,
    pub logins: Logins,
}

/// How a connection's requests ended.
#[derive(PartialEq, Eq)]
enum Ended {
    /// The client left, broke the protocol, or the server is stopping.
    Normally,
    /// The login deadline passed.
    Late,
}

/// Reads the hello, small and before the login deadline. A client of
/// another version is told which versions this server speaks; `None`
/// closes the connection.
fn greet(stream: &mut UnixStream, limits: Limits, deadline: Instant) -> Option<protocol::Hello> {
    stream.set_write_timeout(Some(limits.write_timeout)).ok()?;
    let payload = read_before_login(stream, limits, deadline).ok()??;
    match protocol::parse_hello(&payload) {
        Greeting::Speaks(hello) => Some(hello),
        Greeting::Unsupported(_) => {
            let _ = stream.write_all(&protocol::refuse_frame(protocol::SPEAKS));
            None
        }
        Greeting::Garbage => None,
    }
}

fn serve_requests(
    stream: &mut UnixStream,
    local: &Local,
    server: &Shared,
    deadline: Instant,
    outbox: &Outbox,
    officer_present: &std::sync::atomic::AtomicBool,
) -> Ended {
    let limits = server.limits;
    let mut actor: Option<Actor> = None;
    // Until the first successful login, frames are small and must come
    // before the deadline; after it, as large and as late as the client
    // likes.
    let mut logged_in = false;
    let mut late = false;
    loop {
        let read = if logged_in {
            read_request(stream, limits.frame_timeout)
        } else {
            read_before_login(stream, limits, deadline)
        };
        // Anything unreadable ends this connection, and only this one.
        let payload = match read {
            Ok(Some(payload)) => payload,
            Ok(None) => break,
            Err(_) => {
                late = !logged_in && Instant::now() >= deadline;
                break;
            }
        };
        let Ok(request) = protocol::decode_request(&payload) else { break };
        if crate::unix::peer_hung_up(stream) {
            // The client gave up waiting (this server was stopped, see
            // records::remote) and hung up: a change it can no longer hear
            // about is not made, so that the officer's next try does not
            // save it twice.
            break;
        }
        let is_login = matches!(request, Request::login { .. });
        let response = if is_login {
            let (on_login_thread, by) = (local.clone(), actor.clone());
            match server.logins.run(move || request.run(&on_login_thread, by.as_ref())) {
                Some(response) => response,
                None => break,
            }
        } else {
            request.run(local, actor.as_ref())
        };
        if is_login {
            // The connection is whoever logged in last; a failed login
            // leaves it nobody.
            actor = match &response {
                Response::login(Ok(a)) => Some(a.clone()),
                _ => None,
            };
            officer_present.store(actor.is_some(), std::sync::atomic::Ordering::SeqCst);
            if actor.is_some() && !logged_in {
                logged_in = true;
                outbox.set_cap(limits.outbox_bytes);
            }
        }
        let Some(frame) = reply_frame(response) else { break };
        if !outbox.put(frame) {
            break;
        }
    }
    if late { Ended::Late } else { Ended::Normally }
}

/// Reads one small frame before the login deadline: its first byte may
/// come any time before the deadline, the rest within the frame time-out
/// as well.
fn read_before_login(stream: &UnixStream, limits: Limits, deadline: Instant) -> io::Result<Option<Vec<u8>>> {
    let Some(first) = protocol::read_first(&mut Until { stream, deadline, each: None })? else { return Ok(None) };
    let mut rest = Until { stream, deadline, each: Some(limits.frame_timeout) };
    protocol::read_rest(first, &mut rest, protocol::PRE_LOGIN_FRAME_CAP).map(Some)
}

/// Reads from the stream until an instant: each read waits at most for
/// what is left (and at most `each`), so trickling bytes does not move
/// the deadline.
struct Until<'a> {
    stream: &'a UnixStream,
    deadline: Instant,
    each: Option<Duration>,
}

impl Read for Until<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(self.each.map_or(left, |each| each.min(left))))?;
        (&*self.stream).read(buf)
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
            protocol::frame(&ServerFrame::Reply(response.into_error(too_large.into()))).ok()
        }
    }
}

/// Reads one request frame: no time limit until its first byte, then the
/// frame time-out for the rest, so a stalled client is dropped mid-frame
/// but an idle one is not.
fn read_request(stream: &mut UnixStream, timeout: Duration) -> io::Result<Option<Vec<u8>>> {
    stream.set_read_timeout(None)?;
    let Some(first) = protocol::read_first(stream)? else { return Ok(None) };
    stream.set_read_timeout(Some(timeout))?;
    protocol::read_rest(first, stream, protocol::FRAME_CAP).map(Some)
}

fn start_writer(stream: &UnixStream, outbox: Arc<Outbox>, limits: Limits) -> Option<JoinHandle<()>> {
    let writer = stream.try_clone().ok()?;
    std::thread::Builder::new()
        .name("binalog-writer".into())
        .spawn(move || write_frames(writer, &outbox, limits.write_timeout))
        .ok()
}

fn write_frames(mut stream: UnixStream, outbox: &Outbox, timeout: Duration) {
    if stream.set_write_timeout(Some(timeout)).is_err() {
        outbox.break_off();
        return;
    }
    while let Some(frame) = outbox.take() {
        if stream.write_all(&frame).is_err() {
            // Wakes the reading side, which then ends the session, and
            // an answer waiting for room.
            outbox.break_off();
            return;
        }
    }
}

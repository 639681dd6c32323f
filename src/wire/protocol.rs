//! What crosses the socket. Every message is a frame: a u32 big-endian
//! length, then that many bytes. A connection opens with a handshake whose
//! layout never changes, so that any two versions of binalog can tell each
//! other which protocol versions they speak:
//!
//! ```text
//! client: frame( MAGIC(8) | version u32 BE | bincode(Hello) )
//! server: frame( 1 | bincode(Accept) )                        accepted
//!         frame( 0 | count u32 BE | count x version u32 BE )   refused, then closed
//!         frame( 2 | bincode(Busy) )                           too many connections, then closed
//! ```
//!
//! A busy server answers at once, without reading the hello: the client
//! reads the answer even when its hello could no longer be written.
//!
//! After that the client sends `Request`s and the server sends
//! `ServerFrame`s: the answer to each request, in order, and between them
//! pushed `Update`s; `LoginExpired` last if the login deadline passed. Payloads are bincode 2 with serde and the standard
//! configuration, as in the store; decoding is capped at the frame size.

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bincode::config::standard;
use chrono::FixedOffset;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::error::{Error, Result};

/// The largest frame either side sends or accepts: room for the largest
/// answers (an export's entries) while a corrupt or hostile length cannot
/// make the reader allocate gigabytes. Imports go in chunks far below it.
pub const FRAME_CAP: usize = 64 << 20;

/// The largest frame a connection may send before it has logged in: a
/// hello, a login or a question of the login screen is well under 1 KiB,
/// so nobody unknown can make the server hold more than this per frame.
pub const PRE_LOGIN_FRAME_CAP: usize = 4 << 10;

pub const MAGIC: [u8; 8] = *b"BINALOG\0";

/// The protocol this build speaks first, and every one it can serve.
/// Version 2 added the busy answer to the handshake; version 3 the
/// drafts kept for officers (save_draft, saved_draft, discard_draft), the
/// full-disk and not-answering refusals among the errors, the daily
/// backups' status (backup_status), and imports sent in chunks
/// (`import_begin`, `import_chunk`, `import_finish`); version 4 the
/// verified entries of a register page, and the refusal that names the
/// site an officer is not assigned to; version 5 the errors per layer (the
/// records API's error wraps the store's and the connection's); version 6
/// reports, targets, chart series, the filtered verification queue,
/// `verify_range`, the register search, and the livestock stock among the
/// problems `check` reports; version 7 the records API's own types for
/// what the store keeps (a check's wrong totals as amounts and people).
pub const PROTOCOL_VERSION: u32 = 7;
pub const SPEAKS: &[u32] = &[7];

/// The socket's name inside the database folder.
pub const SOCKET_NAME: &str = "binalog.sock";

/// How long a handshake may take; a server answers it at once. Under the
/// 10 seconds within which a client says that its server is not answering
/// (a stopped server still accepts connections, in the kernel's backlog).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(8);

/// The rest of a version-1 hello.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Hello {
    /// The client's `--tz`, in seconds east of UTC: the server judges
    /// "today" and local dates for this connection in the client's zone.
    pub tz_seconds: i32,
}

/// The server's acceptance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accept {
    pub version: u32,
    pub pid: u32,
    /// The database the server owns.
    pub db: PathBuf,
}

/// Why a server refused a connection before the handshake.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Busy {
    /// This Unix user already has `max` connections.
    User { user: String, max: u32 },
    /// The server already has `max` connections in all.
    Total { max: u32 },
}

/// Everything the server sends after the handshake: `R` is an answer to
/// a request, `U` an update pushed between answers (the records API's
/// `Response` and `Update`; `server::protocol::ServerFrame` names them).
#[derive(Debug, Serialize, Deserialize)]
pub enum ServerFrame<R, U> {
    Reply(R),
    Update(U),
    /// The last frame on a connection closed because nobody logged in on
    /// it in time: the client connects again when it next needs to,
    /// without telling anyone the server went away.
    LoginExpired,
}

/// Encodes a value as a complete frame, length first. Refuses a value
/// whose frame would exceed the cap.
pub fn frame<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut bytes = vec![0u8; 4];
    bincode::serde::encode_into_std_write(value, &mut bytes, standard()).expect("writing to a Vec cannot fail");
    seal(bytes)
}

/// Writes the length of `bytes[4..]` into its first four bytes.
fn seal(mut bytes: Vec<u8>) -> Result<Vec<u8>> {
    let len = bytes.len() - 4;
    if len > FRAME_CAP {
        return Err(Error::TooLarge { size: len as u64, max: FRAME_CAP as u64 });
    }
    bytes[..4].copy_from_slice(&(len as u32).to_be_bytes());
    Ok(bytes)
}

/// Decodes a payload that must be exactly one `T`.
pub fn decode<T: DeserializeOwned>(payload: &[u8]) -> std::result::Result<T, String> {
    let config = standard().with_limit::<FRAME_CAP>();
    let (value, read) = bincode::serde::decode_from_slice(payload, config).map_err(|e| e.to_string())?;
    if read != payload.len() {
        return Err(format!("{} bytes left over", payload.len() - read));
    }
    Ok(value)
}

/// Reads one frame. `Ok(None)` is a clean end of the stream between frames;
/// an end inside a frame, or a length over the cap, is an error.
pub fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let Some(first) = read_first(r)? else { return Ok(None) };
    read_rest(first, r, FRAME_CAP).map(Some)
}

/// The first byte of a frame; `None` at a clean end of the stream.
pub fn read_first(r: &mut impl Read) -> io::Result<Option<u8>> {
    let mut first = [0u8; 1];
    loop {
        match r.read(&mut first) {
            Ok(0) => return Ok(None),
            Ok(_) => return Ok(Some(first[0])),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// The rest of a frame whose first length byte has been read. A length
/// over `cap` is refused before anything is allocated, and the buffer
/// grows only as bytes arrive, so a length alone reserves nothing.
pub fn read_rest(first: u8, r: &mut impl Read, cap: usize) -> io::Result<Vec<u8>> {
    let mut len = [first, 0, 0, 0];
    r.read_exact(&mut len[1..])?;
    let len = u32::from_be_bytes(len) as usize;
    if len > cap {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("frame of {len} bytes over the cap")));
    }
    // Grown a chunk at a time as bytes come, never to the announced
    // length up front: a client announcing 64 MiB and trickling makes
    // the server hold what it sent, not what it promised.
    const CHUNK: usize = 64 << 10;
    let mut payload = Vec::new();
    while payload.len() < len {
        let start = payload.len();
        payload.resize(start + (len - start).min(CHUNK), 0);
        match r.read(&mut payload[start..]) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => payload.truncate(start + n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => payload.truncate(start),
            Err(e) => return Err(e),
        }
    }
    Ok(payload)
}

pub fn hello_frame(version: u32, hello: &Hello) -> Vec<u8> {
    let mut bytes = vec![0u8; 4];
    bytes.extend_from_slice(&MAGIC);
    bytes.extend_from_slice(&version.to_be_bytes());
    bincode::serde::encode_into_std_write(hello, &mut bytes, standard()).expect("writing to a Vec cannot fail");
    seal(bytes).expect("a hello is small")
}

/// How the server reads a hello.
#[derive(Debug)]
pub enum Greeting {
    Speaks(Hello),
    /// A binalog client of a version this server does not speak.
    Unsupported(u32),
    /// Not a binalog client at all.
    Garbage,
}

pub fn parse_hello(payload: &[u8]) -> Greeting {
    if payload.len() < 12 || payload[..8] != MAGIC {
        return Greeting::Garbage;
    }
    let version = u32::from_be_bytes(payload[8..12].try_into().expect("four bytes"));
    if !SPEAKS.contains(&version) {
        return Greeting::Unsupported(version);
    }
    match decode::<Hello>(&payload[12..]) {
        Ok(hello) => Greeting::Speaks(hello),
        Err(_) => Greeting::Garbage,
    }
}

pub fn accept_frame(accept: &Accept) -> Vec<u8> {
    let mut bytes = vec![0u8, 0, 0, 0, 1];
    bincode::serde::encode_into_std_write(accept, &mut bytes, standard()).expect("writing to a Vec cannot fail");
    seal(bytes).expect("an acceptance is small")
}

pub fn refuse_frame(speaks: &[u32]) -> Vec<u8> {
    let mut bytes = vec![0u8, 0, 0, 0, 0];
    bytes.extend_from_slice(&(speaks.len() as u32).to_be_bytes());
    for v in speaks {
        bytes.extend_from_slice(&v.to_be_bytes());
    }
    seal(bytes).expect("a refusal is small")
}

pub fn busy_frame(busy: &Busy) -> Vec<u8> {
    let mut bytes = vec![0u8, 0, 0, 0, 2];
    bincode::serde::encode_into_std_write(busy, &mut bytes, standard()).expect("writing to a Vec cannot fail");
    seal(bytes).expect("a busy answer is small")
}

/// The server's answer to a hello.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    Accepted(Accept),
    Refused(Vec<u32>),
    Busy(Busy),
}

pub fn parse_answer(payload: &[u8]) -> std::result::Result<Answer, String> {
    match payload.split_first() {
        Some((1, rest)) => decode(rest).map(Answer::Accepted),
        Some((2, rest)) => decode(rest).map(Answer::Busy),
        Some((0, rest)) if rest.len() >= 4 => {
            let count = u32::from_be_bytes(rest[..4].try_into().expect("four bytes")) as usize;
            let versions: Vec<u32> = rest[4..]
                .chunks_exact(4)
                .take(count)
                .map(|c| u32::from_be_bytes(c.try_into().expect("four bytes")))
                .collect();
            Ok(Answer::Refused(versions))
        }
        _ => Err("no answer to the handshake".into()),
    }
}

/// Why connecting failed: nobody answers (start a server?), or an error to
/// show as it is.
#[derive(Debug)]
pub enum ConnectError {
    /// No socket file, or a file no process listens on (stale).
    Absent,
    Failed(Error),
}

/// Connects to a server and shakes hands with protocol `version`.
pub fn connect_as(
    socket: &Path,
    version: u32,
    hello: &Hello,
) -> std::result::Result<(UnixStream, Accept), ConnectError> {
    let mut stream = match UnixStream::connect(socket) {
        Ok(s) => s,
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused) => {
            return Err(ConnectError::Absent);
        }
        Err(e) => {
            return Err(ConnectError::Failed(Error::ConnectFailed {
                socket: socket.to_path_buf(),
                detail: e.to_string(),
            }));
        }
    };
    let stopped = || ConnectError::Failed(Error::ServerStopped { socket: socket.to_path_buf() });
    let answer = (|| {
        stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT))?;
        stream.set_write_timeout(Some(HANDSHAKE_TIMEOUT))?;
        // A busy server answers and closes without reading the hello, so
        // a hello that cannot be written still leaves an answer to read.
        let _ = stream.write_all(&hello_frame(version, hello));
        let answer = read_frame(&mut stream)?;
        stream.set_read_timeout(None)?;
        stream.set_write_timeout(None)?;
        Ok::<_, io::Error>(answer)
    })();
    let payload = match answer {
        Ok(Some(p)) => p,
        // A stopped (SIGSTOP) or stuck server still accepts connections,
        // in the kernel's backlog, but says nothing.
        Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
            return Err(ConnectError::Failed(Error::ServerNotAnswering {
                socket: socket.to_path_buf(),
                seconds: HANDSHAKE_TIMEOUT.as_secs(),
            }));
        }
        // A server that closes at once is one that is stopping.
        Ok(None) | Err(_) => return Err(stopped()),
    };
    match parse_answer(&payload) {
        Ok(Answer::Accepted(accept)) => Ok((stream, accept)),
        Ok(Answer::Refused(theirs)) => {
            Err(ConnectError::Failed(Error::VersionMismatch { socket: socket.to_path_buf(), ours: version, theirs }))
        }
        Ok(Answer::Busy(Busy::User { user, max })) => {
            Err(ConnectError::Failed(Error::TooManyConnections { user, max }))
        }
        Ok(Answer::Busy(Busy::Total { max })) => {
            Err(ConnectError::Failed(Error::ServerFull { socket: socket.to_path_buf(), max }))
        }
        Err(detail) => Err(ConnectError::Failed(Error::Protocol { detail })),
    }
}

pub fn connect(socket: &Path, hello: &Hello) -> std::result::Result<(UnixStream, Accept), ConnectError> {
    connect_as(socket, PROTOCOL_VERSION, hello)
}

pub fn hello_for(tz: FixedOffset) -> Hello {
    Hello { tz_seconds: tz.local_minus_utc() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_refuse_oversized_lengths() {
        let bytes = frame(&("hello".to_string(), 7u32)).unwrap();
        let payload = read_frame(&mut bytes.as_slice()).unwrap().unwrap();
        assert_eq!(decode::<(String, u32)>(&payload).unwrap(), ("hello".to_string(), 7));
        assert_eq!(read_frame(&mut [].as_slice()).unwrap(), None);
        assert!(read_frame(&mut bytes[..bytes.len() - 1].as_ref()).is_err(), "a truncated frame is an error");
        let huge = ((FRAME_CAP + 1) as u32).to_be_bytes();
        assert_eq!(read_frame(&mut huge.as_slice()).unwrap_err().kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn the_handshake_names_the_versions() {
        let hello = Hello { tz_seconds: 7 * 3600 };
        let bytes = hello_frame(PROTOCOL_VERSION, &hello);
        let payload = read_frame(&mut bytes.as_slice()).unwrap().unwrap();
        assert!(matches!(parse_hello(&payload), Greeting::Speaks(h) if h.tz_seconds == 7 * 3600));
        let bytes = hello_frame(99, &hello);
        let payload = read_frame(&mut bytes.as_slice()).unwrap().unwrap();
        assert!(matches!(parse_hello(&payload), Greeting::Unsupported(99)));
        assert!(matches!(parse_hello(b"GET / HTTP/1.1\r\n"), Greeting::Garbage));
        let refusal = refuse_frame(&[1, 2]);
        assert_eq!(parse_answer(&refusal[4..]), Ok(Answer::Refused(vec![1, 2])));
        let accept = Accept { version: 1, pid: 42, db: "/srv/binalog".into() };
        assert_eq!(parse_answer(&accept_frame(&accept)[4..]), Ok(Answer::Accepted(accept)));
        let busy = Busy::User { user: "budi".into(), max: 32 };
        assert_eq!(parse_answer(&busy_frame(&busy)[4..]), Ok(Answer::Busy(busy)));
    }

    #[test]
    fn a_capped_read_refuses_a_length_over_its_cap_before_reading_on() {
        let mut bytes = ((PRE_LOGIN_FRAME_CAP + 1) as u32).to_be_bytes().to_vec();
        bytes.extend_from_slice(&[0; 16]);
        let mut r = bytes.as_slice();
        let err = read_rest(read_first(&mut r).unwrap().unwrap(), &mut r, PRE_LOGIN_FRAME_CAP).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(r.len(), 16, "nothing of the payload was read");
        let small = frame(&"login".to_string()).unwrap();
        let mut r = small.as_slice();
        assert!(read_rest(read_first(&mut r).unwrap().unwrap(), &mut r, PRE_LOGIN_FRAME_CAP).is_ok());
    }
}

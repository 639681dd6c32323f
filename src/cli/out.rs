//! Standard output of every command. `println!` panics when the reader has
//! gone (`binalog entry queue | head -1`); here a write returns its error,
//! and `status` turns a closed pipe into the command's ordinary ending.
//! SIGPIPE stays ignored (Rust's default): the server and the interface
//! must never die of a client that went away.

use std::io::{self, ErrorKind, Write};
use std::process::ExitCode;

use super::{Error, Result};
use crate::domain::text::escape_forbidden;

/// Writes output that is already safe to show (tables, CSV and JSON whose
/// stored text was escaped cell by cell).
pub fn print(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Writes messages for people that may quote stored text (a programme's
/// name, an entry's notes): each line with its forbidden characters
/// escaped, ending in a newline.
pub fn say(text: &str) -> io::Result<()> {
    print(&escaped_lines(text))
}

/// `say` for standard error: problems that quote a file's cells or stored
/// text. A failure to write them has nowhere left to be reported.
pub fn complain(text: &str) {
    let _ = io::stderr().lock().write_all(escaped_lines(text).as_bytes());
}

fn escaped_lines(text: &str) -> String {
    let mut safe = String::with_capacity(text.len() + 1);
    for line in text.lines() {
        safe.push_str(&escape_forbidden(line));
        safe.push('\n');
    }
    safe
}

/// How a command that printed ends: with `code` if the output was written
/// or its reader stopped early (`| head` has what it wanted: quietly, no
/// message); any other write failure is the command's error.
pub fn status(written: io::Result<()>, code: ExitCode) -> Result<ExitCode> {
    match written {
        Ok(()) => Ok(code),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(Error::WriteFailed { detail: e.to_string() }),
    }
}

/// `say`, then the command's ending: for commands that print one message.
pub fn said(text: &str) -> Result<ExitCode> {
    status(say(text), ExitCode::SUCCESS)
}

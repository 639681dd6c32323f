//! Standard output of every command. `println!` panics when the reader has
//! gone (`binalog entry queue | head -1`); here a write returns its error,
//! and `status` turns a closed pipe into the command's ordinary ending.
//! SIGPIPE stays ignored (Rust's default): the server and the interface
//! must never die of a client that went away.

use std::io::{self, ErrorKind, Write};
use std::process::ExitCode;

use super::Context;
use crate::domain::invalid::Arg;
use crate::domain::text::escape_forbidden;
use crate::i18n::fill;

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
/// message); any other write failure is reported and fails.
pub fn status(ctx: &Context, written: io::Result<()>, code: ExitCode) -> ExitCode {
    match written {
        Ok(()) => code,
        Err(e) if e.kind() == ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("{}", fill(ctx.lang(), "cli.write_failed", &[("detail", Arg::Text(e.to_string()))]));
            ExitCode::from(1)
        }
    }
}

/// `say`, then the command's ending: for commands that print one message.
pub fn said(ctx: &Context, text: &str) -> ExitCode {
    status(ctx, say(text), ExitCode::SUCCESS)
}

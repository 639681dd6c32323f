//! The real binary in a pseudo-terminal of 80x24, its output read back
//! through a terminal emulator: what an officer at an SSH session sees.
//! Shared by tests/tui_e2e.rs and benches/wire.rs (each includes this file
//! with `#[path]`, so no other test compiles it).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use binalog::tui::backend::DecGraphicsAsUtf8;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const ROWS: u16 = 24;
pub const COLS: u16 = 80;

/// How a read ended without the output it waited for.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// Nothing more came in time.
    Quiet,
    /// The program closed the terminal.
    Closed,
}

pub struct Pty {
    pub child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Receiver<Vec<u8>>,
    pub screen: vt100::Parser,
    /// The vt100 crate lacks the DEC line-drawing set: its letters are
    /// turned into the box characters they show.
    graphics: DecGraphicsAsUtf8,
    _master: Box<dyn MasterPty + Send>,
}

impl Pty {
    /// Starts `cmd` in a fresh terminal (the caller sets its environment).
    pub fn spawn(cmd: CommandBuilder) -> Pty {
        let pty = native_pty_system()
            .openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let child = pty.slave.spawn_command(cmd).expect("binalog starts");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let (send, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if send.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Pty {
            child,
            writer,
            output,
            screen: vt100::Parser::new(ROWS, COLS, 0),
            graphics: DecGraphicsAsUtf8::default(),
            _master: pty.master,
        }
    }

    /// The screen's text, row after row.
    pub fn contents(&self) -> String {
        self.screen.screen().contents()
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// The next piece of output, shown on the emulator's screen; why none
    /// came within `wait`.
    pub fn read(&mut self, wait: Duration) -> Result<Vec<u8>, Ended> {
        match self.output.recv_timeout(wait) {
            Ok(bytes) => {
                self.screen.process(&self.graphics.feed(&bytes));
                Ok(bytes)
            }
            Err(RecvTimeoutError::Timeout) => Err(Ended::Quiet),
            Err(RecvTimeoutError::Disconnected) => Err(Ended::Closed),
        }
    }

    /// Reads until `done` holds of the screen, or panics after `patience`
    /// saying `what` did not come; every byte read goes to `raw`.
    pub fn read_until(
        &mut self,
        done: impl Fn(&Pty) -> bool,
        patience: Duration,
        what: &str,
        raw: &mut Vec<u8>,
    ) -> usize {
        let deadline = Instant::now() + patience;
        let mut n = 0;
        while !done(self) {
            match self.read(deadline.saturating_duration_since(Instant::now())) {
                Ok(bytes) => {
                    n += bytes.len();
                    raw.extend_from_slice(&bytes);
                }
                Err(Ended::Quiet) => panic!("no {what} on screen:\n{}", self.contents()),
                Err(Ended::Closed) => panic!("binalog ended before {what}:\n{}", self.contents()),
            }
        }
        n
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        // A failed assertion must not leave binalog running on the database.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

//! The terminal's raw mode and alternate screen, and putting them back
//! however the program ends: quit, error, panic, SIGTERM, or SIGHUP when
//! the SSH link drops. A restored terminal is the officer's shell prompt,
//! not a screen of garbage the next officer has to `reset`.

use std::io::{Stdout, Write};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard};

use crossterm::style::{Attribute, SetAttribute};
use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;

use super::backend::LeanBackend;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

pub type Term = Terminal<LeanBackend<Stdout>>;

/// Held while events are handled and the frame drawn. A signal waits for
/// it, so the program never stops between a save and its acknowledgement,
/// nor in the middle of writing a frame.
static BUSY: Mutex<()> = Mutex::new(());

/// Work to finish before the process exits on a signal: sending the form
/// typed since it was last kept (tui/drafts.rs).
type Hook = Box<dyn FnOnce() + Send>;
static BEFORE_EXIT: Mutex<Option<Hook>> = Mutex::new(None);

/// How long the exit on a signal waits for that work: a server that stopped
/// answering must not keep a dropped session's process alive.
const EXIT_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// Sets the work done on a signal before the terminal is restored.
pub fn before_exit(hook: impl FnOnce() + Send + 'static) {
    *BEFORE_EXIT.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(hook));
}

/// Runs that work in a thread of its own, waiting at most `EXIT_GRACE`.
fn run_before_exit() {
    let Some(hook) = BEFORE_EXIT.lock().unwrap_or_else(|e| e.into_inner()).take() else { return };
    let (done, finished) = std::sync::mpsc::channel();
    let started = std::thread::Builder::new().name("before-exit".into()).spawn(move || {
        hook();
        let _ = done.send(());
    });
    if started.is_ok() {
        let _ = finished.recv_timeout(EXIT_GRACE);
    }
}

pub fn busy() -> MutexGuard<'static, ()> {
    // A panic while holding it poisons it; the terminal still needs restoring.
    BUSY.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How the screen was entered: not yet, on the alternate screen, or on
/// the screen as it was (`TERM` has no alternate screen). Restoring
/// leaves the alternate screen, or clears the plain one.
static ENTERED: AtomicU8 = AtomicU8::new(NOT_ENTERED);
const NOT_ENTERED: u8 = 0;
const ON_ALTERNATE: u8 = 1;
const ON_PLAIN: u8 = 2;

pub fn enter() -> std::io::Result<Term> {
    terminal::enable_raw_mode()?;
    let caps = super::term_caps::from_env();
    let alternate = caps.alternate_screen;
    ENTERED.store(if alternate { ON_ALTERNATE } else { ON_PLAIN }, Ordering::SeqCst);
    // Without an alternate screen the interface draws on the screen as it
    // is, so it starts from a clear one.
    let entered = if alternate {
        execute!(std::io::stdout(), terminal::EnterAlternateScreen)
    } else {
        execute!(std::io::stdout(), terminal::Clear(terminal::ClearType::All))
    };
    if let Err(e) = entered {
        restore();
        return Err(e);
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    Terminal::new(LeanBackend::new(std::io::stdout()).with_line_drawing(caps.line_drawing)).inspect_err(|_| restore())
}

/// Safe to call more than once and on a terminal that is gone: every
/// error is ignored because there is nobody left to tell.
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    // The backend leaves its last style and character set; the shell must
    // not inherit them.
    let _ = std::io::stdout().write_all(super::backend::LEAVE_LINE_DRAWING.as_bytes());
    let _ = execute!(std::io::stdout(), SetAttribute(Attribute::Reset), cursor::Show);
    let entered = ENTERED.load(Ordering::SeqCst);
    if entered != ON_PLAIN {
        let _ = execute!(std::io::stdout(), terminal::LeaveAlternateScreen);
    } else {
        // No alternate screen to go back from: the prompt starts on a
        // clear one, not under the last frame.
        let _ = execute!(std::io::stdout(), terminal::Clear(terminal::ClearType::All), cursor::MoveTo(0, 0));
    }
    let _ = std::io::stdout().flush();
}

/// On SIGTERM, SIGHUP or SIGINT: wait for the current batch of work to end,
/// send the form typed since it was last kept (`before_exit`), restore the
/// terminal and exit. Saves are already durable when they are
/// acknowledged, so nothing is lost or half-written.
pub fn exit_on_signals() -> std::io::Result<()> {
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _busy = busy();
            run_before_exit();
            restore();
            std::process::exit(128 + signal);
        }
    })?;
    Ok(())
}

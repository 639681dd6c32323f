//! Waits for an event, handles it and every event already queued behind
//! it, then draws once. Nothing is drawn on a timer: an idle screen sends
//! no bytes, and a burst of keys over a slow link costs one frame. Events
//! are keys and resizes from the terminal, and other officers' saves
//! pushed by the server (live refresh); both arrive on one channel. The
//! one deadline is the idle lock: while an officer is logged in, the wait
//! ends at the moment the lock is due, which locks and draws once.

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Instant;

use crossterm::event::{self, Event};

use super::app::{App, Msg};
use super::terminal::{self, Term};
use super::theme::Theme;
use super::{effects, keymap, update, view};
use crate::records::{Error, Records, Update};

/// Something for the interface to handle.
enum Input {
    Terminal(Event),
    Records(Update),
    /// Reading the terminal failed: it is gone.
    Failed(std::io::Error),
}

/// Starts the threads that feed the channel: one blocks on the terminal,
/// one on the records' change notices.
fn inputs(records: &Records) -> std::io::Result<Receiver<Input>> {
    let (send, receive) = channel();
    let keys: Sender<Input> = send.clone();
    std::thread::Builder::new().name("keys".into()).spawn(move || {
        loop {
            let input = match event::read() {
                Ok(e) => Input::Terminal(e),
                Err(e) => Input::Failed(e),
            };
            let failed = matches!(input, Input::Failed(_));
            if keys.send(input).is_err() || failed {
                return;
            }
        }
    })?;
    let updates = records.subscribe();
    std::thread::Builder::new().name("updates".into()).spawn(move || {
        for update in updates {
            if send.send(Input::Records(update)).is_err() {
                return;
            }
        }
    })?;
    Ok(receive)
}

pub fn run(term: &mut Term, records: &Records, app: &mut App, theme: Theme) -> std::io::Result<()> {
    let inputs = inputs(records)?;
    term.draw(|frame| view::draw(app, theme, frame))?;
    loop {
        let Some(first) = next_input(app, &inputs) else {
            let _busy = terminal::busy();
            dispatch(records, app, Msg::IdleAt(Instant::now()));
            term.draw(|frame| view::draw(app, theme, frame))?;
            continue;
        };
        let _busy = terminal::busy();
        let mut changed = handle(records, app, first)?;
        while !app.quit
            && let Ok(next) = inputs.try_recv()
        {
            changed |= handle(records, app, next)?;
        }
        if app.quit {
            return Ok(());
        }
        if changed {
            term.draw(|frame| view::draw(app, theme, frame))?;
        }
    }
}

/// The next input, or `None` when the idle lock falls due before one comes.
fn next_input(app: &App, inputs: &Receiver<Input>) -> Option<Input> {
    // Both feeding threads end only with the process or a failed terminal,
    // which they report; a closed channel is reported as that failure.
    let gone = || Input::Failed(std::io::Error::other("input closed"));
    match app.lock_deadline() {
        None => Some(inputs.recv().unwrap_or_else(|_| gone())),
        Some(deadline) => match inputs.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(input) => Some(input),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => Some(gone()),
        },
    }
}

/// True when the input meant something to show (a key, a resize, a change).
fn handle(records: &Records, app: &mut App, input: Input) -> std::io::Result<bool> {
    let event = match input {
        Input::Terminal(event) => event,
        Input::Records(update) => {
            dispatch(records, app, Msg::Changed(update));
            return Ok(true);
        }
        Input::Failed(e) => return Err(e),
    };
    Ok(match event {
        Event::Key(key) => {
            let keys = keymap::from_event(key);
            let meant = !keys.is_empty();
            for key in keys {
                if app.quit {
                    break;
                }
                key_at(records, app, key);
            }
            meant
        }
        Event::Resize(width, height) => {
            dispatch(records, app, Msg::Resize(width, height));
            true
        }
        _ => false,
    })
}

/// One key, with the idle lock's clock around it.
fn key_at(records: &Records, app: &mut App, key: keymap::Key) {
    let now = Instant::now();
    // A key after the lock fell due (the process was stopped, or the key
    // raced the deadline) meets the lock, not the screen behind it.
    dispatch(records, app, Msg::IdleAt(now));
    app.touch(now);
    dispatch(records, app, Msg::Key(key));
    // Time the key took (a PIN checked, a save flushed) is not time
    // without a key: the officer was waiting for binalog.
    app.touch(Instant::now());
}

/// Updates the model with `msg`, then runs each command it asks for and
/// feeds the answer back, until nothing is left to do.
pub fn dispatch(records: &Records, app: &mut App, msg: Msg) {
    let mut queue: VecDeque<_> = update::update(app, msg).into();
    while let Some(cmd) = queue.pop_front() {
        let answer = run_reconnecting(records, cmd);
        queue.extend(update::update(app, answer));
    }
}

/// Runs a command; if the server has gone, connects again (the records
/// log the officer back in) and repeats it when it only reads. A change
/// is answered with the "server stopped" message instead and the screen
/// keeps what was typed: the officer checks, then saves again.
fn run_reconnecting(records: &Records, cmd: super::app::Cmd) -> Msg {
    let answer = effects::run(records, cmd.clone());
    if !matches!(answer.error(), Some(Error::ServerStopped { .. })) || records.reconnect().is_err() {
        return answer;
    }
    if cmd.reads_only() { effects::run(records, cmd) } else { answer }
}

//! Waits for an event, handles it and every event already queued behind
//! it, then draws once. Nothing is drawn on a timer: an idle screen sends
//! no bytes, and a burst of keys over a slow link costs one frame. The one
//! exception is the idle lock: while an officer is logged in, the wait
//! ends at the moment the lock is due, which locks and draws once.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event};

use super::app::{App, Msg};
use super::terminal::{self, Term};
use super::theme::Theme;
use super::{effects, keymap, update, view};
use crate::records::Records;

pub fn run(term: &mut Term, records: &Records, app: &mut App, theme: Theme) -> std::io::Result<()> {
    term.draw(|frame| view::draw(app, theme, frame))?;
    loop {
        let Some(first) = next_event(app)? else {
            let _busy = terminal::busy();
            dispatch(records, app, Msg::IdleAt(Instant::now()));
            term.draw(|frame| view::draw(app, theme, frame))?;
            continue;
        };
        let _busy = terminal::busy();
        let mut changed = handle(records, app, first);
        while !app.quit && event::poll(Duration::ZERO)? {
            changed |= handle(records, app, event::read()?);
        }
        if app.quit {
            return Ok(());
        }
        if changed {
            term.draw(|frame| view::draw(app, theme, frame))?;
        }
    }
}

/// The next event, or `None` when the idle lock falls due before one comes.
fn next_event(app: &App) -> std::io::Result<Option<Event>> {
    match app.lock_deadline() {
        None => event::read().map(Some),
        Some(deadline) => {
            let left = deadline.saturating_duration_since(Instant::now());
            if event::poll(left)? { event::read().map(Some) } else { Ok(None) }
        }
    }
}

/// True when the event meant something (a key or a resize).
fn handle(records: &Records, app: &mut App, event: Event) -> bool {
    match event {
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
    }
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
        let answer = effects::run(records, cmd);
        queue.extend(update::update(app, answer));
    }
}

//! Waits for an event, handles it and every event already queued behind
//! it, then draws once. Nothing is drawn on a timer: an idle screen sends
//! no bytes, and a burst of keys over a slow link costs one frame.

use std::collections::VecDeque;
use std::time::Duration;

use crossterm::event::{self, Event};

use super::app::{App, Msg};
use super::terminal::{self, Term};
use super::theme::Theme;
use super::{effects, keymap, update, view};
use crate::records::Records;

pub fn run(term: &mut Term, records: &Records, app: &mut App, theme: Theme) -> std::io::Result<()> {
    term.draw(|frame| view::draw(app, theme, frame))?;
    loop {
        let first = event::read()?;
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

/// True when the event meant something (a key or a resize).
fn handle(records: &Records, app: &mut App, event: Event) -> bool {
    let msgs: Vec<Msg> = match event {
        Event::Key(key) => keymap::from_event(key).into_iter().map(Msg::Key).collect(),
        Event::Resize(width, height) => vec![Msg::Resize(width, height)],
        _ => vec![],
    };
    let meant = !msgs.is_empty();
    for msg in msgs {
        if !app.quit {
            dispatch(records, app, msg);
        }
    }
    meant
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

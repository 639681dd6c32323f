//! The entry form being typed, kept by the server as the officer's draft
//! (records/drafts.rs), so a dropped SSH link, a killed client or a closed
//! terminal loses nothing: at the next login, in this process or a new
//! one, the draft is offered back as the idle lock's drafts are.
//!
//! When the form goes to the server. The interface never wakes on a timer
//! (an idle screen sends no bytes), so "a moment after each change" is
//! tied to what the officer does, never to a clock:
//!
//! - when the focus moves to another field (Tab, Shift-Tab, Enter, a row
//!   added or removed): a finished field is kept at once;
//! - after `KEYS_PER_SAVE` keys typed into one field without moving: a
//!   long note is kept as it grows;
//! - when the terminal locks (idle lock, Ctrl-L, another officer) and when
//!   binalog quits: the officer may not come back to this process;
//! - on SIGHUP, SIGTERM or SIGINT, and when the terminal is gone: what was
//!   typed since the last save (fewer than `KEYS_PER_SAVE` keys in one
//!   field) is sent before the process exits (`Unsent`, sent by
//!   `tui::run` and the signal thread in terminal.rs).
//!
//! Each save is one request on the server's socket, only when the form
//! differs from what the server holds: nothing more is drawn and no byte
//! more goes to the terminal. A form saved as an entry, or thrown away,
//! takes its draft with it.

use super::app::{App, Parked};
use super::data::KeptForm;
use super::draft_sync::Kept;
pub use super::draft_sync::{DraftSync, Unsent, send_unsent};
use super::msg::{Cmd, Op};
use super::screens::Screen;
use super::screens::{entry_form, entry_view, program};
use crate::domain::officer::Nip;
use crate::records::Actor;

/// Keys typed in one field before the form is kept without a field change.
pub const KEYS_PER_SAVE: u32 = 16;

/// How things stood before a message, to see what it changed.
pub struct Before {
    actor: Option<Actor>,
    focus: Option<entry_form::FormField>,
    had_form: bool,
}

pub fn before(app: &App) -> Before {
    let form = app.actor.as_ref().and_then(|a| officer_form(app, a.nip()));
    Before { actor: app.actor.clone(), focus: form.map(|f| f.focus), had_form: form.is_some() }
}

/// After a message: sends the form, or forgets the draft, when due.
pub fn after(app: &mut App, before: Before, key: bool) -> Vec<Cmd> {
    // Nobody was logged in (the lock, login): nothing of theirs was typed.
    let Some(actor) = before.actor else { return vec![] };
    let still = app.actor.as_ref().is_some_and(|a| a.nip() == actor.nip());
    let form = officer_form(app, actor.nip()).map(|f| (f.draft(), f.focus));
    let sync = &mut app.drafts;
    let Some((draft, focus)) = form else {
        sync.unsent.set(None);
        sync.keys = 0;
        // Saved as an entry, or thrown away: the draft goes with it.
        if before.had_form && still && sync.kept != Kept::Nothing {
            sync.kept = Kept::Nothing;
            return vec![Cmd::Act { actor, op: Op::DiscardDraft }];
        }
        return vec![];
    };
    if sync.kept == Kept::Same(draft.clone()) {
        sync.unsent.set(None);
        return vec![];
    }
    if key {
        sync.keys += 1;
    }
    let moved = before.focus.is_some_and(|f| f != focus);
    if !still || app.quit || moved || sync.keys >= KEYS_PER_SAVE {
        sync.kept = Kept::Same(draft.clone());
        sync.keys = 0;
        sync.unsent.set(None);
        return vec![Cmd::Act { actor, op: Op::SaveDraft(draft) }];
    }
    sync.unsent.set(Some((actor, draft)));
    vec![]
}

/// A new login: the server may hold a draft of this officer's.
pub fn logged_in(app: &mut App) {
    app.drafts.kept = Kept::Unknown;
    app.drafts.keys = 0;
    app.drafts.unsent.set(None);
}

/// A draft could not be kept or forgotten: the next change tries again.
/// Nothing is said: the form is still on screen, and a server that went
/// away is reported by its own notice and by the next save.
pub fn failed(app: &mut App) {
    app.drafts.kept = Kept::Unknown;
}

/// The officer declined the draft offered: the server forgets it too.
pub fn declined(app: &mut App) -> Vec<Cmd> {
    app.drafts.kept = Kept::Nothing;
    app.actor.iter().map(|actor| Cmd::Act { actor: actor.clone(), op: Op::DiscardDraft }).collect()
}

/// The draft the server kept, offered as the idle lock's are: its form
/// over the programme (and the entry it corrects) over home.
pub fn offer(app: &mut App, kept: KeptForm) {
    let Some(actor) = &app.actor else { return };
    if app.offer.is_some() || officer_form(app, actor.nip()).is_some() {
        return;
    }
    let officer = actor.officer();
    let mut back = Vec::new();
    if matches!(app.screen, Screen::Home(_)) {
        back.push(app.screen.clone());
    }
    let (program, items) = (kept.program.info.program.clone(), kept.program.items.clone());
    let herd = kept.program.herd.clone();
    back.push(Screen::Program(Box::new(program::State::new(kept.program))));
    let mut form = match kept.entry {
        Some(data) => {
            let form = entry_form::State::correction(&data, officer, app.today, app.lang);
            back.push(Screen::EntryView(Box::new(entry_view::State::new(data, app.lang, Some(officer), app.today))));
            form
        }
        None => entry_form::State::new(program, items, app.today).with_herd(herd),
    };
    form.restore(&kept.draft);
    let (nip, name) = (officer.nip.clone(), officer.name.clone());
    app.offer = Some(Parked { nip, name, screen: Screen::EntryForm(Box::new(form)), back, draft: true });
}

/// The officer's entry form with something typed: on screen or behind it
/// while they are logged in, in their parked screens while locked.
fn officer_form<'a>(app: &'a App, nip: &Nip) -> Option<&'a entry_form::State> {
    let logged_in = app.actor.as_ref().is_some_and(|a| a.nip() == nip);
    let (screen, back) = if logged_in {
        (&app.screen, app.back.as_slice())
    } else {
        let parked = app.parked.iter().find(|p| &p.nip == nip)?;
        (&parked.screen, parked.back.as_slice())
    };
    std::iter::once(screen).chain(back.iter().rev()).find_map(|s| match s {
        Screen::EntryForm(form) if form.dirty() => Some(form.as_ref()),
        _ => None,
    })
}

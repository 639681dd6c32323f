//! Updates pushed by the server for other officers' saves (issue 10): the
//! screen shows them after an unlock, and the selection stays on its
//! record while rows come and go around it.

use super::{Harness, OPERATOR, PIN, SUPERVISOR};
use crate::domain::entry::{Entry, EntryDraft, Quantity, Status};
use crate::domain::sector::Kind;
use crate::i18n::Lang;
use crate::records::Update;
use crate::tui::event_loop::dispatch;
use crate::tui::keymap::Key;
use crate::tui::msg::Msg;
use crate::tui::screens::Screen;

/// The supervisor saves `what` in programme `program` today, as from
/// another terminal, and the server's update reaches this one.
fn another_officer_saves(h: &mut Harness, program: u32, what: &str) -> Entry {
    let supervisor = h.records.login(SUPERVISOR, PIN).unwrap();
    let draft = EntryDraft {
        program,
        date: h.records.today(),
        kind: Kind::Harvest,
        quantities: vec![Quantity::parse(what).unwrap()],
        participants: 2,
        officers: 0,
        cadets: 0,
        notes: String::new(),
        status: Status::Done,
    };
    let entry = h.records.add_entry(&supervisor, draft).unwrap();
    dispatch(&h.records, &mut h.app, Msg::Changed(Update::Entries { programs: vec![program], sites: vec![] }));
    entry
}

fn register(h: &Harness) -> &crate::tui::screens::program::State {
    match &h.app.screen {
        Screen::Program(p) => p,
        other => panic!("not a programme: {other:?}"),
    }
}

#[test]
fn saves_pushed_while_locked_show_after_the_unlock() {
    let mut h = Harness::logged_in(Lang::En);
    h.key(Key::Enter);
    let program = register(&h).id();
    h.key(Key::Lock);
    let saved = another_officer_saves(&mut h, program, "7 kg terong");
    h.typed(PIN).key(Key::Enter);
    assert_eq!(h.app.actor.as_ref().unwrap().nip().as_str(), OPERATOR);
    let shown = register(&h);
    assert!(shown.data.register.iter().any(|e| e.id == saved.id), "the save made while locked is missing");
    assert!(h.screen().contains("7 kg terong"), "{}", h.screen());
}

#[test]
fn the_register_selection_stays_on_its_entry_when_another_officer_saves() {
    let mut h = Harness::logged_in(Lang::En);
    h.key(Key::Enter).key(Key::Down).key(Key::Down);
    let program = register(&h).id();
    let chosen = register(&h).data.register[2].id;
    let saved = another_officer_saves(&mut h, program, "7 kg terong");
    let state = register(&h);
    assert_eq!(state.data.register[0].id, saved.id, "the new entry came on top");
    assert_eq!(state.data.register[state.selected.row()].id, chosen);
    h.key(Key::Enter);
    let Screen::EntryView(view) = &h.app.screen else { panic!("{}", h.screen()) };
    assert_eq!(view.data.entry.id, chosen, "Enter opens the entry that was selected");
}

#[test]
fn an_entry_saved_here_is_selected_once_the_register_reloads() {
    let mut h = Harness::logged_in(Lang::En);
    h.key(Key::Enter).key(Key::Down).key(Key::Down);
    h.key(Key::Char('t')).keys(&[Key::Tab, Key::Tab]).typed("3").keys(&[Key::Tab, Key::Tab]).typed("cabai");
    h.keys(&[Key::Tab, Key::Tab, Key::Tab, Key::Tab, Key::Enter]);
    let state = register(&h);
    assert_eq!(state.selected.row(), 0, "{}", h.screen());
    assert_eq!(state.data.register[0].draft.quantities, vec![Quantity::parse("3 kg cabai").unwrap()]);
}

#[test]
fn the_home_selection_stays_on_its_programme_when_rows_come_before_it() {
    let mut h = Harness::logged_in_as(Lang::En, super::ADMIN);
    h.key(Key::Down).key(Key::Down);
    let Screen::Home(home) = &mut h.app.screen else { panic!("not home") };
    let chosen = home.data.today[home.selected.row()].info.program.id;
    let mut data = home.data.clone();
    // A programme added at another terminal, listed before the chosen one.
    let mut added = data.today[0].clone();
    added.info.program.id = 999;
    data.today.insert(0, added);
    home.refresh(data);
    assert_eq!(home.data.today[home.selected.row()].info.program.id, chosen);
}

/// Enter opens an entry just as another officer's save makes the register
/// ask for its data again: the register's answer, come after the entry's,
/// refreshes the register under the entry, never covers the entry with a
/// second register (Esc would then lead back to the entry, not home).
#[test]
fn a_reload_answered_after_another_screen_opened_does_not_cover_it() {
    let mut h = Harness::logged_in(Lang::En);
    h.key(Key::Enter);
    let program = register(&h).id();
    let reload = crate::tui::update::update(
        &mut h.app,
        Msg::Changed(Update::Entries { programs: vec![program], sites: vec![] }),
    );
    assert!(matches!(reload.as_slice(), [crate::tui::msg::Cmd::Refresh(_)]), "{reload:?}");
    // Enter opens the selected entry before the reload is answered.
    h.key(Key::Enter);
    assert!(matches!(h.app.screen, Screen::EntryView(_)));
    let depth = h.app.back.len();
    for cmd in reload {
        let answer = crate::tui::effects::run(&h.records, cmd);
        dispatch(&h.records, &mut h.app, answer);
    }
    assert!(matches!(h.app.screen, Screen::EntryView(_)), "the late register covered the entry");
    assert_eq!(h.app.back.len(), depth);
    h.key(Key::Esc);
    assert!(matches!(h.app.screen, Screen::Program(_)));
}

//! Drafts kept by the server (tui/drafts.rs): when the form goes there,
//! that a new process offers it back, and that saving or throwing the form
//! away takes the draft with it. A new process is a new `App` over the
//! same records, as after a dropped link.

use super::{Harness, OPERATOR, PIN};
use crate::i18n::Lang;
use crate::records::FormDraft;
use crate::tui::drafts::{KEYS_PER_SAVE, send_unsent};
use crate::tui::keymap::Key;
use crate::tui::msg::Msg;
use crate::tui::screens::Screen;
use crate::tui::screens::entry_form::FormField;

fn kept(h: &Harness) -> Option<FormDraft> {
    let operator = h.records.login(OPERATOR, PIN).unwrap();
    h.records.saved_draft(&operator).unwrap()
}

fn form(h: &Harness) -> &crate::tui::screens::entry_form::State {
    match &h.app.screen {
        Screen::EntryForm(f) => f,
        other => panic!("not the form: {other:?} {:?}", h.app.notice),
    }
}

/// The operator on the chilli programme's new entry form with 12,5 typed
/// in the value, not yet Tabbed out of.
fn operator_typing() -> Harness {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Char('t')).keys(&[Key::Tab, Key::Tab]).typed("12,5");
    h
}

/// The interface ends (a dropped link) and a new one starts on the same
/// database: only the server's records remain.
fn new_process(h: &mut Harness) {
    h.app = crate::tui::start(&h.records, Lang::Id).unwrap();
    h.login(OPERATOR);
}

#[test]
fn a_field_change_keeps_the_form_on_the_server_and_typing_alone_every_few_keys() {
    let mut h = operator_typing();
    assert_eq!(kept(&h), None, "four keys in one field: not yet");
    h.key(Key::Tab);
    assert_eq!(kept(&h).unwrap().rows[0].value, "12,5", "leaving the field kept it");
    h.keys(&[Key::Tab]);
    let note = "x".repeat(KEYS_PER_SAVE as usize);
    h.typed(&note[1..]);
    assert_eq!(kept(&h).unwrap().rows[0].item, "", "one key short");
    h.typed("x");
    assert_eq!(kept(&h).unwrap().rows[0].item, note, "the sixteenth key kept it");
}

#[test]
fn a_new_process_offers_the_servers_draft_and_saving_it_forgets_the_draft() {
    let mut h = operator_typing();
    h.keys(&[Key::Tab, Key::Tab]).typed("cabai").key(Key::Tab);
    let entries = h.records.count_entries().unwrap();
    new_process(&mut h);
    assert!(h.app.offer.is_some(), "the draft is offered");
    let offered = h.screen();
    assert!(offered.contains("Catatan baru: Hortikultura Cabai & Sayur"), "{offered}");
    h.key(Key::Enter);
    let f = form(&h);
    assert_eq!((f.rows[0].value.text(), f.rows[0].item.text()), ("12,5", "cabai"));
    assert!(f.dirty(), "Esc would ask before throwing it away");
    assert!(matches!(h.app.back.as_slice(), [Screen::Home(_), Screen::Program(_)]), "{:?}", h.app.back);
    h.focus_field(FormField::Participants).typed("4").focus_field(FormField::Save).key(Key::Enter);
    assert!(matches!(h.app.screen, Screen::Program(_)), "{:?}", h.app.notice);
    assert_eq!(h.records.count_entries().unwrap(), entries + 1);
    assert_eq!(kept(&h), None, "the saved form took its draft with it");
    new_process(&mut h);
    assert!(h.app.offer.is_none(), "nothing is offered twice");
}

#[test]
fn a_declined_draft_is_forgotten_by_the_server_too() {
    let mut h = operator_typing();
    h.key(Key::Tab);
    new_process(&mut h);
    h.key(Key::Char('d'));
    assert!(h.app.offer.is_none());
    assert_eq!(kept(&h), None);
}

#[test]
fn a_form_thrown_away_takes_its_draft_with_it() {
    let mut h = operator_typing();
    h.key(Key::Tab);
    assert!(kept(&h).is_some());
    h.key(Key::Esc).key(Key::Char('y'));
    assert!(matches!(h.app.screen, Screen::Program(_)));
    assert_eq!(kept(&h), None);
}

#[test]
fn the_lock_keeps_what_was_typed_since_the_last_field() {
    let mut h = operator_typing();
    h.key(Key::Lock);
    assert_eq!(kept(&h).unwrap().rows[0].value, "12,5");
    // The same officer comes back and saves: the draft goes.
    h.typed(PIN).key(Key::Enter);
    h.keys(&[Key::Tab, Key::Tab]).typed("cabai").focus_field(FormField::Save).key(Key::Enter);
    assert!(matches!(h.app.screen, Screen::Program(_)), "{:?}", h.app.notice);
    assert_eq!(kept(&h), None);
}

#[test]
fn keys_not_yet_sent_wait_for_the_exit_and_quitting_sends_them() {
    let h = operator_typing();
    let unsent = h.app.drafts.unsent.clone();
    send_unsent(&h.records, &unsent);
    assert_eq!(kept(&h).unwrap().rows[0].value, "12,5", "sent on the way out (a signal, a lost terminal)");
    assert!(unsent.take().is_none(), "and only once");

    let mut h = operator_typing();
    // The first Ctrl-C warns that the form is not saved; the second quits.
    h.key(Key::Interrupt);
    assert!(!h.app.quit);
    h.key(Key::Interrupt);
    assert!(h.app.quit);
    assert_eq!(kept(&h).unwrap().rows[0].value, "12,5", "Ctrl-C sent it before quitting");
}

#[test]
fn a_correction_comes_back_as_a_correction_of_the_same_revision() {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Char('t')).keys(&[Key::Tab, Key::Tab]).typed("12,5").keys(&[Key::Tab, Key::Tab]).typed("cabai");
    h.focus_field(FormField::Save).key(Key::Enter);
    let Screen::Program(program) = &h.app.screen else { panic!("{:?}", h.app.notice) };
    let id = program.data.register[0].id;
    h.key(Key::Enter).key(Key::Char('c'));
    h.focus_field(FormField::Participants).typed("7").key(Key::Tab);
    assert_eq!(kept(&h).unwrap().correcting, Some((id, 1)));
    new_process(&mut h);
    h.key(Key::Enter);
    let f = form(&h);
    assert_eq!(f.correcting.as_ref().map(|c| (c.id, c.base)), Some((id, 1)));
    assert_eq!(f.participants.text(), "7");
    assert!(matches!(h.app.back.last(), Some(Screen::EntryView(_))), "Esc leads back to the entry");
    h.focus_field(FormField::Save).key(Key::Enter);
    assert_eq!(h.records.current(id).unwrap().draft.participants, 7);
    assert_eq!(kept(&h), None);
}

#[test]
fn keeping_a_draft_draws_nothing_and_costs_one_small_request() {
    let mut h = operator_typing();
    h.key(Key::Tab);
    let before = h.screen();
    super::super::event_loop::dispatch(&h.records, &mut h.app, Msg::DraftKept(Ok(())));
    let failed = crate::records::Error::Io { detail: "gone".into() };
    super::super::event_loop::dispatch(&h.records, &mut h.app, Msg::DraftKept(Err(failed)));
    assert_eq!(h.screen(), before, "the answer changes nothing on screen: no frame, no byte to the terminal");
    // What crosses the socket for a typical form.
    let draft = kept(&h).unwrap();
    let bytes = crate::server::protocol::frame(&crate::records::api::Request::save_draft { draft }).unwrap().len();
    assert!(bytes < 256, "a save_draft request of {bytes} bytes");
}

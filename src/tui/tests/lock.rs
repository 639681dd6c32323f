//! The idle lock, unlocking, switching officer and drafts, through update,
//! effects and a real database. Time is injected: nothing here waits.

use std::time::{Duration, Instant};

use super::{Harness, OPERATOR, PIN, SUPERVISOR};
use crate::i18n::Lang;
use crate::tui::app::Tone;
use crate::tui::keymap::Key;
use crate::tui::screens::Screen;

/// The operator on the chilli programme's new entry form with 12,5 typed.
fn operator_typing() -> Harness {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Char('t')).keys(&[Key::Tab, Key::Tab]).typed("12,5");
    let Screen::EntryForm(form) = &h.app.screen else { panic!("not the form") };
    assert_eq!(form.rows[0].value.text(), "12,5");
    h
}

fn form_value(h: &Harness) -> String {
    match &h.app.screen {
        Screen::EntryForm(form) => form.rows[0].value.text().to_string(),
        other => panic!("not the form: {other:?}"),
    }
}

#[test]
fn the_lock_falls_due_after_the_idle_time_without_a_key_and_not_before() {
    let mut h = operator_typing();
    h.app.idle_lock = Duration::from_secs(300);
    let t0 = Instant::now();
    h.app.touch(t0);
    assert_eq!(h.app.lock_deadline(), Some(t0 + Duration::from_secs(300)));
    h.idle_until(t0 + Duration::from_secs(299));
    assert!(matches!(h.app.screen, Screen::EntryForm(_)), "not yet");
    h.app.touch(t0 + Duration::from_secs(200));
    h.idle_until(t0 + Duration::from_secs(300));
    assert!(matches!(h.app.screen, Screen::EntryForm(_)), "a key moved the deadline");
    h.idle_until(t0 + Duration::from_secs(500));
    assert!(matches!(h.app.screen, Screen::Lock(_)));
    assert!(h.app.actor.is_none() && h.app.back.is_empty());
    assert_eq!(h.app.lock_deadline(), None, "nothing waits on a timer while locked");
}

#[test]
fn the_lock_screen_shows_no_record_data() {
    let mut h = Harness::logged_in(Lang::En);
    h.key(Key::Enter).key(Key::Char('t')).keys(&[Key::Tab, Key::Tab]).typed("3");
    h.keys(&[Key::Tab, Key::Tab]).typed("cabai").keys(&[Key::Tab, Key::Tab, Key::Tab, Key::Tab, Key::Enter]);
    let saved = h.screen();
    assert!(saved.contains("Hortikultura") && saved.contains("Saved: Harvest 3 kg cabai"), "{saved}");
    h.key(Key::Lock);
    let locked = h.screen();
    assert!(locked.contains("Operator Demo (199001012015031002)"), "{locked}");
    for shown_before in ["Hortikultura", "cabai", "Saved", "Entries", "Totals", "Lapas", "Agreements"] {
        assert!(!locked.contains(shown_before), "{shown_before} on the lock screen:\n{locked}");
    }
}

#[test]
fn the_same_officer_returns_to_the_form_exactly_as_it_was() {
    let mut h = operator_typing();
    let before = (h.app.screen.clone(), h.app.back.clone());
    h.key(Key::Lock);
    h.typed("654321").key(Key::Enter);
    assert_eq!(h.app.notice.as_ref().map(|n| n.tone), Some(Tone::Error));
    assert!(matches!(h.app.screen, Screen::Lock(_)), "a wrong PIN stays locked");
    h.typed(PIN).key(Key::Enter);
    assert_eq!((h.app.screen.clone(), h.app.back.clone()), before);
    assert_eq!(h.app.actor.as_ref().unwrap().nip().as_str(), OPERATOR);
    h.typed("5");
    assert_eq!(form_value(&h), "12,55", "typing goes on where it stopped");
}

#[test]
fn another_officer_starts_at_home_and_the_first_gets_their_draft_back() {
    let mut h = operator_typing();
    h.key(Key::Lock).key(Key::Tab);
    assert!(matches!(h.app.screen, Screen::Login(_)));
    h.login(SUPERVISOR);
    assert!(matches!(h.app.screen, Screen::Home(_)));
    assert!(h.app.back.is_empty() && h.app.offer.is_none());
    assert_eq!(h.app.parked.len(), 1, "the operator's unsaved form waits");
    assert!(h.app.parked[0].draft);
    h.key(Key::Char('x'));
    h.login(OPERATOR);
    assert!(matches!(h.app.screen, Screen::Home(_)));
    assert!(h.app.offer.is_some(), "the draft is offered");
    assert!(h.screen().contains("Catatan baru: Hortikultura Cabai & Sayur"), "{}", h.screen());
    h.key(Key::Enter);
    assert_eq!(form_value(&h), "12,5");
    assert!(h.app.offer.is_none());
    assert!(h.app.parked.is_empty(), "the supervisor left nothing unsaved");
    h.key(Key::Esc).key(Key::Char('y'));
    assert!(matches!(h.app.screen, Screen::Program(_)), "the draft's screens came back with it");
}

#[test]
fn a_declined_draft_is_gone() {
    let mut h = operator_typing();
    h.key(Key::Char('?')).key(Key::Lock).key(Key::Char('x'));
    h.login(SUPERVISOR).key(Key::Char('x')).login(OPERATOR);
    assert!(h.app.offer.is_some());
    h.key(Key::Char('d'));
    assert!(h.app.offer.is_none() && h.app.parked.is_empty());
    assert!(matches!(h.app.screen, Screen::Home(_)));
    assert_eq!(h.app.notice.as_ref().unwrap().text, "Isian yang belum disimpan dibuang.");
}

#[test]
fn without_unsaved_work_nothing_is_kept_for_the_first_officer() {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Enter);
    assert!(matches!(h.app.screen, Screen::Program(_)));
    h.key(Key::Char('x'));
    assert!(matches!(h.app.screen, Screen::Login(_)));
    h.login(SUPERVISOR);
    assert!(h.app.parked.is_empty());
    h.key(Key::Char('x')).login(OPERATOR);
    assert!(matches!(h.app.screen, Screen::Home(_)) && h.app.offer.is_none());
}

#[test]
fn switching_from_a_screen_and_back_returns_to_it() {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Enter).key(Key::Enter);
    assert!(matches!(h.app.screen, Screen::EntryView(_)));
    h.key(Key::Char('x')).login(OPERATOR);
    assert!(matches!(h.app.screen, Screen::EntryView(_)), "nobody else came in between");
    assert_eq!(h.app.back.len(), 2);
}

#[test]
fn a_lock_while_a_draft_is_offered_keeps_the_draft() {
    let mut h = operator_typing();
    h.key(Key::Lock).key(Key::Tab).login(SUPERVISOR).key(Key::Char('x')).login(OPERATOR);
    assert!(h.app.offer.is_some());
    h.key(Key::Lock);
    h.typed(PIN).key(Key::Enter);
    assert_eq!(form_value(&h), "12,5");
}

#[test]
fn five_wrong_pins_on_the_lock_screen_lock_the_nip_and_say_until_when() {
    let mut h = Harness::logged_in(Lang::En);
    h.key(Key::Lock);
    for _ in 0..5 {
        h.typed("000000").key(Key::Enter);
    }
    let notice = h.app.notice.clone().unwrap();
    assert_eq!(notice.tone, Tone::Error);
    assert!(
        notice.text.starts_with("Too many wrong PINs. This NIP is locked until 10/03/2026 09:05"),
        "{}",
        notice.text
    );
    h.typed(PIN).key(Key::Enter);
    assert!(matches!(h.app.screen, Screen::Lock(_)), "even the right PIN waits for the lockout");
    assert!(h.screen().contains("locked until 10/03/2026 09:05"), "{}", h.screen());
}

#[test]
fn keys_do_not_reach_a_locked_screen() {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Lock);
    h.keys(&[Key::Char('q'), Key::Esc, Key::Char('t'), Key::Char('p')]);
    assert!(matches!(h.app.screen, Screen::Lock(_)));
    assert!(!h.app.quit, "Esc and q do not quit and lose the locked work");
    assert!(h.app.actor.is_none());
}

#[test]
fn quitting_with_a_parked_draft_asks_twice() {
    let mut h = operator_typing();
    h.key(Key::Lock).key(Key::Tab);
    assert!(matches!(h.app.screen, Screen::Login(_)));
    assert_eq!(h.app.parked.len(), 1);
    h.key(Key::Esc);
    assert!(!h.app.quit, "the first Esc warns");
    assert!(h.screen().contains("1 isian petugas belum disimpan; isian itu disimpan sebagai"), "{}", h.screen());
    h.key(Key::Char('1')).key(Key::Esc);
    assert!(!h.app.quit, "another key in between starts the warning again");
    h.key(Key::Esc);
    assert!(h.app.quit);
}

/// An admin whose name is longer than any header leaves room for.
const LONG_NAME: &str = "Raden Mas Bambang Sulistyo Wicaksono Hadiningrat Putra Nusantara";
const LONG_NIP: &str = "198203032006041004";

fn long_named(lang: Lang) -> Harness {
    let mut h = Harness::new(lang, true);
    let admin = h.records.login(super::ADMIN, PIN).unwrap();
    h.records.add_officer(Some(&admin), LONG_NIP, LONG_NAME, crate::domain::officer::Role::Admin, PIN).unwrap();
    h.login(LONG_NIP);
    h
}

#[test]
fn a_long_name_gives_way_to_the_programme_in_the_title_and_the_lock_box_keeps_its_words() {
    for lang in [Lang::Id, Lang::En] {
        let mut h = long_named(lang);
        h.key(Key::Enter);
        let Screen::Program(p) = &h.app.screen else { panic!("{}", h.screen()) };
        let programme = p.data.info.program.name.clone();
        let screen = h.screen();
        let header = screen.lines().next().unwrap();
        assert!(header.contains(&programme) && header.contains("10/03/2026"), "{screen}");
        assert!(header.contains("Raden Mas") && header.contains('…'), "the name is shortened, not dropped: {header}");
        h.key(Key::Lock);
        let locked = h.screen();
        let tab = if lang == Lang::Id { "Petugas lain: tekan Tab untuk masuk." } else { "press Tab to log in." };
        let joined = locked.split('│').map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
        assert!(joined.contains(tab), "{locked}");
        assert!(joined.contains(LONG_NIP), "{locked}");
    }
}

#[test]
fn ctrl_c_on_a_form_being_typed_warns_first_and_a_second_quits() {
    let mut h = operator_typing();
    h.key(Key::Interrupt);
    assert!(!h.app.quit, "typed work would be lost without a word");
    assert_eq!(h.app.notice.as_ref().map(|n| n.tone), Some(Tone::Error));
    assert!(h.screen().contains("Tekan Ctrl-C lagi"), "{}", h.screen());
    assert_eq!(form_value(&h), "12,5", "the form is kept");
    h.key(Key::Interrupt);
    assert!(h.app.quit);
}

#[test]
fn ctrl_c_with_another_officers_draft_waiting_warns_as_q_does() {
    let mut h = operator_typing();
    h.key(Key::Lock).key(Key::Tab);
    h.login(SUPERVISOR);
    h.key(Key::Interrupt);
    assert!(!h.app.quit);
    let said = h.app.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(said.contains("draf"), "{said}");
    // Any other key between, and the question is asked again.
    h.key(Key::Down).key(Key::Interrupt);
    assert!(!h.app.quit);
    h.key(Key::Interrupt);
    assert!(h.app.quit);
}

#[test]
fn ctrl_c_with_nothing_typed_quits_at_once() {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Enter).key(Key::Interrupt);
    assert!(h.app.quit);
}

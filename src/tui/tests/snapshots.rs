//! Every screen at 80x24 in Indonesian and English, with demo data.

use insta::assert_snapshot;

use super::{ADMIN, Harness, PIN};
use crate::i18n::Lang;
use crate::tui::keymap::Key;
use crate::tui::theme::Theme;

fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::Id => "id",
        Lang::En => "en",
    }
}

fn first_run(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::new(lang, false);
    assert_snapshot!(format!("setup_{l}"), h.screen());
    h.typed("12345").key(Key::Enter).key(Key::Enter).typed("1234").key(Key::Enter).key(Key::Enter);
    assert_snapshot!(format!("setup_problems_{l}"), h.screen());
    let mut h = Harness::new(lang, true);
    assert_snapshot!(format!("login_{l}"), h.screen());
    h.typed(ADMIN).key(Key::Enter).typed("111111").key(Key::Enter);
    assert_snapshot!(format!("login_failed_{l}"), h.screen());
    h.typed(PIN);
    h.key(Key::Char('?'));
    assert_snapshot!(format!("help_login_{l}"), h.screen());
}

fn main_screens(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::logged_in(lang);
    assert_snapshot!(format!("home_{l}"), h.screen());
    h.key(Key::Char('?'));
    assert_snapshot!(format!("help_home_{l}"), h.screen());
    h.key(Key::Esc).key(Key::Char('p'));
    assert_snapshot!(format!("programs_{l}"), h.screen());
    h.typed("gla");
    assert_snapshot!(format!("programs_filtered_{l}"), h.screen());
    h.key(Key::Esc).key(Key::Down).key(Key::Enter);
    assert_snapshot!(format!("program_livestock_{l}"), h.screen());
    h.key(Key::Esc).key(Key::Esc).key(Key::Esc);
    h.key(Key::Enter);
    assert_snapshot!(format!("program_{l}"), h.screen());
    h.key(Key::Char('t'));
    assert_snapshot!(format!("entry_form_{l}"), h.screen());
    h.keys(&[Key::Tab, Key::Tab]).typed("1.250,5").keys(&[Key::Tab, Key::Tab, Key::Down, Key::Tab]).typed("lima");
    h.keys(&[Key::Tab, Key::Tab, Key::Enter]);
    assert_snapshot!(format!("entry_form_problems_{l}"), h.screen());
    h.key(Key::Esc);
    assert_snapshot!(format!("entry_form_discard_{l}"), h.screen());
    h.key(Key::Char('n')).key(Key::Char('?'));
    assert_snapshot!(format!("help_entry_form_{l}"), h.screen());
    h.key(Key::Esc).key(Key::Home);
    for _ in 0..7 {
        h.key(Key::Backspace);
    }
    h.typed("12,5").keys(&[Key::Tab, Key::Tab, Key::Tab]);
    for _ in 0..4 {
        h.key(Key::Backspace);
    }
    h.typed("6").keys(&[Key::Tab, Key::Tab, Key::Enter]);
    assert_snapshot!(format!("saved_{l}"), h.screen());
    h.key(Key::Enter);
    assert_snapshot!(format!("entry_view_{l}"), h.screen());
    h.key(Key::Char('?'));
    assert_snapshot!(format!("help_entry_view_{l}"), h.screen());
    assert_snapshot!(format!("too_small_{l}"), h.screen_at(79, 24));
}

fn other_forms(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::logged_in(lang);
    h.key(Key::End).key(Key::Char('t'));
    assert_snapshot!(format!("entry_form_training_{l}"), h.screen());
    h.key(Key::Esc).key(Key::Esc).keys(&[Key::Home, Key::Down, Key::Char('t'), Key::Tab]);
    for _ in 0..4 {
        h.key(Key::Down);
    }
    h.keys(&[Key::Tab, Key::Tab, Key::Tab, Key::Tab]);
    assert_snapshot!(format!("entry_form_sale_{l}"), h.screen());
}

#[test]
fn first_run_and_login_id() {
    first_run(Lang::Id);
}

#[test]
fn first_run_and_login_en() {
    first_run(Lang::En);
}

#[test]
fn main_screens_id() {
    main_screens(Lang::Id);
}

#[test]
fn main_screens_en() {
    main_screens(Lang::En);
}

#[test]
fn other_forms_id() {
    other_forms(Lang::Id);
}

#[test]
fn other_forms_en() {
    other_forms(Lang::En);
}

/// Without UTF-8 the borders are + - |, and the marks ASCII too.
#[test]
fn ascii_home() {
    let mut h = Harness::logged_in(Lang::Id);
    h.theme = Theme { color: false, ascii: true };
    h.key(Key::Char('j'));
    assert_snapshot!("home_ascii", h.screen());
}

//! What a Tab through the entry form sends on the wire (issue 12): the two
//! labels whose focus changed, and the same screen a fresh terminal shows.

use ratatui::Terminal;

use super::Harness;
use crate::i18n::Lang;
use crate::tui::backend::LeanBackend;
use crate::tui::keymap::Key;
use crate::tui::screens::Screen;
use crate::tui::screens::entry_form::FormField;
use crate::tui::view;

fn draw(h: &Harness, term: &mut Terminal<LeanBackend<Vec<u8>>>) -> Vec<u8> {
    term.backend_mut().writer_mut().clear();
    term.draw(|f| view::draw(&h.app, h.theme, f)).unwrap();
    term.backend().writer().clone()
}

fn fresh(h: &Harness) -> vt100::Parser {
    let mut term = Terminal::new(LeanBackend::with_size(Vec::new(), 80, 24)).unwrap();
    let mut screen = vt100::Parser::new(24, 80, 0);
    screen.process(&draw(h, &mut term));
    screen
}

#[test]
fn a_tab_redraws_the_two_labels_and_leaves_the_screen_a_fresh_one_shows() {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Enter).key(Key::Char('t'));
    let mut term = Terminal::new(LeanBackend::with_size(Vec::new(), 80, 24)).unwrap();
    let mut screen = vt100::Parser::new(24, 80, 0);
    screen.process(&draw(&h, &mut term));
    let Screen::EntryForm(form) = &h.app.screen else { panic!("not the form") };
    let fields = form.fields();
    for pair in fields.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        h.key(Key::Tab);
        let Screen::EntryForm(form) = &h.app.screen else { panic!("not the form") };
        assert_eq!(form.focus, to);
        let written = draw(&h, &mut term);
        screen.process(&written);
        let written = String::from_utf8(written).unwrap();
        // Into or out of the item (its earlier items beside it) and onto
        // Save (Enter saves there, the footer says so) cost more.
        let plain = |f: FormField| !matches!(f, FormField::Item(_) | FormField::Save);
        if plain(from) && plain(to) {
            assert!(written.len() <= 60, "{from:?} to {to:?}: {} bytes {written:?}", written.len());
        }
        let shown = fresh(&h);
        // A blank written and a cell never written read differently: compare
        // what shows.
        let text = |p: &vt100::Parser| -> Vec<String> {
            p.screen().contents().lines().map(|l| l.trim_end().to_string()).collect()
        };
        assert_eq!(text(&screen), text(&shown), "{from:?} to {to:?}");
        assert_eq!(screen.screen().hide_cursor(), shown.screen().hide_cursor(), "{from:?} to {to:?}");
        if !shown.screen().hide_cursor() {
            assert_eq!(screen.screen().cursor_position(), shown.screen().cursor_position(), "{from:?} to {to:?}");
        }
        for row in 0..24 {
            for col in 0..80 {
                let (a, b) = (screen.screen().cell(row, col).unwrap(), shown.screen().cell(row, col).unwrap());
                if a.contents().trim().is_empty() && b.contents().trim().is_empty() && !b.inverse() {
                    continue;
                }
                assert_eq!(
                    (a.inverse(), a.bold(), a.fgcolor()),
                    (b.inverse(), b.bold(), b.fgcolor()),
                    "at {row},{col}"
                );
            }
        }
    }
}

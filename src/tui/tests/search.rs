//! The register searched from the programme screen (issue 11): a day to
//! go to, a text to find, a kind and a state to filter by; Esc clears the
//! search before it leaves.

use super::Harness;
use crate::i18n::Lang;
use crate::records::EntryState;
use crate::tui::keymap::Key;
use crate::tui::screens::Screen;
use crate::tui::screens::program::State;

fn register(h: &Harness) -> &State {
    match &h.app.screen {
        Screen::Program(p) => p,
        other => panic!("not a programme: {other:?}"),
    }
}

#[test]
fn g_goes_to_a_day_slash_finds_text_f_and_s_filter_and_esc_clears_then_leaves() {
    let mut h = Harness::logged_in(Lang::En);
    h.key(Key::Enter);
    let newest = register(&h).data.register.len();
    assert!(newest > 0);

    h.key(Key::Char('g')).typed("31/13/2026").key(Key::Enter);
    assert!(register(&h).prompt.as_ref().is_some_and(|p| p.asked.problem.is_some()), "a bad day is refused");
    assert!(h.screen().contains("! "), "{}", h.screen());
    for _ in 0..10 {
        h.key(Key::Backspace);
    }
    h.typed("01/03/2026").key(Key::Enter);
    let through = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let shown = register(&h);
    assert_eq!(shown.query.through, Some(through));
    assert!(!shown.data.register.is_empty() && shown.data.register.iter().all(|e| e.draft.date <= through));
    assert!(h.screen().contains("Search: to 01/03/2026"), "{}", h.screen());

    h.key(Key::Char('/')).typed("TERONG").key(Key::Enter);
    let shown = register(&h);
    assert!(!shown.data.register.is_empty());
    assert!(
        shown
            .data
            .register
            .iter()
            .all(|e| e.draft.date <= through && e.draft.quantities.iter().any(|q| q.item.contains("terong")))
    );

    h.key(Key::Char('s'));
    assert_eq!(register(&h).query.state, Some(EntryState::Done));
    h.key(Key::Char('f'));
    assert!(register(&h).query.kind.is_some());

    h.key(Key::Esc);
    let shown = register(&h);
    assert!(!shown.searching(), "Esc clears the search first");
    assert_eq!(shown.data.register.len(), newest);
    h.key(Key::Esc);
    assert!(matches!(h.app.screen, Screen::Home(_)));
}

#[test]
fn a_search_that_finds_nothing_says_so_and_how_to_go_back() {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Enter).key(Key::Char('/')).typed("tidak ada yang begini").key(Key::Enter);
    assert!(register(&h).data.register.is_empty());
    assert!(h.screen().contains("Tidak ada catatan yang cocok."), "{}", h.screen());
}

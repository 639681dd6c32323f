//! The verification queue filtered by site, programme and days, and a
//! marked range verified at once after a question that says how many
//! (issue 11).

use super::{Harness, SUPERVISOR};
use crate::i18n::Lang;
use crate::tui::keymap::Key;
use crate::tui::screens::Screen;
use crate::tui::screens::queue::State;

fn queue(h: &Harness) -> &State {
    match &h.app.screen {
        Screen::Queue(q) => q,
        other => panic!("not the queue: {other:?}"),
    }
}

#[test]
fn the_queue_filters_and_verifies_a_marked_range_after_saying_how_many() {
    let mut h = Harness::logged_in_as(Lang::En, SUPERVISOR);
    h.key(Key::Char('v'));
    let all = queue(&h).data.rows.len();
    assert!(all > 3, "{all}");

    h.key(Key::Char('l'));
    let site = queue(&h).data.filter.site.expect("a site chosen");
    let programs = h.records.programs().unwrap();
    let at_site = |id: u32| programs.iter().any(|p| p.id == id && p.site == site);
    assert!(queue(&h).data.rows.iter().all(|r| at_site(r.entry.draft.program)));
    assert!(h.screen().contains(" · "), "the title names the filter:\n{}", h.screen());

    h.key(Key::Char('d')).typed("01/02/2026-28/02/2026").key(Key::Enter);
    let shown = queue(&h);
    assert!(shown.data.rows.iter().all(|r| r.entry.draft.date.format("%m").to_string() == "02"));
    let waiting = shown.data.rows.len();
    assert!(waiting >= 2, "{waiting}");

    h.key(Key::Char(' ')).key(Key::Char(' '));
    assert_eq!(queue(&h).marked.len(), 2);
    h.key(Key::Char('V'));
    assert!(h.screen().contains("Verify the 2 marked entries?"), "{}", h.screen());
    h.key(Key::Char('y'));
    assert!(h.screen().contains("2 entries verified."), "{}", h.screen());
    assert_eq!(queue(&h).data.rows.len(), waiting - 2, "the verified left the queue");
    assert!(queue(&h).marked.is_empty());

    // Esc clears the filter before it leaves.
    h.key(Key::Esc);
    assert_eq!(queue(&h).data.rows.len(), all - 2);
    h.key(Key::Esc);
    assert!(matches!(h.app.screen, Screen::Home(_)));
}

#[test]
fn days_that_do_not_read_are_refused_with_the_reason() {
    let mut h = Harness::logged_in_as(Lang::Id, SUPERVISOR);
    h.key(Key::Char('v')).key(Key::Char('d')).typed("31/02/2026").key(Key::Enter);
    assert!(queue(&h).days.as_ref().is_some_and(|asked| asked.problem.is_some()));
    assert!(h.screen().contains("! "), "{}", h.screen());
}

#[test]
fn the_line_under_the_queue_names_the_recorder_and_a_revision_only_once_corrected() {
    let mut h = Harness::logged_in_as(Lang::En, SUPERVISOR);
    h.key(Key::Char('v'));
    let first = queue(&h).data.rows[0].entry.clone();
    assert_eq!(first.revision, 1);
    let name = h.records.officers().unwrap().into_iter().find(|o| o.nip == first.recorded_by).unwrap().name;
    let line = |h: &Harness| h.screen().lines().rev().nth(1).unwrap_or_default().to_string();
    assert!(line(&h).starts_with(&format!("Recorded by {name}, ")), "{}", h.screen());
    assert!(!line(&h).contains(&first.recorded_by.to_string()), "the NIP is in the entry's view: {}", line(&h));

    let recorder = h.records.login(&first.recorded_by.to_string(), super::PIN).unwrap();
    let mut draft = first.draft.clone();
    draft.participants += 1;
    h.records.correct_entry(&recorder, first.id, 1, draft, "counted again").unwrap();
    h.key(Key::Esc).key(Key::Char('v'));
    assert_eq!(queue(&h).data.rows[0].entry.id, first.id, "still the oldest");
    assert!(line(&h).starts_with(&format!("Revision 2 recorded by {name}, ")), "{}", h.screen());
}

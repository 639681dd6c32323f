//! Corrections, voids and verification from the entry screen and the
//! queue, through update, effects and a real database. The records API
//! decides; these check what the screens offer and show.

use super::{Harness, OPERATOR, SUPERVISOR};
use crate::domain::entry::EntryDraft;
use crate::i18n::Lang;
use crate::tui::keymap::Key;
use crate::tui::screens::Screen;
use crate::tui::screens::entry_form::FormField;

/// Records 12,5 kg cabai with 4 WBP as the logged-in officer, from home,
/// and returns its id; the programme's register is on screen.
fn record_harvest(h: &mut Harness) -> u64 {
    h.key(Key::Char('t')).keys(&[Key::Tab, Key::Tab]).typed("12,5").keys(&[Key::Tab, Key::Tab]).typed("cabai");
    h.keys(&[Key::Tab, Key::Tab]).typed("4").keys(&[Key::Tab, Key::Tab, Key::Enter]);
    let Screen::Program(program) = &h.app.screen else { panic!("{:?}", h.app.notice) };
    program.data.register[0].id
}

fn view(h: &Harness) -> &crate::tui::screens::entry_view::State {
    match &h.app.screen {
        Screen::EntryView(v) => v,
        other => panic!("not an entry: {other:?} {:?}", h.app.notice),
    }
}

fn form(h: &Harness) -> &crate::tui::screens::entry_form::State {
    match &h.app.screen {
        Screen::EntryForm(f) => f,
        other => panic!("not the form: {other:?}"),
    }
}

fn retype(h: &mut Harness, text: &str) {
    h.retype(text);
}

fn focus(h: &mut Harness, field: FormField) {
    h.focus_field(field);
}

#[test]
fn an_operator_corrects_their_own_entry_the_same_day_without_a_reason() {
    let mut h = Harness::logged_in(Lang::Id);
    record_harvest(&mut h);
    h.key(Key::Enter);
    let allowed = view(&h).allowed;
    assert!(allowed.correct && !allowed.void && !allowed.verify, "{allowed:?}");
    assert!(h.screen().contains("c koreksi"), "{}", h.screen());
    assert!(!h.screen().contains("b batalkan"));
    h.key(Key::Char('c'));
    let f = form(&h);
    assert_eq!(
        (f.rows[0].value.text(), f.rows[0].item.text(), f.participants.text()),
        ("12,5", "cabai", "4"),
        "filled in"
    );
    assert!(f.fields().contains(&FormField::Reason));
    assert!(!f.dirty());
    focus(&mut h, FormField::Value(0));
    retype(&mut h, "13");
    focus(&mut h, FormField::Save);
    h.key(Key::Enter);
    assert_eq!(h.app.notice.as_ref().map(|n| n.text.as_str()), Some("Koreksi tersimpan sebagai revisi 2."));
    let v = view(&h);
    assert_eq!(v.data.entry.revision, 2);
    assert_eq!(v.data.history.len(), 2);
    assert!(h.screen().contains("Jumlah: 12,5 kg cabai → 13 kg cabai"), "{}", h.screen());
    assert!(h.screen().contains("Alasan: -"));
    h.key(Key::Esc);
    let Screen::Program(program) = &h.app.screen else { panic!("back on the programme") };
    assert_eq!(program.data.register[0].draft.quantities[0].value.to_plain(), "13", "the register was reloaded");
}

#[test]
fn an_operator_cannot_correct_an_entry_someone_else_recorded_and_is_offered_no_key() {
    let mut h = Harness::logged_in_as(Lang::Id, SUPERVISOR);
    let id = record_harvest(&mut h);
    h.key(Key::Char('x')).login(OPERATOR).load(crate::tui::screens::Load::EntryView(id));
    let v = view(&h);
    assert_eq!(v.allowed, Default::default());
    assert!(h.screen().contains("j/k gulir  Esc kembali"), "{}", h.screen());
    h.key(Key::Char('c')).key(Key::Char('b')).key(Key::Char('v'));
    assert!(matches!(h.app.screen, Screen::EntryView(_)), "the keys do nothing");
}

#[test]
fn a_supervisor_must_give_a_reason_and_the_records_api_says_so() {
    let mut h = Harness::logged_in(Lang::En);
    let id = record_harvest(&mut h);
    h.key(Key::Char('x')).login(SUPERVISOR).load(crate::tui::screens::Load::EntryView(id));
    let allowed = view(&h).allowed;
    assert!(allowed.correct && allowed.void && allowed.verify, "{allowed:?}");
    h.key(Key::Char('c'));
    focus(&mut h, FormField::Participants);
    retype(&mut h, "5");
    focus(&mut h, FormField::Save);
    h.key(Key::Enter);
    let f = form(&h);
    assert_eq!(f.problems, vec![(FormField::Reason, "Write the reason for this change.".to_string())]);
    assert_eq!(f.focus, FormField::Reason);
    assert_eq!(h.records.current(id).unwrap().revision, 1, "nothing stored");
    h.typed("counted again");
    focus(&mut h, FormField::Save);
    h.key(Key::Enter);
    let v = view(&h);
    assert_eq!(v.data.entry.revision, 2);
    assert_eq!(v.data.entry.draft.participants, 5);
    let screen = h.screen();
    assert!(screen.contains("Operator Demo (199001012015031002)"), "{screen}");
    assert!(screen.contains("Supervisor Demo (198705052010012003)"), "{screen}");
    assert!(screen.contains("WBP taking part: 4 WBP → 5 WBP"), "{screen}");
    assert!(screen.contains("Reason: counted again"), "{screen}");
}

#[test]
fn a_stale_base_keeps_the_typed_correction_and_names_the_officer_who_changed_it() {
    let mut h = Harness::logged_in(Lang::En);
    let id = record_harvest(&mut h);
    h.key(Key::Char('x')).login(SUPERVISOR).load(crate::tui::screens::Load::EntryView(id)).key(Key::Char('c'));
    // Meanwhile the operator corrects it from the command line.
    let operator = h.records.login(OPERATOR, super::PIN).unwrap();
    let mut draft: EntryDraft = h.records.current(id).unwrap().draft;
    draft.participants = 9;
    h.records.correct_entry(&operator, id, 1, draft, "").unwrap();
    focus(&mut h, FormField::Reason);
    h.typed("weighed again");
    focus(&mut h, FormField::Save);
    h.key(Key::Enter);
    let Screen::EntryForm(form) = &h.app.screen else { panic!("the typed correction is kept: {:?}", h.app.notice) };
    assert_eq!(form.reason.text(), "weighed again");
    let said = &form.problems[0].1;
    assert!(
        said.starts_with(&format!("Entry {id} was just changed by Operator Demo ({OPERATOR}): revision 2,")),
        "the other officer by name: {said}"
    );
    assert!(h.screen().contains("Operator Demo"), "{}", h.screen());
    assert_eq!(h.records.current(id).unwrap().revision, 2, "the stale correction was not stored");
    // Saving again, having seen it, corrects the newest revision.
    h.key(Key::Enter);
    let v = view(&h);
    assert_eq!(v.data.entry.revision, 3, "{:?}", h.app.notice);
    assert_eq!(h.records.current(id).unwrap().reason, "weighed again");
}

#[test]
fn a_void_asks_why_then_whether_and_the_entry_stops_counting() {
    let mut h = Harness::logged_in(Lang::Id);
    let id = record_harvest(&mut h);
    h.key(Key::Char('x')).login(SUPERVISOR).load(crate::tui::screens::Load::EntryView(id));
    h.key(Key::Char('b'));
    assert!(view(&h).void.is_some());
    h.key(Key::Enter);
    assert!(view(&h).void.as_ref().unwrap().confirming);
    h.key(Key::Char('y'));
    let dialog = view(&h).void.clone().unwrap();
    assert_eq!(dialog.problem.as_deref(), Some("Tulis alasan perubahan ini."), "the records API wants a reason");
    assert!(!dialog.confirming);
    h.typed("salah program").key(Key::Enter).key(Key::Char('n'));
    assert!(!view(&h).void.as_ref().unwrap().confirming, "n goes back to the reason");
    h.key(Key::Enter).key(Key::Char('y'));
    let v = view(&h);
    assert!(v.void.is_none() && v.data.entry.voided);
    assert_eq!(v.allowed, Default::default(), "a voided entry takes no more changes");
    assert!(h.screen().contains("dibatalkan: salah program"), "{}", h.screen());
    assert!(h.records.current(id).unwrap().voided);
}

#[test]
fn esc_closes_the_void_dialog_without_voiding() {
    let mut h = Harness::logged_in_as(Lang::En, SUPERVISOR);
    h.key(Key::Enter).key(Key::Enter);
    let id = view(&h).data.entry.id;
    h.key(Key::Char('b')).typed("oops").key(Key::Esc);
    assert!(view(&h).void.is_none());
    assert!(!h.records.current(id).unwrap().voided);
}

#[test]
fn the_queue_lists_the_oldest_first_and_verifying_takes_an_entry_off_it() {
    let mut h = Harness::logged_in_as(Lang::En, SUPERVISOR);
    h.key(Key::Char('v'));
    let Screen::Queue(queue) = &h.app.screen else { panic!("{:?}", h.app.notice) };
    let before = queue.data.rows.len();
    assert!(before > 10);
    let dates: Vec<_> = queue.data.rows.iter().map(|r| r.entry.draft.date).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    let first = queue.data.rows[0].entry.clone();
    let program = queue.data.rows[0].program.clone();
    h.key(Key::Char('v'));
    let said = format!(
        "Entry {} ({program}, {}) revision 1 is verified.",
        first.id,
        crate::domain::date::format_date(first.draft.date)
    );
    assert_eq!(h.app.notice.as_ref().unwrap().text, said, "the entry is named");
    let Screen::Queue(queue) = &h.app.screen else { panic!("still the queue") };
    assert_eq!(queue.data.rows.len(), before - 1);
    assert!(h.records.verification(first.id, first.revision).unwrap().is_some());
    h.key(Key::Enter);
    let id = view(&h).data.entry.id;
    assert!(view(&h).allowed.verify);
    h.key(Key::Char('v'));
    let v = view(&h);
    assert!(!v.allowed.verify, "verified once is enough");
    let screen = h.screen();
    assert!(screen.contains("✓ verified by Supervisor Demo (198705052010012003), 10/03/2026"), "{screen}");
    assert!(screen.contains("done · ✓ verified"), "{screen}");
    h.key(Key::Esc);
    let Screen::Queue(queue) = &h.app.screen else { panic!("back on the queue") };
    assert_eq!(queue.data.rows.len(), before - 2);
    assert!(queue.data.rows.iter().all(|r| r.entry.id != id));
}

#[test]
fn operators_have_no_queue() {
    let mut h = Harness::logged_in(Lang::En);
    h.key(Key::Char('v')).key(Key::Char('a'));
    assert!(matches!(h.app.screen, Screen::Home(_)));
    assert!(!h.screen().contains("v verify"));
}

#[test]
fn long_notes_are_shown_in_full_on_the_entry_screen() {
    let mut h = Harness::logged_in(Lang::En);
    let words: Vec<String> = (1..=60).map(|n| format!("catatan{n}")).collect();
    let notes = words.join(" ");
    h.key(Key::Char('t')).keys(&[Key::Tab, Key::Tab]).typed("12,5").keys(&[Key::Tab, Key::Tab]).typed("cabai");
    focus(&mut h, FormField::Notes);
    h.typed(&notes);
    h.keys(&[Key::Tab, Key::Enter]);
    let Screen::Program(_) = &h.app.screen else { panic!("{:?}\n{}", h.app.notice, h.screen()) };
    h.key(Key::Enter);
    assert_eq!(view(&h).data.entry.draft.notes, notes);
    // Scroll to the end, gathering every line shown on the way.
    let mut seen = h.screen();
    for _ in 0..10 {
        h.key(Key::Char('j'));
        seen.push_str(&h.screen());
    }
    for word in &words {
        assert!(seen.split(|c: char| c.is_whitespace() || c == '│').any(|w| w == word), "{word} never shown:\n{seen}");
    }
}

#[test]
fn the_register_marks_voided_and_verified_entries_without_colour_too() {
    let mut h = Harness::logged_in(Lang::En);
    let verified = record_harvest(&mut h);
    let voided = record_harvest(&mut h);
    let supervisor = h.records.login(SUPERVISOR, crate::tui::tests::PIN).unwrap();
    h.records.verify_entry(&supervisor, verified, 1).unwrap();
    h.records.void_entry(&supervisor, voided, 1, "double").unwrap();
    let Screen::Program(p) = &h.app.screen else { panic!("not the register") };
    let program = p.id();
    h.load(crate::tui::screens::program::open(program, false));
    let rows = |h: &Harness| -> Vec<String> {
        h.screen()
            .lines()
            .filter(|l| l.contains("12.5 kg cabai"))
            .map(|l| l.split("││").next().unwrap().to_string())
            .collect()
    };
    // Newest first: the voided one, then the verified one.
    let shown = rows(&h);
    assert!(shown[0].contains("× 10/03/2026"), "{shown:?}");
    assert!(shown[1].contains("✓ 10/03/2026"), "{shown:?}");
    h.theme = crate::tui::theme::Theme { color: false, ascii: true };
    let shown = rows(&h);
    assert!(shown[0].contains("x 10/03/2026") && shown[1].contains("+ 10/03/2026"), "{shown:?}");
}

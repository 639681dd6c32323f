//! Several quantities in one entry: rows added and removed in the form,
//! problems marked on the row at fault, and entries with two quantities
//! saved, read back and corrected through the records API.

use crate::tui::screens::Page;
use chrono::NaiveDate;

use super::{Harness, OPERATOR, PIN, SUPERVISOR};
use crate::domain::entry::{Field, Quantity};
use crate::domain::invalid::Invalid;
use crate::domain::reference_data::reference_data;
use crate::domain::sector::Kind;
use crate::domain::{Amount, Unit};
use crate::i18n::Lang;
use crate::records::Total;
use crate::tui::keymap::Key;
use crate::tui::screens::Action;
use crate::tui::screens::Screen;
use crate::tui::screens::entry_form::{FormField, State as Form};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
}

/// A new entry for the chilli programme, with three items used before.
fn harvest_form() -> Form {
    let program = reference_data().programs.into_iter().find(|p| p.id == 1).unwrap();
    let used = ["terong", "cabai", "tomat"]
        .into_iter()
        .map(|item| Total {
            kind: Kind::Harvest,
            unit: Unit::Kg,
            item: item.into(),
            value: Amount::whole(1),
            entries: 1,
        })
        .collect();
    Form::new(program, used, today())
}

fn livestock_form() -> Form {
    let program = reference_data().programs.into_iter().find(|p| p.id == 3).unwrap();
    Form::new(program, vec![], today())
}

fn keys(form: &mut Form, keys: &[Key]) -> Action {
    let mut last = Action::None;
    for key in keys {
        last = form.key(*key, Lang::Id);
    }
    last
}

fn typed(form: &mut Form, text: &str) {
    for c in text.chars() {
        form.key(Key::Char(c), Lang::Id);
    }
}

fn qty(text: &str) -> Quantity {
    Quantity::parse(text).unwrap()
}

fn faulty(form: &Form) -> Vec<FormField> {
    form.problems.iter().map(|(f, _)| *f).collect()
}

/// 12,5 kg cabai in the first row, then a second row added with `+` on the
/// button and 4 kg tomat typed in it.
fn two_rows() -> Form {
    let mut form = harvest_form();
    keys(&mut form, &[Key::Tab, Key::Tab]);
    typed(&mut form, "12,5");
    keys(&mut form, &[Key::Tab, Key::Tab]);
    typed(&mut form, "cabai");
    keys(&mut form, &[Key::Tab, Key::Char('+')]);
    typed(&mut form, "4");
    keys(&mut form, &[Key::Tab, Key::Tab]);
    typed(&mut form, "tomat");
    form
}

#[test]
fn the_button_under_the_rows_adds_one_and_tab_visits_every_row() {
    use FormField::*;
    let mut form = harvest_form();
    assert_eq!(form.fields(), [Date, Kind, Value(0), Unit(0), Item(0), AddQuantity, Participants, Notes, Save]);
    keys(&mut form, &[Key::Tab, Key::Tab, Key::Tab, Key::Tab, Key::Tab]);
    assert_eq!(form.focus, AddQuantity);
    // The footer is the same on every field (a Tab does not redraw it);
    // + is offered in the help where it works.
    assert_eq!(footer(&form), ["Tab/Enter", "tui.keyname_up_down", "Esc", "Shift-Tab"]);
    assert!(offered(&form).contains(&"+"), "{:?}", offered(&form));
    assert!(!form.dirty());
    keys(&mut form, &[Key::Enter]);
    assert_eq!((form.rows.len(), form.focus), (1, Participants), "Enter moves on, as on every field");
    keys(&mut form, &[Key::BackTab, Key::Char('+')]);
    assert_eq!((form.rows.len(), form.focus), (2, Value(1)), "+ adds a row and goes to its value");
    assert!(form.dirty());
    assert_eq!(form.unit(1), crate::domain::Unit::Kg, "in the first row's unit");
    assert_eq!(
        form.fields(),
        [Date, Kind, Value(0), Unit(0), Item(0), Value(1), Unit(1), Item(1), AddQuantity, Participants, Notes, Save]
    );
    typed(&mut form, "4");
    assert_eq!((form.rows[0].value.text(), form.rows[1].value.text()), ("", "4"));
    keys(&mut form, &[Key::Tab, Key::Tab, Key::Tab]);
    assert_eq!(form.focus, AddQuantity);
    keys(&mut form, &[Key::Char(' ')]);
    assert_eq!((form.rows.len(), form.focus), (3, Value(2)), "Space presses the button too");
    keys(&mut form, &[Key::BackTab, Key::BackTab]);
    assert_eq!(form.focus, Unit(1));
    assert!(offered(&form).contains(&"+") && offered(&form).contains(&"-"), "{:?}", offered(&form));
}

#[test]
fn plus_adds_and_minus_removes_only_where_nothing_is_typed() {
    use FormField::*;
    let mut form = two_rows();
    // In a value + is typed (a value may start with it), in an item - is.
    keys(&mut form, &[Key::BackTab, Key::BackTab]);
    assert_eq!(form.focus, Value(1));
    typed(&mut form, "+");
    assert_eq!((form.rows.len(), form.rows[1].value.text()), (2, "4+"));
    keys(&mut form, &[Key::Backspace, Key::Tab, Key::Tab]);
    typed(&mut form, "-");
    assert_eq!((form.rows.len(), form.rows[1].item.text()), (2, "tomat-"));
    keys(&mut form, &[Key::Backspace, Key::BackTab]);
    assert_eq!(form.focus, Unit(1));
    keys(&mut form, &[Key::Char('+')]);
    assert_eq!((form.rows.len(), form.focus), (3, Value(2)), "+ on a unit adds a row at the end");
    keys(&mut form, &[Key::Tab, Key::Char('-')]);
    assert_eq!(form.rows.len(), 2, "- on a unit removes its row");
    assert_eq!(form.focus, Value(1), "the focus goes to the row before");
    let texts: Vec<(&str, &str)> = form.rows.iter().map(|r| (r.value.text(), r.item.text())).collect();
    assert_eq!(texts, [("12,5", "cabai"), ("4", "tomat")]);
    // Removing the first row moves the second up.
    keys(&mut form, &[Key::BackTab, Key::BackTab]);
    assert_eq!(form.focus, Unit(0));
    keys(&mut form, &[Key::Char('-')]);
    assert_eq!((form.rows.len(), form.focus), (1, Value(0)));
    assert_eq!((form.rows[0].value.text(), form.rows[0].item.text()), ("4", "tomat"));
    assert!(!offered(&form).contains(&"+") && !offered(&form).contains(&"-"), "{:?}", offered(&form));
    keys(&mut form, &[Key::Tab, Key::Char('-')]);
    assert_eq!(form.rows.len(), 1, "the last row stays");
    assert!(offered(&form).contains(&"+") && !offered(&form).contains(&"-"), "{:?}", offered(&form));
}

#[test]
fn each_row_has_its_own_unit_and_item_suggestions() {
    let mut form = two_rows();
    keys(&mut form, &[Key::BackTab]);
    assert_eq!(form.focus, FormField::Unit(1));
    keys(&mut form, &[Key::Down]);
    assert_eq!((form.unit(0), form.unit(1)), (Unit::Kg, Unit::Ton));
    keys(&mut form, &[Key::Char('k')]);
    assert_eq!(form.unit(1), Unit::Karung, "a first letter chooses in this row only");
    assert_eq!(form.unit(0), Unit::Kg);
    keys(&mut form, &[Key::Tab, Key::End]);
    for _ in 0.."tomat".len() {
        keys(&mut form, &[Key::Backspace]);
    }
    typed(&mut form, "t");
    let names: Vec<&str> = form.suggestions(1).iter().map(|t| t.item.as_str()).collect();
    assert_eq!(names, ["terong", "tomat"]);
    assert_eq!(form.suggestions(0).len(), 1, "row 1 keeps its own query: cabai");
    keys(&mut form, &[Key::Down, Key::Down]);
    assert_eq!((form.rows[1].item.text(), form.unit(1)), ("tomat", Unit::Kg), "the suggestion brings its unit");
    assert_eq!(form.rows[0].item.text(), "cabai");
}

#[test]
fn two_rows_make_one_draft_with_two_quantities() {
    let mut form = two_rows();
    form.focus = FormField::Save;
    let Action::Save(draft) = keys(&mut form, &[Key::Enter]) else { panic!("{:?}", form.problems) };
    assert_eq!(draft.quantities, [qty("12,5 kg cabai"), qty("4 kg tomat")]);
}

#[test]
fn a_bad_value_in_the_second_row_marks_that_row_only_and_keeps_everything() {
    let mut form = two_rows();
    keys(&mut form, &[Key::BackTab, Key::BackTab]);
    typed(&mut form, ",50,5");
    form.focus = FormField::Save;
    assert_eq!(keys(&mut form, &[Key::Enter]), Action::None);
    assert_eq!(faulty(&form), [FormField::Value(1)]);
    assert!(form.problems[0].1.contains("4,50,5"), "{}", form.problems[0].1);
    assert_eq!(form.focus, FormField::Value(1), "the faulty row gets the focus");
    let texts: Vec<(&str, &str)> = form.rows.iter().map(|r| (r.value.text(), r.item.text())).collect();
    assert_eq!(texts, [("12,5", "cabai"), ("4,50,5", "tomat")]);
    keys(&mut form, &[Key::Backspace]);
    assert!(form.problems.is_empty(), "editing the row clears its message");
}

#[test]
fn a_missing_species_in_the_second_row_marks_that_item() {
    let mut form = livestock_form();
    form.focus = FormField::Kind;
    while form.kind() != Kind::Birth {
        keys(&mut form, &[Key::Down]);
    }
    form.rows[0].value.set("2");
    form.rows[0].item.set("domba");
    form.focus = FormField::Unit(0);
    keys(&mut form, &[Key::Char('+')]);
    typed(&mut form, "1");
    form.focus = FormField::Save;
    keys(&mut form, &[Key::Enter]);
    assert_eq!(faulty(&form), [FormField::Item(1)]);
}

#[test]
fn removing_a_row_takes_its_messages_and_moves_those_below_up() {
    let mut form = two_rows();
    form.focus = FormField::Unit(1);
    keys(&mut form, &[Key::Char('+')]);
    typed(&mut form, "abc");
    form.rows[1].value.set("x");
    form.focus = FormField::Save;
    keys(&mut form, &[Key::Enter]);
    assert_eq!(faulty(&form), [FormField::Value(1), FormField::Value(2)]);
    form.focus = FormField::Unit(1);
    keys(&mut form, &[Key::Char('-')]);
    assert_eq!(faulty(&form), [FormField::Value(1)], "row 3's message moved up with it");
    assert_eq!(form.rows[1].value.text(), "abc");
}

#[test]
fn a_blank_added_row_is_left_out_and_the_records_api_marks_the_right_row() {
    let mut form = two_rows();
    form.focus = FormField::Unit(1);
    keys(&mut form, &[Key::Char('+')]);
    typed(&mut form, "3");
    form.focus = FormField::Unit(0);
    keys(&mut form, &[Key::Char('+')]);
    // Rows: 12,5 cabai, 4 tomat, 3, blank.
    form.rows[1].value.clear();
    form.rows[1].item.clear();
    form.focus = FormField::Save;
    let Action::Save(draft) = keys(&mut form, &[Key::Enter]) else { panic!("{:?}", form.problems) };
    assert_eq!(draft.quantities, [qty("12,5 kg cabai"), qty("3 kg")], "blank rows are no quantity");
    // The records API refuses the second quantity: it is the third row.
    form.refused(&[(Field::Quantity(1), Invalid::ValueMissing)], Lang::En);
    assert_eq!(faulty(&form), [FormField::Value(2)]);
    // A first row left blank is still asked for.
    let mut form = harvest_form();
    form.focus = FormField::Save;
    keys(&mut form, &[Key::Enter]);
    assert_eq!(faulty(&form), [FormField::Value(0)]);
}

#[test]
fn a_sale_offers_a_price_row_that_may_stay_empty_and_names_its_item() {
    let mut form = livestock_form();
    assert_eq!(form.rows.len(), 1);
    keys(&mut form, &[Key::Tab]);
    while form.kind() != Kind::Sale {
        keys(&mut form, &[Key::Down]);
    }
    assert_eq!((form.rows.len(), form.unit(0), form.unit(1)), (2, Unit::Ekor, Unit::Rp));
    keys(&mut form, &[Key::Down]);
    assert_eq!((form.kind(), form.rows.len()), (Kind::Feed, 1), "the blank price row goes with the sale");
    keys(&mut form, &[Key::Up]);
    assert_eq!(form.rows.len(), 2);
    form.rows[0].value.set("3");
    form.rows[0].item.set("domba");
    form.notes.set("dijual ke pengepul");
    form.focus = FormField::Save;
    let Action::Save(draft) = keys(&mut form, &[Key::Enter]) else { panic!("{:?}", form.problems) };
    assert_eq!(draft.quantities, [qty("3 ekor domba")], "no price typed, none saved");
    form.rows[1].value.set("8250000");
    let Action::Save(draft) = keys(&mut form, &[Key::Enter]) else { panic!("{:?}", form.problems) };
    assert_eq!(draft.quantities, [qty("3 ekor domba"), qty("8250000 rp domba")], "the price of the domba");
    // Two species: the price stays as typed.
    form.focus = FormField::AddQuantity;
    keys(&mut form, &[Key::Char('+')]);
    typed(&mut form, "1");
    form.rows[2].item.set("kambing");
    form.focus = FormField::Save;
    let Action::Save(draft) = keys(&mut form, &[Key::Enter]) else { panic!("{:?}", form.problems) };
    assert_eq!(draft.quantities, [qty("3 ekor domba"), qty("8250000 rp"), qty("1 ekor kambing")]);
    // A typed row survives a change of kind; only blank added rows go.
    form.focus = FormField::Kind;
    keys(&mut form, &[Key::Down]);
    assert_eq!(form.rows.len(), 3);
}

#[test]
fn a_saved_entry_with_two_quantities_reads_back_with_both() {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Enter).key(Key::Char('t'));
    h.keys(&[Key::Tab, Key::Tab]).typed("12,5").keys(&[Key::Tab, Key::Tab]).typed("cabai");
    h.keys(&[Key::Tab, Key::Char('+')]).typed("4").keys(&[Key::Tab, Key::Tab]).typed("tomat");
    h.keys(&[Key::Tab, Key::Tab]).typed("4").keys(&[Key::Tab, Key::Tab, Key::Enter]);
    let notice = h.app.notice.clone().unwrap();
    assert_eq!(notice.text, "Tersimpan: Panen 12,5 kg cabai, 4 kg tomat, 10/03/2026.");
    let Screen::Program(program) = &h.app.screen else { panic!("back on the programme") };
    let id = program.data.register[0].id;
    let stored = h.records.current(id).unwrap();
    assert_eq!(stored.draft.quantities, [qty("12,5 kg cabai"), qty("4 kg tomat")]);
    assert_eq!(stored.draft.participants, 4);
    h.key(Key::Enter);
    let screen = h.screen();
    assert!(screen.contains("Jumlah            12,5 kg cabai"), "{screen}");
    assert!(screen.contains("                  4 kg tomat"), "one quantity a line:\n{screen}");
}

#[test]
fn a_correction_shows_every_quantity_and_keeps_both() {
    let mut h = Harness::logged_in(Lang::En);
    let id = record(&mut h);
    // The operator corrects the participants only: both quantities stay.
    h.key(Key::Enter).key(Key::Char('c'));
    let Screen::EntryForm(form) = &h.app.screen else { panic!("not the form: {:?}", h.app.notice) };
    let texts: Vec<(&str, &str)> = form.rows.iter().map(|r| (r.value.text(), r.item.text())).collect();
    assert_eq!(texts, [("12.5", "cabai"), ("4", "tomat")], "every quantity in a row");
    assert!(!form.dirty());
    h.focus_field(FormField::Participants).retype("5").focus_field(FormField::Save).key(Key::Enter);
    let corrected = h.records.current(id).unwrap();
    assert_eq!(corrected.revision, 2, "{:?}", h.app.notice);
    assert_eq!(corrected.draft.quantities, [qty("12,5 kg cabai"), qty("4 kg tomat")]);
    assert_eq!(corrected.draft.participants, 5);
    // A supervisor corrects the second quantity.
    h.key(Key::Char('x')).login(SUPERVISOR).load(crate::tui::screens::Load::EntryView(id)).key(Key::Char('c'));
    h.focus_field(FormField::Value(1)).retype("4,5").focus_field(FormField::Reason).typed("weighed again");
    h.focus_field(FormField::Save).key(Key::Enter);
    let corrected = h.records.current(id).unwrap();
    assert_eq!(corrected.revision, 3, "{:?}", h.app.notice);
    assert_eq!(corrected.draft.quantities, [qty("12,5 kg cabai"), qty("4,5 kg tomat")]);
    let screen = h.screen();
    assert!(screen.contains("Quantities: 12.5 kg cabai, 4 kg tomat → 12.5 kg cabai, 4.5 kg tomat"), "{screen}");
}

/// Records 12,5 kg cabai and 4 kg tomat in one entry from home; returns its id.
fn record(h: &mut Harness) -> u64 {
    h.key(Key::Char('t'));
    h.keys(&[Key::Tab, Key::Tab]).typed("12,5").keys(&[Key::Tab, Key::Tab]).typed("cabai");
    h.keys(&[Key::Tab, Key::Char('+')]).typed("4").keys(&[Key::Tab, Key::Tab]).typed("tomat");
    h.keys(&[Key::Tab, Key::Tab]).typed("4").keys(&[Key::Tab, Key::Tab, Key::Enter]);
    let Screen::Program(program) = &h.app.screen else { panic!("{:?}", h.app.notice) };
    program.data.register[0].id
}

#[test]
fn a_correction_may_remove_a_quantity() {
    let mut h = Harness::logged_in(Lang::Id);
    let id = record(&mut h);
    h.key(Key::Enter).key(Key::Char('c')).focus_field(FormField::Unit(0)).key(Key::Char('-'));
    h.focus_field(FormField::Save).key(Key::Enter);
    let corrected = h.records.current(id).unwrap();
    assert_eq!((corrected.revision, corrected.draft.quantities.clone()), (2, vec![qty("4 kg tomat")]));
}

#[test]
fn a_demo_sale_is_corrected_with_its_price_row_and_no_other() {
    let mut h = Harness::logged_in_as(Lang::Id, SUPERVISOR);
    let sale = h
        .records
        .register(3, NaiveDate::from_ymd_opt(2025, 5, 1).unwrap(), today())
        .unwrap()
        .into_iter()
        .find(|e| e.draft.kind == Kind::Sale)
        .unwrap();
    h.load(crate::tui::screens::Load::EntryView(sale.id)).key(Key::Char('c'));
    let Screen::EntryForm(form) = &h.app.screen else { panic!("not the form: {:?}", h.app.notice) };
    assert_eq!(form.rows.len(), 2);
    assert_eq!((form.unit(0), form.unit(1)), (Unit::Ekor, Unit::Rp));
    assert_eq!(form.rows[1].item.text(), "domba");
    assert!(!form.dirty());
}

#[test]
fn a_form_with_two_rows_survives_the_lock_and_comes_back_as_a_draft() {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Enter).key(Key::Char('t'));
    h.keys(&[Key::Tab, Key::Tab]).typed("12,5").keys(&[Key::Tab, Key::Tab]).typed("cabai");
    h.keys(&[Key::Tab, Key::Char('+')]).typed("4");
    let rows = |h: &Harness| match &h.app.screen {
        Screen::EntryForm(f) => {
            f.rows.iter().map(|r| (r.value.text().to_string(), r.item.text().to_string())).collect()
        }
        _ => Vec::new(),
    };
    let before = rows(&h);
    assert_eq!(before.len(), 2);
    h.key(Key::Lock).typed(PIN).key(Key::Enter);
    assert_eq!(rows(&h), before);
    h.key(Key::Lock).key(Key::Tab).login(SUPERVISOR).key(Key::Char('x')).login(OPERATOR).key(Key::Enter);
    assert_eq!(rows(&h), before, "the draft keeps both rows");
    h.typed("5");
    assert_eq!(rows(&h)[1].0, "45", "typing goes on in the second row");
}

#[test]
fn rows_that_outgrow_the_screen_scroll_to_keep_the_focus_in_view() {
    let mut h = Harness::logged_in(Lang::Id);
    // Pelatihan Kerja Terpadu: the training form has the most fields.
    h.key(Key::End).key(Key::Char('t'));
    h.focus_field(FormField::AddQuantity);
    for _ in 0..4 {
        h.key(Key::Char('+')).focus_field(FormField::AddQuantity);
    }
    let Screen::EntryForm(form) = &h.app.screen else { panic!("not the form") };
    assert_eq!(form.fields().len(), 23, "more fields than the 20 rows under the title");
    h.focus_field(FormField::Save);
    let screen = h.screen();
    assert!(screen.contains(">[ Simpan ]"), "{screen}");
    assert!(screen.contains("isian lagi di atas"), "{screen}");
    assert!(!screen.lines().any(|l| l.starts_with(" Tanggal")), "the date's field is off the page: {screen}");
    h.key(Key::Tab);
    let screen = h.screen();
    assert!(screen.contains(">Tanggal"), "{screen}");
    assert!(screen.contains("isian lagi di bawah") && !screen.contains("di atas"), "{screen}");
    h.focus_field(FormField::Item(4));
    let screen = h.screen();
    assert!(screen.contains(">Topik 5"), "{screen}");
}

#[test]
fn a_death_past_the_herd_asks_for_a_reason_before_saving() {
    let herd = std::collections::BTreeMap::from([("domba".to_string(), 44)]);
    let mut form = livestock_form().with_herd(Some(herd));
    form.focus = FormField::Kind;
    while form.kind() != Kind::Death {
        keys(&mut form, &[Key::Down]);
    }
    form.rows[0].value.set("100");
    form.rows[0].item.set("domba");
    form.notes.set("penyakit");
    form.focus = FormField::Save;
    assert_eq!(keys(&mut form, &[Key::Enter]), Action::None, "not saved before it is confirmed");
    let ask = form.below_zero.as_ref().expect("the question is asked");
    assert_eq!(ask.left, [("domba".to_string(), 44, -56)]);
    // No reason, no save; Esc goes back to the form with all typed.
    assert_eq!(keys(&mut form, &[Key::Enter]), Action::None);
    assert!(form.below_zero.as_ref().unwrap().problem.is_some());
    keys(&mut form, &[Key::Esc]);
    assert!(form.below_zero.is_none());
    assert_eq!(form.rows[0].value.text(), "100");
    keys(&mut form, &[Key::Enter]);
    typed(&mut form, "hitungan lalu salah");
    let Action::Save(draft) = keys(&mut form, &[Key::Enter]) else { panic!("{:?}", form.below_zero) };
    assert_eq!(draft.notes, "penyakit / hitungan lalu salah", "the reason is kept with the entry");
    // Within the herd nothing is asked.
    form.rows[0].value.set("44");
    assert!(matches!(keys(&mut form, &[Key::Enter]), Action::Save(_)));
}

#[test]
fn a_full_date_field_says_so_and_ctrl_u_clears_it() {
    let mut form = harvest_form();
    assert_eq!(form.focus, FormField::Date);
    typed(&mut form, "0");
    assert_eq!(faulty(&form), [FormField::Date], "a key into a full field is not dropped silently");
    keys(&mut form, &[Key::ClearToStart]);
    assert!(faulty(&form).is_empty());
    typed(&mut form, "02/03/2026");
    assert_eq!(form.date.text(), "02/03/2026");
}

#[test]
fn a_species_counted_before_is_offered_for_a_birth() {
    let program = reference_data().programs.into_iter().find(|p| p.id == 3).unwrap();
    let total =
        |kind, item: &str| Total { kind, unit: Unit::Ekor, item: item.into(), value: Amount::whole(1), entries: 1 };
    let used = vec![total(Kind::HeadCount, "domba"), total(Kind::Birth, "kambing"), total(Kind::Death, "domba")];
    let mut form = Form::new(program, used, today());
    form.focus = FormField::Kind;
    while form.kind() != Kind::Birth {
        keys(&mut form, &[Key::Down]);
    }
    let names: Vec<&str> = form.suggestions(0).iter().map(|t| t.item.as_str()).collect();
    assert_eq!(names, ["kambing", "domba"], "the kind's own first, then the programme's others, each once");
    form.focus = FormField::Item(0);
    keys(&mut form, &[Key::Down, Key::Down]);
    assert_eq!((form.rows[0].item.text(), form.unit(0)), ("domba", Unit::Ekor));
}

#[test]
fn head_counts_are_grouped_like_every_amount() {
    assert_eq!(crate::tui::ui::amount(Lang::En, crate::tui::ui::whole(1200)), "1,200");
    assert_eq!(crate::tui::ui::amount(Lang::Id, crate::tui::ui::whole(-1200)), "-1.200");
    assert_eq!(crate::tui::ui::whole(i64::MAX), crate::domain::Amount::from_milli(i64::MAX), "saturates");
}

/// The keys the footer offers, as the table names them.
fn footer(form: &Form) -> Vec<&'static str> {
    form.hints().iter().filter(|h| h.footer).map(|h| h.name).collect()
}

/// The keys the footer or the help offers.
fn offered(form: &Form) -> Vec<&'static str> {
    form.hints().iter().map(|h| h.name).collect()
}

//! The same entry typed three ways (the terminal's entry form, `binalog
//! entry add`, a row of an imported file) becomes the same draft: one
//! reading of the text (domain/draft_text.rs), the price-naming rule
//! included.

use crate::tui::screens::Page;
use chrono::NaiveDate;

use super::entry::{Fields, apply};
use crate::domain::draft_text::blank;
use crate::domain::entry::{EntryDraft, Quantity};
use crate::domain::reference::Program;
use crate::domain::reference_data::reference_data;
use crate::domain::sector::Kind;
use crate::i18n::Lang;
use crate::tui::keymap::Key;
use crate::tui::screens::Action;
use crate::tui::screens::entry_form::{FormField, State as Form};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
}

fn program(id: u32) -> Program {
    reference_data().programs.into_iter().find(|p| p.id == id).unwrap()
}

/// One entry as each front end is given it.
struct Typed {
    program: u32,
    kind: Kind,
    date: &'static str,
    /// (value, unit, item)
    quantities: &'static [(&'static str, &'static str, &'static str)],
    participants: u32,
    notes: &'static str,
}

fn by_form(t: &Typed) -> EntryDraft {
    let mut form = Form::new(program(t.program), vec![], today());
    form.focus = FormField::Kind;
    for _ in 0..form.kinds().len() {
        if form.kind() == t.kind {
            break;
        }
        form.key(Key::Down, Lang::Id);
    }
    assert_eq!(form.kind(), t.kind, "the kind is offered");
    form.date.set(t.date);
    for (n, (value, _, item)) in t.quantities.iter().enumerate() {
        if n >= form.rows.len() {
            form.focus = FormField::AddQuantity;
            form.key(Key::Char('+'), Lang::Id);
        }
        form.rows[n].value.set(value);
        form.rows[n].item.set(item);
    }
    form.participants.set(&t.participants.to_string());
    form.notes.set(t.notes);
    form.focus = FormField::Save;
    match form.key(Key::Enter, Lang::Id) {
        Action::Save(draft) => draft,
        other => panic!("the form did not save: {other:?} {:?}", form.problems),
    }
}

fn by_command_line(t: &Typed) -> EntryDraft {
    let fields = Fields {
        date: Some(t.date.into()),
        kind: Some(t.kind.code().into()),
        quantities: t.quantities.iter().map(|(v, u, i)| format!("{v} {u} {i}")).collect(),
        participants: Some(t.participants),
        notes: Some(t.notes.into()),
        ..Fields::default()
    };
    let draft = apply(blank(t.program, today()), &fields, true).unwrap();
    draft.validate(&program(t.program), today()).unwrap()
}

fn by_import(t: &Typed) -> EntryDraft {
    let mut csv = String::from("program_id,date,kind,item,value,unit,participants,notes,entry_id\n");
    for (value, unit, item) in t.quantities {
        let (p, d, k, n, c) = (t.program, t.date, t.kind.code(), t.participants, t.notes);
        csv.push_str(&format!("{p},{d},{k},{item},\"{value}\",{unit},{n},{c},e1\n"));
    }
    let mut drafts = crate::report::import::drafts(csv.as_bytes()).unwrap();
    assert_eq!(drafts.len(), 1, "the rows of one entry_id are one entry");
    drafts.remove(0).validate(&program(t.program), today()).unwrap()
}

fn agree(t: &Typed) -> EntryDraft {
    let form = by_form(t);
    assert_eq!(by_command_line(t), form, "the command line and the form");
    assert_eq!(by_import(t), form, "an import and the form");
    form
}

#[test]
fn a_sale_and_its_price_are_the_same_draft_typed_anywhere() {
    let sale = Typed {
        program: 3,
        kind: Kind::Sale,
        date: "09/03/2026",
        quantities: &[("3", "ekor", "domba"), ("8250000", "rp", "")],
        participants: 2,
        notes: "dijual ke pengepul",
    };
    let draft = agree(&sale);
    let price = Quantity::parse("8250000 rp domba").unwrap();
    assert_eq!(draft.quantities[1], price, "the price names the one item sold");
}

#[test]
fn a_harvest_of_two_items_is_the_same_draft_typed_anywhere() {
    let harvest = Typed {
        program: 1,
        kind: Kind::Harvest,
        date: "2026-03-08",
        quantities: &[("12,5", "kg", "Cabai Merah"), ("4", "kg", "tomat")],
        participants: 6,
        notes: "panen pagi",
    };
    let draft = agree(&harvest);
    assert_eq!(draft.quantities.len(), 2);
    assert_eq!(draft.date, NaiveDate::from_ymd_opt(2026, 3, 8).unwrap());
}

//! The update logic alone: no terminal, no database.

use crate::tui::screens::Page;
use chrono::NaiveDate;

use crate::domain::entry::{Field, Quantity};
use crate::domain::invalid::Invalid;
use crate::domain::reference_data::reference_data;
use crate::domain::sector::Kind;
use crate::domain::{Amount, Unit};
use crate::i18n::Lang;
use crate::records::Total;
use crate::tui::app::App;
use crate::tui::data::{ProgramInfo, ProgramRow};
use crate::tui::keymap::Key;
use crate::tui::msg::{Cmd, Msg};
use crate::tui::screens::Action;
use crate::tui::screens::Screen;
use crate::tui::screens::entry_form::{FormField, State as Form};
use crate::tui::screens::programs;
use crate::tui::update::update;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
}

fn rows() -> Vec<ProgramRow> {
    let data = reference_data();
    data.programs
        .into_iter()
        .map(|program| {
            let site = data.sites.iter().find(|s| s.id == program.site).unwrap();
            let partner = data.partners.iter().find(|p| p.id == program.partner).unwrap();
            ProgramRow {
                info: ProgramInfo {
                    site: site.name.clone(),
                    site_code: site.code.clone(),
                    partner: partner.name.clone(),
                    program,
                },
                last: None,
            }
        })
        .collect()
}

fn press(app: &mut App, keys: &[Key]) -> Vec<Cmd> {
    keys.iter().flat_map(|k| update(app, Msg::Key(*k))).collect()
}

fn typed(text: &str) -> Vec<Key> {
    text.chars().map(Key::Char).collect()
}

/// The programme list, an admin taken as logged in.
fn programs_app() -> App {
    let mut app = App::new(Lang::Id, today(), Screen::Programs(programs::State::new(rows())));
    app.actor = Some(admin());
    app
}

fn admin() -> crate::records::Actor {
    use crate::domain::officer::{Nip, Officer, Role};
    crate::records::Actor::assumed(Officer {
        nip: Nip::parse("198001012005011001").expect("a NIP"),
        name: "Admin".into(),
        role: Role::Admin,
        pin_hash: String::new(),
        active: true,
        sites: vec![],
        created_at: chrono::DateTime::UNIX_EPOCH,
        failed_logins: 0,
        locked_until: None,
    })
}

fn shown_names(app: &App) -> Vec<String> {
    let Screen::Programs(state) = &app.screen else { panic!("not the programme list") };
    state.shown().into_iter().map(|i| state.rows[i].info.program.name.clone()).collect()
}

#[test]
fn the_programme_list_filters_by_name_site_sector_and_partner() {
    let mut app = programs_app();
    assert_eq!(shown_names(&app).len(), 6);
    press(&mut app, &typed("sampah"));
    assert_eq!(shown_names(&app), ["Pengolahan Sampah Terpadu"]);
    press(&mut app, &[Key::Esc]);
    press(&mut app, &typed("batu"));
    assert_eq!(shown_names(&app), ["Pelatihan Kerja Terpadu", "Konveksi Garmen"]);
    press(&mut app, &[Key::Esc]);
    press(&mut app, &typed("PERTANIAN padi"));
    assert_eq!(shown_names(&app), ["Budidaya Padi"]);
    press(&mut app, &[Key::Esc]);
    press(&mut app, &typed("suka domba"));
    assert_eq!(shown_names(&app), ["Peternakan Domba"]);
    press(&mut app, &[Key::Esc]);
    press(&mut app, &typed("livestock"));
    assert_eq!(shown_names(&app), ["Peternakan Domba"], "English sector names match too");
}

#[test]
fn letters_filter_while_arrows_move_and_enter_opens_the_chosen_programme() {
    let mut app = programs_app();
    press(&mut app, &typed("jk"));
    assert!(shown_names(&app).is_empty(), "j and k type in the filter");
    press(&mut app, &[Key::Backspace, Key::Backspace]);
    assert_eq!(press(&mut app, &[Key::Down, Key::Down, Key::Up, Key::End, Key::Home, Key::PageDown]), vec![]);
    let cmds = press(&mut app, &[Key::Enter]);
    let open = crate::tui::screens::program::open(6, false);
    assert_eq!(cmds, vec![Cmd::Load { actor: admin(), load: open }]);
}

#[test]
fn esc_clears_the_filter_then_goes_back() {
    let mut app = programs_app();
    app.back.push(Screen::Programs(programs::State::new(vec![])));
    press(&mut app, &typed("zzz"));
    assert!(shown_names(&app).is_empty());
    press(&mut app, &[Key::Esc]);
    assert_eq!(shown_names(&app).len(), 6);
    let cmds = press(&mut app, &[Key::Esc]);
    let reload = Cmd::Load { actor: admin(), load: crate::tui::screens::Load::Programs(()) };
    assert_eq!(cmds, vec![Cmd::Refresh(Box::new(reload))], "the screen returned to is refreshed");
    assert!(app.back.is_empty());
}

#[test]
fn help_opens_on_question_mark_and_closes_on_esc_without_leaving_the_screen() {
    let mut app = programs_app();
    press(&mut app, &[Key::Char('?')]);
    assert!(app.help);
    press(&mut app, &[Key::Char('x'), Key::Esc]);
    assert!(!app.help);
    assert_eq!(shown_names(&app).len(), 6, "keys pressed under help do nothing");
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    let mut app = programs_app();
    press(&mut app, &[Key::Interrupt]);
    assert!(app.quit);
}

fn form() -> Form {
    let program = reference_data().programs.into_iter().find(|p| p.id == 1).unwrap();
    let used = ["terong", "cabai", "tomat"]
        .into_iter()
        .enumerate()
        .map(|(i, item)| Total {
            kind: Kind::Harvest,
            unit: Unit::Kg,
            item: item.into(),
            value: Amount::whole(1),
            entries: 10 - i as u32,
        })
        .collect();
    Form::new(program, used, today())
}

fn form_keys(form: &mut Form, keys: &[Key]) -> Action {
    let mut last = Action::None;
    for key in keys {
        last = form.key(*key, Lang::Id);
    }
    last
}

#[test]
fn the_form_starts_today_and_offers_the_kinds_and_units_of_the_sector() {
    let mut form = form();
    assert_eq!(form.date.text(), "10/03/2026");
    assert_eq!((form.kind(), form.unit(0)), (Kind::Harvest, Unit::Kg));
    form_keys(&mut form, &[Key::Tab, Key::Down]);
    assert_eq!(form.kind(), Kind::Planting);
    form_keys(&mut form, &[Key::Char('s')]);
    assert_eq!(form.kind(), Kind::Input, "a first letter chooses (Sarana produksi)");
    form_keys(&mut form, &[Key::Char('p')]);
    assert_eq!(form.kind(), Kind::Harvest, "Panen");
    assert_eq!(form.focus, FormField::Kind);
    form_keys(&mut form, &[Key::Tab, Key::Tab, Key::Right]);
    assert_eq!((form.focus, form.unit(0)), (FormField::Unit(0), Unit::Ton));
}

#[test]
fn items_come_from_those_used_before_or_are_typed_new() {
    let mut form = form();
    form_keys(&mut form, &[Key::Tab, Key::Tab, Key::Tab, Key::Tab]);
    assert_eq!(form.focus, FormField::Item(0));
    form_keys(&mut form, &[Key::Down]);
    assert_eq!(form.rows[0].item.text(), "terong", "the most used first");
    form_keys(&mut form, &[Key::Down, Key::Down, Key::Down]);
    assert_eq!(form.rows[0].item.text(), "tomat");
    form_keys(&mut form, &[Key::Up]);
    assert_eq!(form.rows[0].item.text(), "cabai");
    let mut form = self::form();
    form_keys(&mut form, &[Key::Tab, Key::Tab, Key::Tab, Key::Tab]);
    form_keys(&mut form, &typed("t"));
    let names: Vec<&str> = form.suggestions(0).iter().map(|t| t.item.as_str()).collect();
    assert_eq!(names, ["terong", "tomat"]);
    form_keys(&mut form, &typed("om"));
    form_keys(&mut form, &[Key::Down]);
    assert_eq!(form.rows[0].item.text(), "tomat");
    form_keys(&mut form, &[Key::End]);
    form_keys(&mut form, &typed(" ceri"));
    assert_eq!(form.rows[0].item.text(), "tomat ceri", "a new item is typed");
    assert!(form.suggestions(0).is_empty());
}

#[test]
fn a_bad_value_marks_its_field_says_what_to_fix_and_keeps_everything() {
    let mut form = form();
    form_keys(&mut form, &[Key::Tab, Key::Tab]);
    form_keys(&mut form, &typed("1.250,5"));
    form_keys(&mut form, &[Key::Tab, Key::Tab]);
    form_keys(&mut form, &typed("cabai"));
    form_keys(&mut form, &[Key::Tab, Key::Tab]);
    form_keys(&mut form, &typed("abc"));
    form.focus = FormField::Save;
    assert_eq!(form_keys(&mut form, &[Key::Enter]), Action::None);
    let faulty: Vec<FormField> = form.problems.iter().map(|(f, _)| *f).collect();
    assert_eq!(faulty, [FormField::Value(0), FormField::Participants]);
    assert!(form.problems[0].1.contains("pemisah ribuan"), "{}", form.problems[0].1);
    assert_eq!(form.focus, FormField::Value(0), "the first faulty field gets the focus");
    assert_eq!(
        (form.rows[0].value.text(), form.rows[0].item.text(), form.participants.text()),
        ("1.250,5", "cabai", "abc")
    );
    form_keys(&mut form, &[Key::Backspace]);
    assert_eq!(form.problems.len(), 1, "editing a field clears its message");
}

#[test]
fn dates_are_checked_against_today_and_the_programme() {
    let mut form = form();
    form.date.set("11/03/2026");
    form.rows[0].value.set("1");
    form.focus = FormField::Save;
    form_keys(&mut form, &[Key::Enter]);
    assert_eq!(form.problems.len(), 1);
    assert_eq!(form.problems[0].0, FormField::Date);
    assert!(form.problems[0].1.contains("11/03/2026"), "{}", form.problems[0].1);
    form.date.set("31/02/2026");
    form_keys(&mut form, &[Key::Enter]);
    assert_eq!(form.problems[0].0, FormField::Date);
}

#[test]
fn a_right_form_gives_the_draft_with_comma_or_dot() {
    for value in ["12,5", "12.5"] {
        let mut form = form();
        form.rows[0].value.set(value);
        form.rows[0].item.set("Cabai");
        form.participants.set("4");
        form.focus = FormField::Save;
        let Action::Save(draft) = form_keys(&mut form, &[Key::Enter]) else { panic!("{:?}", form.problems) };
        assert_eq!(
            draft.quantities,
            vec![Quantity { value: Amount::from_milli(12_500), unit: Unit::Kg, item: "Cabai".into() }]
        );
        assert_eq!((draft.program, draft.kind, draft.participants), (1, Kind::Harvest, 4));
        assert_eq!(draft.date, today());
    }
}

#[test]
fn esc_asks_before_throwing_away_what_was_typed() {
    let mut form = form();
    assert_eq!(form_keys(&mut form, &[Key::Esc]), Action::Back, "an untouched form just closes");
    let mut form = self::form();
    form_keys(&mut form, &[Key::Tab, Key::Tab, Key::Char('3')]);
    assert_eq!(form_keys(&mut form, &[Key::Esc]), Action::None);
    assert!(form.confirm_discard);
    assert_eq!(form_keys(&mut form, &[Key::Char('x'), Key::Char('n')]), Action::None);
    assert!(!form.confirm_discard);
    assert_eq!(form.rows[0].value.text(), "3", "nothing typed was lost");
    form_keys(&mut form, &[Key::Esc]);
    assert_eq!(form_keys(&mut form, &[Key::Char('y')]), Action::Back);
}

#[test]
fn training_asks_for_officers_and_cadets_and_deaths_for_a_reason() {
    let data = reference_data();
    let training = data.programs.iter().find(|p| p.id == 2).unwrap().clone();
    let form = Form::new(training, vec![], today());
    assert!(form.fields().contains(&FormField::Officers) && form.fields().contains(&FormField::Cadets));
    let livestock = data.programs.iter().find(|p| p.id == 3).unwrap().clone();
    let mut form = Form::new(livestock, vec![], today());
    assert!(!form.fields().contains(&FormField::Officers));
    form.kind = form.kinds().iter().position(|k| *k == Kind::Death).unwrap();
    form.rows[0].value.set("1");
    form.rows[0].item.set("domba");
    form.focus = FormField::Save;
    form_keys(&mut form, &[Key::Enter]);
    assert_eq!(form.problems.iter().map(|(f, _)| *f).collect::<Vec<_>>(), [FormField::Notes]);
}

#[test]
fn problems_from_the_records_api_mark_the_form_too() {
    let mut form = form();
    let problems =
        vec![(Field::Quantity(0), Invalid::ItemMissing { kind: Kind::Harvest }), (Field::Date, Invalid::DateMissing)];
    form.refused(&problems, Lang::En);
    let faulty: Vec<FormField> = form.problems.iter().map(|(f, _)| *f).collect();
    assert_eq!(faulty, [FormField::Date, FormField::Item(0)]);
    assert_eq!(form.focus, FormField::Date);
}

#[test]
fn keys_do_nothing_while_the_window_is_too_small_to_see() {
    let mut app = programs_app();
    update(&mut app, Msg::Resize(60, 20));
    press(&mut app, &typed("sampah"));
    assert_eq!(shown_names(&app).len(), 6);
    update(&mut app, Msg::Resize(100, 30));
    press(&mut app, &typed("sampah"));
    assert_eq!(shown_names(&app).len(), 1);
    update(&mut app, Msg::Resize(79, 24));
    press(&mut app, &[Key::Interrupt]);
    assert!(app.quit, "Ctrl-C still quits");
}

#[test]
fn the_item_field_refuses_the_81st_character_with_a_message_not_a_silent_cut() {
    let mut form = form();
    form.focus = FormField::Item(0);
    let keys: Vec<Key> = std::iter::repeat_n(Key::Char('c'), 81).collect();
    form_keys(&mut form, &keys);
    assert_eq!(form.rows[0].item.text(), "c".repeat(80));
    assert_eq!(form.problems, vec![(FormField::Item(0), "Nama barang: paling banyak 80 karakter.".to_string())]);
    form_keys(&mut form, &[Key::Backspace]);
    assert!(form.problems.is_empty(), "making room takes the message away");
    form.focus = FormField::Notes;
    form_keys(&mut form, &[Key::Char('a'), Key::Char('\u{202e}'), Key::Char('b')]);
    assert_eq!(form.notes.text(), "ab");
    assert!(form.problems.is_empty(), "the next character taken clears the refusal");
    form_keys(&mut form, &[Key::Char('\u{200b}')]);
    assert_eq!(form.problems[0].0, FormField::Notes);
    assert!(form.problems[0].1.starts_with("Catatan berisi karakter"), "{:?}", form.problems);
}

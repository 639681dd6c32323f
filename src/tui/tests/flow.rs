//! Whole flows through update, effects and a real database, no terminal.

use chrono::NaiveDate;

use super::{ADMIN, Harness, OPERATOR, PIN};
use crate::i18n::Lang;
use crate::tui::app::Tone;
use crate::tui::keymap::Key;
use crate::tui::screens::Screen;
use crate::tui::screens::entry_form::FormField;

#[test]
fn first_run_creates_the_administrator_who_then_logs_in() {
    let mut h = Harness::new(Lang::Id, false);
    assert!(matches!(h.app.screen, Screen::Setup(_)));
    h.typed(ADMIN).key(Key::Enter).typed("Siti Rahma").key(Key::Enter).typed(PIN).key(Key::Enter).typed(PIN);
    h.key(Key::Enter);
    let Screen::Login(login) = &h.app.screen else { panic!("{:?}", h.app.notice) };
    assert_eq!(login.nip.text(), ADMIN);
    assert!(login.on_pin);
    h.typed("654321").key(Key::Enter);
    assert_eq!(h.app.notice.as_ref().map(|n| (n.tone, n.text.as_str())), Some((Tone::Error, "NIP atau PIN salah.")));
    assert!(h.app.actor.is_none());
    h.typed(PIN).key(Key::Enter);
    assert!(matches!(h.app.screen, Screen::Home(_)));
    assert_eq!(h.app.actor.as_ref().unwrap().officer().name, "Siti Rahma");
}

#[test]
fn a_wrong_nip_reads_exactly_like_a_wrong_pin() {
    let mut h = Harness::new(Lang::En, true);
    h.typed("199901012020011009").key(Key::Enter).typed(PIN).key(Key::Enter);
    let unknown = h.app.notice.clone();
    h.key(Key::BackTab);
    for _ in 0..18 {
        h.key(Key::Backspace);
    }
    h.typed(OPERATOR).key(Key::Enter).typed("000000").key(Key::Enter);
    assert_eq!(unknown, h.app.notice);
    assert_eq!(unknown.unwrap().text, "Wrong NIP or PIN.");
}

#[test]
fn a_harvest_is_saved_and_shown_first_in_the_register() {
    let mut h = Harness::logged_in(Lang::Id);
    // Home lists Lapas Terbuka first, Hortikultura first in it.
    h.key(Key::Enter);
    let Screen::Program(program) = &h.app.screen else { panic!("not a programme") };
    assert_eq!(program.data.info.program.id, 1);
    h.key(Key::Char('t'));
    h.keys(&[Key::Tab, Key::Tab]).typed("12,5").keys(&[Key::Tab, Key::Tab]).typed("Cabai");
    h.keys(&[Key::Tab, Key::Tab]).typed("6").keys(&[Key::Tab, Key::Tab]);
    let Screen::EntryForm(form) = &h.app.screen else { panic!("not the form") };
    assert_eq!(form.focus, FormField::Save);
    let before = h.records.entry_count();
    h.key(Key::Enter);
    assert_eq!(h.records.entry_count(), before + 1);
    let notice = h.app.notice.clone().unwrap();
    assert_eq!((notice.tone, notice.text.as_str()), (Tone::Ok, "Tersimpan: Panen 12,5 kg Cabai, 10/03/2026."));
    let Screen::Program(program) = &h.app.screen else { panic!("back on the programme") };
    let newest = &program.data.register[0];
    assert_eq!((newest.draft.quantities[0].value.to_plain(), newest.draft.participants), ("12.5".into(), 6));
    h.key(Key::Enter);
    assert!(matches!(h.app.screen, Screen::EntryView(_)));
    h.keys(&[Key::Esc, Key::Esc]);
    assert!(matches!(h.app.screen, Screen::Home(_)));
}

#[test]
fn t_on_home_opens_the_form_of_the_chosen_programme() {
    let mut h = Harness::logged_in(Lang::En);
    h.keys(&[Key::Char('j'), Key::Char('t')]);
    let Screen::EntryForm(form) = &h.app.screen else { panic!("not the form") };
    assert_eq!(form.program.id, 3, "Peternakan Domba is second");
    h.key(Key::Esc);
    assert!(matches!(h.app.screen, Screen::Program(_)), "Esc leaves the form for its programme");
}

#[test]
fn the_register_loads_older_pages_while_scrolling_to_the_first_entry() {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Char('p')).typed("konveksi").key(Key::Enter);
    let all = h.records.register(6, NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(), NaiveDate::MAX).unwrap().len();
    let Screen::Program(program) = &h.app.screen else { panic!("not a programme") };
    assert!(program.data.register.len() < all, "only the newest page at first");
    for _ in 0..all {
        h.key(Key::Char('j'));
    }
    let Screen::Program(program) = &h.app.screen else { panic!("not a programme") };
    assert_eq!(program.data.register.len(), all);
    assert_eq!(program.selected.row(), all - 1);
    assert!(program.data.older.is_none());
    let dates: Vec<NaiveDate> = program.data.register.iter().map(|e| e.draft.date).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first throughout");
}

#[test]
fn switching_officer_returns_to_the_login() {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Char('x'));
    assert!(matches!(h.app.screen, Screen::Login(_)));
    assert!(h.app.actor.is_none() && h.app.back.is_empty());
}

/// An admin alone, `count` harvests in programme 1 over 290 days (the
/// `i`th of `quantity(i)`), logged in and on the programme's register.
fn register_of(count: u32, quantity: fn(u32) -> &'static str) -> Harness {
    use crate::domain::entry::{EntryDraft, Quantity, Status};
    use crate::domain::officer::Role;
    use crate::domain::sector::Kind;
    let mut h = Harness::new(Lang::Id, false);
    h.records.add_officer(None, ADMIN, "Admin", Role::Admin, PIN).unwrap();
    let actor = h.records.login(ADMIN, PIN).unwrap();
    let today = h.records.today();
    let drafts: Vec<EntryDraft> = (0..count)
        .map(|i| EntryDraft {
            program: 1,
            date: today - chrono::Duration::days(i64::from(i % 290)),
            kind: Kind::Harvest,
            quantities: vec![Quantity::parse(quantity(i)).unwrap()],
            participants: 2,
            officers: 0,
            cadets: 0,
            notes: String::new(),
            status: Status::Done,
        })
        .collect();
    h.records.import(&actor, drafts).unwrap();
    h.app = crate::tui::start(&h.records, Lang::Id).unwrap();
    h.typed(ADMIN).key(Key::Enter).typed(PIN).key(Key::Enter).key(Key::Enter);
    h
}

#[test]
fn a_register_of_twelve_thousand_entries_is_read_a_page_at_a_time() {
    let mut h = register_of(12_000, |_| "1,5 kg cabai");
    let register = |h: &Harness| match &h.app.screen {
        Screen::Program(p) => (p.data.register.len(), p.selected.row(), p.data.older.is_some()),
        _ => panic!("not a programme"),
    };
    let (first_page, _, more) = register(&h);
    assert!(more && first_page < 2_000, "{first_page} entries read for the first screen");
    let mut presses = 0;
    while register(&h).2 {
        h.key(Key::End);
        presses += 1;
        assert!(presses < 100, "paging does not end");
    }
    h.key(Key::End);
    assert_eq!(register(&h), (12_000, 11_999, false));
}

/// A search's older pages are appended as the selection nears the end,
/// each once, until the search's first day: the page asked for the
/// search on screen is the one taken.
#[test]
fn a_searched_register_pages_to_its_last_match() {
    let mut h = register_of(3_000, |i| if i % 2 == 0 { "1,5 kg cabai" } else { "2 kg tomat" });
    h.key(Key::Char('/')).typed("tomat").key(Key::Enter);
    let register = |h: &Harness| match &h.app.screen {
        Screen::Program(p) => (p.data.register.clone(), p.data.older.is_some()),
        _ => panic!("not a programme"),
    };
    let (first, more) = register(&h);
    assert!(more && first.len() < 1_500, "{} matches on the first page", first.len());
    let mut presses = 0;
    while register(&h).1 {
        h.key(Key::End);
        presses += 1;
        assert!(presses < 50, "the search's paging does not end");
    }
    let (all, _) = register(&h);
    assert_eq!(all.len(), 1_500, "every match, each once");
    assert!(all.iter().all(|e| e.draft.quantities[0].item == "tomat"));
    let mut ids: Vec<_> = all.iter().map(|e| e.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1_500, "no page appended twice");
}

#[test]
fn home_shows_the_sites_an_officer_works_at() {
    let mut h = Harness::new(Lang::Id, true);
    let admin = h.records.login(ADMIN, PIN).unwrap();
    h.records.assign_sites(&admin, OPERATOR, &[3]).unwrap();
    h.typed(OPERATOR).key(Key::Enter).typed(PIN).key(Key::Enter);
    let screen = h.screen();
    assert!(screen.contains("Lapas Kelas I Batu") && screen.contains("Konveksi Garmen"), "{screen}");
    assert!(!screen.contains("Hortikultura") && !screen.contains("Peternakan Domba"), "{screen}");

    // The eight latest are all of this site's one programme (named once a
    // day: a ledger leaves the name the row above gave blank).
    let rows: Vec<&str> = screen.lines().skip_while(|l| !l.contains("Catatan terakhir")).skip(1).take(8).collect();
    assert!(rows.iter().all(|l| l.contains(" pcs ")), "the eight latest are of this site: {screen}");
    assert!(rows[0].contains("Konveksi Garmen"), "{screen}");

    let mut h = Harness::new(Lang::Id, true);
    let admin = h.records.login(ADMIN, PIN).unwrap();
    h.records.assign_sites(&admin, OPERATOR, &[]).unwrap();
    h.typed(OPERATOR).key(Key::Enter).typed(PIN).key(Key::Enter);
    assert!(h.screen().contains("belum ditugaskan di lapas mana pun"), "{}", h.screen());
}

#[test]
fn an_operator_sees_which_programmes_are_theirs_and_is_refused_at_t_with_the_site_name() {
    let mut h = Harness::new(Lang::Id, true);
    let admin = h.records.login(ADMIN, PIN).unwrap();
    h.records.assign_sites(&admin, OPERATOR, &[1]).unwrap();
    h.login(OPERATOR);
    h.key(Key::Char('p'));
    let screen = h.screen();
    assert!(screen.contains("lapas lain, hanya dilihat"), "{screen}");
    assert!(screen.contains("- Budidaya Padi"), "another site's programme is marked: {screen}");
    assert!(screen.contains("> Hortikultura Cabai"), "their own is not: {screen}");
    h.typed("budidaya padi").key(Key::Enter).key(Key::Char('t'));
    assert!(matches!(h.app.screen, crate::tui::screens::Screen::Program(_)), "no form to fill in vain");
    let notice = h.app.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("Lapas Kelas IIA Gladakan"), "the site by name: {notice}");
}

#[test]
fn the_register_scrolls_line_by_line_keeping_the_row_just_left_in_view() {
    let mut h = Harness::logged_in(Lang::Id);
    h.key(Key::Char('p')).typed("konveksi").key(Key::Enter);
    // The line of the selected row: the one marked with '>'.
    let selected = |screen: &str| -> (usize, String) {
        let (y, line) = screen.lines().enumerate().find(|(_, l)| l.starts_with("> ")).expect("a selected row");
        (y, line.to_string())
    };
    let (first, _) = selected(&h.screen());
    let mut steps = 0;
    loop {
        let before = h.screen();
        let (y, line) = selected(&before);
        h.key(Key::Char('j'));
        let after = h.screen();
        let (y_after, _) = selected(&after);
        steps += 1;
        if y_after == y {
            // The window moved by one line: the row just left is the line
            // above the selection, unmarked, and the rest moved up by one.
            // Whole lines: the totals are under the register, not beside it.
            let register = |l: &str| l.trim_end().to_string();
            let above = register(after.lines().nth(y - 1).unwrap());
            assert_eq!(above, register(&line.replacen("> ", "  ", 1)), "the row just left: {after}");
            let moved: Vec<String> = before.lines().skip(first + 1).take(y - first - 1).map(register).collect();
            let now: Vec<String> = after.lines().skip(first).take(y - first - 1).map(register).collect();
            assert_eq!(moved, now, "{after}");
            break;
        }
        assert_eq!(y_after, y + 1, "inside the window the selection moves down a line");
        assert!(steps < 40, "the register never scrolled");
    }
}

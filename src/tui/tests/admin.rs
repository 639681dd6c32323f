//! The admin screens: officers, reference data and the audit trail,
//! through update, effects and a real database.

use super::{ADMIN, Harness, OPERATOR, PIN, SUPERVISOR};
use crate::domain::reference::ProgramStatus;
use crate::i18n::Lang;
use crate::tui::keymap::Key;
use crate::tui::screens::Screen;

/// The admin on the admin menu, the chosen item opened.
fn admin_at(item: usize) -> Harness {
    let mut h = Harness::logged_in_as(Lang::En, ADMIN);
    h.key(Key::Char('a'));
    assert!(matches!(h.app.screen, Screen::AdminMenu(_)));
    for _ in 0..item {
        h.key(Key::Down);
    }
    h.key(Key::Enter);
    h
}

fn officers(h: &Harness) -> &crate::tui::screens::officers::State {
    match &h.app.screen {
        Screen::Officers(o) => o,
        other => panic!("not the officers: {other:?} {:?}", h.app.notice),
    }
}

fn select_officer(h: &mut Harness, nip: &str) {
    let at = officers(h).data.officers.iter().position(|o| o.nip.as_str() == nip).unwrap();
    h.key(Key::Home);
    for _ in 0..at {
        h.key(Key::Down);
    }
}

#[test]
fn only_admins_reach_the_admin_screens() {
    for nip in [OPERATOR, SUPERVISOR] {
        let mut h = Harness::logged_in_as(Lang::En, nip);
        h.key(Key::Char('a'));
        assert!(matches!(h.app.screen, Screen::Home(_)), "{nip}");
        assert!(!h.screen().contains("a admin"));
    }
}

#[test]
fn an_admin_adds_an_officer_with_sites_who_can_then_log_in() {
    let mut h = admin_at(0);
    assert_eq!(officers(&h).data.officers.len(), 3);
    h.key(Key::Char('n'));
    h.typed("1995 0101 2020 011001").key(Key::Tab).typed("Rina Astuti").key(Key::Tab);
    h.key(Key::Tab).key(Key::Right).key(Key::Char(' ')).key(Key::Tab);
    h.typed(PIN).key(Key::Tab).typed(PIN).key(Key::Tab).key(Key::Enter);
    assert_eq!(h.app.notice.as_ref().unwrap().text, "The change is saved.");
    let added = officers(&h).data.officers.iter().find(|o| o.name == "Rina Astuti").cloned().unwrap();
    assert_eq!(added.sites, vec![2]);
    assert!(h.records.login("199501012020011001", PIN).is_ok());
}

#[test]
fn a_refused_officer_keeps_the_form_and_marks_the_field() {
    let mut h = admin_at(0);
    h.key(Key::Char('n')).typed("12345").keys(&[Key::Tab, Key::Tab, Key::Tab, Key::Tab]);
    h.typed(PIN).key(Key::Tab).typed(PIN).key(Key::Tab).key(Key::Enter);
    let Screen::AdminForm(form) = &h.app.screen else { panic!("still the form") };
    assert_eq!(form.form.focus, 0, "the NIP is at fault");
    assert!(form.form.problems[0].1.contains("18 digits"), "{:?}", form.form.problems);
    assert_eq!(form.form.text(0), "12345");
}

#[test]
fn deactivating_stops_the_login_and_reset_pin_lifts_a_lockout() {
    let mut h = admin_at(0);
    select_officer(&mut h, OPERATOR);
    h.key(Key::Char('d'));
    assert!(h.screen().contains("Deactivate Operator Demo"), "{}", h.screen());
    h.key(Key::Char('y'));
    let operator = officers(&h).data.officers.iter().find(|o| o.nip.as_str() == OPERATOR).unwrap();
    assert!(!operator.active);
    assert!(h.records.login(OPERATOR, PIN).is_err());
    h.key(Key::Char('d')).key(Key::Char('y'));
    for _ in 0..5 {
        let _ = h.records.login(OPERATOR, "000000");
    }
    h.key(Key::Char('x')).login(ADMIN);
    h.key(Key::Esc).key(Key::Esc);
    h.key(Key::Char('a')).key(Key::Enter);
    select_officer(&mut h, OPERATOR);
    assert!(h.screen().contains("locked till 09:05"), "{}", h.screen());
    h.key(Key::Char('r')).typed("654321").key(Key::Tab).typed("654321").key(Key::Tab).key(Key::Enter);
    assert!(matches!(h.app.screen, Screen::Officers(_)));
    assert!(h.records.login(OPERATOR, "654321").is_ok());
}

#[test]
fn an_admin_cannot_deactivate_themself() {
    let mut h = admin_at(0);
    select_officer(&mut h, ADMIN);
    h.key(Key::Char('d')).key(Key::Char('y'));
    assert!(h.app.notice.as_ref().unwrap().text.contains("own account"), "{:?}", h.app.notice);
}

#[test]
fn sites_partners_agreements_and_programmes_are_added_and_corrected() {
    let mut h = admin_at(1);
    h.key(Key::Char('n'))
        .typed("nk-terbuka-2")
        .key(Key::Tab)
        .typed("Lapas Terbuka Kelas IIA")
        .key(Key::Tab)
        .key(Key::Enter);
    assert_eq!(h.records.sites().unwrap().len(), 4);
    h.key(Key::Esc).key(Key::Down).key(Key::Enter);
    h.key(Key::Enter).key(Key::Tab).key(Key::Right).key(Key::Tab).key(Key::Enter);
    let partner = h.records.partners().unwrap().into_iter().next().unwrap();
    assert!(!partner.inferred, "a corrected partner loses its inferred mark");
    h.key(Key::Esc).key(Key::Down).key(Key::Enter).key(Key::Char('n'));
    h.typed("PAS-99/2026").keys(&[Key::Tab, Key::Tab]).typed("01/03/2026").key(Key::Tab).typed("02/03/2026");
    h.key(Key::Tab).key(Key::Char(' ')).key(Key::Tab).key(Key::Enter);
    let agreement = h.records.agreements().unwrap().into_iter().find(|a| a.number == "PAS-99/2026").unwrap();
    assert_eq!((agreement.sites.clone(), agreement.end.to_string()), (vec![1], "2031-03-02".to_string()));
    h.key(Key::Esc).key(Key::Down).key(Key::Enter).key(Key::Enter).key(Key::Tab).key(Key::Right);
    h.key(Key::Tab).key(Key::Enter);
    assert_eq!(h.records.program(1).unwrap().status, ProgramStatus::Ended);
    assert!(h.screen().contains("ended"), "{}", h.screen());
}

#[test]
fn a_programme_before_its_agreement_is_refused_on_its_start() {
    let mut h = admin_at(4);
    h.key(Key::Char('n')).typed("Kebun Baru").keys(&[Key::Tab, Key::Tab, Key::Tab, Key::Tab]);
    h.typed("01/01/2025").key(Key::Tab).key(Key::Enter);
    let Screen::AdminForm(form) = &h.app.screen else { panic!("still the form: {:?}", h.app.notice) };
    assert_eq!(form.form.focus, 4, "{:?}", form.form.problems);
    assert!(form.form.problems[0].1.contains("01/01/2025"), "{:?}", form.form.problems);
    assert_eq!(h.records.programs().unwrap().len(), 6);
    h.key(Key::End);
    for _ in 0..10 {
        h.key(Key::Backspace);
    }
    h.typed("01/03/2026").key(Key::Tab).key(Key::Enter);
    assert!(matches!(h.app.screen, Screen::Reference(_)), "{:?}", h.app.notice);
    assert_eq!(h.records.programs().unwrap().len(), 7);
}

#[test]
fn the_audit_trail_is_newest_first_and_filters_by_officer_and_day() {
    let mut h = admin_at(5);
    let Screen::Audit(audit) = &h.app.screen else { panic!("{:?}", h.app.notice) };
    let seqs: Vec<u64> = audit.data.rows.iter().map(|r| r.record.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert_eq!(audit.data.rows[0].record.action.code(), "login_succeeded");
    let all = seqs.len();
    h.key(Key::Char('f')).typed(OPERATOR).key(Key::Enter);
    let Screen::Audit(audit) = &h.app.screen else { panic!("still the audit") };
    assert!(audit.data.rows.len() < all && !audit.data.rows.is_empty());
    assert!(audit.data.rows.iter().all(|r| r.record.officer.as_ref().map(|n| n.as_str()) == Some(OPERATOR)));
    h.keys(&[Key::Tab, Key::Tab, Key::Tab]).typed("99/99/2026").key(Key::Enter);
    let Screen::Audit(audit) = &h.app.screen else { panic!("still the audit") };
    assert_eq!(audit.problems.len(), 1);
    for _ in 0..10 {
        h.key(Key::Backspace);
    }
    h.typed("09/03/2026").key(Key::Enter);
    let Screen::Audit(audit) = &h.app.screen else { panic!("still the audit") };
    assert!(audit.data.rows.is_empty(), "nothing before today in a database made today");
    assert!(h.screen().contains("No audit record matches"));
}

//! Every screen at 80x24 in Indonesian and English, with demo data.

use insta::assert_snapshot;

use super::{ADMIN, Harness, OPERATOR, PIN, SUPERVISOR};
use crate::i18n::Lang;
use crate::tui::keymap::Key;
use crate::tui::screens::Screen;
use crate::tui::screens::entry_form::FormField;
use crate::tui::theme::Theme;

/// A snapshot of the screen, after checking that its footer and help show
/// every key it answers (`super::bindings::shown_and_bound`).
macro_rules! snap {
    ($name:expr, $h:expr) => {{
        super::bindings::shown_and_bound(&$h);
        assert_snapshot!($name, $h.screen());
    }};
}

fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::Id => "id",
        Lang::En => "en",
    }
}

fn first_run(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::new(lang, false);
    snap!(format!("setup_{l}"), h);
    h.typed("12345").key(Key::Enter).key(Key::Enter).typed("1234").key(Key::Enter).key(Key::Enter);
    snap!(format!("setup_problems_{l}"), h);
    let mut h = Harness::new(lang, true);
    snap!(format!("login_{l}"), h);
    h.typed(ADMIN).key(Key::Enter).typed("111111").key(Key::Enter);
    snap!(format!("login_failed_{l}"), h);
    h.typed(PIN);
    h.key(Key::Char('?'));
    snap!(format!("help_login_{l}"), h);
}

fn main_screens(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::logged_in(lang);
    snap!(format!("home_{l}"), h);
    h.key(Key::Char('?'));
    snap!(format!("help_home_{l}"), h);
    h.key(Key::Esc).key(Key::Char('p'));
    snap!(format!("programs_{l}"), h);
    h.typed("gla");
    snap!(format!("programs_filtered_{l}"), h);
    h.key(Key::Esc).key(Key::Down).key(Key::Enter);
    snap!(format!("program_livestock_{l}"), h);
    h.key(Key::Esc).key(Key::Esc).key(Key::Esc);
    h.key(Key::Enter);
    snap!(format!("program_{l}"), h);
    h.key(Key::Char('t'));
    snap!(format!("entry_form_{l}"), h);
    h.keys(&[Key::Tab, Key::Tab])
        .typed("1.250,5")
        .keys(&[Key::Tab, Key::Tab, Key::Down, Key::Tab, Key::Tab])
        .typed("lima");
    h.keys(&[Key::Tab, Key::Tab, Key::Enter]);
    snap!(format!("entry_form_problems_{l}"), h);
    h.key(Key::Esc);
    snap!(format!("entry_form_discard_{l}"), h);
    h.key(Key::Char('n')).key(Key::Char('?'));
    snap!(format!("help_entry_form_{l}"), h);
    h.key(Key::Esc).key(Key::End);
    for _ in 0..7 {
        h.key(Key::Backspace);
    }
    h.typed("12,5").keys(&[Key::Tab, Key::Tab, Key::Tab, Key::Tab]);
    for _ in 0..4 {
        h.key(Key::Backspace);
    }
    h.typed("6").keys(&[Key::Tab, Key::Tab, Key::Enter]);
    snap!(format!("saved_{l}"), h);
    h.key(Key::Enter);
    snap!(format!("entry_view_{l}"), h);
    h.key(Key::Char('?'));
    snap!(format!("help_entry_view_{l}"), h);
    assert_snapshot!(format!("too_small_{l}"), h.screen_at(79, 24));
}

fn other_forms(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::logged_in(lang);
    h.key(Key::End).key(Key::Char('t'));
    snap!(format!("entry_form_training_{l}"), h);
    h.key(Key::Esc).key(Key::Esc).keys(&[Key::Home, Key::Down, Key::Char('t'), Key::Tab]);
    for _ in 0..4 {
        h.key(Key::Down);
    }
    h.keys(&[Key::Tab, Key::Tab, Key::Tab, Key::Tab]);
    snap!(format!("entry_form_sale_{l}"), h);
}

/// The lock, another officer's home, and the draft offered back.
fn lock_and_drafts(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::logged_in(lang);
    h.key(Key::Char('t')).keys(&[Key::Tab, Key::Tab]).typed("12,5").key(Key::Lock);
    snap!(format!("lock_{l}"), h);
    h.key(Key::Char('?'));
    snap!(format!("help_lock_{l}"), h);
    h.key(Key::Esc).key(Key::Tab).login(SUPERVISOR);
    snap!(format!("home_supervisor_{l}"), h);
    h.key(Key::Char('x')).login(OPERATOR);
    snap!(format!("draft_offered_{l}"), h);
}

/// An entry corrected by its operator and by a supervisor, verified, then
/// the void dialog.
fn revisions(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::logged_in(lang);
    h.key(Key::Char('t')).keys(&[Key::Tab, Key::Tab]).typed("12,5").keys(&[Key::Tab, Key::Tab]).typed("cabai");
    h.keys(&[Key::Tab, Key::Tab]).typed("4").keys(&[Key::Tab, Key::Tab, Key::Enter]).key(Key::Enter);
    let Screen::EntryView(view) = &h.app.screen else { panic!("{:?}", h.app.notice) };
    let id = view.data.entry.id;
    h.key(Key::Char('c')).focus_field(FormField::Value(0)).retype("12,8").focus_field(FormField::Reason);
    snap!(format!("correct_form_{l}"), h);
    h.focus_field(FormField::Save).key(Key::Enter);
    h.key(Key::Char('x'))
        .login(SUPERVISOR)
        .load(crate::tui::screens::Load::EntryView(id))
        .key(Key::Char('v'))
        .key(Key::Char('c'));
    h.focus_field(FormField::Participants).retype("5").focus_field(FormField::Notes).typed("2 WBP sakit");
    h.focus_field(FormField::Reason).typed("ditimbang ulang").focus_field(FormField::Save).key(Key::Enter);
    snap!(format!("entry_history_{l}"), h);
    h.key(Key::Char('b')).typed("salah program");
    snap!(format!("void_reason_{l}"), h);
    h.key(Key::Enter);
    snap!(format!("void_confirm_{l}"), h);
    h.key(Key::Char('y'));
    snap!(format!("entry_voided_{l}"), h);
    h.key(Key::Esc).key(Key::Esc).key(Key::Char('v'));
    snap!(format!("queue_{l}"), h);
    h.key(Key::Char('?'));
    snap!(format!("help_queue_{l}"), h);
}

fn admin_screens(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::logged_in_as(lang, ADMIN);
    snap!(format!("home_admin_{l}"), h);
    h.key(Key::Char('a'));
    snap!(format!("admin_menu_{l}"), h);
    h.key(Key::Char('?'));
    snap!(format!("help_admin_{l}"), h);
    h.key(Key::Esc).key(Key::Enter);
    snap!(format!("officers_{l}"), h);
    h.key(Key::Char('?'));
    snap!(format!("help_officers_{l}"), h);
    h.key(Key::Esc).key(Key::Char('n')).typed("1995 0101 2020 011001").key(Key::Tab).typed("Rina Astuti");
    h.keys(&[Key::Tab, Key::Right, Key::Tab, Key::Right, Key::Char(' '), Key::Tab]).typed("123").keys(&[
        Key::Tab,
        Key::Tab,
        Key::Enter,
    ]);
    snap!(format!("officer_form_{l}"), h);
    h.key(Key::Char('?'));
    snap!(format!("help_admin_form_{l}"), h);
    h.key(Key::Esc).key(Key::Esc).key(Key::Char('y')).key(Key::End).key(Key::Char('s'));
    snap!(format!("officer_sites_{l}"), h);
    h.key(Key::Esc).key(Key::Char('r'));
    snap!(format!("officer_pin_{l}"), h);
    h.key(Key::Esc).key(Key::Char('d'));
    snap!(format!("officer_deactivate_{l}"), h);
    h.key(Key::Char('n')).key(Key::Esc);
    assert!(matches!(h.app.screen, Screen::AdminMenu(_)));
    for (item, name) in [(1, "sites"), (2, "partners"), (3, "agreements"), (4, "programs_admin")] {
        h.key(Key::Home);
        for _ in 0..item {
            h.key(Key::Down);
        }
        h.key(Key::Enter);
        snap!(format!("{name}_{l}"), h);
        if item == 1 {
            h.key(Key::Char('?'));
            snap!(format!("help_reference_{l}"), h);
            h.key(Key::Esc).key(Key::Enter);
            snap!(format!("site_edit_{l}"), h);
            h.key(Key::Esc);
        }
        h.key(Key::Esc);
    }
    h.key(Key::Enter).key(Key::Enter);
    snap!(format!("program_edit_{l}"), h);
    h.key(Key::Esc).key(Key::Esc).key(Key::Up).key(Key::Enter).key(Key::Char('n'));
    snap!(format!("agreement_form_{l}"), h);
    h.key(Key::Esc).key(Key::Esc).key(Key::End).key(Key::Enter);
    snap!(format!("audit_{l}"), h);
    h.key(Key::Char('?'));
    snap!(format!("help_audit_{l}"), h);
    h.key(Key::Esc);
    h.key(Key::Char('f')).typed(ADMIN).key(Key::Tab).typed("10/03/2026").key(Key::Tab).typed("1/1").key(Key::Enter);
    snap!(format!("audit_filter_problem_{l}"), h);
}

#[test]
fn lock_and_drafts_id() {
    lock_and_drafts(Lang::Id);
}

#[test]
fn lock_and_drafts_en() {
    lock_and_drafts(Lang::En);
}

#[test]
fn revisions_id() {
    revisions(Lang::Id);
}

#[test]
fn revisions_en() {
    revisions(Lang::En);
}

#[test]
fn admin_screens_id() {
    admin_screens(Lang::Id);
}

#[test]
fn admin_screens_en() {
    admin_screens(Lang::En);
}

/// Without colour and UTF-8 the new screens keep their marks: `>`, `!`, `+`.
#[test]
fn ascii_entry_history() {
    let mut h = Harness::logged_in_as(Lang::Id, SUPERVISOR);
    h.theme = Theme { color: false, ascii: true };
    h.key(Key::Char('v')).key(Key::Char('v')).key(Key::Enter).key(Key::Char('c'));
    h.focus_field(FormField::Value(0)).retype("78").focus_field(FormField::Reason).typed("cek");
    h.focus_field(FormField::Save).key(Key::Enter);
    let screen = h.screen();
    assert!(screen.is_ascii(), "{screen}");
    assert_snapshot!("entry_history_ascii", screen);
    h.key(Key::Lock);
    assert!(h.screen().is_ascii());
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

/// An entry of several quantities: the form with two rows, a problem in the
/// second row, a third row, then the register and the saved entry; and a
/// form whose rows outgrow the screen.
fn several_quantities(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::logged_in(lang);
    h.key(Key::Enter).key(Key::Char('t'));
    h.keys(&[Key::Tab, Key::Tab]).typed("12,5").keys(&[Key::Tab, Key::Tab]).typed("cabai");
    h.keys(&[Key::Tab, Key::Char('+')]).typed("4").keys(&[Key::Tab, Key::Tab]).typed("tomat").key(Key::BackTab);
    snap!(format!("entry_form_two_rows_{l}"), h);
    h.focus_field(FormField::Value(1)).retype("4.250,5").focus_field(FormField::Participants).typed("4");
    h.focus_field(FormField::Save).key(Key::Enter);
    snap!(format!("entry_form_row_problem_{l}"), h);
    h.retype("4").focus_field(FormField::AddQuantity).key(Key::Char('+')).typed("1,5").key(Key::Tab);
    h.key(Key::Tab).typed("terong").focus_field(FormField::Save).key(Key::Enter);
    snap!(format!("saved_several_{l}"), h);
    h.key(Key::Enter);
    snap!(format!("entry_view_several_{l}"), h);
    h.key(Key::Esc).key(Key::Esc).key(Key::End).key(Key::Char('t')).focus_field(FormField::AddQuantity);
    for _ in 0..4 {
        h.key(Key::Char('+')).focus_field(FormField::AddQuantity);
    }
    h.focus_field(FormField::Notes);
    snap!(format!("entry_form_scrolled_{l}"), h);
}

#[test]
fn several_quantities_id() {
    several_quantities(Lang::Id);
}

#[test]
fn several_quantities_en() {
    several_quantities(Lang::En);
}

/// A good backup made `days` before the harness's "now", left in its
/// database's `backups/` as the server's daily backup would leave it. It
/// is taken from another database whose clock stood then: the folder's
/// newest good backup is all the home screen reads.
fn backup_made_days_ago(h: &Harness, days: i64) {
    use crate::domain::officer::Role;
    let at = h.records.now() - chrono::Duration::days(days);
    let other_dir = tempfile::tempdir().unwrap();
    let other = crate::records::Records::open(
        other_dir.path(),
        crate::records::OpenMode::CreateIfMissing,
        Box::new(crate::clock::FixedClock(at)),
        crate::domain::date::wib(),
    )
    .unwrap();
    other.add_officer(None, ADMIN, "Admin", Role::Admin, PIN).unwrap();
    let admin = other.login(ADMIN, PIN).unwrap();
    let folder = h._dir.path().join(crate::records::files::BACKUPS_FOLDER);
    std::fs::create_dir_all(&folder).unwrap();
    let name = crate::domain::backup_plan::file_name(h.records.local_time(at).date_naive());
    other.backup(&admin, &folder.join(name)).unwrap();
}

fn backup_notice(h: &Harness) -> Option<crate::tui::data::BackupNotice> {
    let Screen::Home(home) = &h.app.screen else { panic!("not at home: {:?}", h.app.notice) };
    home.data.backup.clone()
}

/// Supervisors and admins are told when the newest backup is more than
/// two days old; a day-old one, or an operator, shows nothing.
fn backup_warning(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::new(lang, true);
    backup_made_days_ago(&h, 3);
    h.login(SUPERVISOR);
    let notice = backup_notice(&h).expect("a warning for a backup 3 days old");
    assert_eq!(notice.last_good.map(|(_, days)| days), Some(3));
    snap!(format!("home_backup_stale_{l}"), h);

    let mut h = Harness::new(lang, true);
    backup_made_days_ago(&h, 1);
    h.login(SUPERVISOR);
    assert_eq!(backup_notice(&h), None);
    assert!(!h.screen().contains('!'), "{}", h.screen());

    let mut h = Harness::new(lang, true);
    h.login(OPERATOR);
    assert_eq!(backup_notice(&h), None, "operators are not asked, nor told");
}

#[test]
fn backup_warning_id() {
    backup_warning(Lang::Id);
}

#[test]
fn backup_warning_en() {
    backup_warning(Lang::En);
}

/// The report (issue 11): from home, every programme by site for the last
/// complete month; from a programme, its figures with its entries a day
/// (sparkline) and, for a year, its months (bars); scrolled; in ASCII.
fn reports(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::logged_in_as(lang, SUPERVISOR);
    // A yearly target for the first programme's cabai: its lines show it.
    let admin = h.records.login(ADMIN, PIN).unwrap();
    h.records.set_target(&admin, 1, 2026, crate::domain::sector::Kind::Harvest, "240 kg cabai").unwrap();
    h.key(Key::Char('r'));
    snap!(format!("report_home_{l}"), h);
    h.key(Key::Char('b'));
    snap!(format!("report_by_program_{l}"), h);
    h.key(Key::Char('?'));
    snap!(format!("help_report_{l}"), h);
    h.key(Key::Esc).key(Key::Esc).key(Key::Enter).key(Key::Char('r'));
    snap!(format!("report_program_{l}"), h);
    h.key(Key::Char('y'));
    snap!(format!("report_program_year_{l}"), h);
    // The same screen with its styles, in colour and without.
    assert_snapshot!(format!("report_program_year_colour_{l}"), super::drawn_styled(&h.app, h.theme));
    let plain = Theme { color: false, ascii: false };
    assert_snapshot!(format!("report_program_year_no_color_{l}"), super::drawn_styled(&h.app, plain));
    h.theme = Theme { color: false, ascii: true };
    snap!(format!("report_program_year_ascii_{l}"), h);
    h.theme = Theme { color: true, ascii: false };
    h.key(Key::Char('p')).typed("2026-13").key(Key::Enter);
    snap!(format!("report_period_refused_{l}"), h);
    for _ in 0..7 {
        h.key(Key::Backspace);
    }
    h.typed("02/03/2026-08/03/2026").key(Key::Enter);
    snap!(format!("report_range_{l}"), h);
}

#[test]
fn reports_id() {
    reports(Lang::Id);
}

#[test]
fn reports_en() {
    reports(Lang::En);
}

/// The queue filtered to one site, two entries marked, and the question.
fn queue_range(lang: Lang) {
    let l = code(lang);
    let mut h = Harness::logged_in_as(lang, SUPERVISOR);
    h.key(Key::Char('v')).key(Key::Char('l')).key(Key::Char(' ')).key(Key::Char(' '));
    snap!(format!("queue_marked_{l}"), h);
    h.key(Key::Char('V'));
    snap!(format!("queue_confirm_{l}"), h);
}

#[test]
fn queue_range_id() {
    queue_range(Lang::Id);
}

#[test]
fn queue_range_en() {
    queue_range(Lang::En);
}

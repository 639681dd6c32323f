//! Files written from the interface (issue 11): the register as searched
//! and the report, as CSV or as Excel in Indonesian reads it, in the
//! officer's folder, named on screen.

use super::{Harness, OPERATOR};
use crate::i18n::Lang;
use crate::report::export::BOM;
use crate::tui::keymap::Key;

fn written(h: &Harness) -> std::path::PathBuf {
    let notice = h.app.notice.as_ref().expect("a message").text.clone();
    let path = notice.split("Written to ").nth(1).and_then(|rest| rest.split(" (").next()).expect(&notice);
    std::path::PathBuf::from(path)
}

#[test]
fn the_searched_register_and_the_report_go_to_the_officers_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::logged_in(Lang::En);
    h.app.exports = dir.path().to_path_buf();
    h.key(Key::Enter).key(Key::Char('/')).typed("tomat").key(Key::Enter);
    let shown = match &h.app.screen {
        crate::tui::screens::Screen::Program(p) => p.data.register.len(),
        _ => unreachable!(),
    };
    h.key(Key::Char('E'));
    let path = written(&h);
    assert!(path.starts_with(dir.path().join(OPERATOR)), "{path:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(BOM) && text.contains("\r\n"), "Excel's dialect");
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), shown, "every entry of the search, no other");
    assert!(rows.iter().all(|r| r.contains(";tomat;")), "{rows:?}");

    h.key(Key::Char('r')).key(Key::Char('e'));
    let path = written(&h);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.starts_with(BOM) && text.lines().count() > 1, "{text}");
    assert!(path.file_name().unwrap().to_string_lossy().starts_with("laporan-20260201-20260228"), "{path:?}");
}

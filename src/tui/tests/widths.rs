//! Widths count terminal cells: emoji and CJK take two, and a cut keeps
//! distinct items distinct (issue 10).

use std::collections::BTreeMap;

use super::Harness;
use crate::domain::Amount;
use crate::domain::sector::Kind;
use crate::domain::unit::Unit;
use crate::i18n::Lang;
use crate::records::Total;
use crate::tui::keymap::Key;
use crate::tui::screens::Screen;
use crate::tui::screens::program::{TOTALS_CELLS, TOTALS_GAP};

/// The operator on the first programme of home.
fn on_a_programme() -> Harness {
    let mut h = Harness::logged_in(Lang::En);
    h.key(Key::Enter);
    assert!(matches!(h.app.screen, Screen::Program(_)), "{}", h.screen());
    h
}

fn program(h: &mut Harness) -> &mut crate::tui::data::ProgramData {
    match &mut h.app.screen {
        Screen::Program(p) => &mut p.data,
        other => panic!("not a programme: {other:?}"),
    }
}

#[test]
fn species_sharing_a_long_start_stay_apart_in_the_head_count() {
    let mut h = on_a_programme();
    let herd =
        BTreeMap::from([("domba garut betina dewasa".to_string(), 4), ("domba garut betina anakan".to_string(), 7)]);
    program(&mut h).herd = Some(herd);
    let screen = h.screen();
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains(" ekor")).collect();
    assert_eq!(rows.len(), 2, "{screen}");
    let shown = |row: &str| row.split("││").nth(1).unwrap_or(row).trim().to_string();
    assert_ne!(shown(rows[0]), shown(rows[1]), "{screen}");
    assert!(screen.contains("dewasa") && screen.contains("anakan"), "{screen}");
}

#[test]
fn wide_items_keep_the_totals_columns_in_line() {
    let mut h = on_a_programme();
    let total = |item: &str| Total {
        kind: Kind::Harvest,
        unit: Unit::Kg,
        item: item.to_string(),
        value: Amount::parse("12", Unit::Kg).unwrap(),
        entries: 1,
    };
    let data = program(&mut h);
    data.year = vec![total("cabai"), total("鸡蛋鸡蛋鸡蛋"), total("🐑🐑")];
    data.month = data.year.clone();
    let screen = h.screen();
    // The buffer holds one symbol a cell (a wide character's second cell
    // is blank): counting symbols counts columns. The totals are under
    // the register, in columns of TOTALS_CELLS, TOTALS_GAP apart.
    let title = screen
        .lines()
        .position(|l| [" Totals ", " Jumlah "].iter().any(|t| l.starts_with(t)))
        .unwrap_or_else(|| panic!("{screen}"));
    let column = |l: &str, n: usize| -> String {
        let from = n * usize::from(TOTALS_CELLS + TOTALS_GAP);
        l.chars().skip(from).take(usize::from(TOTALS_CELLS)).collect()
    };
    let ends: Vec<usize> = screen
        .lines()
        .skip(title + 1)
        .flat_map(|l| [column(l, 0), column(l, 1)])
        .filter(|t| t.contains("cabai") || t.contains('鸡') || t.contains('🐑'))
        .map(|t| t.find("12").map_or(0, |at| t[..at].chars().count()))
        .collect();
    assert_eq!(ends.len(), 3, "{screen}");
    assert!(ends.iter().all(|e| *e == ends[0]), "columns end at {ends:?}:\n{screen}");
}

#[test]
fn two_emoji_leave_the_closing_bracket_of_a_field_in_place() {
    let mut h = on_a_programme();
    h.key(Key::Char('t'));
    let plain = h.screen();
    h.focus_field(crate::tui::screens::entry_form::FormField::Notes).typed("🐑🐑");
    let typed = h.screen();
    let row = typed.lines().find(|l| l.contains('🐑')).unwrap_or_else(|| panic!("{typed}"));
    let before = plain.lines().nth(typed.lines().position(|l| l.contains('🐑')).unwrap()).unwrap();
    // One symbol a cell (a wide character's second cell is blank).
    assert_eq!(row.chars().position(|c| c == ']'), before.chars().position(|c| c == ']'), "{plain}\n{typed}");
}

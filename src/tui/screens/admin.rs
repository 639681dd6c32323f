//! The administrator's menu: officers, the reference data and the audit
//! trail. Only admins reach it; the records API refuses anyone else anyway.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::reference::Section;
use super::{Action, Load, Page, leave};
use crate::i18n::{Lang, text};
use crate::records::AuditFilter;
use crate::tui::bindings::{Binding, Hint, TYPING_LIST_KEYS, find, hints_and_leave};
use crate::tui::keymap::{Key, list_nav};
use crate::tui::ui::{Ui, titled};
use crate::tui::widgets::list::{self, Selection};

/// What the menu offers, in order, with the catalog keys of its name and description.
pub const ITEMS: [(&str, &str); 6] = [
    ("tui.admin_officers", "tui.admin_officers_about"),
    ("tui.admin_sites", "tui.admin_sites_about"),
    ("tui.admin_partners", "tui.admin_partners_about"),
    ("tui.admin_agreements", "tui.admin_agreements_about"),
    ("tui.admin_programs", "tui.admin_programs_about"),
    ("tui.admin_audit", "tui.admin_audit_about"),
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Menu {
    pub selected: Selection,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Move,
    Open,
}

const KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Char('j'), Key::Char('k')], "j/k", "tui.do_select", Do::Move),
    Binding::in_help(TYPING_LIST_KEYS, "tui.keyname_list", "tui.do_select", Do::Move),
    Binding::shown(&[Key::Enter], "Enter", "tui.do_open", Do::Open),
];

impl Page for Menu {
    fn title(&self, lang: Lang) -> String {
        text(lang, "tui.title_admin").to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_admin"
    }

    fn hints(&self) -> Vec<Hint> {
        hints_and_leave(KEYS)
    }

    fn key(&mut self, key: Key, _lang: Lang) -> Action {
        match find(KEYS, key) {
            Some(Do::Move) => {
                if let Some(nav) = list_nav(key) {
                    self.selected.step(nav, ITEMS.len());
                }
                Action::None
            }
            Some(Do::Open) => Action::Load(match self.selected.row() {
                0 => Load::Officers(()),
                1 => Load::Reference(Section::Sites),
                2 => Load::Reference(Section::Partners),
                3 => Load::Reference(Section::Agreements),
                4 => Load::Reference(Section::Programs),
                _ => Load::Audit(AuditFilter::default()),
            }),
            None => leave(key),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }
}

pub fn render(state: &Menu, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let block = titled(theme, text(lang, "tui.admin_title"));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Rect { height: (ITEMS.len() as u16).min(inner.height), ..inner };
    let width = usize::from(inner.width).saturating_sub(2);
    list::render(frame, rows, theme, ITEMS.len(), Some(state.selected.row()), Some(state.selected.top()), |i| {
        let (name, about) = ITEMS[i];
        Line::from(theme.fit(&format!("{} {}", theme.pad(text(lang, name), 18), text(lang, about)), width))
    });
    let below = Rect { y: rows.y + rows.height + 1, height: inner.height.saturating_sub(rows.height + 1), ..inner };
    frame.render_widget(Paragraph::new(text(lang, "tui.admin_intro")).wrap(Wrap { trim: true }), below);
    None
}

//! Officer accounts, for admins: every officer with role, sites and whether
//! they may log in. Add one, set their sites, stop or restore their login,
//! or give a new PIN (which also lifts a lock after wrong PINs). PINs are
//! never shown, nor their hashes held here.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::Action;
use super::admin_form::{self, role_name};
use super::leave;
use crate::domain::invalid::Arg;
use crate::i18n::{Lang, fill, text};
use crate::tui::data::OfficersData;
use crate::tui::keymap::{Key, apply, list_nav};
use crate::tui::msg::Op;
use crate::tui::screens::Screen;
use crate::tui::ui::{Ui, titled};
use crate::tui::widgets::{form::confirm, list};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub data: OfficersData,
    pub selected: usize,
    /// Asking whether to stop (false) or restore (true) the selected login.
    pub confirm_active: Option<bool>,
}

impl State {
    pub fn new(data: OfficersData) -> State {
        State { data, selected: 0, confirm_active: None }
    }

    pub fn refresh(&mut self, data: OfficersData) {
        self.selected = self.selected.min(data.officers.len().saturating_sub(1));
        self.data = data;
        self.confirm_active = None;
    }

    pub fn key(&mut self, key: Key, lang: Lang) -> Action {
        let chosen = self.data.officers.get(self.selected);
        if let Some(active) = self.confirm_active {
            return match (key, chosen) {
                (Key::Char('y' | 'Y'), Some(o)) => {
                    self.confirm_active = None;
                    Action::Do(Op::SetActive { nip: o.nip.to_string(), active })
                }
                (Key::Char('n' | 'N') | Key::Esc, _) => {
                    self.confirm_active = None;
                    Action::None
                }
                _ => Action::None,
            };
        }
        if let Some(nav) = list_nav(key) {
            self.selected = apply(nav, self.selected, self.data.officers.len());
            return Action::None;
        }
        let sites = &self.data.sites;
        let push = |state: admin_form::State| Action::Push(Box::new(Screen::AdminForm(Box::new(state))));
        match (key, chosen) {
            (Key::Char('n'), _) => push(admin_form::State::add_officer(lang, sites)),
            (Key::Char('s') | Key::Enter, Some(o)) => push(admin_form::State::assign_sites(lang, o, sites)),
            (Key::Char('r'), Some(o)) => push(admin_form::State::reset_pin(lang, o)),
            (Key::Char('d'), Some(o)) => {
                self.confirm_active = Some(!o.active);
                Action::None
            }
            (other, _) => leave(other),
        }
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let officers = &state.data.officers;
    let title = fill(lang, "tui.officers_title", &[("count", Arg::Number(officers.len() as i64))]);
    let block = titled(theme, &title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // NIP, name, role, sites, state: 18 + 15 + 10 + 12 + 17 and spaces fill 76.
    let widths = [18, 15, 10, 12, 17];
    let columns = |cells: [String; 5]| -> String {
        cells.iter().zip(widths).map(|(c, w)| theme.pad(c, w)).collect::<Vec<_>>().join(" ")
    };
    let header = columns([
        "NIP".into(),
        text(lang, "tui.label_name").into(),
        text(lang, "tui.label_role").into(),
        text(lang, "tui.label_sites").into(),
        text(lang, "tui.col_state").into(),
    ]);
    frame.render_widget(
        Line::from(vec![Span::raw("  "), Span::styled(header, theme.strong())]),
        Rect { height: 1, ..inner },
    );
    let rows = Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner };
    let code =
        |id: &u32| state.data.sites.iter().find(|s| s.id == *id).map_or_else(|| id.to_string(), |s| s.code.clone());
    list::render(frame, rows, theme, officers.len(), Some(state.selected), |i| {
        let o = &officers[i];
        // "All" is an admin's word: an admin works everywhere, sites to come
        // included. Anyone else's sites are listed, however many.
        let sites = if o.role == crate::domain::officer::Role::Admin {
            text(lang, "tui.all_sites").to_string()
        } else if o.sites.is_empty() {
            "-".to_string()
        } else {
            // The codes when they fit the column, else how many: the
            // officer's site form lists them in full.
            let listed = o.sites.iter().map(code).collect::<Vec<_>>().join(",");
            if listed.chars().count() <= widths[3] {
                listed
            } else {
                fill(lang, "tui.officer_site_count", &[("count", Arg::Number(o.sites.len() as i64))])
            }
        };
        let status = match (o.active, &o.locked_until) {
            (false, _) => text(lang, "tui.officer_inactive").to_string(),
            (true, Some(until)) => {
                fill(lang, "tui.officer_locked", &[("until", Arg::Text(until.format("%H:%M").to_string()))])
            }
            (true, None) => text(lang, "tui.officer_active").to_string(),
        };
        Line::from(columns([o.nip.to_string(), o.name.clone(), role_name(lang, o.role).into(), sites, status]))
    });
    if let (Some(active), Some(o)) = (state.confirm_active, officers.get(state.selected)) {
        let key = if active { "tui.confirm_activate" } else { "tui.confirm_deactivate" };
        let args = [("name", Arg::Text(o.name.clone())), ("nip", Arg::Text(o.nip.to_string()))];
        confirm(frame, area, ui, &fill(lang, key, &args));
    }
    None
}

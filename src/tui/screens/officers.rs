//! Officer accounts, for admins: every officer with role, sites and whether
//! they may log in. Add one, set their sites, stop or restore their login,
//! or give a new PIN (which also lifts a lock after wrong PINs). PINs are
//! never shown, nor their hashes held here.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::admin_form::{self, role_name};
use super::leave;
use super::{Action, Context, Load, Loads, Page};
use crate::domain::invalid::Arg;
use crate::i18n::{Lang, fill, text};
use crate::records::{Actor, Records, Result, Update};
use crate::tui::bindings::{Binding, Hint, TYPING_LIST_KEYS, YES_NO, find, hints, hints_and_leave};
use crate::tui::data::{OfficerRow, OfficersData};
use crate::tui::keymap::{Key, list_nav};
use crate::tui::ops::Op;
use crate::tui::screens::Screen;
use crate::tui::ui::{Ui, titled};
use crate::tui::widgets::form::confirm;
use crate::tui::widgets::list::{self, Selection};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub data: OfficersData,
    pub selected: Selection,
    /// Asking whether to stop (false) or restore (true) the selected login.
    pub confirm_active: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Move,
    Add,
    Sites,
    Active,
    ResetPin,
}

const KEYS: &[Binding<Do>] = &[
    Binding::in_help(&[Key::Char('j'), Key::Char('k')], "j/k", "tui.do_select", Do::Move),
    Binding::in_help(TYPING_LIST_KEYS, "tui.keyname_list", "tui.do_select", Do::Move),
    Binding::shown(&[Key::Char('n')], "n", "tui.do_add", Do::Add),
    Binding::shown(&[Key::Char('s'), Key::Enter], "s", "tui.do_sites", Do::Sites),
    Binding::shown(&[Key::Char('d')], "d", "tui.do_active", Do::Active),
    Binding::shown(&[Key::Char('r')], "r", "tui.do_reset_pin", Do::ResetPin),
];

impl State {
    pub fn new(data: OfficersData) -> State {
        State { data, selected: Selection::default(), confirm_active: None }
    }

    pub fn refresh(&mut self, data: OfficersData) {
        self.selected.follow(&self.data.officers, &data.officers, |o| o.nip.clone());
        self.data = data;
        self.confirm_active = None;
    }
}

impl Page for State {
    fn title(&self, lang: Lang) -> String {
        text(lang, "tui.title_officers").to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_officers"
    }

    fn hints(&self) -> Vec<Hint> {
        if self.confirm_active.is_some() { hints(YES_NO) } else { hints_and_leave(KEYS) }
    }

    fn key(&mut self, key: Key, lang: Lang) -> Action {
        let chosen = self.selected.of(&self.data.officers);
        if let Some(active) = self.confirm_active {
            return match (find(YES_NO, key), chosen) {
                (Some(true), Some(o)) => {
                    self.confirm_active = None;
                    Action::Do(Op::SetActive { nip: o.nip.to_string(), active })
                }
                (Some(false), _) => {
                    self.confirm_active = None;
                    Action::None
                }
                _ => Action::None,
            };
        }
        let sites = &self.data.sites;
        let push = |state: admin_form::State| Action::Push(Box::new(Screen::AdminForm(Box::new(state))));
        match (find(KEYS, key), chosen) {
            (Some(Do::Move), _) => {
                if let Some(nav) = list_nav(key) {
                    self.selected.step(nav, self.data.officers.len());
                }
                Action::None
            }
            (Some(Do::Add), _) => push(admin_form::State::add_officer(lang, sites)),
            (Some(Do::Sites), Some(o)) => push(admin_form::State::assign_sites(lang, o, sites)),
            (Some(Do::ResetPin), Some(o)) => push(admin_form::State::reset_pin(lang, o)),
            (Some(Do::Active), Some(o)) => {
                self.confirm_active = Some(!o.active);
                Action::None
            }
            (Some(_), None) => Action::None,
            (None, _) => leave(key),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn reload(&self) -> Option<Load> {
        Some(Load::Officers(()))
    }

    fn shows(&self, update: &Update) -> bool {
        matches!(update, Update::Officers)
    }

    fn asking(&self) -> bool {
        self.confirm_active.is_some()
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
    list::render(frame, rows, theme, officers.len(), Some(state.selected.row()), Some(state.selected.top()), |i| {
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
    if let (Some(active), Some(o)) = (state.confirm_active, state.selected.of(officers)) {
        let key = if active { "tui.confirm_activate" } else { "tui.confirm_deactivate" };
        let args = [("name", Arg::Text(o.name.clone())), ("nip", Arg::Text(o.nip.to_string()))];
        confirm(frame, area, ui, &fill(lang, key, &args));
    }
    None
}

/// The officers the admin manages, with whether each is locked out now.
impl Loads for State {
    type Query = ();
    type Data = OfficersData;

    fn fetch(records: &Records, actor: &Actor, _query: &()) -> Result<OfficersData> {
        let now = records.now();
        let officers = records
            .officers_for(actor)?
            .into_iter()
            .map(|o| OfficerRow {
                locked_until: o.locked_until.filter(|until| *until > now).map(|until| records.local_time(until)),
                nip: o.nip,
                name: o.name,
                role: o.role,
                active: o.active,
                sites: o.sites,
            })
            .collect();
        Ok(OfficersData { officers, sites: records.sites()? })
    }

    fn take(&mut self, _query: &(), data: OfficersData, _context: &Context) {
        self.refresh(data);
    }

    fn open(_query: &(), data: OfficersData, _context: &Context) -> Option<State> {
        Some(State::new(data))
    }
}

//! Reference data, for admins: sites, partners, agreements and programmes,
//! each listed with what can be added or corrected. Records marked `*` were
//! inferred from public sources and wait for an admin to confirm them.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::{Action, Context, Load, Loads, Page, admin_form, leave};
use crate::domain::date::format_date;
use crate::domain::reference::ProgramStatus;
use crate::i18n::{Lang, sector_name, text};
use crate::records::{Actor, Records, Result, Update};
use crate::tui::bindings::{Binding, Hint, TYPING_LIST_KEYS, find, hints_and_leave};
use crate::tui::data::ReferenceData;
use crate::tui::keymap::{Key, list_nav};
use crate::tui::screens::Screen;
use crate::tui::ui::{Ui, titled};
use crate::tui::widgets::list::{self, Selection};

pub use crate::tui::data::Section;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub section: Section,
    pub data: ReferenceData,
    pub selected: Selection,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Move,
    Add,
    Edit,
}

const KEYS: &[Binding<Do>] = &[
    Binding::shown(&[Key::Char('j'), Key::Char('k')], "j/k", "tui.do_select", Do::Move),
    Binding::in_help(TYPING_LIST_KEYS, "tui.keyname_list", "tui.do_select", Do::Move),
    Binding::shown(&[Key::Char('n')], "n", "tui.do_add", Do::Add),
    Binding::shown(&[Key::Enter, Key::Char('e')], "Enter", "tui.do_edit", Do::Edit),
];

impl Page for State {
    fn title(&self, lang: Lang) -> String {
        text(lang, title_key(self.section)).to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_reference"
    }

    fn hints(&self) -> Vec<Hint> {
        hints_and_leave(KEYS)
    }

    fn key(&mut self, key: Key, lang: Lang) -> Action {
        let push = |state: admin_form::State| Action::Push(Box::new(Screen::AdminForm(Box::new(state))));
        match (find(KEYS, key), self.selected_id()) {
            (Some(Do::Move), _) => {
                if let Some(nav) = list_nav(key) {
                    self.selected.step(nav, self.len());
                }
                Action::None
            }
            (Some(Do::Add), _) => push(self.form(lang, None)),
            (Some(Do::Edit), Some(id)) => push(self.form(lang, Some(id))),
            (Some(Do::Edit), None) => Action::None,
            (None, _) => leave(key),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn reload(&self) -> Option<Load> {
        Some(Load::Reference(self.section))
    }

    fn shows(&self, update: &Update) -> bool {
        matches!(update, Update::Reference)
    }
}

impl State {
    pub fn new(section: Section, data: ReferenceData) -> State {
        State { section, data, selected: Selection::default() }
    }

    pub fn refresh(&mut self, data: ReferenceData) {
        let before = self.ids();
        self.data = data;
        self.selected.follow(&before, &self.ids(), |id| *id);
    }

    pub fn len(&self) -> usize {
        match self.section {
            Section::Sites => self.data.sites.len(),
            Section::Partners => self.data.partners.len(),
            Section::Agreements => self.data.agreements.len(),
            Section::Programs => self.data.programs.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The listed records' ids, in order.
    fn ids(&self) -> Vec<u32> {
        match self.section {
            Section::Sites => self.data.sites.iter().map(|r| r.id).collect(),
            Section::Partners => self.data.partners.iter().map(|r| r.id).collect(),
            Section::Agreements => self.data.agreements.iter().map(|r| r.id).collect(),
            Section::Programs => self.data.programs.iter().map(|r| r.id).collect(),
        }
    }

    fn selected_id(&self) -> Option<u32> {
        self.selected.of(&self.ids()).copied()
    }

    fn form(&self, lang: Lang, id: Option<u32>) -> admin_form::State {
        match self.section {
            Section::Sites => admin_form::State::site(lang, &self.data, id),
            Section::Partners => admin_form::State::partner(lang, &self.data, id),
            Section::Agreements => admin_form::State::agreement(lang, &self.data, id),
            Section::Programs => admin_form::State::program(lang, &self.data, id),
        }
    }
}

pub fn title_key(section: Section) -> &'static str {
    match section {
        Section::Sites => "tui.admin_sites",
        Section::Partners => "tui.admin_partners",
        Section::Agreements => "tui.admin_agreements",
        Section::Programs => "tui.admin_programs",
    }
}

fn inferred(yes: bool) -> &'static str {
    if yes { "*" } else { " " }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let block = titled(theme, text(lang, title_key(state.section)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let data = &state.data;
    let site_code = |id: u32| data.sites.iter().find(|s| s.id == id).map_or_else(|| id.to_string(), |s| s.code.clone());
    let partner =
        |id: u32| data.partners.iter().find(|p| p.id == id).map_or_else(|| id.to_string(), |p| p.name.clone());
    let agreement =
        |id: u32| data.agreements.iter().find(|a| a.id == id).map_or_else(|| id.to_string(), |a| a.number.clone());
    let cells = |cells: &[(String, usize)]| -> String {
        cells.iter().map(|(c, w)| theme.pad(c, *w)).collect::<Vec<_>>().join(" ")
    };
    let t = |key: &'static str| text(lang, key).to_string();
    // Each section's columns and widths fill the 74 columns beside the marker.
    let header = match state.section {
        Section::Sites => cells(&[("ID".into(), 3), (t("tui.label_code"), 16), (t("tui.label_name"), 52)]),
        Section::Partners => cells(&[("ID".into(), 4), (t("tui.label_name"), 40), (t("tui.label_field"), 28)]),
        Section::Agreements => cells(&[
            ("ID".into(), 3),
            (t("tui.label_number"), 18),
            (t("tui.label_partner"), 20),
            (t("tui.col_period"), 21),
            (t("tui.label_sites"), 8),
        ]),
        Section::Programs => cells(&[
            ("ID".into(), 2),
            (t("tui.label_name"), 25),
            (t("tui.label_sector"), 14),
            (t("tui.col_site"), 8),
            (t("tui.label_agreement"), 11),
            (t("tui.col_state"), 9),
        ]),
    };
    frame.render_widget(
        Line::from(vec![
            Span::raw("  "),
            Span::styled(theme.fit(&header, usize::from(inner.width) - 2), theme.strong()),
        ]),
        Rect { height: 1, ..inner },
    );
    let rows = Rect { y: inner.y + 1, height: inner.height.saturating_sub(2), ..inner };
    let width = usize::from(inner.width).saturating_sub(2);
    list::render(frame, rows, theme, state.len(), Some(state.selected.row()), Some(state.selected.top()), |i| {
        let line = match state.section {
            Section::Sites => {
                let s = &data.sites[i];
                cells(&[(s.id.to_string(), 3), (s.code.clone(), 16), (s.name.clone(), 52)])
            }
            Section::Partners => {
                let p = &data.partners[i];
                let field = p.field.map_or_else(|| t("tui.field_unknown"), |f| sector_name(lang, f).to_string());
                cells(&[(format!("{}{}", p.id, inferred(p.inferred)), 4), (p.name.clone(), 40), (field, 28)])
            }
            Section::Agreements => {
                let a = &data.agreements[i];
                let period = format!("{}{}{}", format_date(a.start), theme.dash(), format_date(a.end));
                let everywhere = data.sites.iter().all(|s| a.sites.contains(&s.id));
                let sites = if everywhere {
                    t("tui.all_sites")
                } else {
                    a.sites.iter().map(|s| site_code(*s)).collect::<Vec<_>>().join(",")
                };
                cells(&[
                    (format!("{}{}", a.id, inferred(a.inferred)), 3),
                    (a.number.clone(), 18),
                    (partner(a.partner), 20),
                    (period, 21),
                    (sites, 8),
                ])
            }
            Section::Programs => {
                let p = &data.programs[i];
                let status = match p.status {
                    ProgramStatus::Active => t("tui.program_active"),
                    ProgramStatus::Ended => t("tui.program_ended"),
                };
                cells(&[
                    (p.id.to_string(), 2),
                    (p.name.clone(), 25),
                    (sector_name(lang, p.sector).to_string(), 14),
                    (site_code(p.site), 8),
                    (agreement(p.agreement), 11),
                    (status, 9),
                ])
            }
        };
        Line::from(theme.fit(&line, width))
    });
    let note = matches!(state.section, Section::Partners | Section::Agreements);
    if note {
        let at = Rect { y: inner.y + inner.height.saturating_sub(1), height: 1, ..inner };
        frame
            .render_widget(Line::styled(theme.fit(&t("tui.inferred_note"), usize::from(inner.width)), theme.dim()), at);
    }
    None
}

/// The reference data; every section reads all four (they name each other).
impl Loads for State {
    type Query = Section;
    type Data = ReferenceData;

    fn fetch(records: &Records, _actor: &Actor, _section: &Section) -> Result<ReferenceData> {
        Ok(ReferenceData {
            sites: records.sites()?,
            partners: records.partners()?,
            agreements: records.agreements()?,
            programs: records.programs()?,
        })
    }

    fn takes(&self, section: &Section) -> bool {
        self.section == *section
    }

    fn take(&mut self, _section: &Section, data: ReferenceData, _context: &Context) {
        self.refresh(data);
    }

    fn open(section: &Section, data: ReferenceData, _context: &Context) -> Option<State> {
        Some(State::new(*section, data))
    }
}

//! The programmes, filtered as you type by name, site, sector or partner,
//! each with the date of its newest entry. Letters always type into the
//! filter; the arrows, PgUp/PgDn and Home/End move in the list.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Action, Context, Load, Loads, Page};
use crate::domain::date::format_date;
use crate::domain::invalid::Arg;
use crate::domain::officer::Role;
use crate::domain::reference::SiteId;
use crate::i18n::{Lang, fill, sector_name, text};
use crate::records::{Actor, Records, Result, Update};
use crate::tui::bindings::{Binding, EDIT_KEYS, Hint, TYPING_LIST_KEYS, find, hints};
use crate::tui::data::ProgramRow;
use crate::tui::keymap::{Key, typing_nav};
use crate::tui::ui::{Ui, titled};
use crate::tui::widgets::field::{Label, labelled_input};
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::list::{self, Selection};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub rows: Vec<ProgramRow>,
    pub filter: TextInput,
    /// Among `shown()`.
    pub selected: Selection,
    /// The sites the officer may record at; `None` for every site (an
    /// admin). Programmes elsewhere are listed, marked, for reading.
    pub sites: Option<Vec<SiteId>>,
}

/// Whether every word of the filter appears in the programme's name, site,
/// sector (in either language, or its code) or partner.
pub fn matches(row: &ProgramRow, filter: &str) -> bool {
    let sector = row.info.program.sector;
    let haystack = [
        row.info.program.name.as_str(),
        row.info.site.as_str(),
        row.info.partner.as_str(),
        sector_name(Lang::Id, sector),
        sector_name(Lang::En, sector),
        sector.code(),
    ]
    .join(" ")
    .to_lowercase();
    filter.to_lowercase().split_whitespace().all(|word| haystack.contains(word))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Do {
    Type,
    Move,
    Open,
    ClearOrBack,
}

/// Letters type into the filter, so only keys no name holds act here.
const KEYS: &[Binding<Do>] = &[
    Binding::shown(&[], "tui.keyname_letters", "tui.do_search", Do::Type),
    Binding::in_help(TYPING_LIST_KEYS, "tui.keyname_list", "tui.do_select", Do::Move),
    Binding::shown(&[Key::Enter], "Enter", "tui.do_open", Do::Open),
    Binding::shown(&[Key::Esc], "Esc", "tui.do_clear_or_back", Do::ClearOrBack),
    Binding::in_help(EDIT_KEYS, "tui.keyname_editing", "tui.do_edit_text", Do::Type),
];

impl State {
    pub fn new(rows: Vec<ProgramRow>) -> State {
        State { rows, filter: TextInput::new(40), selected: Selection::default(), sites: None }
    }

    pub fn refresh(&mut self, rows: Vec<ProgramRow>) {
        let old: Vec<_> = self.shown().into_iter().map(|i| self.rows[i].info.program.id).collect();
        self.rows = rows;
        let new: Vec<_> = self.shown().into_iter().map(|i| self.rows[i].info.program.id).collect();
        self.selected.follow(&old, &new, |id| *id);
    }

    /// Whether the officer may record in the row's programme.
    pub fn may_record(&self, row: &ProgramRow) -> bool {
        self.sites.as_ref().is_none_or(|sites| sites.contains(&row.info.program.site))
    }

    /// Indexes of the rows the filter lets through.
    pub fn shown(&self) -> Vec<usize> {
        (0..self.rows.len()).filter(|&i| matches(&self.rows[i], self.filter.text())).collect()
    }
}

impl Page for State {
    fn title(&self, lang: Lang) -> String {
        text(lang, "tui.title_programs").to_string()
    }

    fn about(&self) -> &'static str {
        "tui.help_programs"
    }

    fn hints(&self) -> Vec<Hint> {
        hints(KEYS)
    }

    fn key(&mut self, key: Key, _lang: Lang) -> Action {
        match find(KEYS, key) {
            Some(Do::Move) => {
                if let Some(nav) = typing_nav(key) {
                    self.selected.step(nav, self.shown().len());
                }
                Action::None
            }
            Some(Do::Open) => match self.selected.of(&self.shown()) {
                Some(&i) => Action::Load(super::program::open(self.rows[i].info.program.id, false)),
                None => Action::None,
            },
            Some(Do::ClearOrBack) if !self.filter.text().is_empty() => {
                self.filter.clear();
                self.selected.reset();
                Action::None
            }
            Some(Do::ClearOrBack) => Action::Back,
            Some(Do::Type) | None => {
                if self.filter.edit(key) {
                    self.selected.reset();
                }
                Action::None
            }
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
        render(self, frame, area, ui)
    }

    fn reload(&self) -> Option<Load> {
        Some(Load::Programs(()))
    }

    fn shows(&self, update: &Update) -> bool {
        matches!(update, Update::Entries { .. } | Update::Reference)
    }
}

pub fn render(state: &State, frame: &mut Frame, area: Rect, ui: &Ui) -> Option<Position> {
    let (lang, theme) = (ui.lang, ui.theme);
    let shown = state.shown();
    let search = Rect { height: 1, width: area.width.min(52), ..area };
    let label = Label { text: text(lang, "tui.programs_search"), width: 8, focused: true, faulty: false };
    let cursor = labelled_input(frame, search, theme, label, &state.filter);
    let count = fill(
        lang,
        "tui.programs_count",
        &[("shown", Arg::Number(shown.len() as i64)), ("total", Arg::Number(state.rows.len() as i64))],
    );
    let count_area = Rect { x: area.x + 53, y: area.y, width: area.width.saturating_sub(53), height: 1 };
    frame.render_widget(Line::from(count).right_aligned(), count_area);
    let boxed = Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area };
    let marked = state.rows.iter().any(|r| !state.may_record(r));
    let title = if marked { "tui.programs_title_marked" } else { "tui.programs_title" };
    let block = titled(theme, text(lang, title));
    let inner = block.inner(boxed);
    frame.render_widget(block, boxed);
    // Name, site, sector, partner, last entry: 28 + 9 + 11 + 14 + 10 and
    // the spaces between fill the 76 columns beside the marker at 80x24.
    let widths = [28, 9, 11, 14, 10];
    let columns = |cells: [String; 5]| -> String {
        cells.iter().zip(widths).map(|(c, w)| theme.pad(c, w)).collect::<Vec<_>>().join(" ")
    };
    let header = columns([
        text(lang, "tui.col_program").into(),
        text(lang, "tui.col_site").into(),
        text(lang, "tui.col_sector").into(),
        text(lang, "tui.col_partner").into(),
        text(lang, "tui.col_last").into(),
    ]);
    frame.render_widget(
        Line::from(vec![Span::raw("  "), Span::styled(header, theme.strong())]),
        Rect { height: 1, ..inner },
    );
    let rows_area = Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner };
    if shown.is_empty() {
        let none = fill(lang, "tui.programs_none", &[("filter", Arg::Text(state.filter.text().to_string()))]);
        frame.render_widget(Paragraph::new(format!("  {none}")), rows_area);
        return cursor;
    }
    list::render(frame, rows_area, theme, shown.len(), Some(state.selected.row()), Some(state.selected.top()), |n| {
        let row = &state.rows[shown[n]];
        let mut site: Vec<char> = row.info.site_code.chars().collect();
        if let Some(first) = site.first_mut() {
            *first = first.to_ascii_uppercase();
        }
        let last = row.last.map_or_else(|| text(lang, "tui.never").to_string(), format_date);
        // "-" before a programme the officer may only read: it reads
        // without colour, and the title says what it means.
        let name =
            if state.may_record(row) { row.info.program.name.clone() } else { format!("- {}", row.info.program.name) };
        let style = if state.may_record(row) { ratatui::style::Style::new() } else { theme.dim() };
        Line::styled(
            columns([
                name,
                site.into_iter().collect(),
                sector_name(lang, row.info.program.sector).to_string(),
                row.info.partner.clone(),
                last,
            ]),
            style,
        )
    });
    cursor
}

/// Every programme, with the day of its last entry.
impl Loads for State {
    type Query = ();
    type Data = Vec<ProgramRow>;

    fn fetch(records: &Records, _actor: &Actor, _query: &()) -> Result<Vec<ProgramRow>> {
        let last = records.last_entry_dates()?;
        let infos = crate::tui::reads::infos(records)?;
        Ok(infos.into_iter().map(|info| ProgramRow { last: last.get(&info.program.id).copied(), info }).collect())
    }

    fn take(&mut self, _query: &(), rows: Vec<ProgramRow>, context: &Context) {
        self.refresh(rows);
        self.sites = recording_sites(context);
    }

    fn open(_query: &(), rows: Vec<ProgramRow>, context: &Context) -> Option<State> {
        let mut state = State::new(rows);
        state.sites = recording_sites(context);
        Some(state)
    }
}

/// The sites the officer may record at; `None` for an admin (every site).
fn recording_sites(context: &Context) -> Option<Vec<SiteId>> {
    context.officer.filter(|o| o.role != Role::Admin).map(|o| o.sites.clone())
}

//! The programmes, filtered as you type by name, site, sector or partner,
//! each with the date of its newest entry. Letters always type into the
//! filter; the arrows, PgUp/PgDn and Home/End move in the list.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Action, Label, labelled_input};
use crate::domain::date::format_date;
use crate::domain::invalid::Arg;
use crate::domain::reference::SiteId;
use crate::i18n::{Lang, fill, sector_name, text};
use crate::tui::data::ProgramRow;
use crate::tui::keymap::{Key, apply, typing_nav};
use crate::tui::msg::Cmd;
use crate::tui::ui::{Ui, titled};
use crate::tui::widgets::{input::TextInput, list};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub rows: Vec<ProgramRow>,
    pub filter: TextInput,
    /// Index into `shown()`.
    pub selected: usize,
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

impl State {
    pub fn new(rows: Vec<ProgramRow>) -> State {
        State { rows, filter: TextInput::new(40), selected: 0, sites: None }
    }

    pub fn refresh(&mut self, rows: Vec<ProgramRow>) {
        self.rows = rows;
        self.selected = self.selected.min(self.shown().len().saturating_sub(1));
    }

    /// Whether the officer may record in the row's programme.
    pub fn may_record(&self, row: &ProgramRow) -> bool {
        self.sites.as_ref().is_none_or(|sites| sites.contains(&row.info.program.site))
    }

    /// Indexes of the rows the filter lets through.
    pub fn shown(&self) -> Vec<usize> {
        (0..self.rows.len()).filter(|&i| matches(&self.rows[i], self.filter.text())).collect()
    }

    pub fn key(&mut self, key: Key) -> Action {
        if let Some(nav) = typing_nav(key) {
            self.selected = apply(nav, self.selected, self.shown().len());
            return Action::None;
        }
        match key {
            Key::Enter => match self.shown().get(self.selected) {
                Some(&i) => Action::Run(Cmd::LoadProgram { id: self.rows[i].info.program.id, form: false }),
                None => Action::None,
            },
            Key::Esc if !self.filter.text().is_empty() => {
                self.filter.clear();
                self.selected = 0;
                Action::None
            }
            Key::Esc => Action::Back,
            other => {
                if self.filter.edit(other) {
                    self.selected = 0;
                }
                Action::None
            }
        }
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
    list::render(frame, rows_area, theme, shown.len(), Some(state.selected), |n| {
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
